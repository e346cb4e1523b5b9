"""The life of an application, declared as data for the engine in gongkai.core.workflow.

received → in_progress → decided → delivered → closed, with a detour through correction_requested when the
request is unclear (《条例》第三十条). Pauses (consultations, fee notices) and the extension are recorded
intervals and facts on the case, not states, because several can overlap: their moves keep the state and are
allowed by guards that read those facts. The case page offers exactly what `CASE.available()` returns, and
leads with the one move `next_step()` finds the case waiting for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from django.db import models

from gongkai.core.workflow import NEW, Transition
from gongkai.disclosure import rules
from gongkai.orgs.roles import Role
from gongkai.orgs.workflows import agency_workflow


class State(models.TextChoices):
    RECEIVED = "received", "已收到"
    CORRECTION_REQUESTED = "correction_requested", "待申请人补正"
    IN_PROGRESS = "in_progress", "办理中"
    DECIDED = "decided", "已作出答复"
    DELIVERED = "delivered", "已送达"
    CLOSED = "closed", "已办结归档"


# Cases the office still has to answer: their clock runs (or is paused) and a holiday change moves their date.
OPEN_STATES = (State.RECEIVED, State.CORRECTION_REQUESTED, State.IN_PROGRESS)
# States in which consultations, extensions and fee notices may be recorded.
HANDLING_STATES = (State.RECEIVED, State.IN_PROGRESS)
# Once answered, remedies can be recorded.
ANSWERED_STATES = (State.DECIDED, State.DELIVERED, State.CLOSED)
DECIDABLE_STATES = (State.RECEIVED, State.IN_PROGRESS, State.CORRECTION_REQUESTED)
ALL_STATES = tuple(State.values)

# Who handles a case: the disclosure officer, or the head of the disclosure office.
HANDLERS = (Role.DISCLOSURE_OFFICER, Role.DISCLOSURE_HEAD)
HEAD = (Role.DISCLOSURE_HEAD,)

DUTIES = {"extension_request": "申请延期", "extension_approval": "审批延期"}


def _correction_not_told(a) -> str | None:
    if _is_record_correction(a):
        return ("要求更正政府信息记录的申请不适用补正（《条例》第三十条适用于政府信息公开申请）；证据不足的，"
                "经审核作出“不予更正”的答复。")
    if a.correction_requested_on:
        return "补正应当一次性告知（《条例》第三十条），本申请已告知过补正。"
    return None


def _open_consultation(a) -> str | None:
    return None if a.open_consultations().exists() else "没有进行中的征求意见。"


def _may_ask_extension(a) -> str | None:
    if a.extension_days:
        return (f"本申请已延长过答复期限，延长的期限最长不得超过 {rules.MAX_EXTENSION_WORKDAYS} 个工作日"
                "（《条例》第三十三条）。")
    if a.extension_requested_days:
        return "已有待审批的延期申请。"
    return None


def _not_extended(a) -> str | None:
    if a.extension_days:
        return (f"本申请已延长过答复期限，延长的期限最长不得超过 {rules.MAX_EXTENSION_WORKDAYS} 个工作日"
                "（《条例》第三十三条）。")
    return None


def _extension_pending(a) -> str | None:
    return None if a.extension_requested_days and not a.extension_days else "没有待审批的延期申请。"


def _no_fee_notice(a) -> str | None:
    if _is_record_correction(a):
        return "信息处理费只对提供政府信息收取，要求更正政府信息记录的申请不收费。"
    if a.fee_notices.exists():
        return "每件申请只能按一种标准计收一次，不得重复计算（《收费办法》第三条）。"
    return None


# 《收费办法》第四条 and 《条例》第三十五条 concern requests for information, not requests to correct a record.
_ONLY_DISCLOSURE = "这是要求更正政府信息记录的申请（《条例》第四十一条），不适用计件收费和第三十五条。"


def _not_charged(a) -> str | None:
    if _is_record_correction(a):
        return _ONLY_DISCLOSURE
    return "已发出收费通知，不能再调整计件。" if a.fee_notices.exists() else None


def _bulk_not_asked(a) -> str | None:
    if _is_record_correction(a):
        return _ONLY_DISCLOSURE
    return "已要求申请人说明理由。" if a.bulk_reason_requested_on else None


def _bulk_asked(a) -> str | None:
    if _is_record_correction(a):
        return _ONLY_DISCLOSURE
    if not a.bulk_reason_requested_on:
        return "尚未要求申请人说明理由（《条例》第三十五条）。"
    if a.deferred_to:
        return "已确定延迟答复的合理期限。"
    return None


def _unreceived_fee_notice(a) -> str | None:
    if a.unpaid_fee_notices().filter(received_on__isnull=True).exists():
        return None
    return "没有待登记送达的收费通知。"


def _unpaid_fee(a) -> str | None:
    return None if a.unpaid_fee_notices().exists() else "没有待缴费的收费通知。"


def _pending_remedy(a) -> str | None:
    return None if a.pending_remedies().exists() else "没有尚未审结的复议或诉讼。"


def _released(a) -> str | None:
    d = a.decision_type
    if d is None or d.group not in (rules.DecisionGroup.GRANTED, rules.DecisionGroup.PARTIALLY_GRANTED):
        return "只有予以公开或部分公开的信息才能转为主动公开。"
    if a.proactive_document_id:
        return "本申请的信息已转为主动公开草稿。"
    return None


def _letter_current(a) -> bool:
    """Whether the latest letter lists exactly the enclosures the case has now."""
    letter = a.letters.first()
    return letter is not None and letter.enclosures == [i.title for i in a.released_items.all()]


def _letter_ready(a) -> str | None:
    if not a.letters.exists():
        return "答复书尚未生成，请先生成答复书。"
    if not _letter_current(a):
        return "答复书所列附件与现有附件不一致，请先重新生成答复书。"
    return None


def _letter_missing(a) -> str | None:
    return None if not _letter_current(a) else "答复书已生成。"


def _releases_information(a) -> str | None:
    d = a.decision_type
    if d is None or d.group not in (rules.DecisionGroup.GRANTED, rules.DecisionGroup.PARTIALLY_GRANTED):
        return "只有予以公开或部分公开的答复才附送公开的信息。"
    if a.deliveries.exists():
        return "答复已经发出，不能再修改附件。"
    return None


def _may_email(a) -> str | None:
    from gongkai.core import outbox

    ready = _letter_ready(a)
    if ready:
        return ready
    if not outbox.mail_enabled():  # not offered at all where no mail server is configured
        return "本平台没有配置发信服务器（GONGKAI_SMTP_HOST），不能通过电子邮件送达，请改用网上查询下载或其他方式。"
    if not a.email_hash:
        return "申请人没有留电子邮箱，不能通过电子邮件送达。"
    return None


def _may_publish(a) -> str | None:
    ready = _letter_ready(a)
    if ready:
        return ready
    if a.deliveries.filter(channel="online").exists():
        return "答复已发布到查询页面。"
    return None


def _is_record_correction(a) -> bool:
    return a.request_kind == rules.RequestKind.RECORD_CORRECTION


def _disclosure_request(a) -> str | None:
    if _is_record_correction(a):
        return "这是要求更正政府信息记录的申请（《条例》第四十一条），请用“作出更正答复”办理。"
    return None


def _record_correction_request(a) -> str | None:
    return None if _is_record_correction(a) else "只有要求更正政府信息记录的申请才能作出更正答复。"


def _extension_key(a) -> str:
    return f"disclosure.extension:{a.pk}" if a.pk else ""


R, C, P, DEC, DEL, CL = (State.RECEIVED, State.CORRECTION_REQUESTED, State.IN_PROGRESS, State.DECIDED,
                         State.DELIVERED, State.CLOSED)
CASE = agency_workflow(
    name="disclosure.case",
    states=State,
    duties=DUTIES,
    # Separation of duties covers the extension: whoever asked for it does not approve it (《条例》第三十三条).
    duty_subject=_extension_key,
    subject_label="本申请的延期",
    duty_rule="延期须由他人批准",
    object_label="申请",
    transitions=(
        # Online applications are registered by the platform itself, the moment they arrive.
        Transition("register_application", "登记申请", (NEW,), R, HANDLERS, system=True, offered=False),
        Transition("accept", "开始办理", (R,), P, HANDLERS, order=10),
        Transition("receive_correction", "收到补正", (C,), P, HANDLERS, order=10),
        Transition("record_payment", "登记缴费", HANDLING_STATES, None, HANDLERS, guard=_unpaid_fee, order=12),
        Transition("end_consultation", "结束征求意见", HANDLING_STATES, None, HANDLERS, guard=_open_consultation,
                   order=14),
        Transition("approve_extension", "批准延期", HANDLING_STATES, None, HEAD, guard=_not_extended,
                   duty="extension_approval", order=16),
        Transition("refuse_extension", "不同意延期", HANDLING_STATES, None, HEAD, guard=_extension_pending,
                   duty="extension_approval", order=17),
        Transition("decide", "作出答复", DECIDABLE_STATES, DEC, HANDLERS, guard=_disclosure_request, order=20),
        Transition("decide_record_correction", "作出更正答复", HANDLING_STATES, DEC, HANDLERS,
                   guard=_record_correction_request, order=20),
        Transition("generate_letter", "生成答复书", ANSWERED_STATES, None, HANDLERS, guard=_letter_missing,
                   order=5),
        Transition("edit_released", "修改公开的信息（附件）", (DEC,), None, HANDLERS, guard=_releases_information,
                   order=6),
        Transition("email_reply", "电子邮件送达", (DEC,), None, HANDLERS, guard=_may_email, order=7),
        Transition("publish_reply", "发布到查询页面（网上查询下载）", (DEC,), None, HANDLERS, guard=_may_publish,
                   order=8),
        Transition("post_reply", "邮寄答复", (DEC,), None, HANDLERS, guard=_letter_ready, order=9),
        # system: a mail accepted by the SMTP server, or the applicant's first download, delivers the reply.
        Transition("deliver", "登记送达", (DEC,), DEL, HANDLERS, guard=_letter_ready, system=True, order=10),
        Transition("close", "办结归档", (DEL,), CL, HANDLERS, order=10),
        Transition("request_correction", "告知补正", HANDLING_STATES, C, HANDLERS, guard=_correction_not_told,
                   order=30),
        Transition("convert_to_proactive", "转为主动公开", ANSWERED_STATES, None, HANDLERS, guard=_released, order=30),
        Transition("update_remedy", "登记复议或诉讼结果", ANSWERED_STATES, None, HANDLERS, system=True,
                   guard=_pending_remedy, order=35),
        Transition("start_consultation", "征求意见 / 会商", HANDLING_STATES, None, HANDLERS, order=40),
        Transition("record_review", "登记行政复议", ANSWERED_STATES, None, HANDLERS, system=True, order=40),
        Transition("record_litigation", "登记行政诉讼", ANSWERED_STATES, None, HANDLERS, system=True, order=41),
        Transition("request_extension", "申请延期", HANDLING_STATES, None, HANDLERS, guard=_may_ask_extension,
                   duty="extension_request", order=50),
        Transition("split_request", "按一事一申请计件", HANDLING_STATES, None, HANDLERS, guard=_not_charged,
                   order=58),
        Transition("ask_bulk_reason", "要求说明理由（数量、频次明显超过合理范围）", HANDLING_STATES, None, HANDLERS,
                   guard=_bulk_not_asked, order=55),
        Transition("defer_reply", "确定延迟答复的合理期限", HANDLING_STATES, None, HANDLERS, guard=_bulk_asked,
                   order=56),
        Transition("record_fee_receipt", "登记收费通知送达", HANDLING_STATES, None, HANDLERS,
                   guard=_unreceived_fee_notice, order=11),
        Transition("issue_fee_notice", "发出收费通知", HANDLING_STATES, None, HANDLERS, guard=_no_fee_notice,
                   order=60),
        Transition("assign", "分派经办人", OPEN_STATES, None, HANDLERS, order=70),
        Transition("note", "内部备注", ALL_STATES, None, HANDLERS, order=90),
        # 《条例》第四十三条: help may be needed at any point, reading the reply aloud included.
        Transition("record_assistance", "登记便利需求", ALL_STATES, None, HANDLERS, order=80),
        # Migration from an old system: the case is written as the old system knew it.
        Transition("import_application", "从原系统导入", (NEW, *ALL_STATES), None, system=True, offered=False),
    ),
)


# ---------------------------------------------------------------------------------------------------------------
# What the case is waiting for

@dataclass(frozen=True)
class Step:
    """A move the case expects next: a transition of CASE, how the case page names it and why it is due."""

    name: str
    why: str
    label: str = ""  # "" = the transition's own label
    initial: Mapping[str, str] = field(default_factory=dict)  # values the action's form starts with

    @property
    def title(self) -> str:
        return self.label or CASE.transition(self.name).label


def _extension_pending(a) -> bool:
    return bool(a.extension_requested_days and not a.extension_days)


def expected_steps(application, today: dt.date) -> list[Step]:
    """The moves the case is waiting for, the most expected first, from its state and facts alone (not from who
    looks: `next_step` keeps those the user may make)."""
    a, steps = application, []
    if a.state in HANDLING_STATES and _extension_pending(a):
        steps += [Step("approve_extension", f"经办人申请延长答复期限 {a.extension_requested_days} 个工作日，"
                                            "须经政府信息公开工作机构负责人同意（《条例》第三十三条）。"),
                  Step("refuse_extension", "不同意延期的，说明理由后退回经办人。")]
    if a.state == State.RECEIVED and _is_record_correction(a):
        steps.append(Step("accept", "收到要求更正政府信息记录的申请，开始审核（《条例》第四十一条）。"))
    elif a.state == State.RECEIVED:
        steps += [Step("accept", "申请内容明确的，开始办理。"),
                  Step("request_correction", "申请内容不明确的，一次性告知申请人需要补正的事项（《条例》第三十条）。")]
    elif a.state == State.CORRECTION_REQUESTED:
        lapsed = a.correction_due_on is not None and today > a.correction_due_on
        receive = Step("receive_correction", "申请人提交补正后登记，答复期限自收到补正之日起重新计算。")
        overdue = Step("decide", f"补正期限 {a.correction_due_on:%Y-%m-%d} 已过，申请人无正当理由逾期不补正的，视为放弃"
                                 "申请（《条例》第三十条）。", label="逾期不补正",
                       initial={"decision": "other.correction_overdue"}) if lapsed else None
        steps += [overdue, receive] if overdue else [receive]
    elif a.state == State.IN_PROGRESS:
        if a.open_consultations().exists():
            steps.append(Step("end_consultation", "征求意见或会商进行中：收到回复或期满后登记结束。"))
        unpaid = a.unpaid_fee_notices()
        if unpaid.filter(received_on__isnull=True).exists():
            steps.append(Step("record_fee_receipt", "收费通知已发出，缴费期限自申请人收到通知次日起计算，请登记送达日期。"))
        elif unpaid.exists():
            steps.append(Step("record_payment", "申请人缴费后登记，恢复计时。"))
        if _is_record_correction(a):
            steps.append(Step("decide_record_correction", "审核申请人的证据：属实的予以更正并告知；不属于本机关职能的，"
                                                          "转送有权机关或告知向其提出（《条例》第四十一条）。"))
        else:
            steps.append(Step("decide", "在答复期限内作出答复，生成答复书。"))
    elif a.state == State.DECIDED:
        if not a.letters.exists() or not _letter_current(a):
            steps.append(Step("generate_letter", "答复书尚未生成或与附件不一致，送达前须先生成答复书。"))
        sent = a.deliveries.exists()
        # The channel the applicant chose (《条例》第二十九条（三）) leads; a reply already on its way waits.
        by_channel = {"email": Step("email_reply", "申请人选择电子邮件：发送答复书和附件，邮件服务器接收之日为送达日。"),
                      "online": Step("publish_reply", "申请人选择网上查询下载：发布到查询页面，申请人首次下载之日为送达日。"),
                      "post": Step("post_reply", "申请人选择邮寄：寄出后登记邮件单号，签收后再登记签收日期。")}
        if not sent and a.delivery in by_channel:
            steps.append(by_channel[a.delivery])
        # Handed over, signed for, or (where no mail server is configured) delivered some other way; not while
        # a reply sent online or by e-mail waits for its download or for the mail server, which deliver it.
        waiting = a.deliveries.filter(channel__in=("online", "email"), delivered_on__isnull=True).exists()
        if not waiting or a.deliveries.filter(channel="post", delivered_on__isnull=True).exists():
            steps.append(Step("deliver", "当面领取、复制介质或邮寄签收后登记送达日期，救济期限自送达起算。"))
    elif a.state == State.DELIVERED:
        steps.append(Step("close", "答复已送达，办结归档。"))
    return steps


def next_step(application, allowed: Collection[str], today: dt.date) -> Step | None:
    """The one move the case page leads with: the first expected step among `allowed` (the names of the
    transitions CASE.available() gives this user), or None when the case waits for nothing this user may do."""
    return next((s for s in expected_steps(application, today) if s.name in allowed), None)


# The extension (《条例》第三十三条) is pressed on the officer only when the reply period is nearly used up: with
# this many working days left or fewer, the case page shows the request open beside the next step; earlier it
# waits, collapsed, among the other actions. Five working days leave the head a week to decide.
EXTENSION_PROMPT_WORKDAYS = 5


def extension_pressing(status) -> bool:
    """Whether the reply period (a core.workdays.DueStatus, or None when the clock is not running) is close
    enough to its end for the case page to offer the extension up front. Not once it has passed: an extension
    must be decided within the period."""
    return status is not None and not status.overdue and status.remaining <= EXTENSION_PROMPT_WORKDAYS
