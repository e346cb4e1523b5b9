"""Delivery by the applicant's channel: e-mail through the outbox to a real SMTP server (delivered when the
server accepts it), post with its tracking number then the signature date, and the remedy periods from then."""

import datetime as dt
import email
import email.policy
from contextlib import ExitStack

import pytest
from django.db import transaction

from gongkai.core.errors import DomainError
from gongkai.core.models import OutgoingMail
from gongkai.disclosure import services
from gongkai.disclosure.models import DeliveryRecord
from gongkai.disclosure.states import State
from tests.disclosure_factories import make_application
from tests.smtp import smtp_server

D = dt.date.fromisoformat
PDF = b"%PDF-1.4\n% enclosure\n"
HOW = "获取方式：请于工作日到本机关政府信息公开受理点查阅。"


def _granted(agency, officer, **kw):
    with transaction.atomic():
        application, _ = make_application(agency, **kw)
    return services.decide_application(officer, application, "granted", decided_on=D("2026-03-20"),
                                       released_files=[services.ReleasedFile("资金表.pdf", PDF)])


@pytest.mark.django_db(transaction=True)
def test_the_reply_mail_arrives_with_letter_and_enclosures_and_delivers_the_case(agency, staff, mail_settings):
    with ExitStack() as stack:
        inbox = stack.enter_context(smtp_server(mail_settings))[1]
        other, _ = make_application(agency, email="other@example.com", name="李四光")
        application = _granted(agency, staff["officer"], email="zhang@example.com")
        inbox.messages.clear()  # the acknowledgements of both applications
        record = services.email_reply(staff["officer"], application)  # the worker (immediate in tests) sends it
    mail = OutgoingMail.objects.get(purpose="disclosure_reply")
    assert mail.status == OutgoingMail.Status.SENT
    assert len(inbox.messages) == 1 and inbox.messages[0].rcpt_tos == ["zhang@example.com"]
    message = email.message_from_bytes(inbox.messages[0].original_content, policy=email.policy.default)
    names = [part.get_filename() for part in message.iter_attachments()]
    assert names == [f"{application.case_no}答复书.pdf", "附件1-资金表.pdf"]
    contents = [part.get_content() for part in message.iter_attachments()]
    assert contents[0].startswith(b"%PDF") and contents[1] == PDF
    body = message.get_body(("plain",)).get_content()
    assert application.case_no in body and "资金表" in body
    assert other.case_no not in body and "李四光" not in body and "other@example.com" not in body
    record.refresh_from_db()
    application.refresh_from_db()
    assert record.delivered_on == application.delivered_on == dt.date.today()
    assert application.state == State.DELIVERED


@pytest.mark.django_db(transaction=True)
def test_a_mail_not_accepted_delivers_nothing_and_too_big_a_mail_is_refused(agency, staff, mail_settings, settings):
    application = _granted(agency, staff["officer"], email="zhang@example.com")
    record = services.email_reply(staff["officer"], application)  # nothing listens on the SMTP port
    record.refresh_from_db()
    application.refresh_from_db()
    assert record.delivered_on is None and application.state == State.DECIDED and application.delivered_on is None
    settings.GONGKAI_MAIL_MAX_BYTES = 1024
    with pytest.raises(DomainError, match="超过电子邮件的上限.*网上查询下载"):
        services.email_reply(staff["officer"], application)
    assert DeliveryRecord.objects.filter(application=application).count() == 1


def test_post_then_signed_for_starts_the_remedy_periods(agency, staff):
    officer = staff["officer"]
    application, _ = make_application(agency, delivery="post")
    application = services.decide_application(officer, application, "granted", reason=HOW, decided_on=D("2026-03-20"))
    with pytest.raises(DomainError) as refused:
        services.post_reply(officer, application, tracking_number="", posted_on=D("2026-03-20"))
    assert refused.value.errors == {"tracking_number": ["请填写邮件单号。"]}
    services.post_reply(officer, application, tracking_number="EMS 1234 5678 9CN", posted_on=D("2026-03-20"))
    with pytest.raises(DomainError) as early:
        services.deliver_reply(officer, application, channel="post", delivered_on=D("2026-03-19"))
    assert "delivered_on" in early.value.errors
    services.deliver_reply(officer, application, channel="post", delivered_on=D("2026-03-23"), method="本人签收")
    application.refresh_from_db()
    record = application.deliveries.get()
    assert record.tracking_number == "EMS123456789CN" and record.dispatched_on == D("2026-03-20")
    assert record.delivered_on == application.delivered_on == D("2026-03-23") and record.created_by == officer
    assert application.state == State.DELIVERED


def test_online_delivery_is_never_recorded_by_hand(agency, staff):
    application, _ = make_application(agency, delivery="online")
    application = services.decide_application(staff["officer"], application, "granted", reason=HOW,
                                              decided_on=D("2026-03-20"))
    with pytest.raises(DomainError) as refused:
        services.deliver_reply(staff["officer"], application, channel="online")
    assert "首次下载" in refused.value.errors["channel"][0]


@pytest.mark.django_db(transaction=True)
def test_the_applicant_is_told_by_mail_what_to_correct_and_of_the_extension(agency, staff, mail_settings):
    """The notices the 条例 requires (补正 第三十条, 延期 第三十三条) reach an applicant who left an e-mail."""
    with ExitStack() as stack:
        inbox = stack.enter_context(smtp_server(mail_settings))[1]
        application, _ = make_application(agency, email="zhang@example.com", received_on=D("2026-03-02"))
        inbox.messages.clear()
        services.request_correction(staff["officer"], application, "请写明所需信息的文号或名称。",
                                    requested_on=D("2026-03-03"))
        services.receive_correction(staff["officer"], application, corrected_on=D("2026-03-05"))
        services.request_extension(staff["officer"], application, 10, "涉及多个部门，需要协调。")
        services.approve_extension(staff["head"], application, days=10, approved_on=D("2026-03-20"))
    bodies = [email.message_from_bytes(m.original_content, policy=email.policy.default) for m in inbox.messages]
    assert [m.rcpt_tos for m in inbox.messages] == [["zhang@example.com"], ["zhang@example.com"]]
    correction, extension = (b.get_body(("plain",)).get_content() for b in bodies)
    assert "请写明所需信息的文号或名称" in correction and "第三十条" in correction
    assert "延长 10 个工作日" in extension and "涉及多个部门" in extension
    assert all(application.tracking_code in b["Subject"] for b in bodies)
