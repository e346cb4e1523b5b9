"""Public pages of the 政府信息公开 column and the policy-document library (all through visibility)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, F
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from gongkai.core.forms import parse_number
from gongkai.core.taxonomy import SUBJECT_SEPARATOR, SUBJECTS
from gongkai.orgs.models import Agency
from gongkai.publishing import library
from gongkai.publishing.articles import add_anchors
from gongkai.publishing.rules import MOTION_LABELS, RELATION_LABELS, RelationKind
from gongkai.publishing.sections import sections_for
from gongkai.publishing.versions import current_documents, document_versions
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
    latest = (visible.order_by(F("published_on").desc(nulls_last=True), "-id")
              .prefetch_related("live_revision__issuing_agencies")[:10])
    return render(request, "publishing/column.html",
                  {"roots": roots, "counts": counts, "subjects": subjects, "latest": latest})


def document_list(request):
    """The policy library: keyword (title / full text / 发文字号), filters with counts, three sorts, a table."""
    query, errors = library.parse(request.GET)
    found = library.matches(query)
    paginator = Paginator(library.ordered(query, found), PAGE_SIZE)
    raw_page = request.GET.get("page") or "1"
    number = parse_number(raw_page)
    if number is None or number < 1:
        errors["page"] = "页码应为正整数，已显示第 1 页。"
        number = 1
    elif number > paginator.num_pages:
        errors["page"] = f"第 {number} 页不存在（共 {paginator.num_pages} 页），已显示最后一页。"
        number = paginator.num_pages
    page_obj = paginator.page(number)
    params = request.GET.copy()
    params.pop("page", None)
    as_typed = params.copy()
    as_typed["correct"] = "0"
    sorts = [(value, label) for value, label in library.SORTS.items() if value != "relevance" or query.q]
    return render(request, "publishing/list.html", {
        "page_obj": page_obj, "documents": library.documents(list(page_obj.object_list)), "query": query, "filters": query.filters,
        "errors": errors, "querystring": params.urlencode(), "as_typed_query": as_typed.urlencode(), "facets": library.facets(query, found),
        "facet_labels": library.FACET_LABELS, "any_filter": any(vars(query.filters).values()), "scopes": library.SCOPES, "sorts": sorts, "found": found,
        "agency_obj": Agency.objects.filter(code=query.filters.agency).first() if query.filters.agency else None,
    })


def document_detail(request, pk: int):
    document = get_object_or_404(public_documents().prefetch_related("live_revision__tags"), pk=pk)
    revision = document.live_revision
    relations = public_relations(document)
    outgoing = [(RELATION_LABELS[RelationKind(k)][0], d) for k, d in relations["outgoing"]]
    incoming = [(RELATION_LABELS[RelationKind(k)][1], d) for k, d in relations["incoming"]
                if k != RelationKind.INTERPRETS]
    interpretations = [d for k, d in relations["incoming"] if k == RelationKind.INTERPRETS]
    issuer = revision.issuer or document.agency.name
    versions = document_versions(document)
    return render(request, "publishing/detail.html", {
        "document": document, "revision": revision, "issuer": issuer, "body_html": add_anchors(revision.body_html),  # citations land on an article
        # A document another body issued (a national law kept for reference) is not filed under our agency.
        "own_issue": document.agency.name in issuer.split("、"), "outgoing": outgoing, "incoming": incoming,
        "interpretations": interpretations, "attachments": revision.attachments.all(),
        "tags": revision.tags.all(), "versions": versions,
        "current_version": versions[0] if versions and versions[0].id != document.pk else None,
        "motion_labels": MOTION_LABELS.get(revision.doc_type), "sections": sections_for(document),
    })


def agency_page(request, code: str):
    agency = get_object_or_404(Agency, code=code)
    visible = current_documents().filter(agency_id__in=agency.descendant_ids())
    return render(request, "publishing/agency.html", {
        "agency": agency, "children": agency.children.all(),
        "latest": visible.order_by(F("published_on").desc(nulls_last=True), "-id")
        .prefetch_related("live_revision__issuing_agencies")[:20], "count": visible.count(),
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
