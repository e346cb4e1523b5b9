"""Signals other domains listen to (search indexing, feeds, subscriptions).

`public_content_changed` is sent after commit whenever what the public may see of a document changes:
publication, withdrawal, validity change. Receivers must re-check the visibility rule themselves.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.dispatch import Signal

public_content_changed = Signal()  # kwargs: document_id

_held = threading.local()


def announce(document_id: int) -> None:
    """Send public_content_changed now, or hold it until the enclosing held_announcements() block ends."""
    ids = getattr(_held, "ids", None)
    if ids is not None:
        ids.append(document_id)
        return
    public_content_changed.send(sender=None, document_id=document_id)


@contextmanager
def held_announcements() -> Iterator[None]:
    """Hold announcements for a bulk operation and send each once at the end, so that listeners (the
    search index) catch up in one batch instead of once per document."""
    if getattr(_held, "ids", None) is not None:
        yield
        return
    _held.ids = []
    try:
        yield
    finally:
        ids, _held.ids = list(dict.fromkeys(_held.ids)), None
        for pk in ids:
            public_content_changed.send(sender=None, document_id=pk)
