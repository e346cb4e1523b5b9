"""Sections other apps add to a public document's page (the published evaluations of a policy, say).

An app registers a section once, in its AppConfig.ready(); the document page shows every section that gives
links for the document. Each provider answers through its own app's visibility rule. Publishing never imports
the other apps: this registry is where they meet, as the staff shell's registry is for staff pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from gongkai.publishing.models import Document


@dataclass(frozen=True)
class Link:
    title: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class DocumentSection:
    """A titled list of links on a public document page; `links(document)` returns [] to show nothing."""

    key: str
    heading: str
    links: Callable[[Document], list[Link]]
    order: int = 100


_sections: dict[str, DocumentSection] = {}


def register_section(section: DocumentSection) -> None:
    """Add (or replace, by key) a section of the public document page."""
    _sections[section.key] = section


def sections_for(document: Document) -> list[tuple[str, list[Link]]]:
    """(heading, links) of every registered section that has links for this public document, in order."""
    found = []
    for section in sorted(_sections.values(), key=lambda s: (s.order, s.key)):
        links = section.links(document)
        if links:
            found.append((section.heading, links))
    return found
