"""The policy library (政策文件库): a keyword in the title, the full text or the 发文字号, filters with counts, and
sort by relevance, 发布日期 or 成文日期. Shared by the public page and the read API.

Keyword matching is the search service's (titles and full text) and gongkai.search.text's document-number
keys (发文字号); filtering, counting and sorting happen on public_documents(), so nothing the visibility rule
hides is ever matched, listed or counted.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from django.db.models import Count, Exists, F, OuterRef, QuerySet
from django.db.models.functions import ExtractYear

from gongkai.core.taxonomy import SUBJECT_SEPARATOR, SUBJECTS, normalize_subject
from gongkai.orgs.models import Agency
from gongkai.publishing.filters import DocumentFilters, filter_public
from gongkai.publishing.models import Document, DocumentKind, Revision, issuer_names
from gongkai.publishing.rules import Validity
from gongkai.publishing.versions import older_versions
from gongkai.search import text
from gongkai.search.services import SearchParams, ranked_ids

SCOPES = {"title": "标题", "full": "全文", "number": "发文字号"}
SORTS = {"relevance": "相关度", "published": "发布日期", "signed": "成文日期"}
MAX_KEYWORD = 200
FILTER_NAMES = ("agency", "issuer", "subject", "year", "doc_type", "validity", "kind")
FACET_LABELS = {"issuer": "发文机关", "agency": "公开主体", "subject": "主题分类", "year": "发布年份",
                "doc_type": "公文种类", "validity": "有效性", "kind": "信息类别"}
_OPEN = re.compile(r"[\[(（【［{〈<]")
_CLOSE = re.compile(r"[\])）】］}〉>]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class LibraryQuery:
    """What a visitor asked the library for: keyword and its scope, filters and sort."""

    q: str = ""
    scope: str = "full"
    sort: str = ""  # empty: relevance with a keyword, else 发布日期
    filters: DocumentFilters = field(default_factory=DocumentFilters)
    # Read pinyin, initials and typos as the site search does (dibao → 低保); correct=0 keeps the words as typed.
    correct: bool = True

    @property
    def order(self) -> str:
        """The sort applied: relevance only means something with a keyword."""
        if self.sort in SORTS and (self.sort != "relevance" or self.q):
            return self.sort
        return "relevance" if self.q else "published"


def parse(params: Mapping[str, str]) -> tuple[LibraryQuery, dict[str, str]]:
    """Read GET-style parameters; values that cannot be applied are dropped and explained in Chinese."""
    errors: dict[str, str] = {}
    correct = str(params.get("correct", "")).strip().lower() not in ("0", "false")
    params = {name: _printable(params.get(name)) for name in ("q", "scope", "sort", *FILTER_NAMES)}
    q = " ".join(params["q"].split())
    if len(q) > MAX_KEYWORD:
        errors["q"] = f"关键词不能超过 {MAX_KEYWORD} 个字，请缩短后再查。"
        q = ""
    scope = (params.get("scope") or "full").strip()
    if scope not in SCOPES:
        errors["scope"] = "检索范围只能是 " + "、".join(f"{k}（{v}）" for k, v in SCOPES.items()) + "，已按全文检索。"
        scope = "full"
    sort = (params.get("sort") or "").strip()
    if sort and sort not in SORTS:
        errors["sort"] = "排序只能是 " + "、".join(f"{k}（{v}）" for k, v in SORTS.items()) + "，已按默认方式排序。"
        sort = ""
    elif sort == "relevance" and not q:
        errors["sort"] = "按相关度排序需要先输入关键词，已按发布日期排序。"
    filters = DocumentFilters(**{name: (params.get(name) or "").strip() for name in FILTER_NAMES})
    filter_errors = filters.errors()
    if filters.kind and filters.kind not in DocumentKind.values:
        filter_errors["kind"] = "没有这个信息类别。"
    errors.update(filter_errors)
    filters = replace(filters, **{name: "" for name in filter_errors})
    return LibraryQuery(q=q, scope=scope, sort=sort, filters=filters, correct=correct), errors


def _printable(value: object) -> str:
    """A parameter without control characters (a NUL cannot even be sent to PostgreSQL)."""
    return _CONTROL.sub("", str(value or ""))


@dataclass
class Matches:
    """The documents a query selects: ids in relevance order (a keyword was given) or else all of them."""

    ids: list[int] | None  # None: no keyword, every public document
    relaxed: bool = False
    truncated: bool = False
    corrected: str | None = None  # the search's reading of the keyword, when it searched that instead
    correction_kind: str | None = None  # "pinyin" or "typo"


def _bracketed(value: str) -> str:
    """A document number with one bracket style and no spaces, for substring matching."""
    return _CLOSE.sub("〕", _OPEN.sub("〔", "".join(text.normalize(value).split())))


def number_matches(q: str) -> list[int]:
    """Public documents whose 发文字号 is `q` (by gongkai.search.text's keys, any bracket style or shorthand),
    then those whose number contains it as typed; each group newest first."""
    key = text.doc_number_key(q)
    needle = _bracketed(q)
    exact, partial = [], []
    rows = (public_documents_with_number().order_by(F("published_on").desc(nulls_last=True), "-id")
            .values_list("pk", "live_revision__doc_number"))
    for pk, number in rows:
        if key is not None and key in text.doc_number_keys(number):
            exact.append(pk)
        elif needle and needle in _bracketed(number):
            partial.append(pk)
    return exact + partial


def public_documents_with_number() -> QuerySet[Document]:
    return filter_public(DocumentFilters()).exclude(live_revision__doc_number="")


def matches(query: LibraryQuery) -> Matches:
    """The keyword's matches (filters not applied yet), best first."""
    if not query.q:
        return Matches(None)
    if query.scope == "number":
        return Matches(number_matches(query.q))
    # The search's own query understanding (pinyin → words, initials, typos) and its rule for when a reading
    # replaces what was typed, so the library box reads dibao as 低保 exactly as /search/ does.
    ranking = ranked_ids(SearchParams(q=query.q, correct=query.correct, facets=False),
                         title_only=query.scope == "title")
    return Matches(ranking.ids, ranking.relaxed, ranking.truncated, ranking.corrected, ranking.correction_kind)


def _restricted(filters: DocumentFilters, found: Matches) -> QuerySet[Document]:
    # One line a document: older versions are listed under their current version (publishing.versions).
    qs = filter_public(filters).filter(superseded=False)
    return qs if found.ids is None else qs.filter(pk__in=found.ids)


def ordered(query: LibraryQuery, found: Matches) -> list[int] | QuerySet:
    """Ids of the selected documents in the query's order (a list for relevance, else a lazy queryset that
    pages in the database); undated documents sort last."""
    qs = _restricted(query.filters, found)
    if query.order == "relevance" and found.ids is not None:
        kept = set(qs.values_list("pk", flat=True))
        return [pk for pk in found.ids if pk in kept]
    if query.order == "signed":
        qs = qs.order_by(F("live_revision__signed_on").desc(nulls_last=True),
                         F("published_on").desc(nulls_last=True), "-id")
    else:
        qs = qs.order_by(F("published_on").desc(nulls_last=True), "-id")
    return qs.values_list("pk", flat=True)


def documents(ids: list[int]) -> list[Document]:
    """The public documents `ids`, in that order, each with `issuer_label` (发文机关 as the page shows it) and
    `older_versions` (its other public versions, listed under it as 历史版本)."""
    by_id = {d.pk: d for d in filter_public(DocumentFilters()).filter(pk__in=ids)
             .prefetch_related("live_revision__issuing_agencies")}
    versions = older_versions(list(by_id))
    out = []
    for pk in ids:
        if pk in by_id:
            d = by_id[pk]
            d.issuer_label = d.live_revision.issuer or d.agency.name
            d.older_versions = versions.get(pk, [])
            out.append(d)
    return out


@dataclass
class Option:
    value: str
    label: str
    count: int
    selected: bool = False


# The columns five facets are counted from: one grouped query gives the number of documents per combination
# of them (230 rows for the 3,419 laws), and each facet sums the combinations the other chosen filters allow.
# 发文机关 (many per document) and 发布年份 (a date function per row, and it would multiply the combinations
# tenfold) have their own grouped queries. Indexes into a row of _cube().
_CUBE = ("agency_id", "live_revision__subject", "live_revision__doc_type", "validity", "kind")
_AT = {name: at for at, name in enumerate(("agency", "subject", "doc_type", "validity", "kind"))}


def _cube(qs: QuerySet[Document]) -> list[tuple]:
    """(agency_id, subject, doc_type, validity, kind, count) over `qs`, in one grouped query."""
    return list(qs.order_by().values_list(*_CUBE).annotate(n=Count("id")))


def _cube_tests(f: DocumentFilters) -> dict[str, Callable[[tuple], bool]]:
    """For each chosen filter of the cube's columns, whether a row of _cube() passes it: the rules of
    filters.filter_public (a test keeps the counts equal to what choosing the option lists)."""
    bad = f.errors()
    tests: dict[str, Callable[[tuple], bool]] = {name: (lambda row: False) for name in bad if name in _AT}
    if f.agency and "agency" not in bad:
        ids = Agency.objects.get(code=f.agency).descendant_ids()
        tests["agency"] = lambda row: row[0] in ids
    if f.subject and "subject" not in bad:
        if f.subject in SUBJECTS:
            prefix = f.subject + SUBJECT_SEPARATOR
            tests["subject"] = lambda row: (row[1] or "").startswith(prefix)
        else:
            code = normalize_subject(f.subject)
            tests["subject"] = lambda row: row[1] == code
    for name in ("doc_type", "validity", "kind"):
        value, at = getattr(f, name), _AT[name]
        if value and name not in bad:
            tests[name] = lambda row, value=value, at=at: row[at] == value
    return tests


def _issuer_counts(qs: QuerySet[Document]) -> Counter[str]:
    """Documents per 发文机关 name as models.issuer_names lists them (a joint document counts for each of its
    issuers), in two grouped queries: platform agencies linked as issuers, then the names typed as text (or the
    owning agency where a revision names none). A name both linked and typed on one revision counts twice there
    (the importer and the forms link a platform agency rather than type it)."""
    links = Revision.issuing_agencies.through.objects
    counts: Counter[str] = Counter(dict(
        links.filter(revision_id__in=qs.order_by().values("live_revision_id")).order_by()
        .values_list("agency__name").annotate(n=Count("revision_id", distinct=True))))
    rows = (qs.order_by().annotate(linked=Exists(links.filter(revision_id=OuterRef("live_revision_id"))))
            .values_list("live_revision__other_issuers", "agency__name", "linked").annotate(n=Count("id")))
    for others, agency_name, linked, n in rows:
        names = issuer_names([], others)
        counts.update(dict.fromkeys(names or ([] if linked else [agency_name]), n))
    return counts


def _agency_counts(direct: Mapping[int, int]) -> list[tuple[str, str, int]]:
    """(code, name, count) per agency from counts per agency id, a parent counting its subordinates' documents
    (as the filter does)."""
    agencies = list(Agency.objects.values_list("pk", "parent_id", "code", "name"))
    parent = {pk: parent_id for pk, parent_id, _, _ in agencies}
    totals: Counter[int] = Counter()
    for pk, n in direct.items():
        seen = set()
        while pk is not None and pk not in seen:
            seen.add(pk)
            totals[pk] += n
            pk = parent.get(pk)
    return [(code, name, totals[pk]) for pk, _, code, name in agencies]


def facets(query: LibraryQuery, found: Matches) -> dict[str, list[Option]]:
    """Counts beside every filter option: for each filter, the documents that the other chosen filters and the
    keyword select, per value of this one (the visitor sees what choosing it would give)."""
    f = query.filters
    out: dict[str, list[Option]] = {}
    out["issuer"] = [Option(name, name, n, name == f.issuer) for name, n in sorted(
        _issuer_counts(_restricted(replace(f, issuer=""), found)).items(), key=lambda kv: (-kv[1], kv[0]))]
    years = {row["y"]: row["n"] for row in _restricted(replace(f, year=""), found).order_by()
             .annotate(y=ExtractYear("published_on")).values("y").annotate(n=Count("id")) if row["y"] is not None}
    out["year"] = [Option(str(y), str(y), n, str(y) == f.year) for y, n in sorted(years.items(), reverse=True)]
    # The others from one grouped query, with the filters that are not its columns applied in it.
    cube = _cube(_restricted(DocumentFilters(issuer=f.issuer, year=f.year), found))
    tests = _cube_tests(f)
    counted: dict[str, Counter] = {}
    for name, at in _AT.items():
        others = [test for other, test in tests.items() if other != name]
        counter: Counter = Counter()
        for row in cube:
            if all(test(row) for test in others):
                counter[row[at]] += row[-1]
        counted[name] = counter
    out["agency"] = [Option(code, name, n, code == f.agency) for code, name, n in _agency_counts(counted["agency"])]
    subjects: Counter[str] = Counter()
    for subject, n in counted["subject"].items():
        subjects[(subject or "").split(SUBJECT_SEPARATOR)[0]] += n
    out["subject"] = [Option(top, top, subjects[top], top == f.subject) for top in SUBJECTS]
    out["doc_type"] = [Option(t, t, n, t == f.doc_type)
                       for t, n in sorted(counted["doc_type"].items(), key=lambda kv: (-kv[1], kv[0]))]
    out["validity"] = [Option(v, label, counted["validity"].get(v, 0), v == f.validity) for v, label in Validity.choices]
    out["kind"] = [Option(v, label, counted["kind"].get(v, 0), v == f.kind) for v, label in DocumentKind.choices]
    # Options nothing would be found under are left out, unless chosen (so the choice stays visible).
    return {name: [o for o in out[name] if o.count or o.selected] for name in FACET_LABELS}
