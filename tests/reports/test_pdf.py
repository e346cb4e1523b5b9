"""The annual report as PDF: read back (headings, cells), and its pages checked for layout — a table that runs
over a page break carries its header on every page, no row is cut, and nothing runs into the side margins."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from gongkai.reports import annual, layout, pdf, rules, services

D = dt.date
HEADER = ("申请人情况", "法人或其他组织", "社会公益组织")


def _pages(data: bytes) -> list[str]:
    # Cells wrap inside their boxes: compare without the line breaks and spaces the extraction puts there.
    return [re.sub(r"\s+", "", page.extract_text() or "") for page in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture
def long_report(city, case):
    """A report whose section 三 starts low on a page, so that table 3 must continue on the next one."""
    finance = city["finance"]
    officer = city["teams"][finance.pk]["officer"]
    case(finance, D(2025, 12, 22), D(2026, 1, 12))
    case(finance, D(2026, 3, 2), D(2026, 3, 20), code="withheld.state_secret")
    case(finance, D(2026, 12, 28))
    for section, n in (("overview", 14), ("applications", 6)):
        services.save_narrative(officer, finance, 2026, section, "\n".join(
            f"第{i}段：本机关认真贯彻落实《中华人民共和国政府信息公开条例》，持续深化政务公开工作。" for i in range(n)))
    return annual.annual_report(2026, finance)


def test_pdf_reads_back_with_headings_and_cells(long_report):
    data = pdf.document(long_report)
    text = "".join(_pages(data))
    for section in rules.Section:
        assert re.sub(r"\s+", "", section.label) in text
    assert "示例市财政局2026年政府信息公开工作年度报告" in text
    for label in ("本年制发件数", "本年收费金额（万元）", "三、本年度办理结果", "1.属于国家秘密", "四、结转下年度继续办理",
                  "未经复议直接起诉", "复议后起诉"):
        assert label in text, label
    t3 = long_report["table3"]
    assert t3["new"]["total"] == 2 and t3["carried_over"]["total"] == 1 and t3["carried_forward"]["total"] == 1
    for code, label in (("new", "一、本年新收政府信息公开申请数量"), ("carried_forward", "四、结转下年度继续办理")):
        cells = "".join(str(t3[code][c]) for c, _ in rules.TABLE3_COLUMNS)
        assert label + cells in text, f"the row {label} reads back with its cells"
    assert "本年收取信息处理费0件，共0元。" in text


def test_a_table_over_a_page_break_repeats_its_header_and_keeps_rows_whole(long_report):
    pages = _pages(pdf.document(long_report))
    labels = [re.sub(r"\s+", "", label) for code, label, level in rules.table3_rows()
              if not (level == 1 and any(c.startswith(code + ".") for c, _, _ in rules.table3_rows()))]
    carrying = [n for n, text in enumerate(pages) if any(label in text for label in labels)]
    assert len(carrying) >= 2, "the fixture must make table 3 run over a page break"
    for n in carrying:
        for header in HEADER:
            assert header in pages[n], f"page {n + 1} carries part of table 3 without its header"
    for label in labels:  # a row cut across two pages would leave its label whole on neither
        assert sum(label in text for text in pages) >= 1, label


def test_pages_render_with_nothing_in_the_side_margins(long_report):
    pdfium = pytest.importorskip("pypdfium2")
    document = pdfium.PdfDocument(pdf.document(long_report))
    for n in range(len(document)):
        image = document[n].render(scale=1).to_pil().convert("L")
        width, height = image.size
        margin = int(width * 15 / 210)  # 15 mm of the 22 mm side margins of an A4 page
        body = image.crop((margin, 0, width - margin, height))
        assert body.getextrema()[0] < 128, f"page {n + 1} is blank"
        for box in ((0, 0, margin, height), (width - margin, 0, width, height)):
            assert image.crop(box).getextrema()[0] > 200, f"page {n + 1}: something runs into a side margin"


def test_layout_of_table3_matches_the_official_form(long_report):
    body = layout.table3_body(long_report)
    assert len(body) == len([r for r in rules.table3_rows() if not (r[2] == 1 and r[0] in
                                                                     ("withheld", "unable", "not_processed", "other"))])
    result = body[2][0]
    assert result.text == "三、本年度办理结果" and result.rowspan == len(body) - 3
    assert all(len(row) >= 7 for row in body)
