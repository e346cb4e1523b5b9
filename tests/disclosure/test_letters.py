"""The reply letter as offices send it: case number, enclosures, the remedies, and agency with date kept
together at the end — read back from the DOCX (python-docx) and the PDF (pypdf)."""

import datetime as dt
import io
import shutil
import subprocess

import pytest
from docx import Document
from pypdf import PdfReader

from gongkai.disclosure import letters, rules, services
from tests.disclosure_factories import make_application

D = dt.date.fromisoformat


def _long_letter(agency, staff):
    application, _ = make_application(agency)
    reason = "\n".join(f"第{n}项信息的获取方式：请于工作日到本机关政府信息公开受理点查阅有关卷宗，并可复制。" * 2
                       for n in range(1, 15))
    return services.decide_application(staff["officer"], application, "granted", reason=reason,
                                       decided_on=D("2026-03-20"),
                                       released_files=[services.ReleasedFile(f"第{n}份.pdf", b"%PDF-1.4\n")
                                                       for n in range(1, 4)])


def _cjk_fonts() -> bool:
    if shutil.which("fc-list") is None:
        return False
    return bool(subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout.strip())


# Without a CJK font WeasyPrint draws every Chinese character as .notdef and no text can be read back.
@pytest.mark.skipif(not _cjk_fonts(), reason="no CJK font installed (Debian: fonts-noto-cjk)")
def test_the_pdf_keeps_agency_and_date_together_on_the_last_page(agency, staff):
    application = _long_letter(agency, staff)
    reader = PdfReader(application.letters.get().pdf.path)
    assert len(reader.pages) >= 2
    last = reader.pages[-1].extract_text().replace(" ", "").replace("\n", "")
    assert agency.name in last and "2026年3月20日" in last
    text = "".join(page.extract_text() for page in reader.pages).replace(" ", "").replace("\n", "")
    assert application.case_no in text and "附件：1.第1份" in text and "3.第3份" in text
    assert rules.remedies_sentence(letters.review_body(application), "granted")[:30] in text


def test_the_docx_holds_the_signature_block_together(agency, staff):
    application = _long_letter(agency, staff)
    paragraphs = Document(application.letters.get().docx.path).paragraphs
    texts = [p.text for p in paragraphs]
    assert texts[1] == application.case_no
    first = texts.index("附件：1. 第1份")
    assert texts[first + 1:first + 3] == ["2. 第2份", "3. 第3份"]
    assert texts[-2:] == [agency.name, "2026年3月20日"]
    block = paragraphs[-4:]  # two blank lines for the seal, agency, date
    assert [p.text for p in block[:2]] == ["", ""]
    assert all(p.paragraph_format.keep_together for p in block)
    assert all(p.paragraph_format.keep_with_next for p in block[:-1])
    assert rules.remedies_sentence(letters.review_body(application), "granted") in texts


def test_letter_text_lists_public_documents_with_their_address(agency, staff, published):
    application, _ = make_application(agency)
    application = services.decide_application(staff["officer"], application, "granted", decided_on=D("2026-03-20"),
                                              released_links=f"/xxgk/documents/{published.pk}/")
    text = letters.render_docx(letters.letter_text(application))
    lines = [p.text for p in Document(io.BytesIO(text)).paragraphs]
    assert any(line.startswith(f"附件：1. {published.live_revision.title}（") and
               line.endswith(f"/xxgk/documents/{published.pk}/）") for line in lines)
    # The information is provided in the enclosures: the letter says so, not "provided, or how to obtain it".
    assert any("本机关决定予以公开。现向您提供该政府信息，见附件。" in line for line in lines)
    assert not any("或告知您获取" in line for line in lines)
