"""Statutory rules of proactive disclosure (publishing.rules): periods by kind and the date of a change."""

import datetime as dt

import pytest

from gongkai.core.workdays import WorkCalendar
from gongkai.publishing.rules import (
    PERIOD_RULES,
    DisclosurePeriod,
    change_date_error,
    disclosure_deadline,
)

CALENDAR = WorkCalendar()  # the package's holiday notices only, no administrator's table


def test_every_period_has_its_rule_and_article():
    assert set(PERIOD_RULES) == set(DisclosurePeriod.values)
    assert "第二十六条" in PERIOD_RULES[DisclosurePeriod.REGULATION].source
    assert "第十四条第二款" in DisclosurePeriod.DEPARTMENT_BUDGET.label
    assert "批复后二十日内" in PERIOD_RULES[DisclosurePeriod.DEPARTMENT_BUDGET].source
    assert "批准后二十日内" in PERIOD_RULES[DisclosurePeriod.GOVERNMENT_BUDGET].source


def test_the_regulation_counts_twenty_working_days_from_formation_or_change():
    deadline = disclosure_deadline(dt.date(2026, 9, 21), CALENDAR)
    assert deadline.period == DisclosurePeriod.REGULATION
    # 2026-09-21 (Mon) + 20 working days, skipping 中秋 and 国庆 (10-01..10-07 off, 09-20 and 10-10 worked).
    assert deadline.due_on == CALENDAR.add_workdays(dt.date(2026, 9, 21), 20).due_on == dt.date(2026, 10, 26)
    assert deadline.confirmed
    assert deadline.summary == "自形成或者变更之日 2026-09-21 起 20 个工作日"
    assert any("国庆节" in line for line in deadline.explain())


def test_a_department_budget_counts_twenty_calendar_days_from_approval():
    deadline = disclosure_deadline(dt.date(2026, 1, 20), CALENDAR, DisclosurePeriod.DEPARTMENT_BUDGET)
    assert deadline.due_on == dt.date(2026, 2, 9)
    assert deadline.summary == "自批复之日 2026-01-20 起 20 日（自然日）"
    assert deadline.confirmed and deadline.workday_count is None


def test_a_government_budget_counts_twenty_calendar_days_from_approval():
    deadline = disclosure_deadline(dt.date(2026, 2, 1), CALENDAR, DisclosurePeriod.GOVERNMENT_BUDGET)
    assert deadline.due_on == dt.date(2026, 2, 21)
    assert deadline.summary == "自批准之日 2026-02-01 起 20 日（自然日）"


def test_a_calendar_day_period_is_not_postponed_past_a_holiday():
    # The 20th day is 2026-10-03, a Saturday inside the National Day holiday: it stays the last day.
    deadline = disclosure_deadline(dt.date(2026, 9, 13), CALENDAR, DisclosurePeriod.DEPARTMENT_BUDGET)
    assert not CALENDAR.is_workday(dt.date(2026, 10, 3))
    assert deadline.due_on == dt.date(2026, 10, 3)
    assert deadline.explain() == ["自 2026-09-13 起算（当日不计入），按自然日计 20 日，第 20 日为 2026-10-03（逢节假日不顺延）。"]


TODAY = dt.date(2026, 11, 30)


@pytest.mark.parametrize(("formed_on", "live", "previous", "expected"), [
    (TODAY, dt.date(2026, 11, 2), dt.date(2026, 10, 30), None),
    (dt.date(2026, 11, 2), dt.date(2026, 11, 2), dt.date(2026, 10, 30), None),  # changed the day it went public
    (dt.date(2026, 10, 30), dt.date(2026, 11, 2), dt.date(2026, 10, 30), "不能早于现行公开版本的发布日期（2026-11-02）"),
    (dt.date(2026, 11, 10), dt.date(2026, 11, 2), dt.date(2026, 11, 20), "不能早于上一版本的形成或变更日期（2026-11-20）"),
    (dt.date(2026, 12, 1), dt.date(2026, 11, 2), dt.date(2026, 10, 30), "不能晚于今天（2026-11-30）"),
])
def test_the_date_of_a_change(formed_on, live, previous, expected):
    message = change_date_error(formed_on, today=TODAY, live_published_on=live, previous_formed_on=previous)
    if expected is None:
        assert message is None
    else:
        assert expected in message
