"""Word runs carry their font for Chinese text as well (w:eastAsia), or Word shows a Western fallback."""

import io

from docx import Document
from docx.oxml.ns import qn

from gongkai.core.office import set_run_font


def test_the_font_reaches_east_asian_text_and_survives_a_round_trip():
    doc = Document()
    set_run_font(doc.add_paragraph().add_run("政府信息公开"), "仿宋", 16, bold=True)
    buffer = io.BytesIO()
    doc.save(buffer)
    run = Document(io.BytesIO(buffer.getvalue())).paragraphs[0].runs[0]
    assert run.text == "政府信息公开" and run.font.bold and run.font.size.pt == 16
    assert run._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋"
