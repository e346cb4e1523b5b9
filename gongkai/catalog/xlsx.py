"""XLSX export and import of the catalogue (in the layout of the 主动公开基本目录, 国办发〔2019〕54号) and of the
ledger. Imports are all or nothing: any bad row refuses the whole file with the row named."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import IO

from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils.exceptions import InvalidFileException

from gongkai.catalog import rules, services
from gongkai.catalog.models import CatalogItem, LedgerEntry
from gongkai.catalog.states import CatalogState
from gongkai.core.errors import DomainError
from gongkai.orgs.models import Agency
from gongkai.publishing.rules import DisclosurePeriod

MAX_ROWS = 5000

# Column header → item field, in the order of the export.
CATALOG_COLUMNS = [("一级事项", "category"), ("二级事项", "subcategory"), ("公开内容（要素）", "content"),
                   ("公开依据", "basis"), ("公开时限", "time_limit"), ("公开时限依据", "period"),
                   ("责任科室", "office"), ("公开渠道和载体", "channel"), ("公开对象", "audience"),
                   ("对应公文种类", "doc_type"), ("对应主题分类", "subject"), ("状态", "state")]
LEDGER_COLUMNS = [("文件名称", "title"), ("发文字号", "doc_number"), ("类别", "doc_type"), ("成文日期", "signed_on"),
                  ("有效性", "validity"), ("备注", "note")]
_CATEGORIES = {c.label: c.value for c in rules.Category} | {c.value: c.value for c in rules.Category}
_PERIODS = {p.label: p.value for p in DisclosurePeriod} | {p.value: p.value for p in DisclosurePeriod}
_VALIDITY = {v.label: v.value for v in rules.LedgerValidity} | {v.value: v.value for v in rules.LedgerValidity}


def _sheet(title: str, headers: list[str], rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            # Text typed by staff is text: openpyxl would store “=…” as a formula that Excel runs on opening.
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 18
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_catalog(agency: Agency) -> bytes:
    """`agency`'s catalogue (every item but the retired ones) as an XLSX workbook."""
    items = CatalogItem.objects.filter(agency=agency).exclude(state=CatalogState.RETIRED)
    rows = [[item.get_category_display(), item.subcategory, item.content, item.basis, item.time_limit,
             item.get_period_display() if item.period else "", item.office, item.channel, item.audience,
             item.doc_type, item.subject, item.get_state_display()] for item in items]
    return _sheet("主动公开目录", ["序号", *(h for h, _ in CATALOG_COLUMNS)],
                  [[n, *row] for n, row in enumerate(rows, start=1)])


def export_ledger(agency: Agency) -> bytes:
    """`agency`'s ledger as an XLSX workbook."""
    rows = [[e.title, e.doc_number, e.doc_type, e.signed_on, e.get_validity_display(), e.note]
            for e in LedgerEntry.objects.filter(agency=agency)]
    return _sheet("公开台帐", ["序号", *(h for h, _ in LEDGER_COLUMNS)],
                  [[n, *row] for n, row in enumerate(rows, start=1)])


def _rows(upload: IO[bytes], columns: list[tuple[str, str]]) -> list[tuple[int, dict]]:
    """(row number, field → text) of every non-empty row; the header row must name the required columns."""
    try:
        sheet = load_workbook(upload, read_only=True, data_only=True).active
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise DomainError("无法读取该文件，请上传 Excel（.xlsx）文件。", field="file") from exc
    values = list(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 1))
    if len(values) > MAX_ROWS:
        raise DomainError(f"一次最多导入 {MAX_ROWS} 行。", field="file")
    if not values:
        raise DomainError("文件是空的。", field="file")
    fields = dict(columns)
    header = [fields.get(str(h or "").strip()) for h in values[0]]
    missing = [h for h, f in columns[:4] if f not in header and h not in ("公开时限", "成文日期")]
    if missing:
        raise DomainError(f"表头缺少：{'、'.join(missing)}（请使用导出的表格作为模板）。", field="file")
    rows = []
    for n, raw in enumerate(values[1:], start=2):
        row = {}
        for name, value in zip(header, raw, strict=False):
            if name:
                row[name] = value if isinstance(value, dt.date) else ("" if value is None else str(value).strip())
        if any(v not in ("", None) for v in row.values()):
            rows.append((n, row))
    return rows


@transaction.atomic
def import_catalog(actor, agency: Agency, upload: IO[bytes]) -> int:
    """Add or update `agency`'s catalogue items from an XLSX file: an item with the same 一级事项, 二级事项 and
    content is updated; the others are added as drafts. Returns the number of rows taken."""
    taken = 0
    for n, row in _rows(upload, CATALOG_COLUMNS):
        row.pop("state", None)
        label = row.get("category", "")
        category = _CATEGORIES.get(label)
        if category is None:
            # A local catalogue's own 一级事项: kept as the 二级事项 under 其他.
            category, row["subcategory"] = rules.Category.OTHER, row.get("subcategory") or label
        row["category"] = category
        if row.get("period"):
            period = _PERIODS.get(row["period"])
            if period is None:
                raise DomainError(f"第 {n} 行：公开时限依据“{row['period']}”无法识别。", field="file")
            row["period"] = period
        existing = CatalogItem.objects.filter(agency=agency, category=category, subcategory=row.get("subcategory", ""),
                                              content=row.get("content", "")).first()
        try:
            services.save_item(actor, agency, row, existing)
        except DomainError as exc:
            raise DomainError(f"第 {n} 行：{exc.message}", field="file") from None
        taken += 1
    return taken


@transaction.atomic
def import_ledger(actor, agency: Agency, upload: IO[bytes]) -> int:
    """Add or update `agency`'s ledger rows from an XLSX file (matched by 发文字号, else by 文件名称)."""
    taken = 0
    for n, row in _rows(upload, LEDGER_COLUMNS):
        validity = _VALIDITY.get(row.get("validity") or rules.LedgerValidity.CURRENT.label)
        if validity is None:
            raise DomainError(f"第 {n} 行：有效性应为 现行有效、已修改、已废止 或 已失效。", field="file")
        row["validity"] = validity
        signed = row.get("signed_on")
        if isinstance(signed, dt.datetime):
            row["signed_on"] = signed.date()
        elif signed:
            try:
                row["signed_on"] = dt.date.fromisoformat(str(signed).replace("/", "-"))
            except ValueError:
                raise DomainError(f"第 {n} 行：成文日期应写作 2024-01-31。", field="file") from None
        else:
            row["signed_on"] = None
        existing = LedgerEntry.objects.filter(agency=agency)
        existing = (existing.filter(doc_number=row["doc_number"]) if row.get("doc_number")
                    else existing.filter(title=row.get("title", ""))).first()
        try:
            services.save_ledger_entry(actor, agency, row, existing)
        except DomainError as exc:
            raise DomainError(f"第 {n} 行：{exc.message}", field="file") from None
        taken += 1
    return taken
