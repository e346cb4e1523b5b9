"""Handling (services.handling): correction, consultations, the extension, fees, and who may act."""

from __future__ import annotations

import datetime as dt

import pytest
from freezegun import freeze_time

from gongkai.core.errors import DomainError, PermissionDenied
from gongkai.disclosure import services
from gongkai.disclosure.models import Clock
from gongkai.disclosure.rules import FeeBasis, PauseKind
from gongkai.disclosure.states import State
from gongkai.orgs.roles import Role
from tests import factories
from tests.disclosure_factories import events, make_application, resident_id

D = dt.date.fromisoformat
pytestmark = pytest.mark.django_db


def test_correction_stops_the_clock_and_restarts_it(agency, staff):
    officer = staff["officer"]
    application, _ = make_application(agency, received_on=D("2026-03-02"))
    services.request_correction(officer, application, "请说明所需信息的年份和项目名称。", requested_on=D("2026-03-04"))
    application.refresh_from_db()
    assert application.state == State.CORRECTION_REQUESTED and application.clock == Clock.AWAITING_CORRECTION
    assert application.due_on is None and not application.correction_notice_late
    assert application.correction_due_on == D("2026-03-25")  # 15 working days
    with pytest.raises(DomainError):  # one-time notice (第三十条)
        services.request_correction(officer, application, "再补充一点。")
    services.receive_correction(officer, application, corrected_on=D("2026-03-10"))
    application.refresh_from_db()
    assert application.state == State.IN_PROGRESS and application.due_on == D("2026-04-08")
    assert any("答复期限为 2026-04-08" in m for m in events(application, public=True))


def test_late_correction_notice_is_flagged_and_late_correction_needs_a_reason(agency, staff):
    officer = staff["officer"]
    application, _ = make_application(agency, received_on=D("2026-02-10"))
    services.request_correction(officer, application, "请补充。", requested_on=D("2026-02-27"),
                                due_on=D("2026-03-06"))
    application.refresh_from_db()
    assert application.correction_notice_late  # due by 2026-02-26
    assert any("晚于法定的 7 个工作日期限（2026-02-26）" in m for m in events(application, public=False))
    with pytest.raises(DomainError) as exc:
        services.receive_correction(officer, application, corrected_on=D("2026-03-09"))
    assert exc.value.field == "comment"
    services.receive_correction(officer, application, corrected_on=D("2026-03-09"), comment="申请人住院，有正当理由。")


@freeze_time("2026-09-22 10:00:00")
def test_third_party_consultation_pauses_and_legal_consultation_does_not(agency, staff):
    officer = staff["officer"]
    application, _ = make_application(agency, received_on=D("2026-09-18"))
    services.accept_application(officer, application)
    legal = services.start_consultation(officer, application, PauseKind.LEGAL, party="法律顾问",
                                        started_on=D("2026-09-21"))
    application.refresh_from_db()
    assert application.clock == Clock.RUNNING and application.due_on == D("2026-10-22")
    pause = services.start_consultation(officer, application, PauseKind.THIRD_PARTY, party="某某科技有限公司",
                                        started_on=D("2026-09-21"))
    assert pause.reply_due_on == D("2026-10-19")  # 15 working days (第三十二条)
    application.refresh_from_db()
    assert application.clock == Clock.PAUSED and application.due_on is None
    services.end_consultation(officer, pause, ended_on=D("2026-09-22"), outcome="第三方同意公开")
    services.end_consultation(officer, legal, ended_on=D("2026-09-22"))
    application.refresh_from_db()
    assert application.clock == Clock.RUNNING and application.due_on == D("2026-10-26")
    public = events(application, public=True)
    assert any("征求第三方意见" in m and "暂停计时" in m for m in public)
    assert any("答复期限由 2026-10-22 改为 2026-10-26" in m or "答复期限为 2026-10-26" in m for m in public)
    # The third party's name stays internal.
    assert not any("某某科技" in m for m in public)
    with pytest.raises(DomainError):
        services.end_consultation(officer, pause)


def test_extension_needs_the_head_and_is_told_to_the_applicant(agency, staff):
    officer, head = staff["officer"], staff["head"]
    application, _ = make_application(agency, received_on=D("2026-09-18"))
    services.request_extension(officer, application, 20, "涉及多个部门，需要协调。")
    with pytest.raises(PermissionDenied):
        services.approve_extension(officer, application)
    with pytest.raises(DomainError):  # after the period has run out
        services.approve_extension(head, application, approved_on=D("2026-10-23"))
    services.approve_extension(head, application, days=10, approved_on=D("2026-10-20"))
    application.refresh_from_db()
    assert application.extension_days == 10 and application.due_on == D("2026-11-05")
    assert application.original_due_on == D("2026-10-22")
    assert any("延长 10 个工作日" in m for m in events(application, public=True))
    assert any("答复期限由 2026-10-22 改为 2026-11-05" in m for m in events(application, public=True))
    with pytest.raises(DomainError):  # only one extension, at most 20 working days in all
        services.approve_extension(head, application, days=5, reason="再延长")


def test_fee_notice_per_application_counts_the_month_and_pauses_until_paid(agency, staff):
    officer = staff["officer"]
    apps = [make_application(agency, received_on=D("2026-03-02") + dt.timedelta(days=i % 3))[0] for i in range(11)]
    other_month, _ = make_application(agency, received_on=D("2026-04-01"))
    someone_else, _ = make_application(agency, received_on=D("2026-03-05"), id_number=resident_id(7))
    eleventh = max(apps, key=lambda a: (a.received_on, a.pk))
    assert services.nth_application_in_month(eleventh) == 11
    assert services.nth_application_in_month(other_month) == 1
    assert services.nth_application_in_month(someone_else) == 1
    with pytest.raises(DomainError):  # the 1st–10th are free
        services.issue_fee_notice(officer, apps[0], FeeBasis.PER_APPLICATION)
    notice = services.issue_fee_notice(officer, eleventh, FeeBasis.PER_APPLICATION, issued_on=D("2026-03-06"),
                                       served_by="in_person", received_on=D("2026-03-06"))
    assert notice.amount_yuan == 100 and notice.pay_by == D("2026-04-03")
    eleventh.refresh_from_db()
    assert eleventh.clock == Clock.PAUSED
    with pytest.raises(DomainError):  # one basis per application (《收费办法》第三条)
        services.issue_fee_notice(officer, eleventh, FeeBasis.PER_PAGE, pages=50)
    services.record_payment(officer, notice, paid_on=D("2026-03-10"))
    eleventh.refresh_from_db()
    assert eleventh.clock == Clock.RUNNING
    assert eleventh.due_on == D("2026-04-07")  # 03-06..03-10 (3 working days) not counted


def test_only_the_handling_agency_may_act(agency, staff):
    application, _ = make_application(agency, received_on=D("2026-03-02"))
    drafter = factories.make_staff(agency, Role.DRAFTER)
    other = factories.make_staff(factories.make_agency(), Role.DISCLOSURE_OFFICER)
    for actor in (drafter, other, None):
        with pytest.raises(PermissionDenied):
            services.accept_application(actor, application)
        with pytest.raises(PermissionDenied):
            services.view_applicant(actor, application)
    city_officer = factories.make_staff(agency.parent, Role.DISCLOSURE_OFFICER, covers_subordinates=True)
    services.accept_application(city_officer, application)


@freeze_time("2026-07-24 10:00:00")
def test_an_unanswered_consultation_stops_the_clock_for_fifteen_working_days_only(agency, staff):
    """Issue #10: received 2026-02-26, third party consulted from 2026-03-02, never answered → due 2026-04-17."""
    officer = staff["officer"]
    application, _ = make_application(agency, received_on=D("2026-02-26"))
    services.accept_application(officer, application)
    pause = services.start_consultation(officer, application, PauseKind.THIRD_PARTY, party="某某物业公司",
                                        started_on=D("2026-03-02"))
    application.refresh_from_db()
    # Still open on 2026-07-24, but the opinion period ended on 03-23: the clock runs and the case is overdue.
    assert application.clock == Clock.RUNNING and application.due_on == D("2026-04-17")
    from gongkai.disclosure import queries

    rows = queries.with_remaining([application], today=D("2026-07-24"))
    assert rows[0].overdue and rows[0].status.label.startswith("已超期")
    services.end_consultation(officer, pause, ended_on=D("2026-06-30"), outcome="第三方未答复")
    application.refresh_from_db()
    assert application.due_on == D("2026-04-17")


def test_no_pause_without_a_basis_in_the_regulation(agency, staff):
    officer = staff["officer"]
    application, _ = make_application(agency, received_on=D("2026-03-02"))
    with pytest.raises(DomainError) as exc:
        services.start_consultation(officer, application, PauseKind.OTHER, reason="领导出差", started_on=D("2026-03-03"))
    assert exc.value.field == "kind" and "第三十三条第三款" in exc.value.message
    assert not application.pauses.exists()


def test_fee_payment_period_runs_from_the_recorded_receipt(agency, staff):
    """Issue #10: notice posted 2026-02-11, received 2026-02-13 → pay by 2026-03-19."""
    officer = staff["officer"]
    application, _ = make_application(agency, received_on=D("2026-02-09"))
    notice = services.issue_fee_notice(officer, application, FeeBasis.PER_PAGE, pages=60, issued_on=D("2026-02-11"))
    assert notice.pay_by is None and notice.received_on is None
    with pytest.raises(DomainError) as exc:  # the date is needed, and cannot precede the sending
        services.record_fee_notice_receipt(officer, notice, served_by="post", received_on=D("2026-02-10"))
    assert exc.value.field == "received_on"
    with pytest.raises(DomainError) as exc:
        services.record_fee_notice_receipt(officer, notice, served_by="pigeon", received_on=D("2026-02-13"))
    assert exc.value.field == "served_by"
    notice = services.record_fee_notice_receipt(officer, notice, served_by="post", received_on=D("2026-02-13"))
    assert notice.pay_by == D("2026-03-19")
    with pytest.raises(DomainError):  # recorded once
        services.record_fee_notice_receipt(officer, notice, served_by="post", received_on=D("2026-02-13"))
    with pytest.raises(DomainError):  # 2026-03-17: still within the payment period
        services.decide_application(officer, application, "other.fee_unpaid", decided_on=D("2026-03-17"))
    services.decide_application(officer, application, "other.fee_unpaid", decided_on=D("2026-03-20"))
    assert any("2026-03-19" in m for m in events(application, public=True))


def test_a_fee_notice_must_be_issued_within_the_reply_period(agency, staff):
    officer = staff["officer"]
    application, _ = make_application(agency, received_on=D("2026-03-02"))  # due 2026-03-30
    with pytest.raises(DomainError) as exc:
        services.issue_fee_notice(officer, application, FeeBasis.PER_PAGE, pages=60, issued_on=D("2026-04-01"))
    assert exc.value.field == "issued_on" and "答复期限内" in exc.value.message
    assert not application.fee_notices.exists()


def test_one_thing_one_application_counts_items_for_fees(agency, staff):
    """《收费办法》第四条: an application holding several matters is charged as that many applications."""
    officer = staff["officer"]
    apps = [make_application(agency, received_on=D("2026-03-02"))[0] for _ in range(9)]
    tenth = apps[-1]
    with pytest.raises(DomainError) as exc:
        services.split_request(officer, tenth, 3, "")
    assert exc.value.field == "reason"
    with pytest.raises(DomainError) as exc:
        services.split_request(officer, tenth, 0, "x")
    assert exc.value.field == "item_count"
    services.split_request(officer, tenth, 3, "申请了三个不同项目的资金使用情况")
    tenth.refresh_from_db()
    assert services.nth_application_in_month(tenth) == 11  # items 9, 10 and 11
    notice = services.issue_fee_notice(officer, tenth, FeeBasis.PER_APPLICATION, issued_on=D("2026-03-03"))
    assert notice.quantity == 11 and notice.amount_yuan == 100  # only the 11th item is charged
    assert any("第 9 至 11 件" in m for m in events(tenth, public=True))
    with pytest.raises(DomainError):  # counted before any fee, not after
        services.split_request(officer, tenth, 4, "再拆")
    later, _ = make_application(agency, received_on=D("2026-03-04"))
    assert services.nth_application_in_month(later) == 12


def test_pages_are_charged_only_for_information_provided(agency, staff):
    """《收费办法》第五条: paper, e-mail or copied media only, and never on a reply that provides nothing."""
    officer = staff["officer"]
    online, _ = make_application(agency, received_on=D("2026-03-02"), delivery="online")
    with pytest.raises(DomainError) as exc:
        services.issue_fee_notice(officer, online, FeeBasis.PER_PAGE, pages=120, issued_on=D("2026-03-03"))
    assert exc.value.field == "basis" and "第五条" in exc.value.message
    paper, _ = make_application(agency, received_on=D("2026-03-02"), delivery="paper")
    notice = services.issue_fee_notice(officer, paper, FeeBasis.PER_PAGE, pages=120, issued_on=D("2026-03-03"),
                                       served_by="in_person", received_on=D("2026-03-03"))
    services.record_payment(officer, notice, paid_on=D("2026-03-05"))
    services.decide_application(officer, paper, "withheld.internal_affairs", reason="属于机关内部管理信息。",
                                decided_on=D("2026-03-20"))
    notice.refresh_from_db()
    assert notice.voided_on == D("2026-03-20") and "退还" in notice.void_reason
    assert any("不再收取" in m and "退还" in m for m in events(paper, public=True))


def test_bulk_requests_ask_for_reasons_then_defer_or_refuse(agency, staff):
    """《条例》第三十五条: reasons first; reasonable ones may get a later date, unreasonable ones are not processed."""
    officer = staff["officer"]
    application, _ = make_application(agency, received_on=D("2026-03-02"))  # due 2026-03-30
    with pytest.raises(DomainError) as exc:
        services.decide_application(officer, application, "not_processed.excessive", reason="数量过多。",
                                    decided_on=D("2026-03-10"))
    assert "说明理由" in exc.value.message
    with pytest.raises(DomainError) as exc:  # the workflow's guard: reasons were never asked for
        services.defer_reply(officer, application, reason_given="研究需要", deferred_to=D("2026-05-29"))
    assert "尚未要求申请人说明理由" in exc.value.message
    services.ask_bulk_reason(officer, application, "本月已提出 40 件内容相近的申请。", asked_on=D("2026-03-04"))
    with pytest.raises(DomainError) as exc:  # must be later than the statutory date
        services.defer_reply(officer, application, reason_given="研究需要", deferred_to=D("2026-03-25"),
                             decided_on=D("2026-03-10"))
    assert exc.value.field == "deferred_to"
    services.defer_reply(officer, application, reason_given="撰写学位论文需要历年数据", deferred_to=D("2026-05-29"),
                         decided_on=D("2026-03-10"))
    application.refresh_from_db()
    assert application.due_on == D("2026-05-29") and application.clock == Clock.RUNNING
    public = events(application, public=True)
    assert any("请说明理由" in m for m in public) and any("2026-05-29" in m for m in public)
    assert not any("40 件" in m for m in public)  # the internal note stays internal
    services.decide_application(officer, application, "granted", reason="获取方式：到本机关查阅。",
                                decided_on=D("2026-05-20"))
    from gongkai.disclosure import letters

    application.refresh_from_db()
    text = "\n".join(letters.letter_text(application).paragraphs)
    assert "确定延迟至2026年5月29日前答复" in text and "第三十五条" in text
    assert "获取该政府信息的方式、途径和时间如下" in text and "见附件" not in text
    other, _ = make_application(agency, received_on=D("2026-03-02"))
    services.ask_bulk_reason(officer, other, "本月已提出 40 件。", asked_on=D("2026-03-04"))
    services.decide_application(officer, other, "not_processed.excessive", reason="申请人未说明合理理由。",
                                decided_on=D("2026-03-20"))


def test_information_held_elsewhere_names_the_responsible_agency(agency, staff):
    """《条例》第三十六条第（五）项: the reply names the agency that holds it and how to reach it."""
    officer = staff["officer"]
    application, _ = make_application(agency, received_on=D("2026-03-02"))
    with pytest.raises(DomainError) as exc:  # which of 第（四）项 and 第（五）项 applies must be said
        services.decide_application(officer, application, "unable.not_held", reason="不属于本机关职责。",
                                    decided_on=D("2026-03-20"))
    assert set(exc.value.errors) == {"not_held_ground"}
    with pytest.raises(DomainError) as exc:  # not ours: name who holds it, or say it cannot be determined
        services.decide_application(officer, application, "unable.not_held", reason="不属于本机关职责。",
                                    not_held_ground="elsewhere", decided_on=D("2026-03-20"))
    assert set(exc.value.errors) == {"responsible_agency"}
    with pytest.raises(DomainError) as exc:
        services.decide_application(officer, application, "unable.not_held", reason="不属于本机关职责。",
                                    not_held_ground="elsewhere", responsible_agency="测试市自然资源局",
                                    decided_on=D("2026-03-20"))
    assert set(exc.value.errors) == {"responsible_contact"}
    with pytest.raises(DomainError) as exc:  # 第（四）项 (no such information) names nobody
        services.decide_application(officer, application, "unable.not_held", reason="经检索没有。",
                                    not_held_ground="absent", responsible_agency="测试市自然资源局",
                                    responsible_contact="0000-12345678", decided_on=D("2026-03-20"))
    assert set(exc.value.errors) == {"responsible_agency"}
    with pytest.raises(DomainError) as exc:
        services.decide_application(officer, application, "granted", reason="获取方式：到本机关查阅。",
                                    responsible_agency="测试市自然资源局", responsible_contact="0000-12345678",
                                    decided_on=D("2026-03-20"))
    assert set(exc.value.errors) == {"responsible_agency"}
    services.decide_application(officer, application, "unable.not_held", reason="该信息由自然资源部门制作。",
                                not_held_ground="elsewhere", responsible_agency="测试市自然资源局",
                                responsible_contact="示例路1号，0000-12345678", decided_on=D("2026-03-20"))
    from gongkai.disclosure import letters

    application.refresh_from_db()
    text = "\n".join(letters.letter_text(application).paragraphs)
    assert "该政府信息由测试市自然资源局负责公开，联系方式：示例路1号，0000-12345678" in text
    assert "不属于本机关负责公开" in text and "第三十六条第（五）项" in text and "第（四）项" not in text
    assert "或者" not in text.split("经审查")[1].split("。")[0]  # says which, not "either … or …"
    absent, _ = make_application(agency, received_on=D("2026-03-02"))
    services.decide_application(officer, absent, "unable.not_held", reason="经检索本机关档案，未制作过该信息。",
                                not_held_ground="absent", decided_on=D("2026-03-20"))
    absent.refresh_from_db()
    text = "\n".join(letters.letter_text(absent).paragraphs)
    assert "经检索，本机关没有您申请获取的政府信息" in text and "第三十六条第（四）项" in text
    assert "第（五）项" not in text and "不属于本机关负责公开" not in text
    unknown, _ = make_application(agency, received_on=D("2026-03-02"))
    services.decide_application(officer, unknown, "unable.not_held", reason="无法确定由哪一机关制作。",
                                not_held_ground="elsewhere", responsible_unknown=True, decided_on=D("2026-03-20"))
