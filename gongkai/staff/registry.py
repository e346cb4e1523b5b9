"""What each app adds to the staff shell: entries in the menu, panels on the dashboard and landing pages.

An app registers them once, in its AppConfig.ready(); the shell shows each to the users it is meant for.
Apps never import one another's views: the shell is where they meet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse


@dataclass(frozen=True)
class MenuEntry:
    """A link in the staff bar, shown to the users `visible` accepts."""

    key: str
    label: str
    url_name: str
    order: int = 100
    visible: Callable[[Any], bool] = lambda user: True

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@dataclass(frozen=True)
class Panel:
    """A section of the dashboard: `context(request)` gives its template's values, or None to hide it."""

    key: str
    template: str
    context: Callable[[HttpRequest], dict[str, Any] | None]
    order: int = 100


@dataclass(frozen=True)
class Landing:
    """Where a user whose role grants all lie within `roles` lands after signing in, instead of the dashboard
    (the disclosure office's case list for its officers, say)."""

    key: str
    url_name: str
    roles: frozenset[str]

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_menu: dict[str, MenuEntry] = {}
_panels: dict[str, Panel] = {}
_landings: dict[str, Landing] = {}


def register_menu(entry: MenuEntry) -> None:
    """Add (or replace, by key) a staff menu entry."""
    _menu[entry.key] = entry


def register_panel(panel: Panel) -> None:
    """Add (or replace, by key) a dashboard panel."""
    _panels[panel.key] = panel


def register_landing(landing: Landing) -> None:
    """Add (or replace, by key) a landing page for the users whose roles it covers."""
    _landings[landing.key] = landing


def landing_for(user) -> str | None:
    """The page `user` lands on after signing in when no ?next= says otherwise: the one registered landing that
    covers every role the user holds; None (the dashboard) for superusers, users without roles, and users whose
    roles span several apps' work."""
    from gongkai.orgs.models import RoleGrant

    if not getattr(user, "is_authenticated", False) or user.is_superuser:
        return None
    roles = set(RoleGrant.objects.filter(user=user).values_list("role", flat=True))
    if not roles:
        return None
    covering = [landing for landing in sorted(_landings.values(), key=lambda each: each.key)
                if roles <= landing.roles]
    return covering[0].url if covering else None


def menu_for(user) -> list[MenuEntry]:
    """The menu entries `user` may see, in order."""
    return sorted((e for e in _menu.values() if e.visible(user)), key=lambda e: (e.order, e.key))


def panels_for(request: HttpRequest) -> list[tuple[Panel, dict[str, Any]]]:
    """The dashboard panels with their values for this request, in order; hidden panels left out."""
    shown = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(request)
        if context is not None:
            shown.append((panel, context))
    return shown
