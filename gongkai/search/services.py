"""Search as a service: the one entry point for the search page, the API and the CLI.

Whatever the backend answers is checked against the visibility rule before it is returned: hits are
re-read from public_documents() (stale ones are dropped, marked for reindexing and the query re-run),
and documents changed since the index last caught up are excluded from counts, facets and suggestions
(gongkai.search.indexing.stale_ids). Hot and related searches only offer words found in public documents.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Collection
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import rjieba
from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from gongkai.core.errors import DomainError
from gongkai.core.prepared import PreparedQuery
from gongkai.core.taxonomy import SUBJECTS, normalize_subject
from gongkai.orgs.models import Agency
from gongkai.publishing.filters import DocumentFilters
from gongkai.publishing.models import Revision, issuer_names
from gongkai.publishing.rules import Validity
from gongkai.publishing.versions import Version, older_versions, superseded_public_ids
from gongkai.publishing.visibility import public_documents
from gongkai.search import docnumbers, highlight, longquery, synonyms, text
from gongkai.search.backends import get_backend
from gongkai.search.backends.base import (
    FACET_FIELDS,
    Alternative,
    EngineQuery,
    EngineResult,
    Hit,
    SearchBackend,
    Unit,
)
from gongkai.search.indexing import PUBLIC_IDS, mark_changed, stale_ids
from gongkai.search.lexicon import Lexicon
from gongkai.search.models import HotRuleKind, HotSearchRule, SearchQueryClient
from gongkai.search.query import Analysis, analyze
from gongkai.search.searchlog import hot_since, record_query

log = logging.getLogger(__name__)

MAX_PAGE_SIZE = 100
MAX_RESULTS = 10_000  # deepest result a page may reach, as on most public search engines
# Result sets up to this size are checked id by id against the database (larger ones rely on the outbox).
VERIFY_ALL = 500
SORTS = {"relevance": "相关度", "date": "发布日期"}
# Content types (信息类别) that search can hold; Q&A and datasets join when their apps index through it.
KIND_LABELS = {"policy": "政策文件", "interpretation": "政策解读", "qa": "政策问答", "dataset": "开放数据"}
FACET_LABELS = {"agency": "公开主体", "issuer": "发文机关", "subject": "主题分类", "doc_type": "公文种类",
                "year": "发布年份", "validity": "有效性", "kind": "信息类别", "tag": "政策标签"}
# A correction is searched instead when the query as typed finds fewer than this many documents
# (with every word present) and the correction finds more.
FEW_RESULTS = 3
HOT_CACHE_SECONDS = 120
LEXICON_REFRESH_SECONDS = 60
SMALL_VOCABULARY = 30_000
# Readings of a pinyin or mistyped query that are tried against public titles, best first.
PINYIN_READINGS = 20
PINYIN_CHECKS = 12
TYPO_READINGS = 5
MAX_TITLE_LIKE = 20
# In a library of at least COMMON_MIN_DOCUMENTS, a unit found in more than COMMON_SHARE of all documents
# only adds to the score (see _demote_common_units).
COMMON_MIN_DOCUMENTS = 20_000
COMMON_SHARE = 0.2


@dataclass
class SearchParams:
    """A search as asked through the page or the API."""

    q: str = ""
    page: int = 1
    page_size: int = 10
    agency: str = ""
    subject: str = ""
    doc_type: str = ""
    year: str = ""
    validity: str = ""
    kind: str = ""
    issuer: str = ""
    tag: str = ""
    sort: str = "relevance"
    correct: bool = True
    facets: bool = True

    def errors(self) -> dict[str, str]:
        """Chinese messages for parameters that cannot be applied."""
        errs = DocumentFilters(agency=self.agency, subject=self.subject, year=self.year, doc_type=self.doc_type,
                               validity=self.validity).errors()
        if self.kind and self.kind not in KIND_LABELS:
            errs["kind"] = "信息类别只能是 " + "、".join(KIND_LABELS) + "。"
        if self.sort not in SORTS:
            errs["sort"] = "排序只能是 relevance（相关度）或 date（发布日期）。"
        if not 1 <= self.page_size <= MAX_PAGE_SIZE:
            errs["page_size"] = f"每页条数应在 1 到 {MAX_PAGE_SIZE} 之间。"
        if self.page < 1 or (self.page - 1) * self.page_size >= MAX_RESULTS:
            errs["page"] = f"页码超出范围（最多显示前 {MAX_RESULTS} 条结果）。"
        if len(self.q) > 200:
            errs["q"] = "检索词不能超过 200 个字。"
        return errs


@dataclass
class Result:
    id: int
    title: str
    title_html: SafeString
    doc_number: str
    url: str
    path: str
    snippet: SafeString
    score: float
    index_no: str
    issuer: str
    published_on: dt.date | None
    validity: str
    validity_label: str
    kind: str
    kind_label: str
    versions: list[Version] = field(default_factory=list)  # its other public versions (历史版本), newest first


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class SearchResponse:
    query: str
    corrected_query: str | None
    correction_kind: str | None  # "pinyin" or "typo"
    count: int
    results: list[Result]
    facets: dict[str, list[FacetValue]]
    page: int
    page_size: int
    relaxed: bool = False  # no document had every word; showing those with most of them
    related: list[str] = field(default_factory=list)
    # The query is a document or index number that no public document has (written out as understood):
    # nothing else is shown, since documents that merely share its words would be noise.
    reference_not_found: str | None = None
    # A long query merged with plain ranking over its terms: this many of `count` have every word, and the
    # facets count those (counting the rest would cost more than the search).
    matched_all: int | None = None

    @property
    def reference_message(self) -> str:
        """The Chinese notice for a number that matches nothing ("" otherwise)."""
        return docnumbers.not_found_message(self.reference_not_found) if self.reference_not_found else ""

    @property
    def pages(self) -> int:
        return max(1, -(-min(self.count, MAX_RESULTS) // self.page_size))


# -- lexicon (pinyin and typo correction) ---------------------------------------------------------

_lexicon: dict[str, object] = {"key": None, "built": 0.0, "lexicon": Lexicon({})}
_lexicon_lock = threading.Lock()


def lexicon(backend: SearchBackend | None = None) -> Lexicon:
    """Public title words and dictionary terms, refreshed when the index changes (large vocabularies at
    most once a minute; suggestions made from it are always checked against public results)."""
    backend = backend or get_backend()
    dictionary = synonyms.dictionary()
    key = (id(backend), backend.generation(), id(dictionary))
    current: Lexicon = _lexicon["lexicon"]
    if key == _lexicon["key"]:
        return current
    fresh_enough = time.monotonic() - _lexicon["built"] < LEXICON_REFRESH_SECONDS
    if _lexicon["key"] is not None and len(current) > SMALL_VOCABULARY and fresh_enough:
        return current
    with _lexicon_lock:
        if key != _lexicon["key"]:
            vocabulary = backend.vocabulary()
            for term in dictionary.terms():
                vocabulary[term] = max(vocabulary.get(term, 0), 20)
            _lexicon.update(key=key, built=time.monotonic(), lexicon=Lexicon(vocabulary))
        return _lexicon["lexicon"]


# -- search ------------------------------------------------------------------------------------------

def _engine_filters(params: SearchParams) -> dict[str, list[str]]:
    filters: dict[str, list[str]] = {}
    if params.agency:
        agency = Agency.objects.get(code=params.agency)
        filters["agency"] = [str(pk) for pk in sorted(agency.descendant_ids())]
    if params.subject:
        if params.subject in SUBJECTS:
            filters["subject_top"] = [params.subject]
        else:
            filters["subject"] = [normalize_subject(params.subject)]
    for name in ("doc_type", "year", "validity", "kind", "issuer", "tag"):
        value = getattr(params, name)
        if value:
            filters[name] = [value]
    return filters


def _engine_query(analysis: Analysis, **kwargs) -> EngineQuery:
    return EngineQuery(units=analysis.units, min_match=analysis.min_match, keys=analysis.keys,
                       phrases=analysis.phrases, **kwargs)


def _strict_count(backend: SearchBackend, analysis: Analysis, filters: dict, excluded: set[int],
                  title_only: bool = False, at_least: int = 0) -> int:
    """Documents that have every unit of the query (or match one of its exact keys); with `at_least`, any
    count from that on may stand for a larger one (the caller only compares it with that many)."""
    if analysis.empty:
        return 0
    query = EngineQuery(units=analysis.units, min_match=len(analysis.units), keys=analysis.keys,
                        filters=filters, exclude_ids=excluded, limit=1, title_only=title_only, count_only=True,
                        count_limit=at_least)
    return backend.search(query).count


def _title_phrase_count(backend: SearchBackend, phrase: str, filters: dict, excluded: set[int]) -> int:
    """Documents whose title contains `phrase` as it stands (after compaction)."""
    core = text.compact(phrase)
    if not core:
        return 0
    query = EngineQuery(units=[Unit([Alternative(core, [])])], min_match=1, filters=filters,
                        exclude_ids=excluded, limit=1, title_only=True, count_only=True)
    return backend.search(query).count


def _initials_reading(backend: SearchBackend, letters: str, filters: dict, excluded: set[int]) -> str | None:
    """The words of public titles whose pinyin initials are `letters` (zfxxgk → 政府信息公开), taking the
    reading shared by most of the best-matching titles."""
    if not 2 <= len(letters) <= 16:
        return None
    probe = EngineQuery(initials=letters, filters=filters, exclude_ids=excluded, limit=10, title_only=True)
    result, docs = _run(backend, probe)
    readings: Counter[str] = Counter()
    for hit in result.hits:
        if hit.id in docs:
            core = text.compact(docs[hit.id].title)
            at = text.initials(core).find(letters)
            if at >= 0:
                readings[core[at:at + len(letters)]] += 1
    return readings.most_common(1)[0][0] if readings else None


# -- words that are never "corrected" --------------------------------------------------------------
# A correction replaces what the visitor typed, so it has to be clearly right. A query is left as typed
# when it is itself a known word (低保 is not a typo of 担保, nor 外卖 of 外贸), and a correction never
# rewrites a known term inside a longer query (交强险赔多少 keeps 交强险). Known are: the synonym and
# everyday-phrase dictionary (terms and equivalents), the segmenter's dictionary (rjieba's word list,
# the one indexing and querying use), words of public titles (the lexicon) and the public hot searches: those
# count distinct clients and are recorded as searched after correction, so a misspelling never becomes hot.
# Inside a longer query only terms of at least KNOWN_TERM_MIN characters, or dictionary terms, are
# protected: two-character segmenter words are too often a typo's by-product (业生 in 业生动物保护法,
# 条理 in 统计条理) to be taken as intended.
KNOWN_TERM_MIN = 3


def known_word(word: str, dictionary: synonyms.SynonymDictionary, lex: Lexicon, hot: Collection[str] = ()) -> bool:
    """Whether `word` (normalized) is a word people know as such (or one of `hot`), so it is never corrected."""
    word = text.compact(word)
    if len(word) < 2:
        return False
    return word in dictionary.table or rjieba.has_word(word) or lex.freq.get(word, 0) > 0 or word in hot


def _topic(query: str) -> str:
    """The query without question and filler words (交强险赔多少 → 交强险赔)."""
    words = text.precise_words(query)
    kept = "".join(w for w in words if w not in text.STOPWORDS)
    return kept or text.compact(query)


def _protected_positions(query: str, dictionary: synonyms.SynonymDictionary, lex: Lexicon,
                         in_titles: Callable[[str], bool]) -> set[int]:
    """Character positions of `query` that belong to a known term a correction must keep: dictionary
    terms, and words of KNOWN_TERM_MIN or more characters that are known or that a public title
    contains (交强险, which the segmenter only finds as a new word)."""
    positions: set[int] = set()
    for match in dictionary.find(query):
        positions.update(range(match.start, match.end))
    for start, end in _segments(query):
        word = query[start:end]
        if end - start >= KNOWN_TERM_MIN and (known_word(word, dictionary, lex) or in_titles(word)):
            positions.update(range(start, end))
    return positions


def _segments(query: str) -> list[tuple[int, int]]:
    """(start, end) of the segmenter's words in `query`, with and without HMM (new words such as 交强险
    come out of HMM only)."""
    spans = set()
    for hmm in (False, True):
        at = 0
        for word in rjieba.cut(query, hmm):
            spans.add((at, at + len(word)))
            at += len(word)
    return sorted(spans)


def _keeps_known_terms(typed: str, reading: str, protected: set[int]) -> bool:
    """Whether `reading` leaves every protected character of `typed` as it was."""
    if len(reading) != len(typed):
        return not protected
    return all(typed[i] == reading[i] for i in protected)


def _splits_a_word(typed: str, reading: str) -> bool:
    """Whether a word `reading` makes of a changed character takes one character of a two-character word of
    `typed` the segmenter knows and leaves the other (啥样的药算是假药 → 预算 out of 药 and 算是' 算)."""
    if len(reading) != len(typed):
        return False
    changed = {i for i, (a, b) in enumerate(zip(typed, reading, strict=True)) if a != b}
    known = [(a, b) for a, b in _segments(typed) if b - a == 2 and rjieba.has_word(typed[a:b])]
    return any(end - start >= 2 and changed.intersection(range(start, end)) and start < b and a < end
               and not (start <= a and b <= end)
               for start, end in _segments(reading) for a, b in known)


def _correction(analysis: Analysis, backend: SearchBackend, filters: dict, excluded: set[int]
                ) -> tuple[str, str, bool] | None:
    """A better reading of the query (pinyin → Chinese, or typo fixed), its kind, and whether a public
    title contains it word for word (then it is searched whatever the query as typed finds).

    Among the lexicon's readings, one that a public title contains is preferred: that is how
    业生动物保护法 becomes 野生动物保护法; initials are read off the titles themselves."""
    query = analysis.text
    lex = lexicon(backend)
    letters = query.replace(" ", "").replace("'", "")
    if letters.isascii() and letters.isalpha():
        if backend.doc_freq(query) >= FEW_RESULTS:
            return None  # a word the documents use as written (wto, ppp), not pinyin
        full = lex.from_pinyin(letters, limit=PINYIN_READINGS, full_only=True)
        dictionary = synonyms.dictionary()
        for option in full:
            # yibao is 医保 and dibao 低保: a reading that is an everyday word wins over rarer title words.
            if option.text in dictionary.table:
                return option.text, "pinyin", True
        for option in full[:PINYIN_CHECKS]:
            if _title_phrase_count(backend, option.text, filters, excluded):
                return option.text, "pinyin", True
        reading = _initials_reading(backend, letters, filters, excluded)
        if reading:
            return reading, "pinyin", True
        options = full or lex.from_pinyin(letters, limit=3)
        scored = [(_strict_count(backend, analyze(c.text, dictionary), filters, excluded), -i, c)
                  for i, c in enumerate(options[:3])]
        if not scored:
            return None
        count, _, best = max(scored)
        return (best.text, "pinyin", False) if count else None
    if not text.has_cjk(query):
        return None
    # Letters inside a Chinese query ("劳动hetong法") are read as pinyin when the index does not know them.
    for run in sorted(set(re.findall(r"[a-z]{2,}", query)), key=len, reverse=True):
        if backend.doc_freq(run) == 0:
            options = lex.from_pinyin(run, limit=1)
            if options:
                query = query.replace(run, options[0].text)
    title_like = len(text.compact(query)) <= MAX_TITLE_LIKE
    if title_like and _title_phrase_count(backend, query, filters, excluded):
        return (query, "pinyin", False) if query != analysis.text else None  # a title has it as typed
    dictionary = synonyms.dictionary()
    if known_word(_topic(query), dictionary, lex, hot_searches(20)):
        return (query, "pinyin", False) if query != analysis.text else None  # a known word as typed
    protected = _protected_positions(query, dictionary, lex,
                                     lambda word: _title_phrase_count(backend, word, {}, excluded) > 0)
    readings = [r for r in lex.corrections(query, known=lambda word: backend.doc_freq(word) > 0,
                                           limit=TYPO_READINGS)
                if _keeps_known_terms(query, r.text, protected)]
    if title_like:
        for reading in readings:
            if reading.text != query and _title_phrase_count(backend, reading.text, filters, excluded):
                return reading.text, "typo", True
    # Unless a public title confirms it, a correction keeps the segmenter's two-character words too
    # (套路贷 is not 铁路贷), and the sentence's little words and numerals standing alone: 一 and 就 of
    # 老公一喝酒就打我 are not typos of 益 and 驾 (公益, 酒驾), however many documents that reading finds; a
    # visitor types numerals on purpose (两年, 三倍).
    words = {i for start, end in _segments(query)
             if (end - start == 2 and rjieba.has_word(query[start:end]))
             or (end - start == 1 and (query[start] in text.STOPWORDS or query[start] in text.CHINESE_NUMERALS))
             for i in range(start, end)}
    readings = [r for r in readings if _keeps_known_terms(query, r.text, words) and not _splits_a_word(query, r.text)]
    if readings and readings[0].text != query:
        return readings[0].text, "typo", False
    return (query, "pinyin", False) if query != analysis.text else None


def _better_reading(backend: SearchBackend, typed: Analysis, corrected: Analysis, filters: dict,
                    excluded: set[int], confirmed: bool = False) -> bool:
    """Whether to search the correction instead of the query as typed.

    A correction a public title contains word for word (`confirmed`: 业生动物保护法 → 野生动物保护法) wins:
    counts say little there, since a mistyped title still matches hundreds of bodies character by
    character (the known-word rule in _correction is what keeps 年假 from becoming 年节). Any other
    correction wins only when the query as typed finds fewer than FEW_RESULTS documents with every word
    and the correction finds at least FEW_RESULTS, and more than twice as many. A query that already
    finds FEW_RESULTS documents is searched as typed (交强险 found 4 and became 交抢险); a correction
    that finds about as little as the original is no clearer than what the visitor typed."""
    if confirmed:
        return True
    as_typed = _strict_count(backend, typed, filters, excluded, at_least=FEW_RESULTS)
    if as_typed >= FEW_RESULTS:
        return False
    found = _strict_count(backend, corrected, filters, excluded, at_least=max(FEW_RESULTS, 2 * as_typed + 1))
    return found >= FEW_RESULTS and found > 2 * as_typed


@dataclass
class PublicDoc:
    """What a result shows of a public document, read through the visibility rule (never the index)."""

    id: int
    title: str
    body: str
    doc_number: str
    index_no: str
    issuer: str
    published_on: dt.date | None
    validity: str
    kind: str


_DOC_FIELDS = ("pk", "index_no", "published_on", "validity", "kind", "agency__name", "live_revision_id",
               "live_revision__title", "live_revision__doc_number", "live_revision__other_issuers",
               "live_revision__body_text")
# The rows a result shows, read through the visibility rule by id (compiled once: see core.prepared).
_PUBLIC_ROWS = PreparedQuery(lambda ids: public_documents().filter(pk__in=ids).values(*_DOC_FIELDS))
_ISSUER_NAMES = PreparedQuery(lambda ids: Revision.issuing_agencies.through.objects.filter(revision_id__in=ids)
                              .order_by("agency__order", "agency_id").values_list("revision_id", "agency__name"))
_AGENCIES = PreparedQuery(lambda ids: Agency.objects.filter(pk__in=ids).values_list("pk", "code", "name"))


def _public_documents(ids: list[int]) -> dict[int, PublicDoc]:
    """The public documents among `ids`, in two plain queries (rows, then issuing agencies' names)."""
    if not ids:
        return {}
    rows = _PUBLIC_ROWS.dicts(ids, _DOC_FIELDS)
    names: dict[int, list[str]] = {}
    for revision_id, name in _ISSUER_NAMES.rows([r["live_revision_id"] for r in rows]):
        names.setdefault(revision_id, []).append(name)
    docs = {}
    for r in rows:
        issuer = "、".join(issuer_names(names.get(r["live_revision_id"], []), r["live_revision__other_issuers"]))
        docs[r["pk"]] = PublicDoc(
            id=r["pk"], title=r["live_revision__title"], body=r["live_revision__body_text"] or "",
            doc_number=r["live_revision__doc_number"], index_no=r["index_no"], issuer=issuer or r["agency__name"],
            published_on=r["published_on"], validity=r["validity"], kind=r["kind"])
    return docs


# Result sets checked id by id, per index generation. Any later change to one of their documents is an
# outbox row, which puts the document in the query's excluded ids if it is no longer public, so the
# query (and its key) changes and is checked again.
_verified_sets: dict[str, object] = {"generation": None, "keys": set()}
_verified_lock = threading.Lock()
MAX_VERIFIED = 10_000


def _verified(backend: SearchBackend, query: EngineQuery, add: bool = False) -> bool:
    """Whether every id of `query`'s result set was found public in this index generation (or record it)."""
    key = repr(replace(query, offset=0, limit=0, facets=False))
    generation = backend.generation()
    with _verified_lock:
        if _verified_sets["generation"] != generation or len(_verified_sets["keys"]) >= MAX_VERIFIED:
            _verified_sets.update(generation=generation, keys=set())
        if add:
            _verified_sets["keys"].add(key)
        return key in _verified_sets["keys"]


def _run(backend: SearchBackend, query: EngineQuery) -> tuple[EngineResult, dict[int, PublicDoc]]:
    """Run a query and read its hits through the visibility rule. Stale hits are excluded and the query
    re-run, so counts and facets never include them either; when the whole result set is small, every
    id in it is checked, so not even a count can betray a non-public document the outbox missed."""
    for _attempt in range(3):
        result = backend.search(query)
        ids = [h.id for h in result.hits]
        docs = _public_documents(ids)
        stale = [pk for pk in ids if pk not in docs]
        if not stale and len(ids) < result.count <= VERIFY_ALL and not _verified(backend, query):
            everything = backend.search(replace(query, offset=0, limit=result.count, facets=False))
            others = [h.id for h in everything.hits if h.id not in docs]
            public = {pk for (pk,) in PUBLIC_IDS.rows(others)}
            stale = [pk for pk in others if pk not in public]
            if not stale:
                _verified(backend, query, add=True)
        if not stale:
            return result, docs
        log.warning("search index is stale for documents %s; reindexing them", stale)
        mark_changed(stale)
        query = replace(query, exclude_ids=set(query.exclude_ids) | set(stale))
    result.hits = [h for h in result.hits if h.id in docs]
    return result, docs


def _result(doc: PublicDoc, score: float, terms: list[str]) -> Result:
    path = reverse("public-document", args=[doc.id])
    return Result(
        id=doc.id, title=doc.title, title_html=highlight.highlight(doc.title, terms), doc_number=doc.doc_number,
        url=settings.GONGKAI_BASE_URL + path, path=path, snippet=highlight.snippet(doc.body, terms),
        score=round(score, 4), index_no=doc.index_no, issuer=doc.issuer, published_on=doc.published_on,
        validity=doc.validity, validity_label=Validity(doc.validity).label, kind=doc.kind,
        kind_label=KIND_LABELS.get(doc.kind, doc.kind))


def _facets(raw: dict[str, list[tuple[str, int]]], params: SearchParams) -> dict[str, list[FacetValue]]:
    out: dict[str, list[FacetValue]] = {}
    agencies = {str(pk): {"code": code, "name": name}
                for pk, code, name in _AGENCIES.rows([int(v) for v, _ in raw.get("agency", [])])}
    for name in FACET_FIELDS:
        public_name = "subject" if name == "subject_top" else name
        chosen = getattr(params, public_name)
        values = []
        for value, count in raw.get(name, []):
            if name == "agency":
                agency = agencies.get(value)
                if agency is None:
                    continue
                values.append(FacetValue(agency["code"], agency["name"], count, chosen == agency["code"]))
            elif name == "validity":
                label = Validity(value).label if value in Validity.values else value
                values.append(FacetValue(value, label, count, chosen == value))
            elif name == "kind":
                values.append(FacetValue(value, KIND_LABELS.get(value, value), count, chosen == value))
            else:
                values.append(FacetValue(value, value, count, chosen == value))
        if name == "year":
            values.sort(key=lambda v: v.value, reverse=True)
        else:
            values.sort(key=lambda v: (-v.count, v.label))
        out[public_name] = values
    return out


def _demote_common_units(analysis: Analysis, backend: SearchBackend) -> Analysis:
    """Make units that most documents contain (管理, 规定, 工作 in a large library) optional: they hardly
    tell documents apart, and requiring them makes the engine walk huge posting lists. The rarest unit
    always stays required."""
    required = [u for u in analysis.units if u.required]
    if len(required) < 2:
        return analysis
    total = backend.document_count()
    if total < COMMON_MIN_DOCUMENTS:
        return analysis

    def reach(unit: Unit) -> int:
        # Documents a unit can match through its bodies: per alternative, its rarest word.
        return sum(min((backend.doc_freq(w) for w in alt.words), default=0) for alt in unit.alternatives)

    reaches = {id(u): reach(u) for u in required}
    rarest = min(required, key=lambda u: reaches[id(u)])
    units = [replace(u, required=False) if u.required and u is not rarest and reaches[id(u)] > COMMON_SHARE * total
             else u for u in analysis.units]
    return replace(analysis, units=units)


@dataclass
class Plan:
    """What a search will ask the backend: the analysed (maybe corrected) query and the engine query."""

    typed: str
    analysis: Analysis
    corrected: str | None
    correction_kind: str | None
    query: EngineQuery
    reference_not_found: str | None = None  # a document or index number no public document has


def plan(params: SearchParams, backend: SearchBackend | None = None) -> Plan:
    """Validate `params`, understand the query and correct it when that finds more; raise DomainError
    (Chinese) for parameters that cannot be applied."""
    errors = params.errors()
    if errors:
        raise DomainError(next(iter(errors.values())), errors={k: [v] for k, v in errors.items()})
    backend = backend or get_backend()
    # Only the current version of a document ranks and counts; older ones are listed under it (publishing.versions).
    excluded = stale_ids(backend) | superseded_public_ids()
    filters = _engine_filters(params)
    dictionary = synonyms.dictionary()
    typed = params.q.strip()
    analysis = analyze(typed, dictionary)
    corrected, correction_kind = None, None
    if params.correct and not analysis.reference and not analysis.empty:
        found = _correction(analysis, backend, filters, excluded)
        if found is not None:
            reading, kind, verified = found
            better = analyze(reading, dictionary)
            if _better_reading(backend, analysis, better, filters, excluded, confirmed=verified):
                analysis, corrected, correction_kind = better, better.text, kind
    if analysis.reference and _strict_count(backend, analysis, filters, excluded, at_least=1) == 0:
        # A number nobody has: say so (issue #11) rather than show documents that only share its words.
        query = EngineQuery(filters=filters, exclude_ids=excluded, limit=params.page_size, facets=params.facets)
        return Plan(typed, analysis, corrected, correction_kind, query, reference_not_found=analysis.reference_label)
    analysis = _demote_common_units(analysis, backend)
    browsing = analysis.empty and bool(filters)
    query = _engine_query(analysis, filters=filters, exclude_ids=excluded, offset=(params.page - 1) * params.page_size,
                          limit=params.page_size, facets=params.facets, match_all=browsing,
                          sort="date" if browsing and params.sort == "relevance" else params.sort)
    return Plan(typed, analysis, corrected, correction_kind, query)


def _relaxed(query: EngineQuery, found: tuple, run: Callable[[EngineQuery], tuple]
             ) -> tuple[tuple, bool, EngineQuery]:
    """When nothing has every word of `query`: first allow one missing, then half of them. `found` is what
    `run` (returning the engine result first) gave for `query`; returns the last answer, whether it was
    relaxed to find something, and the query that gave it."""
    relaxed = False
    required = sum(1 for u in query.units if u.required) or len(query.units)
    for fewer in (required - 1, required // 2):
        if found[0].count or fewer < 1 or fewer >= query.min_match:
            continue
        query = replace(query, min_match=fewer)
        found = run(query)
        relaxed = found[0].count > 0
    return found, relaxed, query


# Documents sharing one document number are few: up to this many are read and put in order at once.
REFERENCE_ORDERED = 200


def _run_reference(backend: SearchBackend, query: EngineQuery, number: docnumbers.DocNumber
                   ) -> tuple[EngineResult, dict[int, PublicDoc]]:
    """Run a document-number query, the documents that answer the number best first (a joint order's
    co-issuers named, 国务院令 for a bare 462号令: see docnumbers.match_strength), then the newest."""
    if query.sort != "relevance" or query.offset + query.limit > REFERENCE_ORDERED:
        return _run(backend, query)
    result, docs = _run(backend, replace(query, offset=0, limit=REFERENCE_ORDERED))

    def order(hit: Hit) -> tuple[int, int]:
        doc = docs[hit.id]
        published = doc.published_on.toordinal() if doc.published_on else 0
        return -docnumbers.match_strength(number, doc.doc_number, doc.issuer.split("、")), -published

    ranked = sorted((h for h in result.hits if h.id in docs), key=order)
    result.hits = ranked[query.offset:query.offset + query.limit]
    return result, docs


# Threads that run a search's second pass beside its first, each on its own database connection.
PASS_THREADS = 4
_passes = ThreadPoolExecutor(max_workers=PASS_THREADS, thread_name_prefix="search-pass")


def _in_pass(run: Callable, *args):
    # A pass thread keeps its connection between searches, as a request thread does: drop it when it is
    # broken or older than CONN_MAX_AGE.
    close_old_connections()
    return run(*args)


def close_pass_connections() -> None:
    """Close the pass threads' database connections (before a test database is dropped): one task per
    thread, each waiting for the others so that no thread takes two."""
    barrier = threading.Barrier(PASS_THREADS)

    def close() -> None:
        barrier.wait(timeout=10)
        connection.close()

    for closing in [_passes.submit(close) for _ in range(PASS_THREADS)]:
        closing.result()


def _beside(backend: SearchBackend, run: Callable, *args) -> Future | None:
    """Start `run(*args)` in a pass thread when the backend runs searches side by side and this connection
    holds no uncommitted writes (another connection would not see them); None to run it in line."""
    if not backend.concurrent_passes or connection.in_atomic_block:
        return None
    return _passes.submit(_in_pass, run, *args)


def _plain_query(query: EngineQuery) -> EngineQuery:
    """The plain-ranking pass of a long query (see gongkai.search.longquery), read to FUSION_DEPTH."""
    return replace(longquery.terms_query(query), limit=longquery.FUSION_DEPTH, facets=False, top_only=True)


def _plain_pass(backend: SearchBackend, query: EngineQuery) -> tuple[EngineResult, dict[int, PublicDoc]]:
    return _run(backend, _plain_query(query))


def _title_has(backend: SearchBackend, typed: str, query: EngineQuery) -> bool:
    """Whether a public title contains the query as typed (a title typed in full or in part)."""
    return len(text.compact(typed)) <= MAX_TITLE_LIKE and _title_phrase_count(
        backend, typed, query.filters, set(query.exclude_ids)) > 0


def _merged_long(backend: SearchBackend, strict: EngineResult, docs: dict[int, PublicDoc], query: EngineQuery,
                 asked: EngineQuery, typed: str, plain_pending: Future | None = None
                 ) -> tuple[EngineResult, dict[int, PublicDoc]]:
    """The asked page of a long query (see gongkai.search.longquery): `strict`, its strict ranking read to
    FUSION_DEPTH by `query`, merged with plain ranking over all its terms (`plain_pending` if it was started
    beside the strict pass), then the rest of the strict ranking. Documents only plain ranking found join
    the count; facets stay those of the strict match (counting them over every document with any term
    would cost more than the search)."""
    depth = longquery.FUSION_DEPTH
    kept = [h for h in strict.hits if h.id in docs]
    if kept and text.compact(typed) in text.compact(docs[kept[0].id].title):
        # A title typed in full or in part (乡村旅游促进): the strict match, whose title phrase boost puts
        # that title first, is right; plain ranking would not change it.
        if plain_pending is not None:
            plain_pending.cancel()
        ranked = kept
    else:
        plain, plain_docs = plain_pending.result() if plain_pending is not None else _plain_pass(backend, query)
        docs = {**plain_docs, **docs}
        ranked = longquery.merge(kept, [h for h in plain.hits if h.id in docs])
    extra = len(ranked) - len(kept)
    end = asked.offset + asked.limit
    if end > len(ranked) and strict.count > depth:
        tail, tail_docs = _run(backend, replace(query, offset=depth, limit=end - len(ranked), facets=False))
        docs = {**tail_docs, **docs}
        seen = {h.id for h in ranked}
        ranked = ranked + [h for h in tail.hits if h.id in docs and h.id not in seen]
    strict.hits = ranked[asked.offset:end]
    strict.count += extra
    return strict, docs


def search(params: SearchParams, *, record: bool = True, client: str = "") -> SearchResponse:
    """Search public documents: understand the query, correct it when that finds more, filter, facet,
    sort, page, highlight; raise DomainError (Chinese) for parameters that cannot be applied. `client`
    (searchlog.client_key) counts the visitor towards hot searches when every word was found."""
    backend = get_backend()
    planned = plan(params, backend)
    analysis, query = planned.analysis, planned.query
    asked, long = query, longquery.is_long(analysis) and query.sort == "relevance"
    plain_pending = None
    if long:
        query = replace(query, offset=0, limit=longquery.FUSION_DEPTH)
        if not query.empty and not _title_has(backend, analysis.text, query):
            # A question or a list of keywords needs both rankings: the plain one runs beside the strict one.
            plain_pending = _beside(backend, _plain_pass, backend, query)
    if query.empty:
        result, docs = EngineResult(0, [], {}), {}
    elif analysis.doc_number is not None:
        result, docs = _run_reference(backend, query, analysis.doc_number)
    else:
        result, docs = _run(backend, query)
    (result, docs), relaxed, query = _relaxed(query, (result, docs), lambda q: _run(backend, q))
    matched_all = None
    if long:
        matched_all = result.count
        result, docs = _merged_long(backend, result, docs, query, asked, analysis.text, plain_pending)
        matched_all = matched_all if result.count > matched_all and not relaxed else None
    terms = analysis.highlights + analysis.phrases
    results = [_result(docs[h.id], h.score, terms) for h in result.hits if h.id in docs]
    for found, versions in older_versions([r.id for r in results]).items():
        next(r for r in results if r.id == found).versions = versions
    if record and params.page == 1 and planned.typed:
        record_query(planned.typed, result.count if not relaxed else 0, client,
                     planned.corrected or planned.typed)
    return SearchResponse(query=planned.typed, corrected_query=planned.corrected,
                          correction_kind=planned.correction_kind, count=result.count, results=results,
                          facets=_facets(result.facet_counts(), params), page=params.page, page_size=params.page_size,
                          relaxed=relaxed, reference_not_found=planned.reference_not_found, matched_all=matched_all)


@dataclass
class Ranking:
    """Ids of every document a query finds, best first; read them through the visibility rule."""

    ids: list[int]
    relaxed: bool = False  # no document had every word; these have most of them
    truncated: bool = False  # more matched than the limit
    corrected: str | None = None  # the reading searched instead of the query as typed (see plan)
    correction_kind: str | None = None  # "pinyin" or "typo"


def ranked_ids(params: SearchParams, *, title_only: bool = False, limit: int = MAX_RESULTS) -> Ranking:
    """The whole ranking of `params.q` (its filters applied, its page ignored), matched in titles only if
    asked: for pages that filter, count and sort the matches themselves (the policy library). Raise
    DomainError (Chinese) for parameters that cannot be applied."""
    backend = get_backend()
    planned = plan(params, backend)
    if planned.analysis.empty:
        return Ranking([], corrected=planned.corrected, correction_kind=planned.correction_kind)
    query = replace(planned.query, offset=0, limit=limit, facets=False, title_only=title_only,
                    sort="relevance", match_all=False)
    (result,), relaxed, _ = _relaxed(query, (backend.search(query),), lambda q: (backend.search(q),))
    return Ranking([h.id for h in result.hits], relaxed, result.count > limit, planned.corrected,
                   planned.correction_kind)


# -- suggestions, hot and related searches -------------------------------------------------------

def _publicly_found(query: str, backend: SearchBackend, excluded: set[int]) -> bool:
    """Whether `query` finds a public document that really contains all its words (checked in the
    database, not the index), so a suggestion can never reveal words of a non-public document."""
    analysis = analyze(query, synonyms.dictionary())
    if analysis.empty:
        return False
    probe = EngineQuery(units=analysis.units, min_match=len(analysis.units), keys=analysis.keys,
                        exclude_ids=excluded, limit=3)
    result, docs = _run(backend, probe)
    for doc in docs.values():
        haystack = text.compact(doc.title) + text.normalize(doc.body).replace(" ", "")
        if analysis.reference or all(any(a.text in haystack for a in unit.alternatives)
                                     for unit in analysis.units):
            return True
    return False


_hot_cache: dict[str, object] = {"at": 0.0, "day": None, "values": []}


@dataclass
class HotCandidate:
    """A query as the hot-search list sees it: distinct clients in the window, and what staff decided."""

    query: str
    clients: int
    rule: str = ""  # a HotRuleKind value, or "" when staff set nothing
    blocked_by: str = ""
    found: bool = True

    @property
    def listed(self) -> bool:
        return self.found and not self.blocked_by and self.rule != HotRuleKind.HIDE and (
            self.rule == HotRuleKind.PIN or self.clients >= settings.GONGKAI_HOT_MIN_CLIENTS)


def hot_candidates(limit: int = 60, check: bool = True) -> list[HotCandidate]:
    """Pinned queries, then the queries the most distinct clients searched in the hot window (and found
    public documents with, after correction), with the staff rules that apply; `check` re-tests each
    against public documents now."""
    rules = {(r.query, r.kind) for r in HotSearchRule.objects.all()}
    blocked = [q for q, kind in rules if kind == HotRuleKind.BLOCK]
    pinned = [q for q, kind in sorted(rules) if kind == HotRuleKind.PIN]
    counted = dict(SearchQueryClient.objects.filter(last_day__gte=hot_since()).values("query")
                   .annotate(n=Count("id")).order_by("-n", "query").values_list("query", "n")[:limit])
    backend = get_backend() if check else None
    excluded = stale_ids(backend) if backend else set()
    out = []
    for query in dict.fromkeys([*pinned, *counted]):
        rule = (HotRuleKind.PIN if query in pinned else
                HotRuleKind.HIDE if (query, HotRuleKind.HIDE) in rules else "")
        candidate = HotCandidate(query, counted.get(query, 0), rule,
                                 next((word for word in blocked if word in query), ""))
        if backend and candidate.listed:
            candidate.found = _publicly_found(query, backend, excluded)
        out.append(candidate)
    return out


def hot_searches(limit: int = 10) -> list[str]:
    """The public 热门搜索: pinned queries, then those searched by at least GONGKAI_HOT_MIN_CLIENTS distinct
    clients in the last GONGKAI_HOT_DAYS days that find public documents, none hidden or holding a blocked
    word (cached briefly)."""
    now, today = time.monotonic(), timezone.localdate()
    if _hot_cache["day"] == today and now - _hot_cache["at"] < HOT_CACHE_SECONDS:
        return _hot_cache["values"][:limit]
    values = [c.query for c in hot_candidates() if c.listed][:20]
    _hot_cache.update(at=now, day=today, values=values)
    return values[:limit]


def clear_hot_cache() -> None:
    """Forget the cached hot searches (after staff change a rule)."""
    _hot_cache.update(at=0.0, day=None, values=[])


def clear_caches() -> None:
    """Forget cached hot searches and the lexicon (after bulk changes, and between tests)."""
    clear_hot_cache()
    _lexicon.update(key=None, built=0.0, lexicon=Lexicon({}))
    _verified_sets.update(generation=None, keys=set())


def related_searches(query: str, limit: int = 8) -> list[str]:
    """Other ways to ask (dictionary equivalents) and popular queries sharing a word, all of which find
    public documents."""
    dictionary = synonyms.dictionary()
    analysis = analyze(query, dictionary)
    if analysis.empty or analysis.reference:
        return []
    candidates: list[str] = []
    words = set()
    for unit in analysis.units:
        first = unit.alternatives[0].text
        words.add(first)
        candidates += [a.text for a in unit.alternatives[1:]] + dictionary.alternatives(first)
    for hot in hot_searches(20):
        if hot != analysis.text and any(w in hot for w in words if len(w) >= 2):
            candidates.append(hot)
    backend = get_backend()
    excluded = stale_ids(backend)
    out: list[str] = []
    for candidate in dict.fromkeys(candidates):
        if candidate and candidate != analysis.text and _publicly_found(candidate, backend, excluded):
            out.append(candidate)
        if len(out) >= limit:
            break
    return out


def _pinyin_words(letters: str, backend: SearchBackend, excluded: set[int]) -> list[str]:
    """Chinese words a pinyin or initials input stands for, everyday (dictionary) words first: dibao → 低保,
    grsds → 个人所得税; then the lexicon's best readings and, for initials, the words of public titles that
    have them (dlj)."""
    lex, dictionary = lexicon(backend), synonyms.dictionary()
    exact = lex.by_full.get(letters, []) + (lex.by_initials.get(letters, []) if len(letters) >= 2 else [])
    exact = sorted(dict.fromkeys(exact), key=lambda w: (w not in dictionary.table, -lex.freq.get(w, 0), w))
    words = [w for w in exact if len(w) > 1][:3]
    words += [c.text for c in lex.from_pinyin(letters, limit=2)]
    if not any(w in dictionary.table for w in words):
        reading = _initials_reading(backend, letters, {}, excluded)
        if reading:
            words.append(reading)
    return list(dict.fromkeys(words))


def suggest(prefix: str, limit: int = 8) -> list[str]:
    """Keyword suggestions as the user types: hot queries and dictionary words that start with the
    input, the everyday words' formal equivalents (医保 → 医疗保险), then titles of public documents that
    contain them (pinyin and initials input is read as Chinese: dibao → 低保, grsds → 个人所得税)."""
    typed = text.normalize(prefix)[:50]
    if not typed:
        return []
    backend = get_backend()
    excluded = stale_ids(backend)
    out: list[str] = [h for h in hot_searches(20) if h.startswith(typed) and h != typed][:3]
    cores = [text.compact(typed)]
    letters = typed.replace(" ", "").replace("'", "")
    pinyin = letters.isascii() and letters.isalpha()
    if pinyin:
        cores = _pinyin_words(letters, backend, excluded) or cores
    lex = lexicon(backend)
    dictionary = synonyms.dictionary()
    searched = []
    for core in cores[:3]:
        if not core:
            continue
        known = core in dictionary.table or core in lex.freq
        if pinyin and core != letters and known and _publicly_found(core, backend, excluded):
            out.append(core)  # the word the letters stand for (not a string of words, 国人山东省 for grsds)
        equivalents = [a for a in dictionary.alternatives(core) if _publicly_found(a, backend, excluded)]
        out += equivalents[:3]
        words = sorted((w for w in lex.freq if w.startswith(core) and w != core and len(w) <= 8),
                       key=lambda w: -lex.freq[w])[:2] if len(core) >= 2 else []
        out += [w for w in words if _publicly_found(w, backend, excluded)]
        searched += [core, *equivalents[:2]]
    for core in dict.fromkeys(searched):
        probe = EngineQuery(units=[Unit([Alternative(core, [])])], min_match=1, title_only=True,
                            exclude_ids=excluded, limit=limit * 2)
        result, docs = _run(backend, probe)
        titles = [docs[h.id].title for h in result.hits if h.id in docs]
        # Titles that begin with the input read as completions; list them first.
        titles.sort(key=lambda t: not text.compact(t).startswith(core))
        out += titles
        if len(dict.fromkeys(out)) >= limit:
            break
    return list(dict.fromkeys(out))[:limit]
