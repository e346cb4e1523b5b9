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
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from gongkai.catalog import rules, services
from gongkai.catalog.models import CatalogItem, LedgerEntry
from gongkai.catalog.states import CatalogState
from gongkai.core.errors import DomainError
from gongkai.core.office import append_text_row
from gongkai.orgs.models import Agency
from gongkai.publishing.rules import DisclosurePeriod

MAX_ROWS = 5000

# The catalogue's layout, as the 基层政务公开标准目录 of 国办发〔2019〕54号 draws it: a title row, then a two-row header
# where 公开事项, 公开对象, 公开方式 and 公开层级 each span two sub-columns, marked with √. The platform's own columns
# (时限依据, 科室, the library mapping, state) follow, each spanning both header rows.
# (group header, sub header, field); a field of a √ pair is "field=value".
CATALOG_LAYOUT: list[tuple[str, str, str]] = [
    ("公开事项", "一级事项", "category_name"), ("公开事项", "二级事项", "subcategory"),
    ("公开内容（要素）", "", "content"), ("公开依据", "", "basis"), ("公开时限", "", "time_limit"),
    ("公开主体", "", "publisher"), ("公开渠道和载体", "", "channel"),
    ("公开对象", "全社会", "audience=全社会"), ("公开对象", "特定群体", "audience=特定群体"),
    ("公开方式", "主动", "mode=proactive"), ("公开方式", "依申请", "mode=on_request"),
    ("公开层级", "县级", "level_county"), ("公开层级", "乡、村级", "level_local"),
    ("公开时限依据", "", "period"), ("责任科室", "", "office"), ("专栏归类", "", "category"),
    ("对应公文种类", "", "doc_type"), ("对应主题分类", "", "subject"), ("状态", "", "state"),
]
# A one-row header (this platform's older export, or a hand-made sheet): header text → field.
CATALOG_HEADERS = {"一级事项": "category_name", "二级事项": "subcategory", "公开内容（要素）": "content",
                   "公开内容": "content", "公开依据": "basis", "公开时限": "time_limit", "公开时限依据": "period",
                   "公开主体": "publisher", "责任科室": "office", "公开渠道和载体": "channel", "公开对象": "audience",
                   "公开方式": "mode", "公开层级": "levels", "专栏归类": "category", "对应公文种类": "doc_type",
                   "对应主题分类": "subject", "状态": "state"}
CATALOG_REQUIRED = {"category_name": "一级事项", "content": "公开内容（要素）", "basis": "公开依据"}
MARKS = frozenset({"√", "✓", "✔", "☑", "■", "是", "Y", "y", "1", "●", "v", "V"})
LEDGER_COLUMNS = [("文件名称", "title"), ("发文字号", "doc_number"), ("类别", "doc_type"), ("成文日期", "signed_on"),
                  ("有效性", "validity"), ("备注", "note")]
_CATEGORIES = {c.label: c.value for c in rules.Category} | {c.value: c.value for c in rules.Category}
_VALIDITY = {v.label: v.value for v in rules.LedgerValidity} | {v.value: v.value for v in rules.LedgerValidity}


def period_names() -> list[str]:
    """The short names of the 公开时限依据 staff may type (the text before the colon of each label)."""
    return [p.label.split("：")[0] for p in DisclosurePeriod]


def parse_period(text: str) -> str | None:
    """The DisclosurePeriod a typed 公开时限依据 names: its key, its full label, its short name (《预算法》第十四条第二款,
    涉企政策) or a part of the label that names only one (部门预算、决算及报表); None when none or several match."""
    text = (text or "").strip()
    if not text:
        return ""
    for p in DisclosurePeriod:
        if text in (p.value, p.label, p.label.split("：")[0]):
            return p.value
    found = [p.value for p in DisclosurePeriod if text in p.label]
    return found[0] if len(found) == 1 else None


def _normal(text) -> str:
    return str(text or "").strip().replace("(", "（").replace(")", "）").replace(" ", "").replace("\n", "")


def _sheet(title: str, headers: list[str], rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in rows:
        append_text_row(sheet, row)  # text typed by staff is text, never a formula
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 18
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_catalog(agency: Agency) -> bytes:
    """`agency`'s catalogue (every item but the retired ones) as an XLSX workbook in the 54号 layout, with a
    drop-down of the allowed 公开时限依据; it imports back unchanged."""
    book = Workbook()
    sheet = book.active
    sheet.title = "主动公开目录"
    width = len(CATALOG_LAYOUT) + 1
    sheet.append([f"{agency.name}政务公开标准目录（主动公开基本目录）"] + [None] * (width - 1))
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.append(["序号", *(group if n == 0 or CATALOG_LAYOUT[n - 1][0] != group else None
                            for n, (group, _, _) in enumerate(CATALOG_LAYOUT))])
    sheet.append([None, *(sub or None for _, sub, _ in CATALOG_LAYOUT)])
    # Merge each group over its sub-columns, and each single column over both header rows.
    sheet.merge_cells(start_row=2, start_column=1, end_row=3, end_column=1)
    column = 2
    while column <= width:
        group, sub, _ = CATALOG_LAYOUT[column - 2]
        span = sum(1 for g, _, _ in CATALOG_LAYOUT[column - 2:] if g == group) if sub else 1
        if sub:
            sheet.merge_cells(start_row=2, start_column=column, end_row=2, end_column=column + span - 1)
        else:
            sheet.merge_cells(start_row=2, start_column=column, end_row=3, end_column=column)
        column += span
    for row in sheet.iter_rows(min_row=1, max_row=3):
        for cell in row:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    items = CatalogItem.objects.filter(agency=agency).exclude(state=CatalogState.RETIRED).select_related("agency")
    for n, item in enumerate(items, start=1):
        values = {"category_name": item.category_text, "subcategory": item.subcategory, "content": item.content,
                  "basis": item.basis, "time_limit": item.time_limit, "publisher": item.publisher_text,
                  "channel": item.channel, "period": item.get_period_display().split("：")[0] if item.period else "",
                  "office": item.office, "category": item.get_category_display(), "doc_type": item.doc_type,
                  "subject": item.subject, "state": item.get_state_display()}
        row = [n]
        for _, _, field in CATALOG_LAYOUT:
            if "=" in field:
                name, value = field.split("=")
                row.append("√" if getattr(item, name) == value else None)
            elif field in ("level_county", "level_local"):
                row.append("√" if getattr(item, field) else None)
            else:
                row.append(values[field])
        append_text_row(sheet, row)  # text typed by staff is text, never a formula
    period_column = get_column_letter(2 + [f for _, _, f in CATALOG_LAYOUT].index("period"))
    # The allowed values live on a sheet of their own: a list in the rule itself is limited to 255 characters.
    lists = book.create_sheet("可选值")
    for n, name in enumerate(period_names(), start=1):
        lists.cell(row=n, column=1, value=name)
    rule = DataValidation(type="list", formula1=f"=可选值!$A$1:$A${len(period_names())}", allow_blank=True,
                          showErrorMessage=True, errorTitle="公开时限依据", error="请从下拉列表中选择公开时限依据。")
    sheet.add_data_validation(rule)
    rule.add(f"{period_column}4:{period_column}{max(sheet.max_row, 3) + 500}")
    for column in range(1, width + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 14
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_ledger(agency: Agency) -> bytes:
    """`agency`'s ledger as an XLSX workbook."""
    rows = [[e.title, e.doc_number, e.doc_type, e.signed_on, e.get_validity_display(), e.note]
            for e in LedgerEntry.objects.filter(agency=agency)]
    return _sheet("公开台帐", ["序号", *(h for h, _ in LEDGER_COLUMNS)],
                  [[n, *row] for n, row in enumerate(rows, start=1)])


def _load(upload: IO[bytes]) -> list[tuple]:
    try:
        sheet = load_workbook(upload, read_only=True, data_only=True).active
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise DomainError("无法读取该文件，请上传 Excel（.xlsx）文件。", field="file") from exc
    values = list(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 10))
    if len(values) > MAX_ROWS + 5:
        raise DomainError(f"一次最多导入 {MAX_ROWS} 行。", field="file")
    if not values:
        raise DomainError("文件是空的。", field="file")
    return values


def _cell(value):
    return value if isinstance(value, dt.date) else ("" if value is None else str(value).strip())


def _rows(upload: IO[bytes], columns: list[tuple[str, str]]) -> list[tuple[int, dict]]:
    """(row number, field → text) of every non-empty row; the header row must name the required columns."""
    values = _load(upload)
    fields = dict(columns)
    header = [fields.get(str(h or "").strip()) for h in values[0]]
    missing = [h for h, f in columns[:4] if f not in header and h not in ("公开时限", "成文日期")]
    if missing:
        raise DomainError(f"表头缺少：{'、'.join(missing)}（请使用导出的表格作为模板）。", field="file")
    rows = []
    for n, raw in enumerate(values[1:], start=2):
        row = {name: _cell(value) for name, value in zip(header, raw, strict=False) if name}
        if any(v not in ("", None) for v in row.values()):
            rows.append((n, row))
    return rows


def _catalog_header(values: list[tuple]) -> tuple[int, list[str | None]]:
    """Find the header in the first rows (after any title rows): (rows it takes, field of each column). A
    two-row header (公开对象 over 全社会 and 特定群体 …) gives fields like "audience=全社会"."""
    for index, raw in enumerate(values[:10]):
        texts = [_normal(v) for v in raw]
        if "公开内容（要素）" not in texts and "公开内容" not in texts and "一级事项" not in texts:
            continue
        below = [_normal(v) for v in values[index + 1]] if index + 1 < len(values) else []
        if "一级事项" in below or any(t in below for t in ("全社会", "特定群体", "主动", "依申请")):
            fields: list[str | None] = []
            group = ""
            for n, top in enumerate(texts):
                group = top or group
                sub = below[n] if n < len(below) else ""
                if not top and not sub:
                    fields.append(None)
                    continue
                found = next((f for g, s, f in CATALOG_LAYOUT if g == group and s and s == sub), None)
                if found is None and sub in ("乡级", "村级", "乡村级", "乡（镇）、村级"):
                    found = "level_local"
                fields.append(found or CATALOG_HEADERS.get(top or sub))
            return index + 2, fields
        return index + 1, [CATALOG_HEADERS.get(t) for t in texts]
    raise DomainError("没有找到表头：表头应有“一级事项”“公开内容（要素）”“公开依据”等列（可使用导出的表格作为模板，"
                      "或国办发〔2019〕54号标准目录的格式）。", field="file")


def _catalog_rows(upload: IO[bytes]) -> list[tuple[int, dict]]:
    """(row number, field → value) of each item row; a √ pair becomes its field's value, and an empty 一级事项
    or 二级事项 (a merged cell in the standard layout) is carried down from the row above."""
    values = _load(upload)
    skip, fields = _catalog_header(values)
    named = {f.split("=")[0] for f in fields if f}
    missing = [label for field, label in CATALOG_REQUIRED.items() if field not in named]
    if missing:
        raise DomainError(f"表头缺少：{'、'.join(missing)}（可使用导出的表格作为模板）。", field="file")
    rows, carried = [], {"category_name": "", "subcategory": ""}
    for n, raw in enumerate(values[skip:], start=skip + 1):
        row: dict = {}
        for field, value in zip(fields, raw, strict=False):
            if not field:
                continue
            text = _cell(value)
            if "=" in field:
                name, choice = field.split("=")
                if str(text) in MARKS:
                    row[name] = choice
                else:
                    row.setdefault(name, "")
            elif field in ("level_county", "level_local"):
                row[field] = str(text) in MARKS
            else:
                row[field] = text
        if not any(str(row.get(f, "")).strip() for f in ("content", "basis", "subcategory")):
            continue
        for name in carried:
            if row.get(name):
                carried[name] = row[name]
                if name == "category_name":
                    carried["subcategory"] = row.get("subcategory", "")
            elif name in named:
                row[name] = carried[name]
        rows.append((n, row))
    return rows


def _choice(text: str, choices, n: int, label: str):
    text = str(text or "").strip()
    for value, name in choices:
        if text in (value, name):
            return value
    raise DomainError(f"第 {n} 行：{label}“{text}”应为 {'、'.join(name for _, name in choices)} 之一。", field="file")


@transaction.atomic
def import_catalog(actor, agency: Agency, upload: IO[bytes]) -> int:
    """Add or update `agency`'s catalogue items from an XLSX file, in the 54号 standard layout (title row,
    two-row header, √ marks) or this platform's one-row layout: an item with the same 一级事项, 二级事项 and content
    is updated; the others are added as drafts. Every bad row is named; none is taken unless all are good."""
    taken, errors = 0, []
    for n, row in _catalog_rows(upload):
        row.pop("state", None)
        try:
            row.update(_catalog_values(row, n))
            existing = CatalogItem.objects.filter(agency=agency, category_name=row["category_name"],
                                                  subcategory=row.get("subcategory", ""),
                                                  content=row.get("content", "")).first()
            services.save_item(actor, agency, row, existing)
            taken += 1
        except DomainError as exc:
            message = exc.message if exc.message.startswith("第 ") else f"第 {n} 行：{exc.message}"
            errors.append(message)
    if errors:
        transaction.set_rollback(True)
        shown = errors[:20] + ([f"另有 {len(errors) - 20} 行有误。"] if len(errors) > 20 else [])
        raise DomainError("未导入任何事项。" + " ".join(shown), field="file")
    return taken


def _catalog_values(row: dict, n: int) -> dict:
    """The typed texts of one row as item values: 专栏归类 from the 一级事项 where it names a column, 公开时限依据
    by any of its names, 公开对象/方式/层级 from words or √."""
    values: dict = {}
    name = str(row.get("category_name") or "").strip()
    column = str(row.get("category") or "").strip()
    if column:
        if column not in _CATEGORIES:
            raise DomainError(f"第 {n} 行：专栏归类“{column}”应为 {'、'.join(rules.Category.labels)} 之一。")
        values["category"] = _CATEGORIES[column]
    else:
        values["category"] = _CATEGORIES.get(name, rules.Category.OTHER)
    if not name and not column:
        raise DomainError(f"第 {n} 行：请填写一级事项。")
    if name == rules.Category(values["category"]).label:
        name = ""  # the column's own name: nothing to keep beside it
    values["category_name"] = name
    period = parse_period(row.get("period", ""))
    if period is None:
        raise DomainError(f"第 {n} 行：公开时限依据“{row['period']}”无法识别，应为以下之一：{'；'.join(period_names())}"
                          "（也可留空）。")
    values["period"] = period
    values["audience"] = _choice(row.get("audience") or rules.Audience.PUBLIC, rules.Audience.choices, n, "公开对象")
    values["mode"] = _choice(row.get("mode") or rules.Mode.PROACTIVE, rules.Mode.choices, n, "公开方式")
    if "levels" in row:
        levels = str(row.pop("levels") or "")
        values["level_county"] = "县" in levels
        values["level_local"] = "乡" in levels or "村" in levels
    return values


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
