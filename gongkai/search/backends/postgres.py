"""The PostgreSQL backend: one `search_entry` row per public document with two tsvectors (GIN indexes).

The tsvectors are written as literals, not through a text-search configuration, so they hold exactly
the tokens the embedded backend indexes, prefixed by kind. `tsv_title` (short): `c:`/`t:` title
characters and bigrams, `i:` bigrams of the title's pinyin initials, `tw:` title words and `k:` exact
keys; `tsv` (long): `w:` body words. Each query unit is one GIN lookup; documents are scored by the units
they match, weighted by rarity, with title matches counting more, so no long body is read to rank. The
visibility rule is joined in SQL, so counts and facets are exact. Needs DATABASE_URL pointing at
PostgreSQL (GONGKAI_SEARCH_BACKEND=postgres).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from gongkai.search import parallel, text
from gongkai.search.backends.base import (
    FACET_FIELDS,
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
# Candidates (beyond the page) that get the phrase and optional-unit boosts; the rest keep their base score.
RERANK = 200
# Every value is counted up to this many (the page shows the top ones and folds the rest under 更多,
# with the true number of values); issue #11 item 8: 50 cut the issuer facet with no sign.
FACET_SIZE = 1000
BATCH = 500
_COLUMNS = {"agency": "agency_id::text", "subject_top": "subject_top", "doc_type": "doc_type",
            "year": "year::text", "validity": "validity", "kind": "kind"}


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


class _Lexemes:
    """Builds a tsvector literal: lexemes with their positions and weight."""

    def __init__(self) -> None:
        self.positions: dict[str, list[str]] = {}

    def add(self, lexeme: str, position: int, weight: str) -> None:
        found = self.positions.setdefault(lexeme, [])
        if len(found) < MAX_POSITIONS:
            found.append(f"{min(position, MAX_POSITION)}{weight}")

    def literal(self) -> str:
        return " ".join(f"{_quote(lexeme)}:{','.join(p)}" for lexeme, p in self.positions.items())


def tsvector_literals(doc: IndexDoc) -> tuple[str, str]:
    """The title and body tsvectors of a document as PostgreSQL input text."""
    title = _Lexemes()
    core = text.compact(doc.title)
    for i, ch in enumerate(core):
        title.add(f"c:{ch}", i + 1, "A")
    for i, gram in enumerate(text.bigrams(core)):
        title.add(f"t:{gram}", i + 1, "A")
    for i, gram in enumerate(text.bigrams(text.initials(core))):
        title.add(f"i:{gram}", i + 1, "A")
    for i, word in enumerate(text.words(doc.title)):
        title.add(f"tw:{word}", i + 1, "A")
    for key in doc.keys:
        title.add(f"k:{key}", 1, "A")
    body = _Lexemes()
    for i, word in enumerate(text.words("\n".join([doc.title, *doc.tags, doc.body]))):
        body.add(f"w:{word}", i + 1, "D")
    return title.literal(), body.literal()


def _phrase(prefix: str, core: str) -> str | None:
    if not core:
        return None
    if len(core) == 1:
        return _quote(f"c:{core}") if prefix == "t" else None
    return " <-> ".join(_quote(f"{prefix}:{g}") for g in text.bigrams(core))


def _any(parts: list[str | None]) -> str | None:
    found = [f"({p})" for p in parts if p]
    return " | ".join(found) if found else None


def _unit_queries(unit: Unit, title_only: bool) -> tuple[str | None, str | None, float]:
    """A unit's title tsquery, body tsquery (None when not searched) and weight."""
    title = _any([_phrase("t", alt.text) for alt in unit.alternatives])
    body = None if title_only else _any([" & ".join(_quote(f"w:{w}") for w in dict.fromkeys(alt.words))
                                         for alt in unit.alternatives if alt.words])
    return title, body, max(alt.weight for alt in unit.alternatives)


class PostgresBackend(SearchBackend):
    name = "postgres"

    def __init__(self) -> None:
        if connection.vendor != "postgresql":
            raise ImproperlyConfigured("GONGKAI_SEARCH_BACKEND=postgres needs DATABASE_URL pointing at PostgreSQL.")

    # -- querying ---------------------------------------------------------------------------------

    def _matches(self, query: EngineQuery) -> tuple[str, list, str, list]:
        """SQL (a WITH list ending in CTE `final`) of the filtered documents that match `query`, each with
        its base score, and its parameters; then the boosts (an SQL sum over entry `e`) and theirs."""
        required = [u for u in query.units if u.required] or query.units
        optional = [u for u in query.units if not u.required and required is not query.units]
        units = [_unit_queries(u, query.title_only) for u in required]
        if query.initials:
            initials = _phrase("i", query.initials)
            if initials:
                units.append((initials, None, 1.0))
        units = [u for u in units if u[0] or u[1]]
        keys = " | ".join(_quote(f"k:{k}") for k in dict.fromkeys(query.keys))
        need = max(1, min(query.min_match or len(units), len(units))) if units else 0
        ctes, params, parts = [], [], []
        for n, (title, body, weight) in enumerate(units):
            where, where_params = [], []
            if title:
                where.append("tsv_title @@ %s::tsquery")
                where_params.append(title)
            if body:
                where.append("tsv @@ %s::tsquery")
                where_params.append(body)
            hit = "(tsv_title @@ %s::tsquery)::int" if title else "0"
            ctes.append(f"u{n} AS (SELECT document_id, {hit} AS t FROM search_entry WHERE {' OR '.join(where)})")
            ctes.append(f"c{n} AS (SELECT count(*) AS n, count(*) FILTER (WHERE t = 1) AS nt FROM u{n})")
            params += ([title] if title else []) + where_params
            # Rarer units weigh more, as in BM25: an IDF over the unit's matches, and for a title match one
            # over the titles it matches (a word rare in titles tells more than one that many titles have).
            parts.append(f"SELECT document_id, {weight:.3f} * (ln(1 + (SELECT total FROM n) / (1 + c.n)) + "
                         f"t * {TITLE_BOOST} * ln(1 + (SELECT total FROM n) / (1 + c.nt))) AS score, "
                         f"1 AS unit, 0 AS key FROM u{n}, c{n} c")
        if keys:
            parts.append(f"SELECT document_id, {KEY_BOOST} AS score, 0 AS unit, 1 AS key FROM search_entry "
                         "WHERE tsv_title @@ %s::tsquery")
            params.append(keys)
        if parts:
            ctes.append("m AS (SELECT document_id, sum(score) AS score FROM (" + " UNION ALL ".join(parts) +
                        f") x GROUP BY document_id HAVING sum(unit) >= {need} OR max(key) = 1)")
        elif query.match_all:
            ctes.append("m AS (SELECT document_id, 0.0 AS score FROM search_entry)")
        else:
            ctes.append("m AS (SELECT document_id, 0.0 AS score FROM search_entry WHERE FALSE)")
        # Phrase and optional-unit boosts read each title again, so they are added to the top candidates
        # only (see search), and not at all to a probe that only counts.
        boosts, boost_params = [], []
        for phrase in [] if query.count_only else query.phrases:
            q = _phrase("t", text.compact(phrase))
            if q:
                boosts.append(f" + {PHRASE_BOOST} * (e.tsv_title @@ %s::tsquery)::int")
                boost_params.append(q)
        for unit in [] if query.count_only else optional:
            q = _unit_queries(unit, True)[0]
            if q:
                boosts.append(f" + {OPTIONAL_BOOST} * (e.tsv_title @@ %s::tsquery)::int")
                boost_params.append(q)
        conditions = ["TRUE"]
        condition_params: list = []
        for name, values in query.filters.items():
            if not values:
                continue
            if name in ("issuer", "tag"):
                column = "e.issuers" if name == "issuer" else "e.tags"
                conditions.append(f"string_to_array({column}, E'\\n') && %s::text[]")
            elif name == "subject":
                conditions.append("e.subject = ANY(%s)")
            else:
                conditions.append(f"{_COLUMNS[name]} = ANY(%s)")
            condition_params.append([str(v) for v in values])
        if query.exclude_ids:
            conditions.append("NOT (e.document_id = ANY(%s))")
            condition_params.append(sorted(query.exclude_ids))
        ctes.append(
            "final AS MATERIALIZED (SELECT e.document_id, m.score, e.published_on, "
            "e.agency_id, e.subject_top, e.doc_type, e.year, e.validity, e.kind, e.issuers, e.tags "
            "FROM m JOIN search_entry e ON e.document_id = m.document_id WHERE " + " AND ".join(conditions) + ")")
        params += condition_params
        total = ("n AS (SELECT greatest(reltuples, 1)::float AS total FROM pg_class "
                 "WHERE oid = 'search_entry'::regclass)")
        return "WITH " + ", ".join([total, *ctes]), params, "".join(boosts), boost_params

    def statement(self, query: EngineQuery) -> tuple[str, list]:
        """The one SQL statement of a search and its parameters: rows ('_count', …), ('_hit', id, …) and
        (facet, value, count) (or, for a count-only probe, the count alone)."""
        with_sql, params, boosts, boost_params = self._matches(query)
        if query.count_only:
            return with_sql + " SELECT count(*) FROM final", params
        page_params = [max(query.limit, 1), query.offset]
        if query.sort == "date":
            page = ("(SELECT '_hit', document_id::text, 0, 0.0 FROM final "
                    "ORDER BY published_on DESC NULLS LAST, document_id DESC LIMIT %s OFFSET %s)")
        elif boosts:
            # Rank only the top candidates: the boosts are added to the best RERANK by base score.
            page = ("(SELECT '_hit', c.document_id::text, 0, c.score" + boosts + " AS s FROM (SELECT document_id, "
                    "score FROM final ORDER BY score DESC, document_id LIMIT %s) c JOIN search_entry e ON "
                    "e.document_id = c.document_id ORDER BY s DESC, c.document_id LIMIT %s OFFSET %s)")
            page_params = [*boost_params, query.offset + max(query.limit, 1) + RERANK, *page_params]
        else:
            page = "(SELECT '_hit', document_id::text, 0, score FROM final ORDER BY score DESC, document_id LIMIT %s OFFSET %s)"
        selects = ["SELECT '_count', '', count(*), 0.0 FROM final", page]
        if query.facets:
            selects += [f"SELECT '{name}', {_COLUMNS[name].replace('::text', '')}::text, count(*), 0.0 FROM final "
                        f"WHERE {_COLUMNS[name].replace('::text', '')} IS NOT NULL GROUP BY 2"
                        for name in FACET_FIELDS if name not in ("issuer", "tag")]
            selects += [f"SELECT '{name}', v, count(*), 0.0 FROM final, unnest(string_to_array(final.{column}, "
                        "E'\\n')) v WHERE v <> '' GROUP BY 2" for name, column in (("issuer", "issuers"), ("tag", "tags"))]
        return with_sql + " " + " UNION ALL ".join(selects), params + page_params

    def search(self, query: EngineQuery) -> EngineResult:
        if query.empty:
            return EngineResult(0, [], {})
        sql, params = self.statement(query)
        with connection.cursor() as cursor:
            # With fresh statistics the planner reads a common word by a sequential scan, testing every
            # entry's body tsvector (out of line, 10+ KB each): seconds. Through the GIN indexes only.
            cursor.execute("SET enable_seqscan = off")
            try:
                cursor.execute(sql, params)
                rows = cursor.fetchall()
            finally:
                cursor.execute("RESET enable_seqscan")
        if query.count_only:
            return EngineResult(int(rows[0][0]), [], {})
        count, hits = 0, []
        facets: dict[str, list[tuple[str, int]]] = {name: [] for name in FACET_FIELDS} if query.facets else {}
        for kind, value, n, score in rows:
            if kind == "_count":
                count = int(n)
            elif kind == "_hit":
                hits.append(Hit(int(value), float(score) if query.sort != "date" else 0.0))
            else:
                facets[kind].append((str(value), int(n)))
        order_key = {h.id: i for i, h in enumerate(hits)}
        hits.sort(key=lambda h: order_key[h.id])
        for name in facets:
            facets[name] = sorted(facets[name], key=lambda item: -item[1])[:100 if name == "year" else FACET_SIZE]
        return EngineResult(count, hits[:query.limit], facets)

    def applied_change(self) -> int:
        state = SearchState.objects.filter(name=STATE).values_list("applied_change", flat=True).first()
        return -1 if state is None else state

    def vocabulary(self) -> dict[str, int]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT substr(term, 4), ndoc FROM search_term WHERE term LIKE %s AND ndoc > 0", ["tw:%"])
            return {word: int(n) for word, n in cursor.fetchall()}

    def doc_freq(self, word: str) -> int:
        # From the cached frequencies (kept by every write): counting through the GIN index read every
        # entry holding a common word, several times per search.
        if not word:
            return 0
        with connection.cursor() as cursor:
            cursor.execute("SELECT ndoc FROM search_term WHERE term = %s", [f"w:{word}"])
            row = cursor.fetchone()
            return max(int(row[0]), 0) if row else 0

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
                "INSERT INTO search_entry (document_id, revision_id, title, agency_id, issuers, tags, subject, subject_top, "
                "doc_type, year, validity, kind, published_on, tsv_title, tsv) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::tsvector, %s::tsvector)", batch)
            batch.clear()

        for doc, (title_tsv, body_tsv) in parallel.analysed(docs, tsvector_literals):
            batch.append((doc.id, doc.revision_id, doc.title, doc.agency, "\n".join(doc.issuers), "\n".join(doc.tags),
                          doc.subject, doc.subject_top, doc.doc_type, doc.year, doc.validity, doc.kind,
                          doc.published_on, title_tsv, body_tsv))
            count += 1
            if len(batch) >= BATCH:
                flush()
        if batch:
            flush()
        return count

    @staticmethod
    def _count_terms(cursor, ids: list[int] | None, sign: int) -> None:
        """Add (sign 1) or take away (sign -1) the words of the given entries (None: all) to the cached
        document frequencies: body words and title words, one per entry however often it occurs."""
        where, params = ("", []) if ids is None else ("WHERE document_id = ANY(%s)", [ids, ids])
        title_where = "WHERE" if ids is None else f"{where} AND"
        cursor.execute(
            "INSERT INTO search_term (term, ndoc) SELECT lexeme, %s * count(*) FROM ("
            f"SELECT unnest(tsvector_to_array(tsv)) AS lexeme FROM search_entry {where} UNION ALL "
            f"SELECT lexeme FROM search_entry, unnest(tsvector_to_array(tsv_title)) AS lexeme {title_where} "
            "lexeme LIKE 'tw:%%') x GROUP BY lexeme "
            "ON CONFLICT (term) DO UPDATE SET ndoc = search_term.ndoc + EXCLUDED.ndoc", [sign, *params])

    def _set_applied(self, applied_change: int) -> None:
        SearchState.objects.update_or_create(name=STATE, defaults={"applied_change": applied_change})

    def apply(self, upserts: Iterable[IndexDoc], deletes: Iterable[int], applied_change: int) -> None:
        upserts = list(upserts)
        ids = sorted({int(pk) for pk in deletes} | {d.id for d in upserts})
        with self.write_lock(), connection.cursor() as cursor:
            self._count_terms(cursor, ids, -1)
            cursor.execute("DELETE FROM search_entry WHERE document_id = ANY(%s)", [ids])
            self._insert(cursor, upserts)
            self._count_terms(cursor, [d.id for d in upserts], 1)
            self._set_applied(applied_change)

    def rebuild(self, docs: Iterable[IndexDoc], applied_change: int) -> int:
        # One transaction: readers keep seeing the old entries until the new ones commit (MVCC).
        with self.write_lock(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_entry")
            cursor.execute("DELETE FROM search_term")
            count = self._insert(cursor, docs)
            self._count_terms(cursor, None, 1)
            # Fresh statistics for the planner: without them it takes a common word for a rare one.
            cursor.execute("ANALYZE search_entry")
            cursor.execute("ANALYZE search_term")
            self._set_applied(applied_change)
        return count
