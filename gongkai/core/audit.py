"""Writing audit entries: every service calls record() inside its transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from gongkai.core.models import AuditEntry
from gongkai.core.origin import current


def record(actor: Any, action: str, obj: Any, *, from_state: str = "", to_state: str = "",
           comment: str = "", duty: str = "", duty_subject: str = "", **data: Any) -> AuditEntry:
    """Append one audit entry for `obj` (any model instance) and return it.

    `duty` and `duty_subject` mark a review step performed on a subject (separation of duties); the entry
    carries the current request's client address and User-Agent (or the process name) and joins the SM3 chain."""
    name = ""
    if actor is not None and getattr(actor, "is_authenticated", False):
        name = actor.get_full_name() or actor.get_username()
    elif actor is None:
        name = "系统"
    address, agent = current()
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=name,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        duty=duty,
        duty_subject=duty_subject,
        data=data,
        client_address=address,
        user_agent=agent,
    )


def history(obj: Any, also: Iterable[Any] = ()):
    """Audit entries of one object, oldest first; with `also`, those of the other objects of its type with these
    numbers too (a pair's revisions, removed once approved)."""
    ids = [str(obj.pk), *(str(pk) for pk in also)]
    return AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id__in=ids).order_by(
        "created_at", "id")


# Audit action name → what staff read in a history. Apps register their own (services' "app.verb_noun" names) at
# import; a workflow's transitions are labelled by the workflow itself. One mapping for every history page, so no
# internal name ever shows to staff.
_LABELS: dict[str, str] = {}


def register_labels(labels: Mapping[str, str]) -> None:
    """Add Chinese labels of audit actions (e.g. {"catalog.save_item": "保存草稿"})."""
    _LABELS.update(labels)


def action_label(action: str, workflow: Any = None) -> str:
    """The Chinese label of an audit action: the workflow's transition label, a registered one, or 其他操作."""
    if workflow is not None:
        found = workflow.labels().get(action)
        if found:
            return found
    return _LABELS.get(action, "其他操作")


def history_rows(obj: Any, workflow: Any = None, also: Iterable[Any] = ()) -> list[dict[str, Any]]:
    """The history of `obj` (and of the objects numbered `also`, see history) as staff read it: when, who, what (in
    Chinese), the states in Chinese, the comment."""
    def state(value: str) -> str:
        return workflow.state_label(value) if workflow is not None and value else value

    return [{"entry": e, "when": e.created_at, "actor": e.actor_name or "系统", "label": action_label(e.action, workflow),
             "from": state(e.from_state) if e.from_state else "", "to": state(e.to_state) if e.to_state else "",
             "comment": e.comment} for e in history(obj, also)]
