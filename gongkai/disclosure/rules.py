"""Statutory rules of disclosure on application (依申请公开), each with its source.

《条例》 is 《中华人民共和国政府信息公开条例》(国务院令第711号, 2019年修订); 《收费办法》 is
《政府信息公开信息处理费管理办法》(国办函〔2020〕109号). The categories of decisions are the rows of table 3
of the annual report format (《中华人民共和国政府信息公开工作年度报告格式》, 国办公开办函〔2021〕30号).
Everything here is pure: no database access except WorkCalendar.load() when no calendar is passed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import models

from gongkai.core.errors import DomainError
from gongkai.core.workdays import DayInfo, DueStatus, WorkCalendar, due_status

# ---------------------------------------------------------------------------------------------------------------
# Time limits

# 《条例》第三十三条第二款：不能当场答复的，应当自收到申请之日起20个工作日内予以答复。
REPLY_WORKDAYS = 20
# 《条例》第三十三条第二款：需要延长答复期限的，应当经政府信息公开工作机构负责人同意并告知申请人，
# 延长的期限最长不得超过20个工作日。
MAX_EXTENSION_WORKDAYS = 20
# 《条例》第三十条：应当自收到申请之日起7个工作日内一次性告知申请人作出补正。
CORRECTION_NOTICE_WORKDAYS = 7
# 《条例》第三十条 leaves the applicant's period to the agency (“合理的补正期限”); this is the default offered.
DEFAULT_CORRECTION_WORKDAYS = 15
# 《条例》第三十二条：第三方应当自收到征求意见书之日起15个工作日内提出意见；
# 第三十四条：被征求意见机关应当自收到征求意见书之日起15个工作日内提出意见。
CONSULTATION_WORKDAYS = 15
# 《收费办法》第七条：行政机关收费的，应当在答复期限内发出收费通知；申请人应当自收到收费通知之日起（次日起算）
# 20个工作日内缴纳费用，逾期未缴纳视为放弃申请；发出收费通知至缴费的时间不计算在答复期限内。
FEE_PAYMENT_WORKDAYS = 20
# 行政复议法(2023年修订)第二十条第一款：自知道或者应当知道该行政行为之日起60日内提出行政复议申请；
# 行政诉讼法第四十六条第一款：直接向人民法院提起诉讼的，应当自知道或者应当知道作出行政行为之日起6个月内提出；
# 行政诉讼法第四十五条：不服复议决定的，可以在收到复议决定书之日起15日内向人民法院提起诉讼。
REVIEW_DAYS = 60
LITIGATION_MONTHS = 6
LITIGATION_AFTER_REVIEW_DAYS = 15
# Not statutory: the staff list warns when this many working days or fewer remain.
DUE_SOON_WORKDAYS = 3


# ---------------------------------------------------------------------------------------------------------------
# Date of receipt (《条例》第三十一条)

# 《条例》(2007年, 国务院令第492号) 第三十八条：本条例自2008年5月1日起施行。No application under it can have
# been received earlier, so an earlier date of receipt is a typo (such as 0001-01-01).
IN_FORCE_SINCE = dt.date(2008, 5, 1)

class Channel(models.TextChoices):
    ONLINE = "online", "互联网（网上申请）"
    IN_PERSON = "in_person", "当面提交"
    POST = "post", "邮寄（需签收）"
    POST_UNSIGNED = "post_unsigned", "平常信函（无需签收）"
    FAX = "fax", "传真"


def date_of_receipt(channel: str, *, handed_in_on: dt.date | None = None, signed_for_on: dt.date | None = None,
                    confirmed_on: dt.date | None = None) -> dt.date:
    """The date the agency received an application, by how it arrived (《条例》第三十一条)."""
    if channel == Channel.IN_PERSON:
        # 第三十一条（一）：当面提交的，以提交之日为收到申请之日。
        if handed_in_on is None:
            raise DomainError("当面提交的申请，请填写提交日期。", field="handed_in_on")
        return handed_in_on
    if channel == Channel.POST:
        # 第三十一条（二）：以邮寄方式提交的，以行政机关签收之日为收到申请之日。
        if signed_for_on is None:
            raise DomainError("邮寄的申请，请填写签收日期。", field="signed_for_on")
        return signed_for_on
    if channel == Channel.POST_UNSIGNED:
        # 第三十一条（二）：平常信函等无需签收的，应当于收到申请的当日与申请人确认，确认之日为收到申请之日。
        if confirmed_on is None:
            raise DomainError("平常信函提交的申请，请填写与申请人确认的日期。", field="confirmed_on")
        return confirmed_on
    if channel in (Channel.ONLINE, Channel.FAX):
        # 第三十一条（三）：通过互联网渠道或者传真提交的，以双方确认之日为收到申请之日。
        if confirmed_on is None:
            raise DomainError("网上或传真提交的申请，请填写双方确认的日期。", field="confirmed_on")
        return confirmed_on
    raise DomainError("请选择申请的提交方式。", field="channel")


class NoticeChannel(models.TextChoices):
    """How a notice to the applicant (fee notice) was served; the period runs from the day after receipt."""

    IN_PERSON = "in_person", "当面送达（以签收之日为收到之日）"
    POST = "post", "邮寄送达（以签收之日为收到之日）"
    ONLINE = "online", "电子邮件或网上送达（以申请人确认收到之日为收到之日）"


# ---------------------------------------------------------------------------------------------------------------
# Pauses: what stops the reply clock

class PauseKind(models.TextChoices):
    THIRD_PARTY = "third_party", "征求第三方意见"
    OTHER_AGENCY = "other_agency", "征求其他机关意见"
    LEGAL = "legal", "会商研判（法律顾问等）"
    FEE_NOTICE = "fee_notice", "信息处理费收费通知"
    # Kept only so that pauses recorded before this rule still read: the 条例 knows no other excluded time, so
    # such a pause no longer stops the clock and no new one can be started.
    OTHER = "other", "其他情形（无法定依据，照常计时）"


# 《条例》第三十三条第三款：行政机关征求第三方和其他机关意见所需时间不计算在前款规定的期限内。
# 《收费办法》第七条：发出收费通知至申请人缴费的时间不计算在答复期限内.
# 会商 with the agency's own legal adviser is not listed in the law, so it is recorded but the clock runs on.
STOPS_CLOCK: dict[str, bool] = {
    PauseKind.THIRD_PARTY: True,
    PauseKind.OTHER_AGENCY: True,
    PauseKind.LEGAL: False,
    PauseKind.FEE_NOTICE: True,
    PauseKind.OTHER: False,
}
PAUSE_BASIS: dict[str, str] = {
    PauseKind.THIRD_PARTY: "《条例》第三十二条、第三十三条第三款",
    PauseKind.OTHER_AGENCY: "《条例》第三十三条第三款、第三十四条",
    PauseKind.LEGAL: "不属于《条例》第三十三条第三款规定的情形，答复期限照常计算",
    PauseKind.FEE_NOTICE: "《政府信息公开信息处理费管理办法》第七条",
    PauseKind.OTHER: "《条例》没有规定其他不计入答复期限的情形，答复期限照常计算",
}
# The kinds staff can start from the case page (fee notices start with the notice itself).
CONSULTATION_KINDS = (PauseKind.THIRD_PARTY, PauseKind.OTHER_AGENCY, PauseKind.LEGAL)
# 第三十二条、第三十四条: the consulted party has 15 working days to answer; time beyond that is not excluded.
CAPPED_KINDS = (PauseKind.THIRD_PARTY, PauseKind.OTHER_AGENCY)


def consultation_opinion_due(started_on: dt.date, calendar: WorkCalendar | None = None) -> dt.date:
    """The last day the consulted party may give its opinion (《条例》第三十二条、第三十四条: 15 working days from
    receiving the letter, taken as the day the consultation started); excluded time ends there."""
    return workdays_after(started_on, CONSULTATION_WORKDAYS, calendar)


def capped_pause(kind: str, start: dt.date, end: dt.date, calendar: WorkCalendar | None = None,
                 label: str = "") -> Pause:
    """The excluded interval of one consultation: from its start to its end, never past the opinion deadline."""
    label = label or PauseKind(kind).label
    if kind not in CAPPED_KINDS:
        return Pause(start, end, label)
    cap = consultation_opinion_due(start, calendar)
    if end <= cap:
        return Pause(start, end, label)
    return Pause(start, cap, f"{label}（第三十二条、第三十四条：征求意见期限 {CONSULTATION_WORKDAYS} 个工作日，"
                             f"至 {cap:%Y-%m-%d} 止；此后照常计时）")


@dataclass(frozen=True)
class Pause:
    """An interval whose working days (both ends included) do not count towards the reply period."""

    start: dt.date
    end: dt.date
    label: str = "暂停计时"


# ---------------------------------------------------------------------------------------------------------------
# The reply deadline

@dataclass
class DeadlineStep:
    kind: str  # received / corrected / paused / skipped / makeup / weekends / due / extended / unconfirmed
    date: dt.date
    note: str

    def as_dict(self) -> dict:
        return {"kind": self.kind, "date": self.date.isoformat(), "note": self.note}


@dataclass
class Deadline:
    """A reply due date and every step that led to it."""

    received_on: dt.date
    start: dt.date
    due_on: dt.date
    original_due_on: dt.date
    extension_days: int = 0
    steps: list[DeadlineStep] = field(default_factory=list)
    unconfirmed: list[dt.date] = field(default_factory=list)

    @property
    def confirmed(self) -> bool:
        return not self.unconfirmed

    def explain(self) -> list[str]:
        """The steps as Chinese sentences, in date order."""
        return [f"{s.date:%Y-%m-%d}：{s.note}" for s in self.steps]

    def as_dict(self) -> dict:
        return {"received_on": self.received_on.isoformat(), "start": self.start.isoformat(),
                "due_on": self.due_on.isoformat(), "original_due_on": self.original_due_on.isoformat(),
                "extension_days": self.extension_days, "confirmed": self.confirmed,
                "unconfirmed_dates": [d.isoformat() for d in self.unconfirmed],
                "steps": [s.as_dict() for s in self.steps]}


def _as_pauses(pauses) -> list[Pause]:
    result = []
    for p in pauses or []:
        pause = p if isinstance(p, Pause) else Pause(*p)
        if pause.end < pause.start:
            raise DomainError(f"暂停区间 {pause.start:%Y-%m-%d} 至 {pause.end:%Y-%m-%d} 的结束日期早于开始日期。",
                              field="pauses")
        result.append(pause)
    return sorted(result, key=lambda p: (p.start, p.end))


class _Counter:
    """Counts working days forward, outside pauses, and remembers what it skipped and why."""

    def __init__(self, calendar: WorkCalendar, pauses: list[Pause]):
        self.calendar = calendar
        self.pauses = pauses
        self.skipped: dict[dt.date, str] = {}
        self.makeup: set[dt.date] = set()
        self.weekends = 0
        self.paused: dict[Pause, int] = {}
        self.unconfirmed: list[dt.date] = []

    def add(self, start: dt.date, days: int) -> dt.date:
        current, counted = start, 0
        while counted < days:
            current += dt.timedelta(days=1)
            info = self.calendar.day(current)
            if not info.confirmed and current not in self.unconfirmed:
                self.unconfirmed.append(current)
            if not info.is_workday:
                if info.reason == "周末":
                    self.weekends += 1
                else:
                    self.skipped[current] = info.reason
                continue
            # Overlapping pauses (a third party and another agency at once) exclude a day only once.
            pause = next((p for p in self.pauses if p.start <= current <= p.end), None)
            if pause is not None:
                self.paused[pause] = self.paused.get(pause, 0) + 1
                continue
            counted += 1
            if info.reason == "调休上班":
                self.makeup.add(current)
        return current


def reply_deadline(received_on: dt.date, *, corrected_on: dt.date | None = None,
                   pauses: list[Pause] | list[tuple] | None = None, extended: bool = False,
                   extension_days: int = MAX_EXTENSION_WORKDAYS, deferred_to: dt.date | None = None,
                   calendar: WorkCalendar | None = None) -> Deadline:
    """The reply due date of an application (《条例》第三十条、第三十三条), with every step explained.

    The day of receipt is not counted: the due date is the 20th working day after it. A correction restarts
    the period from the day the corrected application was received. Working days inside a pause (both ends
    included) do not count. An approved extension adds `extension_days` (at most 20) working days after the
    original due date. A reasonable later date set for a bulk request (第三十五条, `deferred_to`) replaces the due
    date when it is later. Days in years whose holiday schedule is not confirmed are listed in `unconfirmed`.
    """
    calendar = calendar or WorkCalendar.load()
    if corrected_on is not None and corrected_on < received_on:
        raise DomainError("收到补正的日期不能早于收到申请的日期。", field="corrected_on")
    if extended and not 0 < extension_days <= MAX_EXTENSION_WORKDAYS:
        raise DomainError(f"延长的期限应为 1 至 {MAX_EXTENSION_WORKDAYS} 个工作日。", field="extension_days")
    start = corrected_on or received_on
    counter = _Counter(calendar, _as_pauses(pauses))
    original = counter.add(start, REPLY_WORKDAYS)
    due = counter.add(original, extension_days) if extended else original
    statutory_due = due
    if deferred_to is not None and deferred_to > due:
        due = deferred_to

    steps = [DeadlineStep("received", received_on, "收到申请（第三十一条），当日不计入答复期限")]
    if corrected_on:
        steps.append(DeadlineStep("corrected", corrected_on,
                                  "收到补正后的申请，答复期限自此重新起算（第三十条），当日不计入"))
    for pause, days in counter.paused.items():
        steps.append(DeadlineStep("paused", pause.start,
                                  f"{pause.label}：{pause.start:%Y-%m-%d} 至 {pause.end:%Y-%m-%d}，"
                                  f"其间 {days} 个工作日不计入答复期限"))
    for day, reason in counter.skipped.items():
        steps.append(DeadlineStep("skipped", day, f"{reason}放假，不计入"))
    for day in sorted(counter.makeup):
        steps.append(DeadlineStep("makeup", day, "调休上班日，计入工作日"))
    if counter.weekends:
        steps.append(DeadlineStep("weekends", due, f"期间共跳过周末 {counter.weekends} 天"))
    steps.append(DeadlineStep("due", original, f"自{'补正' if corrected_on else '收到申请'}次日起第 "
                                               f"{REPLY_WORKDAYS} 个工作日，答复期限届满（第三十三条）"))
    if extended:
        steps.append(DeadlineStep("extended", due, f"经政府信息公开工作机构负责人同意延长 {extension_days} 个"
                                                   f"工作日（第三十三条），原期限 {original:%Y-%m-%d}"))
    if due != statutory_due:
        steps.append(DeadlineStep("deferred", due, f"申请数量、频次明显超过合理范围，申请理由合理但无法在 {statutory_due:%Y-%m-%d} "
                                                   "前答复，已确定延迟答复的合理期限并告知申请人（第三十五条）"))
    if counter.unconfirmed:
        shown = "、".join(f"{d:%Y-%m-%d}" for d in counter.unconfirmed[:3])
        more = f"等 {len(counter.unconfirmed)} 天" if len(counter.unconfirmed) > 3 else ""
        steps.append(DeadlineStep("unconfirmed", due, f"未确认：{shown}{more}所在年份的节假日安排尚未发布或录入，"
                                                      "按周末和《全国年节及纪念日放假办法》规定的节日（含春节、清明、端午、中秋）推算，尚未计入调休，请在国务院通知发布后核对"))
    order = {"received": 0, "corrected": 1, "paused": 2, "skipped": 3, "makeup": 3, "due": 4, "weekends": 5,
             "extended": 6, "deferred": 7, "unconfirmed": 8}
    steps.sort(key=lambda s: (s.date, order[s.kind]))
    return Deadline(received_on=received_on, start=start, due_on=due, original_due_on=original,
                    extension_days=extension_days if extended else 0, steps=steps,
                    unconfirmed=counter.unconfirmed)


def workdays_after(start: dt.date, days: int, calendar: WorkCalendar | None = None) -> dt.date:
    """The `days`-th working day after `start` (used for notice, consultation and payment periods)."""
    return (calendar or WorkCalendar.load()).add_workdays(start, days).due_on


def correction_notice_due(received_on: dt.date, calendar: WorkCalendar | None = None) -> dt.date:
    """Last day to send the correction notice (《条例》第三十条：收到申请之日起7个工作日内)."""
    return workdays_after(received_on, CORRECTION_NOTICE_WORKDAYS, calendar)


def reply_status(due_on: dt.date, today: dt.date, calendar: WorkCalendar) -> DueStatus:
    """Overdue, due soon or how many working days are left: the platform's one definition (core.workdays)."""
    return due_status(due_on, today, calendar, DUE_SOON_WORKDAYS)


# ---------------------------------------------------------------------------------------------------------------
# Remedies (行政复议、行政诉讼) after the reply is delivered

class RemedyKind(models.TextChoices):
    REVIEW = "review", "行政复议"
    LITIGATION = "litigation", "行政诉讼"


def review_first(code: str) -> bool:
    """Whether the applicant must apply for administrative review before suing (复议前置).

    行政复议法(2023年修订)第二十三条第一款第（四）项：申请政府信息公开，行政机关不予公开的，应当先申请行政复议。
    Every 不予公开 decision is covered, and so is the withheld part of a 部分公开 decision."""
    group = code.split(".")[0] if code else ""
    return group in (DecisionGroup.WITHHELD, DecisionGroup.PARTIALLY_GRANTED)


def period_end(nominal: dt.date, calendar: WorkCalendar | None = None) -> tuple[dt.date, list[DayInfo]]:
    """A period's last day moved past any holiday it falls on, and the days passed over.

    民事诉讼法第八十五条第三款（行政复议法第八十八条、行政诉讼法第一百零一条 apply it）：期间届满的最后一日是法定休假日的，
    以法定休假日后的第一日为期间届满的日期。"""
    calendar = calendar or WorkCalendar.load()
    day, passed = nominal, []
    while not (info := calendar.day(day)).is_workday:
        passed.append(info)
        day += dt.timedelta(days=1)
    return day, passed


def _months_later(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def review_deadline(known_on: dt.date, calendar: WorkCalendar | None = None) -> dt.date:
    """Last day to apply for administrative review: 60 days after the reply was known, moved past a holiday."""
    return period_end(known_on + dt.timedelta(days=REVIEW_DAYS), calendar)[0]


def litigation_deadline(known_on: dt.date, calendar: WorkCalendar | None = None) -> dt.date:
    """Last day to sue directly: 6 months after the reply was known (month end when the day does not exist),
    moved past a holiday."""
    return period_end(_months_later(known_on, LITIGATION_MONTHS), calendar)[0]


@dataclass
class RemedyPlan:
    """What the applicant may do after delivery, by when, and why."""

    remedy: str
    delivered_on: dt.date
    decision: str
    last_day: dt.date | None
    direct_litigation_allowed: bool
    steps: list[str]
    confirmed: bool

    def as_dict(self) -> dict:
        return {"remedy": self.remedy, "delivered_on": self.delivered_on.isoformat(), "decision": self.decision or None,
                "last_day": self.last_day.isoformat() if self.last_day else None,
                "direct_litigation_allowed": self.direct_litigation_allowed, "confirmed": self.confirmed,
                "steps": self.steps}


def remedy_plans(delivered_on: dt.date, decision_code: str = "",
                 calendar: WorkCalendar | None = None) -> list[RemedyPlan]:
    """Both remedies after a delivery (review, then direct litigation), as the staff and tracking pages list them."""
    calendar = calendar or WorkCalendar.load()
    return [remedy_plan(kind, delivered_on, decision_code, calendar) for kind in RemedyKind.values]


def remedy_plan(remedy: str, delivered_on: dt.date, decision_code: str = "",
                calendar: WorkCalendar | None = None) -> RemedyPlan:
    """The last day for administrative review or direct litigation over a reply delivered on `delivered_on`."""
    if remedy not in RemedyKind.values:
        raise DomainError("救济途径应为 review（行政复议）或 litigation（行政诉讼）。", field="remedy")
    if decision_code:
        decision(decision_code)
    calendar = calendar or WorkCalendar.load()
    first = review_first(decision_code)
    steps = [f"{delivered_on:%Y-%m-%d} 送达答复（知道该行政行为之日），当日不计入期间（民事诉讼法第八十五条第二款）。"]
    if remedy == RemedyKind.LITIGATION and first:
        part = "其中不予公开的部分" if decision_code.split(".")[0] == DecisionGroup.PARTIALLY_GRANTED else "本答复"
        steps.append(f"{part}属于“申请政府信息公开，行政机关不予公开”，应当先申请行政复议（行政复议法第二十三条第一款"
                     f"第（四）项），不能直接起诉；对复议决定不服的，可以自收到复议决定书之日起 "
                     f"{LITIGATION_AFTER_REVIEW_DAYS} 日内提起行政诉讼（行政诉讼法第四十五条）。")
        return RemedyPlan(remedy, delivered_on, decision_code, None, False, steps, True)
    if remedy == RemedyKind.REVIEW:
        nominal = delivered_on + dt.timedelta(days=REVIEW_DAYS)
        steps.append(f"自次日起 {REVIEW_DAYS} 日，期间届满日为 {nominal:%Y-%m-%d}（行政复议法第二十条第一款）。")
    else:
        nominal = _months_later(delivered_on, LITIGATION_MONTHS)
        steps.append(f"{LITIGATION_MONTHS} 个月，期间届满日为 {nominal:%Y-%m-%d}（行政诉讼法第四十六条第一款）。")
    last, passed = period_end(nominal, calendar)
    if passed:
        names = "、".join(dict.fromkeys(d.reason for d in passed))
        steps.append(f"{nominal:%Y-%m-%d} 为法定休假日（{names}），以休假日后的第一日 {last:%Y-%m-%d} 为期间届满日"
                     "（民事诉讼法第八十五条第三款，行政复议法第八十八条、行政诉讼法第一百零一条）。")
    if first:
        steps.append("不予公开的答复须先申请行政复议（行政复议法第二十三条），复议前不能直接起诉。")
    confirmed = all(calendar.day(nominal + dt.timedelta(days=i)).confirmed for i in range((last - nominal).days + 1))
    if not confirmed:
        steps.append("注意：期间届满前后的节假日安排尚未确认，国务院通知发布后请核对。")
    return RemedyPlan(remedy, delivered_on, decision_code, last, remedy == RemedyKind.REVIEW or not first, steps,
                      confirmed)


# ---------------------------------------------------------------------------------------------------------------
# Processing fees (《收费办法》)

class FeeBasis(models.TextChoices):
    # 《收费办法》第三条：按件计收或者按量计收，对每件申请只能选择适用其中一种标准，不得同时按照两种标准重复计算。
    PER_APPLICATION = "per_application", "按件计收"
    PER_PAGE = "per_page", "按量计收"


# 《收费办法》第四条（按件计收）：同一申请人一个自然月内累计申请10件以下（含10件）的，不收费；
# 11—30件（含30件）的部分：100元/件；31件以上的部分：以10件为一档，每增加一档，收费标准提高100元/件。
PER_APPLICATION_FREE = 10
PER_APPLICATION_BASE_LIMIT = 30
PER_APPLICATION_BASE_YUAN = 100
PER_APPLICATION_BAND = 10
PER_APPLICATION_STEP_YUAN = 100

# 《收费办法》第五条（按量计收，适用于提供纸质件、发送电子邮件、复制电子数据等）：30页以下（含30页）的，不收费；
# 31—100页（含100页）的部分：10元/页；101—200页（含200页）的部分：20元/页；201页以上的部分：40元/页。
PER_PAGE_TIERS: tuple[tuple[int, int | None, int], ...] = (
    (1, 30, 0),
    (31, 100, 10),
    (101, 200, 20),
    (201, None, 40),
)


def fee_for_nth_application(n: int) -> int:
    """Fee in yuan for an applicant's n-th application in one calendar month (按件计收, 超额累进)."""
    if n < 1:
        raise DomainError("申请件数应为不小于 1 的整数。", field="nth_application")
    if n <= PER_APPLICATION_FREE:
        return 0
    if n <= PER_APPLICATION_BASE_LIMIT:
        return PER_APPLICATION_BASE_YUAN
    bands_above = -(-(n - PER_APPLICATION_BASE_LIMIT) // PER_APPLICATION_BAND)
    return PER_APPLICATION_BASE_YUAN + PER_APPLICATION_STEP_YUAN * bands_above


def fee_for_pages(pages: int) -> int:
    """Fee in yuan for `pages` pages of information provided (按量计收), charged tier by tier."""
    if pages < 0:
        raise DomainError("页数不能为负数。", field="pages")
    total = 0
    for low, high, rate in PER_PAGE_TIERS:
        top = pages if high is None else min(pages, high)
        if top >= low:
            total += (top - low + 1) * rate
    return total


def fee_for_applications(first: int, count: int) -> int:
    """Fee in yuan for `count` applications counted from the applicant's `first`-th of the month: an application
    split by 一事一申请 (《收费办法》第四条) is charged as that many consecutive applications."""
    if count < 1:
        raise DomainError("件数应为不小于 1 的整数。", field="item_count")
    return sum(fee_for_nth_application(first + i) for i in range(count))


# 《收费办法》第五条：按量计收适用于申请人要求以提供纸质件、发送电子邮件、复制电子数据等方式获取政府信息的情形 —
# the values of models.Delivery for those ways (online download on the tracking page is none of them).
PER_PAGE_DELIVERIES = ("paper", "post", "email", "media")
# Decisions that provide information; pages are never charged on any other (第五条 charges what is provided).
PROVIDING_GROUPS = ("granted", "partially_granted")

# 《条例》第三十五条: asking for reasons does not stop the reply clock (第三十三条第三款 excludes only consultations), and
# the reasonable later date is set by the agency — the regulation fixes no figure for it.


def fee(basis: str, quantity: int) -> int:
    """The fee for one application on one basis: the n-th application this month, or the number of pages."""
    if basis == FeeBasis.PER_APPLICATION:
        return fee_for_nth_application(quantity)
    if basis == FeeBasis.PER_PAGE:
        return fee_for_pages(quantity)
    raise DomainError("请选择计收方式（按件或按量）。", field="basis")


# ---------------------------------------------------------------------------------------------------------------
# Decisions: the rows of table 3 of the annual report, each with its legal basis and the reply letter's words

class DecisionGroup(models.TextChoices):
    GRANTED = "granted", "予以公开"
    PARTIALLY_GRANTED = "partially_granted", "部分公开"
    WITHHELD = "withheld", "不予公开"
    UNABLE = "unable", "无法提供"
    NOT_PROCESSED = "not_processed", "不予处理"
    OTHER = "other", "其他处理"


@dataclass(frozen=True)
class DecisionType:
    code: str
    label: str  # the annual report's row
    basis: str  # the default legal basis, editable by the officer
    letter: str  # the reply letter's decision paragraph; {basis} is filled in
    needs_reason: bool = False  # the letter must explain why (不予公开 and the like: 第三十六条（三）“说明理由”)

    @property
    def group(self) -> str:
        return self.code.split(".")[0]

    @property
    def group_label(self) -> str:
        return DecisionGroup(self.group).label

    @property
    def full_label(self) -> str:
        return self.label if self.group == self.code else f"{self.group_label}：{self.label}"

    def letter_text(self, basis: str) -> str:
        return self.letter.format(basis=basis)


L = "《中华人民共和国政府信息公开条例》"
DECISIONS: dict[str, DecisionType] = {d.code: d for d in (
    DecisionType("granted", "予以公开", f"{L}第三十六条第（一）项、第（二）项",
                 "经审查，您申请获取的政府信息属于可以公开的政府信息。根据{basis}的规定，本机关决定予以公开。"),
    DecisionType("partially_granted", "部分公开", f"{L}第三十七条",
                 "经审查，您申请获取的信息中含有不应当公开或者不属于政府信息的内容，但能够作区分处理。"
                 "根据{basis}的规定，本机关向您提供可以公开的政府信息内容，对不予公开的内容说明理由如下。",
                 needs_reason=True),
    DecisionType("withheld.state_secret", "属于国家秘密", f"{L}第十四条、第三十六条第（三）项",
                 "经审查，您申请获取的政府信息依法确定为国家秘密。根据{basis}的规定，本机关决定不予公开。",
                 needs_reason=True),
    DecisionType("withheld.prohibited_by_law", "其他法律行政法规禁止公开", f"{L}第十四条、第三十六条第（三）项",
                 "经审查，您申请获取的政府信息属于法律、行政法规禁止公开的政府信息。根据{basis}的规定，"
                 "本机关决定不予公开。", needs_reason=True),
    DecisionType("withheld.three_securities_one_stability", "危及“三安全一稳定”",
                 f"{L}第十四条、第三十六条第（三）项",
                 "经审查，您申请获取的政府信息公开后可能危及国家安全、公共安全、经济安全、社会稳定。"
                 "根据{basis}的规定，本机关决定不予公开。", needs_reason=True),
    DecisionType("withheld.third_party_rights", "保护第三方合法权益", f"{L}第十五条、第三十二条、第三十六条第（三）项",
                 "经审查，您申请获取的政府信息涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害。"
                 "根据{basis}的规定，本机关决定不予公开。", needs_reason=True),
    DecisionType("withheld.internal_affairs", "属于三类内部事务信息", f"{L}第十六条第一款、第三十六条第（三）项",
                 "经审查，您申请获取的政府信息属于行政机关的人事管理、后勤管理、内部工作流程等内部事务信息。"
                 "根据{basis}的规定，本机关决定不予公开。", needs_reason=True),
    DecisionType("withheld.process_information", "属于四类过程性信息", f"{L}第十六条第二款、第三十六条第（三）项",
                 "经审查，您申请获取的政府信息属于行政机关在履行行政管理职能过程中形成的讨论记录、过程稿、"
                 "磋商信函、请示报告等过程性信息。根据{basis}的规定，本机关决定不予公开。", needs_reason=True),
    DecisionType("withheld.law_enforcement_file", "属于行政执法案卷", f"{L}第十六条第二款、第三十六条第（三）项",
                 "经审查，您申请获取的政府信息属于行政执法案卷信息。根据{basis}的规定，本机关决定不予公开。",
                 needs_reason=True),
    DecisionType("withheld.administrative_query", "属于行政查询事项", f"{L}第三十六条第（七）项",
                 "经审查，您申请获取的信息属于工商、不动产登记资料等信息，有关法律、行政法规对信息的获取有特别规定。"
                 "根据{basis}的规定，请您依照有关法律、行政法规的规定办理。", needs_reason=True),
    DecisionType("unable.not_held", "本机关不掌握相关政府信息", f"{L}第三十六条第（四）项、第（五）项",
                 "经检索，本机关没有您申请获取的政府信息，或者该政府信息不属于本机关负责公开。"
                 "根据{basis}的规定，特此告知。", needs_reason=True),
    DecisionType("unable.needs_creation", "没有现成信息需要另行制作", f"{L}第三十八条",
                 "经审查，本机关没有您所描述的现成信息，需要对现有政府信息进行加工、分析才能形成。"
                 "根据{basis}的规定，本机关不予提供。", needs_reason=True),
    DecisionType("unable.unclear_after_correction", "补正后申请内容仍不明确", f"{L}第三十条",
                 "本机关已告知您对申请内容作出补正，补正后的申请内容仍不明确，无法确定您所申请的政府信息。"
                 "根据{basis}的规定，本机关无法提供。", needs_reason=True),
    DecisionType("not_processed.petition_complaint", "信访举报投诉类申请", f"{L}第三十九条第一款",
                 "经审查，您以政府信息公开申请的形式提出的是信访、投诉、举报等诉求。根据{basis}的规定，"
                 "本机关不作为政府信息公开申请处理，您可以通过相应渠道提出。"),
    DecisionType("not_processed.repeated", "重复申请", f"{L}第三十六条第（六）项",
                 "本机关已就您提出的政府信息公开申请作出答复，您重复申请公开相同的政府信息。"
                 "根据{basis}的规定，本机关不予重复处理。", needs_reason=True),
    DecisionType("not_processed.publication", "要求提供公开出版物", f"{L}第三十九条第二款",
                 "您申请获取的是政府公报、报刊、书籍等公开出版物。根据{basis}的规定，本机关告知您获取的途径，"
                 "不作为政府信息公开申请处理。", needs_reason=True),
    DecisionType("not_processed.excessive", "无正当理由大量反复申请", f"{L}第三十五条",
                 "您申请公开政府信息的数量、频次明显超过合理范围，经要求说明理由，本机关认为申请理由不合理。"
                 "根据{basis}的规定，本机关不予处理。", needs_reason=True),
    DecisionType("not_processed.confirm_or_reissue", "要求行政机关确认或重新出具已获取信息", f"{L}第三十八条",
                 "您的申请是要求本机关确认或者重新出具您已获取的信息，不属于获取已制作或者获取的政府信息的申请。"
                 "根据{basis}的规定，本机关不予处理。"),
    DecisionType("other.correction_overdue", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                 f"{L}第三十条",
                 "本机关已一次性告知您对申请作出补正，您无正当理由逾期未补正，视为放弃申请。"
                 "根据{basis}的规定，本机关不再处理该政府信息公开申请。"),
    DecisionType("other.fee_unpaid", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                 f"{L}第四十二条、《政府信息公开信息处理费管理办法》",
                 "本机关已向您发出信息处理费收费通知，您逾期未缴纳费用，视为放弃申请。"
                 "根据{basis}的规定，本机关不再处理该政府信息公开申请。"),
    DecisionType("other.other", "其他", "",
                 "根据{basis}的规定，本机关对您的申请处理如下。", needs_reason=True),
)}
DECISION_CHOICES = [(d.code, d.full_label) for d in DECISIONS.values()]


# 《条例》第三十六条第（四）项 and 第（五）项 are two different answers behind the one row 本机关不掌握相关政府信息: the
# letter says which applies, and cites only that item.
class NotHeldGround(models.TextChoices):
    ABSENT = "absent", "经检索没有该政府信息（第三十六条第（四）项）"
    ELSEWHERE = "elsewhere", "该政府信息不属于本机关负责公开（第三十六条第（五）项）"


NOT_HELD: dict[str, tuple[str, str]] = {
    NotHeldGround.ABSENT: (f"{L}第三十六条第（四）项",
                           "经检索，本机关没有您申请获取的政府信息。根据{basis}的规定，特此告知。"),
    NotHeldGround.ELSEWHERE: (f"{L}第三十六条第（五）项",
                              "经审查，您申请获取的政府信息不属于本机关负责公开。根据{basis}的规定，特此告知。"),
}
# How the letter says where the information is, after a 予以公开 or 部分公开 decision.
PROVIDED_IN_ENCLOSURES = "现向您提供该政府信息，见附件。"
PROVIDED_OTHERWISE = "获取该政府信息的方式、途径和时间如下。"


def decision(code: str) -> DecisionType:
    """The decision with this code, or a DomainError naming the field."""
    try:
        return DECISIONS[code]
    except KeyError:
        raise DomainError(f"未知的答复类型：{code}", field="decision") from None


def remedies_sentence(review_body: str, code: str = "") -> str:
    """The remedies paragraph a reply letter ends with, by decision (行政复议法第二十条、第二十三条，行政诉讼法第
    四十五条、第四十六条): 不予公开 must go to review first and the letter must say so (第二十三条第二款)."""
    review = f"自收到本答复之日起{REVIEW_DAYS}日内向{review_body}申请行政复议"
    after_review = f"对行政复议决定不服的，可以自收到行政复议决定书之日起{LITIGATION_AFTER_REVIEW_DAYS}日内向人民法院提起行政诉讼"
    first = "（《中华人民共和国行政复议法》第二十三条）"
    group = code.split(".")[0] if code else ""
    if group == DecisionGroup.WITHHELD:
        return f"如对本答复不服，应当{review}{first}；{after_review}。"
    if group == DecisionGroup.PARTIALLY_GRANTED:
        return (f"如对本答复中不予公开的部分不服，应当{review}{first}；{after_review}。如对本答复其他内容不服，"
                f"可以{review}，或者自收到本答复之日起{LITIGATION_MONTHS}个月内向人民法院提起行政诉讼。")
    return (f"如对本答复不服，可以{review}，或者自收到本答复之日起{LITIGATION_MONTHS}个月内向人民法院提起行政诉讼。")


# ---------------------------------------------------------------------------------------------------------------
# Requests to correct one's own records (《条例》第四十一条)

class RequestKind(models.TextChoices):
    """What a request on the application form asks for: information (第二十七条) or a correction (第四十一条)."""

    DISCLOSURE = "disclosure", "申请获取政府信息"
    RECORD_CORRECTION = "record_correction", "要求更正与本人相关的政府信息记录"


# 《条例》第四十一条：公民、法人或者其他组织有证据证明行政机关提供的与其自身相关的政府信息记录不准确的，可以要求
# 行政机关更正。The article sets no period. Agency practice (our choice, not a statutory figure): such a request
# is answered on the ordinary reply clock of 第三十三条, 20 working days from receipt, so the case list, the
# overdue filters and the applicant's tracking page treat both kinds alike.
RECORD_CORRECTION_WORKDAYS = REPLY_WORKDAYS
RECORD_CORRECTION_BASIS = f"{L}第四十一条"


class RecordCorrectionOutcome(models.TextChoices):
    # The four answers 第四十一条 allows; none of them is a row of table 3 of the annual report.
    CORRECTED = "corrected", "已更正并告知"
    FORWARDED = "forwarded", "转送有权更正的行政机关处理"
    REFERRED = "referred", "告知向有权更正的行政机关提出"
    NOT_CORRECTED = "not_corrected", "经审核记录准确或证据不足，不予更正"


# Outcomes that name the competent agency (第四十一条：不属于本行政机关职能范围的).
NAMES_COMPETENT_AGENCY = (RecordCorrectionOutcome.FORWARDED, RecordCorrectionOutcome.REFERRED)
# The letter's decision paragraph by outcome; {agency} and {contact} name the competent agency.
RECORD_CORRECTION_LETTERS: dict[str, str] = {
    RecordCorrectionOutcome.CORRECTED:
        "经审核，您提供的证据能够证明本机关提供的与您自身相关的政府信息记录不准确。根据{basis}的规定，本机关已予以更正，"
        "现将更正情况告知如下。",
    RecordCorrectionOutcome.FORWARDED:
        "经审核，您要求更正的政府信息记录不属于本机关职能范围。根据{basis}的规定，本机关已将您的更正申请转送"
        "有权更正的行政机关{agency}处理，特此告知。",
    RecordCorrectionOutcome.REFERRED:
        "经审核，您要求更正的政府信息记录不属于本机关职能范围。根据{basis}的规定，请您向有权更正的行政机关"
        "{agency}提出（联系方式：{contact}）。",
    RecordCorrectionOutcome.NOT_CORRECTED:
        "经审核，本机关认为该政府信息记录准确，或者您提供的证据不足以证明该记录不准确。根据{basis}的规定，"
        "本机关不予更正，理由如下。",
}


def record_correction_letter(outcome: str, agency: str = "", contact: str = "") -> str:
    """The decision paragraph of the reply to a correction request, or a DomainError naming the field."""
    if outcome not in RECORD_CORRECTION_LETTERS:
        raise DomainError("请选择更正申请的处理结果。", field="outcome")
    return RECORD_CORRECTION_LETTERS[outcome].format(basis=RECORD_CORRECTION_BASIS, agency=agency or "",
                                                     contact=contact or "")


# ---------------------------------------------------------------------------------------------------------------
# Help for applicants who need it (《条例》第四十三条)

# 《条例》第四十三条：申请公开政府信息的公民存在阅读困难或者视听障碍的，行政机关应当为其提供必要的帮助。
ASSISTANCE_BASIS = f"{L}第四十三条"


class AssistanceNeed(models.TextChoices):
    # Health data (个人信息保护法第二十八条): stored encrypted, shown only to the handling staff.
    READING = "reading", "阅读困难"
    SIGHT = "sight", "视力障碍"
    HEARING = "hearing", "听力障碍"
    OTHER = "other", "其他需要帮助的情形"


class AssistanceHelp(models.TextChoices):
    # What the office arranged: the applicant's tracking page may name these, never the need behind them.
    READ_ALOUD = "read_aloud", "朗读申请材料和答复内容"
    LARGE_PRINT = "large_print", "提供大字版答复书"
    SIGN_LANGUAGE = "sign_language", "手语翻译"
    WRITTEN_TALK = "written_talk", "书面或文字交流"
    FORM_FILLING = "form_filling", "协助填写申请"
    ACCESSIBLE_FILE = "accessible_file", "提供可供读屏软件朗读的电子文件"
    OTHER = "other", "其他帮助"
