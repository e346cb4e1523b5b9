"""The small interface every search backend implements, and the values that cross it.

A backend stores IndexDocs and answers EngineQuerys; it knows nothing of the visibility rule, query
understanding or presentation, which live in gongkai.search.services and run the same for every backend.
"""

from __future__ import annotations

import datetime as dt
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field

# Facets every backend counts; subject facets by top-level category (主题分类一级).
FACET_FIELDS = ("agency", "issuer", "subject_top", "doc_type", "year", "validity", "kind", "tag")


@dataclass
class IndexDoc:
    """What a backend indexes for one public item (already analysed where it matters)."""

    id: int
    revision_id: int
    title: str
    body: str
    keys: list[str]  # exact-match keys: "t:<compact title>", "n:<document number key>", "i:<index number>"
    agency: int
    issuers: list[str]
    subject: str
    doc_type: str
    validity: str
    kind: str
    published_on: dt.date | None
    tags: list[str] = field(default_factory=list)  # 政策标签, for retrieval, push and subscription

    @property
    def subject_top(self) -> str:
        return self.subject.split("\\", 1)[0]

    @property
    def year(self) -> int | None:
        return self.published_on.year if self.published_on else None


@dataclass
class Alternative:
    """One way of saying a query unit: its compact form (matched as a title substring) and its words
    (all of which must occur in the body)."""

    text: str
    words: list[str]
    weight: float = 1.0


@dataclass
class Unit:
    """One concept of the query; it matches a document when any of its alternatives does. A unit that
    is not `required` (a lone character such as 交 or 退) only adds to the score."""

    alternatives: list[Alternative]
    required: bool = True


@dataclass
class EngineQuery:
    """A query a backend can run: units (at least `min_match` required ones must match), exact keys that match on
    their own, title phrases that only add to the score, filters, excluded ids, sort and page.

    Titles are matched after text.compact(); `initials` against text.initials() of the compact title."""

    units: list[Unit] = field(default_factory=list)
    min_match: int = 0
    keys: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)  # field → accepted values (OR)
    exclude_ids: set[int] = field(default_factory=set)
    sort: str = "relevance"  # or "date"
    offset: int = 0
    limit: int = 10
    facets: bool = False
    title_only: bool = False
    initials: str = ""  # pinyin initials that a title must contain (zfxxgk), matched as one more unit
    match_all: bool = False  # no query words: every document passing the filters (browsing)
    count_only: bool = False  # only the count is read (a probe): the backend may skip scoring
    # Only the best `limit` hits are read (no count, no facets): the backend may rank the likely best
    # candidates only (the plain ranking a long question is merged with).
    top_only: bool = False
    # With count_only: a count from this many on may stand for any larger one (0: the exact count), so
    # the backend may stop counting there.
    count_limit: int = 0

    @property
    def empty(self) -> bool:
        return not self.units and not self.keys and not self.initials and not self.match_all


@dataclass
class Hit:
    id: int
    score: float


@dataclass
class EngineResult:
    count: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    # Facet counts still being computed (a backend may count them beside the caller's own work).
    pending: Future | None = field(default=None, repr=False, compare=False)

    def facet_counts(self) -> dict[str, list[tuple[str, int]]]:
        """The facet counts, waiting for them if they are still being computed."""
        if self.pending is not None:
            self.facets, self.pending = self.pending.result(), None
        return self.facets


class SearchBackend(ABC):
    """Store and query the search index. Writes are idempotent: applying a change twice is harmless."""

    name: str = ""
    # Whether two searches on their own connections run side by side (PostgreSQL: a server process each),
    # so a search that needs two passes may run them at once (see services._beside).
    concurrent_passes: bool = False
    _lock = threading.RLock()

    @abstractmethod
    def search(self, query: EngineQuery) -> EngineResult:
        """Run `query`: total count, one page of hits and (if asked) facet counts."""

    @abstractmethod
    def apply(self, upserts: Iterable[IndexDoc], deletes: Iterable[int], applied_change: int) -> None:
        """Atomically replace or remove the given documents and record the last change applied."""

    @abstractmethod
    def rebuild(self, docs: Iterable[IndexDoc], applied_change: int) -> int:
        """Build a fresh index from `docs` and swap it in atomically; return how many were indexed."""

    @abstractmethod
    def applied_change(self) -> int:
        """The id of the last IndexChange reflected in the index (-1 if there is no index yet)."""

    @abstractmethod
    def vocabulary(self) -> dict[str, int]:
        """Words of public titles with the number of documents whose title has them."""

    @abstractmethod
    def doc_freq(self, word: str) -> int:
        """How many indexed documents contain `word` in title or body."""

    @abstractmethod
    def indexed_ids(self) -> set[int]:
        """Every document id in the index (for consistency checks)."""

    @abstractmethod
    def document_count(self) -> int:
        """How many documents the index holds (an estimate is fine)."""

    @abstractmethod
    def stats(self) -> dict[str, int]:
        """Number of documents and (where known) bytes on disk."""

    @contextmanager
    def write_lock(self) -> Iterator[None]:
        """Held while changes are read from the database and applied, so two writers never interleave."""
        with self._lock:
            yield

    def generation(self) -> object:
        """A value that changes whenever the index changes (used to refresh caches)."""
        return self.applied_change()
