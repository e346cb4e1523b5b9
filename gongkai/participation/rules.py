"""The statutory numbers of public consultations on drafts (征求意见 / 决策预公开), each with its source.

A draft is open for comment for no shorter than the minimum of its kind. Every minimum reads "一般不少于":
a shorter period is allowed only where the agency states the reason (an emergency) when the consultation
opens, as 《重大行政决策程序暂行条例》第十五条 requires, and the reason is published with it.

Periods counted in days follow 《中华人民共和国民法典》第二百零一条 (the opening day is not counted) and
第二百零三条 (a period whose last day falls on a statutory holiday ends on the day after the holiday; the
last day ends at 24:00). Periods counted in working days use the working-day calendar (gongkai.core.workdays),
make-up working days (调休) included.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models

from gongkai.core.workdays import WorkCalendar
from gongkai.publishing.rules import PERIOD_RULES, DisclosurePeriod, disclosure_deadline


class ConsultationKind(models.TextChoices):
    """What the draft is: the kind decides the minimum period."""

    RULE = "rule", "规章草案"
    NORMATIVE = "normative", "行政规范性文件"
    NORMATIVE_MARKET = "normative_market", "行政规范性文件（与市场主体生产经营活动密切相关）"
    MAJOR_DECISION = "major_decision", "重大行政决策"


@dataclass(frozen=True)
class MinimumPeriod:
    days: int
    workdays: bool  # counted in working days (else in calendar days)
    source: str

    @property
    def text(self) -> str:
        return f"{self.days}{'个工作日' if self.workdays else '日'}"


MINIMUM_PERIODS: dict[str, MinimumPeriod] = {
    ConsultationKind.RULE: MinimumPeriod(
        30, False, "《规章制定程序条例》第十五条第二款：起草规章，除依法需要保密的外，应当将规章草案及其说明等向社会公布，"
                   "征求意见。向社会公布征求意见的期限一般不少于30日。"),
    # 国办发〔2018〕37号 is not in the shared corpus (the shared corpus holds laws and regulations, not the
    # State Council General Office's notices): its item “广泛征求意见” is cited from the notice as published and
    # should be checked against the official text when the corpus gains it.
    ConsultationKind.NORMATIVE: MinimumPeriod(
        7, True, "《国务院办公厅关于加强行政规范性文件制定和监督管理工作的通知》（国办发〔2018〕37号）“广泛征求意见”：对涉及"
                 "群众切身利益或者对公民、法人和其他组织权利义务有重大影响的行政规范性文件，要向社会公开征求意见；对相对集中的"
                 "意见建议不予采纳的，公布时要说明理由；向社会公开征求意见的期限一般不少于7个工作日。"),
    ConsultationKind.NORMATIVE_MARKET: MinimumPeriod(
        30, False, "《优化营商环境条例》第六十二条第二款：制定与市场主体生产经营活动密切相关的行政法规、规章、行政规范性文件，"
                   "应当通过报纸、网络等向社会公开征求意见，并建立健全意见采纳情况反馈机制。向社会公开征求意见的期限一般不少于30日。"),
    ConsultationKind.MAJOR_DECISION: MinimumPeriod(
        30, False, "《重大行政决策程序暂行条例》第十五条第一款：公开征求意见的期限一般不少于30日；因情况紧急等原因需要缩短期限的，"
                   "公开征求意见时应当予以说明。"),
}

EMERGENCY_SOURCE = ("《重大行政决策程序暂行条例》第十五条第一款：因情况紧急等原因需要缩短期限的，公开征求意见时应当予以说明。"
                    "各类草案的最短期限均为“一般不少于”，缩短的须在开始征求意见时公布理由。")
PERIOD_COUNTING_SOURCE = ("《民法典》第二百零一条：按照日计算期间的，开始的当日不计入，自下一日开始计算；第二百零三条：期间的"
                          "最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日，截止时间为二十四时。")

# 意见采纳情况 is government information formed when the agency concludes on the comments: it is published
# proactively within the general time limit of 《政府信息公开条例》第二十六条 (20 working days from its
# formation), counted here from the end of the consultation. The dashboard flags feedback not published by then.
FEEDBACK_PERIOD = PERIOD_RULES[DisclosurePeriod.REGULATION]
FEEDBACK_WORKDAYS = FEEDBACK_PERIOD.days
FEEDBACK_SOURCE = ("意见采纳情况属于《政府信息公开条例》第二十六条规定的主动公开信息，应当自该信息形成（征求意见结束）之日起"
                   f"{FEEDBACK_WORKDAYS}个工作日内公开；《优化营商环境条例》第六十二条要求建立健全意见采纳情况反馈机制，"
                   "《重大行政决策程序暂行条例》第三十二条要求说明公众意见的采纳情况。")
# How many working days before the feedback limit the dashboard starts warning.
FEEDBACK_WARN_WORKDAYS = 5

# 重大行政决策: the decision itself is published within 20 days (长办发〔2017〕7号（八）, the publishing clock's
# DisclosurePeriod.MAJOR_DECISION, whose PeriodRule carries the source text); the catalogue page (/hdjl/zdjcml/)
# links each consultation to its decision once published and flags a decision published after the limit.
# Calendar days from the day the decision was made (not counted), the last day not moved past a holiday — the
# publishing clock's reading (publishing.rules.disclosure_deadline).
DECISION_PERIOD = PERIOD_RULES[DisclosurePeriod.MAJOR_DECISION]
DECISION_PUBLICATION_DAYS = DECISION_PERIOD.days


def decision_due(decided_on: dt.date) -> dt.date:
    """The last day to publish a major administrative decision made on `decided_on`."""
    return disclosure_deadline(decided_on, period=DisclosurePeriod.MAJOR_DECISION).due_on

# What can be put out for comment as a draft: not a reply (to a request, a suggestion or a proposal), minutes or an
# interpretation — they answer or record, they do not propose — and not a draft whose consultation was already opened.
NOT_DRAFT_DOC_TYPES = ("建议办理复文", "提案办理复文", "批复", "纪要", "政策解读")

# The counts in the feedback (收到/采纳意见条数): whole numbers from 0 up to this sanity bound.
MAX_FEEDBACK_COUNT = 1_000_000

# Extending an open consultation (not a statutory limit: a bound that catches a mistyped year, and a reason that
# fits the public page).
MAX_EXTENSION_DAYS = 90
MAX_EXTENSION_REASON_CHARS = 500

# Comments: how long one may be, and the size of an attachment, kept small for the public form.
MAX_COMMENT_CHARS = 5000
MAX_NAME_CHARS = 50
MAX_CONTACT_CHARS = 100
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024


def attachment_limit() -> int:
    """The largest attachment a resident may send with a comment, message or error report (the public forms let
    a body this large through: core.middleware.takes_public_uploads)."""
    from django.conf import settings

    return min(settings.GONGKAI_MAX_UPLOAD_BYTES, MAX_ATTACHMENT_BYTES)


def minimum_end(kind: str, starts_on: dt.date, calendar: WorkCalendar) -> dt.date:
    """The earliest last day (inclusive, until 24:00) of a consultation of `kind` opened on `starts_on`."""
    rule = MINIMUM_PERIODS[kind]
    if rule.workdays:
        return calendar.add_workdays(starts_on, rule.days).due_on
    last = starts_on + dt.timedelta(days=rule.days)
    # 第二百零三条: a last day on a holiday (weekends included) moves to the first working day after it.
    while not calendar.is_workday(last):
        last += dt.timedelta(days=1)
    return last


def feedback_due(ends_on: dt.date, calendar: WorkCalendar) -> dt.date:
    """The last day to publish the feedback of a consultation whose last day was `ends_on`."""
    return calendar.add_workdays(ends_on, FEEDBACK_WORKDAYS).due_on


# -- 政策执行效果评估 --------------------------------------------------------------------------------------------
# 平度市2024年政务公开工作要点（seed 003）二（四）开展政策效果评价: the departments that make policy documents
# evaluate at least twice a year and publish the results and their use before the year ends.
EVALUATIONS_PER_YEAR = 2
EVALUATION_SOURCE = ("《2024年平度市政务公开工作要点》二（四）开展政策效果评价：选取本单位重点政策，围绕政策执行标准、适用"
                     "范围、取得成效、存在问题等实施效果评价，全面掌握政策落地情况，制定政策性文件的部门原则上每年至少"
                     f"开展{EVALUATIONS_PER_YEAR}次专题性政策评价工作，年底前将评价结果和运用情况向社会公开。")
# Who counts as a policy-making agency (制定政策性文件的部门) in a year: one that published a policy document in
# that year or the year before (a policy made last year is what this year's evaluation usually looks at). A
# policy document here is one of the library's 政策文件 of a 公文种类 that sets policy; reports, requests, replies,
# letters, minutes, interpretations, drafts out for comment (其他) and the replies to suggestions and proposals
# do not make an agency policy-making.
POLICY_DOC_TYPES = ("地方政府规章", "部门规章", "行政规范性文件", "决定", "命令（令）", "意见", "通知", "通告", "公告")
POLICY_MAKING_YEARS = 2
# What an agency may choose to evaluate: any of its public policy documents but these.
NON_POLICY_DOC_TYPES = ("建议办理复文", "提案办理复文", "政策解读")

# -- 公众代表列席政府会议 ------------------------------------------------------------------------------------------
MEETING_SOURCE = ("《2024年平度市政务公开工作要点》二（三）加强政策公众参与：继续推进邀请利益相关方、公众代表、企业法人等"
                  "列席政府有关会议工作，列席代表的意见发表和采纳情况要向社会公开。")
MAX_ATTENDEE_NAME_CHARS = 50

# -- 人大代表建议和政协委员提案办理结果 --------------------------------------------------------------------------
MOTION_SOURCE = ("《2018年上海市政务公开工作要点》七（一）：进一步推进人大代表建议和政协委员提案办理结果公开，对社会广泛"
                 "关注、关系国计民生的建议提案，承办单位原则上要公开答复全文。")


# -- the government mailbox (政府信箱 / 领导信箱) and error reports (我为政府网站找错) -----------------------------------

class MessageCategory(models.TextChoices):
    """What the writer sends: the category decides the reply time limit."""

    MAILBOX = "mailbox", "政府信箱"
    LEADER_MAILBOX = "leader_mailbox", "领导信箱"
    INQUIRY = "inquiry", "咨询"
    SUGGESTION = "suggestion", "建言献策"
    COMPLAINT = "complaint", "投诉举报"
    ERROR_REPORT = "error_report", "我为政府网站找错"


@dataclass(frozen=True)
class ReplyLimit:
    workdays: int
    source: str


# 《政府网站发展指引》（国办发〔2017〕47号）“互动交流”要求建立网民留言的受理、转办、答复和反馈机制，按承诺时限
# 答复，但没有统一的天数：各地的政府信箱办法普遍规定为5个工作日。The defaults below are the platform's (issue #13),
# each overridable by GONGKAI_MESSAGE_REPLY_WORKDAYS where the local rules differ. Neither 国办发〔2017〕47号 nor the
# national 找错 platform's rules are in the shared corpus: they are cited as published and should be checked
# against the official text when the corpus gains them.
MAILBOX_SOURCE = ("《政府网站发展指引》（国办发〔2017〕47号）要求建立网民留言办理和反馈机制、在承诺时限内答复；本平台默认"
                  "5个工作日（各地政府信箱办法的通行时限），本地另有规定的，以本地规定为准。")
ERROR_REPORT_SOURCE = ("全国政府网站“我为政府网站找错”监督平台要求网站主管单位对转办的网民纠错留言在3个工作日内办理答复"
                       "（《国务院办公厅关于开展第一次全国政府网站普查的通知》（国办发〔2015〕15号）建立的纠错机制）；"
                       "本地另有规定的，以本地规定为准。")
REPLY_LIMITS: dict[str, ReplyLimit] = {
    MessageCategory.MAILBOX: ReplyLimit(5, MAILBOX_SOURCE),
    MessageCategory.LEADER_MAILBOX: ReplyLimit(5, MAILBOX_SOURCE),
    MessageCategory.INQUIRY: ReplyLimit(5, MAILBOX_SOURCE),
    MessageCategory.SUGGESTION: ReplyLimit(5, MAILBOX_SOURCE),
    MessageCategory.COMPLAINT: ReplyLimit(5, MAILBOX_SOURCE),
    MessageCategory.ERROR_REPORT: ReplyLimit(3, ERROR_REPORT_SOURCE),
}
# How many working days before the reply limit a message is listed as due soon.
MESSAGE_WARN_WORKDAYS = 1

# 国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》单项否决指标“互动回应差”：栏目中的留言超过3个月未回复的
# （an agency failing it fails the inspection outright). Months are counted as 民法典第二百零一条、第二百零二条 count
# them: from the day after receipt, ending on the same day of the month three months later.
VETO_MONTHS = 3
VETO_SOURCE = ("国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》单项否决指标“互动回应差”：对网民留言超过3个月未回复的，"
               "政府网站检查直接判定为不合格。")
# The platform raises a valid message still unanswered this many months after receipt to the general office, a
# month before it would become the veto item.
ESCALATE_MONTHS = 2

MAX_MESSAGE_TITLE_CHARS = 100
MAX_MESSAGE_CHARS = 5000
MAX_PHONE_CHARS = 30
MAX_EMAIL_CHARS = 254
MAX_PAGE_URL_CHARS = 1000
MAX_REPLY_CHARS = 10000
MAX_ADDRESS_CHARS = 200
# A forgotten access token: at most this many new tokens mailed for one message per window (seconds), whoever asks.
TOKEN_RESETS_PER_MESSAGE = (3, 86400)
# A letter, call or visit is entered with the day it came in; a day more than a year back is taken for a typing
# slip (2016 for 2026), which would put the message past the veto line at once.
MAX_BACKDATE_MONTHS = 12


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day where it has no such day: 1-31 + 1 month = 2-28/29)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has a 28th


def reply_workdays(category: str) -> int:
    """The reply limit of `category` in working days: GONGKAI_MESSAGE_REPLY_WORKDAYS where it names the category,
    else the default above."""
    from django.conf import settings

    overrides = getattr(settings, "GONGKAI_MESSAGE_REPLY_WORKDAYS", None) or {}
    value = overrides.get(category)
    return value if isinstance(value, int) and value > 0 else REPLY_LIMITS[category].workdays


def reply_due(category: str, received_on: dt.date, calendar: WorkCalendar) -> dt.date:
    """The last day to reply to a message of `category` received on `received_on` (the day of receipt not counted)."""
    return calendar.add_workdays(received_on, reply_workdays(category)).due_on


def veto_day(received_on: dt.date) -> dt.date:
    """The day an unanswered message received on `received_on` counts as unanswered for more than 3 months."""
    return add_months(received_on, VETO_MONTHS) + dt.timedelta(days=1)


def escalation_day(received_on: dt.date) -> dt.date:
    return add_months(received_on, ESCALATE_MONTHS)
