"""The annual report as a Word document: the six sections in order, each table after its section's text."""

from __future__ import annotations

import io

from gongkai.core.office import set_run_font
from gongkai.reports import layout, rules


def _font(run, size_pt: float, bold: bool = False, font: str = "仿宋") -> None:
    set_run_font(run, font, size_pt, bold)


def _table(doc, header: list[list[str]], body: list[list], merge_first_row: bool = False):
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
    if merge_first_row and len(header[0]) > 1:
        first = table.rows[0].cells
        text = first[0].text
        first[0].merge(first[-1]).text = text
    return table


def document(report: dict) -> bytes:
    """The report (tables computed, sections as written) as DOCX bytes."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = Document()
    title = doc.add_heading(level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(f"{report['agency_name']}{report['year']}年政府信息公开工作年度报告"), 22, font="方正小标宋简体")
    narrative = report.get("narrative") or {}
    for section in rules.Section:
        # A Heading style, so Word's navigation pane and outline show the six sections.
        heading = doc.add_heading(level=1)
        _font(heading.add_run(section.label), 16, bold=True, font="黑体")
        for line in (narrative.get(section.value) or "").splitlines():
            if line.strip():
                _font(doc.add_paragraph().add_run(line.strip()), 16)
        if section == rules.Section.PROACTIVE:
            # As the PDF and the page lay it out: one block per item of 第二十条, headed by the item.
            for block in layout.table2(report):
                _table(doc, [[block["caption"]] + [None] * (len(block["head"]) - 1), block["head"]], block["rows"],
                       merge_first_row=True)
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
