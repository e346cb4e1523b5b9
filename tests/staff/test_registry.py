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
    monkeypatch.setattr(registry, "_landings", {})


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
    assert "applications" in registry._landings


@pytest.mark.django_db
def test_a_landing_page_is_for_users_whose_roles_it_covers_entirely(empty, agency, django_user_model):
    from gongkai.orgs.roles import Role
    from tests import factories

    registry.register_landing(registry.Landing("cases", "staff-applications",
                                               frozenset({Role.DISCLOSURE_OFFICER, Role.DISCLOSURE_HEAD})))
    assert registry.landing_for(factories.make_staff(agency, Role.DISCLOSURE_HEAD)) == "/staff/applications/"
    assert registry.landing_for(factories.make_staff(agency, Role.DISCLOSURE_HEAD, Role.PUBLISHER)) is None
    assert registry.landing_for(factories.make_staff(agency)) is None, "no roles: the dashboard explains"
    root = django_user_model.objects.create_superuser("root", password=factories.PASSWORD)
    root.role_grants.create(agency=agency, role=Role.DISCLOSURE_OFFICER)
    assert registry.landing_for(root) is None, "a superuser sees everything from the dashboard"
