"""Helpers for the office files the apps write: what Word needs to show Chinese (python-docx), and rows of
spreadsheets that stay text (openpyxl)."""

from __future__ import annotations


def set_run_font(run, font: str, size_pt: float, bold: bool = False) -> None:
    """Set a run's font for Chinese text too: Word reads East Asian characters from w:eastAsia, which
    python-docx's font.name leaves unset (the text would fall back to a Western font)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name, run.font.size, run.font.bold = font, Pt(size_pt), bold
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), font)


def append_text_row(sheet, row) -> None:
    """Append `row` to an openpyxl sheet, its strings kept as text: openpyxl stores a string starting with = as a
    formula, which a spreadsheet program runs on opening (=HYPERLINK from a resident's words) and which is read
    back empty on import."""
    sheet.append(row)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"
