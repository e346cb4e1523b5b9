"""Staff pages of the timeliness figures: the figures and charts of one agency (or its aggregate) for a year or a
date range, the rows behind each figure, and those rows as CSV. Same reach as the annual report: the disclosure
office of the agency or of an agency above it with covers_subordinates, and superusers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from urllib.parse import quote, urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from gongkai.core.forms import parse_number
from gongkai.disclosure import queries
from gongkai.disclosure.rules import MAX_EXTENSION_WORKDAYS, REPLY_WORKDAYS, DecisionGroup
from gongkai.orgs.models import Agency
from gongkai.reports import timeliness
from gongkai.reports.timeliness import BANDS, Period
from gongkai.staff.decorators import agencies_required, forbidden, staff_required

_NO_ROLE = "答复时效统计仅供政府信息公开工作机构的工作人员使用。"
# Longest range one request may cover: a few years is what anyone compares; more only loads the server.
_MAX_RANGE_DAYS = 366 * 5 + 1


def _chosen_agency(agencies: list[Agency], code: str) -> Agency:
    """The chosen agency among the user's (the first by default); 404 for any other, never a hint it exists."""
    if not code:
        return agencies[0]
    for agency in agencies:
        if agency.code == code:
            return agency
    raise Http404("没有这个机关")


def _period(params) -> tuple[Period, dict[str, str], dict[str, str]]:
    """The period asked for (a date range when both ends are given, else a year), the values as typed, and the
    errors by field (then the year is used)."""
    this_year = timezone.localdate().year
    typed = {k: (params.get(k) or "").strip() for k in ("year", "from", "to")}
    year = parse_number(typed["year"]) or 0
    year = year if 2008 <= year <= this_year + 1 else this_year - 1
    errors: dict[str, str] = {}
    if not (typed["from"] or typed["to"]):
        return Period.year(year), typed, errors
    ends = {}
    for key, label in (("from", "开始日期"), ("to", "结束日期")):
        try:
            ends[key] = dt.date.fromisoformat(typed[key])
        except ValueError:
            errors[key] = f"{label}应为“年-月-日”格式的日期，例如 {this_year}-01-01。"
    if not errors and ends["from"] > ends["to"]:
        errors["to"] = "结束日期不能早于开始日期。"
    elif not errors and (ends["to"] - ends["from"]).days > _MAX_RANGE_DAYS:
        errors["to"] = "一次最多统计五年。"
    if errors:
        return Period.year(year), typed, errors
    return Period(ends["from"], ends["to"]), typed, errors


def _query(period: Period, agency: Agency, aggregate: bool) -> str:
    params = {"from": period.start.isoformat(), "to": period.end.isoformat(), "agency": agency.code}
    if aggregate:
        params["aggregate"] = "1"
    return urlencode(params)


def _bars(figures, codes: list[str], labels: dict[str, str], link) -> dict:
    """An accessible horizontal bar chart as data for inline SVG: one bar per figure with its share as text."""
    row_height, label_width, bar_width = 28, 300, 360
    bars = []
    for i, code in enumerate(codes):
        share = figures.share(code)
        bars.append({"code": code, "label": labels[code], "count": figures.counts.get(code, 0),
                     "share": share, "width": round(bar_width * (share or 0) / 100, 1), "y": i * row_height,
                     "text_y": i * row_height + 18, "href": link(code)})
    return {"bars": bars, "height": len(codes) * row_height + 4, "label_width": label_width,
            "bar_x": label_width, "value_x": label_width + bar_width + 8, "width": label_width + bar_width + 130}


@agencies_required(queries.handling_agencies, _NO_ROLE)
def timeliness_page(request: HttpRequest, agencies: list[Agency]) -> HttpResponse:
    """The figures, their charts and the table by agency for the chosen period and agency."""
    period, typed, errors = _period(request.GET)
    agency = _chosen_agency(agencies, request.GET.get("agency", "").strip())
    aggregate = request.GET.get("aggregate") == "1"
    result = timeliness.timeliness(agency, period, aggregate)
    figures = result["figures"]
    labels = timeliness.figure_labels()
    query = _query(period, agency, aggregate)
    rows_url = reverse("staff-timeliness-rows", args=[agency.code])

    def link(code: str, code_of_agency: str | None = None) -> str:
        if code_of_agency:
            return reverse("staff-timeliness-rows", args=[code_of_agency]) + "?" + urlencode(
                {"from": period.start.isoformat(), "to": period.end.isoformat(), "figure": code})
        return f"{rows_url}?{query}&figure={code}"

    time_codes = [*(f"within_{d}" for d in BANDS), "extended", "late"]
    outcome_codes = [g.value for g in DecisionGroup]
    this_year = timezone.localdate().year
    return render(request, "reports/staff/timeliness.html", {
        "result": result, "figures": figures, "period": period, "typed": typed, "errors": errors,
        "agency": agency, "agencies": agencies, "aggregate": aggregate, "query": query,
        "years": list(range(this_year, this_year - 6, -1)),
        "year": period.start.year, "labels": labels, "reply_workdays": REPLY_WORKDAYS,
        "max_extension": MAX_EXTENSION_WORKDAYS,
        "time_chart": _bars(figures, time_codes, labels, link),
        "outcome_chart": _bars(figures, outcome_codes, labels, link),
        "links": {code: link(code) for code in labels},
        "csv_url": reverse("staff-timeliness-csv", args=[agency.code]) + "?" + query,
        "annual_url": reverse("staff-annual-report") + "?" + urlencode(
            {"year": period.start.year, "agency": agency.code, **({"aggregate": "1"} if aggregate else {})}),
        "agency_columns": [labels[c] for c in ("replied", *time_codes, *outcome_codes)],
        "by_agency": [(a["name"], [(a["figures"].counts[c], link(c, a["code"]))
                                   for c in ("replied", *time_codes, *outcome_codes)], a["figures"])
                      for a in result["agencies"]],
    })


def _figure_rows(request: HttpRequest, code: str):
    agencies = queries.handling_agencies(request.user)
    if not agencies:
        return None, forbidden(request, _NO_ROLE)
    period, _, errors = _period(request.GET)
    if errors:
        raise Http404(next(iter(errors.values())))
    agency = _chosen_agency(agencies, code)
    aggregate = request.GET.get("aggregate") == "1"
    figure = request.GET.get("figure", "").strip() or "replied"
    labels = timeliness.figure_labels()
    if figure not in labels:
        raise Http404("没有这项统计")
    rows = timeliness.rows_for(timeliness.case_rows(agency, period, aggregate), figure)
    return {"agency": agency, "aggregate": aggregate, "period": period, "figure": figure,
            "figure_label": labels[figure], "rows": rows, "query": _query(period, agency, aggregate)}, None


@staff_required
def timeliness_rows(request: HttpRequest, code: str) -> HttpResponse:
    """The applications one figure counts."""
    found, refused = _figure_rows(request, code)
    if refused:
        return refused
    back = reverse("staff-timeliness") + "?" + found["query"]
    csv_url = reverse("staff-timeliness-csv", args=[code]) + f"?{found['query']}&figure={found['figure']}"
    return render(request, "reports/staff/timeliness_rows.html", {**found, "back": back, "csv_url": csv_url,
                                                                   "header": timeliness.CSV_HEADER,
                                                                   "lines": bool(found["rows"]),
                                                                   "rows_lines": [(r, timeliness.csv_row(r))
                                                                                  for r in found["rows"]]})


@staff_required
def timeliness_csv(request: HttpRequest, code: str) -> HttpResponse:
    """The rows of one figure (all answered applications by default) as CSV, UTF-8 with BOM for Excel."""
    found, refused = _figure_rows(request, code)
    if refused:
        return refused
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(timeliness.CSV_HEADER)
    writer.writerows(timeliness.csv_row(r) for r in found["rows"])
    response = HttpResponse(("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8")
    name = (f"{found['agency'].name}{'（汇总）' if found['aggregate'] else ''}"
            f"{found['period'].label}答复时效-{found['figure_label']}.csv").replace(" ", "")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
