"""The released annual reports on the public site: the list by year and agency, each report's page in the
official layout, and its files. Everything comes through reports.visibility (the released snapshot only)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from gongkai.reports import exports, layout
from gongkai.reports.models import AnnualReport
from gongkai.reports.visibility import public_reports


def report_list(request: HttpRequest) -> HttpResponse:
    """Every released report, newest year first, by agency."""
    years: dict[int, list[AnnualReport]] = {}
    for report in public_reports().order_by("-year", "agency__order", "agency_id", "aggregate"):
        years.setdefault(report.year, []).append(report)
    return render(request, "reports/public/list.html", {"years": list(years.items())})


def _released(code: str, year: int, aggregate: bool) -> AnnualReport:
    found = public_reports().filter(agency__code=code, year=year, aggregate=aggregate).first()
    if found is None:
        raise Http404("该年度报告尚未发布")
    return found


def report_page(request: HttpRequest, code: str, year: int, aggregate: bool = False) -> HttpResponse:
    """One released report: six sections, tables 2, 3 and 4, and its DOCX, PDF and XLSX."""
    report = _released(code, year, aggregate)
    return render(request, "reports/public/report.html", {**layout.context(report.snapshot), "annual": report,
                                                          "formats": list(exports.FORMATS)})


def report_download(request: HttpRequest, code: str, year: int, fmt: str, aggregate: bool = False) -> HttpResponse:
    """The released snapshot as DOCX, PDF or XLSX."""
    return exports.download(_released(code, year, aggregate).snapshot, fmt)
