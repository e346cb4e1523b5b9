"""The reply letter (政府信息公开申请答复书) as DOCX (python-docx) and PDF (WeasyPrint), from one text.

Layout follows the usual form of the letter: title, case number, the applicant's salutation, the receipt and
request, the decision with its legal basis and reasons, the remedies, the list of enclosures (附件：1. …), then
the agency and the date kept together at the end with blank room above them for the seal — in both formats the
signature block never breaks across pages, so the date is never orphaned from the agency.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string

from gongkai.core.office import set_run_font
from gongkai.core.text import excerpt
from gongkai.disclosure import rules
from gongkai.disclosure.models import ApplicantType, Application

TITLE = "政府信息公开申请答复书"
# WeasyPrint narrates every rendering step at INFO; the site logs at INFO, so keep it to warnings.
for _name in ("weasyprint", "weasyprint.progress", "fontTools"):
    logging.getLogger(_name).setLevel(logging.WARNING)
SERIF = "FangSong"  # Word on a government PC; the PDF names Noto Serif CJK SC, which Debian ships


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def review_body(application: Application) -> str:
    """Where administrative review goes: the agency's parent (本级人民政府 for a department), else one level up."""
    parent = application.agency.parent
    return parent.name if parent is not None else "上一级人民政府"


@dataclass
class LetterText:
    case_no: str
    salutation: str
    paragraphs: list[str] = field(default_factory=list)
    agency: str = ""
    date: str = ""
    enclosures: list[str] = field(default_factory=list)
    title: str = TITLE


def letter_text(application: Application) -> LetterText:
    """Every sentence of the letter for a decided application."""
    if application.is_record_correction:
        return record_correction_text(application)
    decision = rules.decision(application.decision)
    you = "贵单位" if application.applicant_type == ApplicantType.LEGAL_PERSON else "您"
    request = excerpt(application.description, 200)
    paragraphs = [f"本机关于{chinese_date(application.received_on)}收到{you}提出的政府信息公开申请，"
                  f"申请获取：“{request}”。"]
    if application.corrected_on and application.correction_requested_on:
        paragraphs.append(f"本机关于{chinese_date(application.correction_requested_on)}告知{you}补正申请内容，"
                          f"于{chinese_date(application.corrected_on)}收到补正后的申请。")
    consulted = application.pauses.filter(kind__in=[rules.PauseKind.THIRD_PARTY, rules.PauseKind.OTHER_AGENCY])
    if consulted.exists():
        paragraphs.append("本机关依法书面征求了有关方面的意见，征求意见所需时间不计算在答复期限内。")
    if application.extension_days:
        paragraphs.append(f"经本机关政府信息公开工作机构负责人同意，答复期限延长{application.extension_days}个工作日，"
                          f"并已告知{you}。")
    if application.deferred_to:
        paragraphs.append(f"{you}申请公开政府信息的数量、频次明显超过合理范围，本机关于"
                          f"{chinese_date(application.bulk_reason_requested_on)}要求{you}说明理由；经审查理由合理，"
                          f"本机关确定延迟至{chinese_date(application.deferred_to)}前答复，并已告知{you}"
                          "（《中华人民共和国政府信息公开条例》第三十五条）。")
    if application.decision == "unable.not_held" and application.not_held_ground in rules.NOT_HELD:
        text = rules.NOT_HELD[application.not_held_ground][1].format(basis=application.decision_basis)
    else:
        text = decision.letter_text(application.decision_basis)
    enclosed = application.released_items.exists()
    if decision.group == rules.DecisionGroup.GRANTED:
        text += rules.PROVIDED_IN_ENCLOSURES if enclosed else rules.PROVIDED_OTHERWISE
    elif decision.group == rules.DecisionGroup.PARTIALLY_GRANTED and enclosed:
        text = text.replace("可以公开的政府信息内容", "可以公开的政府信息内容（见附件）", 1)
    paragraphs.append(text.replace("您", you))
    if application.decision_reason.strip():
        paragraphs.extend(p.strip() for p in application.decision_reason.splitlines() if p.strip())
    if application.responsible_agency:
        paragraphs.append(f"该政府信息由{application.responsible_agency}负责公开，联系方式：{application.responsible_contact}"
                          "（《中华人民共和国政府信息公开条例》第三十六条第（五）项）。")
    paragraphs.append(rules.remedies_sentence(review_body(application), application.decision))
    paragraphs.append("特此告知。")
    return LetterText(case_no=application.case_no, salutation=f"{application.name}：", paragraphs=paragraphs,
                      agency=application.agency.name, date=chinese_date(application.decided_on),
                      enclosures=enclosure_lines(application))


CORRECTION_TITLE = "更正政府信息记录申请答复书"


def record_correction_text(application: Application) -> LetterText:
    """Every sentence of the reply to a request to correct one's own records (《条例》第四十一条)."""
    record = application.record_correction
    you = "贵单位" if application.applicant_type == ApplicantType.LEGAL_PERSON else "您"
    paragraphs = [f"本机关于{chinese_date(application.received_on)}收到{you}提出的更正政府信息记录的申请，"
                  f"要求更正：“{excerpt(application.description, 200)}”。"]
    if application.extension_days:
        paragraphs.append(f"经本机关负责人同意，答复期限延长{application.extension_days}个工作日，并已告知{you}。")
    paragraphs.append(rules.record_correction_letter(record.outcome, record.competent_agency,
                                                     record.competent_contact).replace("您", you))
    paragraphs.extend(p.strip() for p in record.reason.splitlines() if p.strip())
    # No disclosure decision behind it, so the general remedies sentence (review or litigation) applies.
    paragraphs.append(rules.remedies_sentence(review_body(application), ""))
    paragraphs.append("特此告知。")
    return LetterText(case_no=application.case_no, salutation=f"{application.name}：", paragraphs=paragraphs,
                      agency=application.agency.name, date=chinese_date(application.decided_on),
                      title=CORRECTION_TITLE)


def enclosure_lines(application: Application) -> list[str]:
    """The enclosures as the letter lists them: the title, and for a document already public its address."""
    base = settings.GONGKAI_BASE_URL.rstrip("/")
    return [f"{item.title}（{base}{item.url}）" if item.url else item.title
            for item in application.released_items.all()]


def render_docx(text: LetterText) -> bytes:
    """The letter as a Word document (A4, 仿宋 三号 body, centred title)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_run_font(title.add_run(text.title), "SimSun", 22, bold=True)
    number = doc.add_paragraph()
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_run_font(number.add_run(text.case_no), SERIF, 16)
    salutation = doc.add_paragraph()
    set_run_font(salutation.add_run(text.salutation), SERIF, 16)
    for body in text.paragraphs:
        paragraph = doc.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Pt(32)
        paragraph.paragraph_format.line_spacing = Pt(28)
        set_run_font(paragraph.add_run(body), SERIF, 16)
    for n, title in enumerate(text.enclosures, 1):
        paragraph = doc.add_paragraph()
        # 附件 is flush with the body's indent; later items hang under the first item's number.
        paragraph.paragraph_format.left_indent = Pt(32 + (48 if n > 1 else 0))
        paragraph.paragraph_format.line_spacing = Pt(28)
        paragraph.paragraph_format.keep_with_next = n < len(text.enclosures)
        set_run_font(paragraph.add_run(f"{'附件：' if n == 1 else ''}{n}. {title}"), SERIF, 16)
    # Blank lines for the seal, then agency and date: one block that Word never splits across pages.
    for line in ("", "", text.agency, text.date):
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.right_indent = Pt(64)
        paragraph.paragraph_format.keep_together = True
        paragraph.paragraph_format.keep_with_next = line != text.date
        set_run_font(paragraph.add_run(line), SERIF, 16)
    buffer = io.BytesIO()
    doc.core_properties.title = f"{text.title}（{text.case_no}）"
    doc.save(buffer)
    return buffer.getvalue()


def render_pdf(text: LetterText) -> bytes:
    """The same letter as PDF, typeset by WeasyPrint with the CJK fonts installed on the system."""
    from weasyprint import HTML

    html = render_to_string("disclosure/letter.html", {"title": text.title, "text": text})
    return HTML(string=html).write_pdf()
