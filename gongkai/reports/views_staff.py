"""Staff pages of the annual report: the tables of one agency (or its aggregate) for a year, the records behind
each cell, and the narrative sections. Open to the disclosure office of the agency or of an agency above it
with covers_subordinates, and to superusers (the same reach as the disclosure office's own pages)."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gongkai.core.errors import DomainError
from gongkai.core.forms import parse_number
from gongkai.disclosure import queries
from gongkai.orgs.models import Agency
from gongkai.reports import annual, docx, rules, services, xlsx
from gongkai.staff.decorators import forbidden, staff_required

_NO_ROLE = "年度报告仅供政府信息公开工作机构的工作人员使用。"


def _year(raw: str) -> int:
    this_year = timezone.localdate().year
    year = parse_number((raw or "").strip()) or 0
    return year if 2008 <= year <= this_year + 1 else this_year - 1


def _agency(request: HttpRequest, agencies: list[Agency], code: str) -> Agency:
    """The chosen agency among the user's (the first by default); 404 for any other, never a hint it exists."""
    if not code:
        return agencies[0]
    for agency in agencies:
        if agency.code == code:
            return agency
    raise Http404("没有这个机关")


def _query(year: int, agency: Agency, aggregate: bool) -> str:
    return f"year={year}&agency={agency.code}" + ("&aggregate=1" if aggregate else "")


@staff_required
def annual_report(request: HttpRequest) -> HttpResponse:
    """The report's tables and narrative sections for the chosen year and agency."""
    agencies = queries.handling_agencies(request.user)
    if not agencies:
        return forbidden(request, _NO_ROLE)
    year = _year(request.GET.get("year", ""))
    agency = _agency(request, agencies, request.GET.get("agency", "").strip())
    aggregate = request.GET.get("aggregate") == "1"
    report = annual.annual_report(year, agency, aggregate=aggregate)
    narrative = report["narrative"]
    last_year = annual.narratives(agency, year - 1)
    t3 = report["table3"]
    this_year = timezone.localdate().year
    return render(request, "reports/staff/annual.html", {
        "report": report, "year": year, "agency": agency, "aggregate": aggregate, "agencies": agencies,
        "years": list(range(this_year, this_year - 6, -1)), "query": _query(year, agency, aggregate),
        "t3_columns": rules.TABLE3_COLUMNS, "t4_groups": rules.TABLE4_GROUPS, "t4_columns": rules.TABLE4_COLUMNS,
        "t3_rows": [(code, label, level, [(c, t3[code][c]) for c, _ in rules.TABLE3_COLUMNS])
                    for code, label, level in rules.table3_rows()],
        "t4_cells": [(g, c, report["table4"][g][c]) for g, _ in rules.TABLE4_GROUPS for c, _ in rules.TABLE4_COLUMNS],
        "t2_documents": [(item, rules.TABLE2_SECTIONS[item], [(c, label, report["table2"][item.value][c])
                                                              for c, label in rules.TABLE2_DOCUMENT_COLUMNS])
                         for item in rules.TABLE2_DOC_TYPES],
        "t2_entered": [(item, rules.TABLE2_SECTIONS[item], figure, report["table2"][item.value])
                       for item, figure in rules.ENTERED_ITEMS.items()],
        "sections": [(s.value, s.label, narrative.get(s.value, ""), last_year.get(s.value, ""))
                     for s in rules.Section],
    })


@staff_required
def annual_cell(request: HttpRequest, code: str) -> HttpResponse:
    """The records counted in one cell of the report."""
    agencies = queries.handling_agencies(request.user)
    if not agencies:
        return forbidden(request, _NO_ROLE)
    year = _year(request.GET.get("year", ""))
    agency = _agency(request, agencies, code)
    aggregate = request.GET.get("aggregate") == "1"
    table, row, column = (request.GET.get(k, "") for k in ("table", "row", "column"))
    records = annual.cell_records(year, agency, aggregate, table, row, column)
    return render(request, "reports/staff/cell.html", {
        "records": records, "year": year, "agency": agency, "aggregate": aggregate, "table": table, "row": row,
        "column": column, "back": reverse("staff-annual-report") + "?" + _query(year, agency, aggregate),
    })


@require_POST
@staff_required
def save_narrative(request: HttpRequest, code: str) -> HttpResponse:
    """Save one narrative section of the chosen agency's report."""
    agencies = queries.handling_agencies(request.user)
    if not agencies:
        return forbidden(request, _NO_ROLE)
    year = _year(request.POST.get("year", ""))
    agency = _agency(request, agencies, code)
    try:
        services.save_narrative(request.user, agency, year, request.POST.get("section", ""),
                                request.POST.get("text", ""))
        messages.success(request, "已保存。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("staff-annual-report") + "?" + _query(year, agency, False))


@staff_required
def annual_download(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """The report of the chosen agency (or its aggregate) as XLSX in the official layout, or as DOCX."""
    agencies = queries.handling_agencies(request.user)
    if not agencies:
        return forbidden(request, _NO_ROLE)
    if fmt not in _FORMATS:
        raise Http404("没有这种格式")
    year = _year(request.GET.get("year", ""))
    agency = _agency(request, agencies, code)
    report = annual.annual_report(year, agency, aggregate=request.GET.get("aggregate") == "1")
    render_file, content_type = _FORMATS[fmt]
    response = HttpResponse(render_file(report), content_type=content_type)
    name = quote(f"{report['agency_name']}{year}年政府信息公开工作年度报告.{fmt}")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


_FORMATS = {
    "xlsx": (xlsx.workbook, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "docx": (docx.document, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}
