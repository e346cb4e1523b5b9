"""What the assessment adds to the staff shell: its menu entries (考评 for the general office, 工作要点 for the
office and the agencies' disclosure offices) and the work plan's dashboard panel."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from gongkai.assessment.access import office_agencies
from gongkai.staff.registry import MenuEntry, Panel, register_menu, register_panel

PANEL_TASKS = 10


def _assesses(user) -> bool:
    return bool(office_agencies(user))


def _works_on_plans(user) -> bool:
    from gongkai.assessment.workplan import handled_agencies

    return bool(office_agencies(user) or handled_agencies(user))


def panel_context(request: HttpRequest) -> dict[str, Any] | None:
    """The general office: each current plan's overdue, due-soon and done counts. An agency's staff: their
    agencies' open tasks, nearest deadline first."""
    from gongkai.assessment import workplan
    from gongkai.assessment.models import WorkPlan, WorkTask
    from gongkai.assessment.rules import OPEN_TASK_STATES
    from gongkai.core.workdays import WorkCalendar

    user = request.user
    office = office_agencies(user)
    handled = workplan.handled_agencies(user)
    if not office and not handled:
        return None
    today, calendar = timezone.localdate(), WorkCalendar.load()
    plans = []
    for plan in WorkPlan.objects.filter(agency__in=office, year__gte=today.year - 1):
        tasks = list(plan.tasks.all())
        statuses = [workplan.task_status(t, today, calendar) for t in tasks]
        plans.append({"plan": plan, "total": len(tasks), "done": sum(1 for s in statuses if s is None),
                      "overdue": sum(1 for s in statuses if s and s.overdue),
                      "due_soon": sum(1 for s in statuses if s and s.due_soon)})
    rows = []
    # Only the agencies whose work it is (the office's own view is the per-plan counts above).
    own = [a for a in handled if a not in office] if office else handled
    if own:
        open_tasks = (WorkTask.objects.filter(agency__in=own, state__in=OPEN_TASK_STATES)
                      .select_related("agency").order_by("due_on", "pk"))
        for task in open_tasks[:PANEL_TASKS]:
            late = (today - task.due_on).days
            rows.append({"task": task, "overdue": late > 0, "late_days": late})
        more = max(0, open_tasks.count() - PANEL_TASKS)
    else:
        more = 0
    if not plans and not rows:
        return None
    return {"plans": plans, "tasks": rows, "more": more, "remind_days": workplan.warn_days()}


def columns_panel_context(request: HttpRequest) -> dict[str, Any] | None:
    """The general office: how many columns of its agencies are blank or stale today (国办秘函〔2019〕19号)."""
    from gongkai.assessment.columns import failing_columns

    office = office_agencies(request.user)
    if not office:
        return None
    today = timezone.localdate()
    found = {agency.pk: failing_columns(agency, today) for agency in office}
    blank = sum(1 for cols in found.values() for c in cols if c.blank)
    stale = sum(1 for cols in found.values() for c in cols if c.stale)
    return {"today": today, "blank": blank, "stale": stale, "total": blank + stale,
            "agencies": sum(1 for cols in found.values() if cols)}


def register() -> None:
    register_menu(MenuEntry("assessment", "考评", "staff-assessment", order=40, visible=_assesses))
    register_menu(MenuEntry("workplan", "工作要点", "staff-workplans", order=41, visible=_works_on_plans))
    register_panel(Panel("workplan", "assessment/workplan/_panel.html", panel_context, order=30))
    register_panel(Panel("columns", "assessment/staff/_columns_panel.html", columns_panel_context, order=31))
