"""The statutory rules of disclosure on application: exact due dates on the 2026 calendar, fees at every boundary."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.core.errors import DomainError
from gongkai.core.workdays import WorkCalendar
from gongkai.disclosure import rules
from gongkai.disclosure.rules import Channel

D = dt.date.fromisoformat
CAL = WorkCalendar()  # the chinese-calendar package alone: no database needed


def due(received: str, **kwargs) -> dt.date:
    return rules.reply_deadline(D(received), calendar=CAL, **kwargs).due_on


# 2026: 春节 02-15..23 with make-up Saturdays 02-14 and 02-28; 劳动节 05-01..05 with Saturday 05-09;
# 中秋 09-25, 国庆 10-01..07 with Sunday 09-20 and Saturday 10-10 as working days; 清明 04-04..06.
@pytest.mark.parametrize(("received", "expected"), [
    ("2026-02-10", "2026-03-16"),  # counts Saturday 02-14 and 02-28, skips 02-15..23
    ("2026-02-13", "2026-03-19"),  # the make-up Saturday 02-14 is the first working day
    ("2026-02-14", "2026-03-20"),  # received on a make-up Saturday: that day itself is not counted
    ("2026-02-16", "2026-03-20"),  # received during the holiday
    ("2026-04-28", "2026-05-28"),  # Labour Day skipped, Saturday 05-09 counted
    ("2026-04-30", "2026-06-01"),
    ("2026-09-18", "2026-10-22"),  # Sunday 09-20 counted, 中秋 and 国庆 skipped, Saturday 10-10 counted
    ("2026-09-30", "2026-11-03"),
    ("2026-03-02", "2026-03-30"),  # an ordinary month: four weeks
])
def test_reply_due_date_is_the_20th_working_day_after_receipt(received, expected):
    assert due(received) == D(expected)


def test_steps_explain_every_holiday_and_make_up_day():
    deadline = rules.reply_deadline(D("2026-02-10"), calendar=CAL)
    kinds = [(s.kind, s.date) for s in deadline.steps]
    assert kinds[0] == ("received", D("2026-02-10"))
    assert ("makeup", D("2026-02-14")) in kinds and ("makeup", D("2026-02-28")) in kinds
    assert [d for k, d in kinds if k == "skipped"] == [D("2026-02-15") + dt.timedelta(days=i) for i in range(9)]
    assert ("due", D("2026-03-16")) in kinds
    text = "\n".join(deadline.explain())
    assert "2026-02-15：春节放假，不计入" in text
    assert "2026-02-28：调休上班日，计入工作日" in text
    assert "第 20 个工作日" in text
    assert deadline.confirmed


def test_correction_restarts_the_period_from_the_corrected_application():
    deadline = rules.reply_deadline(D("2026-03-02"), corrected_on=D("2026-03-10"), calendar=CAL)
    # 03-11 … 04-03 is 18 working days; 清明 04-04..06; 04-07 and 04-08 make 20.
    assert deadline.due_on == D("2026-04-08")
    assert deadline.start == D("2026-03-10")
    assert any(s.kind == "corrected" and "重新起算" in s.note for s in deadline.steps)
    with pytest.raises(DomainError):
        rules.reply_deadline(D("2026-03-10"), corrected_on=D("2026-03-02"), calendar=CAL)


def test_pauses_exclude_their_working_days_both_ends_included():
    assert due("2026-09-18", pauses=[(D("2026-09-21"), D("2026-09-22"))]) == D("2026-10-26")
    # A pause over the National Day holiday only excludes the working days inside it (09-28..30, 10-08..09).
    assert due("2026-09-18", pauses=[(D("2026-09-28"), D("2026-10-09"))]) == D("2026-10-29")
    # Overlapping consultations exclude a day once.
    assert due("2026-09-18", pauses=[(D("2026-09-21"), D("2026-09-22")),
                                     (D("2026-09-22"), D("2026-09-22"))]) == D("2026-10-26")
    deadline = rules.reply_deadline(D("2026-09-18"), calendar=CAL,
                                    pauses=[rules.Pause(D("2026-09-21"), D("2026-09-22"), "征求第三方意见")])
    step = next(s for s in deadline.steps if s.kind == "paused")
    assert "征求第三方意见" in step.note and "2 个工作日不计入" in step.note
    with pytest.raises(DomainError):
        rules.reply_deadline(D("2026-09-18"), pauses=[(D("2026-09-22"), D("2026-09-21"))], calendar=CAL)


def test_extension_is_20_working_days_after_the_original_due_date_unless_shorter():
    deadline = rules.reply_deadline(D("2026-09-18"), extended=True, calendar=CAL)
    assert (deadline.original_due_on, deadline.due_on) == (D("2026-10-22"), D("2026-11-19"))
    assert any(s.kind == "extended" and "原期限 2026-10-22" in s.note for s in deadline.steps)
    assert due("2026-09-18", extended=True, extension_days=5) == D("2026-10-29")
    for bad in (0, 21):
        with pytest.raises(DomainError):
            rules.reply_deadline(D("2026-09-18"), extended=True, extension_days=bad, calendar=CAL)


def test_dates_beyond_the_calendar_are_computed_and_marked_unconfirmed():
    deadline = rules.reply_deadline(D("2026-12-21"), calendar=CAL)
    # 2027 is not in the package: weekends and 元旦 (fixed date) only.
    assert deadline.due_on == D("2027-01-19")
    assert not deadline.confirmed
    assert D("2027-01-01") in deadline.unconfirmed
    assert deadline.steps[-1].kind == "unconfirmed"
    confirmed = rules.reply_deadline(D("2026-12-21"), calendar=WorkCalendar(confirmed_years={2027}))
    assert confirmed.confirmed and confirmed.due_on == D("2027-01-19")
    # An administrator's table entry (a 2027 holiday) moves the date and counts as confirmed data.
    table = WorkCalendar(overrides={D("2027-01-18"): (False, "测试假日")}, confirmed_years={2027})
    assert rules.reply_deadline(D("2026-12-21"), calendar=table).due_on == D("2027-01-20")


def test_correction_notice_and_remedy_periods():
    # 7 working days from receipt on 02-10: 11, 12, 13, 14 (make-up), 24, 25, 26.
    assert rules.correction_notice_due(D("2026-02-10"), CAL) == D("2026-02-26")
    assert rules.review_deadline(D("2026-03-16"), CAL) == D("2026-05-15")
    assert rules.litigation_deadline(D("2026-03-16"), CAL) == D("2026-09-16")
    # 6 months from 08-31 ends on 2027-02-28, a Sunday: the next day (民事诉讼法第八十五条第三款).
    assert rules.litigation_deadline(D("2026-08-31"), CAL) == D("2027-03-01")


def test_date_of_receipt_follows_article_31():
    day = D("2026-03-02")
    assert rules.date_of_receipt(Channel.IN_PERSON, handed_in_on=day) == day
    assert rules.date_of_receipt(Channel.POST, signed_for_on=day, handed_in_on=D("2026-02-27")) == day
    assert rules.date_of_receipt(Channel.POST_UNSIGNED, confirmed_on=day) == day
    assert rules.date_of_receipt(Channel.ONLINE, confirmed_on=day) == day
    assert rules.date_of_receipt(Channel.FAX, confirmed_on=day) == day
    with pytest.raises(DomainError) as exc:
        rules.date_of_receipt(Channel.POST, handed_in_on=day)
    assert exc.value.field == "signed_for_on"
    with pytest.raises(DomainError):
        rules.date_of_receipt("pigeon", confirmed_on=day)


@pytest.mark.parametrize(("n", "yuan"), [
    (1, 0), (10, 0), (11, 100), (30, 100), (31, 200), (40, 200), (41, 300), (50, 300), (51, 400), (100, 800),
])
def test_fee_per_application_in_a_calendar_month(n, yuan):
    assert rules.fee_for_nth_application(n) == yuan
    assert rules.fee(rules.FeeBasis.PER_APPLICATION, n) == yuan


@pytest.mark.parametrize(("pages", "yuan"), [
    (0, 0), (1, 0), (30, 0), (31, 10), (100, 700), (101, 720), (200, 2700), (201, 2740), (250, 4700),
])
def test_fee_per_page_charged_tier_by_tier(pages, yuan):
    assert rules.fee_for_pages(pages) == yuan


def test_fee_rejects_nonsense():
    with pytest.raises(DomainError):
        rules.fee_for_nth_application(0)
    with pytest.raises(DomainError):
        rules.fee_for_pages(-1)
    with pytest.raises(DomainError):
        rules.fee("both", 3)


def test_decision_table_matches_the_annual_report_rows():
    codes = set(rules.DECISIONS)
    assert codes == {
        "granted", "partially_granted", "withheld.state_secret", "withheld.prohibited_by_law",
        "withheld.three_securities_one_stability", "withheld.third_party_rights", "withheld.internal_affairs",
        "withheld.process_information", "withheld.law_enforcement_file", "withheld.administrative_query",
        "unable.not_held", "unable.needs_creation", "unable.unclear_after_correction",
        "not_processed.petition_complaint", "not_processed.repeated", "not_processed.publication",
        "not_processed.excessive", "not_processed.confirm_or_reissue", "other.correction_overdue",
        "other.fee_unpaid", "other.other"}
    for d in rules.DECISIONS.values():
        assert d.group in rules.DecisionGroup.values
        assert "{basis}" in d.letter
        if d.code != "other.other":
            assert d.basis.startswith("《中华人民共和国政府信息公开条例》第")
    assert rules.decision("withheld.state_secret").full_label == "不予公开：属于国家秘密"
    with pytest.raises(DomainError):
        rules.decision("withheld.because")


def test_legal_consultation_does_not_stop_the_clock():
    # 《条例》第三十三条第三款 names third parties and other agencies only.
    assert rules.STOPS_CLOCK[rules.PauseKind.THIRD_PARTY] and rules.STOPS_CLOCK[rules.PauseKind.OTHER_AGENCY]
    assert not rules.STOPS_CLOCK[rules.PauseKind.LEGAL]


# ---------------------------------------------------------------------------------------------------------------
# Issue #10: the law where it was read wrong, each from the case given there

@pytest.mark.parametrize(("delivered", "last_day", "why"), [
    ("2025-08-02", "2025-10-09", "国庆节"),  # 60 days end on 10-01, inside the 2025 National Day holiday
    ("2025-12-02", "2026-02-02", "周末"),  # 60 days end on Saturday 2026-01-31
])
def test_review_deadline_ending_on_a_holiday_moves_to_the_next_working_day(delivered, last_day, why):
    plan = rules.remedy_plan("review", D(delivered), calendar=CAL)
    assert plan.last_day == D(last_day) and plan.confirmed
    assert any(why in step and "第八十五条第三款" in step for step in plan.steps)
    assert rules.review_deadline(D(delivered), CAL) == D(last_day)


@pytest.mark.parametrize("code", ["withheld.state_secret", "withheld.third_party_rights", "partially_granted"])
def test_withheld_information_goes_to_review_first(code):
    plan = rules.remedy_plan("litigation", D("2025-12-02"), code, calendar=CAL)
    assert plan.direct_litigation_allowed is False and plan.last_day is None
    assert any("第二十三条第一款第（四）项" in step for step in plan.steps)
    review = rules.remedy_plan("review", D("2025-12-02"), code, calendar=CAL)
    assert review.last_day == D("2026-02-02")
    text = rules.remedies_sentence("示例市人民政府", code)
    assert "应当自收到本答复之日起60日内向示例市人民政府申请行政复议" in text and "第二十三条" in text
    if code.startswith("withheld"):
        assert "6个月" not in text
    else:  # the part that was released may still go to court directly
        assert "不予公开的部分" in text and "6个月内向人民法院提起行政诉讼" in text


@pytest.mark.parametrize("code", ["granted", "unable.not_held", "not_processed.repeated", ""])
def test_other_decisions_may_choose_review_or_direct_litigation(code):
    plan = rules.remedy_plan("litigation", D("2026-03-16"), code, calendar=CAL)
    assert plan.direct_litigation_allowed and plan.last_day == D("2026-09-16")
    text = rules.remedies_sentence("示例市人民政府", code)
    assert "可以自收到本答复之日起60日内" in text and "6个月内向人民法院提起行政诉讼" in text


def test_remedy_plan_refuses_unknown_input():
    with pytest.raises(DomainError):
        rules.remedy_plan("appeal", D("2026-03-16"), calendar=CAL)
    with pytest.raises(DomainError):
        rules.remedy_plan("review", D("2026-03-16"), "withheld.nonsense", calendar=CAL)


def test_fee_payment_period_runs_from_the_day_after_receipt():
    # Notice posted 2026-02-11 and received 2026-02-13: 20 working days from 02-14 (a make-up Saturday).
    assert rules.workdays_after(D("2026-02-13"), rules.FEE_PAYMENT_WORKDAYS, CAL) == D("2026-03-19")


def test_an_unanswered_consultation_excludes_at_most_fifteen_working_days():
    # Received 2026-02-26; third party consulted from 2026-03-02, never answered, closed 2026-06-30.
    pause = rules.capped_pause(rules.PauseKind.THIRD_PARTY, D("2026-03-02"), D("2026-06-30"), CAL)
    assert pause.end == rules.consultation_opinion_due(D("2026-03-02"), CAL) == D("2026-03-23")
    deadline = rules.reply_deadline(D("2026-02-26"), pauses=[pause], calendar=CAL)
    assert deadline.due_on == D("2026-04-17")
    assert any("此后照常计时" in line for line in deadline.explain())
    # An answer inside the opinion period excludes just the time it took.
    short = rules.capped_pause(rules.PauseKind.OTHER_AGENCY, D("2026-03-02"), D("2026-03-04"), CAL)
    assert short.end == D("2026-03-04")
    # The legal adviser and the retired free-text kind never stop the clock.
    assert not rules.STOPS_CLOCK[rules.PauseKind.LEGAL] and not rules.STOPS_CLOCK[rules.PauseKind.OTHER]
    assert rules.PauseKind.OTHER not in rules.CONSULTATION_KINDS


def test_overdue_on_a_holiday_is_overdue_not_due_soon():
    # Received 2026-01-19, due 2026-02-14 (a make-up Saturday), looked at on 2026-02-20 (Spring Festival).
    assert due("2026-01-19") == D("2026-02-14")
    status = rules.reply_status(D("2026-02-14"), D("2026-02-20"), CAL)
    assert status.overdue and not status.due_soon and status.label.startswith("已超期")
    assert rules.reply_status(D("2026-02-14"), D("2026-02-25"), CAL).late_workdays == 2
    on_the_day = rules.reply_status(D("2026-02-14"), D("2026-02-14"), CAL)
    assert not on_the_day.overdue and on_the_day.due_soon and on_the_day.label == "今天到期"
    ahead = rules.reply_status(D("2026-02-14"), D("2026-02-09"), CAL)
    assert ahead.remaining == 5 and not ahead.due_soon and ahead.label == "还剩 5 个工作日"
