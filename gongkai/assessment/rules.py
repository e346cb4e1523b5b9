"""The assessment's fixed vocabulary: the indicators it can measure, the deduction formulas a scheme may choose
(no user-entered code is ever evaluated) and the default scheme's weights. None of these is statutory: the
general office sets its own 考评方案 each year. The one exception is the columns' update periods below, which
are the national inspection's (国办秘函〔2019〕19号)."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db import models


class IndicatorCode(models.TextChoices):
    ON_TIME_RATE = "on_time_rate", "主动公开按时发布率"
    OVERDUE_DOCUMENTS = "overdue_documents", "超过公开时限未发布的信息"
    MISSING_INTERPRETATIONS = "missing_interpretations", "应解读未解读的政策文件"
    CATALOG_NOT_MET = "catalog_not_met", "未达标的主动公开目录事项"
    CASES_OVERDUE = "cases_overdue", "超期未答复的依申请公开案件"
    GUIDE_STALE = "guide_stale", "公开指南、负面清单未编制或本年度未复核"
    WORK_TASKS_OVERDUE = "work_tasks_overdue", "工作要点任务逾期"
    STALE_COLUMNS = "stale_columns", "栏目空白或不更新"


class Formula(models.TextChoices):
    RATE = "rate", "得分 = 满分 × 达标率"
    PER_ITEM = "per_item", "每件扣 X 分，扣完为止"
    ANY_ITEM = "any_item", "有一件即扣全部分值"


# Indicators a scheme may add beside the defaults; not in the default scheme, whose 100 marks are all given.
OPTIONAL_INDICATORS: tuple[tuple[str, str, str, str], ...] = (
    ("work_tasks_overdue", "0", "per_item", "1"),
    ("stale_columns", "0", "per_item", "1"),
)


class TaskState(models.TextChoices):
    """Where a task of the work plan (工作要点) stands; overdue is computed, not a state."""

    PENDING = "pending", "未开始"
    IN_PROGRESS = "in_progress", "进行中"
    REPORTED = "reported", "已报完成"
    CONFIRMED = "confirmed", "已确认完成"


OPEN_TASK_STATES = (TaskState.PENDING, TaskState.IN_PROGRESS, TaskState.REPORTED)
# The XLSX columns of a work plan's tasks (import reads the first four, export adds the rest).
TASK_COLUMNS = ("序号", "工作任务", "责任单位", "完成时限")
MAX_TASKS_PER_IMPORT = 1000
MAX_EVIDENCE_DOCUMENTS = 20

# Indicators measured as a rate (the only ones the rate formula fits).
RATE_INDICATORS = frozenset({IndicatorCode.ON_TIME_RATE})
MAX_WEIGHT = Decimal("1000")
TWO_PLACES = Decimal("0.01")

# The seeded scheme: 100 marks, the heaviest on the proactive clock and the reply clock (《条例》第二十六条、
# 第三十三条), then interpretations and the catalogue. (indicator, weight, formula, points per item)
DEFAULT_NAME = "政务公开工作考评方案（默认）"
DEFAULT_INDICATORS: tuple[tuple[str, str, str, str], ...] = (
    (IndicatorCode.ON_TIME_RATE, "30", Formula.RATE, "0"),
    (IndicatorCode.OVERDUE_DOCUMENTS, "20", Formula.PER_ITEM, "2"),
    (IndicatorCode.MISSING_INTERPRETATIONS, "15", Formula.PER_ITEM, "3"),
    (IndicatorCode.CATALOG_NOT_MET, "15", Formula.PER_ITEM, "1"),
    (IndicatorCode.CASES_OVERDUE, "15", Formula.PER_ITEM, "5"),
    (IndicatorCode.GUIDE_STALE, "5", Formula.ANY_ITEM, "0"),
)


def score(formula: str, weight: Decimal, points: Decimal, count: int, rate: float | None) -> Decimal:
    """The marks an indicator earns under `formula`: never below 0 nor above `weight`.

    A rate with nothing to count (no document published in the period) earns full marks."""
    if formula == Formula.RATE:
        value = weight if rate is None else weight * Decimal(str(rate))
    elif formula == Formula.PER_ITEM:
        value = weight - points * count
    elif formula == Formula.ANY_ITEM:
        value = weight if count == 0 else Decimal(0)
    else:
        raise ValueError(f"unknown formula {formula!r}")
    return min(weight, max(Decimal(0), value)).quantize(TWO_PLACES, ROUND_HALF_UP)


# -- columns of the public site: blank or not updated ----------------------------------------------------------------
# 国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》，单项否决指标“栏目不更新”：动态、要闻类栏目超过 2 周未更新；
# 通知公告、政策文件类栏目超过 6 个月未更新；人事、规划计划类栏目超过 1 年未更新；以及“空白栏目”（栏目从未有过内容）。
COLUMNS_SOURCE = "国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》"


class ColumnKind(models.TextChoices):
    """The kinds of column the inspection gives an update period; OTHER has none (only a blank one counts)."""

    NEWS = "news", "动态、要闻类"
    NOTICES_POLICIES = "notices_policies", "通知公告、政策文件类"
    PERSONNEL_PLANS = "personnel_plans", "人事、规划计划类"
    OTHER = "other", "其他（仅检查是否空白）"


# The longest a column may go without an update, in calendar time as the inspection counts it: (days, months).
# A column is stale when its newest public document is older than the reference date less this period
# (“超过”: exactly 2 weeks or exactly 6 months is not yet stale).
COLUMN_PERIODS: dict[str, tuple[int, int]] = {
    ColumnKind.NEWS: (14, 0),
    ColumnKind.NOTICES_POLICIES: (0, 6),
    ColumnKind.PERSONNEL_PLANS: (0, 12),
}
COLUMN_PERIOD_TEXT = {ColumnKind.NEWS: "2 周", ColumnKind.NOTICES_POLICIES: "6 个月",
                      ColumnKind.PERSONNEL_PLANS: "1 年", ColumnKind.OTHER: "无更新周期"}

# Keywords in a catalogue item's 二级事项, then its 一级事项, that give the column's kind; the first kind whose
# keyword appears wins, in this order (a 人事任免通知 column is a personnel column, not a notices one).
COLUMN_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (ColumnKind.NEWS, ("动态", "要闻", "新闻", "工作动态")),
    (ColumnKind.PERSONNEL_PLANS, ("人事", "任免", "规划", "计划")),
    (ColumnKind.NOTICES_POLICIES, ("通知", "公告", "通告", "政策", "文件", "规范性文件", "规章")),
)

# The portal's home blocks are columns too, filled from the document types of these settings (gongkai/conf.py).
HOME_NEWS_COLUMN = "要闻动态（首页）"
HOME_NOTICES_COLUMN = "通知公告（首页）"


def kind_from_names(*names: str) -> str:
    """The column kind the keywords give for the first of `names` that matches any, else OTHER."""
    for name in names:
        for kind, words in COLUMN_KEYWORDS:
            if name and any(word in name for word in words):
                return kind
    return ColumnKind.OTHER


def stale_after(kind: str, last_update: dt.date) -> dt.date | None:
    """The last day a column updated on `last_update` is still current (None: the kind has no period)."""
    if kind not in COLUMN_PERIODS:
        return None
    days, months = COLUMN_PERIODS[kind]
    if months:
        month = last_update.month - 1 + months
        year, month = last_update.year + month // 12, month % 12 + 1
        day = min(last_update.day, calendar.monthrange(year, month)[1])
        return dt.date(year, month, day)
    return last_update + dt.timedelta(days=days)
