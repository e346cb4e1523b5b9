"""The timeliness rules in publishing/rules.py: each period counts from its event as its source says."""

import datetime as dt

import pytest

from gongkai.catalog import rules as catalog_rules
from gongkai.core.workdays import WorkCalendar
from gongkai.publishing.rules import (
    DOC_TYPE_PERIODS,
    PERIOD_RULES,
    DisclosurePeriod,
    default_period,
    disclosure_deadline,
)


def test_every_period_has_a_rule_with_its_source():
    assert set(PERIOD_RULES) == set(DisclosurePeriod.values)
    for period, rule in PERIOD_RULES.items():
        assert str(rule.days) in rule.source or {20: "二十", 7: "七", 3: "三"}[rule.days] in rule.source, period
        assert ("工作日" in rule.source) is rule.workdays, period


def test_the_figures_of_the_seeds():
    assert (PERIOD_RULES[DisclosurePeriod.REGULATION].days, PERIOD_RULES[DisclosurePeriod.REGULATION].workdays) \
        == (20, True)  # 《条例》第二十六条
    assert "宁政办发〔2019〕40号（九）" in PERIOD_RULES[DisclosurePeriod.ENTERPRISE_POLICY].source
    assert (PERIOD_RULES[DisclosurePeriod.MAJOR_DECISION].days,
            PERIOD_RULES[DisclosurePeriod.MAJOR_DECISION].workdays) == (20, False)  # 001 (八): 20日
    assert (PERIOD_RULES[DisclosurePeriod.LICENSING_PENALTY].days,
            PERIOD_RULES[DisclosurePeriod.LICENSING_PENALTY].workdays) == (7, True)  # 001 (三十一)
    assert "（三十）" in PERIOD_RULES[DisclosurePeriod.GOVERNMENT_BUDGET].source


@pytest.mark.django_db
def test_licensing_and_penalty_count_seven_working_days_over_a_holiday():
    calendar = WorkCalendar.load()
    # A decision on Friday 2024-09-27: the National Day holiday (10-01..07) and its make-up days sit inside.
    due = disclosure_deadline(dt.date(2024, 9, 27), calendar, DisclosurePeriod.LICENSING_PENALTY).due_on
    assert due == calendar.add_workdays(dt.date(2024, 9, 27), 7).due_on
    assert due > dt.date(2024, 10, 7)


def test_major_decisions_count_calendar_days():
    deadline = disclosure_deadline(dt.date(2026, 1, 10), None, DisclosurePeriod.MAJOR_DECISION)
    assert deadline.due_on == dt.date(2026, 1, 30)
    assert deadline.workday_count is None


def test_default_period_per_document_type():
    assert default_period("政策解读") == DisclosurePeriod.INTERPRETATION == DOC_TYPE_PERIODS["政策解读"]
    assert default_period("通知") == DisclosurePeriod.REGULATION


def test_time_limit_text_comes_from_the_rule():
    rule = PERIOD_RULES[DisclosurePeriod.LICENSING_PENALTY]
    assert catalog_rules.time_limit_text(DisclosurePeriod.LICENSING_PENALTY) == \
        f"自{rule.start_event}之日起{rule.days}个工作日内"
    assert catalog_rules.time_limit_text("") == ""


def test_a_guide_reviewed_last_year_is_stale():
    assert catalog_rules.is_stale(dt.date(2025, 12, 31), dt.date(2026, 1, 1))
    assert not catalog_rules.is_stale(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert catalog_rules.is_stale(None, dt.date(2026, 5, 1))



@pytest.mark.django_db
def test_an_imported_record_without_a_period_takes_its_document_types_default(agency):
    from gongkai.publishing.importer import AgencyDirectory, parse_record

    record = {"external_id": "x-1", "title": "解读", "body": "正文", "agency": agency.code, "doc_type": "政策解读",
              "subject": "综合政务\\政务公开"}
    assert parse_record(record, AgencyDirectory()).data.disclosure_period == DisclosurePeriod.INTERPRETATION
    record.update(external_id="x-2", doc_type="通知")
    assert parse_record(record, AgencyDirectory()).data.disclosure_period == DisclosurePeriod.REGULATION
    record.update(external_id="x-3", disclosure_period=DisclosurePeriod.LICENSING_PENALTY.label)
    assert parse_record(record, AgencyDirectory()).data.disclosure_period == DisclosurePeriod.LICENSING_PENALTY
