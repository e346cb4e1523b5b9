"""The PostgreSQL backend: one `search_entry` row per public document with a tsvector (GIN index).

The tsvector is written as a literal, not through a text-search configuration, so it holds exactly the
tokens the embedded backend indexes, prefixed by kind: `c:`/`t:` title characters and bigrams, `i:`
bigrams of the title's pinyin initials, `tw:` title words and `k:` exact keys (weight A), and `w:` body
words (weight D). Queries join the visibility rule in SQL, so counts and facets are exact. Needs
DATABASE_URL pointing at PostgreSQL (GONGKAI_SEARCH_BACKEND=postgres).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from gongkai.publishing.visibility import public_documents
from gongkai.search import text
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
from gongkai.search.models import SearchState

STATE = "postgres"
LOCK_KEY = 7_340_001  # pg_advisory lock id for writers of search_entry
MAX_POSITION = 16383  # PostgreSQL's largest tsvector position
MAX_POSITIONS = 256  # positions kept per lexeme, as PostgreSQL does
TITLE_BOOST = 4.0
PHRASE_BOOST = 6.0
KEY_BOOST = 200.0
OPTIONAL_BOOST = 0.3
FACET_SIZE = 50
BATCH = 500
_COLUMNS = {"agency": "agency_id::text", "subject_top": "subject_top", "doc_type": "doc_type",
            "year": "year::text", "validity": "validity", "kind": "kind"}


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(doc: IndexDoc) -> str:
    """The tsvector of a document as PostgreSQL input text."""
    positions: dict[str, list[str]] = {}

    def add(lexeme: str, position: int, weight: str) -> None:
        found = positions.setdefault(lexeme, [])
        if len(found) < MAX_POSITIONS:
            found.append(f"{min(position, MAX_POSITION)}{weight}")

    core = text.compact(doc.title)
    for i, ch in enumerate(core):
        add(f"c:{ch}", i + 1, "A")
    for i, gram in enumerate(text.bigrams(core)):
        add(f"t:{gram}", i + 1, "A")
    for i, gram in enumerate(text.bigrams(text.initials(core))):
        add(f"i:{gram}", i + 1, "A")
    for i, word in enumerate(text.words(doc.title)):
        add(f"tw:{word}", i + 1, "A")
    for key in doc.keys:
        add(f"k:{key}", 1, "A")
    for i, word in enumerate(text.words(doc.title + "\n" + doc.body)):
        add(f"w:{word}", i + 1, "D")
    return " ".join(f"{_quote(lexeme)}:{','.join(p)}" for lexeme, p in positions.items())


def _phrase(prefix: str, core: str) -> str | None:
    if not core:
        return None
    if len(core) == 1:
        return _quote(f"c:{core}") if prefix == "t" else None
    return " <-> ".join(_quote(f"{prefix}:{g}") for g in text.bigrams(core))


def _alternative(alt: Alternative, title_only: bool) -> str | None:
    parts = []
    title = _phrase("t", alt.text)
    if title:
        parts.append(f"({title})")
    if not title_only and alt.words:
        parts.append("(" + " & ".join(_quote(f"w:{w}") for w in dict.fromkeys(alt.words)) + ")")
    return "(" + " | ".join(parts) + ")" if parts else None


def _unit(unit: Unit, title_only: bool) -> str | None:
    alts = [a for a in (_alternative(alt, title_only) for alt in unit.alternatives) if a]
    return "(" + " | ".join(alts) + ")" if alts else None


def _title_only(alt: Alternative) -> Alternative:
    return Alternative(alt.text, [], alt.weight)


class PostgresBackend(SearchBackend):
    name = "postgres"

    def __init__(self) -> None:
        if connection.vendor != "postgresql":
            raise ImproperlyConfigured("GONGKAI_SEARCH_BACKEND=postgres needs DATABASE_URL pointing at PostgreSQL.")

    # -- querying ---------------------------------------------------------------------------------

    def _where(self, query: EngineQuery) -> tuple[str, list, str, list]:
        """The WHERE clause and the rank expression (each with parameters) for `query`."""
        required = [u for u in query.units if u.required] or query.units
        optional = [u for u in query.units if not u.required and required is not query.units]
        unit_qs = [q for q in (_unit(u, query.title_only) for u in required) if q]
        if query.initials:
            initials = _phrase("i", query.initials)
            unit_qs += [initials] if initials else []
        keys = " | ".join(_quote(f"k:{k}") for k in dict.fromkeys(query.keys))
        need = max(1, min(query.min_match or len(unit_qs), len(unit_qs))) if unit_qs else 0
        conditions, params = [], []
        match_parts = []
        if unit_qs:
            if need == len(unit_qs):
                match_parts.append("e.tsv @@ %s::tsquery")
                params.append(" & ".join(unit_qs))
            else:
                counted = " + ".join("(e.tsv @@ %s::tsquery)::int" for _ in unit_qs)
                match_parts.append(f"(e.tsv @@ %s::tsquery AND ({counted}) >= %s)")
                params += [" | ".join(unit_qs), *unit_qs, need]
        if keys:
            match_parts.append("e.tsv @@ %s::tsquery")
            params.append(keys)
        if not match_parts and query.match_all:
            match_parts.append("TRUE")
        if not match_parts:
            return "FALSE", [], "0", []
        conditions.append("(" + " OR ".join(match_parts) + ")")
        public_sql, public_params = public_documents().values("pk").query.sql_with_params()
        conditions.append(f"e.document_id IN ({public_sql})")
        params += list(public_params)
        for name, values in query.filters.items():
            if not values:
                continue
            if name == "issuer":
                conditions.append("string_to_array(e.issuers, E'\\n') && %s::text[]")
                params.append([str(v) for v in values])
            elif name == "subject":
                conditions.append("e.subject = ANY(%s)")
                params.append([str(v) for v in values])
            else:
                conditions.append(f"{_COLUMNS[name]} = ANY(%s)")
                params.append([str(v) for v in values])
        if query.exclude_ids:
            conditions.append("NOT (e.document_id = ANY(%s))")
            params.append(sorted(query.exclude_ids))
        rank_parts, rank_params = [], []
        everything = " | ".join(q for q in [*unit_qs, keys] if q)
        if everything:
            rank_parts.append("ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', e.tsv, %s::tsquery, 1) * 10")
            rank_params.append(everything)
        else:
            rank_parts.append("0")
        for phrase in query.phrases:
            q = _phrase("t", text.compact(phrase))
            if q:
                rank_parts.append(f"{PHRASE_BOOST} * (e.tsv @@ %s::tsquery)::int")
                rank_params.append(q)
        for unit in optional:
            q = _unit(unit, query.title_only)
            if q:
                rank_parts.append(f"{OPTIONAL_BOOST} * (e.tsv @@ %s::tsquery)::int")
                rank_params.append(q)
        for unit in required:
            q = _unit(Unit([_title_only(a) for a in unit.alternatives]), True)
            if q:
                rank_parts.append(f"{TITLE_BOOST} * (e.tsv @@ %s::tsquery)::int")
                rank_params.append(q)
        if keys:
            rank_parts.append(f"{KEY_BOOST} * (e.tsv @@ %s::tsquery)::int")
            rank_params.append(keys)
        return " AND ".join(conditions), params, " + ".join(rank_parts), rank_params

    def search(self, query: EngineQuery) -> EngineResult:
        if query.empty:
            return EngineResult(0, [], {})
        where, params, rank, rank_params = self._where(query)
        with connection.cursor() as cursor:
            facet_sql = ""
            if query.facets:
                selects = [f"SELECT '{name}' AS facet, {_COLUMNS[name]} AS value, count(*) AS n FROM m "
                           f"WHERE {_COLUMNS[name]} IS NOT NULL GROUP BY 2" for name in FACET_FIELDS if name != "issuer"]
                selects.append("SELECT 'issuer', v, count(*) FROM m, unnest(string_to_array(m.issuers, E'\\n')) v "
                               "WHERE v <> '' GROUP BY 2")
                facet_sql = " UNION ALL " + " UNION ALL ".join(selects)
            cursor.execute(
                f"WITH m AS MATERIALIZED (SELECT e.document_id, e.agency_id, e.subject_top, e.doc_type, e.year, "
                f"e.validity, e.kind, e.issuers FROM search_entry e WHERE {where}) "
                f"SELECT '_count', '', count(*) FROM m{facet_sql}", params)
            rows = cursor.fetchall()
            count = next(int(n) for facet, _, n in rows if facet == "_count")
            facets: dict[str, list[tuple[str, int]]] = {name: [] for name in FACET_FIELDS} if query.facets else {}
            for facet, value, n in rows:
                if facet != "_count":
                    facets[facet].append((str(value), int(n)))
            for name in facets:
                facets[name] = sorted(facets[name], key=lambda item: -item[1])[:100 if name == "year" else FACET_SIZE]
            order = ("e.published_on DESC NULLS LAST, e.document_id DESC" if query.sort == "date"
                     else "score DESC, e.document_id")
            cursor.execute(
                f"SELECT e.document_id, {rank} AS score FROM search_entry e WHERE {where} "
                f"ORDER BY {order} LIMIT %s OFFSET %s", rank_params + params + [max(query.limit, 1), query.offset])
            hits = [Hit(int(pk), float(score) if query.sort != "date" else 0.0) for pk, score in cursor.fetchall()]
        return EngineResult(count, hits[:query.limit], facets)

    def applied_change(self) -> int:
        state = SearchState.objects.filter(name=STATE).values_list("applied_change", flat=True).first()
        return -1 if state is None else state

    def vocabulary(self) -> dict[str, int]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT substr(word, 4), ndoc FROM ts_stat('SELECT tsv FROM search_entry') "
                           "WHERE word LIKE %s", ["tw:%"])
            return {word: int(n) for word, n in cursor.fetchall()}

    def doc_freq(self, word: str) -> int:
        if not word:
            return 0
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM search_entry WHERE tsv @@ %s::tsquery", [_quote(f"w:{word}")])
            return int(cursor.fetchone()[0])

    def indexed_ids(self) -> set[int]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT document_id FROM search_entry")
            return {int(pk) for (pk,) in cursor.fetchall()}

    def document_count(self) -> int:
        # The planner's estimate: exact counts of a large table cost a full scan on every search.
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = 'search_entry'::regclass")
            estimate = int(cursor.fetchone()[0])
            if estimate > 0:
                return estimate
            cursor.execute("SELECT count(*) FROM search_entry")
            return int(cursor.fetchone()[0])

    def stats(self) -> dict[str, int]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*), pg_total_relation_size('search_entry') FROM search_entry")
            count, size = cursor.fetchone()
        return {"documents": int(count), "bytes": int(size)}

    # -- writing ------------------------------------------------------------------------------------

    @contextmanager
    def write_lock(self) -> Iterator[None]:
        """One transaction holding a transaction-level advisory lock: writers in any process queue up."""
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
            yield

    @staticmethod
    def _insert(cursor, docs: Iterable[IndexDoc]) -> int:
        count, batch = 0, []

        def flush() -> None:
            cursor.executemany(
                "INSERT INTO search_entry (document_id, revision_id, title, agency_id, issuers, subject, subject_top, "
                "doc_type, year, validity, kind, published_on, tsv) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::tsvector)", batch)
            batch.clear()

        for doc in docs:
            batch.append((doc.id, doc.revision_id, doc.title, doc.agency, "\n".join(doc.issuers), doc.subject,
                          doc.subject_top, doc.doc_type, doc.year, doc.validity, doc.kind, doc.published_on,
                          tsvector_literal(doc)))
            count += 1
            if len(batch) >= BATCH:
                flush()
        if batch:
            flush()
        return count

    def _set_applied(self, applied_change: int) -> None:
        SearchState.objects.update_or_create(name=STATE, defaults={"applied_change": applied_change})

    def apply(self, upserts: Iterable[IndexDoc], deletes: Iterable[int], applied_change: int) -> None:
        upserts = list(upserts)
        ids = sorted({int(pk) for pk in deletes} | {d.id for d in upserts})
        with self.write_lock(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_entry WHERE document_id = ANY(%s)", [ids])
            self._insert(cursor, upserts)
            self._set_applied(applied_change)

    def rebuild(self, docs: Iterable[IndexDoc], applied_change: int) -> int:
        # One transaction: readers keep seeing the old entries until the new ones commit (MVCC).
        with self.write_lock(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_entry")
            count = self._insert(cursor, docs)
            self._set_applied(applied_change)
        return count
