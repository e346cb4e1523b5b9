"""Receivers that keep the article index in step with publishing (the outbox rows are the search app's)."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from gongkai.publishing.models import Document
from gongkai.publishing.signals import public_content_changed
from gongkai.qa.index import request_sync


@receiver(public_content_changed, dispatch_uid="qa-articles-sync")
def on_public_content_changed(sender, document_id: int, **kwargs) -> None:
    request_sync()


@receiver(post_delete, sender=Document, dispatch_uid="qa-articles-delete")
def on_document_deleted(sender, instance: Document, **kwargs) -> None:
    transaction.on_commit(request_sync)


@receiver(public_content_changed, dispatch_uid="qa-pairs-flag")
def flag_pairs(sender, document_id: int, **kwargs) -> None:
    # A repealed, amended or withdrawn source hides its pairs at once (public_pairs); flagging puts them on
    # the staff's list for review.
    from gongkai.qa.pairs import flag_pairs_for

    flag_pairs_for(document_id)
