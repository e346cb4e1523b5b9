"""Signals other domains listen to (search indexing, feeds, subscriptions).

`public_content_changed` is sent after commit whenever what the public may see of a document changes:
publication, withdrawal, validity change. Receivers must re-check the visibility rule themselves.
"""

from django.dispatch import Signal

public_content_changed = Signal()  # kwargs: document_id
