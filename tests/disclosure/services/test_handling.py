"""Handling (services.handling): correction, consultations, the extension, fees, and who may act."""

from __future__ import annotations

import datetime as dt

import pytest

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
    services.end_consultation(officer, legal, ended_on=D("2026-09-23"))
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
    notice = services.issue_fee_notice(officer, eleventh, FeeBasis.PER_APPLICATION, issued_on=D("2026-03-06"))
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
