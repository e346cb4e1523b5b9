"""What the catalogue adds to the staff shell: its menu entry, and a dashboard panel listing the guides and
negative lists not reviewed this year for the disclosure offices (a general office granted over its
subordinates sees them all)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from gongkai.catalog import queries
from gongkai.disclosure.queries import handling_agencies
from gongkai.staff.registry import MenuEntry, Panel, register_menu, register_panel

PANEL_ROWS = 10


def panel_context(request: HttpRequest) -> dict[str, Any] | None:
    agencies = handling_agencies(request.user)
    if not agencies:
        return None
    today = timezone.localdate()
    stale = queries.stale_guides(agencies, today)
    no_catalogue, no_negative = queries.missing_catalogues(agencies)
    return {"stale": stale[:PANEL_ROWS], "more": max(0, len(stale) - PANEL_ROWS), "year": today.year,
            "negative": queries.stale_negative_lists(agencies, today)[:PANEL_ROWS],
            "no_catalogue": no_catalogue[:PANEL_ROWS], "no_negative": no_negative[:PANEL_ROWS]}


def register() -> None:
    register_menu(MenuEntry("catalog", "公开目录与指南", "staff-catalog", order=27,
                            visible=lambda user: bool(handling_agencies(user))))
    register_panel(Panel("catalog-guides", "catalog/staff/_panel.html", panel_context, order=27))
