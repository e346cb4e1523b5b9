"""What the assessment adds to the staff shell: its menu entry, for the general office."""

from __future__ import annotations

from gongkai.assessment.access import office_agencies
from gongkai.staff.registry import MenuEntry, register_menu


def _assesses(user) -> bool:
    return bool(office_agencies(user))


def register() -> None:
    register_menu(MenuEntry("assessment", "考评", "staff-assessment", order=40, visible=_assesses))
