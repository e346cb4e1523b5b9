"""Helpers for the Word documents the apps write (python-docx): one place for what Word needs to show Chinese."""

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
