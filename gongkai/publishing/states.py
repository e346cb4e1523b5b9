"""The publishing workflow: named states and the only transitions allowed between them.

先审查、后公开，一事一审: every revision passes secrecy review, approval by the leader in charge and
sign-off by the principal leader before a publisher may make it public (now or at a scheduled time).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from gongkai.core.errors import IllegalTransition
from gongkai.orgs.roles import Role


class State(models.TextChoices):
    DRAFT = "draft", "草稿"
    SECRECY_REVIEW = "secrecy_review", "待保密审查"
    APPROVAL = "approval", "待审核"
    SIGNOFF = "signoff", "待签发"
    READY = "ready", "待发布"
    SCHEDULED = "scheduled", "定时发布"
    PUBLISHED = "published", "已发布"
    FILED = "filed", "已签发（不主动公开）"
    WITHDRAWN = "withdrawn", "已撤回"


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str | None  # None: decided by the service (e.g. sign-off → ready or filed)
    role: str | None  # None: done by the system (the scheduler)
    needs_comment: bool = False


TRANSITIONS: dict[str, Transition] = {t.name: t for t in (
    Transition("submit", "提交保密审查", (State.DRAFT,), State.SECRECY_REVIEW, Role.DRAFTER),
    Transition("pass_secrecy_review", "保密审查通过", (State.SECRECY_REVIEW,), State.APPROVAL,
               Role.SECRECY_REVIEWER),
    Transition("approve", "审核通过", (State.APPROVAL,), State.SIGNOFF, Role.APPROVER),
    Transition("sign_off", "签发", (State.SIGNOFF,), None, Role.SIGNER),
    Transition("publish", "立即发布", (State.READY,), State.PUBLISHED, Role.PUBLISHER),
    Transition("schedule", "定时发布", (State.READY,), State.SCHEDULED, Role.PUBLISHER),
    Transition("cancel_schedule", "取消定时", (State.SCHEDULED,), State.READY, Role.PUBLISHER),
    Transition("publish_scheduled", "到时自动发布", (State.SCHEDULED,), State.PUBLISHED, None),
    Transition("reject_secrecy_review", "保密审查退回", (State.SECRECY_REVIEW,), State.DRAFT,
               Role.SECRECY_REVIEWER, needs_comment=True),
    Transition("reject_approval", "审核退回", (State.APPROVAL,), State.DRAFT, Role.APPROVER, needs_comment=True),
    Transition("reject_signoff", "签发退回", (State.SIGNOFF,), State.DRAFT, Role.SIGNER, needs_comment=True),
    Transition("reject_publication", "发布前退回", (State.READY, State.SCHEDULED), State.DRAFT, Role.PUBLISHER,
               needs_comment=True),
    Transition("withdraw", "撤销发布", (State.PUBLISHED,), State.WITHDRAWN, Role.PUBLISHER, needs_comment=True),
)}

# States in which the pending revision may still be edited by its drafter.
EDITABLE_STATES = frozenset({State.DRAFT, State.PUBLISHED, State.FILED, State.WITHDRAWN})
# States that wait on someone's action: shown in inboxes.
INBOX_ROLE = {
    State.SECRECY_REVIEW: Role.SECRECY_REVIEWER,
    State.APPROVAL: Role.APPROVER,
    State.SIGNOFF: Role.SIGNER,
    State.READY: Role.PUBLISHER,
    State.SCHEDULED: Role.PUBLISHER,
}


def check(name: str, current: str) -> Transition:
    """Return the transition if it is allowed from `current`, else raise IllegalTransition in Chinese."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise IllegalTransition(f"未知的操作：{name}")
    if current not in transition.sources:
        raise IllegalTransition(
            f"当前状态为“{State(current).label}”，不能执行“{transition.label}”。")
    return transition


def available(current: str) -> list[Transition]:
    """Transitions that may be taken from `current` by a person (scheduler moves excluded)."""
    return [t for t in TRANSITIONS.values() if current in t.sources and t.role is not None]
