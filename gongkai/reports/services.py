"""Writes of the annual report: entered table 2 figures (one by one or imported), narrative sections, and the
release of the report through its workflow (gongkai.reports.states)."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from gongkai.core import audit
from gongkai.core.errors import DomainError
from gongkai.core.forms import MAX_BOX
from gongkai.core.workflow import NEW
from gongkai.orgs.models import Agency
from gongkai.reports import annual
from gongkai.reports.models import AnnualReport, EnteredFigure, Narrative
from gongkai.reports.rules import (
    ENTERED_ITEMS,
    FEES_DECIMALS,
    FIRST_YEAR,
    MAX_COUNT,
    MAX_FEES,
    Section,
    Table2Item,
    year_in_range,
)
from gongkai.reports.states import RELEASE, ReportState

audit.register_labels({"reports.record_figure": "填报表二数据", "reports.save_narrative": "保存报告正文"})
_PLAIN_NUMBER = re.compile(r"^[0-9]+(\.[0-9]+)?$")


def parse_figure(value, item: str) -> Decimal:
    """The entered value of `item` as a Decimal, or a DomainError in Chinese: counts are whole numbers up to
    MAX_COUNT, fees (万元) have at most FEES_DECIMALS places and stay under MAX_FEES; no NaN, inf or 1e20."""
    label = Table2Item(item).label
    text = str(value if value is not None else "").strip().replace(",", "").replace("，", "")
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))  # XLSX stores 120 as 120.0
    if not text:
        raise DomainError(f"请填写“{label}”的数值。", field="value")
    if not _PLAIN_NUMBER.match(text):
        raise DomainError(f"“{label}”的数值应为不带单位的非负数字（如 120 或 12.5），不能是“{value}”。", field="value")
    number = Decimal(text)
    if item == Table2Item.FEES:
        if number and -number.normalize().as_tuple().exponent > FEES_DECIMALS:
            raise DomainError(f"“{label}”以万元为单位，最多保留 {FEES_DECIMALS} 位小数。", field="value")
        if number > MAX_FEES:
            raise DomainError(f"“{label}”不能超过 {MAX_FEES:,} 万元，请核对单位（万元）。", field="value")
        return number
    if number != number.to_integral_value():
        raise DomainError(f"“{label}”的处理决定数量应为整数。", field="value")
    if number > MAX_COUNT:
        raise DomainError(f"“{label}”不能超过 {MAX_COUNT:,} 件，请核对。", field="value")
    return number.to_integral_value()


def check_year(year) -> int:
    """`year` as an int if an annual report can exist for it (2008 to next year), else a DomainError."""
    this_year = timezone.localdate().year
    try:
        number = int(str(year).strip())
    except (TypeError, ValueError):
        raise DomainError("年度应为四位数字，如 2024。", field="year") from None
    if not year_in_range(number, this_year):
        raise DomainError(f"年度应在 {FIRST_YEAR} 年（《条例》施行）至 {this_year + 1} 年之间。", field="year")
    return number


@transaction.atomic
def record_figure(actor, agency: Agency, year: int, item: str, value, *, source: str = "") -> EnteredFigure:
    """Enter (or correct) one table 2 figure of `agency` for `year`, with who entered it; audited."""
    if item not in ENTERED_ITEMS:
        raise DomainError("该事项由平台数据计算，不能填报。", field="item")
    year = check_year(year)
    number = parse_figure(value, item)
    # The old value is read as text: one stored before entries were validated must not stop its correction.
    figure = (EnteredFigure.objects.select_for_update().filter(agency=agency, year=year, item=item)
              .defer("value").first())
    before = ""
    if figure is not None:
        old = dict(annual.figure_values(EnteredFigure.objects.filter(pk=figure.pk))).get(figure.pk)
        before = "" if old is None else str(old)
    if figure is None:
        figure = EnteredFigure(agency=agency, year=year, item=item, value=number)
    figure.value, figure.entered_by, figure.source = number, actor if getattr(actor, "pk", None) else None, source
    figure.save()
    audit.record(actor, "reports.record_figure", figure, item=item, year=year, before=before, after=str(number),
                 source=source)
    return figure


@transaction.atomic
def record_figures(actor, agency: Agency, year: int, values: dict[str, str]) -> list[EnteredFigure]:
    """Enter several figures of `agency` for `year` at once (item → value; empty values are skipped): all or
    nothing, with every bad value reported together (DomainErrors keyed by item in `exc.errors`)."""
    year = check_year(year)
    errors: dict[str, list[str]] = {}
    for item, value in values.items():
        if item not in ENTERED_ITEMS:
            raise DomainError("该事项由平台数据计算，不能填报。", field="item")
        if str(value or "").strip():
            try:
                parse_figure(value, item)
            except DomainError as exc:
                errors[item] = [exc.message]
    if errors:
        raise DomainError("；".join(m for ms in errors.values() for m in ms), errors=errors)
    return [record_figure(actor, agency, year, item, value) for item, value in values.items()
            if str(value or "").strip()]


_HEADERS = {"机关代码": "agency", "年度": "year", "事项": "item", "数值": "value"}
MAX_IMPORT_ROWS = 5000


def _rows_of(name: str, data: bytes) -> list[list]:
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
            return [list(row) for row in sheet.iter_rows(values_only=True, max_row=MAX_IMPORT_ROWS + 2)]
        except Exception as exc:  # openpyxl raises many kinds on a file that is not a workbook
            raise DomainError("无法读取该文件，请上传 Excel（.xlsx）或 UTF-8 编码的 CSV 文件。", field="file") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")  # CSV saved by Excel on a Chinese Windows
        except UnicodeDecodeError:
            raise DomainError("无法读取该文件，请上传 UTF-8 编码的 CSV 或 XLSX 文件。", field="file") from None
    return list(csv.reader(io.StringIO(text)))


@transaction.atomic
def import_figures(actor, path: str | Path | None = None, *, name: str = "", data: bytes | None = None,
                   agencies: list[Agency] | None = None, source: str = "") -> list[EnteredFigure]:
    """Import table 2 figures from a CSV or XLSX file (columns 机关代码, 年度, 事项, 数值): all or nothing, every
    bad row named by its number. `agencies` limits the rows to the agencies the importer may enter for."""
    if path is not None:
        path = Path(path)
        name, data = path.name, path.read_bytes()
    values = _rows_of(name, data or b"")
    if not values:
        raise DomainError("文件是空的。", field="file")
    if len(values) > MAX_IMPORT_ROWS + 1:
        raise DomainError(f"一次最多导入 {MAX_IMPORT_ROWS} 行。", field="file")
    header = [_HEADERS.get(str(h or "").strip(), str(h or "").strip()) for h in values[0]]
    if set(_HEADERS.values()) - set(header):
        raise DomainError("表头应包含：机关代码、年度、事项、数值。", field="file")
    labels = {t.label: t.value for t in Table2Item if t in ENTERED_ITEMS} | {
        t.value: t.value for t in Table2Item if t in ENTERED_ITEMS}
    allowed = {a.pk for a in agencies} if agencies is not None else None
    errors, parsed, seen = [], [], {}
    for n, raw in enumerate(values[1:], start=2):
        if not any(str(v if v is not None else "").strip() for v in raw):
            continue
        row = dict(zip(header, raw, strict=False))
        code = str(row.get("agency") or "").strip()
        agency = Agency.objects.filter(code=code).first()
        try:
            if agency is None:
                raise DomainError(f"没有机关代码为 {code or '（空）'} 的机关。")
            if allowed is not None and agency.pk not in allowed:
                raise DomainError(f"您不能填报{agency.name}的数据。")
            item = labels.get(str(row.get("item") or "").strip())
            if item is None:
                raise DomainError(f"事项“{row.get('item') or ''}”应为 行政许可、行政处罚、行政强制 或 行政事业性收费。")
            year_value = row.get("year")
            year = check_year(int(year_value) if isinstance(year_value, float) and year_value.is_integer()
                              else year_value)
            number = parse_figure(row.get("value"), item)
            key = (agency.pk, year, item)
            if key in seen:
                raise DomainError(f"与第 {seen[key]} 行重复（同一机关、年度和事项）。")
            seen[key] = n
            parsed.append((agency, year, item, number))
        except DomainError as exc:
            errors.append(f"第 {n} 行：{exc.message}")
    if errors:
        shown = errors[:20] + ([f"另有 {len(errors) - 20} 行有误。"] if len(errors) > 20 else [])
        raise DomainError("未导入任何数据。" + " ".join(shown), field="file")
    source = source or name
    return [record_figure(actor, agency, year, item, number, source=source) for agency, year, item, number in parsed]


@transaction.atomic
def save_narrative(actor, agency: Agency, year: int, section: str, text: str) -> Narrative:
    """Save the text of one section of `agency`'s report for `year`; audited."""
    if section not in Section.values:
        raise DomainError("没有这一部分。", field="section")
    text = (text or "").strip()
    if len(text) > MAX_BOX:
        raise DomainError(f"正文不能超过 {MAX_BOX} 个字（现有 {len(text)} 个字），请精简后保存。", field="text")
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


def _move(actor, report: AnnualReport, name: str, comment: str = "", confirm_gaps: bool = True) -> AnnualReport:
    report = AnnualReport.objects.select_for_update().select_related("agency").get(pk=report.pk)
    transition = RELEASE.check(actor, report, name)
    missing = annual.gaps(report.snapshot)
    if missing and not confirm_gaps:
        raise DomainError(f"本版本有 {len(missing)} 处缺项：{'；'.join(missing)}。请退回补充；如确属无此数据或无需"
                          "说明，请勾选“已核对缺项”后再办理。", field="confirm_gaps")
    if name == "release":
        report.released_by, report.released_at = actor, timezone.now()
    RELEASE.commit(actor, report, transition, comment=comment, year=report.year, revision=report.revision,
                   **({"gaps_confirmed": missing} if missing else {}))
    return report


@transaction.atomic
def review_report(actor, report: AnnualReport, *, confirm_gaps: bool = False) -> AnnualReport:
    """The head of the office (not the drafter) passes the frozen report on for release; a report with blank
    figures or sections passes only when the reviewer confirms having seen them (`confirm_gaps`)."""
    return _move(actor, report, "review", confirm_gaps=confirm_gaps)


@transaction.atomic
def release_report(actor, report: AnnualReport, *, confirm_gaps: bool = False) -> AnnualReport:
    """The releaser (neither drafter nor reviewer) publishes the reviewed report; it supersedes older releases.
    Blank figures or sections need the releaser's confirmation too."""
    return _move(actor, report, "release", confirm_gaps=confirm_gaps)


@transaction.atomic
def return_report(actor, report: AnnualReport, comment: str) -> AnnualReport:
    """Send the revision back to the drafter with a reason: by the reviewer, or by the releaser."""
    name = "reject_review" if report.state == ReportState.DRAFTED else "reject_release"
    return _move(actor, report, name, comment)


# The staff page's action name → the service doing it (draft takes the agency, year and scope instead).
REPORT_ACTIONS = {"review": review_report, "release": release_report, "reject_review": return_report,
                  "reject_release": return_report}
