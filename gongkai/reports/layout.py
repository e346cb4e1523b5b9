"""The annual report laid out as in 国办公开办函〔2021〕30号, from a report's data (computed or a frozen snapshot):
the six sections with their text, and tables 2, 3 and 4 as rows of cells with their spans. One layout for the
public page, the staff preview and the PDF, so the three never differ."""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.reports import rules


@dataclass(frozen=True)
class Cell:
    text: str
    header: bool = False
    colspan: int = 1
    rowspan: int = 1
    css: str = ""


def _shown(value) -> str:
    return "" if value is None else str(value)


# An entered figure nobody entered: not 0, which would state that there were none.
NOT_ENTERED = "未填报"


def _entered(value) -> str:
    return NOT_ENTERED if value is None else str(value)


def table2(report: dict) -> list[dict]:
    """Table 2 as its four blocks (第二十条第（一）、（五）、（六）、（八）项), each a header row and body rows."""
    t2 = report["table2"]
    blocks = [{"caption": rules.TABLE2_SECTIONS[rules.Table2Item.RULES],
               "head": ["信息内容", *[label for _, label in rules.TABLE2_DOCUMENT_COLUMNS]],
               "rows": [[item.label, *[_shown(t2[item.value][c]) for c, _ in rules.TABLE2_DOCUMENT_COLUMNS]]
                        for item in rules.TABLE2_DOC_TYPES]}]
    for section in ("第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项"):
        items = [item for item, s in rules.TABLE2_SECTIONS.items() if s == section]
        blocks.append({"caption": section, "head": ["信息内容", rules.ENTERED_ITEMS[items[0]]],
                       "rows": [[item.label, _entered(t2[item.value]["value"])] for item in items]})
    return blocks


TABLE3_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


def table3_head() -> list[list[Cell]]:
    """The three header rows of table 3: the corner, 申请人情况, then 自然人 / 法人或其他组织 / 总计."""
    legal = [label for code, label in rules.TABLE3_COLUMNS if code.startswith("legal_person.")]
    return [
        [Cell(TABLE3_CORNER, True, colspan=3, rowspan=3, css="corner"), Cell("申请人情况", True, colspan=7)],
        [Cell("自然人", True, rowspan=2), Cell("法人或其他组织", True, colspan=len(legal)), Cell("总计", True, rowspan=2)],
        [Cell(label, True) for label in legal],
    ]


def table3_body(report: dict) -> list[list[Cell]]:
    """The body rows of table 3 in the official shape: 三、本年度办理结果 spans the result rows, each group with
    items spans its items; a group's subtotal (not in the official form) is kept in the data, not shown."""
    t3 = report["table3"]
    rows = rules.table3_rows()

    def values(code: str) -> list[Cell]:
        return [Cell(_shown(t3[code][c])) for c, _ in rules.TABLE3_COLUMNS]

    result_rows = [r for r in rows if r[2] > 0 and not _has_items(rows, r)]
    body: list[list[Cell]] = []
    first_result = True
    for n, (code, label, level) in enumerate(rows):
        if level == 0:
            body.append([Cell(label, True, colspan=3, css="row-head"), *values(code)])
            continue
        lead = [Cell("三、本年度办理结果", True, rowspan=len(result_rows), css="row-head")] if first_result else []
        if level == 1 and _has_items(rows, (code, label, level)):
            continue  # the group's cell is written with its first item
        first_result = False
        if level == 1:
            body.append([*lead, Cell(label, True, colspan=2, css="row-head"), *values(code)])
            continue
        group = next(r for r in reversed(rows[:n]) if r[2] == 1)
        items = [r for r in rows if r[2] == 2 and r[0].startswith(group[0] + ".")]
        group_cell = [Cell(group[1], True, rowspan=len(items), css="row-head")] if items[0][0] == code else []
        body.append([*lead, *group_cell, Cell(label, True, css="row-head item"), *values(code)])
    return body


def _has_items(rows, row) -> bool:
    return row[2] == 1 and any(r[2] == 2 and r[0].startswith(row[0] + ".") for r in rows)


def table4_head() -> list[list[Cell]]:
    outcomes = [label for _, label in rules.TABLE4_COLUMNS]
    n = len(outcomes)
    return [
        [Cell("行政复议", True, colspan=n), Cell("行政诉讼", True, colspan=2 * n)],
        [*[Cell(label, True, rowspan=2) for label in outcomes], Cell("未经复议直接起诉", True, colspan=n),
         Cell("复议后起诉", True, colspan=n)],
        [Cell(label, True) for _ in range(2) for label in outcomes],
    ]


def table4_body(report: dict) -> list[list[Cell]]:
    t4 = report["table4"]
    return [[Cell(_shown(t4[g][c])) for g, _ in rules.TABLE4_GROUPS for c, _ in rules.TABLE4_COLUMNS]]


def sections(report: dict) -> list[dict]:
    """The six sections in order, each with its paragraphs and the table it carries (code), if any."""
    narrative = report.get("narrative") or {}
    tables = {rules.Section.PROACTIVE: "table2", rules.Section.APPLICATIONS: "table3",
              rules.Section.REMEDIES: "table4"}
    fees = report.get("fees") or {"count": 0, "amount_yuan": 0}
    found = []
    for section in rules.Section:
        paragraphs = [line.strip() for line in (narrative.get(section.value) or "").splitlines() if line.strip()]
        if section == rules.Section.OTHER:
            paragraphs.append(f"本年收取信息处理费 {fees['count']} 件，共 {fees['amount_yuan']} 元。")
        found.append({"code": section.value, "label": section.label, "paragraphs": paragraphs,
                      "table": tables.get(section, "")})
    return found


def context(report: dict) -> dict:
    """Everything the report's templates (reports/_report.html) need."""
    return {"report": report, "sections": sections(report), "t2_blocks": table2(report),
            "t3_head": table3_head(), "t3_body": table3_body(report), "t4_head": table4_head(),
            "t4_body": table4_body(report), "title": f"{report['agency_name']}{report['year']}年政府信息公开工作年度报告"}
