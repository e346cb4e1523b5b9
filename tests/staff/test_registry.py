"""What apps add to the staff shell (staff.registry): menu entries and dashboard panels, each for its users."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from gongkai.staff import registry


@pytest.fixture
def empty(monkeypatch):
    """A registry of the test's own, so the apps' real entries do not interfere."""
    monkeypatch.setattr(registry, "_menu", {})
    monkeypatch.setattr(registry, "_panels", {})


class User:
    def __init__(self, name: str) -> None:
        self.name = name


def test_menu_entries_are_ordered_and_shown_to_whom_they_concern(empty):
    registry.register_menu(registry.MenuEntry("b", "乙", "staff-dashboard", order=20))
    registry.register_menu(registry.MenuEntry("a", "甲", "staff-dashboard", order=10,
                                              visible=lambda user: user.name == "甲的用户"))
    assert [e.key for e in registry.menu_for(User("甲的用户"))] == ["a", "b"]
    assert [e.key for e in registry.menu_for(User("别人"))] == ["b"]
    registry.register_menu(registry.MenuEntry("b", "乙（新）", "staff-dashboard", order=5))
    assert [e.label for e in registry.menu_for(User("别人"))] == ["乙（新）"], "a key registers once"


def test_panels_give_their_values_or_hide(empty):
    registry.register_panel(registry.Panel("late", "x.html", lambda request: {"n": 2}, order=20))
    registry.register_panel(registry.Panel("early", "y.html", lambda request: {"n": 1}, order=10))
    registry.register_panel(registry.Panel("hidden", "z.html", lambda request: None, order=0))
    shown = registry.panels_for(RequestFactory().get("/staff/"))
    assert [(panel.key, values) for panel, values in shown] == [("early", {"n": 1}), ("late", {"n": 2})]


def test_every_app_registered_its_entries():
    keys = {entry.key for entry in registry._menu.values()}
    assert {"dashboard", "documents", "document-new", "applications", "search-report"} <= keys
    assert {"publishing", "disclosure"} <= set(registry._panels)
