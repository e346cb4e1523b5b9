"""What disclosure on application adds to the staff shell: its menu entries, its dashboard panel, and the case
list as the landing page of users who only handle applications."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from gongkai.core.workdays import WorkCalendar
from gongkai.disclosure import queries, rules
from gongkai.disclosure.states import HANDLERS
from gongkai.staff.registry import Landing, MenuEntry, Panel, register_landing, register_menu, register_panel


def panel_context(request: HttpRequest) -> dict[str, Any] | None:
    """How many of the user's cases are due soon, overdue, paused or waiting for a correction."""
    if not queries.handling_agencies(request.user):
        return None
    calendar = WorkCalendar.load()
    cases = queries.staff_applications(request.user)
    counts = [(name, label, queries.apply_filter(cases, name, calendar).count())
              for name, label in queries.FILTERS.items()]
    # Extensions the head must approve: the officer waits on them, and the clock does not.
    return {"counts": counts, "reply_workdays": rules.REPLY_WORKDAYS,
            "extensions": queries.extensions_to_approve(request.user)}


def _handles_any(user) -> bool:
    return bool(queries.handling_agencies(user))


def register() -> None:
    register_menu(MenuEntry("applications", "依申请公开", "staff-applications", order=20, visible=_handles_any))
    register_panel(Panel("disclosure", "disclosure/staff/_panel.html", panel_context, order=20))
    register_landing(Landing("applications", "staff-applications", frozenset(HANDLERS)))
