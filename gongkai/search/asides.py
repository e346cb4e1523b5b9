"""Boxes other apps add beside the search results (the policy Q&A's answer when the query is a question).

Search knows nothing of those apps: each registers an Aside in its AppConfig.ready(), and the results page asks
every registered aside for its context; one that returns None shows nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Aside:
    key: str
    template: str
    # (request, the search parameters, the results) → the template's values, or None to show nothing.
    context: Callable[[HttpRequest, Any, Any], dict[str, Any] | None]
    order: int = 100


_asides: dict[str, Aside] = {}


def register_aside(aside: Aside) -> None:
    _asides[aside.key] = aside


def asides_for(request: HttpRequest, params: Any, found: Any) -> list[SafeString]:
    """The HTML of every aside that has something to show for this search, in order."""
    shown = []
    for aside in sorted(_asides.values(), key=lambda a: a.order):
        context = aside.context(request, params, found)
        if context is not None:
            shown.append(mark_safe(render_to_string(aside.template, context, request)))  # a template's output
    return shown
