"""What the annual report adds to the staff shell: its menu entry, for the disclosure office."""

from __future__ import annotations

from gongkai.disclosure import queries
from gongkai.staff.registry import MenuEntry, register_menu


def _handles_any(user) -> bool:
    return bool(queries.handling_agencies(user))


def register() -> None:
    register_menu(MenuEntry("annual-report", "年度报告", "staff-annual-report", order=25, visible=_handles_any))
