"""The article index: every article of every public document, in a search index of its own.

It is built with the search app's backend abstraction (an EmbeddedBackend in <search folder>/articles, the
same tantivy analysis, segmenter and scoring as document search) and follows the same outbox as the document
index: every saved Document writes an IndexChange (gongkai.search.receivers); `sync_articles` applies the
changes after the article index's own high-water mark, reading documents through the one visibility rule, so
an article of a document that is not public is removed and never indexed. Articles are split from the live
revision when it is first indexed (`ensure_articles`) and kept per revision, which never changes.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.db import transaction
from django.db.models import Max, QuerySet

from gongkai.publishing.articles import split_articles
from gongkai.publishing.models import Document, Revision
from gongkai.publishing.rules import Validity
from gongkai.publishing.visibility import public_documents
from gongkai.qa.models import Article
from gongkai.search.backends import index_dir
from gongkai.search.backends.base import IndexDoc, SearchBackend
from gongkai.search.backends.embedded import EmbeddedBackend
from gongkai.search.indexing import apply_pending
from gongkai.search.models import IndexChange

log = logging.getLogger(__name__)
CHUNK = 200
# A law's standing among the answering documents (上位法: a national law answers for everyone, a local rule for
# its place): the answer's re-ranking adds it to a candidate's score (chosen on the evaluation set, see README),
# and the background embedding computes the articles of the higher levels first for the same reason.
RANK_BY_TYPE = {"法律": 0.5, "行政法规": 0.35, "部门规章": 0.2, "司法解释": 0.1}
_instances: dict[str, SearchBackend] = {}
_lock = threading.Lock()
# Article rows kept per process (_articles): 1–2 KB each, some 30 MB per process when full.
ARTICLE_CACHE = 20_000
_cache: OrderedDict[int, Article] = OrderedDict()


def article_backend() -> SearchBackend:
    """The article index (one instance per process and location): tantivy under the search folder."""
    location = str(Path(index_dir()) / "articles")
    with _lock:
        if location not in _instances:
            _instances[location] = EmbeddedBackend(Path(location))
        return _instances[location]


def ensure_articles(revision: Revision) -> list[Article]:
    """The articles of `revision`, split and stored the first time they are asked for."""
    existing = list(Article.objects.filter(revision=revision).order_by("position"))
    if existing:
        return existing
    units = split_articles(revision.body_text)
    if not units:
        return []
    rows = [Article(revision=revision, document_id=revision.document_id, position=i, number=u.number, sub=u.sub,
                    label=u.label[:40], chapter=u.chapter[:300], text=u.text) for i, u in enumerate(units)]
    with transaction.atomic():
        Article.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    return list(Article.objects.filter(revision=revision).order_by("position"))


def _index_docs_for(documents: Iterable[Document]) -> Iterator[IndexDoc]:
    for document in documents:
        revision = document.live_revision
        for article in ensure_articles(revision):
            yield IndexDoc(
                id=article.pk, revision_id=revision.pk, title=revision.title,
                body="\n".join(p for p in (article.chapter, article.label, article.text) if p),
                keys=[], agency=document.agency_id, issuers=[document.agency.name], subject=revision.subject,
                doc_type=revision.doc_type, validity=document.validity, kind=document.kind,
                published_on=document.published_on)


def article_docs(document_ids: Iterable[int] | None = None) -> Iterator[IndexDoc]:
    """IndexDocs of the articles of public documents (all, or those among `document_ids`)."""
    base = public_documents().only("pk", "agency_id", "agency__name", "validity", "kind", "published_on",
                                   "live_revision__title", "live_revision__body_text",
                                   "live_revision__subject", "live_revision__doc_type",
                                   "live_revision__document_id")
    if document_ids is not None:
        wanted = sorted(set(document_ids))
        for start in range(0, len(wanted), CHUNK):
            yield from _index_docs_for(base.filter(pk__in=wanted[start:start + CHUNK]).order_by("pk"))
        return
    last = 0
    while True:
        rows = list(base.filter(pk__gt=last).order_by("pk")[:CHUNK])
        if not rows:
            return
        yield from _index_docs_for(rows)
        last = rows[-1].pk


def sync_articles(backend: SearchBackend | None = None) -> int:
    """Apply every pending document change to the article index (building it if there is none); return how
    many documents were touched."""
    backend = backend or article_backend()
    if backend.applied_change() < 0:
        return rebuild_articles(backend)

    def changed(ids: set[int]) -> tuple[list, set[int]]:
        # Every article any version of a changed document ever had is removed; the public ones come back.
        return list(article_docs(ids)), set(Article.objects.filter(document_id__in=ids).values_list("pk", flat=True))

    return apply_pending(backend, changed)[0]


def rebuild_articles(backend: SearchBackend | None = None) -> int:
    """Build a fresh article index of every public document, swap it in, then apply changes made meanwhile;
    return the number of articles indexed."""
    backend = backend or article_backend()
    high = IndexChange.objects.aggregate(top=Max("pk"))["top"] or 0
    count = backend.rebuild(article_docs(), high)
    sync_articles(backend)
    return count


def stale_article_ids(backend: SearchBackend | None = None) -> set[int]:
    """Articles of documents changed since the article index caught up that are not public now: excluded
    from every answer until the index reflects them."""
    backend = backend or article_backend()
    pending = set(IndexChange.objects.filter(pk__gt=max(backend.applied_change(), 0))
                  .values_list("document_id", flat=True).distinct())
    if not pending:
        return set()
    hidden = pending - set(public_documents().filter(pk__in=pending).values_list("pk", flat=True))
    return set(Article.objects.filter(document_id__in=hidden).values_list("pk", flat=True)) if hidden else set()


def request_sync() -> None:
    """Enqueue an article index sync; a failure here must never break the caller (the periodic sync catches up)."""
    try:
        from gongkai.qa.tasks import sync_article_index

        sync_article_index()
    except Exception:  # noqa: BLE001 - indexing trouble is logged, never raised into publishing
        log.exception("could not enqueue an article index sync")


def answering_documents():
    """The documents whose live revision's articles may answer the public: public, current and in force."""
    return public_documents().filter(superseded=False, validity=Validity.VALID)


def answering_article_rows() -> QuerySet[Article]:
    """Every article that may answer the public, as one query (the rule of answering_articles): those of the live
    revision of an answering document (a revision is one document's, so its being live names the document)."""
    return Article.objects.filter(revision_id__in=answering_documents().values("live_revision_id"))


def _articles(ids: list[int]) -> list[Article]:
    """These article rows, those read before from the process's cache: a revision's articles never change once
    split, and a committed row's key is never given to another (AUTOINCREMENT on SQLite, sequences elsewhere), so
    only the visibility check needs the database each time (about a third of an answer's time was reading the
    same few hundred article texts again). A database restored from a backup may give keys again: the restore
    stops the services first (docs/deploy.md), which empties the cache."""
    with _lock:
        cached = {pk: _cache[pk] for pk in ids if pk in _cache}
        for pk in cached:
            _cache.move_to_end(pk)
    missing = [pk for pk in ids if pk not in cached]
    if missing:
        read = list(Article.objects.filter(pk__in=missing).only(
            "pk", "document_id", "revision_id", "number", "sub", "label", "chapter", "text"))
        with _lock:
            for article in read:
                _cache[article.pk] = article
            while len(_cache) > ARTICLE_CACHE:
                _cache.popitem(last=False)
        cached.update((a.pk, a) for a in read)
    return list(cached.values())


def clear_cache() -> None:
    """Forget the article rows read (tests, whose rolled-back rows' keys are given again)."""
    with _lock:
        _cache.clear()


def answering_articles(ids: list[int]) -> dict[int, tuple[Article, str]]:
    """These articles as they may answer the public: of a public document's live revision, its current version,
    and in force (a repealed or expired law answers nobody, as a pair resting on it is hidden); two lookups by
    key: the articles, then their documents through the visibility rule."""
    articles = _articles(ids)
    documents = {pk: (live, title, doc_type) for pk, live, title, doc_type in (
        answering_documents().filter(pk__in={a.document_id for a in articles})
        .values_list("pk", "live_revision_id", "live_revision__title", "live_revision__doc_type"))}
    out = {}
    for article in articles:
        live = documents.get(article.document_id)
        if live is not None and live[0] == article.revision_id:
            article.doc_type = live[2]
            out[article.pk] = (article, live[1])
    return out


def each_answering_article(chunk: int = 5_000) -> Iterator[tuple[Article, str, int]]:
    """Every article that may answer the public (answering_articles), in key order, with its law title and its
    document's agency (0: none), read `chunk` at a time: what the meaning and recall indexes are built from."""
    agency_of = dict(answering_documents().values_list("pk", "agency_id"))
    ids = list(answering_article_rows().order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), chunk):
        for article, title in answering_articles(ids[start:start + chunk]).values():
            yield article, title, agency_of.get(article.document_id) or 0
