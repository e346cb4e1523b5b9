"""What publishing adds to the staff shell: its menu entries and its dashboard panel."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from gongkai.orgs.permissions import agencies_for
from gongkai.orgs.roles import Role
from gongkai.publishing import queries, rules
from gongkai.staff.registry import MenuEntry, Panel, register_menu, register_panel

# The roles that work on government information (the disclosure office and administrators have their own).
DOCUMENT_ROLES = (Role.DRAFTER, Role.SECRECY_REVIEWER, Role.APPROVER, Role.SIGNER, Role.PUBLISHER)


def works_on_documents(user) -> bool:
    return any(agencies_for(user, role) for role in DOCUMENT_ROLES)


def panel_context(request: HttpRequest) -> dict[str, Any] | None:
    """My drafts, my inbox, relations to confirm, the proactive-disclosure clock and missing interpretations."""
    user = request.user
    if not works_on_documents(user):
        return None
    agencies = agencies_for(user)
    return {
        "drafts": queries.my_drafts(user)[:50],
        "inbox": queries.inbox(user),
        "relations_to_confirm": list(queries.relations_to_confirm(user)[:50]),
        "relations_awaiting": list(queries.relations_awaiting_others(user)[:50]),
        "deadlines": queries.timeliness(agencies),
        "missing": queries.missing_interpretations(agencies)[:50],
        "can_draft": bool(agencies_for(user, Role.DRAFTER)),
        "limit_workdays": rules.PROACTIVE_DISCLOSURE_WORKDAYS,
        "budget_days": rules.PERIOD_RULES[rules.DisclosurePeriod.DEPARTMENT_BUDGET].days,
    }


def register() -> None:
    register_menu(MenuEntry("documents", "政府信息", "staff-documents", order=10, visible=works_on_documents))
    register_menu(MenuEntry("document-new", "新建信息", "staff-document-new", order=11,
                            visible=lambda user: bool(agencies_for(user, Role.DRAFTER))))
    register_panel(Panel("publishing", "publishing/staff/_panel.html", panel_context, order=10))
