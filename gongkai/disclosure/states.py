"""The life of an application: named states and the only transitions allowed between them.

received → in_progress → decided → delivered → closed, with a detour through correction_requested when the
request is unclear (《条例》第三十条). Pauses (consultations, fee notices) and the extension are recorded
intervals and facts on the case, not states, because several can overlap.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from gongkai.core.errors import IllegalTransition


class State(models.TextChoices):
    RECEIVED = "received", "已收到"
    CORRECTION_REQUESTED = "correction_requested", "待申请人补正"
    IN_PROGRESS = "in_progress", "办理中"
    DECIDED = "decided", "已作出答复"
    DELIVERED = "delivered", "已送达"
    CLOSED = "closed", "已办结归档"


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str


TRANSITIONS: dict[str, Transition] = {t.name: t for t in (
    Transition("accept", "开始办理", (State.RECEIVED,), State.IN_PROGRESS),
    Transition("request_correction", "告知补正", (State.RECEIVED, State.IN_PROGRESS), State.CORRECTION_REQUESTED),
    Transition("receive_correction", "收到补正", (State.CORRECTION_REQUESTED,), State.IN_PROGRESS),
    Transition("decide", "作出答复",
               (State.RECEIVED, State.IN_PROGRESS, State.CORRECTION_REQUESTED), State.DECIDED),
    Transition("deliver", "送达答复书", (State.DECIDED,), State.DELIVERED),
    Transition("close", "办结归档", (State.DELIVERED,), State.CLOSED),
)}

# Cases the office still has to answer: their clock runs (or is paused) and a holiday change moves their date.
OPEN_STATES = (State.RECEIVED, State.CORRECTION_REQUESTED, State.IN_PROGRESS)
# States in which consultations, extensions and fee notices may be recorded.
HANDLING_STATES = (State.RECEIVED, State.IN_PROGRESS)
# Once answered, remedies can be recorded.
ANSWERED_STATES = (State.DECIDED, State.DELIVERED, State.CLOSED)


def check(name: str, current: str) -> Transition:
    """Return the transition if it is allowed from `current`, else raise IllegalTransition in Chinese."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise IllegalTransition(f"未知的操作：{name}")
    if current not in transition.sources:
        raise IllegalTransition(f"申请当前状态为“{State(current).label}”，不能执行“{transition.label}”。")
    return transition


def require(current: str, allowed: tuple[str, ...], label: str) -> None:
    """Raise IllegalTransition unless `current` is one of `allowed` (for actions that do not change state)."""
    if current not in allowed:
        raise IllegalTransition(f"申请当前状态为“{State(current).label}”，不能{label}。")
