"""The statutory calendar: due dates around the 2026 holidays and make-up days, the admin table, warnings."""

import datetime as dt

import pytest

from gongkai.core.models import CalendarDay, CalendarYear
from gongkai.core.workdays import WorkCalendar, add_workdays

D = dt.date.fromisoformat


@pytest.mark.parametrize(("start", "due"), [
    # Spring Festival: 2026-02-15..23 off, Saturdays 02-14 and 02-28 are working days.
    ("2026-02-10", "2026-03-16"),
    # Labour Day: 05-01..05 off, Saturday 05-09 is a working day.
    ("2026-04-28", "2026-05-28"),
    # Mid-Autumn 09-25..27 and National Day 10-01..07 off; Sunday 09-20 and Saturday 10-10 are working days.
    ("2026-09-18", "2026-10-22"),
    # New Year: 01-01..03 off, Sunday 01-04 a working day.
    ("2025-12-30", "2026-01-28"),
])
def test_twenty_working_days_around_2026_holidays(start, due):
    result = WorkCalendar().add_workdays(D(start), 20)
    assert result.due_on == D(due)
    assert result.confirmed


def test_make_up_saturday_counts_and_is_explained():
    result = WorkCalendar().add_workdays(D("2026-02-12"), 2)
    # 02-13 (Friday) is the first, Saturday 02-14 a make-up working day the second.
    assert result.due_on == D("2026-02-14")
    text = "\n".join(result.explain())
    assert "2026-02-14 为调休上班日" in text


def test_holidays_are_named_in_the_explanation():
    text = "\n".join(WorkCalendar().add_workdays(D("2026-02-10"), 20).explain())
    assert "跳过 2026-02-17（春节）" in text
    assert "第 20 个工作日为 2026-03-16" in text


def test_start_day_is_not_counted():
    # Monday 2026-03-02 + 1 working day is Tuesday.
    assert WorkCalendar().add_workdays(D("2026-03-02"), 1).due_on == D("2026-03-03")
    assert WorkCalendar().add_workdays(D("2026-03-06"), 1).due_on == D("2026-03-09")


def test_year_beyond_package_is_computed_and_marked_unconfirmed():
    result = WorkCalendar().add_workdays(D("2026-12-28"), 20)
    assert result.due_on == D("2027-01-26")  # 2027-01-01 fixed holiday and weekends skipped
    assert not result.confirmed
    assert any("尚未确认" in line for line in result.explain())


@pytest.mark.django_db
def test_admin_table_overrides_and_confirms():
    CalendarDay.objects.create(date=D("2027-01-04"), is_workday=False, name="元旦调休")
    result = add_workdays(D("2026-12-28"), 20)
    assert result.due_on == D("2027-01-27")
    assert not result.confirmed
    CalendarYear.objects.create(year=2027, source="国务院办公厅关于2027年部分节假日安排的通知")
    assert add_workdays(D("2026-12-28"), 20).confirmed
    # The table also wins inside years the package covers.
    CalendarDay.objects.create(date=D("2026-03-03"), is_workday=False, name="临时调整")
    assert add_workdays(D("2026-03-02"), 1).due_on == D("2026-03-04")


def test_workdays_between():
    cal = WorkCalendar()
    assert cal.workdays_between(D("2026-02-13"), D("2026-02-24")) == 2  # 02-14 make-up and 02-24
    assert cal.workdays_between(D("2026-02-24"), D("2026-02-13")) == -2
    assert cal.workdays_between(D("2026-03-02"), D("2026-03-02")) == 0


def test_years_beyond_the_package_skip_the_lunar_holidays():
    """《全国年节及纪念日放假办法》第二条: 春节 (除夕 to 初三), 清明, 端午 and 中秋 are known before the yearly notice."""
    calendar = WorkCalendar()
    for day, name in [("2027-02-05", "春节"), ("2027-02-08", "春节"), ("2027-04-05", "清明节"),
                      ("2027-06-09", "端午节"), ("2027-09-15", "中秋节"), ("2027-10-01", "国庆节")]:
        info = calendar.day(D(day))
        assert not info.is_workday and info.reason == name and not info.confirmed, day
    assert calendar.day(D("2027-02-04")).is_workday  # the day before 除夕
    # Received 2027-01-25: 除夕 02-05 and 初三 02-08 are skipped, and the result stays provisional.
    result = calendar.add_workdays(D("2027-01-25"), 20)
    skipped = {d.date for d in result.skipped if d.reason == "春节"}
    assert {D("2027-02-05"), D("2027-02-08")} <= skipped
    assert result.due_on == D("2027-02-24") and not result.confirmed


@pytest.mark.django_db
def test_the_official_notice_overrides_the_lunar_fallback():
    # The notice may make 02-09 a holiday too; entering it moves the date and confirms the year.
    CalendarDay.objects.create(date=D("2027-02-09"), is_workday=False, name="春节")
    CalendarYear.objects.create(year=2027, source="国务院办公厅关于2027年部分节假日安排的通知", confirmed=True)
    result = WorkCalendar.load().add_workdays(D("2027-01-25"), 20)
    assert result.due_on == D("2027-02-25") and result.confirmed
