"""The embedded default backend: a tantivy index on local disk, no server needed.

Layout under the search folder (settings.DATA_DIR / "search"):

    current -> index-<time>-<pid>   symlink to the live index, replaced atomically by a rebuild
    index-*/                        tantivy files, `schema` (version marker) and `applied` (last change id)
    write.lock                      serialises writers across processes (task worker, CLI, web in tests)

A tantivy commit is atomic and `applied` is written after it, so a crash at any point leaves the last
commit intact and at worst re-applies some changes (which is harmless); a rebuild that dies before its
swap leaves the live index untouched.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import tantivy

from gongkai.search import parallel, text
from gongkai.search.backends.base import (
    FACET_FIELDS,
    Alternative,
    EngineQuery,
    EngineResult,
    Hit,
    IndexDoc,
    SearchBackend,
    Unit,
)

SCHEMA_VERSION = "8"  # 7: order numbers keyed by bare number and each joint issuer; 8: joint issuers written without 、
# Title matches outweigh body matches: a document named after the query is what a searcher wants.
TITLE_BOOST = 4.0
BODY_BOOST = 1.0
PHRASE_BOOST = 6.0
KEY_BOOST = 200.0
OPTIONAL_BOOST = 0.3
# Every value is counted up to this many (the page shows the top ones and folds the rest under 更多,
# with the true number of values); issue #11 item 8: 50 cut the issuer facet with no sign.
FACET_SIZE = 1000
APPLY_HEAP = 50_000_000
REBUILD_HEAP = 400_000_000
REFRESH_SECONDS = 0.1
STRING_FIELDS = ("agency", "issuer", "subject", "subject_top", "doc_type", "validity", "kind", "tag")

Occur = tantivy.Occur
Q = tantivy.Query


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_unsigned_field("id", stored=True, indexed=True, fast=True)
    sb.add_unsigned_field("rev", stored=True, fast=True)
    # Titles as characters and bigrams with positions: any substring of a title is a phrase query.
    sb.add_text_field("title_ch", tokenizer_name="whitespace", index_option="position")
    sb.add_text_field("title_bg", tokenizer_name="whitespace", index_option="position")
    sb.add_text_field("title_ini", tokenizer_name="whitespace", index_option="position")
    sb.add_text_field("title_words", tokenizer_name="whitespace", index_option="freq")
    sb.add_text_field("body", tokenizer_name="whitespace", index_option="freq")
    sb.add_text_field("keys", tokenizer_name="raw", index_option="basic")
    for name in STRING_FIELDS:
        sb.add_text_field(name, tokenizer_name="raw", fast=True, index_option="basic")
    sb.add_unsigned_field("year", indexed=True, fast=True)
    sb.add_integer_field("published", indexed=True, fast=True)
    return sb.build()


SCHEMA = _schema()


def _being_built(folder: Path) -> bool:
    """Whether a live process is still writing this index folder (index-<time>-<pid>): it has no `applied` yet and
    the process named in it runs. A folder left by a process that died is not."""
    if (folder / "applied").exists():
        return False
    try:
        pid = int(folder.name.rsplit("-", 1)[1])
        os.kill(pid, 0)
    except (ValueError, IndexError, OverflowError, ProcessLookupError):
        return False
    except PermissionError:
        return True  # another user's process: alive
    return True


def _write_atomic(path: Path, value: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(value)
    os.replace(tmp, path)


def analyse(doc: IndexDoc) -> tuple[str, str, str, str, str]:
    """The analysed text fields of a document (segmentation happens here, the same as at query time)."""
    core = text.compact(doc.title)
    return (text.char_tokens(core), text.bigram_tokens(core), text.bigram_tokens(text.initials(core)),
            text.word_tokens(doc.title), text.word_tokens("\n".join([doc.title, *doc.tags, doc.body])))


def to_tantivy(doc: IndexDoc, analysed: tuple[str, str, str, str, str] | None = None) -> tantivy.Document:
    """The tantivy document for one IndexDoc (analysed here unless `analysed` is given)."""
    out = tantivy.Document()
    out.add_unsigned("id", doc.id)
    out.add_unsigned("rev", doc.revision_id)
    for name, value in zip(("title_ch", "title_bg", "title_ini", "title_words", "body"),
                           analysed or analyse(doc), strict=True):
        out.add_text(name, value)
    for key in doc.keys:
        out.add_text("keys", key)
    out.add_text("agency", str(doc.agency))
    for issuer in doc.issuers:
        out.add_text("issuer", issuer)
    for tag in doc.tags:
        out.add_text("tag", tag)
    out.add_text("subject", doc.subject)
    out.add_text("subject_top", doc.subject_top)
    out.add_text("doc_type", doc.doc_type)
    out.add_text("validity", doc.validity)
    out.add_text("kind", doc.kind)
    out.add_unsigned("year", doc.year or 0)
    out.add_integer("published", doc.published_on.toordinal() if doc.published_on else 0)
    return out


def title_query(core: str, field: str = "title_bg") -> tantivy.Query | None:
    """Documents whose compacted title (or, with field="title_ini", its pinyin initials) contains `core`."""
    if not core:
        return None
    if len(core) == 1:
        return Q.term_query(SCHEMA, "title_ch", core) if field == "title_bg" else None
    grams = text.bigrams(core)
    if len(grams) == 1:
        return Q.term_query(SCHEMA, field, grams[0])
    return Q.phrase_query(SCHEMA, field, grams)


def _words_query(words: list[str]) -> tantivy.Query | None:
    if not words:
        return None
    if len(words) == 1:
        return Q.term_query(SCHEMA, "body", words[0])
    return Q.boolean_query([(Occur.Must, Q.term_query(SCHEMA, "body", w)) for w in dict.fromkeys(words)])


def _alternative_query(alt: Alternative, title_only: bool) -> tantivy.Query | None:
    parts = []
    in_title = title_query(alt.text)
    if in_title is not None:
        parts.append((Occur.Should, Q.boost_query(in_title, TITLE_BOOST * alt.weight)))
    if not title_only:
        in_body = _words_query(alt.words)
        if in_body is not None:
            parts.append((Occur.Should, Q.boost_query(in_body, BODY_BOOST * alt.weight)))
    if not parts:
        return None
    return parts[0][1] if len(parts) == 1 else Q.boolean_query(parts)


def _unit_query(unit: Unit, title_only: bool) -> tantivy.Query | None:
    alts = [q for q in (_alternative_query(a, title_only) for a in unit.alternatives) if q is not None]
    if not alts:
        return None
    # A synonym is another way to say the same thing: take the best, do not add them up.
    return alts[0] if len(alts) == 1 else Q.disjunction_max_query(alts, tie_breaker=0.1)


def build_query(query: EngineQuery) -> tantivy.Query:
    """The tantivy query for an EngineQuery (shared by the backend and the benchmark's raw timing)."""
    required = [u for u in query.units if u.required] or query.units
    optional = [u for u in query.units if not u.required and required is not query.units]
    unit_queries = [q for q in (_unit_query(u, query.title_only) for u in required) if q is not None]
    # Optional units are common words or lone characters: matching them in bodies would walk huge
    # posting lists for little, so they only count where they appear in a title.
    extras = [q for q in (_unit_query(u, True) for u in optional) if q is not None]
    if query.initials:
        by_initials = title_query(query.initials, "title_ini")
        unit_queries += [by_initials] if by_initials is not None else []
    top: list[tuple[Occur, tantivy.Query]] = []
    if unit_queries:
        need = max(1, min(query.min_match or len(unit_queries), len(unit_queries)))
        if need == len(unit_queries):
            core = Q.boolean_query([(Occur.Must, q) for q in unit_queries])
        else:
            core = Q.boolean_query([(Occur.Should, q) for q in unit_queries], minimum_number_should_match=need)
        boosts = [(Occur.Should, Q.boost_query(q, PHRASE_BOOST))
                  for q in (title_query(p) for p in query.phrases) if q is not None]
        boosts += [(Occur.Should, Q.boost_query(q, OPTIONAL_BOOST)) for q in extras]
        top.append((Occur.Should, Q.boolean_query([(Occur.Must, core), *boosts]) if boosts else core))
    for key in dict.fromkeys(query.keys):
        top.append((Occur.Should, Q.const_score_query(Q.term_query(SCHEMA, "keys", key), KEY_BOOST)))
    if not top and query.match_all:
        top.append((Occur.Must, Q.all_query()))
    if not top:
        return Q.empty_query()
    clauses = [(Occur.Must, top[0][1] if len(top) == 1 else Q.boolean_query(top))]
    for name, values in query.filters.items():
        if not values:
            continue
        if name == "year":
            condition = Q.term_set_query(SCHEMA, "year", [int(v) for v in values])
        else:
            condition = Q.term_set_query(SCHEMA, name, [str(v) for v in values])
        clauses.append((Occur.Must, Q.const_score_query(condition, 0.0)))
    if query.exclude_ids:
        clauses.append((Occur.MustNot, Q.term_set_query(SCHEMA, "id", sorted(query.exclude_ids))))
    return Q.boolean_query(clauses)


AGGREGATIONS = {name: {"terms": {"field": name, "size": 100 if name == "year" else FACET_SIZE}}
                for name in FACET_FIELDS}


# The facet aggregation runs on another core while the page of hits is searched and the caller reads
# and highlights it (tantivy releases the GIL), which cuts a search's latency by about a third here.
_AGGREGATOR = ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="facets")


def _facet_counts(searcher: tantivy.Searcher, tq: tantivy.Query) -> dict[str, list[tuple[str, int]]]:
    raw = searcher.aggregate(tq, AGGREGATIONS)
    return {name: [(str(b["key"]), int(b["doc_count"])) for b in raw.get(name, {}).get("buckets", [])
                   if not (name == "year" and int(b["key"]) == 0)]
            for name in FACET_FIELDS}


def execute(searcher: tantivy.Searcher, tq: tantivy.Query, query: EngineQuery) -> EngineResult:
    """The engine's part of a search: the page of hits with the count and, if asked, the facets, counted
    meanwhile on another thread (EngineResult.facet_counts() waits for them). Shared by the backend and
    the benchmark's raw-engine timing, so both time the same calls."""
    pending = _AGGREGATOR.submit(_facet_counts, searcher, tq) if query.facets else None
    limit = max(query.limit, 1)
    order = ({"order_by_field": "published", "order": tantivy.Order.Desc} if query.sort == "date" else {})
    # Counting apart in the aggregation pass (value_count) was measured no faster: tantivy's pruning of
    # the top-hits pass gains little on these boolean queries.
    result = searcher.search(tq, limit, count=True, offset=query.offset, **order)
    ids = searcher.fast_field_values("id", [address for _, address in result.hits]) if result.hits else []
    scores = [float(score) if query.sort != "date" else 0.0 for score, _ in result.hits]
    hits = [Hit(int(i), s) for i, s in zip(ids, scores, strict=True)][:query.limit]
    return EngineResult(result.count, hits, pending=pending)


class EmbeddedBackend(SearchBackend):
    name = "embedded"

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._thread_lock = threading.RLock()
        self._index: tantivy.Index | None = None
        self._target: Path | None = None
        self._stamp: tuple[int, int] | None = None
        self._applied = -1
        self._lock_depth = 0
        self._checked = 0.0

    # -- reading -------------------------------------------------------------------------------

    def _live_target(self) -> Path | None:
        try:
            target = self.root / os.readlink(self.root / "current")
        except (FileNotFoundError, OSError):
            return None
        try:
            if (target / "schema").read_text().strip() != SCHEMA_VERSION:
                return None  # built by another version of this code: treated as absent until rebuilt
        except FileNotFoundError:
            return None
        return target

    def _refresh(self) -> tantivy.Index | None:
        """The live index, reopened after a swap and reloaded after a commit by any process (looked at
        most every REFRESH_SECONDS; this process's own writes refresh at once)."""
        now = time.monotonic()
        if self._index is not None and now - self._checked < REFRESH_SECONDS:
            return self._index
        self._checked = now
        target = self._live_target()
        if target is None:
            self._index, self._target, self._applied = None, None, -1
            return None
        try:
            stamp = ((target / "meta.json").stat().st_mtime_ns, (target / "applied").stat().st_mtime_ns)
        except FileNotFoundError:
            return self._index
        with self._thread_lock:
            if target != self._target:
                index = tantivy.Index.open(str(target))
                index.config_reader("manual")
                self._index, self._target, self._stamp = index, target, None
            if stamp != self._stamp:
                self._index.reload()
                self._applied = int((target / "applied").read_text().strip() or 0)
                self._stamp = stamp
            return self._index

    def searcher(self) -> tantivy.Searcher | None:
        index = self._refresh()
        return index.searcher() if index is not None else None

    def applied_change(self) -> int:
        return self._applied if self._refresh() is not None else -1

    def search(self, query: EngineQuery) -> EngineResult:
        searcher = self.searcher()
        if searcher is None or query.empty:
            return EngineResult(0, [], {})
        tq = build_query(query)
        if query.count_only:
            # Nothing is ranked, so no document needs a BM25 score: counting costs about half as much.
            tq = Q.const_score_query(tq, 1.0)
        return execute(searcher, tq, query)

    def vocabulary(self) -> dict[str, int]:
        searcher = self.searcher()
        if searcher is None:
            return {}
        return dict(searcher.terms_with_prefix("title_words", "", limit=None))

    def doc_freq(self, word: str) -> int:
        searcher = self.searcher()
        return searcher.doc_freq("body", word) if searcher is not None and word else 0

    def indexed_ids(self) -> set[int]:
        searcher = self.searcher()
        if searcher is None or searcher.num_docs == 0:
            return set()
        result = searcher.search(Q.all_query(), searcher.num_docs, count=False)
        return {int(i) for i in searcher.fast_field_values("id", [a for _, a in result.hits])}

    def document_count(self) -> int:
        searcher = self.searcher()
        return searcher.num_docs if searcher is not None else 0

    def stats(self) -> dict[str, int]:
        searcher = self.searcher()
        size = sum(p.stat().st_size for p in self._target.iterdir() if p.is_file()) if self._target else 0
        return {"documents": searcher.num_docs if searcher is not None else 0, "bytes": size}

    def generation(self) -> object:
        self._refresh()
        return (self._target, self._stamp)

    # -- writing -------------------------------------------------------------------------------

    @contextmanager
    def write_lock(self) -> Iterator[None]:
        """Exclusive across threads and processes for as long as the block runs (re-entrant)."""
        with self._thread_lock:
            if self._lock_depth:
                self._lock_depth += 1
                try:
                    yield
                finally:
                    self._lock_depth -= 1
                return
            with open(self.root / "write.lock", "a+") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                self._lock_depth = 1
                try:
                    yield
                finally:
                    self._lock_depth = 0
                    fcntl.flock(handle, fcntl.LOCK_UN)

    @staticmethod
    def _writer(index: tantivy.Index, heap: int, threads: int) -> tantivy.IndexWriter:
        # A writer from a process that died can leave tantivy's own lock busy for a moment.
        for attempt in range(50):
            try:
                return index.writer(heap_size=heap, num_threads=threads)
            except ValueError:
                if attempt == 49:
                    raise
                time.sleep(0.1)
        raise AssertionError("unreachable")

    def apply(self, upserts: Iterable[IndexDoc], deletes: Iterable[int], applied_change: int) -> None:
        with self.write_lock():
            target = self._live_target()
            if target is None:
                raise FileNotFoundError("search index missing; rebuild it")
            index = tantivy.Index.open(str(target))
            writer = self._writer(index, APPLY_HEAP, 1)
            # By query: this tantivy binding's delete_documents_by_term does not match unsigned fields.
            # A deletion applies to documents added before it, so each new version survives its own.
            ids = sorted({int(pk) for pk in deletes})
            if ids:
                writer.delete_documents_by_query(Q.term_set_query(SCHEMA, "id", ids))
            for doc in upserts:
                writer.delete_documents_by_query(Q.term_query(SCHEMA, "id", doc.id))
                writer.add_document(to_tantivy(doc))
            writer.commit()
            writer.wait_merging_threads()
            _write_atomic(target / "applied", str(applied_change))
            self._checked = 0.0

    def rebuild(self, docs: Iterable[IndexDoc], applied_change: int, threads: int = 2,
                heap: int = REBUILD_HEAP) -> int:
        stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")
        target = self.root / f"index-{stamp}-{os.getpid()}"
        target.mkdir()
        index = tantivy.Index(SCHEMA, path=str(target))
        writer = self._writer(index, heap, threads)
        count = 0
        try:
            for doc, fields in parallel.analysed(docs, analyse):
                writer.add_document(to_tantivy(doc, fields))
                count += 1
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            # Stop the writer's threads before removing the folder, or they write into it afterwards.
            try:
                writer.rollback()
                writer.wait_merging_threads()
            except Exception:  # noqa: BLE001 - the original error is the one to report
                pass
            shutil.rmtree(target, ignore_errors=True)
            raise
        with self.write_lock():
            # `applied` marks the folder finished (_being_built): written under the lock, with the swap. Written
            # before it, another rebuild holding the lock took the folder for a finished one swapped out and removed
            # it, and this one then made `current` point at nothing.
            _write_atomic(target / "applied", str(applied_change))
            _write_atomic(target / "schema", SCHEMA_VERSION)
            link = self.root / f".current-{os.getpid()}"
            link.unlink(missing_ok=True)
            link.symlink_to(target.name)
            os.replace(link, self.root / "current")
            self._checked = 0.0
            # Other indexes are no longer reachable; open readers keep their files until they let go. One another
            # process is still building is left to it: removed, it failed that rebuild half-way (two evaluations,
            # or the task worker and `gongkai search rebuild`, at once); it removes this one when it swaps in.
            for old in self.root.glob("index-*"):
                if old != target and not _being_built(old):
                    shutil.rmtree(old, ignore_errors=True)
        return count
