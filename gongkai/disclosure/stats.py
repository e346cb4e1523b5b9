"""Figures for the annual report (tables 3 and 4 of the national format) and the most requested topics.

Table 3 counts applications by applicant column: new this year, carried over from last year, results of the
year by decision row, and carried into next year. Table 4 counts reviews and lawsuits filed in the year by
outcome (as it stood at the year's end).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from gongkai.disclosure.models import (
    ApplicantType,
    Application,
    LitigationRoute,
    OrganizationKind,
    RemedyKind,
    RemedyOutcome,
)
from gongkai.disclosure.rules import DECISIONS, DecisionGroup, RecordCorrectionOutcome, RequestKind

COLUMNS: list[tuple[str, str]] = [("natural_person", "自然人"),
                                  *[(k.value, k.label) for k in OrganizationKind], ("total", "总计")]
OUTCOMES = [RemedyOutcome.MAINTAINED, RemedyOutcome.CORRECTED, RemedyOutcome.OTHER, RemedyOutcome.PENDING]


def column_of(application: Application) -> str:
    if application.applicant_type == ApplicantType.NATURAL_PERSON:
        return "natural_person"
    return application.organization_kind or OrganizationKind.OTHER


@dataclass
class Row:
    key: str
    label: str
    level: int = 0  # 0: section, 1: group, 2: item
    counts: dict[str, int] = field(default_factory=lambda: {c: 0 for c, _ in COLUMNS})

    def add(self, column: str) -> None:
        self.counts[column] += 1
        self.counts["total"] += 1

    @property
    def values(self) -> list[int]:
        return [self.counts[c] for c, _ in COLUMNS]


def table3(applications: list[Application], year: int) -> list[Row]:
    """Table 3 (收到和处理政府信息公开申请情况) for `year`."""
    new = Row("new", "一、本年新收政府信息公开申请数量")
    carried_in = Row("carried_in", "二、上年结转政府信息公开申请数量")
    results_header = Row("results", "三、本年度办理结果")
    groups: dict[str, Row] = {}
    items: dict[str, Row] = {}
    result_rows: list[Row] = []
    group_numbers = "一二三四五六"
    for i, group in enumerate(DecisionGroup):
        label = f"（{group_numbers[i]}）{group.label}"
        if group == DecisionGroup.PARTIALLY_GRANTED:
            label += "（区分处理的，只计这一情形，不计其他情形）"
        groups[group.value] = Row(group.value, label, level=1)
        result_rows.append(groups[group.value])
        members = [d for d in DECISIONS.values() if d.group == group.value and d.code != group.value]
        for n, decision in enumerate(members, start=1):
            items[decision.code] = Row(decision.code, f"{n}. {decision.label}", level=2)
            result_rows.append(items[decision.code])
    total = Row("results_total", "（七）总计", level=1)
    carried_out = Row("carried_out", "四、结转下年度继续办理")
    rows = {r.key: r for r in (new, carried_in, total, carried_out, *groups.values(), *items.values())}
    for a in applications:
        column = column_of(a)
        for key in table3_rows_of(a, year):
            if key in rows:
                rows[key].add(column)
    return [new, carried_in, results_header, *result_rows, total, carried_out]


def table3_rows_of(a: Application, year: int) -> list[str]:
    """The keys of the table 3 rows that count application `a` in `year` (its column is column_of(a)):
    new, carried_in, the decision's group and code, results_total, carried_out."""
    if a.is_record_correction:
        return []  # 《条例》第四十一条 requests are not applications for information: no row of table 3 is theirs
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    decided = a.decided_on if a.decision else None
    keys = []
    if start <= a.received_on <= end:
        keys.append("new")
    if a.received_on < start and (decided is None or decided >= start):
        keys.append("carried_in")
    if decided and start <= decided <= end:
        group = a.decision.split(".")[0]
        keys.append(group)
        if a.decision != group:
            keys.append(a.decision)
        keys.append("results_total")
    if a.received_on <= end and (decided is None or decided > end):
        keys.append("carried_out")
    return keys


@dataclass
class RemedyTable:
    review: dict[str, int]
    direct: dict[str, int]
    after_review: dict[str, int]


def table4(applications: list[Application], year: int) -> RemedyTable:
    """Table 4 (因政府信息公开工作被申请行政复议、提起行政诉讼情况) for `year`."""

    def empty() -> dict[str, int]:
        return {**{o.value: 0 for o in OUTCOMES}, "total": 0}

    table = RemedyTable(empty(), empty(), empty())
    for a in applications:
        for remedy in a.remedies.all():
            cell = table4_cell_of(remedy, year)
            if cell is None:
                continue
            target = getattr(table, cell[0])
            target[cell[1]] += 1
            target["total"] += 1
    return table


def table4_cell_of(remedy, year: int) -> tuple[str, str] | None:
    """(review | direct | after_review, outcome as it stood at the end of `year`) for a remedy filed in `year`."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if not start <= remedy.filed_on <= end:
        return None
    concluded = remedy.concluded_on and remedy.concluded_on <= end
    outcome = remedy.outcome if concluded else RemedyOutcome.PENDING
    if remedy.kind == RemedyKind.REVIEW:
        return "review", str(outcome)
    if remedy.route == LitigationRoute.AFTER_REVIEW:
        return "after_review", str(outcome)
    return "direct", str(outcome)


def annual_figures(queryset, year: int) -> dict:
    applications = list(queryset.prefetch_related("remedies").select_related("record_correction"))
    return {"year": year, "columns": COLUMNS, "table3": table3(applications, year),
            "table4": table4(applications, year), "outcomes": [(o.value, o.label) for o in OUTCOMES],
            "record_corrections": record_corrections(applications, year)}


def record_corrections(applications: list[Application], year: int) -> dict:
    """Requests to correct one's own records (《条例》第四十一条) received and answered in `year`, by outcome:
    counted apart from table 3, for the report's narrative part."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    mine = [a for a in applications if a.is_record_correction]
    answered: Counter[str] = Counter()
    for a in mine:
        if a.decided_on and start <= a.decided_on <= end and hasattr(a, "record_correction"):
            answered[a.record_correction.outcome] += 1
    return {"received": sum(1 for a in mine if start <= a.received_on <= end),
            "answered": [(o.label, answered[o.value]) for o in RecordCorrectionOutcome]}


# Words that say nothing about the topic of a request.
STOPWORDS = set("申请 公开 政府 信息 政府信息 关于 有关 相关 情况 本人 我们 要求 提供 依法 请求 获取 以及 或者 "
                "文件 材料 资料 内容 具体 全部 所有 其中 是否 进行 工作 方面 年度 复印件 一份 需要 给予 告知 "
                "本局 贵局 贵单位 单位 部门 办理 通过 根据 依据 规定 条例 涉及 包括 包含 期间 时间 之日 "
                "哪些 什么 如何 以来 以后 以前 目前 现在 事项".split())
_WORD = re.compile(r"^[\u4e00-\u9fff]{2,}$")


def requested_topics(queryset, limit: int = 20) -> dict:
    """Applications by subject category, and the words that recur most across their descriptions."""
    import rjieba

    subjects: Counter[str] = Counter()
    words: Counter[str] = Counter()
    requests = queryset.filter(request_kind=RequestKind.DISCLOSURE)  # topics of information asked for
    for subject, description in requests.values_list("subject", "description"):
        subjects[subject or "（未分类）"] += 1
        words.update({w for w in rjieba.cut(description or "") if _WORD.match(w) and w not in STOPWORDS})
    return {"subjects": subjects.most_common(limit), "words": words.most_common(limit)}
