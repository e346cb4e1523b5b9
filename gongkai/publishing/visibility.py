"""The one visibility rule. Every public channel — pages, API, feeds, sitemap, attachments and search —
asks this module what the public may see, and nothing else.

A document is public when it has a live (published) revision whose disclosure mode is 主动公开; withdrawal
empties the live revision. Drafts, revisions under review and withheld items never qualify, and a relation
between documents shows only once it is in effect (one awaiting the other agency's confirmation does not).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import Resolver404, resolve

from gongkai.publishing.models import Attachment, Document, Relation, Revision
from gongkai.publishing.rules import DisclosureMode
from gongkai.publishing.states import RelationStatus


def public_documents() -> QuerySet[Document]:
    """Documents the public may see, with their live revision joined."""
    return (Document.objects
            .filter(live_revision__isnull=False, live_revision__disclosure_mode=DisclosureMode.PROACTIVE)
            .select_related("live_revision", "agency"))


def is_public(document: Document) -> bool:
    return public_documents().filter(pk=document.pk).exists()


def public_attachments() -> QuerySet[Attachment]:
    """Attachments of the live revision of a public document; nothing from drafts or older revisions."""
    live = Revision.objects.filter(pk__in=public_documents().values("live_revision_id"))
    return Attachment.objects.filter(Exists(live.filter(attachments=OuterRef("pk"))))


def public_relations(document: Document) -> dict[str, list[tuple[str, Document]]]:
    """Relations of a public document to other public documents, both ways: outgoing and incoming."""
    visible = public_documents()
    effective = Relation.objects.filter(status=RelationStatus.EFFECTIVE)
    outgoing = [(r.kind, r.target) for r in effective.filter(revision_id=document.live_revision_id)
                .filter(target__in=visible).select_related("target__live_revision")]
    incoming_qs = (effective.filter(target=document)
                   .filter(revision_id__in=visible.values("live_revision_id"))
                   .select_related("revision__document__live_revision"))
    incoming = [(r.kind, r.revision.document) for r in incoming_qs]
    return {"outgoing": outgoing, "incoming": incoming}


def public_document_at(address: str) -> Document | None:
    """The public document a link to this site's document page points at (/xxgk/documents/123/, with or without
    this site's scheme and host), or None: another site, another page, or a document the public may not see."""
    parts = urlsplit((address or "").strip())
    if parts.netloc and parts.netloc != urlsplit(settings.GONGKAI_BASE_URL).netloc:
        return None
    try:
        match = resolve(parts.path or "/")
    except Resolver404:
        return None
    if match.url_name != "public-document":
        return None
    return public_documents().filter(pk=match.kwargs.get("pk")).first()
