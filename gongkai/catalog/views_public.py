"""The public 政府信息公开 column (/zfxxgk/): guide, rules of the disclosure system, the statutory proactive
content from the catalogue, annual reports and disclosure on application. Everything it shows comes through
catalog.visibility (reviewed snapshots) and publishing.visibility (documents)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from gongkai.catalog import queries
from gongkai.catalog.visibility import public_guides, public_negative_entries
from gongkai.orgs.models import Agency
from gongkai.publishing.visibility import public_documents

# 政府信息公开制度: the library's 综合政务\政务公开 subject holds the disclosure system's own rules.
SYSTEM_SUBJECT = "综合政务\\政务公开"
ANNUAL_REPORTS_PATH = "/zfxxgk/ndbg/"
# Documents listed under each item on the catalogue page; the rest are one link away in the library.
LISTED = 5


def _agency(request) -> tuple[Agency | None, list[Agency]]:
    """The agency chosen with ?agency=CODE (the first top-level agency by default) and the choices."""
    agencies = list(Agency.objects.all())
    code = (request.GET.get("agency") or "").strip()
    if code:
        chosen = next((a for a in agencies if a.code == code), None)
        if chosen is None:
            raise Http404("没有这个机关")
        return chosen, agencies
    roots = [a for a in agencies if a.parent_id is None]
    return (roots[0] if roots else None), agencies


def index(request):
    """The column's index: the statutory structure for the chosen agency."""
    agency, agencies = _agency(request)
    guide = public_guides().filter(agency=agency).first() if agency else None
    system_count = public_documents().filter(live_revision__subject=SYSTEM_SUBJECT).count()
    return render(request, "catalog/public/index.html", {
        "agency": agency, "agencies": agencies, "guide": guide, "sections": queries.public_sections(agency) if agency else [],
        "system_subject": SYSTEM_SUBJECT, "system_count": system_count, "annual_reports": ANNUAL_REPORTS_PATH,
        "negative_count": public_negative_entries().filter(agency=agency).count() if agency else 0,
    })


def guides(request):
    """Every agency's guide that is public."""
    return render(request, "catalog/public/guides.html",
                  {"guides": public_guides().order_by("agency__order", "agency_id")})


def guide(request, code: str):
    """One agency's guide, as last reviewed."""
    found = public_guides().filter(agency__code=code).first()
    if found is None:
        raise Http404("该机关的政府信息公开指南尚未公开")
    return render(request, "catalog/public/guide.html", {"guide": found, "data": found.published,
                                                         "agency": found.agency})


def catalogue(request):
    """The catalogue of the chosen agency: every public item with its elements and its documents."""
    agency, agencies = _agency(request)
    return render(request, "catalog/public/catalogue.html", {
        "agency": agency, "agencies": agencies, "sections": queries.public_sections(agency, LISTED) if agency else []})


def negative_list(request):
    """The negative lists (不予主动公开清单) that are public, by agency."""
    entries = public_negative_entries().order_by("agency__order", "agency_id", "id")
    by_agency: dict[int, dict] = {}
    for entry in entries:
        by_agency.setdefault(entry.agency_id, {"agency": entry.agency, "entries": []})["entries"].append(entry)
    return render(request, "catalog/public/negative_list.html", {"groups": list(by_agency.values())})
