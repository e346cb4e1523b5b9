"""Minimum periods across holidays and make-up working days, on the project's working-day calendar."""

import datetime as dt

from gongkai.core.workdays import WorkCalendar
from gongkai.participation import rules
from gongkai.participation.rules import ConsultationKind as K

CALENDAR = WorkCalendar()  # the holiday package's schedule, no table overrides


def test_every_kind_has_a_minimum_with_its_source():
    assert set(rules.MINIMUM_PERIODS) == set(K.values)
    assert "第十五条" in rules.MINIMUM_PERIODS[K.RULE].source and "规章制定程序条例" in rules.MINIMUM_PERIODS[K.RULE].source
    assert "第十五条" in rules.MINIMUM_PERIODS[K.MAJOR_DECISION].source
    assert "第六十二条" in rules.MINIMUM_PERIODS[K.NORMATIVE_MARKET].source
    assert rules.MINIMUM_PERIODS[K.NORMATIVE].workdays and rules.MINIMUM_PERIODS[K.NORMATIVE].days == 7
    assert all(not rules.MINIMUM_PERIODS[k].workdays and rules.MINIMUM_PERIODS[k].days == 30
               for k in (K.RULE, K.NORMATIVE_MARKET, K.MAJOR_DECISION))


def test_thirty_days_on_an_ordinary_stretch():
    # Opened Monday 2026-03-02: the opening day is not counted, day 30 is Wednesday 2026-04-01.
    assert rules.minimum_end(K.RULE, dt.date(2026, 3, 2), CALENDAR) == dt.date(2026, 4, 1)


def test_thirty_days_ending_in_the_national_day_holiday_move_past_it():
    # 2026-09-01 + 30 days = 2026-10-01, inside the National Day holiday: the period ends on the first working
    # day after it (民法典第二百零三条).
    last = rules.minimum_end(K.MAJOR_DECISION, dt.date(2026, 9, 1), CALENDAR)
    assert last > dt.date(2026, 10, 1)
    assert CALENDAR.is_workday(last)
    assert all(not CALENDAR.is_workday(dt.date(2026, 10, 1) + dt.timedelta(days=n))
               for n in range((last - dt.date(2026, 10, 1)).days))


def test_thirty_days_ending_in_the_qingming_holiday_move_past_it():
    # 2026-03-06 (Fri) + 30 days = 2026-04-05, Sunday and 清明节 (holiday 04-04 to 04-06): the last day is 04-07.
    assert rules.minimum_end(K.RULE, dt.date(2026, 3, 6), CALENDAR) == dt.date(2026, 4, 7)


def test_seven_working_days_skip_the_spring_festival_and_count_the_make_up_day():
    # 2026-02-13 (Fri): Saturday 2026-02-14 is a make-up working day of the Spring Festival, then the holiday.
    assert CALENDAR.is_workday(dt.date(2026, 2, 14)) and not CALENDAR.is_workday(dt.date(2026, 2, 16))
    last = rules.minimum_end(K.NORMATIVE, dt.date(2026, 2, 13), CALENDAR)
    expected = CALENDAR.add_workdays(dt.date(2026, 2, 13), 7).due_on
    assert last == expected
    counted = [d for d in (dt.date(2026, 2, 13) + dt.timedelta(days=n) for n in range(1, (last - dt.date(2026, 2, 13)).days + 1))
               if CALENDAR.is_workday(d)]
    assert len(counted) == 7 and dt.date(2026, 2, 14) in counted
    assert last > dt.date(2026, 2, 24)  # the holiday week does not count


def test_seven_working_days_with_a_table_override():
    # The general office marks a local holiday in the calendar table: it is skipped.
    plain = rules.minimum_end(K.NORMATIVE, dt.date(2026, 3, 2), CALENDAR)
    local = WorkCalendar({dt.date(2026, 3, 4): (False, "地方节日")})
    assert rules.minimum_end(K.NORMATIVE, dt.date(2026, 3, 2), local) == plain + dt.timedelta(days=1)


def test_feedback_due_counts_working_days_after_the_last_day():
    assert rules.FEEDBACK_WORKDAYS == 20 and "第二十六条" in rules.FEEDBACK_SOURCE
    due = rules.feedback_due(dt.date(2026, 9, 25), CALENDAR)
    assert due == CALENDAR.add_workdays(dt.date(2026, 9, 25), 20).due_on
    assert due > dt.date(2026, 10, 23)  # the National Day week is not counted
