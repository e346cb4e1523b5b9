"""Disclosure services and states on the real database: every step, its history, and the clock."""

from __future__ import annotations

import datetime as dt

import pytest
from docx import Document as Docx
from pypdf import PdfReader

from gongkai.core.errors import DomainError, IllegalTransition, PermissionDenied
from gongkai.core.models import AuditEntry, CalendarDay, CalendarYear
from gongkai.disclosure import services
from gongkai.disclosure.models import Application, CaseEvent, Clock, RemedyOutcome
from gongkai.disclosure.rules import FeeBasis, PauseKind
from gongkai.disclosure.states import State
from gongkai.orgs.roles import Role
from gongkai.publishing.models import Document
from gongkai.publishing.states import State as DocState
from tests import factories
from tests.disclosure_factories import applicant, disclosure_team, make_application, resident_id

D = dt.date.fromisoformat
pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(agency):
    return disclosure_team(agency)


def events(application, public=None) -> list[str]:
    qs = CaseEvent.objects.filter(application=application)
    if public is not None:
        qs = qs.filter(public=public)
    return list(qs.values_list("message", flat=True))


def test_online_intake_numbers_the_case_and_computes_the_due_date(agency):
    application, token = make_application(agency, received_on=D("2026-02-10"))
    assert application.state == State.RECEIVED
    assert application.case_no == f"{agency.name}信〔2026〕第1号"
    assert application.tracking_code.startswith("YSQ-")
    assert application.due_on == D("2026-03-16") and application.clock == Clock.RUNNING
    assert token not in application.access_token_hash and len(application.access_token_hash) == 64
    second, _ = make_application(agency, received_on=D("2026-02-11"))
    assert second.case_no.endswith("第2号")
    assert "答复期限为 2026-03-16" in events(application)[0]
    assert AuditEntry.objects.filter(action="register_application", object_id=str(application.pk)).exists()


def test_invalid_intake_reports_every_field_and_saves_nothing(agency):
    bad = applicant(agency, applicant_type="legal_person", organization_kind="", name="", id_number="123",
                    phone="abc", delivery="electronic", email="not-an-email", description="短", agency=agency.code)
    with pytest.raises(DomainError) as exc:
        services.submit_application(bad)
    assert set(exc.value.errors) >= {"organization_kind", "name", "id_number", "phone", "email", "description"}
    assert all("\u4e00" <= m[0][0] <= "\u9fff" for m in exc.value.errors.values())  # Chinese messages
    with pytest.raises(DomainError) as exc:
        services.submit_application(applicant(agency, id_number="110105194912310021", agency="NOPE"))
    assert set(exc.value.errors) == {"id_number", "agency"}
    with pytest.raises(DomainError) as exc:
        services.submit_application(applicant(agency, delivery="post", address=""))
    assert set(exc.value.errors) == {"address"}
    assert Application.objects.count() == 0


def test_staff_register_paper_applications_by_the_receipt_rules(agency, staff):
    officer = staff["officer"]
    application, _ = services.register_application(
        officer, applicant(agency), channel="post", handed_in_on=D("2026-04-27"), signed_for_on=D("2026-04-28"))
    assert application.received_on == D("2026-04-28") and application.due_on == D("2026-05-28")
    with pytest.raises(DomainError) as exc:
        services.register_application(officer, applicant(agency, name=""), channel="post")
    assert set(exc.value.errors) == {"name", "signed_for_on"}
    outsider = factories.make_staff(factories.make_agency(), Role.DISCLOSURE_OFFICER)
    with pytest.raises(PermissionDenied):
        services.register_application(outsider, applicant(agency), channel="in_person",
                                      handed_in_on=D("2026-04-28"))


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


def test_correction_overdue_is_other_handling(agency, staff):
    officer = staff["officer"]
    application, _ = make_application(agency, received_on=D("2026-03-02"))
    services.request_correction(officer, application, "请补充。", requested_on=D("2026-03-03"),
                                due_on=D("2026-03-17"))
    with pytest.raises(DomainError):
        services.decide_application(officer, application, "granted", decided_on=D("2026-03-18"))
    with pytest.raises(DomainError):  # not yet overdue on the due day itself
        services.decide_application(officer, application, "other.correction_overdue", decided_on=D("2026-03-17"))
    services.decide_application(officer, application, "other.correction_overdue", decided_on=D("2026-03-18"))
    application.refresh_from_db()
    assert application.state == State.DECIDED and application.due_on is None


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


def test_unpaid_fee_leads_to_other_handling(agency, staff):
    officer = staff["officer"]
    application, _ = make_application(agency, received_on=D("2026-03-02"))
    notice = services.issue_fee_notice(officer, application, FeeBasis.PER_PAGE, pages=120,
                                       issued_on=D("2026-03-05"))
    assert notice.amount_yuan == 700 + 400
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
    assert "60日内" in text and "6个月内向人民法院提起行政诉讼" in text and agency.parent.name in text
    assert "2026年3月2日" in text and "2026年3月20日" in text
    pdf = "".join(page.extract_text() for page in PdfReader(letter.pdf.path).pages)
    for phrase in ("政府信息公开申请答复书", "决定不予公开", "行政复议", "行政诉讼", application.case_no):
        assert phrase in pdf.replace("\n", "")
    with pytest.raises(IllegalTransition):
        services.decide_application(officer, application, "granted")
    with pytest.raises(IllegalTransition):
        services.close_application(officer, application)
    services.deliver_reply(officer, application, delivered_on=D("2026-03-21"), method="电子邮件")
    services.close_application(officer, application)
    application.refresh_from_db()
    assert application.state == State.CLOSED


def test_remedies_recorded_with_outcomes(agency, staff):
    officer = staff["officer"]
    application, _ = make_application(agency, received_on=D("2026-03-02"))
    with pytest.raises(IllegalTransition):
        services.record_review(officer, application, filed_on=D("2026-03-25"))
    services.decide_application(officer, application, "granted", decided_on=D("2026-03-20"))
    review = services.record_review(officer, application, filed_on=D("2026-04-10"), authority="测试市人民政府")
    assert review.outcome == RemedyOutcome.PENDING
    with pytest.raises(DomainError):
        services.update_remedy(officer, review, outcome=RemedyOutcome.MAINTAINED)
    services.update_remedy(officer, review, outcome=RemedyOutcome.MAINTAINED, concluded_on=D("2026-06-01"))
    suit = services.record_litigation(officer, application, route="after_review", filed_on=D("2026-06-10"))
    assert suit.get_route_display() == "复议后起诉"
    with pytest.raises(DomainError):
        services.record_litigation(officer, application, route="sideways", filed_on=D("2026-06-10"))


def test_convert_released_information_to_a_proactive_draft(agency, staff):
    officer = staff["officer"]
    application, _ = make_application(agency, received_on=D("2026-03-02"))
    with pytest.raises(DomainError):
        services.convert_to_proactive(officer, application, title="t", body="b", subject="综合政务\\政务公开")
    services.decide_application(officer, application, "granted", decided_on=D("2026-03-20"))
    document = services.convert_to_proactive(officer, application, title="2025年度老旧小区改造资金使用情况",
                                             body="资金共计1200万元。", subject="城乡建设、环境保护\\城乡建设（含住房）")
    assert document.state == DocState.DRAFT and document.agency == agency
    assert "依申请转主动公开" in [t.name for t in document.latest_revision.tags.all()]
    application.refresh_from_db()
    assert application.proactive_document == document
    with pytest.raises(DomainError):
        services.convert_to_proactive(officer, application, title="t", body="b", subject="综合政务\\政务公开")
    assert Document.objects.count() == 1


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


def test_holiday_table_change_recomputes_open_cases_with_history(agency, staff):
    open_case, _ = make_application(agency, received_on=D("2026-11-10"))
    done, _ = make_application(agency, received_on=D("2026-11-10"))
    services.decide_application(staff["officer"], done, "granted", decided_on=D("2026-11-20"))
    next_year, _ = make_application(agency, received_on=D("2026-12-21"))
    assert open_case.due_on == done.due_on == D("2026-12-08")
    assert next_year.due_on == D("2027-01-19") and not next_year.due_confirmed

    CalendarDay.objects.create(date=D("2026-12-01"), is_workday=False, name="测试放假")
    open_case.refresh_from_db()
    done.refresh_from_db()
    assert open_case.due_on == D("2026-12-09") and done.due_on == D("2026-12-08")
    assert "节假日安排变更，答复期限由 2026-12-08 改为 2026-12-09。" in events(open_case, public=True)
    assert AuditEntry.objects.filter(action="recompute_deadline", object_id=str(open_case.pk)).exists()
    assert not any("节假日安排变更" in m for m in events(done))

    CalendarDay.objects.create(date=D("2027-01-18"), is_workday=False, name="测试调休")
    CalendarYear.objects.create(year=2027, confirmed=True)
    next_year.refresh_from_db()
    assert next_year.due_on == D("2027-01-20") and next_year.due_confirmed
    CalendarDay.objects.filter(date=D("2027-01-18")).delete()
    next_year.refresh_from_db()
    assert next_year.due_on == D("2027-01-19")
    assert events(next_year, public=True)[-2:] == ["节假日安排变更，答复期限由 2027-01-19 改为 2027-01-20。",
                                                   "节假日安排变更，答复期限由 2027-01-20 改为 2027-01-19。"]


def test_states_refuse_illegal_moves_in_chinese(agency, staff):
    from gongkai.disclosure.states import CASE

    assert CASE.transition("accept").target == State.IN_PROGRESS
    application, _ = make_application(agency, received_on=D("2026-03-02"))
    services.accept_application(staff["officer"], application)
    application.refresh_from_db()
    with pytest.raises(IllegalTransition) as exc:
        CASE.check(staff["officer"], application, "deliver")
    assert exc.value.message == "申请当前状态为“办理中”，不能执行“登记送达”。"
    with pytest.raises(IllegalTransition):
        CASE.check(staff["officer"], application, "teleport")
    services.decide_application(staff["officer"], application, "granted", decided_on=D("2026-03-20"))
    services.deliver_reply(staff["officer"], application, delivered_on=D("2026-03-21"))
    services.close_application(staff["officer"], application)
    application.refresh_from_db()
    with pytest.raises(IllegalTransition):
        CASE.check(staff["officer"], application, "start_consultation")


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
