"""The consultation workflow: draft → open → closed → feedback_published.

Opening is checked against the minimum period of the draft's kind (rules.MINIMUM_PERIODS); closing is made by
the platform when the end time passes (nobody may close early and so shorten the period); the feedback
(意见采纳情况) is published by the disclosure office once the period has ended.
"""

from __future__ import annotations

from gongkai.core.workflow import Transition, Workflow
from gongkai.orgs.roles import Role
from gongkai.orgs.workflows import agency_workflow
from gongkai.participation.models import ConsultationStatus, RecordStatus

# The disclosure office runs the site's consultations for its agency, as it keeps the catalogue.
EDITORS = (Role.DISCLOSURE_OFFICER, Role.DISCLOSURE_HEAD)


def _opening_refusal(consultation) -> str | None:
    from gongkai.participation.services import opening_refusal

    return opening_refusal(consultation)


def _feedback_refusal(consultation) -> str | None:
    from gongkai.participation.services import feedback_refusal

    return feedback_refusal(consultation)


CONSULTATION = agency_workflow(
    name="participation.consultation",
    states=ConsultationStatus,
    state_field="status",
    object_label="征求意见",
    transitions=(
        Transition("open", "发布征求意见", (ConsultationStatus.DRAFT,), ConsultationStatus.OPEN, EDITORS,
                   guard=_opening_refusal, order=10),
        Transition("close", "结束征求意见", (ConsultationStatus.OPEN,), ConsultationStatus.CLOSED, system=True),
        Transition("publish_feedback", "公布意见采纳情况", (ConsultationStatus.OPEN, ConsultationStatus.CLOSED),
                   ConsultationStatus.FEEDBACK_PUBLISHED, EDITORS, guard=_feedback_refusal, order=20),
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
