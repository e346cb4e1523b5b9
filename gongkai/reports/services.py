"""Writes of the annual report: entered table 2 figures (one by one or imported), narrative sections, and the
release of the report through its workflow (gongkai.reports.states)."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from gongkai.core import audit
from gongkai.core.errors import DomainError
from gongkai.core.workflow import NEW
from gongkai.orgs.models import Agency
from gongkai.reports import annual
from gongkai.reports.models import AnnualReport, EnteredFigure, Narrative
from gongkai.reports.rules import ENTERED_ITEMS, Section, Table2Item
from gongkai.reports.states import RELEASE, ReportState


def _decimal(value, item: str) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise DomainError(f"“{Table2Item(item).label}”的数值应为数字：{value}", field="value") from None
    if number < 0 or not number.is_finite():
        raise DomainError(f"“{Table2Item(item).label}”的数值不能为负数。", field="value")
    if item != Table2Item.FEES and number != number.to_integral_value():
        raise DomainError(f"“{Table2Item(item).label}”的处理决定数量应为整数。", field="value")
    return number


@transaction.atomic
def record_figure(actor, agency: Agency, year: int, item: str, value, *, source: str = "") -> EnteredFigure:
    """Enter (or correct) one table 2 figure of `agency` for `year`, with who entered it; audited."""
    if item not in ENTERED_ITEMS:
        raise DomainError("该事项由平台数据计算，不能填报。", field="item")
    number = _decimal(value, item)
    figure = EnteredFigure.objects.select_for_update().filter(agency=agency, year=year, item=item).first()
    before = str(figure.value) if figure else ""
    if figure is None:
        figure = EnteredFigure(agency=agency, year=year, item=item, value=number)
    figure.value, figure.entered_by, figure.source = number, actor if getattr(actor, "pk", None) else None, source
    figure.save()
    audit.record(actor, "reports.record_figure", figure, item=item, year=year, before=before, after=str(number),
                 source=source)
    return figure


_HEADERS = {"机关代码": "agency", "年度": "year", "事项": "item", "数值": "value"}


def _rows_of(path: Path) -> list[dict]:
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(path, read_only=True, data_only=True).active
        values = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    else:
        text = path.read_bytes().decode("utf-8-sig")
        values = list(csv.reader(io.StringIO(text)))
    if not values:
        return []
    header = [_HEADERS.get(h.strip(), h.strip()) for h in values[0]]
    missing = set(_HEADERS.values()) - set(header)
    if missing:
        raise DomainError("表头应包含：机关代码、年度、事项、数值。")
    return [dict(zip(header, row, strict=False)) for row in values[1:] if any(str(v).strip() for v in row)]


@transaction.atomic
def import_figures(actor, path: str | Path) -> list[EnteredFigure]:
    """Import table 2 figures from a CSV or XLSX file (columns 机关代码, 年度, 事项, 数值): all or nothing."""
    path = Path(path)
    labels = {t.label: t.value for t in Table2Item} | {t.value: t.value for t in Table2Item}
    figures = []
    for n, row in enumerate(_rows_of(path), start=2):
        agency = Agency.objects.filter(code=str(row["agency"]).strip()).first()
        if agency is None:
            raise DomainError(f"第 {n} 行：没有机关代码为 {row['agency']} 的机关。")
        item = labels.get(str(row["item"]).strip())
        if item is None:
            raise DomainError(f"第 {n} 行：事项应为 行政许可、行政处罚、行政强制 或 行政事业性收费。")
        try:
            year = int(str(row["year"]).strip())
        except ValueError:
            raise DomainError(f"第 {n} 行：年度应为四位数字。") from None
        try:
            figures.append(record_figure(actor, agency, year, item, row["value"], source=path.name))
        except DomainError as exc:
            raise DomainError(f"第 {n} 行：{exc.message}") from None
    return figures


@transaction.atomic
def save_narrative(actor, agency: Agency, year: int, section: str, text: str) -> Narrative:
    """Save the text of one section of `agency`'s report for `year`; audited."""
    if section not in Section.values:
        raise DomainError("没有这一部分。", field="section")
    narrative, _ = Narrative.objects.select_for_update().get_or_create(agency=agency, year=year, section=section)
    narrative.text, narrative.updated_by = text.strip(), actor if getattr(actor, "pk", None) else None
    narrative.save()
    audit.record(actor, "reports.save_narrative", narrative, section=section, year=year)
    return narrative


# -- release of the report (drafted → reviewed → released) ------------------------------------------------------


@transaction.atomic
def draft_report(actor, agency: Agency, year: int, aggregate: bool = False) -> AnnualReport:
    """Freeze the report as computed now, with its narratives, into a new revision waiting for review."""
    # Lock the agency so two drafts of the same report cannot both pass the one-open-revision guard.
    Agency.objects.select_for_update().filter(pk=agency.pk).first()
    latest = (AnnualReport.objects.filter(agency=agency, year=year, aggregate=aggregate)
              .order_by("-revision").values_list("revision", flat=True).first())
    report = AnnualReport(agency=agency, year=year, aggregate=aggregate, revision=(latest or 0) + 1)
    transition = RELEASE.check(actor, report, "draft")
    report.snapshot = json.loads(json.dumps(annual.annual_report(year, agency, aggregate=aggregate),
                                            cls=DjangoJSONEncoder))
    report.state = ReportState.DRAFTED
    report.drafted_by = actor if getattr(actor, "pk", None) else None
    report.save()
    RELEASE.commit(actor, report, transition, from_state=NEW, year=year, aggregate=aggregate,
                   revision=report.revision)
    return report


def _move(actor, report: AnnualReport, name: str, comment: str = "") -> AnnualReport:
    report = AnnualReport.objects.select_for_update().select_related("agency").get(pk=report.pk)
    transition = RELEASE.check(actor, report, name)
    if name == "release":
        report.released_by, report.released_at = actor, timezone.now()
    RELEASE.commit(actor, report, transition, comment=comment, year=report.year, revision=report.revision)
    return report


@transaction.atomic
def review_report(actor, report: AnnualReport) -> AnnualReport:
    """The reviewer (not the drafter) passes the frozen report on for release."""
    return _move(actor, report, "review")


@transaction.atomic
def release_report(actor, report: AnnualReport) -> AnnualReport:
    """The releaser (neither drafter nor reviewer) publishes the reviewed report; it supersedes older releases."""
    return _move(actor, report, "release")


@transaction.atomic
def return_report(actor, report: AnnualReport, comment: str) -> AnnualReport:
    """Send the revision back to the drafter with a reason: by the reviewer, or by the releaser."""
    name = "reject_review" if report.state == ReportState.DRAFTED else "reject_release"
    return _move(actor, report, name, comment)


# The staff page's action name → the service doing it (draft takes the agency, year and scope instead).
REPORT_ACTIONS = {"review": review_report, "release": release_report, "reject_review": return_report,
                  "reject_release": return_report}
