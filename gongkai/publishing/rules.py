"""Statutory rules of proactive disclosure, each with its source.

《中华人民共和国政府信息公开条例》(国务院令第711号, 2019年修订) is cited as 《条例》.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models

from gongkai.core.workdays import WorkCalendar, WorkdayResult

# 《条例》第二十六条：属于主动公开范围的政府信息，应当自该政府信息形成或者变更之日起20个工作日内及时公开。
# 法律、法规对政府信息公开的期限另有规定的，从其规定。
PROACTIVE_DISCLOSURE_WORKDAYS = 20


class DisclosurePeriod(models.TextChoices):
    """公开时限依据 of a revision: 《条例》第二十六条 unless a law sets its own period (“另有规定的，从其规定”)."""

    REGULATION = "regulation_art26", "《条例》第二十六条：自形成或者变更之日起20个工作日内"
    DEPARTMENT_BUDGET = "budget_law_art14_2", "《预算法》第十四条第二款：部门预算、决算及报表，批复后20日内"
    GOVERNMENT_BUDGET = "budget_law_art14_1", ("《预算法》第十四条第一款：政府预算、预算调整、决算、预算执行情况的报告"
                                               "及报表，批准后20日内")
    ENTERPRISE_POLICY = "enterprise_policy", "涉企政策：新制定的涉企政策20个工作日内公开并推送（宁政办发〔2019〕40号（九））"
    MAJOR_DECISION = "major_decision", "重大行政决策：自决定作出之日起20日内（长办发〔2017〕7号（八））"
    LICENSING_PENALTY = "licensing_penalty", "双公示：行政许可、行政处罚决定作出之日起7个工作日内（长办发〔2017〕7号（三十一））"
    INTERPRETATION = "interpretation", "政策解读：与政策文件同步，最迟于政策文件公开后3个工作日内"


@dataclass(frozen=True)
class PeriodRule:
    """One statutory period: how many days, whether they are working days, from which event, and the text."""

    days: int
    workdays: bool
    start_event: str  # the event the date on the revision records, in the words of the source
    source: str


PERIOD_RULES: dict[str, PeriodRule] = {
    DisclosurePeriod.REGULATION: PeriodRule(
        PROACTIVE_DISCLOSURE_WORKDAYS, True, "形成或者变更",
        "《政府信息公开条例》第二十六条：属于主动公开范围的政府信息，应当自该政府信息形成或者变更之日起20个工作日内"
        "及时公开。法律、法规对政府信息公开的期限另有规定的，从其规定。"),
    # 二十日 without 工作日 counts calendar days, the start day excluded (《民法典》第二百零一条).
    DisclosurePeriod.DEPARTMENT_BUDGET: PeriodRule(
        20, False, "批复",
        "《预算法》第十四条第二款：经本级政府财政部门批复的部门预算、决算及报表，应当在批复后二十日内由各部门向社会"
        "公开，并对部门预算、决算中机关运行经费的安排、使用情况等重要事项作出说明。"),
    DisclosurePeriod.GOVERNMENT_BUDGET: PeriodRule(
        20, False, "批准",
        "《预算法》第十四条第一款：经本级人民代表大会或者其常务委员会批准的预算、预算调整、决算、预算执行情况的报告"
        "及报表，应当在批准后二十日内由本级政府财政部门向社会公开，并对本级政府财政转移支付安排、执行的情况以及举借"
        "债务的情况等重要事项作出说明。"
        "（长办发〔2017〕7号（三十）同：政府预决算批准后20日内、部门预决算批复后20日内向社会公开。）"),
    # 宁政办发〔2019〕40号 (seed 000) item (九) — the item's number is lost in the seed's text; it is the ninth item,
    # after (八) 放管服: “对新制定的涉企政策要在20个工作日内，通过网站和政务新媒体按行业领域精准推送”.
    DisclosurePeriod.ENTERPRISE_POLICY: PeriodRule(
        20, True, "形成或者变更",
        "宁政办发〔2019〕40号（九）推进涉企政策信息公开：对新制定的涉企政策要在20个工作日内，通过网站和政务新媒体"
        "按行业领域精准推送，并及时更新到涉企目录清单中。"),
    # 长办发〔2017〕7号 (seed 001) (八): 20日 without 工作日, so calendar days as for the budgets above.
    DisclosurePeriod.MAJOR_DECISION: PeriodRule(
        20, False, "作出决定",
        "长办发〔2017〕7号（八）：由行政机关作出决定的重大行政决策，决策机关要在决定作出之日起20日内，通过政府网站、"
        "报刊、电视等媒体向社会公布。"),
    # 长办发〔2017〕7号 (三十一), 双公示: licensing results and penalties under the general procedure.
    DisclosurePeriod.LICENSING_PENALTY: PeriodRule(
        7, True, "作出行政决定",
        "长办发〔2017〕7号（三十一）：行政许可事项结果信息、适用一般程序做出的行政处罚信息，除法律法规政策规定不予网上"
        "公开的事项外，均应在作出行政决定之日起7个工作日内报送并统一公开。"),
    # The seeds require interpretations to be published with their policy (000 (一), 001 (三十二), 003 (二):
    # 同步起草、同步审签、同步发布); the 3 working days allowed after the policy are the figure of issue #12,
    # which none of the five seeds states. The date on the revision records the policy's publication.
    DisclosurePeriod.INTERPRETATION: PeriodRule(
        3, True, "所解读的政策文件公开",
        "政策解读与政策文件同步组织、同步审签、同步发布（宁政办发〔2019〕40号（一）、长办发〔2017〕7号（三十二）、"
        "2024年平度市政务公开工作要点二（二））；未能同步的，最迟于政策文件公开后3个工作日内发布（本平台规则，"
        "见 issue #12）。"),
}

# The period a new document of each 公文种类 starts with; every other type starts with 《条例》第二十六条. Change
# this table to configure the default per document type: the drafter may still choose another period.
DOC_TYPE_PERIODS: dict[str, str] = {
    "政策解读": DisclosurePeriod.INTERPRETATION,
}


def default_period(doc_type: str) -> str:
    """The period a document of `doc_type` is timed by unless the drafter chooses another."""
    return DOC_TYPE_PERIODS.get(doc_type, DisclosurePeriod.REGULATION)


@dataclass(frozen=True)
class DisclosureDeadline:
    """The last day to publish, with the rule it follows and how it was counted."""

    period: str
    rule: PeriodRule
    start: dt.date
    due_on: dt.date
    workday_count: WorkdayResult | None  # None for a calendar-day period

    @property
    def confirmed(self) -> bool:
        """False while a working day it counts lies in a year whose holiday notice is not entered yet."""
        return self.workday_count is None or self.workday_count.confirmed

    @property
    def summary(self) -> str:
        """The period in one Chinese phrase, as the document page and dashboard show it."""
        unit = "个工作日" if self.rule.workdays else "日（自然日）"
        return f"自{self.rule.start_event}之日 {self.start:%Y-%m-%d} 起 {self.rule.days} {unit}"

    def explain(self) -> list[str]:
        """Chinese sentences that show how the due date was reached."""
        if self.workday_count is not None:
            return self.workday_count.explain()
        return [f"自 {self.start:%Y-%m-%d} 起算（当日不计入），按自然日计 {self.rule.days} 日，"
                f"第 {self.rule.days} 日为 {self.due_on:%Y-%m-%d}（逢节假日不顺延）。"]


def disclosure_deadline(formed_on: dt.date, calendar: WorkCalendar | None = None,
                        period: str = DisclosurePeriod.REGULATION) -> DisclosureDeadline:
    """The last day to publish information whose clock under `period` starts on `formed_on`.

    `formed_on` is the revision's 形成或变更日期; under a 《预算法》 period it records the day of 批复 or 批准."""
    rule = PERIOD_RULES[period]
    if rule.workdays:
        counted = (calendar or WorkCalendar.load()).add_workdays(formed_on, rule.days)
        return DisclosureDeadline(period, rule, formed_on, counted.due_on, counted)
    # A calendar-day period ends on its 20th day even when that is a weekend or holiday. 《预算法》第十四条 and
    # 《地方预决算公开操作规程》(财预〔2016〕143号) say 二十日内 with no postponement; publishing on the portal does
    # not need the office open; and the clock is a warning to the office, so it takes the stricter reading rather
    # than the civil-law postponement of 《民法典》第二百零三条 (which would otherwise move the last day past a holiday).
    return DisclosureDeadline(period, rule, formed_on, formed_on + dt.timedelta(days=rule.days), None)


def change_date_error(formed_on: dt.date, *, today: dt.date, live_published_on: dt.date | None,
                      previous_formed_on: dt.date | None) -> str | None:
    """Why `formed_on` cannot date a change to a public document (《条例》第二十六条“变更之日”), or None.

    A change is dated the day it was made: not after today (the clock cannot be put off), not before the public
    version it changes was published, nor before the previous revision's date (an old date would start the
    change's period in the past, so it would be overdue as soon as it is saved)."""
    if formed_on > today:
        return f"形成或变更日期不能晚于今天（{today:%Y-%m-%d}）：公开时限自变更实际发生之日起算。"
    if live_published_on is not None and formed_on < live_published_on:
        return (f"形成或变更日期不能早于现行公开版本的发布日期（{live_published_on:%Y-%m-%d}）：修改已公开的信息，"
                f"请填写本次变更的日期（通常为今天），公开时限自变更之日重新起算（《条例》第二十六条）。")
    if previous_formed_on is not None and formed_on < previous_formed_on:
        return f"形成或变更日期不能早于上一版本的形成或变更日期（{previous_formed_on:%Y-%m-%d}）。"
    return None


class DisclosureMode(models.TextChoices):
    # 公开属性 is set when the document is drafted and sent for approval with it (长办发〔2017〕7号 (三十四)).
    PROACTIVE = "proactive", "主动公开"
    ON_APPLICATION = "on_application", "依申请公开"
    WITHHELD = "withheld", "不予公开"


class WithholdingGround(models.TextChoices):
    """Legal grounds for not disclosing proactively; required whenever the mode is not 主动公开."""

    STATE_SECRET = "art14_state_secret", "《条例》第十四条：依法确定为国家秘密"
    PROHIBITED_BY_LAW = "art14_prohibited", "《条例》第十四条：法律、行政法规禁止公开"
    THREE_SECURITIES = "art14_security", "《条例》第十四条：公开后可能危及国家安全、公共安全、经济安全、社会稳定"
    THIRD_PARTY = "art15_third_party", "《条例》第十五条：涉及商业秘密、个人隐私等，公开会损害第三方合法权益"
    INTERNAL_AFFAIRS = "art16_internal", "《条例》第十六条第一款：人事管理、后勤管理、内部工作流程等内部事务信息"
    PROCESS_INFORMATION = "art16_process", "《条例》第十六条第二款：讨论记录、过程稿、磋商信函、请示报告等过程性信息"
    LAW_ENFORCEMENT_FILE = "art16_enforcement", "《条例》第十六条第二款：行政执法案卷信息"
    SPECIFIC_NEED = "art27_on_application", "《条例》第二十七条：不属于主动公开范围，可依申请公开"


class Validity(models.TextChoices):
    VALID = "valid", "有效"
    EXPIRED = "expired", "失效"
    REPEALED = "repealed", "废止"
    AMENDED = "amended", "已修订"


def lifecycle_errors(validity: str, effective_on: dt.date | None, expires_on: dt.date | None,
                     repealed_on: dt.date | None) -> dict[str, list[str]]:
    """What is wrong with a validity and its dates, by field (empty when they agree)."""
    errors: dict[str, list[str]] = {}

    def err(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if validity not in Validity.values:
        err("validity", "请选择有效性。")
    if validity == Validity.REPEALED and not repealed_on:
        err("repealed_on", "已废止的文件请填写废止日期。")
    if validity == Validity.EXPIRED and not expires_on:
        err("expires_on", "已失效的文件请填写失效日期。")
    if effective_on and repealed_on and repealed_on < effective_on:
        err("repealed_on", "废止日期不能早于施行日期。")
    if effective_on and expires_on and expires_on < effective_on:
        err("expires_on", "失效日期不能早于施行日期。")
    return errors


class RelationKind(models.TextChoices):
    AMENDS = "amends", "修改"
    REPEALS = "repeals", "废止"
    INTERPRETS = "interprets", "解读"


# How each relation reads from the other side, for the "shown both ways" rule.
RELATION_LABELS = {
    RelationKind.AMENDS: ("本文件修改了", "本文件已被修改，修改文件"),
    RelationKind.REPEALS: ("本文件废止了", "本文件已被废止，废止文件"),
    RelationKind.INTERPRETS: ("本文是对以下文件的解读", "相关解读"),
}


# 人大代表建议和政协委员提案办理结果 (2018年上海市政务公开工作要点 七（一）): the replies (答复, 复文) are published as
# documents of their own 公文种类, with the suggestion's or proposal's number, its author, whether this agency led
# the handling or joined it, and the grade of the reply. Their public column is participation's /hdjl/jyta/.
MOTION_REPLY_TYPES = ("建议办理复文", "提案办理复文")
MOTION_REPLY_SOURCE = ("《2018年上海市政务公开工作要点》七（一）：进一步推进人大代表建议和政协委员提案办理结果公开，对社会广泛"
                       "关注、关系国计民生的建议提案，承办单位原则上要公开答复全文。")
MOTION_LABELS = {"建议办理复文": ("建议编号", "代表"), "提案办理复文": ("提案编号", "委员")}


class HandlingRole(models.TextChoices):
    """办理类型: the agency that answers (主办) or one that contributes its part to the answer (会办)."""

    LEAD = "lead", "主办"
    JOINT = "joint", "会办"


class ReplyGrade(models.TextChoices):
    """答复类型 as handling offices grade their replies."""

    A = "A", "A类（所提问题已经解决或采纳）"
    B = "B", "B类（正在解决或已列入计划逐步解决）"
    C = "C", "C类（因条件限制等原因暂时难以解决，留作参考）"
