"""Timeliness and outcomes of the applications answered in a period (beyond the annual report's tables): the share
answered within 5, 10, 15 and 20 working days and within an approved extension, the outcome by decision group,
and the working days used, per agency or aggregated over its subordinates. Pure reads; every figure can list
its rows (the CSV export).

Working days come from the platform's calendar (core.workdays) and the excluded intervals from the reply clock
(disclosure.services.clock), so a case counted here as answered on day 20 is one the clock had due that day.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field

from gongkai.core.workdays import DayInfo, WorkCalendar
from gongkai.disclosure.models import Application, Pause
from gongkai.disclosure.rules import REPLY_WORKDAYS, DecisionGroup, RequestKind
from gongkai.disclosure.services.clock import excluded_pauses
from gongkai.orgs.models import Agency
from gongkai.reports.annual import Scope, column_of
from gongkai.reports.rules import TABLE3_COLUMNS

# Bands of working days used (not statutory: the finer steps Alaveteli's users ask for); the last is the statutory
# reply period of 《条例》第三十三条 itself.
BANDS: tuple[int, ...] = (5, 10, 15, REPLY_WORKDAYS)
COLUMN_LABELS = dict(TABLE3_COLUMNS)
_FIELDS = ("id", "case_no", "agency_id", "agency__name", "agency__code", "received_on", "corrected_on",
           "correction_requested_on", "decided_on", "decision", "due_on", "extension_days", "applicant_type",
           "organization_kind", "request_kind", "state")


def band_label(days: int) -> str:
    return f"{days} 个工作日内答复"


def figure_labels() -> dict[str, str]:
    """Figure code → its label; every code is also a filter of the rows (and of the CSV)."""
    labels = {"replied": "本期答复", "timed": "计时答复（计入平均用时）"}
    labels.update({f"within_{d}": band_label(d) for d in BANDS})
    labels.update({
        "extended": "经批准延长后答复",
        "extension_approved": "批准延长答复期限",
        "late": "超过答复期限答复",
        "untimed": "未计时（告知补正后申请人未补正）",
    })
    labels.update({g.value: g.label for g in DecisionGroup})
    return labels


class _MemoCalendar(WorkCalendar):
    """The same calendar, each day looked up once: thousands of cases walk the same few hundred days."""

    def __init__(self, base: WorkCalendar):
        super().__init__(base.overrides, base.confirmed_years)
        self._days: dict[dt.date, DayInfo] = {}

    def day(self, day: dt.date) -> DayInfo:
        info = self._days.get(day)
        if info is None:
            info = self._days[day] = super().day(day)
        return info


@dataclass(frozen=True)
class Period:
    """The days whose replies are counted (both ends included)."""

    start: dt.date
    end: dt.date

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @property
    def label(self) -> str:
        if (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31) \
                and self.start.year == self.end.year:
            return f"{self.start.year} 年"
        return f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"


@dataclass
class CaseRow:
    """One answered application as the figures count it (no personal data of the applicant)."""

    id: int
    case_no: str
    agency_id: int
    agency: str
    agency_code: str
    received_on: dt.date
    corrected_on: dt.date | None
    decided_on: dt.date
    due_on: dt.date | None
    workdays_used: int | None  # None: never corrected, so the reply period never started (untimed)
    paused_workdays: int | None
    extension_days: int
    decision: str
    applicant_column: str

    @property
    def group(self) -> str:
        return self.decision.split(".")[0]

    @property
    def timed(self) -> bool:
        return self.workdays_used is not None

    @property
    def extended(self) -> bool:
        """Answered within an approved extension: later than the statutory period, yet in time."""
        return self.timed and self.extension_days > 0 and self.workdays_used > REPLY_WORKDAYS and not self.late

    @property
    def late(self) -> bool:
        return self.due_on is not None and self.decided_on > self.due_on

    def codes(self) -> set[str]:
        """The figures that count this row."""
        codes = {"replied", self.group}
        if not self.timed:
            return codes | {"untimed"}
        codes.add("timed")
        codes.update(f"within_{d}" for d in BANDS if self.workdays_used <= d)
        if self.extension_days > 0:
            codes.add("extension_approved")
        if self.extended:
            codes.add("extended")
        if self.late:
            codes.add("late")
        return codes


@dataclass
class Figures:
    """The figures of one set of rows: counts per figure code, and the working days used."""

    counts: dict[str, int] = field(default_factory=dict)
    average_workdays: float | None = None
    median_workdays: float | None = None
    average_paused: float | None = None

    @property
    def replied(self) -> int:
        return self.counts.get("replied", 0)

    @property
    def timed(self) -> int:
        return self.counts.get("timed", 0)

    def share(self, code: str) -> float | None:
        """Percent of the timed replies (timeliness) or of all replies (outcomes, untimed); None when nothing."""
        base = self.replied if code in _OF_ALL else self.timed
        return round(100 * self.counts.get(code, 0) / base, 1) if base else None

    def as_dict(self) -> dict:
        return {"counts": self.counts, "shares": {c: self.share(c) for c in self.counts},
                "average_workdays": self.average_workdays, "median_workdays": self.median_workdays,
                "average_paused_workdays": self.average_paused}


_OF_ALL = {"replied", "untimed", "timed", *(g.value for g in DecisionGroup)}


def figures_of(rows: list[CaseRow]) -> Figures:
    codes = ["replied", "timed", *(f"within_{d}" for d in BANDS), "extended", "extension_approved", "late",
             "untimed", *(g.value for g in DecisionGroup)]
    counts = dict.fromkeys(codes, 0)
    for row in rows:
        for code in row.codes():
            counts[code] += 1
    used = [r.workdays_used for r in rows if r.timed]
    paused = [r.paused_workdays for r in rows if r.timed]
    return Figures(counts, round(statistics.fmean(used), 1) if used else None,
                   statistics.median(used) if used else None, round(statistics.fmean(paused), 1) if paused else None)


def _answered(scope: Scope, period: Period):
    # Table 3's answered cases (its total_processed row): decided in the period, record corrections apart.
    found = Application.objects.filter(decided_on__range=(period.start, period.end), request_kind=RequestKind.DISCLOSURE)
    return scope.filter(found.exclude(decision=""))


def _pauses_by_case(answered) -> dict[int, list[Pause]]:
    # One query for the pauses of every answered case (a subquery, not a list of ids: SQLite caps parameters).
    found: dict[int, list[Pause]] = {}
    for pause in Pause.objects.filter(application__in=answered.values("id")).order_by("started_on", "id"):
        found.setdefault(pause.application_id, []).append(pause)
    return found


class _Pauses:
    # Stands in for the related manager so the clock reads prefetched pauses: `application.pauses.all()`.
    def __init__(self, pauses: list[Pause]):
        self._pauses = pauses

    def all(self) -> list[Pause]:
        return self._pauses


def case_row(application: Application, calendar: WorkCalendar, pauses: list[Pause] | None = None) -> CaseRow:
    """How many working days one answered application used, and how many were not counted (补正 until the corrected
    application arrived, consultations up to the opinion deadline, fee notice until payment)."""
    a = application
    used = paused = None
    if not (a.correction_requested_on and not a.corrected_on):
        start = a.corrected_on or a.received_on
        intervals, _ = excluded_pauses(a if pauses is None else _Case(a, pauses), a.decided_on, calendar)
        excluded = _excluded_workdays(start, a.decided_on, intervals, calendar)
        used = calendar.workdays_between(start, a.decided_on) - excluded
        paused = calendar.workdays_between(a.received_on, start) + excluded
    return CaseRow(id=a.pk, case_no=a.case_no, agency_id=a.agency_id, agency=a.agency.name,
                   agency_code=a.agency.code, received_on=a.received_on, corrected_on=a.corrected_on,
                   decided_on=a.decided_on, due_on=a.due_on, workdays_used=used, paused_workdays=paused,
                   extension_days=a.extension_days, decision=a.decision, applicant_column=column_of(a))


class _Case:
    # The application with its pauses already read: what excluded_pauses needs, without a query per case.
    def __init__(self, application: Application, pauses: list[Pause]):
        self._application = application
        self.pauses = _Pauses(pauses)

    def __getattr__(self, name: str):
        return getattr(self._application, name)


def _excluded_workdays(start: dt.date, end: dt.date, intervals, calendar: WorkCalendar) -> int:
    """Working days in (start, end] inside any excluded interval (both ends included), overlaps counted once."""
    merged: list[list[dt.date]] = []
    for p in sorted(intervals, key=lambda p: p.start):
        lo, hi = max(p.start, start + dt.timedelta(days=1)), min(p.end, end)
        if lo > hi:
            continue
        if merged and lo <= merged[-1][1] + dt.timedelta(days=1):
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return sum(calendar.workdays_between(lo - dt.timedelta(days=1), hi) for lo, hi in merged)


def case_rows(agency: Agency | None, period: Period, aggregate: bool = False) -> list[CaseRow]:
    """Every application answered in `period` in the scope, with its working days, in order of reply."""
    scope = Scope(agency, aggregate)
    answered = _answered(scope, period)
    pauses = _pauses_by_case(answered)
    calendar = _MemoCalendar(WorkCalendar.load())
    found = answered.select_related("agency").only(*_FIELDS).order_by("decided_on", "id")
    return [case_row(a, calendar, pauses.get(a.pk, [])) for a in found]


def rows_for(rows: list[CaseRow], code: str) -> list[CaseRow]:
    """The rows one figure counts ("replied" for all)."""
    return [r for r in rows if code in r.codes()]


def timeliness(agency: Agency | None, period: Period, aggregate: bool = False) -> dict:
    """The figures of the scope, and (when aggregated) of each agency in it that answered anything."""
    rows = case_rows(agency, period, aggregate)
    by_agency: dict[int, list[CaseRow]] = {}
    for row in rows:
        by_agency.setdefault(row.agency_id, []).append(row)
    agencies = []
    if aggregate or agency is None:
        order = {a.pk: (a.order, a.pk) for a in Agency.objects.filter(pk__in=by_agency)}
        for agency_id in sorted(by_agency, key=lambda pk: order[pk]):
            first = by_agency[agency_id][0]
            agencies.append({"code": first.agency_code, "name": first.agency, "figures": figures_of(by_agency[agency_id])})
    return {"period": period, "figures": figures_of(rows), "agencies": agencies, "rows": rows}


CSV_HEADER = ["案件编号", "受理机关", "收到申请日期", "收到补正日期", "答复日期", "答复期限", "用时（工作日）",
              "不计入答复期限的工作日", "是否延期", "延长工作日数", "是否超期", "答复类型", "答复类型（小计）", "申请人类型"]


def csv_row(row: CaseRow) -> list[str]:
    from gongkai.disclosure.rules import DECISIONS

    decision = DECISIONS.get(row.decision)
    return [row.case_no, row.agency, row.received_on.isoformat(),
            row.corrected_on.isoformat() if row.corrected_on else "", row.decided_on.isoformat(),
            row.due_on.isoformat() if row.due_on else "",
            "" if row.workdays_used is None else str(row.workdays_used),
            "" if row.paused_workdays is None else str(row.paused_workdays),
            "是" if row.extension_days else "否", str(row.extension_days), "是" if row.late else "否",
            decision.full_label if decision else row.decision, DecisionGroup(row.group).label,
            COLUMN_LABELS.get(row.applicant_column, row.applicant_column)]
