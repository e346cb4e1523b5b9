"""Compliance indicators per agency for a period, computed from the other apps' read-side queries (publishing,
catalog, disclosure) so that their rules — due dates, met items, overdue cases — are stated in one place each.
Every indicator carries its evidence: the documents, items and cases that count against it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from gongkai.assessment.columns import failing_columns
from gongkai.assessment.rules import IndicatorCode
from gongkai.catalog import queries as catalog_queries
from gongkai.catalog import rules as catalog_rules
from gongkai.core.workdays import WorkCalendar
from gongkai.disclosure import queries as disclosure_queries
from gongkai.disclosure.models import Application
from gongkai.orgs.models import Agency
from gongkai.publishing import queries as publishing_queries
from gongkai.publishing import rules as publishing_rules
from gongkai.publishing.models import Document


@dataclass(frozen=True)
class Period:
    """The days assessed, both ends included."""

    start: dt.date
    end: dt.date

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        following = dt.date(year + (month == 12), month % 12 + 1, 1)
        return cls(dt.date(year, month, 1), following - dt.timedelta(days=1))

    @property
    def label(self) -> str:
        if self == Period.month(self.start.year, self.start.month):
            return f"{self.start.year} 年 {self.start.month} 月"
        return f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"

    def as_of(self, today: dt.date | None = None) -> dt.date:
        """The day states are judged on: the period's end, or today while the period is still running."""
        return min(self.end, today or timezone.localdate())


@dataclass(frozen=True)
class Evidence:
    """One thing that counts against an indicator, with its staff page."""

    label: str
    url: str
    detail: str = ""


@dataclass
class Measure:
    """One indicator of one agency: how many things count against it, the rate if it is one, and the evidence."""

    code: str
    count: int = 0
    rate: float | None = None
    total: int | None = None
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def label(self) -> str:
        return IndicatorCode(self.code).label

    @property
    def display(self) -> str:
        if self.code == IndicatorCode.ON_TIME_RATE:
            return "无发布" if self.rate is None else f"{self.rate:.1%}（{self.total - self.count}/{self.total}）"
        return str(self.count)


def _doc_evidence(document: Document, detail: str) -> Evidence:
    revision = document.live_revision or document.latest_revision
    return Evidence(revision.title if revision else document.index_no, reverse("staff-document", args=[document.pk]),
                    detail)


def on_time_rate(agency: Agency, period: Period, calendar: WorkCalendar) -> Measure:
    """Proactive documents first published in the period within their due date, over all published in it."""
    published = (Document.objects.filter(agency=agency, published_on__range=(period.start, period.end),
                                         live_revision__disclosure_mode=publishing_rules.DisclosureMode.PROACTIVE)
                 .select_related("live_revision").order_by("published_on", "pk"))
    measure = Measure(IndicatorCode.ON_TIME_RATE, total=0)
    for document in published:
        revision = document.live_revision
        formed_on = revision.formed_on or timezone.localdate(revision.created_at)
        due_on = publishing_rules.disclosure_deadline(formed_on, calendar, revision.disclosure_period).due_on
        measure.total += 1
        if document.published_on > due_on:
            measure.count += 1
            measure.evidence.append(_doc_evidence(
                document, f"应于 {due_on:%Y-%m-%d} 前公开，{document.published_on:%Y-%m-%d} 发布"))
    if measure.total:
        measure.rate = (measure.total - measure.count) / measure.total
    return measure


def overdue_documents(agency: Agency, period: Period) -> Measure:
    """Proactive documents past their due date and still unpublished (publishing's disclosure clock)."""
    overdue = publishing_queries.timeliness([agency], period.as_of())["overdue"]
    return Measure(IndicatorCode.OVERDUE_DOCUMENTS, len(overdue),
                   evidence=[_doc_evidence(d.document, f"应于 {d.due_on:%Y-%m-%d} 前公开") for d in overdue])


def missing_interpretations(agency: Agency, period: Period) -> Measure:
    """Public policies marked as needing interpretation, published by the period's end, with none yet."""
    found = list(publishing_queries.missing_interpretations([agency]).filter(published_on__lte=period.end)
                 .select_related("live_revision"))
    return Measure(IndicatorCode.MISSING_INTERPRETATIONS, len(found),
                   evidence=[_doc_evidence(d, f"{d.published_on:%Y-%m-%d} 发布，尚无政策解读") for d in found])


def catalog_not_met(agency: Agency, period: Period) -> Measure:
    """Catalogue items the library does not meet (catalog's own test: mapped, published, on time), as the
    library stood at the period's end; only items the agency produces (no 规章 for a department, none of another
    公开层级). An agency with no catalogue at all meets none of the items of 《条例》第二十条 it should have."""
    statuses = catalog_queries.catalog_statuses(agency, period.as_of())
    level = catalog_rules.agency_level(agency.kind)
    applicable = [s for s in statuses if catalog_rules.item_applies(s.item.category, agency.kind)
                  and s.item.applies_to_level(level)]
    if not statuses:
        due = sum(1 for item in catalog_rules.DEFAULT_ITEMS if catalog_rules.item_applies(item[0], agency.kind))
        return Measure(IndicatorCode.CATALOG_NOT_MET, due, evidence=[Evidence(
            "尚未编制主动公开目录", reverse("staff-catalog") + f"?agency={agency.code}#item",
            f"按《条例》第二十条应有 {due} 项，均计为未达标")])
    missed = [s for s in applicable if not s.met]
    return Measure(IndicatorCode.CATALOG_NOT_MET, len(missed), evidence=[
        Evidence(str(s.item),
                 reverse("staff-catalog-entry", args=[agency.code, "item", s.item.pk]), s.label) for s in missed])


def cases_overdue(agency: Agency, period: Period, calendar: WorkCalendar) -> Measure:
    """Open applications whose reply clock ran past its due date (disclosure's overdue filter)."""
    found = list(disclosure_queries.apply_filter(Application.objects.filter(agency=agency), "overdue", calendar,
                                                 period.as_of()).order_by("due_on", "pk"))
    return Measure(IndicatorCode.CASES_OVERDUE, len(found), evidence=[
        Evidence(a.case_no, reverse("staff-application", args=[a.pk]), f"应于 {a.due_on:%Y-%m-%d} 前答复")
        for a in found])


def guide_stale(agency: Agency, period: Period) -> Measure:
    """The guide and the negative list, each 1 when missing, unpublished or not reviewed in the year of the
    period's end (《条例》第十二条“及时更新”; 长办发〔2017〕7号（三十五）负面清单动态调整)."""
    as_of = period.as_of()
    measure = Measure(IndicatorCode.GUIDE_STALE)
    stale = catalog_queries.stale_guides([agency], as_of)
    if stale:
        _, guide = stale[0]
        detail = ("尚未编制公开指南" if guide is None else
                  f"最近复核：{guide.reviewed_on:%Y-%m-%d}" if guide.reviewed_on else "未复核或未公开")
        measure.evidence.append(Evidence("政府信息公开指南", reverse("staff-catalog-guide", args=[agency.code]),
                                         detail))
    public_list = catalog_queries.public_negative_list(agency)
    if not public_list:
        measure.evidence.append(Evidence("不予主动公开清单（负面清单）",
                                         reverse("staff-catalog") + f"?agency={agency.code}#negative",
                                         "尚未编制或尚未公开负面清单"))
    elif catalog_queries.stale_negative_lists([agency], as_of):
        measure.evidence.append(Evidence("不予主动公开清单（负面清单）",
                                         reverse("staff-catalog") + f"?agency={agency.code}#negative",
                                         f"{as_of.year} 年尚未复核"))
    measure.count = len(measure.evidence)
    return measure


def work_tasks_overdue(agency: Agency, period: Period) -> Measure:
    """Tasks of the work plan (工作要点) the agency owns that were overdue on some day of the period."""
    from gongkai.assessment.workplan import overdue_in_period

    found = overdue_in_period(agency, period.start, period.as_of())
    evidence = []
    for task in found:
        detail = (f"应于 {task.due_on:%Y-%m-%d} 前完成，{task.confirmed_on:%Y-%m-%d} 确认完成" if task.confirmed_on
                  else f"应于 {task.due_on:%Y-%m-%d} 前完成，至 {period.as_of():%Y-%m-%d} 尚未确认完成")
        evidence.append(Evidence(f"{task.plan.title} {task.number} {task.text[:40]}",
                                 reverse("staff-workplan-task", args=[task.pk]), detail))
    return Measure(IndicatorCode.WORK_TASKS_OVERDUE, len(found), evidence=evidence)


def stale_columns(agency: Agency, period: Period) -> Measure:
    """Blank columns and columns not updated within their kind's period (国办秘函〔2019〕19号), judged on the
    period's end (or today while it runs)."""
    found = failing_columns(agency, period.as_of())
    return Measure(IndicatorCode.STALE_COLUMNS, len(found),
                   evidence=[Evidence(c.name, c.url, c.detail) for c in found])


def measure_agency(agency: Agency, period: Period, calendar: WorkCalendar | None = None) -> dict[str, Measure]:
    """Every indicator of `agency` for `period`, by indicator code."""
    calendar = calendar or WorkCalendar.load()
    measures = [on_time_rate(agency, period, calendar), overdue_documents(agency, period),
                missing_interpretations(agency, period), catalog_not_met(agency, period),
                cases_overdue(agency, period, calendar), guide_stale(agency, period),
                work_tasks_overdue(agency, period), stale_columns(agency, period)]
    return {m.code: m for m in measures}


def measure_all(agencies: list[Agency], period: Period) -> dict[int, dict[str, Measure]]:
    """Every indicator of each agency, by agency id."""
    calendar = WorkCalendar.load()
    return {agency.pk: measure_agency(agency, period, calendar) for agency in agencies}
