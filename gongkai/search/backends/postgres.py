"""The PostgreSQL backend: a narrow row per public document for filters and facets, and its text in two
side tables, each with a GIN index.

`search_entry` (the SearchEntry model) holds only the small columns that filter, facet and sort, so
counting and faceting a large match never reads any text. `search_title` holds the compacted title, its
pinyin initials and a tsvector of `c:` characters, `t:` bigrams and `i:` initials bigrams of the title,
`tw:` title words and `k:` exact keys; `search_body` holds a tsvector of `w:` body words. The tsvectors
carry no positions (a title phrase is matched by its bigrams, then checked with strpos on the compacted
title, which is exact); long body tsvectors are stored out of line (toast_tuple_target), so the body heap
a GIN lookup visits is small. Each query unit is a GIN lookup per table; one grouping pass scores the
documents by the units they match (bits of a bigint), weighted by rarity, with title matches counting
more. Excluded (stale, superseded) documents are left out in SQL, so counts and facets are exact. A
rebuild COPYs into fresh side tables, indexes them once loaded and swaps them in. Needs DATABASE_URL
pointing at PostgreSQL (GONGKAI_SEARCH_BACKEND=postgres).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import numpy as np
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from gongkai.search import parallel, text
from gongkai.search.backends import pgfacets, pgpostings
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
LOCK_KEY = 7_340_001  # pg_advisory lock id for writers of the search tables
TITLE_BOOST = 4.0
PHRASE_BOOST = 6.0
KEY_BOOST = 200.0
OPTIONAL_BOOST = 0.3
# Candidates (beyond the page) that get the phrase and optional-unit boosts; the rest keep their base score.
RERANK = 200
# A search that reads only its best hits (top_only: the plain ranking of a long question) does not find
# candidates through body words more than this share of the library has: each adds at most ln(1 + 1/0.05)
# ≈ 3 times its weight, against twice that and more for a rarer word or a title. The best RERANK + LATE_MARGIN
# candidates then get what those words add.
COMMON = 0.05
LATE_MARGIN = 100
# Below this many documents a side is never left out: finding them all costs little.
COMMON_FLOOR = 2000
# A search for one unit whose bodies are more than this share of the library is answered from postings held in
# the process (see _common_word); reading, weighing and counting their rows was most of its time.
COMMON_WORD = 0.05
# Words whose document frequency a process keeps (per index version) before it starts afresh.
FREQ_CACHE = 100_000
# BM25's saturation and length normalisation (as tantivy's defaults), with a term occurring once: a match
# in a title or body of average length counts 1, in a shorter one more, in a longer one less.
K1 = 1.2
B = 0.75
# A body that has a word this many times or more matches its `h:` lexeme too, and scores as BM25 scores a
# word occurring this often rather than once.
HEAVY = 3
# Every value is counted up to this many (the page shows the top ones and folds the rest under 更多,
# with the true number of values); issue #11 item 8: 50 cut the issuer facet with no sign.
FACET_SIZE = 1000
BATCH = 1000  # documents per round of COPY
# Units a document matches are bits of a bigint; a query of 100 characters has fewer required ones.
MAX_UNITS = 62
# Memory for a search's grouping and hashing (the default 4 MB spills a common word's matches to disk).
WORK_MEM = "64MB"
# Above this share of the library, a search's matches join search_entry by hash rather than key by key:
# search_entry is read whole (a sequential scan; the side tables' tsvector columns have no statistics, so
# the planner still reads them through their GIN indexes, see migration 0008).
LARGE = 0.05
LARGE_JOIN = (("enable_seqscan", "on"), ("enable_nestloop", "off"), ("enable_mergejoin", "off"))
SETTINGS = (f"set_config('work_mem', '{WORK_MEM}', false)", "set_config('max_parallel_workers_per_gather', '0', false)",
            # A disabled plan node costs 1e10, which would have every search JIT-compiled (a second).
            "set_config('jit', 'off', false)")
_COLUMNS = {"agency": "agency_id::text", "subject_top": "subject_top", "doc_type": "doc_type",
            "year": "year::text", "validity": "validity", "kind": "kind"}
ENTRY_COLUMNS = ("document_id", "revision_id", "title", "agency_id", "issuers", "tags", "subject", "subject_top",
                 "doc_type", "year", "validity", "kind", "published_on")
# The side tables (also created by migration 0008). Long tsvectors go out of line (a tuple is toasted only
# above 2 kB, so short ones stay in the row).
SIDE_TABLES = {
    "search_title": "(document_id bigint NOT NULL, core text NOT NULL, initials text NOT NULL, "
                    "tsv tsvector NOT NULL) WITH (toast_tuple_target = 128)",
    "search_body": "(document_id bigint NOT NULL, tsv tsvector NOT NULL, n integer NOT NULL DEFAULT 0) "
                   "WITH (toast_tuple_target = 128)",
}


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _vector(lexemes: Iterable[str]) -> str:
    return " ".join(_quote(lexeme) for lexeme in dict.fromkeys(lexemes))


def analyse(doc: IndexDoc) -> tuple[str, str, str, str, int]:
    """The compacted title, its initials, the title and body tsvectors as PostgreSQL input text, and the
    number of distinct body words (the body's length, as BM25 weighs it)."""
    core = text.compact(doc.title)
    initials = text.initials(core)
    title = [f"c:{ch}" for ch in core]
    title += [f"t:{gram}" for gram in text.bigrams(core)]
    title += [f"i:{gram}" for gram in text.bigrams(initials)]
    title += [f"tw:{word}" for word in text.words(doc.title)]
    title += [f"k:{key}" for key in doc.keys]
    counts = Counter(text.words("\n".join([doc.title, *doc.tags, doc.body])))
    # A word the body uses often also gets a `h:` lexeme (the tsvector keeps no counts): BM25 counts a
    # word's occurrences, and a regulation on a topic uses its words again and again.
    body = [f"w:{word}" for word in counts] + [f"h:{word}" for word, n in counts.items() if n >= HEAVY]
    return core, initials, _vector(title), _vector(body), len(counts)


def _title_match(prefix: str, cores: Iterable[str]) -> tuple[str, list[str]] | None:
    """A tsquery finding every title that has the bigrams of one of `cores` (a lone character by itself),
    and the substrings that then decide it (strpos on the compacted title or its initials)."""
    parts, checks = [], []
    for core in dict.fromkeys(cores):
        if len(core) == 1 and prefix == "t":
            parts.append(_quote(f"c:{core}"))
        elif len(core) >= 2:
            parts.append("(" + " & ".join(_quote(f"{prefix}:{g}") for g in dict.fromkeys(text.bigrams(core))) + ")")
        else:
            continue
        checks.append(core)
    return (" | ".join(parts), checks) if parts else None


def _norm(length: str, average: float, often: int = 1) -> str:
    """SQL of BM25's factor for a word occurring `often` times in a field `length` long (once in a field of
    average length: 1); with no average known (an index built before lengths were kept), length is ignored."""
    if average <= 0:
        return f"{often * (K1 + 1) / (often + K1):.6f}"
    return f"{often * (K1 + 1)} / ({often + K1 * (1 - B):.4f} + {K1 * B / average:.6f} * {length})"


def _where(ids: np.ndarray, found: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the values of `found` that are in `ids` (sorted, unique) stand in it, and which of `found` they are."""
    if not len(ids) or not len(found):
        return np.zeros(0, dtype=np.int64), np.zeros(len(found), dtype=bool)
    at = np.searchsorted(ids, found)
    kept = (at < len(ids)) & (ids[np.minimum(at, len(ids) - 1)] == found)
    return at[kept], kept


def _joined(ids: np.ndarray, more: np.ndarray) -> np.ndarray:
    """`ids` (sorted, unique: a posting list) with the few ids of `more` it lacks, sorted (numpy's union of
    arrays hashes every element: 30 ms for 45,000)."""
    _, kept = _where(ids, more)
    extra = np.unique(more[~kept])
    return np.sort(np.concatenate([ids, extra])) if len(extra) else ids


def _norm_values(lengths: np.ndarray, average: float, factor: float) -> np.ndarray:
    """`factor` times _norm for every length, computed as the SQL _norm writes computes it: factor times the
    numerator, then divided (its constants rounded as written there)."""
    if average <= 0:
        return np.full(len(lengths), factor * float(f"{(K1 + 1) / (1 + K1):.6f}"))
    return factor * (K1 + 1) / (float(f"{1 + K1 * (1 - B):.4f}") + float(f"{K1 * B / average:.6f}") * lengths)


def _title_terms(title: tuple[str, list[str]], column: str) -> dict[str, list[str]]:
    """Per substring a title match checks, the lexemes whose cached counts bound how many titles have it."""
    prefix = "t" if column == "core" else "i"
    return {core: [f"c:{core}"] if len(core) == 1 else [f"{prefix}:{g}" for g in text.bigrams(core)]
            for core in title[1]}


def _contains(column: str, checks: list[str]) -> str:
    return "(" + " OR ".join(f"strpos({column}, %s) > 0" for _ in checks) + ")"


def _body_match(unit: Unit, prefix: str = "w") -> str | None:
    found = ["(" + " & ".join(_quote(f"{prefix}:{w}") for w in dict.fromkeys(alt.words)) + ")"
             for alt in unit.alternatives if alt.words]
    return " | ".join(found) if found else None


class PostgresBackend(SearchBackend):
    name = "postgres"
    concurrent_passes = True

    def __init__(self) -> None:
        if connection.vendor != "postgresql":
            raise ImproperlyConfigured("GONGKAI_SEARCH_BACKEND=postgres needs DATABASE_URL pointing at PostgreSQL.")
        # Document frequencies already read, for the index version they were read in: query understanding
        # asks for dozens of words per long question, most of them asked before. Every search starts by
        # reading the applied change (see indexing.stale_ids), which tells whether the index moved on.
        self._freqs: dict[str, int] = {}
        self._version: object = None

    # -- querying ---------------------------------------------------------------------------------

    @staticmethod
    def _units(query: EngineQuery) -> tuple[list, int, list[Unit]]:
        """Per required unit: its title match (tsquery and substrings), the column the substrings are
        checked on, its body tsquery, its weight and its body words; how many must match; the optional units."""
        required = [u for u in query.units if u.required] or query.units
        optional = [u for u in query.units if not u.required and required is not query.units]
        units = [(_title_match("t", [a.text for a in u.alternatives]), "core",
                  None if query.title_only else _body_match(u), max(a.weight for a in u.alternatives),
                  [] if query.title_only else [list(dict.fromkeys(a.words)) for a in u.alternatives])
                 for u in required]
        if query.initials:
            units.append((_title_match("i", [query.initials]), "initials", None, 1.0, []))
        units = [u for u in units if u[0] or u[2]][:MAX_UNITS]
        need = max(1, min(query.min_match or len(units), len(units))) if units else 0
        return units, need, optional

    @staticmethod
    def _frequencies(query: EngineQuery) -> tuple[float, dict[str, int], str]:
        """In one round trip: the planner settings of a search (see _settings), the library's size (the
        planner's estimate), the cached document frequencies of the query's body words (they weigh the
        units and tell how many documents a unit reaches) and the index generation (for pgfacets)."""
        words = {f"w:{w}" for u in query.units for a in u.alternatives for w in a.words}
        for title, column, *_ in PostgresBackend._units(query)[0]:
            for terms in (_title_terms(title, column).values() if title else ()):
                words.update(terms)
        settings = ", ".join([*SETTINGS, "set_config('enable_seqscan', 'off', false)"])
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT '', greatest(reltuples, 1)::bigint::text FROM pg_class WHERE oid = 'search_entry'::regclass "
                "UNION ALL SELECT '#', concat_ws('/', applied_change, ctid, xmin) FROM search_searchstate "
                f"WHERE name = %s UNION ALL SELECT '!', concat({settings}) "
                "UNION ALL SELECT term, ndoc::text FROM search_term WHERE term = ANY(%s)",
                [STATE, [*sorted(words), "#len:title", "#len:body"]])
            rows = dict(cursor.fetchall())
        total, generation = float(rows.pop("", 1)), rows.pop("#", "")
        rows.pop("!", None)
        return total, {term: max(int(n), 0) for term, n in rows.items()}, generation

    @staticmethod
    def _reach(alternatives: list[list[str]], freqs: dict[str, int], total: float) -> int:
        """How many documents a unit can match through bodies: per alternative, its rarest word."""
        return int(min(total, sum(min((freqs.get(f"w:{w}", 0) for w in words), default=0)
                                  for words in alternatives)))

    @staticmethod
    def _title_reach(title: tuple[str, list[str]], column: str, freqs: dict[str, int], total: float) -> int:
        """At most how many titles a unit can match: per substring it checks, its rarest character bigram."""
        terms = _title_terms(title, column)
        return int(min(total, sum(min(freqs.get(term, 0) for term in found) for found in terms.values())))

    @staticmethod
    def _reads_entries(query: EngineQuery) -> bool:
        """Whether a search reads its matches' entries: to filter, facet or sort them by date."""
        return any(query.filters.values()) or (not query.count_only and query.sort == "date")

    def _settings(self, query: EngineQuery, total: float, freqs: dict[str, int]) -> str | None:
        """The planner settings for a search that reads many entries, or None. Every search reads its
        matches through the GIN indexes only (enable_seqscan off, set by _frequencies). The matches' size is
        unknown to the planner (it guesses 200), so their entries are read by key one by one; when the cached
        word frequencies say they are many (LARGE of the library), search_entry is read whole into a hash
        join instead."""
        if not self._reads_entries(query):
            return None
        if not (query.match_all and not query.units):
            units, need, _ = self._units(query)
            reaches = [self._reach(alternatives, freqs, total) for *_, alternatives in units if alternatives]
            if not reaches or (min(reaches) if need == len(units) else sum(reaches)) <= LARGE * total:
                return None
        return "SELECT " + ", ".join(f"set_config('{name}', '{value}', false)" for name, value in LARGE_JOIN)

    def _anchors(self, units: list, need: int, freqs: dict[str, int], total: float) -> list[int] | None:
        """For a search whose matches have `need` of its units (each unit with body words), the units every
        match has at least one of: the len(units) - need + 1 reaching the fewest documents (a document without
        any of them has need - 1 units at most). None when that is every unit (nothing to gain)."""
        if need < 2 or not all(body for _, _, body, *_ in units):
            return None
        reaches = sorted(((self._title_reach(title, column, freqs, total) if title else 0)
                          + self._reach(alternatives, freqs, total), n)
                         for n, (title, column, _, _, alternatives) in enumerate(units))
        return sorted(n for _, n in reaches[:len(units) - need + 1])

    @staticmethod
    def _anchor_ctes(anchors: list[int], units: list) -> tuple[list[str], list]:
        """CTE `br`: the body rows of the anchor units (each with its unit's bit); CTE `tx`: the documents that
        have an anchor unit in their title but none in their body (few: bodies hold their titles' words)."""
        ctes = ["br AS MATERIALIZED (" + " UNION ALL ".join(
            f"SELECT document_id, n, {1 << a}::bigint AS um FROM search_body WHERE tsv @@ %s::tsquery"
            for a in anchors) + ")"]
        titled = [1 << a for a in anchors if units[a][0] is not None]
        if titled:
            # EXCEPT, hashed: the planner cannot size the CTEs (it guesses a few rows) and ran NOT EXISTS as a
            # nested loop, every title row against every body row (0.24 s for 516 × 3,493).
            ctes.append(f"tx AS MATERIALIZED (SELECT document_id FROM t WHERE um IN ({', '.join(map(str, titled))})"
                        " EXCEPT SELECT document_id FROM br)")
        return ctes, [units[a][2] for a in anchors]

    @staticmethod
    def _anchored_rows(n: int, anchors: list[int], units: list, body: str, heavy: str, weight: float, w: str,
                       heavy_norm: str, with_heavy: bool, rows: list, params: list) -> None:
        """The body rows of unit `n` in a search anchored on `anchors` (see _anchors): an anchor's are all its
        rows (from `br`); another unit's, those of bodies that also have an anchor unit (one GIN lookup, which
        intersects them in the index) and those of the documents in `tx`. Every document that can match gets
        the rows it got before, so its score and the count are as before; the common units' other rows (most
        of them) are never read. (In the join with `tx`, the weights' `n` is the body's: tx has no such column.)"""
        bit = 1 << n
        weigh = f"{weight:.6f} * {heavy_norm.format(len='n')}"
        titled = any(units[a][0] is not None for a in anchors)
        if n in anchors:
            rows.append(f"SELECT document_id, {bit}::bigint AS um, ({w})::float8 AS w, 0 AS key FROM br WHERE um = {bit}")
            if with_heavy:
                rows.append(f"SELECT document_id, 0::bigint AS um, ({weigh})::float8 AS w, 0 AS key FROM search_body "
                            "WHERE tsv @@ %s::tsquery")
                params.append(heavy)
            return
        some = " | ".join(f"({units[a][2]})" for a in anchors)
        for lexemes, um, weighed in [(body, bit, w), *([(heavy, 0, weigh)] if with_heavy else [])]:
            rows.append(f"SELECT document_id, {um}::bigint AS um, ({weighed})::float8 AS w, 0 AS key FROM search_body "
                        "WHERE tsv @@ %s::tsquery")
            params.append(f"({some}) & ({lexemes})")
            if titled:
                rows.append(f"SELECT b.document_id, {um}::bigint AS um, ({weighed})::float8 AS w, "
                            "0 AS key FROM tx JOIN search_body b ON b.document_id = tx.document_id "
                            "WHERE b.tsv @@ %s::tsquery")
                params.append(lexemes)

    @staticmethod
    def _one_unit(rows: list[str], body_rows: str | None, count_only: bool) -> str | None:
        """CTE `m` of a search with one unit, or None. Its body rows (a common word's are tens of thousands)
        have a document once, and every document in them or in its other rows (title, heavy body, keys: few,
        grouped) matches, so one hash full join sums them: cheaper than grouping every row (50 of a search's
        150 ms). The other rows keep their order, so their parameters do; grouped, the planner guesses them
        fewer (200 against 500) and hashes them, not the bodies."""
        if body_rows is None:
            return None
        others = " UNION ALL ".join(row for row in rows if row is not body_rows)
        if not others:
            return f"m AS (SELECT document_id{'' if count_only else ', w AS score'} FROM ({body_rows}) b)"
        score = "" if count_only else f", coalesce(b.w, 0) + coalesce(o.w, 0) + coalesce(o.key, 0) * {KEY_BOOST} AS score"
        return (f"m AS (SELECT document_id{score} FROM ({body_rows}) b FULL JOIN (SELECT document_id, sum(w) AS w, "
                f"max(key) AS key FROM ({others}) x GROUP BY document_id) o USING (document_id))")

    def _matches(self, query: EngineQuery, total: float, freqs: dict[str, int]) -> tuple[str, list, str, list]:
        """SQL (a WITH list ending in CTE `final`) of the filtered documents that match `query`, each with
        its score, and its parameters; then the boosts (an SQL sum over title row `e`) and theirs.

        A document scores, per unit it matches, the unit's weight times its rarity (as in BM25: an IDF over
        the cached body frequencies) where its body has the unit, plus TITLE_BOOST times the unit's rarity
        among titles where its title has it, so the score is a plain sum over the matching rows."""
        units, need, optional = self._units(query)
        scored = not query.count_only
        ctes, params, rows, titles, title_params = [], [], [], [], []
        title_norm = _norm("{len}", freqs.get("#len:title", 0) / total)
        body_norm = _norm("{len}", freqs.get("#len:body", 0) / total)
        # What a body using the word often (HEAVY times) adds to once (see analyse).
        heavy_norm = f"({_norm('{len}', freqs.get('#len:body', 0) / total, HEAVY)} - {body_norm})"
        # A search that reads only its best hits (top_only) leaves the commonest words out of finding
        # candidates: they add little to a score (see COMMON) and cost the most rows; the best candidates
        # then get what those words add by reading their own title and body.
        late_titles: list[tuple[tuple[str, list[str]], str, float]] = []
        late: list[tuple[str, float, str]] = []
        late_title_units: set[int] = set()
        body_rows = None  # a unit's body rows, read apart from its anchors (see the one-unit case below)
        sides = [(self._title_reach(title, column, freqs, total), n, "title") for n, (title, column, *_) in
                 enumerate(units) if title]
        sides += [(self._reach(alts, freqs, total), n, "body") for n, (_, _, body, _, alts) in enumerate(units) if body]
        prune = scored and query.top_only and bool(sides)
        # The rarest side always finds candidates, so a query of common words only still finds some.
        rare = {(n, side) for reach, n, side in sides if reach <= max(COMMON * total, COMMON_FLOOR)}
        finding = rare | ({min(sides)[1:]} if sides else set())
        anchors = None if prune else self._anchors(units, need, freqs, total)
        anchor_ctes, anchor_params = self._anchor_ctes(anchors, units) if anchors else ([], [])
        for n, (title, column, body, weight, alternatives) in enumerate(units):
            # Each side read apart through its GIN index only (a title by its bigrams, then checked).
            if title and prune and (n, "title") not in finding:
                reach = self._title_reach(title, column, freqs, total)
                late_titles.append((title, column, weight * TITLE_BOOST * math.log(1 + total / (1 + reach))))
                late_title_units.add(n)
            elif title:
                titles.append(f"SELECT document_id, {1 << n}::bigint AS um, char_length(core) AS len FROM search_title "
                              f"WHERE tsv @@ %s::tsquery AND {_contains(column, title[1])}")
                title_params += [title[0], *title[1]]
            if body:
                idf = math.log(1 + total / (1 + self._reach(alternatives, freqs, total)))
                heavy = body.replace("'w:", "'h:")
                if prune and (n, "body") not in finding:
                    late += [(body, weight * idf, body_norm), (heavy, weight * idf, heavy_norm)]
                    continue
                w = f"{weight * idf:.6f} * {body_norm.format(len='n')}" if scored else "0"
                if anchors:
                    self._anchored_rows(n, anchors, units, body, heavy, weight * idf, w, heavy_norm,
                                        scored and (n, "body") in rare, rows, params)
                    continue
                body_rows = (f"SELECT document_id, {1 << n}::bigint AS um, ({w})::float8 AS w, 0 AS key FROM search_body "
                             "WHERE tsv @@ %s::tsquery")
                rows.append(body_rows)
                params.append(body)
                if scored and (n, "body") in rare:
                    # The bodies that use the unit's words often: what BM25 adds for the repeats (not for a
                    # common word: its repeats add little and its rows cost the most).
                    rows.append(f"SELECT document_id, 0::bigint AS um, ({weight * idf:.6f} * "
                                f"{heavy_norm.format(len='n')})::float8 AS w, 0 AS key FROM search_body "
                                "WHERE tsv @@ %s::tsquery")
                    params.append(heavy)
        params = title_params + anchor_params + params
        if titles:
            ctes.append("t AS MATERIALIZED (" + " UNION ALL ".join(titles) + ")")
            if scored:
                # Rarity among titles: a word rare in titles tells more than one many titles have. A unit
                # with no body words (initials, a title-only search) is weighed by its titles alone.
                weights = ", ".join(
                    f"{units[n][3] * (TITLE_BOOST + (0 if units[n][2] else 1)):.6f} * ln(1 + {total} / (1 + "
                    f"count(*) FILTER (WHERE um = {1 << n}))) AS t{n}" for n in range(len(units))
                    if units[n][0] and n not in late_title_units)
                ctes.append(f"tw AS MATERIALIZED (SELECT {weights} FROM t)")
                pick = " ".join(f"WHEN {1 << n} THEN tw.t{n}" for n in range(len(units))
                                if units[n][0] and n not in late_title_units)
                rows.insert(0, f"SELECT document_id, um, (CASE um {pick} END) * {title_norm.format(len='len')} AS w, 0 AS key "
                            "FROM t, tw")
            else:
                rows.insert(0, "SELECT document_id, um, 0.0::float8 AS w, 0 AS key FROM t")
        ctes += anchor_ctes
        keys = " | ".join(_quote(f"k:{k}") for k in dict.fromkeys(query.keys))
        if keys:
            rows.append("SELECT document_id, 0::bigint AS um, 0.0::float8 AS w, 1 AS key FROM search_title "
                        "WHERE tsv @@ %s::tsquery")
            params.append(keys)
        joined = self._one_unit(rows, body_rows, query.count_only) if len(units) == 1 else None
        if joined:
            ctes.append(joined)
        elif rows:
            # One pass groups every matching row by document: the units it matches are bits, its score a sum.
            ctes.append("g AS MATERIALIZED (SELECT document_id, bit_or(um) AS um, sum(w) AS s, max(key) AS key "
                        "FROM (" + " UNION ALL ".join(rows) + ") x GROUP BY document_id)")
            full = (1 << len(units)) - 1
            enough = "FALSE" if not units else "TRUE" if prune else (
                f"um = {full}" if need == len(units) else f"bit_count(um::bit(64)) >= {need}")
            score = "" if query.count_only else f", s + key * {KEY_BOOST} AS score"
            ctes.append(f"m AS (SELECT document_id{score} FROM g WHERE {enough} OR key = 1)")
        elif query.match_all:
            ctes.append("m AS (SELECT document_id, 0.0 AS score FROM search_entry)")
        else:
            ctes.append("m AS (SELECT document_id, 0.0 AS score FROM search_entry WHERE FALSE)")
        # Phrase and optional-unit boosts read each title again, so they are added to the top candidates
        # only (see statement), and not at all to a probe that only counts.
        boosts, boost_params = [], []
        for phrase in [] if query.count_only else query.phrases:
            core = text.compact(phrase)
            if core:
                boosts.append(f" + {PHRASE_BOOST} * (strpos(e.core, %s) > 0)::int")
                boost_params.append(core)
        for unit in [] if query.count_only else optional:
            found = _title_match("t", [a.text for a in unit.alternatives])
            if found:
                boosts.append(f" + {OPTIONAL_BOOST} * {_contains('e.core', found[1])}::int")
                boost_params += found[1]
        conditions = []
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
            conditions.append("NOT (m.document_id = ANY(%s))")
            condition_params.append(sorted(query.exclude_ids))
        where = " WHERE " + " AND ".join(conditions) if conditions else ""
        if not self._reads_entries(query):
            score = "" if query.count_only else ", m.score"
            ctes.append(f"final AS MATERIALIZED (SELECT m.document_id{score} FROM m{where})")
        elif query.count_only:
            ctes.append(f"final AS (SELECT m.document_id FROM m JOIN search_entry e ON e.document_id = m.document_id"
                        f"{where})")
        else:
            ctes.append(
                "final AS MATERIALIZED (SELECT e.document_id, m.score, e.published_on, e.agency_id, e.subject_top, "
                "e.doc_type, e.year, e.validity, e.kind, e.issuers, e.tags FROM m JOIN search_entry e ON "
                f"e.document_id = m.document_id{where})")
        params += condition_params
        if prune:
            # The best candidates (as many as the page and its reranking read, and some more) get what the
            # common words add, each read in its own body; the rest are never shown.
            ctes[-1] = ctes[-1].replace("final AS", "found AS", 1)
            extra = " + ".join(f"{weight:.6f} * {factor.format(len='b.n')} * (b.tsv @@ %s::tsquery)::int"
                               for _, weight, factor in late) or "0"
            extra_title = " + ".join(f"{weight:.6f} * {title_norm.format(len='char_length(tt.core)')} * "
                                     f"{_contains('tt.' + column, title[1])}::int"
                                     for title, column, weight in late_titles) or "0"
            ctes.append("c AS (SELECT document_id, score FROM found ORDER BY score DESC, document_id LIMIT %s)")
            ctes.append(f"final AS MATERIALIZED (SELECT c.document_id, c.score + coalesce((SELECT {extra} FROM "
                        "search_body b WHERE b.document_id = c.document_id), 0) + coalesce((SELECT "
                        f"{extra_title} FROM search_title tt WHERE tt.document_id = c.document_id), 0) AS score FROM c)")
            params += [query.offset + max(query.limit, 1) + RERANK + LATE_MARGIN, *(body for body, _, _ in late),
                       *(check for title, _, _ in late_titles for check in title[1])]
        return "WITH " + ", ".join(ctes), params, "".join(boosts), boost_params

    def statement(self, query: EngineQuery, frequencies: tuple[float, dict[str, int]] | None = None
                  ) -> tuple[str, list]:
        """The one SQL statement of a search and its parameters: rows ('_count', …), ('_hit', id, …) and
        (facet, value, count) (or, for a count-only probe, the count alone)."""
        total, freqs = frequencies or self._frequencies(query)[:2]
        with_sql, params, boosts, boost_params = self._matches(query, total, freqs)
        if query.count_only:
            return with_sql + " SELECT count(*) FROM final", params
        page_params = [max(query.limit, 1), query.offset]
        if query.sort == "date":
            page = ("(SELECT '_hit', document_id::text, 0, 0.0 FROM final "
                    "ORDER BY published_on DESC NULLS LAST, document_id DESC LIMIT %s OFFSET %s)")
        elif boosts:
            # Rank only the top candidates: the boosts are added to the best RERANK by base score (their
            # titles read by key, one by one, whatever join the rest of the statement uses).
            page = ("(SELECT '_hit', e.document_id::text, 0, e.score" + boosts + " AS s FROM (SELECT c.document_id, "
                    "c.score, (SELECT t.core FROM search_title t WHERE t.document_id = c.document_id) AS core FROM "
                    "(SELECT document_id, score FROM final ORDER BY score DESC, document_id LIMIT %s) c) e "
                    "ORDER BY s DESC, e.document_id LIMIT %s OFFSET %s)")
            page_params = [*boost_params, query.offset + max(query.limit, 1) + RERANK, *page_params]
        else:
            page = "(SELECT '_hit', document_id::text, 0, score FROM final ORDER BY score DESC, document_id LIMIT %s OFFSET %s)"
        # With facets, the ids matched come with the count (one pass), for the facets counted in memory (pgfacets).
        matched = "string_agg(document_id::text, ',')" if query.facets else "''"
        selects = [f"SELECT '_count', {matched}, count(*), 0.0 FROM final", page]
        return with_sql + " " + " UNION ALL ".join(selects), params + page_params

    @staticmethod
    def _enough_in_bodies(query: EngineQuery) -> bool:
        """Whether at least query.count_limit documents have every unit in their body: one GIN lookup of
        all the units' words together (it intersects them in the index), reading only those bodies. Bodies
        hold their titles' words, so this is most of a strict count; when it falls short the full count runs."""
        # (Exact keys only add documents to a count, so they do not stand in the way.)
        if not (query.count_only and query.count_limit > 0) or query.title_only or query.initials or \
                any(query.filters.values()):
            return False
        units, need, _ = PostgresBackend._units(query)
        bodies = [body for _, _, body, *_ in units]
        if not units or need < len(units) or not all(bodies):
            return False
        sql = "SELECT count(*) FROM (SELECT document_id FROM search_body WHERE tsv @@ %s::tsquery"
        params: list = [" & ".join(f"({body})" for body in bodies)]
        if query.exclude_ids:
            sql += " AND NOT (document_id = ANY(%s))"
            params.append(sorted(query.exclude_ids))
        with connection.cursor() as cursor:
            cursor.execute(sql + " LIMIT %s) x", [*params, query.count_limit])
            return cursor.fetchone()[0] >= query.count_limit

    def search(self, query: EngineQuery) -> EngineResult:
        if query.empty:
            return EngineResult(0, [], {})
        if self._enough_in_bodies(query):
            return EngineResult(query.count_limit, [], {})
        with connection.cursor() as cursor:
            try:
                # With fresh statistics the planner may read a common word by a sequential scan, detoasting
                # every entry's body tsvector: seconds. Through the GIN indexes only (see _settings).
                total, freqs, generation = self._frequencies(query)
                held = self._common_word(query, total, freqs, generation)
                if held is not None:
                    return held
                sql, params = self.statement(query, (total, freqs))
                large = self._settings(query, total, freqs)
                if large:
                    cursor.execute(large)
                cursor.execute(sql, params)
                rows = cursor.fetchall()
            finally:
                cursor.execute("RESET enable_seqscan; RESET enable_nestloop; RESET enable_mergejoin; RESET work_mem; "
                               "RESET max_parallel_workers_per_gather; RESET jit")
        if query.count_only:
            return EngineResult(int(rows[0][0]), [], {})
        count, hits, matched = 0, [], ""
        for kind, value, n, score in rows:
            if kind == "_count":
                count, matched = int(n), value or ""
            elif kind == "_hit":
                hits.append(Hit(int(value), float(score) if query.sort != "date" else 0.0))
        # Parsed in C: splitting 44,000 ids into strings first took 10–30 ms of a search.
        facets = self._facets(np.fromstring(matched, dtype=np.int64, sep=","), generation) if query.facets else {}
        # A top_only search counts only the candidates it ranked; it tells no count.
        return EngineResult(len(hits[:query.limit]) if query.top_only else count, hits[:query.limit], facets)

    @staticmethod
    def _facets(ids: np.ndarray, generation: object) -> dict[str, list[tuple[str, int]]]:
        sizes = {name: 100 if name == "year" else FACET_SIZE for name in FACET_FIELDS}
        return {name: [] for name in FACET_FIELDS} | pgfacets.columns(generation).count(ids, sizes)

    def _common_word(self, query: EngineQuery, total: float, freqs: dict[str, int], generation: object
                     ) -> EngineResult | None:
        """A search for one common unit (its bodies more than COMMON_WORD of the library), unfiltered and by
        relevance, answered from the unit's postings held in the process (pgpostings) and its title and key
        matches (one statement): the same count, scores, page and facets as the statement (tested), without
        reading, grouping and counting tens of thousands of body rows. None for any other search."""
        if query.title_only or query.initials or query.match_all or query.top_only or any(query.filters.values()) \
                or (query.sort != "relevance" and not query.count_only):
            return None
        units, _, optional = self._units(query)
        if len(units) != 1 or not units[0][2]:
            return None
        title, column, body, weight, alternatives = units[0]
        reach = self._reach(alternatives, freqs, total)
        if reach <= max(COMMON_WORD * total, COMMON * total, COMMON_FLOOR):
            return None  # (a rarer unit's statement also adds its heavy rows: see _matches)
        held = pgpostings.postings(body, generation)
        parts, params = [], []
        if title:
            parts.append(f"SELECT 0, document_id, char_length(core) FROM search_title WHERE tsv @@ %s::tsquery "
                         f"AND {_contains(column, title[1])}")
            params += [title[0], *title[1]]
        keys = " | ".join(_quote(f"k:{k}") for k in dict.fromkeys(query.keys))
        if keys:
            parts.append("SELECT 1, document_id, 0 FROM search_title WHERE tsv @@ %s::tsquery")
            params.append(keys)
        rows = []
        if parts:
            with connection.cursor() as cursor:
                cursor.execute(" UNION ALL ".join(parts), params)
                rows = cursor.fetchall()
        titled = np.array([(pk, length) for kind, pk, length in rows if kind == 0], dtype=np.int64).reshape(-1, 2)
        keyed = np.array([pk for kind, pk, _ in rows if kind == 1], dtype=np.int64)
        ids = _joined(held.ids, np.concatenate([titled[:, 0], keyed]))
        if query.exclude_ids:
            excluded = np.fromiter(query.exclude_ids, dtype=np.int64)
            ids = np.delete(ids, _where(ids, excluded)[0])
        if query.count_only:
            return EngineResult(len(ids), [], {})
        # The statement's arithmetic, constant for constant (its SQL rounds them as written there).
        idf = math.log(1 + total / (1 + reach))
        body_w = _norm_values(held.lengths, freqs.get("#len:body", 0) / total, float(f"{weight * idf:.6f}"))
        title_factor = float(f"{weight * TITLE_BOOST:.6f}") * math.log(1 + total / (1 + len(titled)))
        title_w = _norm_values(titled[:, 1], freqs.get("#len:title", 0) / total, title_factor)
        scores = np.zeros(len(ids))
        for found, weights in ((held.ids, body_w), (titled[:, 0], title_w), (keyed, np.full(len(keyed), KEY_BOOST))):
            at, kept = _where(ids, found)
            scores[at] += weights[kept]
        phrases = [core for core in (text.compact(p) for p in query.phrases) if core]
        checks = [found[1] for found in (_title_match("t", [a.text for a in unit.alternatives]) for unit in optional)
                  if found]
        limit = max(query.limit, 1)
        depth = query.offset + limit + (RERANK if phrases or checks else 0)
        order = np.lexsort((ids, -scores))[:depth]
        best = [(int(ids[i]), float(scores[i])) for i in order]
        if phrases or checks:
            with connection.cursor() as cursor:
                cursor.execute("SELECT document_id, core FROM search_title WHERE document_id = ANY(%s)",
                               [[pk for pk, _ in best]])
                cores = dict(cursor.fetchall())

            def boosted(pk: int, score: float) -> float:
                core = cores.get(pk, "")
                for phrase in phrases:
                    score += PHRASE_BOOST * (phrase in core)
                for found in checks:
                    score += OPTIONAL_BOOST * any(check in core for check in found)
                return score

            best = sorted(((pk, boosted(pk, score)) for pk, score in best), key=lambda hit: (-hit[1], hit[0]))
        hits = [Hit(pk, score) for pk, score in best[query.offset:query.offset + limit]]
        return EngineResult(len(ids), hits[:query.limit], self._facets(ids, generation) if query.facets else {})

    def applied_change(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT applied_change, ctid::text || '/' || xmin::text FROM search_searchstate "
                           "WHERE name = %s", [STATE])
            row = cursor.fetchone()
        self._seen(row[1] if row else None)
        return -1 if row is None else int(row[0])

    def _seen(self, version: object) -> None:
        """Forget the frequencies read when the index has changed since (a rebuild too: it rewrites the state row)."""
        if version != self._version or len(self._freqs) > FREQ_CACHE:
            self._freqs, self._version = {}, version

    def vocabulary(self) -> dict[str, int]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT substr(term, 4), ndoc FROM search_term WHERE term LIKE %s AND ndoc > 0", ["tw:%"])
            return {word: int(n) for word, n in cursor.fetchall()}

    def doc_freq(self, word: str) -> int:
        # From the cached frequencies (kept by every write): counting through the GIN index read every
        # entry holding a common word, several times per search.
        if not word:
            return 0
        found = self._freqs.get(word)
        if found is None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT ndoc FROM search_term WHERE term = %s", [f"w:{word}"])
                row = cursor.fetchone()
            found = self._freqs[word] = max(int(row[0]), 0) if row else 0
        return found

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
            cursor.execute("SELECT count(*), pg_total_relation_size('search_entry') + pg_total_relation_size("
                           "'search_title') + pg_total_relation_size('search_body') FROM search_entry")
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
    def _insert(cursor, docs: Iterable[IndexDoc], suffix: str = "") -> int:
        """COPY the documents into search_entry and the side tables (named with `suffix`), a batch at a
        time (a connection runs one COPY at once)."""
        tables = {f"search_entry ({', '.join(ENTRY_COLUMNS)})": [], f"search_title{suffix} (document_id, core, "
                  "initials, tsv)": [], f"search_body{suffix} (document_id, tsv, n)": []}
        count = 0

        def flush() -> None:
            for target, rows in tables.items():
                with cursor.cursor.copy(f"COPY {target} FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                rows.clear()

        entries, titles, bodies = tables.values()
        for doc, (core, initials, title_tsv, body_tsv, length) in parallel.analysed(docs, analyse):
            entries.append((doc.id, doc.revision_id, doc.title, doc.agency, "\n".join(doc.issuers),
                            "\n".join(doc.tags), doc.subject, doc.subject_top, doc.doc_type, doc.year,
                            doc.validity, doc.kind, doc.published_on))
            titles.append((doc.id, core, initials, title_tsv))
            bodies.append((doc.id, body_tsv, length))
            count += 1
            if len(entries) >= BATCH:
                flush()
        if entries:
            flush()
        return count

    @staticmethod
    def _count_terms(cursor, ids: list[int] | None, sign: int, suffix: str = "") -> None:
        """Add (sign 1) or take away (sign -1) the words of the given entries (None: all) to the cached
        document frequencies: body words and title lexemes (but exact keys), one per entry however often it
        occurs; and their
        lengths to the sums of title and body lengths (rows #len:title and #len:body, for the averages)."""
        where, params = ("", []) if ids is None else ("WHERE document_id = ANY(%s)", [ids])
        title_where = "WHERE" if ids is None else f"{where} AND"
        cursor.execute(
            "INSERT INTO search_term (term, ndoc) SELECT lexeme, %s * count(*) FROM ("
            f"SELECT unnest(tsvector_to_array(tsv)) AS lexeme FROM search_body{suffix} {where} UNION ALL "
            f"SELECT lexeme FROM search_title{suffix}, unnest(tsvector_to_array(tsv)) AS lexeme {title_where} "
            "lexeme NOT LIKE 'k:%%') x GROUP BY lexeme "
            "ON CONFLICT (term) DO UPDATE SET ndoc = search_term.ndoc + EXCLUDED.ndoc", [sign, *params, *params])
        cursor.execute(
            f"INSERT INTO search_term (term, ndoc) SELECT '#len:body', %s * coalesce(sum(n), 0) FROM search_body{suffix} "
            f"{where} UNION ALL SELECT '#len:title', %s * coalesce(sum(char_length(core)), 0) FROM search_title{suffix} "
            f"{where} ON CONFLICT (term) DO UPDATE SET ndoc = search_term.ndoc + EXCLUDED.ndoc",
            [sign, *params, sign, *params])

    def _set_applied(self, applied_change: int) -> None:
        SearchState.objects.update_or_create(name=STATE, defaults={"applied_change": applied_change})

    def apply(self, upserts: Iterable[IndexDoc], deletes: Iterable[int], applied_change: int) -> None:
        upserts = list(upserts)
        self._seen(object())  # this process's own write: forget the frequencies read before it
        ids = sorted({int(pk) for pk in deletes} | {d.id for d in upserts})
        with self.write_lock(), connection.cursor() as cursor:
            self._count_terms(cursor, ids, -1)
            for table in ("search_entry", *SIDE_TABLES):
                cursor.execute(f"DELETE FROM {table} WHERE document_id = ANY(%s)", [ids])
            self._insert(cursor, upserts)
            self._count_terms(cursor, [d.id for d in upserts], 1)
            self._set_applied(applied_change)

    def rebuild(self, docs: Iterable[IndexDoc], applied_change: int) -> int:
        self._seen(object())
        # One transaction: readers keep seeing the old entries until the new ones commit (MVCC). The side
        # tables are built fresh and indexed once loaded (far quicker than growing a GIN index row by
        # row), then swapped in at the end, where readers wait only for the commit.
        with self.write_lock(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for table, columns in SIDE_TABLES.items():
                cursor.execute(f"DROP TABLE IF EXISTS {table}_new")
                cursor.execute(f"CREATE TABLE {table}_new {columns}")
                # No statistics for the tsvectors: the planner then always takes a word for a rare one and
                # reads it through the GIN index, never by a sequential scan that detoasts every tsvector.
                cursor.execute(f"ALTER TABLE {table}_new ALTER COLUMN tsv SET STATISTICS 0")
            cursor.execute("DELETE FROM search_entry")
            count = self._insert(cursor, docs, "_new")
            for table in SIDE_TABLES:
                cursor.execute(f"ALTER TABLE {table}_new ADD CONSTRAINT {table}_new_pkey PRIMARY KEY (document_id)")
                cursor.execute(f"CREATE INDEX {table}_new_tsv ON {table}_new USING gin (tsv)")
            cursor.execute("DELETE FROM search_term")
            self._count_terms(cursor, None, 1, "_new")
            for table in SIDE_TABLES:
                cursor.execute(f"DROP TABLE {table}")
                cursor.execute(f"ALTER TABLE {table}_new RENAME TO {table}")
                cursor.execute(f"ALTER INDEX {table}_new_pkey RENAME TO {table}_pkey")
                cursor.execute(f"ALTER INDEX {table}_new_tsv RENAME TO {table}_tsv")
            # Fresh statistics for the planner: without them it takes a common word for a rare one.
            cursor.execute("ANALYZE search_entry, search_title, search_body, search_term")
            self._set_applied(applied_change)
        return count
