"""The decision and its reply letter (services.decision): the letter is rendered outside any transaction, and a
renderer failure never undoes the decision."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from docx import Document as Docx
from pypdf import PdfReader

from gongkai.core.errors import DomainError, IllegalTransition
from gongkai.disclosure import letters, services
from gongkai.disclosure.models import ReplyLetter
from gongkai.disclosure.rules import FeeBasis
from gongkai.disclosure.states import CASE, State
from tests.disclosure_factories import make_application

D = dt.date.fromisoformat


@pytest.mark.django_db(transaction=True)
def test_the_letter_is_rendered_outside_any_transaction(agency, staff, monkeypatch):
    seen: list[bool] = []
    real = letters.render_pdf

    def render_pdf(text):
        seen.append(connection.in_atomic_block)
        return real(text)

    monkeypatch.setattr(letters, "render_pdf", render_pdf)
    application, _ = make_application(agency, received_on=D("2026-03-02"))
    services.decide_application(staff["officer"], application, "granted", reason="获取方式：请于工作日到本机关政府信息公开受理点查阅。", decided_on=D("2026-03-20"))
    assert seen == [False]
    assert ReplyLetter.objects.filter(application=application).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_failed_letter_keeps_the_decision_and_offers_to_retry(agency, staff, settings, tmp_path):
    """The letter cannot be filed (its folder cannot be created: a file stands where it should be)."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    working_media = settings.MEDIA_ROOT
    settings.MEDIA_ROOT = str(blocker / "media")
    application, _ = make_application(agency, received_on=D("2026-03-02"))
    services.decide_application(staff["officer"], application, "granted", reason="获取方式：请于工作日到本机关政府信息公开受理点查阅。", decided_on=D("2026-03-20"))
    application.refresh_from_db()
    assert application.state == State.DECIDED and not application.letters.exists()
    assert application.events.filter(kind="letter_failed").exists()
    offered = [t.name for t in CASE.available(staff["officer"], application)]
    assert offered[0] == "generate_letter" and "deliver" not in offered
    settings.MEDIA_ROOT = working_media
    services.generate_letter(staff["officer"], application)
    assert application.letters.count() == 1
    assert "deliver" in [t.name for t in CASE.available(staff["officer"], application)]


def test_correction_overdue_is_other_handling(agency, staff):
    officer = staff["officer"]
    application, _ = make_application(agency, received_on=D("2026-03-02"))
    services.request_correction(officer, application, "请补充。", requested_on=D("2026-03-03"),
                                due_on=D("2026-03-17"))
    with pytest.raises(DomainError):
        services.decide_application(officer, application, "granted", reason="获取方式：请于工作日到本机关政府信息公开受理点查阅。", decided_on=D("2026-03-18"))
    with pytest.raises(DomainError):  # not yet overdue on the due day itself
        services.decide_application(officer, application, "other.correction_overdue", decided_on=D("2026-03-17"))
    services.decide_application(officer, application, "other.correction_overdue", decided_on=D("2026-03-18"))
    application.refresh_from_db()
    assert application.state == State.DECIDED and application.due_on is None


def test_unpaid_fee_leads_to_other_handling(agency, staff):
    officer = staff["officer"]
    application, _ = make_application(agency, received_on=D("2026-03-02"))
    notice = services.issue_fee_notice(officer, application, FeeBasis.PER_PAGE, pages=120,
                                       issued_on=D("2026-03-05"))
    assert notice.amount_yuan == 700 + 400
    assert notice.pay_by is None  # the payment period runs from the applicant's receipt, not the sending
    with pytest.raises(DomainError) as exc:
        services.decide_application(officer, application, "other.fee_unpaid", decided_on=D("2026-05-20"))
    assert "收到收费通知" in exc.value.message
    notice = services.record_fee_notice_receipt(officer, notice, served_by="post", received_on=D("2026-03-09"))
    with pytest.raises(DomainError):
        services.decide_application(officer, application, "other.fee_unpaid", decided_on=notice.pay_by)
    services.decide_application(officer, application, "other.fee_unpaid",
                                decided_on=notice.pay_by + dt.timedelta(days=1))
    notice.pause.refresh_from_db()
    assert notice.pause.ended_on is not None


def test_decision_requires_basis_and_reason_and_generates_the_letter(agency, staff):
    officer = staff["officer"]
    application, _ = make_application(agency, received_on=D("2026-03-02"))
    with pytest.raises(DomainError) as exc:
        services.decide_application(officer, application, "withheld.internal_affairs", basis="",
                                    decided_on=D("2026-03-20"))
    assert set(exc.value.errors) == {"basis", "reason"}
    with pytest.raises(DomainError):
        services.decide_application(officer, application, "nonsense")
    with pytest.raises(DomainError):  # no correction happened
        services.decide_application(officer, application, "unable.unclear_after_correction", reason="仍不明确")
    services.decide_application(officer, application, "withheld.internal_affairs",
                                reason="所申请的是机关后勤管理的内部事务信息。", decided_on=D("2026-03-20"))
    application.refresh_from_db()
    assert application.state == State.DECIDED and application.replied_in_time
    letter = application.letters.get()
    text = "\n".join(p.text for p in Docx(letter.docx.path).paragraphs)
    assert "政府信息公开申请答复书" in text and application.case_no in text
    assert "第十六条第一款" in text and "决定不予公开" in text and "所申请的是机关后勤管理的内部事务信息" in text
    # 不予公开: review first (行政复议法第二十三条), never the offer of direct litigation.
    assert "60日内" in text and agency.parent.name in text and "第二十三条" in text
    assert "应当自收到本答复之日起60日内" in text and "6个月内向人民法院提起行政诉讼" not in text
    assert "2026年3月2日" in text and "2026年3月20日" in text
    pdf = "".join(page.extract_text() for page in PdfReader(letter.pdf.path).pages)
    for phrase in ("政府信息公开申请答复书", "决定不予公开", "行政复议", "行政诉讼", application.case_no):
        assert phrase in pdf.replace("\n", "")
    with pytest.raises(IllegalTransition):
        services.decide_application(officer, application, "granted", reason="获取方式：请于工作日到本机关政府信息公开受理点查阅。")
    with pytest.raises(IllegalTransition):
        services.close_application(officer, application)
    services.deliver_reply(officer, application, delivered_on=D("2026-03-21"), method="电子邮件")
    services.close_application(officer, application)
    application.refresh_from_db()
    assert application.state == State.CLOSED


def test_letter_addresses_an_organisation_as_such(agency, staff):
    application, _ = make_application(agency, received_on=D("2026-03-02"), applicant_type="legal_person",
                                      organization_kind="legal_service", name="示例律师事务所",
                                      id_number="91350100M000100Y43")
    services.request_correction(staff["officer"], application, "请补充。", requested_on=D("2026-03-03"))
    services.receive_correction(staff["officer"], application, corrected_on=D("2026-03-05"))
    services.decide_application(staff["officer"], application, "unable.unclear_after_correction",
                                reason="补正后仍无法确定所需信息。", decided_on=D("2026-03-20"))
    text = "\n".join(p.text for p in Docx(application.letters.get().docx.path).paragraphs)
    assert "示例律师事务所：" in text and "贵单位" in text and "您" not in text
    assert "2026年3月3日告知贵单位补正" in text and "第三十条" in text


@pytest.mark.django_db(transaction=True)
def test_reply_letters_and_their_folders_are_owner_only(agency, staff, settings, tmp_path):
    import os
    import stat

    settings.MEDIA_ROOT = str(tmp_path / "media")
    old_umask = os.umask(0o022)  # as a process without the settings' umask would have: the storage still closes them
    try:
        application, _ = make_application(agency, received_on=D("2026-03-02"))
        services.decide_application(staff["officer"], application, "granted", reason="获取方式：请于工作日到本机关政府信息公开受理点查阅。", decided_on=D("2026-03-20"))
    finally:
        os.umask(old_umask)
    letter = application.letters.get()
    for file in (letter.docx, letter.pdf):
        path = file.path
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path
        assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o700
