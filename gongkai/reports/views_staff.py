"""Staff pages of the annual report: the tables of one agency (or its aggregate) for a year, the records behind
each cell, the narrative sections, and the release of the report (drafted → reviewed → released). Open to the
disclosure office of the agency or of an agency above it with covers_subordinates, and to superusers (the same
reach as the disclosure office's own pages)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gongkai.core.audit import history_rows
from gongkai.core.errors import DomainError
from gongkai.core.forms import parse_number
from gongkai.disclosure import queries
from gongkai.orgs.models import Agency
from gongkai.reports import annual, exports, layout, rules, services
from gongkai.reports.models import AnnualReport, EnteredFigure
from gongkai.reports.states import RELEASE
from gongkai.staff.decorators import agencies_required, chosen_agency

_NO_ROLE = "年度报告仅供政府信息公开工作机构的工作人员使用。"
office_required = agencies_required(queries.handling_agencies, _NO_ROLE)


def _year(raw: str) -> int:
    this_year = timezone.localdate().year
    year = parse_number((raw or "").strip()) or 0
    return year if 2008 <= year <= this_year + 1 else this_year - 1


def _query(year: int, agency: Agency, aggregate: bool) -> str:
    return f"year={year}&agency={agency.code}" + ("&aggregate=1" if aggregate else "")


def _release_panel(user, agency: Agency, year: int, aggregate: bool) -> dict:
    """The report's revisions and what `user` may do now: on the open revision, or draft a new one."""
    revisions = list(AnnualReport.objects.filter(agency=agency, year=year, aggregate=aggregate)
                     .select_related("drafted_by", "released_by").order_by("-revision"))
    current = next((r for r in revisions if r.state in ("drafted", "reviewed")), None)
    for r in revisions:
        r.history = history_rows(r, RELEASE)
        # The last review or return of this revision, for the versions table's 审核 column.
        r.review = next((h for h in reversed(r.history) if h["entry"].action in ("review", "reject_review",
                                                                                  "reject_release")), None)
    subject = current or AnnualReport(agency=agency, year=year, aggregate=aggregate)
    return {"revisions": revisions, "current": current, "actions": RELEASE.available(user, subject),
            "gaps": annual.gaps(current.snapshot) if current else [],
            "duty_refusal": RELEASE.duty_refusal(user, subject),
            "released": next((r for r in revisions if r.state == "released"), None)}


@office_required
def annual_report(request: HttpRequest, agencies: list[Agency]) -> HttpResponse:
    """The report's tables and narrative sections for the chosen year and agency, and its release."""
    year = _year(request.GET.get("year", ""))
    agency = chosen_agency(agencies, request.GET.get("agency", "").strip(), request.user)
    aggregate = request.GET.get("aggregate") == "1"
    return _annual_page(request, agencies, year, agency, aggregate)


def _annual_page(request: HttpRequest, agencies: list[Agency], year: int, agency: Agency, aggregate: bool,
                 figure_form: dict | None = None, status: int = 200) -> HttpResponse:
    """The annual report page; `figure_form` carries typed figures and their errors back after a refused entry."""
    report = annual.annual_report(year, agency, aggregate=aggregate)
    narrative = report["narrative"]
    typed = (figure_form or {}).get("narrative")
    typed_text = {typed["section"]: typed["text"]} if typed else {}
    typed_error = {typed["section"]: typed["error"]} if typed else {}
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
        "sections": [(s.value, s.label, typed_text.get(s.value, narrative.get(s.value, "")),
                      last_year.get(s.value, ""), typed_error.get(s.value, "")) for s in rules.Section],
        "release": _release_panel(request.user, agency, year, aggregate),
        "figures": _figure_form(agency, year, figure_form or {}),
        "figure_upload_error": (figure_form or {}).get("upload_error", ""),
    }, status=status)


def _figure_form(agency: Agency, year: int, typed: dict) -> list[dict]:
    """The rows of the table 2 entry form: item, label, unit, the value (typed or stored), who entered it, error."""
    stored = {f.item: f for f in EnteredFigure.objects.filter(agency=agency, year=year)
              .select_related("entered_by").defer("value")}
    values = dict(annual.figure_values(EnteredFigure.objects.filter(agency=agency, year=year)))
    errors = typed.get("errors", {})
    rows = []
    for item, figure in rules.ENTERED_ITEMS.items():
        saved = stored.get(item.value)
        value = values.get(saved.pk) if saved else None
        rows.append({"item": item.value, "label": item.label, "figure": figure,
                     "value": typed["values"].get(item.value, "") if "values" in typed
                     else ("" if value is None else annual.format_figure(value)),
                     "entered": annual.figure_entered_by(saved) if saved else "",
                     "entered_at": saved.entered_at if saved else None,
                     "error": " ".join(errors.get(item.value, []))})
    return rows


@require_POST
@office_required
def save_figures(request: HttpRequest, agencies: list[Agency], code: str) -> HttpResponse:
    """Enter or correct the chosen agency's table 2 figures for a year (行政许可, 行政处罚, 行政强制, 收费)."""
    agency = chosen_agency(agencies, code)
    year = _year(request.POST.get("year", ""))
    values = {item.value: request.POST.get(f"figure_{item.value}", "") for item in rules.ENTERED_ITEMS}
    try:
        saved = services.record_figures(request.user, agency, year, values)
    except DomainError as exc:
        messages.error(request, "填报数据有误，未保存：请按各项下的提示修改。")
        return _annual_page(request, agencies, year, agency, False,
                            {"values": values, "errors": exc.errors or {"": [exc.message]}}, status=400)
    messages.success(request, f"已保存 {len(saved)} 项填报数据。" if saved else "没有填写任何数值。")
    return redirect(reverse("staff-annual-report") + "?" + _query(year, agency, False) + "#table2-entry")


@require_POST
@office_required
def import_figures(request: HttpRequest, agencies: list[Agency], code: str) -> HttpResponse:
    """Import table 2 figures from CSV or XLSX for the agencies whose disclosure office the user works in."""
    agency = chosen_agency(agencies, code)
    year = _year(request.POST.get("year", ""))
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise DomainError("请选择要导入的 CSV 或 XLSX 文件。", field="file")
        if upload.size > 5 * 1024 * 1024:
            raise DomainError("文件不能超过 5 MB。", field="file")
        saved = services.import_figures(request.user, name=upload.name, data=upload.read(), agencies=agencies)
    except DomainError as exc:
        messages.error(request, "文件未导入。")
        return _annual_page(request, agencies, year, agency, False, {"upload_error": exc.message}, status=400)
    messages.success(request, f"已导入 {len(saved)} 项填报数据。")
    return redirect(reverse("staff-annual-report") + "?" + _query(year, agency, False) + "#table2-entry")


@office_required
def annual_cell(request: HttpRequest, agencies: list[Agency], code: str) -> HttpResponse:
    """The records counted in one cell of the report."""
    year = _year(request.GET.get("year", ""))
    agency = chosen_agency(agencies, code)
    aggregate = request.GET.get("aggregate") == "1"
    table, row, column = (request.GET.get(k, "") for k in ("table", "row", "column"))
    records = annual.cell_records(year, agency, aggregate, table, row, column)
    return render(request, "reports/staff/cell.html", {
        "records": records, "year": year, "agency": agency, "aggregate": aggregate, "table": table, "row": row,
        "cell_label": rules.cell_label(table, row, column),
        "column": column, "back": reverse("staff-annual-report") + "?" + _query(year, agency, aggregate),
    })


@require_POST
@office_required
def save_narrative(request: HttpRequest, agencies: list[Agency], code: str) -> HttpResponse:
    """Save one narrative section of the chosen agency's report."""
    year = _year(request.POST.get("year", ""))
    agency = chosen_agency(agencies, code)
    section, text = request.POST.get("section", ""), request.POST.get("text", "")
    try:
        services.save_narrative(request.user, agency, year, section, text)
    except DomainError as exc:
        # The typed text comes back in its box with the message beside it: nothing is lost.
        messages.error(request, "正文未保存：" + exc.message)
        return _annual_page(request, agencies, year, agency, False,
                            {"narrative": {"section": section, "text": text, "error": exc.message}}, status=400)
    messages.success(request, "已保存。")
    return redirect(reverse("staff-annual-report") + "?" + _query(year, agency, False))


@office_required
def annual_download(request: HttpRequest, agencies: list[Agency], code: str, fmt: str) -> HttpResponse:
    """The report of the chosen agency (or its aggregate) as computed now: XLSX, DOCX or PDF."""
    if fmt not in exports.FORMATS:
        raise Http404("没有这种格式")
    year = _year(request.GET.get("year", ""))
    agency = chosen_agency(agencies, code)
    return exports.download(annual.annual_report(year, agency, aggregate=request.GET.get("aggregate") == "1"), fmt)


_DONE = {"draft": "已生成报告并提交审核。", "review": "已审核通过，待发布。", "release": "已发布，公众可在政府信息公开专栏查看。",
         "reject_review": "已退回。", "reject_release": "已退回。"}


@require_POST
@office_required
def report_action(request: HttpRequest, agencies: list[Agency], code: str) -> HttpResponse:
    """A move of the report's release: draft a new revision, or review, release or return the open one."""
    agency = chosen_agency(agencies, code)
    action = request.POST.get("action", "")
    year = _year(request.POST.get("year", ""))
    aggregate = request.POST.get("aggregate") == "1"
    back = redirect(reverse("staff-annual-report") + "?" + _query(year, agency, aggregate))
    try:
        if action == "draft":
            services.draft_report(request.user, agency, year, aggregate)
        elif action in services.REPORT_ACTIONS:
            report = AnnualReport.objects.filter(pk=parse_number(request.POST.get("report", "")) or 0,
                                                 agency=agency).first()
            if report is None:
                raise Http404("没有这份年度报告")
            back = redirect(reverse("staff-annual-report") + "?" + _query(report.year, agency, report.aggregate))
            move = services.REPORT_ACTIONS[action]
            if move is services.return_report:
                move(request.user, report, request.POST.get("comment", ""))
            else:
                move(request.user, report, confirm_gaps=request.POST.get("confirm_gaps") == "1")
        else:
            raise DomainError("未知的操作。")
        messages.success(request, _DONE.get(action, "已办理。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return back


def _revision(agencies: list[Agency], code: str, pk: int) -> AnnualReport:
    report = AnnualReport.objects.filter(pk=pk, agency=chosen_agency(agencies, code)).first()
    if report is None:
        raise Http404("没有这份年度报告")
    return report


@office_required
def revision_page(request: HttpRequest, agencies: list[Agency], code: str, pk: int) -> HttpResponse:
    """One frozen revision, laid out as the public will see it: what the reviewer reviews and the releaser releases."""
    report = _revision(agencies, code, pk)
    return render(request, "reports/staff/revision.html", {
        **layout.context(report.snapshot), "annual": report, "formats": list(exports.FORMATS),
        "history": history_rows(report, RELEASE),
        "back": reverse("staff-annual-report") + "?" + _query(report.year, report.agency, report.aggregate)})


@office_required
def revision_download(request: HttpRequest, agencies: list[Agency], code: str, pk: int, fmt: str) -> HttpResponse:
    """One frozen revision as DOCX, PDF or XLSX."""
    return exports.download(_revision(agencies, code, pk).snapshot, fmt)
