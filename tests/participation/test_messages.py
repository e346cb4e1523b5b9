"""The mailbox's services: intake with its code and token, reply limits across holidays and make-up working days,
transfer with every step audited and kept, duplicates and invalid messages kept, publication only with consent,
error reports linked to the page and the fix, the writer's rating, and the 3-month escalation and veto count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from gongkai.core.audit import history
from gongkai.core.errors import DomainError, PermissionDenied
from gongkai.core.workdays import WorkCalendar
from gongkai.orgs.roles import Role
from gongkai.participation import messages, queries, rules
from gongkai.participation.models import Message, MessageStatus, StepKind
from gongkai.participation.rules import MessageCategory as C
from gongkai.participation.visibility import public_messages
from tests import factories
from tests.disclosure_factories import disclosure_team

CALENDAR = WorkCalendar()  # the holiday package's schedule, no table overrides
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def write(office, **values) -> tuple[Message, str]:
    data = {"category": C.MAILBOX, "agency": office["agency"].code, "title": "路灯不亮", "content": "小区门口的路灯坏了。",
            "name": "张三", "phone": "13800001234", "email": "zhangsan@example.com", **values}
    return messages.submit_message(messages.MessageData(**data))


# -- reply limits on the working-day calendar -----------------------------------------------------------------------

def test_every_category_has_a_limit_with_its_source():
    assert set(rules.REPLY_LIMITS) == set(C.values)
    assert rules.REPLY_LIMITS[C.MAILBOX].workdays == 5 and rules.REPLY_LIMITS[C.ERROR_REPORT].workdays == 3
    assert all(limit.source for limit in rules.REPLY_LIMITS.values())
    assert "国办秘函〔2019〕19号" in rules.VETO_SOURCE


def test_the_settings_list_the_same_categories():
    from gongkai import conf

    assert conf.MESSAGE_CATEGORIES == tuple(C.values)


def test_mailbox_five_working_days_across_the_national_day_holiday():
    # Received Tuesday 2026-09-29: 09-30 is a working day, 10-01..10-07 the holiday; what follows counts.
    due = rules.reply_due(C.MAILBOX, dt.date(2026, 9, 29), CALENDAR)
    counted = [d for d in (dt.date(2026, 9, 29) + dt.timedelta(days=n) for n in range(1, (due - dt.date(2026, 9, 29)).days + 1))
               if CALENDAR.is_workday(d)]
    assert len(counted) == 5 and due == counted[-1] and due > dt.date(2026, 10, 8)
    assert not any(dt.date(2026, 10, 1) <= d <= dt.date(2026, 10, 7) for d in counted)


def test_error_report_three_working_days_count_the_spring_festival_make_up_day():
    # Received Friday 2026-02-13: Saturday 02-14 is a make-up working day (调休), then the Spring Festival.
    assert CALENDAR.is_workday(dt.date(2026, 2, 14)) and not CALENDAR.is_workday(dt.date(2026, 2, 16))
    due = rules.reply_due(C.ERROR_REPORT, dt.date(2026, 2, 13), CALENDAR)
    assert due == CALENDAR.add_workdays(dt.date(2026, 2, 13), 3).due_on
    assert due > dt.date(2026, 2, 23)  # the holiday week is not counted
    counted = [d for d in (dt.date(2026, 2, 13) + dt.timedelta(days=n) for n in range(1, (due - dt.date(2026, 2, 13)).days + 1))
               if CALENDAR.is_workday(d)]
    assert dt.date(2026, 2, 14) in counted and len(counted) == 3


def test_a_local_holiday_in_the_calendar_table_moves_the_limit():
    plain = rules.reply_due(C.MAILBOX, dt.date(2026, 3, 2), CALENDAR)
    local = WorkCalendar({dt.date(2026, 3, 4): (False, "地方节日")})
    assert rules.reply_due(C.MAILBOX, dt.date(2026, 3, 2), local) == plain + dt.timedelta(days=1)


@override_settings(GONGKAI_MESSAGE_REPLY_WORKDAYS={"mailbox": 10})
def test_the_limit_is_configurable_per_category():
    assert rules.reply_workdays(C.MAILBOX) == 10 and rules.reply_workdays(C.ERROR_REPORT) == 3
    assert rules.reply_due(C.MAILBOX, dt.date(2026, 3, 2), CALENDAR) == dt.date(2026, 3, 16)


def test_the_setting_is_parsed_and_refused_in_chinese(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from gongkai import conf

    monkeypatch.setenv("GONGKAI_MESSAGE_REPLY_WORKDAYS", "mailbox=7，error_report=2")
    assert conf.message_reply_workdays() == {"mailbox": 7, "error_report": 2}
    for bad in ("mailbox", "letters=5", "mailbox=0", "mailbox=五"):
        monkeypatch.setenv("GONGKAI_MESSAGE_REPLY_WORKDAYS", bad)
        with pytest.raises(ImproperlyConfigured, match="GONGKAI_MESSAGE_REPLY_WORKDAYS"):
            conf.message_reply_workdays()


def test_three_months_and_the_escalation_day():
    assert rules.veto_day(dt.date(2026, 1, 15)) == dt.date(2026, 4, 16)
    assert rules.add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    assert rules.escalation_day(dt.date(2026, 1, 31)) == dt.date(2026, 3, 31)


# -- intake ---------------------------------------------------------------------------------------------------------

def test_a_message_is_received_with_a_code_a_token_and_its_limit(office):
    message, token = write(office)
    assert message.code.startswith("LY-") and len(token) == 14
    assert message.access_token_hash != token and token not in message.access_token_hash
    assert messages.find(message.code, token) == message
    assert messages.find(message.code.replace("-", "").lower(), token.lower()) == message  # as typed
    assert messages.find(message.code, "WRONG-TOKEN-XX") is None and messages.find("LY-0000-0000", token) is None
    assert message.status == MessageStatus.RECEIVED and message.received_on == timezone.localdate()
    assert message.due_on == rules.reply_due(C.MAILBOX, message.received_on, WorkCalendar.load())
    assert [s.kind for s in message.steps.all()] == [StepKind.RECEIVED]
    assert [e.action for e in history(message)] == ["receive_message"]


def test_personal_data_is_sealed_in_the_database(office):
    from django.db import connection

    message, _ = write(office, name="秘密姓名", phone="13912345678", email="secret@example.com")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, phone, email FROM participation_message WHERE id = %s", [message.pk])
        row = cursor.fetchone()
    assert not any(value in " ".join(row) for value in ("秘密姓名", "13912345678", "secret@example.com"))
    assert Message.objects.get(pk=message.pk).name == "秘密姓名"


@pytest.mark.parametrize(("values", "field"), [
    ({"category": ""}, "category"),
    ({"category": "letters"}, "category"),
    ({"agency": ""}, "agency"),
    ({"agency": "NOSUCHAGENCY"}, "agency"),
    ({"title": ""}, "title"),
    ({"title": "标" * 101}, "title"),
    ({"content": "   "}, "content"),
    ({"content": "字" * 5001}, "content"),
    ({"name": ""}, "name"),
    ({"phone": "", "email": ""}, "phone"),
    ({"phone": "call me"}, "phone"),
    ({"email": "not-an-address"}, "email"),
    ({"attachment_name": "a.exe", "attachment": b"MZ\x90\x00"}, "attachment"),
    ({"attachment_name": "a.pdf", "attachment": b""}, "attachment"),
    ({"category": C.ERROR_REPORT, "page_url": ""}, "page_url"),
    ({"category": C.ERROR_REPORT, "page_url": "javascript:alert(1)"}, "page_url"),
    ({"category": C.ERROR_REPORT, "content": "", "page_url": "/xxgk/"}, "content"),
    ({"category": C.ERROR_REPORT, "page_url": "/xxgk/", "attachment_name": "a.pdf",
      "attachment": b"%PDF-1.4\n"}, "attachment"),
])
def test_bad_input_is_refused_at_its_field_and_nothing_is_stored(office, values, field):
    with pytest.raises(DomainError) as refused:
        write(office, **values)
    assert field in refused.value.errors, refused.value.errors
    assert all("\u4e00" <= ch <= "\u9fff" for ch in refused.value.errors[field][0][:1]) or refused.value.errors[field][0]
    assert not Message.objects.exists()


def test_every_mistake_is_reported_at_once(office):
    with pytest.raises(DomainError) as refused:
        write(office, title="", content="", email="bad")
    assert {"title", "content", "email"} <= set(refused.value.errors)


def test_an_error_report_is_linked_to_the_document_page_and_routed_to_its_agency(office):
    other = factories.make_agency("11000000PAR000009X", "参与市网站办", parent=office["government"])
    url = f"{settings.GONGKAI_BASE_URL}/xxgk/documents/{office['draft'].pk}/"
    report, _ = write(office, category=C.ERROR_REPORT, agency="", title="", name="", phone="", email="",
                      page_url=url, content="", attachment_name="截图.png", attachment=PNG)
    assert report.page_document == office["draft"] and report.agency == office["agency"]
    assert report.title == "纠错：《参与市养犬管理办法（征求意见稿）》" and report.attachment_type == "image/png"
    assert report.due_on == rules.reply_due(C.ERROR_REPORT, report.received_on, WorkCalendar.load())
    elsewhere, _ = write(office, category=C.ERROR_REPORT, agency="", page_url="https://other.example/x", content="错字")
    assert elsewhere.page_document is None and elsewhere.agency == office["government"]  # the site's root agency
    chosen, _ = write(office, category=C.ERROR_REPORT, agency=other.code, page_url="/wzdt/", content="链接打不开")
    assert chosen.agency == other and chosen.page_document is None


# -- handling -------------------------------------------------------------------------------------------------------

def test_transfer_keeps_every_step_audited_and_the_limit(office):
    other = factories.make_agency("11000000PAR000010X", "参与市交通运输局", parent=office["government"])
    other_office = disclosure_team(other)
    message, _ = write(office)
    due = message.due_on
    with pytest.raises(DomainError) as no_reason:
        messages.transfer_message(office["officer"], message, other, "")
    assert no_reason.value.field == "reason"
    with pytest.raises(PermissionDenied):
        messages.transfer_message(other_office["officer"], message, office["government"], "不是本局")
    moved = messages.transfer_message(office["officer"], message, other.code, "属于交通运输局职责")
    assert moved.agency == other and moved.addressed_to == office["agency"] and moved.due_on == due
    with pytest.raises(PermissionDenied):  # it has left the first office
        messages.reply_message(office["officer"], moved, "答复")
    back = messages.transfer_message(other_office["officer"], moved, office["agency"], "需原单位牵头")
    steps = [(s.kind, s.from_agency_id, s.to_agency_id, s.note) for s in back.steps.all()]
    assert steps[1:] == [(StepKind.TRANSFERRED, office["agency"].pk, other.pk, "属于交通运输局职责"),
                         (StepKind.TRANSFERRED, other.pk, office["agency"].pk, "需原单位牵头")]
    entries = [(e.action, e.comment, e.data.get("to_agency")) for e in history(back)]
    assert entries[1:] == [("transfer_message", "属于交通运输局职责", other.code),
                           ("transfer_message", "需原单位牵头", office["agency"].code)]
    assert back.status == MessageStatus.RECEIVED


def test_duplicates_and_invalid_messages_are_kept_with_their_reason(office):
    first, _ = write(office)
    again, _ = write(office, title="路灯还是不亮")
    spam, _ = write(office, title="代开发票", content="代开发票，联系微信。")
    with pytest.raises(DomainError) as self_dup:
        messages.mark_duplicate(office["officer"], first, first.code, "重复")
    assert self_dup.value.field == "original"
    with pytest.raises(DomainError) as unknown:
        messages.mark_duplicate(office["officer"], again, "LY-2222-2222", "重复")
    assert unknown.value.field == "original"
    messages.mark_duplicate(office["officer"], again, first.code.lower(), "与前一封内容相同")
    third, _ = write(office, title="第三次反映路灯")
    messages.mark_duplicate(office["officer"], third, again.code, "同一事项")  # linked to the first of the chain
    with pytest.raises(DomainError):
        messages.mark_invalid(office["officer"], spam, " ")
    messages.mark_invalid(office["officer"], spam, "广告")
    assert Message.objects.count() == 4
    assert Message.objects.get(pk=again.pk).duplicate_of == first
    assert Message.objects.get(pk=third.pk).duplicate_of == first
    assert Message.objects.get(pk=spam.pk).status == MessageStatus.INVALID
    rows = queries.message_rows([office["agency"]], "set_aside", timezone.localdate())
    assert {r.message.pk for r in rows} == {again.pk, third.pk, spam.pk}
    with pytest.raises(DomainError):  # set aside: no reply
        messages.reply_message(office["officer"], Message.objects.get(pk=spam.pk), "答复")


def test_a_reply_is_public_only_with_consent_and_publication(office):
    private, _ = write(office, publish_reply=False)
    agreed, _ = write(office, publish_reply=True)
    for message in (private, agreed):
        messages.reply_message(office["officer"], message, "已安排维修。")
    assert not public_messages().exists()  # answered, not yet published
    with pytest.raises(DomainError, match="未同意公开"):
        messages.publish_reply(office["officer"], Message.objects.get(pk=private.pk))
    messages.publish_reply(office["head"], Message.objects.get(pk=agreed.pk))
    assert list(public_messages()) == [Message.objects.get(pk=agreed.pk)]
    with pytest.raises(DomainError, match="已公开"):
        messages.publish_reply(office["head"], Message.objects.get(pk=agreed.pk))


def test_staff_outside_the_office_cannot_act(office):
    message, _ = write(office)
    drafter = office["team"][Role.DRAFTER]
    with pytest.raises(PermissionDenied):
        messages.reply_message(drafter, message, "答复")
    with pytest.raises(PermissionDenied):
        messages.mark_invalid(drafter, message, "广告")


def test_the_fix_of_an_error_report_links_the_document_revision(office):
    report, _ = write(office, category=C.ERROR_REPORT, agency="",
                      page_url=f"/xxgk/documents/{office['draft'].pk}/", content="第二条有错别字")
    mail, _ = write(office)
    with pytest.raises(DomainError, match="只有"):
        messages.record_fix(office["officer"], mail, "改了")
    with pytest.raises(DomainError) as no_note:
        messages.record_fix(office["officer"], report, "")
    assert no_note.value.field == "fix_note"
    foreign = factories.make_document(factories.make_team(office["government"]), office["government"], title="他局文件")
    with pytest.raises(DomainError) as wrong:
        messages.record_fix(office["officer"], report, "已改正", foreign.live_revision_id)
    assert wrong.value.field == "fix_revision"
    fixed = messages.record_fix(office["officer"], report, "已改正第二条的错别字", office["draft"].live_revision_id)
    assert fixed.fix_revision == office["draft"].live_revision and fixed.fixed_at is not None
    replied = messages.reply_message(office["officer"], fixed, "感谢指正，已改正。")
    assert replied.status == MessageStatus.REPLIED and replied.fix_note == "已改正第二条的错别字"


def test_the_writer_rates_once_after_the_reply(office):
    message, _ = write(office)
    with pytest.raises(DomainError, match="答复后"):
        messages.rate_reply(message, "satisfied")
    messages.reply_message(office["officer"], message, "已修好。")
    with pytest.raises(DomainError) as bad:
        messages.rate_reply(message, "great")
    assert bad.value.field == "rating"
    rated = messages.rate_reply(message, "basically", "修得有点慢")
    assert (rated.rating, rated.rating_comment) == ("basically", "修得有点慢")
    with pytest.raises(DomainError, match="已评价"):
        messages.rate_reply(rated, "satisfied")
    assert [s.kind for s in rated.steps.all()][-1] == StepKind.RATED


# -- due soon, overdue, the 3-month line ------------------------------------------------------------------------------

def _received(message: Message, on: dt.date) -> Message:
    """Move a message's receipt into the past (its limit with it), as if it had come in on `on`."""
    Message.objects.filter(pk=message.pk).update(
        received_on=on, received_at=timezone.make_aware(dt.datetime.combine(on, dt.time(9))),
        due_on=rules.reply_due(message.category, on, WorkCalendar.load()))
    return Message.objects.get(pk=message.pk)


def test_due_soon_and_overdue_lists(office):
    today = timezone.localdate()
    fresh, _ = write(office, title="今天收到")
    late = _received(write(office, title="上个月收到")[0], today - dt.timedelta(days=30))
    soon = write(office, title="明天到期")[0]
    Message.objects.filter(pk=soon.pk).update(due_on=WorkCalendar.load().add_workdays(today, 1).due_on)
    overdue = {r.message.pk for r in queries.message_rows([office["agency"]], "overdue", today)}
    due_soon = {r.message.pk for r in queries.message_rows([office["agency"]], "due_soon", today)}
    assert overdue == {late.pk} and due_soon == {soon.pk}
    assert fresh.pk not in overdue | due_soon


def test_unanswered_for_two_months_is_raised_to_the_general_office_once(office):
    today = timezone.localdate()
    old = _received(write(office, title="两个月前的留言")[0], rules.add_months(today, -2))
    young = _received(write(office, title="一个月前的留言")[0], rules.add_months(today, -1))
    answered = _received(write(office, title="已答复的旧留言")[0], rules.add_months(today, -2))
    messages.reply_message(office["officer"], answered, "已答复。")
    spam = _received(write(office, title="旧广告")[0], rules.add_months(today, -2))
    messages.mark_invalid(office["officer"], spam, "广告")
    assert messages.escalate_unanswered(today) == 1
    assert messages.escalate_unanswered(today) == 0  # once
    old = Message.objects.get(pk=old.pk)
    assert old.escalated_at is not None and old.steps.last().kind == StepKind.ESCALATED
    assert [e.action for e in history(old)][-1] == "escalate_message"
    assert Message.objects.get(pk=young.pk).escalated_at is None
    escalated = queries.message_rows([office["agency"]], "escalated", today)
    assert [r.message.pk for r in escalated] == [old.pk]


def test_the_veto_count_is_what_the_inspection_would_see(office):
    today = timezone.localdate()
    year_start = dt.date(today.year, 1, 1)
    if rules.veto_day(year_start) > today:
        pytest.skip("early in the year no message of this year can be three months old")
    unanswered = _received(write(office, title="年初的留言")[0], year_start)
    late_reply = _received(write(office, title="年初答复晚的留言")[0], year_start)
    messages.reply_message(office["officer"], late_reply, "迟到的答复。")
    on_time = _received(write(office, title="年初按时答复的留言")[0], year_start)
    messages.reply_message(office["officer"], on_time, "答复。")
    Message.objects.filter(pk=on_time.pk).update(replied_on=year_start + dt.timedelta(days=3))
    invalid = _received(write(office, title="年初的广告")[0], year_start)
    messages.mark_invalid(office["officer"], invalid, "广告")
    last_year = _received(write(office, title="去年的留言")[0], dt.date(today.year - 1, 3, 1))
    found = {m.pk for m in queries.veto_messages([office["agency"]], today.year, today)}
    assert found == {unanswered.pk, late_reply.pk}
    assert last_year.pk not in found


def test_the_periodic_task_escalates(office):
    from gongkai.participation.tasks import escalate_unanswered_messages

    old = _received(write(office)[0], rules.add_months(timezone.localdate(), -3))
    escalate_unanswered_messages.call_local()
    assert Message.objects.get(pk=old.pk).escalated_at is not None


def test_the_limit_is_fixed_at_receipt_across_the_holiday(office):
    received = timezone.make_aware(dt.datetime(2026, 9, 29, 16, 30))
    message, _ = messages.submit_message(messages.MessageData(
        category=C.MAILBOX, agency=office["agency"].code, title="国庆前的留言", content="内容", name="某人",
        phone="13700001111"), now=received, calendar=CALENDAR)
    assert message.received_on == dt.date(2026, 9, 29)
    assert message.due_on == CALENDAR.add_workdays(dt.date(2026, 9, 29), 5).due_on > dt.date(2026, 10, 8)


@pytest.mark.django_db(transaction=True)
def test_the_escalation_is_mailed_to_the_general_office(office, mail_settings):
    import email
    import email.policy

    from gongkai.orgs import services as org_services
    from tests.smtp import smtp_server

    org_services.create_staff_user("bangongting", agency=office["government"], full_name="办公厅负责人",
                                   roles=[Role.DISCLOSURE_HEAD], password=factories.PASSWORD,
                                   covers_subordinates=True, email="bgt@example.gov.cn")
    org_services.create_staff_user("notcovering", agency=office["government"], full_name="不含下级",
                                   roles=[Role.DISCLOSURE_HEAD], password=factories.PASSWORD,
                                   email="narrow@example.gov.cn")
    old = _received(write(office, email="")[0], rules.add_months(timezone.localdate(), -2))
    with smtp_server(mail_settings) as (_, inbox):
        assert messages.escalate_unanswered() == 1
        assert [e.rcpt_tos for e in inbox.messages] == [["bgt@example.gov.cn"]]
        parsed = email.message_from_bytes(inbox.messages[0].original_content, policy=email.policy.default)
    text = parsed.get_content()
    assert old.code in str(parsed["Subject"]) and "3个月" in str(parsed["Subject"])
    assert f"/staff/participation/messages/m/{old.pk}/" in text and "互动回应差" in text


def test_the_general_office_sees_the_veto_count_on_its_dashboard(client, office):
    from gongkai.orgs import services as org_services

    start = timezone.localdate().replace(month=1, day=1)
    old = _received(write(office)[0], start)
    admin = org_services.create_staff_user("zhengfuban", agency=office["government"], full_name="政府办管理员",
                                           roles=[Role.ADMINISTRATOR], password=factories.PASSWORD,
                                           covers_subordinates=True)
    client.force_login(admin)
    page = client.get("/staff/").content.decode()
    assert "政府信箱留言" in page
    shown = '<strong class="overdue">1 件</strong>' if rules.veto_day(start) <= timezone.localdate() else "0 件"
    assert "超过3个月未答复：" + shown in page
    assert old.pk


def test_a_published_reply_can_be_withdrawn_with_a_reason(office):
    message, _ = write(office, publish_reply=True)
    messages.reply_message(office["officer"], message, "答复。")
    with pytest.raises(DomainError, match="尚未公开"):
        messages.withdraw_reply(office["officer"], message, "误公开")
    messages.publish_reply(office["officer"], message)
    assert public_messages().count() == 1
    with pytest.raises(DomainError) as no_reason:
        messages.withdraw_reply(office["officer"], message, "")
    assert no_reason.value.field == "reason"
    withdrawn = messages.withdraw_reply(office["head"], message, "答复内容已过时")
    assert withdrawn.reply_published_at is None and not public_messages().exists()
    assert withdrawn.status == MessageStatus.REPLIED and withdrawn.steps.last().kind == StepKind.REPLY_WITHDRAWN
    assert [e.comment for e in history(withdrawn)][-1] == "答复内容已过时"
    messages.publish_reply(office["officer"], withdrawn)  # and published again
    assert public_messages().count() == 1


# -- titles of error reports ----------------------------------------------------------------------------------------

def test_an_error_report_is_titled_by_its_page_and_first_words(office):
    url = f"{settings.GONGKAI_BASE_URL}/xxgk/documents/{office['draft'].pk}/"
    described = "第三条中“登计”应为“登记”，另外第四条的施行日期与正文不一致，请核实后改正。"
    on_document, _ = write(office, category=C.ERROR_REPORT, agency="", title="", page_url=url, content=described)
    assert on_document.title == f"纠错：《参与市养犬管理办法（征求意见稿）》——{described[:messages.ERROR_TITLE_WORDS]}…"
    on_page, _ = write(office, category=C.ERROR_REPORT, agency="", title="", page_url="/wzdt/", content="链接打不开")
    assert on_page.title == "纠错：/wzdt/——链接打不开"
    elsewhere, _ = write(office, category=C.ERROR_REPORT, agency="", title="",
                         page_url="https://other.example/a/b.html?x=1", content="  错别字\n很多 ")
    assert elsewhere.title == "纠错：other.example/a/b.html——错别字 很多"
    named, _ = write(office, category=C.ERROR_REPORT, agency="", title="首页图片不显示", page_url="/", content="图片")
    assert named.title == "首页图片不显示"  # the writer's own title stays
    long_url = "/xxgk/" + "a" * 300
    assert len(messages.error_report_title(long_url, "内容")) == rules.MAX_MESSAGE_TITLE_CHARS
    assert len({m.title for m in (on_document, on_page, elsewhere, named)}) == 4


# -- a duplicate of an unknown code --------------------------------------------------------------------------------

def test_a_duplicate_of_an_unknown_code_names_the_code_typed(office):
    message, _ = write(office)
    with pytest.raises(DomainError) as unknown:
        messages.mark_duplicate(office["officer"], message, "ly-2222-3333", "重复")
    assert unknown.value.errors == {"original": ["未找到编号为“ly-2222-3333”的留言，请核对查询码（如 LY-7K3M-9QXA）。"]}
    with pytest.raises(DomainError) as empty:
        messages.mark_duplicate(office["officer"], message, "  ", "重复")
    assert "请填写所重复的留言的查询码" in empty.value.errors["original"][0]
    assert Message.objects.get(pk=message.pk).status == MessageStatus.RECEIVED


# -- letters, calls and visits entered by staff ----------------------------------------------------------------------

def _letter(office, actor=None, **values):
    data = {"category": C.MAILBOX, "title": "来信反映路灯", "content": "小区路灯不亮。", "name": "王五",
            "address": "参与市和平路1号", **values}
    received_on = data.pop("received_on", timezone.localdate() - dt.timedelta(days=3))
    channel = data.pop("channel", "letter")
    return messages.register_message(actor or office["officer"], office["agency"], messages.MessageData(**data),
                                     channel=channel, received_on=received_on)


def test_a_letter_entered_by_staff_runs_from_the_day_it_came_in(office):
    received_on = timezone.localdate() - dt.timedelta(days=3)
    message, token = _letter(office, received_on=received_on)
    assert (message.channel, message.received_on, message.address, message.phone) == (
        "letter", received_on, "参与市和平路1号", "")
    assert message.due_on == rules.reply_due(C.MAILBOX, received_on, WorkCalendar.load())
    assert messages.find(message.code, token) == message and message.status == MessageStatus.RECEIVED
    entry = history(message)[0]
    assert (entry.action, entry.actor) == ("register_message", office["officer"])
    step = message.steps.get()
    assert step.actor == office["officer"] and "来信" in step.note
    # and then handled like any other message
    messages.reply_message(office["head"], message, "已修复。")
    assert Message.objects.get(pk=message.pk).status == MessageStatus.REPLIED


@pytest.mark.parametrize(("values", "field", "text"), [
    ({"received_on": None}, "received_on", "请填写收到日期"),
    ({"channel": "web"}, "channel", "请选择来信、来电或来访"),
    ({"address": "", "phone": "", "email": ""}, "phone", "通信地址"),
    ({"title": ""}, "title", "请填写标题"),
])
def test_a_letter_is_refused_at_its_fields(office, values, field, text):
    with pytest.raises(DomainError) as refused:
        _letter(office, **values)
    assert text in refused.value.errors[field][0]
    assert not Message.objects.exists()


def test_a_letter_cannot_come_in_tomorrow_or_be_entered_by_another_office(office):
    with pytest.raises(DomainError) as future:
        _letter(office, received_on=timezone.localdate() + dt.timedelta(days=1), title="")
    assert future.value.errors["received_on"] == ["收到日期不能晚于今天。"] and "title" in future.value.errors
    stranger = disclosure_team(factories.make_agency("11000000PAR000012X", "参与市林业局",
                                                     parent=office["government"]))["officer"]
    with pytest.raises(PermissionDenied):
        _letter(office, actor=stranger, channel="phone")
    with pytest.raises(PermissionDenied):
        _letter(office, actor=office["team"][Role.DRAFTER])
    assert not Message.objects.exists()


def test_error_reports_stored_as_plain_wangzhan_jiucuo_are_renamed_by_the_migration(office):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("gongkai.participation.migrations.0004_message_letters_titles_token_reset")
    url = f"{settings.GONGKAI_BASE_URL}/xxgk/documents/{office['draft'].pk}/"
    old, _ = write(office, category=C.ERROR_REPORT, agency="", title="", page_url=url, content="第三条有错别字")
    kept, _ = write(office, title="网站纠错")  # a mailbox message of that title is no error report: left alone
    Message.objects.filter(pk=old.pk).update(title=migration.OLD_TITLE)
    migration.name_error_reports(apps, None)
    assert Message.objects.get(pk=old.pk).title == messages.error_report_title(url, "第三条有错别字", office["draft"])
    assert Message.objects.get(pk=kept.pk).title == "网站纠错"
