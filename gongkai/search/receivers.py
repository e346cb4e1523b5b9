"""Receivers that keep the search index in step with publishing.

The outbox row is written by post_save/post_delete inside the transaction that changes the document, so
it commits or rolls back with it; the sync is requested after commit (public_content_changed, or
on_commit for deletions) and the periodic task catches up with anything else.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from gongkai.orgs.models import Agency
from gongkai.publishing.models import Document
from gongkai.publishing.signals import public_content_changed
from gongkai.search import synonyms
from gongkai.search.indexing import request_sync
from gongkai.search.models import IndexChange, Synonym


@receiver(post_save, sender=Document, dispatch_uid="search-outbox-save")
def record_document_saved(sender, instance: Document, **kwargs) -> None:
    IndexChange.objects.create(document_id=instance.pk)


@receiver(post_delete, sender=Document, dispatch_uid="search-outbox-delete")
def record_document_deleted(sender, instance: Document, **kwargs) -> None:
    IndexChange.objects.create(document_id=instance.pk)
    transaction.on_commit(request_sync)


@receiver(public_content_changed, dispatch_uid="search-sync")
def on_public_content_changed(sender, document_id: int, **kwargs) -> None:
    request_sync()


@receiver(pre_save, sender=Agency, dispatch_uid="search-agency-rename-check")
def note_agency_rename(sender, instance: Agency, **kwargs) -> None:
    instance._search_renamed = bool(instance.pk) and Agency.objects.filter(pk=instance.pk).exclude(
        name=instance.name).exists()


@receiver(post_save, sender=Agency, dispatch_uid="search-agency-renamed")
def reindex_renamed_agency(sender, instance: Agency, created: bool, **kwargs) -> None:
    """An agency's name is indexed as the issuer of its documents: a rename queues them for reindexing
    (in the same transaction, like any document change)."""
    if created or not getattr(instance, "_search_renamed", False):
        return
    ids = (Document.objects.filter(Q(agency_id=instance.pk) | Q(live_revision__issuing_agencies=instance.pk))
           .values_list("pk", flat=True).distinct())
    IndexChange.objects.bulk_create([IndexChange(document_id=pk) for pk in ids.iterator()], batch_size=1000)
    transaction.on_commit(request_sync)


@receiver(post_save, sender=Synonym, dispatch_uid="search-synonyms-save")
@receiver(post_delete, sender=Synonym, dispatch_uid="search-synonyms-delete")
def forget_synonyms(sender, **kwargs) -> None:
    # This process sees the edit at once; other processes within synonyms.CHECK_EVERY.
    synonyms.reset_cache()
