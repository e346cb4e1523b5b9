"""What the annual report adds to the staff shell: its menu entry and a dashboard panel with the statutory
publication deadline of last year's report, for the disclosure office."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from gongkai.disclosure import queries
from gongkai.orgs.models import AgencyKind
from gongkai.reports import rules
from gongkai.reports.models import AnnualReport, Narrative
from gongkai.staff.registry import MenuEntry, Panel, register_menu, register_panel

# Agencies listed on the panel; the report page reaches them all.
PANEL_AGENCIES = 10


def _handles_any(user) -> bool:
    return bool(queries.handling_agencies(user))


def panel_context(request: HttpRequest) -> dict[str, Any] | None:
    """For each of the user's agencies: last year's report, its deadline, days left and sections written."""
    agencies = queries.handling_agencies(request.user)
    if not agencies:
        return None
    today = timezone.localdate()
    year = today.year - 1
    written: dict[int, int] = {}
    for agency_id in Narrative.objects.filter(agency__in=agencies, year=year).exclude(text="").values_list(
            "agency_id", flat=True):
        written[agency_id] = written.get(agency_id, 0) + 1
    # The newest revision of each agency's own report (not the aggregate): where its release stands.
    latest: dict[int, AnnualReport] = {}
    for report in AnnualReport.objects.filter(agency__in=agencies[:PANEL_AGENCIES], year=year,
                                              aggregate=False).order_by("revision"):
        latest[report.agency_id] = report
    released = dict(AnnualReport.objects.filter(agency__in=agencies[:PANEL_AGENCIES], year=year, aggregate=False,
                                                state="released").order_by("revision")
                    .values_list("agency_id", "released_at"))
    rows = []
    for agency in agencies[:PANEL_AGENCIES]:
        due = rules.deadline(year, agency.kind == AgencyKind.GOVERNMENT)
        rows.append({"agency": agency, "due": due, "days_left": (due - today).days, "overdue": (today - due).days,
                     "written": written.get(agency.pk, 0), "latest": latest.get(agency.pk),
                     "released_at": released.get(agency.pk)})
    return {"year": year, "rows": rows, "sections": len(rules.Section), "more": max(0, len(agencies) - PANEL_AGENCIES)}


def register() -> None:
    register_menu(MenuEntry("annual-report", "年度报告", "staff-annual-report", order=25, visible=_handles_any))
    register_panel(Panel("annual-report", "reports/staff/_panel.html", panel_context, order=25))
