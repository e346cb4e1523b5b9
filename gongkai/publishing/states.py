"""The publishing workflows, declared as data for the engine in gongkai.core.workflow.

Where the next revision is in review (`Document.state`) is kept apart from whether a version is public
(`Document.live_revision`): a published version stays public and unchanged while its next revision is drafted
and reviewed, and the publisher can withdraw it whatever that revision is doing.

先审查、后公开，一事一审: every revision passes secrecy review, approval by the leader in charge and sign-off by
the principal leader before a publisher may make it public; one person performs one step of one revision.
"""

from __future__ import annotations

from django.db import models

from gongkai.core.workflow import NEW, Transition
from gongkai.orgs.roles import Role
from gongkai.orgs.workflows import agency_workflow
from gongkai.publishing.rules import Validity


class State(models.TextChoices):
    """Review state of the document's latest revision."""

    DRAFT = "draft", "草稿"
    SECRECY_REVIEW = "secrecy_review", "待保密审查"
    APPROVAL = "approval", "待审核"
    SIGNOFF = "signoff", "待签发"
    READY = "ready", "待发布"
    SCHEDULED = "scheduled", "定时发布"
    PUBLISHED = "published", "已发布"
    FILED = "filed", "已签发（不主动公开）"


# A revision under way: drafted, in review, or signed off and waiting for its publication.
PENDING_STATES = (State.DRAFT, State.SECRECY_REVIEW, State.APPROVAL, State.SIGNOFF, State.READY, State.SCHEDULED)
# States in which the latest revision may be edited (a new revision is written).
EDITABLE_STATES = frozenset({State.DRAFT, State.PUBLISHED, State.FILED})
# States that wait on someone's action: shown in inboxes.
INBOX_ROLE = {
    State.SECRECY_REVIEW: Role.SECRECY_REVIEWER,
    State.APPROVAL: Role.APPROVER,
    State.SIGNOFF: Role.SIGNER,
    State.READY: Role.PUBLISHER,
    State.SCHEDULED: Role.PUBLISHER,
}
ALL_STATES = tuple(State.values)
# Public status, derived from the live revision: these words appear in histories beside the review states.
PUBLIC, WITHDRAWN = "published", "withdrawn"
PUBLIC_STATUS_LABELS = {PUBLIC: "已发布", WITHDRAWN: "已撤回"}

DUTIES = {
    "draft": "起草",
    "secrecy_review": "保密审查",
    "approval": "审核",
    "signoff": "签发",
    "publication": "发布",
}


def _public_version(document) -> str | None:
    return None if document.live_revision_id else "本文件目前没有公开的版本，无需撤销发布。"


def _revision_key(document) -> str:
    return f"publishing.revision:{document.latest_revision_id}" if document.latest_revision_id else ""


def _duties_relaxed(document) -> bool:
    return document.agency.combined_duties_allowed


D, SR, AP, SO, RD, SC = (State.DRAFT, State.SECRECY_REVIEW, State.APPROVAL, State.SIGNOFF, State.READY,
                         State.SCHEDULED)
REVIEW = agency_workflow(
    name="publishing.review",
    states=State,
    duties=DUTIES,
    duty_subject=_revision_key,
    duties_relaxed=_duties_relaxed,
    subject_label="本文件的这一版本",
    comment_message="退回或撤销时请填写意见。",
    transitions=(
        Transition("create_document", "新建", (NEW,), D, (Role.DRAFTER,), system=True, duty="draft", offered=False),
        # 依申请转主动公开: the disclosure office drafts; every review step still follows.
        Transition("create_from_application", "依申请转主动公开", (NEW,), D,
                   (Role.DISCLOSURE_OFFICER, Role.DISCLOSURE_HEAD), duty="draft", offered=False),
        # Drafting is a step on the revision being written: reviewing the previous one does not bar it.
        Transition("save_revision", "保存新版本", tuple(EDITABLE_STATES), D, (Role.DRAFTER,), system=True, duty="draft",
                   new_subject=True, offered=False),
        Transition("submit", "提交保密审查", (D,), SR, (Role.DRAFTER,), duty="draft", order=10),
        Transition("pass_secrecy_review", "保密审查通过", (SR,), AP, (Role.SECRECY_REVIEWER,),
                   duty="secrecy_review", order=10),
        Transition("reject_secrecy_review", "保密审查退回", (SR,), D, (Role.SECRECY_REVIEWER,),
                   needs_comment=True, duty="secrecy_review", order=20),
        Transition("approve", "审核通过", (AP,), SO, (Role.APPROVER,), duty="approval", order=10),
        Transition("reject_approval", "审核退回", (AP,), D, (Role.APPROVER,), needs_comment=True,
                   duty="approval", order=20),
        # The target depends on the revision: 主动公开 → ready to publish; otherwise filed (see services).
        Transition("sign_off", "签发", (SO,), None, (Role.SIGNER,), duty="signoff", order=10),
        Transition("reject_signoff", "签发退回", (SO,), D, (Role.SIGNER,), needs_comment=True, duty="signoff",
                   order=20),
        Transition("publish", "立即发布", (RD,), State.PUBLISHED, (Role.PUBLISHER,), duty="publication",
                   order=10),
        Transition("schedule", "定时发布", (RD,), SC, (Role.PUBLISHER,), duty="publication", order=11),
        Transition("cancel_schedule", "取消定时", (SC,), RD, (Role.PUBLISHER,), duty="publication", order=12),
        Transition("publish_scheduled", "到时自动发布", (SC,), State.PUBLISHED, system=True),
        Transition("reject_publication", "发布前退回", (RD, SC), D, (Role.PUBLISHER,), needs_comment=True,
                   duty="publication", order=20),
        # Withdrawal concerns the public version, not the revision in review: allowed in every state.
        Transition("withdraw", "撤销发布", ALL_STATES, None, (Role.PUBLISHER,), guard=_public_version,
                   needs_comment=True, order=90, audit_states=(PUBLIC, WITHDRAWN)),
        Transition("imported_as_published", "导入为已发布", (D, State.PUBLISHED), State.PUBLISHED, system=True),
    ),
)

# Which rejection applies at which step, for the single “退回” button.
REJECTIONS = {
    State.SECRECY_REVIEW: "reject_secrecy_review",
    State.APPROVAL: "reject_approval",
    State.SIGNOFF: "reject_signoff",
    State.READY: "reject_publication",
    State.SCHEDULED: "reject_publication",
}


# Validity (有效性) is a state of its own: a publisher (or an importer) changes it, always audited.
VALIDITY = agency_workflow(
    name="publishing.validity",
    states=Validity,
    state_field="validity",
    transitions=(
        Transition("set_validity", "变更有效性", tuple(Validity.values), None, (Role.PUBLISHER,), system=True,
                   offered=False),
    ),
)


class RelationStatus(models.TextChoices):
    DECLARED = "declared", "随文件发布生效"
    PENDING = "pending", "待对方机关确认"
    EFFECTIVE = "effective", "已生效"
    DECLINED = "declined", "对方机关未同意"


def _still_live(relation) -> str | None:
    if relation.revision.document.live_revision_id != relation.revision_id:
        return "提出该关系的文件版本已不再公开，无需确认。"
    return None


# A published revision that repeals or amends another agency's document changes it only when that agency's
# publisher confirms; until then both agencies see the relation as pending.
RELATION = agency_workflow(
    name="publishing.relation",
    comment_message="不同意时请写明理由，对方机关会看到。",
    states=RelationStatus,
    state_field="status",
    scope=lambda relation: relation.target.agency,
    transitions=(
        Transition("take_effect", "随文件发布生效", (RelationStatus.DECLARED,), RelationStatus.EFFECTIVE,
                   system=True),
        Transition("ask_confirmation", "请对方机关确认", (RelationStatus.DECLARED,), RelationStatus.PENDING,
                   system=True),
        Transition("confirm_relation", "确认", (RelationStatus.PENDING,), RelationStatus.EFFECTIVE,
                   (Role.PUBLISHER,), guard=_still_live, order=10),
        Transition("decline_relation", "不同意", (RelationStatus.PENDING,), RelationStatus.DECLINED,
                   (Role.PUBLISHER,), guard=_still_live, needs_comment=True, order=20),
    ),
)
