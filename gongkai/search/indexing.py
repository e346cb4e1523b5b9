"""Keeping the search index consistent with what the public may see.

Every save or deletion of a Document writes an IndexChange row in the same transaction (receivers.py),
so no change can be lost, whatever crashes. `sync_index` applies the changes after the backend's last
applied one, reading each document through the visibility rule: public ones are (re)indexed, all others
removed. Until a change is applied, searches exclude the changed document if it is no longer public
(`stale_ids`), so even a stale index never shows or counts a non-public item.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

from django.db.models import Max
from django.utils import timezone

from gongkai.core.prepared import PreparedQuery
from gongkai.publishing.models import Revision, issuer_names
from gongkai.publishing.visibility import public_documents
from gongkai.search import text
from gongkai.search.backends import get_backend
from gongkai.search.backends.base import IndexDoc, SearchBackend
from gongkai.search.models import IndexChange

log = logging.getLogger(__name__)
CHUNK = 1000
SYNC_BATCH = 2000
# Applied changes are kept a day, long enough for any rebuild that started before them to catch up.
KEEP_APPLIED = dt.timedelta(days=1)

_FIELDS = ("pk", "index_no", "agency_id", "agency__name", "validity", "kind", "published_on", "live_revision_id",
           "live_revision__title", "live_revision__body_text", "live_revision__doc_number",
           "live_revision__other_issuers", "live_revision__subject", "live_revision__doc_type")


def keys_for(title: str, doc_number: str, index_no: str, issuers: list[str] | tuple[str, ...] = ()) -> list[str]:
    """Exact-match keys of a document: its compact title, document number keys (a joint order's for each
    of its `issuers` too) and index number."""
    keys = [f"t:{text.compact(title)}"]
    keys += [f"n:{key}" for key in text.doc_number_keys(doc_number or "", issuers)]
    index_key = text.index_no_key(index_no or "")
    if index_key:
        keys.append(f"i:{index_key}")
    return keys


def _chunk_docs(rows: list[dict]) -> list[IndexDoc]:
    revision_ids = [r["live_revision_id"] for r in rows]
    issuers: dict[int, list[str]] = defaultdict(list)
    through = Revision.issuing_agencies.through
    for revision_id, name in (through.objects.filter(revision_id__in=revision_ids)
                              .order_by("agency__order", "agency_id").values_list("revision_id", "agency__name")):
        issuers[revision_id].append(name)
    tags: dict[int, list[str]] = defaultdict(list)
    for revision_id, name in (Revision.tags.through.objects.filter(revision_id__in=revision_ids)
                              .order_by("tag__name").values_list("revision_id", "tag__name")):
        tags[revision_id].append(name)
    attachments: dict[int, list[str]] = defaultdict(list)
    for revision_id, content in (Revision.attachments.through.objects.filter(revision_id__in=revision_ids)
                                 .exclude(attachment__text="").values_list("revision_id", "attachment__text")):
        attachments[revision_id].append(content)
    docs = []
    for r in rows:
        rev = r["live_revision_id"]
        names = issuer_names(issuers[rev], r["live_revision__other_issuers"])
        body = r["live_revision__body_text"] or ""
        if attachments[rev]:
            body += "\n" + "\n".join(attachments[rev])
        docs.append(IndexDoc(
            id=r["pk"], revision_id=rev, title=r["live_revision__title"], body=body,
            keys=keys_for(r["live_revision__title"], r["live_revision__doc_number"], r["index_no"], names),
            agency=r["agency_id"], issuers=list(dict.fromkeys(names)) or [r["agency__name"]],
            subject=r["live_revision__subject"], doc_type=r["live_revision__doc_type"], validity=r["validity"],
            kind=r["kind"], published_on=r["published_on"], tags=tags[rev]))
    return docs


def index_docs(ids: Iterable[int] | None = None) -> Iterator[IndexDoc]:
    """IndexDocs of public documents (all of them, or those among `ids`), read in chunks by id."""
    base = public_documents()
    if ids is not None:
        wanted = sorted(set(ids))
        for start in range(0, len(wanted), CHUNK):
            rows = list(base.filter(pk__in=wanted[start:start + CHUNK]).order_by("pk").values(*_FIELDS))
            yield from _chunk_docs(rows)
        return
    last = 0
    while True:
        rows = list(base.filter(pk__gt=last).order_by("pk").values(*_FIELDS)[:CHUNK])
        if not rows:
            return
        yield from _chunk_docs(rows)
        last = rows[-1]["pk"]


def apply_pending(backend: SearchBackend,
                  changed: Callable[[set[int]], tuple[Iterable[IndexDoc], Iterable[int]]]) -> tuple[int, int]:
    """Apply the change log past `backend`'s applied change, batch by batch under its write lock; `changed(ids)`
    gives, for the changed documents, what to add and which keys to delete first. Returns the documents touched
    and the last change applied (the search index and the Q&A article index both follow the one log)."""
    touched = 0
    with backend.write_lock():
        applied = backend.applied_change()
        while True:
            rows = list(IndexChange.objects.filter(pk__gt=applied).order_by("pk")
                        .values_list("pk", "document_id")[:SYNC_BATCH])
            if not rows:
                break
            ids = {document_id for _, document_id in rows}
            docs, gone = changed(ids)
            backend.apply(list(docs), gone, rows[-1][0])
            applied = rows[-1][0]
            touched += len(ids)
    return touched, applied


def sync_index(backend: SearchBackend | None = None) -> int:
    """Apply every pending change to the index (rebuilding it if there is none); return how many
    documents were touched."""
    backend = backend or get_backend()
    if backend.applied_change() < 0:
        return rebuild_index(backend)
    # Every changed id is deleted first; the public ones are then added back in their new form.
    touched, applied = apply_pending(backend, lambda ids: (index_docs(ids), ids))
    IndexChange.objects.filter(pk__lte=applied, created_at__lt=timezone.now() - KEEP_APPLIED).delete()
    return touched


def rebuild_index(backend: SearchBackend | None = None, docs: Iterable[IndexDoc] | None = None) -> int:
    """Build a fresh index of every public document, swap it in, then apply changes made meanwhile."""
    backend = backend or get_backend()
    # Read the high-water mark before the documents: anything changed later is applied afterwards.
    high = IndexChange.objects.aggregate(top=Max("pk"))["top"] or 0
    count = backend.rebuild(index_docs() if docs is None else docs, high)
    sync_index(backend)
    return count


# Run on every search, so compiled once (see core.prepared).
_PENDING = PreparedQuery(lambda ids: IndexChange.objects.filter(pk__gt=ids[0]).values_list("document_id").distinct())
PUBLIC_IDS = PreparedQuery(lambda ids: public_documents().filter(pk__in=ids).values_list("pk"))


def stale_ids(backend: SearchBackend | None = None) -> set[int]:
    """Documents changed since the index last caught up that are not public now: excluded from every
    search, count, facet and suggestion until the index reflects them."""
    backend = backend or get_backend()
    pending = {pk for (pk,) in _PENDING.rows([max(backend.applied_change(), 0)])}
    if not pending:
        return set()
    return pending - {pk for (pk,) in PUBLIC_IDS.rows(sorted(pending))}


def mark_changed(document_ids: Iterable[int]) -> None:
    """Record that these documents need reindexing (e.g. a search found them stale) and ask for a sync."""
    ids = list(dict.fromkeys(document_ids))
    if not ids:
        return
    IndexChange.objects.bulk_create([IndexChange(document_id=pk) for pk in ids])
    request_sync()


def request_sync() -> None:
    """Enqueue a sync on the task queue; a failure here must never break the caller (the periodic sync
    catches up)."""
    try:
        from gongkai.search.tasks import sync_search_index

        sync_search_index()
    except Exception:  # noqa: BLE001 - indexing trouble is logged, never raised into publishing
        log.exception("could not enqueue a search index sync")
