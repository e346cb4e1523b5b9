"""Public pages of the 政府信息公开 column and the policy-document library (all through visibility)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, F
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from gongkai.core.taxonomy import DOC_TYPES, SUBJECT_SEPARATOR, SUBJECTS
from gongkai.orgs.models import Agency
from gongkai.publishing.filters import DocumentFilters, filter_public
from gongkai.publishing.models import DocumentKind
from gongkai.publishing.rules import RELATION_LABELS, RelationKind, Validity
from gongkai.publishing.versions import current_documents, document_versions, older_versions
from gongkai.publishing.visibility import public_attachments, public_documents, public_relations

PAGE_SIZE = 20


def column(request):
    """The 政府信息公开 column: navigate by agency and by subject (counting documents, not their older versions)."""
    visible = current_documents()
    counts = {row["agency_id"]: row["n"] for row in visible.values("agency_id").annotate(n=Count("id"))}
    roots = list(Agency.objects.filter(parent__isnull=True).prefetch_related("children__children"))
    subject_counts: dict[str, int] = {}
    for row in visible.values("live_revision__subject").annotate(n=Count("id")):
        top = (row["live_revision__subject"] or "").split(SUBJECT_SEPARATOR)[0]
        subject_counts[top] = subject_counts.get(top, 0) + row["n"]
    subjects = [(top, subject_counts.get(top, 0)) for top in SUBJECTS]
    latest = visible.order_by(F("published_on").desc(nulls_last=True), "-id")[:10]
    return render(request, "publishing/column.html",
                  {"roots": roots, "counts": counts, "subjects": subjects, "latest": latest})


def _filters_from(request) -> DocumentFilters:
    g = request.GET
    return DocumentFilters(agency=g.get("agency", "").strip(), subject=g.get("subject", "").strip(),
                           year=g.get("year", "").strip(), doc_type=g.get("doc_type", "").strip(),
                           validity=g.get("validity", "").strip(), kind=g.get("kind", "").strip())


def document_list(request):
    filters = _filters_from(request)
    errors = filters.errors()
    if filters.kind and filters.kind not in DocumentKind.values:
        errors["kind"] = "没有这个信息类别。"
    # One line a document: older versions are listed under their current version (publishing.versions).
    page = Paginator(filter_public(filters).filter(superseded=False) if not errors else public_documents().none(),
                     PAGE_SIZE)
    page_obj = page.get_page(request.GET.get("page"))
    _attach_versions(page_obj.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    years = sorted({d.year for d in public_documents().dates("published_on", "year")}, reverse=True)
    return render(request, "publishing/list.html", {
        "page_obj": page_obj, "filters": filters, "errors": errors, "querystring": query.urlencode(),
        "agencies": Agency.objects.all(), "subjects": SUBJECTS, "doc_types": DOC_TYPES,
        "validities": Validity.choices, "kinds": DocumentKind.choices, "years": years,
        "agency_obj": Agency.objects.filter(code=filters.agency).first(),
    })


def _attach_versions(documents) -> None:
    """Give each listed document its other public versions (`older_versions`), newest first."""
    documents = list(documents)
    found = older_versions([d.pk for d in documents])
    for d in documents:
        d.older_versions = found.get(d.pk, [])


def document_detail(request, pk: int):
    document = get_object_or_404(public_documents().prefetch_related("live_revision__tags"), pk=pk)
    revision = document.live_revision
    relations = public_relations(document)
    outgoing = [(RELATION_LABELS[RelationKind(k)][0], d) for k, d in relations["outgoing"]]
    incoming = [(RELATION_LABELS[RelationKind(k)][1], d) for k, d in relations["incoming"]
                if k != RelationKind.INTERPRETS]
    interpretations = [d for k, d in relations["incoming"] if k == RelationKind.INTERPRETS]
    versions = document_versions(document)
    return render(request, "publishing/detail.html", {
        "document": document, "revision": revision, "outgoing": outgoing, "incoming": incoming,
        "interpretations": interpretations, "attachments": revision.attachments.all(),
        "tags": revision.tags.all(), "versions": versions,
        "current_version": versions[0] if versions and versions[0].id != document.pk else None,
    })


def agency_page(request, code: str):
    agency = get_object_or_404(Agency, code=code)
    visible = current_documents().filter(agency_id__in=agency.descendant_ids())
    return render(request, "publishing/agency.html", {
        "agency": agency, "children": agency.children.all(),
        "latest": visible.order_by(F("published_on").desc(nulls_last=True), "-id")[:20], "count": visible.count(),
    })


def attachment_download(request, pk: int, name: str):
    attachment = public_attachments().filter(pk=pk).first()
    if attachment is None or attachment.name != name:
        raise Http404("附件不存在")
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type,
                            as_attachment=not attachment.content_type.startswith("image/"),
                            filename=attachment.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
