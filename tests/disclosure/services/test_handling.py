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
