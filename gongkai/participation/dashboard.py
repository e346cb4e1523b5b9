"""What participation adds to the staff shell: the menu entries, a dashboard panel of ended consultations whose
feedback (意见采纳情况) is due soon or late, and one of the policy-making agencies below the yearly minimum of
policy evaluations, for the disclosure offices of their agencies; a panel of messages due soon, overdue and raised to
the general office, with the count the inspection would see (国办秘函〔2019〕19号 “互动回应差”); and, on the
public site, the evaluations section of a policy's page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from gongkai.disclosure.queries import handling_agencies
from gongkai.participation import queries, records, rules
from gongkai.publishing.sections import DocumentSection, Link, register_section
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


def evaluation_panel_context(request: HttpRequest) -> dict[str, Any] | None:
    """The count the general office watches: policy-making agencies below the yearly minimum of evaluations."""
    agencies = handling_agencies(request.user)
    if not agencies:
        return None
    year = records.this_year()
    counts = records.evaluation_counts(agencies, year)
    if not counts:
        return None
    below = [r for r in counts if r.missing]
    return {"year": year, "below": len(below), "total": len(counts), "rows": below[:PANEL_ROWS],
            "minimum": rules.EVALUATIONS_PER_YEAR, "source": rules.EVALUATION_SOURCE}


def _evaluation_links(document) -> list[Link]:
    from gongkai.participation.visibility import public_evaluations

    return [Link(e.title, reverse("evaluation", args=[e.pk]),
                 f"{e.get_method_display()}，{e.completed_on:%Y-%m-%d} 完成" if e.completed_on else e.get_method_display())
            for e in public_evaluations().filter(policy=document).order_by("-completed_on", "-id")]


def messages_panel_context(request: HttpRequest) -> dict[str, Any] | None:
    """Messages of the agencies the user handles (or oversees as the general office): overdue, due soon, raised
    to the general office, and this year's count of the veto item."""
    from gongkai.assessment.access import office_agencies

    handled = handling_agencies(request.user)
    agencies = {a.pk: a for a in [*handled, *office_agencies(request.user)]}
    if not agencies:
        return None
    today = timezone.localdate()
    rows = queries.message_rows(list(agencies.values()), "open", today)
    veto = queries.veto_messages(list(agencies.values()), today.year, today)
    context = {"overdue": sum(1 for r in rows if r.due.overdue), "due_soon": sum(1 for r in rows if r.due.due_soon),
               "escalated": sum(1 for r in rows if r.message.escalated_at), "veto": len(veto), "year": today.year,
               "open": len(rows), "source": rules.VETO_SOURCE, "linked": bool(handled),
               "veto_months": rules.VETO_MONTHS, "escalate_months": rules.ESCALATE_MONTHS}
    return context if rows or veto else None


def register() -> None:
    visible = lambda user: bool(handling_agencies(user))  # noqa: E731
    register_menu(MenuEntry("participation", "意见征集", "staff-consultations", order=28, visible=visible))
    register_menu(MenuEntry("participation-meetings", "列席会议", "staff-meetings", order=29, visible=visible))
    register_menu(MenuEntry("participation-evaluations", "政策评估", "staff-evaluations", order=29, visible=visible))
    register_menu(MenuEntry("messages", "政府信箱", "staff-messages", order=29, visible=visible))
    register_panel(Panel("participation-feedback", "participation/staff/_panel.html", panel_context, order=28))
    register_panel(Panel("participation-evaluations", "participation/staff/_evaluation_panel.html",
                         evaluation_panel_context, order=29))
    register_panel(Panel("participation-messages", "participation/staff/_messages_panel.html",
                         messages_panel_context, order=29))
    # The policy's public page lists its published evaluations (the evaluation's page links the policy).
    register_section(DocumentSection("participation-evaluations", "政策执行效果评估", _evaluation_links, order=50))
