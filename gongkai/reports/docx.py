"""The annual report as a Word document: the six sections in order, each table after its section's text."""

from __future__ import annotations

import io

from gongkai.core.office import set_run_font
from gongkai.reports import layout, rules


def _font(run, size_pt: float, bold: bool = False, font: str = "仿宋") -> None:
    set_run_font(run, font, size_pt, bold)


def _table(doc, header: list[list[str]], body: list[list]):
    table = doc.add_table(rows=0, cols=len(header[0]))
    table.style = "Table Grid"
    for n, values in enumerate([*header, *body]):
        row = table.add_row()
        if n < len(header):  # a table that runs over a page repeats its header rows
            from docx.oxml import OxmlElement
            from docx.oxml.ns import qn

            flag = OxmlElement("w:tblHeader")
            flag.set(qn("w:val"), "true")
            row._tr.get_or_add_trPr().append(flag)
        for cell, value in zip(row.cells, values, strict=False):
            cell.text = "" if value is None else str(value)
    return table


def document(report: dict) -> bytes:
    """The report (tables computed, sections as written) as DOCX bytes."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = Document()
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(f"{report['agency_name']}{report['year']}年政府信息公开工作年度报告"), 22, font="方正小标宋简体")
    narrative = report.get("narrative") or {}
    for section in rules.Section:
        heading = doc.add_paragraph()
        _font(heading.add_run(section.label), 16, bold=True, font="黑体")
        for line in (narrative.get(section.value) or "").splitlines():
            if line.strip():
                _font(doc.add_paragraph().add_run(line.strip()), 16)
        if section == rules.Section.PROACTIVE:
            t2 = report["table2"]
            _table(doc, [["信息内容", *[label for _, label in rules.TABLE2_DOCUMENT_COLUMNS]]],
                   [[item.label, *[t2[item.value][c] for c, _ in rules.TABLE2_DOCUMENT_COLUMNS]]
                    for item in rules.TABLE2_DOC_TYPES])
            _table(doc, [["信息内容", "数量或金额"]],
                   [[f"{item.label}（{figure}）", layout.NOT_ENTERED if t2[item.value]["value"] is None
                     else t2[item.value]["value"]] for item, figure in rules.ENTERED_ITEMS.items()])
        elif section == rules.Section.APPLICATIONS:
            t3 = report["table3"]
            _table(doc, [["本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和",
                          *[label for _, label in rules.TABLE3_COLUMNS]]],
                   [[label, *[t3[code][c] for c, _ in rules.TABLE3_COLUMNS]] for code, label, _ in rules.table3_rows()])
        elif section == rules.Section.REMEDIES:
            t4 = report["table4"]
            _table(doc, [[glabel for _, glabel in rules.TABLE4_GROUPS for _ in rules.TABLE4_COLUMNS],
                         [clabel for _ in rules.TABLE4_GROUPS for _, clabel in rules.TABLE4_COLUMNS]],
                   [[t4[g][c] for g, _ in rules.TABLE4_GROUPS for c, _ in rules.TABLE4_COLUMNS]])
        elif section == rules.Section.OTHER:
            fees = report["fees"]
            _font(doc.add_paragraph().add_run(
                f"本年收取信息处理费 {fees['count']} 件，共 {fees['amount_yuan']} 元。"), 16)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
