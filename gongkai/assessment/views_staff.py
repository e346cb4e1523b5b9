"""Staff pages of the assessment, for the general office: the ranking of a period, the evidence behind each
deduction, the XLSX export and the schemes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from gongkai.assessment import rules, services, xlsx
from gongkai.assessment.access import office_agencies
from gongkai.assessment.columns import agency_columns
from gongkai.assessment.indicators import Period
from gongkai.assessment.models import Scheme
from gongkai.assessment.scoring import active_scheme, ranking
from gongkai.core.errors import DomainError
from gongkai.staff.decorators import agencies_required, chosen_agency

_NO_ROLE = "考评仅供本级政府办公室（政务公开主管部门）的管理员和政府信息公开工作机构负责人使用。"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
office_required = agencies_required(office_agencies, _NO_ROLE)


# 《条例》 took effect in 2008: no assessment of disclosure work before it, nor of years not yet begun.
FIRST_YEAR = 2008
_RANGE_MESSAGE = "考评期间应在 2008 年（《条例》施行）至 {last} 年之间。"


def _in_range(year: int, today: dt.date) -> bool:
    return FIRST_YEAR <= year <= today.year + 1


def _period(request: HttpRequest) -> tuple[Period, dict[str, str], dict[str, str]]:
    """The period asked for (a month, or a date range), the values typed and the message of each bad field;
    a bad field falls back to the current month."""
    today = timezone.localdate()
    typed = {k: request.GET.get(k, "").strip() for k in ("month", "start", "end")}
    errors: dict[str, str] = {}
    if typed["start"] or typed["end"]:
        days: dict[str, dt.date] = {}
        for name, example, what in (("start", "2026-01-01", "开始"), ("end", "2026-01-31", "结束")):
            try:
                days[name] = dt.date.fromisoformat(typed[name])
            except ValueError:
                errors[name] = f"请按“年-月-日”填写{what}日期，例如 {example}。"
                continue
            if not _in_range(days[name].year, today):
                errors[name] = _RANGE_MESSAGE.format(last=today.year + 1)
        start, end = days.get("start"), days.get("end")
        if not errors:
            if end < start:
                errors["end"] = "结束日期不能早于开始日期。"
            elif (end - start).days > 366:
                errors["end"] = "考评期间不能超过一年。"
            else:
                return Period(start, end), typed, errors
    elif typed["month"]:
        try:
            year, month = (int(p) for p in typed["month"].split("-"))
            if _in_range(year, today):
                return Period.month(year, month), typed, errors
            errors["month"] = _RANGE_MESSAGE.format(last=today.year + 1)
        except ValueError:
            errors["month"] = "请按“年-月”填写月份，例如 2026-03。"
    return Period.month(today.year, today.month), typed, errors


def _scheme(request: HttpRequest, period: Period) -> Scheme | None:
    pk = request.GET.get("scheme", "").strip()
    if pk:
        if not pk.isdigit():
            raise Http404("没有这个考评方案")
        return get_object_or_404(Scheme, pk=int(pk))
    return active_scheme(period.end.year)


def _query(period: Period, scheme: Scheme) -> str:
    return f"?start={period.start:%Y-%m-%d}&end={period.end:%Y-%m-%d}&scheme={scheme.pk}"


@office_required
def overview(request: HttpRequest, agencies) -> HttpResponse:
    """The ranking of every agency under the general office for a period, with links to each deduction's evidence."""
    period, typed, errors = _period(request)
    scheme = _scheme(request, period)
    rows = ranking(scheme, agencies, period) if scheme else []
    return render(request, "assessment/staff/overview.html", {
        "period": period, "typed": typed, "errors": errors, "scheme": scheme, "rows": rows,
        "agencies": agencies, "indicators": list(scheme.indicators.all()) if scheme else [],
        "schemes": Scheme.objects.all(), "query": _query(period, scheme) if scheme else ""})


@office_required
def columns(request: HttpRequest, agencies) -> HttpResponse:
    """Per agency, the blank and stale columns of the public site as the national inspection would find them on
    the period's end (国办秘函〔2019〕19号)."""
    period, typed, errors = _period(request)
    as_of = period.as_of()
    rows = []
    for agency in sorted(agencies, key=lambda a: (a.order, a.pk)):
        found = agency_columns(agency, as_of)
        failing = [c for c in found if c.failing]
        rows.append({"agency": agency, "columns": len(found), "failing": failing,
                     "blank": sum(1 for c in failing if c.blank), "stale": sum(1 for c in failing if c.stale)})
    return render(request, "assessment/staff/columns.html", {
        "period": period, "typed": typed, "errors": errors, "as_of": as_of, "rows": rows,
        "total_blank": sum(r["blank"] for r in rows), "total_stale": sum(r["stale"] for r in rows),
        "total": sum(len(r["failing"]) for r in rows), "kinds": [
            (label, rules.COLUMN_PERIOD_TEXT[kind]) for kind, label in rules.ColumnKind.choices],
        "source": rules.COLUMNS_SOURCE})


@office_required
def evidence(request: HttpRequest, agencies, code: str, indicator: str) -> HttpResponse:
    """What caused one agency's deduction on one indicator: the documents, items or cases, with their pages."""
    agency = chosen_agency(agencies, code)
    period, _, _ = _period(request)
    scheme = _scheme(request, period)
    if scheme is None:
        raise Http404("没有启用的考评方案")
    rows = ranking(scheme, [agency], period)
    line = rows[0].line(indicator)
    if line is None:
        raise Http404("方案中没有这个指标")
    return render(request, "assessment/staff/evidence.html", {
        "agency": agency, "period": period, "scheme": scheme, "line": line, "query": _query(period, scheme)})


@office_required
def export(request: HttpRequest, agencies) -> HttpResponse:
    """The ranking as XLSX, the evidence of every deduction on the second sheet."""
    period, _, _ = _period(request)
    scheme = _scheme(request, period)
    if scheme is None:
        raise Http404("没有启用的考评方案")
    content = xlsx.workbook(scheme, period, ranking(scheme, agencies, period), request.build_absolute_uri("/"))
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="assessment-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"'
    return response


def _scheme_values(scheme: Scheme | None) -> dict[str, str]:
    """The form's values for `scheme`, or the defaults for a new one."""
    if scheme is None:
        values = {"name": "", "year": str(timezone.localdate().year), "active": ""}
        rows = [(c, w, f, p) for c, w, f, p in rules.DEFAULT_INDICATORS]
    else:
        values = {"name": scheme.name, "year": str(scheme.year), "active": "on" if scheme.active else ""}
        rows = [(i.indicator, i.weight.normalize(), i.formula, i.points.normalize()) for i in scheme.indicators.all()]
    # Indicators outside the defaults are offered at 0 marks, so a scheme can choose to weigh them.
    present = {code for code, *_ in rows}
    rows += [row for row in rules.OPTIONAL_INDICATORS if row[0] not in present]
    for code, weight, formula, points in rows:
        values.update({f"weight_{code}": f"{Decimal(weight):f}", f"formula_{code}": formula,
                       f"points_{code}": f"{Decimal(points):f}"})
    return values


@office_required
def scheme_edit(request: HttpRequest, agencies, pk: int) -> HttpResponse:
    """Edit a scheme (pk 0: a new one, starting from the defaults); bad input keeps what was typed, stores nothing."""
    scheme = get_object_or_404(Scheme, pk=pk) if pk else None
    values, errors = _scheme_values(scheme), {}
    if request.method == "POST":
        optional = {code for code, *_ in rules.OPTIONAL_INDICATORS}
        values = {k: request.POST.get(k, "") for k in values}
        indicators = {code: {"weight": values[f"weight_{code}"], "formula": values[f"formula_{code}"],
                             "points": values[f"points_{code}"]} for code in rules.IndicatorCode.values
                      if f"weight_{code}" in values and (f"weight_{code}" in request.POST or code not in optional)}
        year_text = values["year"].strip()
        try:
            # Every field at once: a bad year must not hide an empty name or a bad weight until it is fixed.
            _, found = services.validate_indicators(indicators)
            if not year_text.isdigit():
                found.setdefault("year", []).append("年度须为四位数字。")
            if not values["name"].strip():
                found.setdefault("name", []).append("请填写方案名称。")
            if found:
                raise DomainError(next(iter(found.values()))[0], errors=found)
            # One transaction: a new scheme whose indicators are refused is not left behind half-made.
            with transaction.atomic():
                target = scheme or services.create_scheme(request.user, values["name"], int(year_text))
                services.update_scheme(request.user, target, name=values["name"], year=int(year_text),
                                       active=bool(values["active"]), indicators=indicators)
        except DomainError as error:
            errors = error.errors or {"__all__": [error.message]}
        else:
            messages.success(request, f"已保存考评方案“{target.name}”。")
            return redirect(reverse("staff-assessment") + f"?scheme={target.pk}")
    rows = [{"code": code, "label": rules.IndicatorCode(code).label, "weight": values.get(f"weight_{code}", ""),
             "formula": values.get(f"formula_{code}", ""), "points": values.get(f"points_{code}", ""),
             "errors": errors.get(f"weight_{code}", []) + errors.get(f"formula_{code}", [])
             + errors.get(f"points_{code}", [])}
            for code in rules.IndicatorCode.values if f"weight_{code}" in values]
    return render(request, "assessment/staff/scheme.html", {
        "scheme": scheme, "values": values, "errors": errors, "rows": rows,
        "general_errors": errors.get("__all__", []), "formulas": rules.Formula.choices},
        status=400 if errors else 200)
