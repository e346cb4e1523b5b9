"""The consultation workflow: draft → open → closed → feedback_published.

Opening is checked against the minimum period of the draft's kind (rules.MINIMUM_PERIODS); closing is made by
the platform when the end time passes (nobody may close early and so shorten the period); the feedback
(意见采纳情况) is published by the disclosure office once the period has ended, by someone other than its drafter.
"""

from __future__ import annotations

from gongkai.core.workflow import NEW, Transition, Workflow
from gongkai.orgs.roles import Role
from gongkai.orgs.workflows import agency_workflow
from gongkai.participation.models import ConsultationStatus, MessageStatus, RecordStatus
from gongkai.participation.rules import MessageCategory

# The disclosure office runs the site's consultations for its agency, as it keeps the catalogue.
EDITORS = (Role.DISCLOSURE_OFFICER, Role.DISCLOSURE_HEAD)


def _opening_refusal(consultation) -> str | None:
    from gongkai.participation.services import opening_refusal

    return opening_refusal(consultation)


def _feedback_refusal(consultation) -> str | None:
    from gongkai.participation.services import feedback_refusal

    return feedback_refusal(consultation)


# Separation of duties (as in publishing): whoever drafted the feedback (意见采纳情况) does not also publish it, so a
# second member of the office checks what the agency says it adopted before it is public.
FEEDBACK_DUTIES = {"draft_feedback": "起草意见采纳情况", "publish_feedback": "公布意见采纳情况"}


def feedback_key(consultation) -> str:
    """The subject the feedback duties are performed on: the feedback of one consultation."""
    return f"participation.consultation:{consultation.pk}:feedback" if consultation.pk else ""


CONSULTATION = agency_workflow(
    name="participation.consultation",
    states=ConsultationStatus,
    state_field="status",
    object_label="征求意见",
    duties=FEEDBACK_DUTIES,
    duty_subject=feedback_key,
    duties_relaxed=lambda consultation: consultation.agency.combined_duties_allowed,
    subject_label="本次意见采纳情况",
    duty_rule="起草和公布分离",
    transitions=(
        Transition("open", "发布征求意见", (ConsultationStatus.DRAFT,), ConsultationStatus.OPEN, EDITORS,
                   guard=_opening_refusal, order=10),
        Transition("close", "结束征求意见", (ConsultationStatus.OPEN,), ConsultationStatus.CLOSED, system=True),
        Transition("publish_feedback", "公布意见采纳情况", (ConsultationStatus.OPEN, ConsultationStatus.CLOSED),
                   ConsultationStatus.FEEDBACK_PUBLISHED, EDITORS, guard=_feedback_refusal, duty="publish_feedback",
                   order=20),
    ),
)


def _meeting_refusal(meeting) -> str | None:
    from gongkai.participation.records import meeting_refusal

    return meeting_refusal(meeting)


def _evaluation_refusal(evaluation) -> str | None:
    from gongkai.participation.records import evaluation_refusal

    return evaluation_refusal(evaluation)


def _record_workflow(name: str, label: str, guard) -> Workflow:
    """draft → published ⇄ withdrawn: public only once a member of the disclosure office publishes it; withdrawn
    with a reason at any time, and published again once corrected."""
    return agency_workflow(
        name=name, states=RecordStatus, state_field="status", object_label=label, comment_message="请填写撤回理由。",
        transitions=(
            Transition("publish", "公开", (RecordStatus.DRAFT, RecordStatus.WITHDRAWN), RecordStatus.PUBLISHED,
                       EDITORS, guard=guard, order=10),
            Transition("withdraw", "撤回", (RecordStatus.PUBLISHED,), RecordStatus.WITHDRAWN, EDITORS,
                       needs_comment=True, order=20, offered=False),
        ),
    )


MEETING = _record_workflow("participation.meeting", "列席会议记录", _meeting_refusal)
EVALUATION = _record_workflow("participation.evaluation", "政策评估", _evaluation_refusal)


# -- messages (政府信箱, 找错): received → replied, or set aside as a duplicate or invalid, never deleted ---------------

def _reply_publication_refusal(message) -> str | None:
    from gongkai.participation.messages import publication_refusal

    return publication_refusal(message)


def _withdrawal_refusal(message) -> str | None:
    return None if message.reply_published_at is not None else "答复尚未公开。"


def _fix_refusal(message) -> str | None:
    return None if message.category == MessageCategory.ERROR_REPORT else "只有“我为政府网站找错”留言需要登记纠错情况。"


# The disclosure office of the handling agency answers the mailbox, as it runs the consultations.
MESSAGE = agency_workflow(
    name="participation.message",
    states=MessageStatus,
    state_field="status",
    object_label="留言",
    transitions=(
        Transition("receive_message", "收到留言", (NEW,), MessageStatus.RECEIVED, system=True),
        # A letter, call or visit entered by the office that received it: the entering staff member is audited.
        Transition("register_message", "登记来信来电来访", (NEW,), MessageStatus.RECEIVED, EDITORS, offered=False),
        Transition("transfer_message", "转办", (MessageStatus.RECEIVED,), None, EDITORS, needs_comment=True,
                   offered=False),
        Transition("reply_message", "答复", (MessageStatus.RECEIVED,), MessageStatus.REPLIED, EDITORS, offered=False),
        Transition("mark_duplicate", "标记为重复留言", (MessageStatus.RECEIVED,), MessageStatus.DUPLICATE, EDITORS,
                   needs_comment=True, offered=False),
        Transition("mark_invalid", "标记为无效留言", (MessageStatus.RECEIVED,), MessageStatus.INVALID, EDITORS,
                   needs_comment=True, offered=False),
        Transition("publish_reply", "公开答复", (MessageStatus.REPLIED,), None, EDITORS,
                   guard=_reply_publication_refusal, order=10),
        Transition("withdraw_reply", "撤下公开答复", (MessageStatus.REPLIED,), None, EDITORS,
                   guard=_withdrawal_refusal, needs_comment=True, offered=False),
        Transition("record_fix", "登记纠错情况", (MessageStatus.RECEIVED, MessageStatus.REPLIED), None, EDITORS,
                   guard=_fix_refusal, offered=False),
        Transition("rate_reply", "留言人评价", (MessageStatus.REPLIED,), None, system=True),
        Transition("escalate_message", "提请办公厅督办", (MessageStatus.RECEIVED,), None, system=True),
        Transition("reset_access_token", "重新设置查询密码", tuple(MessageStatus.values), None, system=True),
    ),
)
