"""The annual report's tables as an XLSX workbook in the layout of the national format (国办公开办函〔2021〕30号)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from gongkai.reports import layout, rules

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _grid(sheet, first_row: int, last_row: int, last_col: int) -> None:
    for row in sheet.iter_rows(min_row=first_row, max_row=last_row, max_col=last_col):
        for cell in row:
            cell.border = _BOX
            cell.alignment = _CENTER


def _title(sheet, text: str, width: int) -> None:
    sheet.append([text])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = _CENTER


def _table2(sheet, report: dict) -> None:
    # The blocks of the shared layout: one header per item of 第二十条, 行政处罚 and 行政强制 under one （六）.
    _title(sheet, "二、主动公开政府信息情况", 4)
    start = sheet.max_row + 1
    for block in layout.table2(report):
        sheet.append([block["caption"]])
        sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=4)
        sheet.append(block["head"])
        for row in block["rows"]:
            sheet.append([_number(v) for v in row])
    _grid(sheet, start, sheet.max_row, 4)
    sheet.column_dimensions["A"].width = 24
    for col in "BCD":
        sheet.column_dimensions[col].width = 16


def _number(value):
    """A figure as a number (so the cell sums), text (a label, 未填报) as it is."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    return int(number) if number.is_integer() else number


def _table3(sheet, report: dict) -> None:
    width = 2 + len(rules.TABLE3_COLUMNS)
    _title(sheet, "三、收到和处理政府信息公开申请情况", width)
    sheet.append(["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "", "申请人情况"])
    sheet.append(["", "", "自然人", "法人或其他组织", "", "", "", "", "总计"])
    sheet.append(["", "", "", *[label for _, label in rules.TABLE3_COLUMNS[1:-1]], ""])
    sheet.merge_cells(start_row=2, start_column=1, end_row=4, end_column=2)
    sheet.merge_cells(start_row=2, start_column=3, end_row=2, end_column=width)
    sheet.merge_cells(start_row=3, start_column=3, end_row=4, end_column=3)
    sheet.merge_cells(start_row=3, start_column=4, end_row=3, end_column=width - 1)
    sheet.merge_cells(start_row=3, start_column=width, end_row=4, end_column=width)
    t3 = report["table3"]
    for code, label, level in rules.table3_rows():
        if code == "granted":  # 三、本年度办理结果 heads the results rows
            sheet.append(["三、本年度办理结果"])
            sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=width)
        values = [t3[code][c] for c, _ in rules.TABLE3_COLUMNS]
        if level == 2:
            sheet.append(["", label, *values])
        else:
            sheet.append([label, "", *values])
            if level == 0 or code in ("granted", "partially_granted", "total_processed"):  # rows without items
                sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=2)
    _grid(sheet, 2, sheet.max_row, width)
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 28
    for i in range(3, width + 1):
        sheet.column_dimensions[get_column_letter(i)].width = 12


def _table4(sheet, report: dict) -> None:
    width = len(rules.TABLE4_GROUPS) * len(rules.TABLE4_COLUMNS)
    _title(sheet, "四、政府信息公开行政复议、行政诉讼情况", width)
    sheet.append(["行政复议", "", "", "", "", "行政诉讼"])
    sheet.append(["", "", "", "", "", "未经复议直接起诉", "", "", "", "", "复议后起诉"])
    sheet.append([label for _ in rules.TABLE4_GROUPS for _, label in rules.TABLE4_COLUMNS])
    sheet.append([report["table4"][g][c] for g, _ in rules.TABLE4_GROUPS for c, _ in rules.TABLE4_COLUMNS])
    sheet.merge_cells("A2:E3")
    sheet.merge_cells("F2:O2")
    sheet.merge_cells("F3:J3")
    sheet.merge_cells("K3:O3")
    _grid(sheet, 2, sheet.max_row, width)


def workbook(report: dict) -> bytes:
    """The XLSX file of one report: a sheet per table, the identity check and section 六's fees."""
    book = Workbook()
    sheets = [("表二 主动公开", _table2), ("表三 申请情况", _table3), ("表四 复议诉讼", _table4)]
    for i, (name, fill) in enumerate(sheets):
        sheet = book.active if i == 0 else book.create_sheet()
        sheet.title = name
        fill(sheet, report)
    info = book.create_sheet("说明")
    info.append(["机关", report["agency_name"]])
    info.append(["年度", report["year"]])
    info.append(["公布期限", report["deadline"]])
    info.append(["本年收取信息处理费（件）", report["fees"]["count"]])
    info.append(["本年收取信息处理费（元）", report["fees"]["amount_yuan"]])
    violations = report["identity_violations"]
    info.append(["勾稽关系", "不成立，见下列案件" if violations else "成立"])
    for v in violations:
        info.append(["", v["case_no"], f"收到 {v['received_on']}", f"答复 {v['decided_on'] or '未答复'}"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
