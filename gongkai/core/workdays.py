"""The statutory working-day calendar (工作日) used by every time limit in the platform.

Sources, in order of precedence:
1. the administrator's table (CalendarDay), which corrects or extends the package;
2. the chinese-calendar package, which carries the State Council holiday notices for the years it covers;
3. for any other year: weekends plus the public holidays of 《全国年节及纪念日放假办法》
   (国务院令第795号修订, 2025年1月1日起施行) 第二条, which are certain before the yearly notice — 元旦 1月1日,
   春节 农历除夕至正月初三, 清明节 农历清明当日, 劳动节 5月1日至2日, 端午节 农历端午当日, 中秋节 农历中秋当日,
   国庆节 10月1日至3日 — with the lunar dates and the solar term from the lunar-python package.
   Such dates are marked unconfirmed: the holiday notice adds days and make-up working days (调休) each year.
A year listed in CalendarYear counts as confirmed once an administrator has entered its notice in full.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache

import chinese_calendar
from lunar_python import Lunar, Solar

FIXED_HOLIDAYS: dict[tuple[int, int], str] = {
    (1, 1): "元旦",
    (5, 1): "劳动节",
    (5, 2): "劳动节",
    (10, 1): "国庆节",
    (10, 2): "国庆节",
    (10, 3): "国庆节",
}



@cache
def statutory_holidays(year: int) -> dict[dt.date, str]:
    """The public holidays of `year` fixed by 《全国年节及纪念日放假办法》第二条 (lunar ones converted), before
    the State Council's yearly notice moves days around them."""
    days = {dt.date(year, m, d): name for (m, d), name in FIXED_HOLIDAYS.items()}

    def solar(lunar: Lunar) -> dt.date:
        s = lunar.getSolar()
        return dt.date(s.getYear(), s.getMonth(), s.getDay())

    new_year = solar(Lunar.fromYmd(year, 1, 1))  # 正月初一 falls in January or February of the same year
    for offset in (-1, 0, 1, 2):  # 除夕 and 正月初一至初三
        days[new_year + dt.timedelta(days=offset)] = "春节"
    qingming = Solar.fromYmd(year, 4, 1).getLunar().getJieQiTable()["清明"]
    days[dt.date(qingming.getYear(), qingming.getMonth(), qingming.getDay())] = "清明节"
    days[solar(Lunar.fromYmd(year, 5, 5))] = "端午节"
    days[solar(Lunar.fromYmd(year, 8, 15))] = "中秋节"
    return days


_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


@dataclass(frozen=True)
class DayInfo:
    date: dt.date
    is_workday: bool
    reason: str  # 工作日 / 周末 / holiday name / 调休上班
    source: str  # table / package / fallback
    confirmed: bool


@dataclass
class WorkdayResult:
    """The outcome of counting working days, with every day that was skipped and why."""

    start: dt.date
    days: int
    due_on: dt.date
    skipped: list[DayInfo] = field(default_factory=list)
    makeup_days: list[DayInfo] = field(default_factory=list)
    unconfirmed: list[dt.date] = field(default_factory=list)

    @property
    def confirmed(self) -> bool:
        return not self.unconfirmed

    def explain(self) -> list[str]:
        """Chinese sentences that show how the due date was reached."""
        lines = [f"自 {self.start:%Y-%m-%d} 起算（当日不计入），顺延 {self.days} 个工作日。"]
        holidays = [d for d in self.skipped if d.reason != "周末"]
        weekends = [d for d in self.skipped if d.reason == "周末"]
        if weekends:
            lines.append(f"跳过周末 {len(weekends)} 天。")
        for d in holidays:
            lines.append(f"跳过 {d.date:%Y-%m-%d}（{d.reason}）。")
        for d in self.makeup_days:
            lines.append(f"{d.date:%Y-%m-%d} 为调休上班日，计入工作日。")
        lines.append(f"第 {self.days} 个工作日为 {self.due_on:%Y-%m-%d}。")
        if self.unconfirmed:
            lines.append(
                "注意：其中 " + "、".join(f"{d:%Y-%m-%d}" for d in self.unconfirmed[:3])
                + ("等" if len(self.unconfirmed) > 3 else "")
                + " 所在年份的节假日安排尚未确认，按周末和《全国年节及纪念日放假办法》规定的节日（含春节、清明、端午、中秋）推算，尚未计入调休，请在国务院通知发布后核对。")
        return lines


def _package_day(day: dt.date) -> DayInfo | None:
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    workday = not on_holiday
    if workday:
        reason = "调休上班" if day.weekday() >= 5 else "工作日"
    else:
        reason = _HOLIDAY_NAMES.get(name, name) if name else "周末"
    return DayInfo(day, workday, reason, "package", True)


class WorkCalendar:
    """A snapshot of the calendar: the admin table is read once, then every lookup is in memory."""

    def __init__(self, overrides: dict[dt.date, tuple[bool, str]] | None = None,
                 confirmed_years: set[int] | None = None):
        self.overrides = overrides or {}
        self.confirmed_years = confirmed_years or set()

    @classmethod
    def load(cls) -> WorkCalendar:
        from gongkai.core.models import CalendarDay, CalendarYear

        overrides = {d.date: (d.is_workday, d.name) for d in CalendarDay.objects.all()}
        years = set(CalendarYear.objects.filter(confirmed=True).values_list("year", flat=True))
        return cls(overrides, years)

    def day(self, day: dt.date) -> DayInfo:
        """Whether `day` is a working day, why, and whether that is confirmed."""
        if day in self.overrides:
            workday, name = self.overrides[day]
            reason = name or ("调休上班" if workday else "节假日")
            return DayInfo(day, workday, reason, "table", True)
        info = _package_day(day)
        if info is not None:
            return info
        confirmed = day.year in self.confirmed_years
        holiday = statutory_holidays(day.year).get(day)
        if holiday is not None:
            return DayInfo(day, False, holiday, "fallback", confirmed)
        if day.weekday() >= 5:
            return DayInfo(day, False, "周末", "fallback", confirmed)
        return DayInfo(day, True, "工作日", "fallback", confirmed)

    def is_workday(self, day: dt.date) -> bool:
        return self.day(day).is_workday

    def add_workdays(self, start: dt.date, days: int) -> WorkdayResult:
        """The `days`-th working day after `start` (the start day itself is not counted)."""
        if days < 0:
            raise ValueError("days must be >= 0")
        result = WorkdayResult(start=start, days=days, due_on=start)
        current, counted = start, 0
        while counted < days:
            current += dt.timedelta(days=1)
            info = self.day(current)
            if not info.confirmed:
                result.unconfirmed.append(current)
            if info.is_workday:
                counted += 1
                if info.reason == "调休上班":
                    result.makeup_days.append(info)
            else:
                result.skipped.append(info)
        result.due_on = current
        return result

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]: how many have elapsed after `start` up to and including `end`."""
        if end <= start:
            return -self.workdays_between(end, start) if end < start else 0
        count, current = 0, start
        while current < end:
            current += dt.timedelta(days=1)
            if self.is_workday(current):
                count += 1
        return count


@dataclass(frozen=True)
class DueStatus:
    """Where a time limit stands on a given day: the one definition of overdue and due soon everywhere.

    Overdue means the last day has passed, counted in calendar days: a limit that ended on Friday is overdue on
    the holiday Monday after it, even though no working day has passed since."""

    due_on: dt.date
    today: dt.date
    remaining: int  # working days after today up to and including the last day (0 on the last day itself)
    late_workdays: int  # working days after the last day up to and including today (0 unless overdue)
    warn_workdays: int

    @property
    def overdue(self) -> bool:
        return self.today > self.due_on

    @property
    def due_soon(self) -> bool:
        return not self.overdue and self.remaining <= self.warn_workdays

    @property
    def label(self) -> str:
        """The status in Chinese, as every list and page shows it."""
        if self.overdue:
            late = f" {self.late_workdays} 个工作日" if self.late_workdays else ""
            return f"已超期{late}（期限 {self.due_on:%Y-%m-%d}）"
        if self.today == self.due_on:
            return "今天到期"
        if self.remaining == 0:  # today is after the last working day before a non-working last day
            return f"期限 {self.due_on:%Y-%m-%d}，已无剩余工作日"
        return f"还剩 {self.remaining} 个工作日"


def due_status(due_on: dt.date, today: dt.date, calendar: WorkCalendar, warn_workdays: int) -> DueStatus:
    """The status of a limit ending on `due_on`, seen on `today`."""
    if today > due_on:
        return DueStatus(due_on, today, 0, calendar.workdays_between(due_on, today), warn_workdays)
    return DueStatus(due_on, today, calendar.workdays_between(today, due_on), 0, warn_workdays)


def add_workdays(start: dt.date, days: int) -> WorkdayResult:
    """Convenience: count on a freshly loaded calendar."""
    return WorkCalendar.load().add_workdays(start, days)
