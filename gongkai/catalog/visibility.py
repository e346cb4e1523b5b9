"""What the public may see of the catalogue: reviewed (public) guides, catalogue items and negative-list
entries, each as the snapshot taken at its review — never a draft's text. Documents linked from the catalogue
go through the library's one rule (gongkai.publishing.visibility)."""

from __future__ import annotations

from django.db.models import QuerySet

from gongkai.catalog.models import CatalogItem, Guide, NegativeListEntry
from gongkai.catalog.states import CatalogState
from gongkai.publishing.visibility import public_documents

__all__ = ["public_documents", "public_guides", "public_items", "public_negative_entries"]


def public_guides() -> QuerySet[Guide]:
    return Guide.objects.filter(state=CatalogState.PUBLIC).exclude(published={}).select_related("agency")


def public_items() -> QuerySet[CatalogItem]:
    return CatalogItem.objects.filter(state=CatalogState.PUBLIC).exclude(published={}).select_related("agency")


def public_negative_entries() -> QuerySet[NegativeListEntry]:
    return NegativeListEntry.objects.filter(state=CatalogState.PUBLIC).exclude(published={}).select_related("agency")
