"""Writing audit entries: every service calls record() inside its transaction."""

from __future__ import annotations

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


def history(obj: Any):
    """Audit entries of one object, oldest first."""
    return AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by(
        "created_at", "id")
