"""What consultations add to the staff shell: the menu entry, and a dashboard panel of ended consultations
whose feedback (意见采纳情况) is due soon or late, for the disclosure offices of their agencies."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from gongkai.disclosure.queries import handling_agencies
from gongkai.participation import queries, rules
from gongkai.staff.registry import MenuEntry, Panel, register_menu, register_panel

PANEL_ROWS = 10


def panel_context(request: HttpRequest) -> dict[str, Any] | None:
    agencies = handling_agencies(request.user)
    if not agencies:
        return None
    rows = queries.feedback_pending(agencies, timezone.localdate())
    if not rows:
        return None
    late = [r for r in rows if r.due.overdue]
    return {"rows": rows[:PANEL_ROWS], "more": max(0, len(rows) - PANEL_ROWS), "late": len(late),
            "source": rules.FEEDBACK_SOURCE}


def register() -> None:
    register_menu(MenuEntry("participation", "意见征集", "staff-consultations", order=28,
                            visible=lambda user: bool(handling_agencies(user))))
    register_panel(Panel("participation-feedback", "participation/staff/_panel.html", panel_context, order=28))
