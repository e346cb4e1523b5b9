"""Versions of one document (历史版本): the same law or normative document published again after a revision.

Two public documents are versions of one another when they share a version group: the same title (compared
without spaces, punctuation or the country name), the same 发文机关 and the same kind. For documents that are
issued once and never revised in place (a 通知, 公告, 批复 … of 《党政机关公文处理工作条例》, and interpretations)
the 发文字号 joins the key too, so this year's notice is never taken for a version of last year's notice with
the same title; laws, regulations, rules and normative documents keep their title through revisions.

The newest public version (发布日期, undated last, then the later record) is the current one: it alone is listed
and ranked; the others are flagged `superseded` by the write path (services.versions) and shown under it.
Everything here reads through the one visibility rule, so a non-public version is never listed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse

from gongkai.core.prepared import PreparedQuery
from gongkai.core.taxonomy import DOC_TYPES
from gongkai.publishing.models import Document, Revision, issuer_names
from gongkai.publishing.rules import Validity
from gongkai.publishing.visibility import public_documents

COUNTRY = "中华人民共和国"
# 《党政机关公文处理工作条例》第八条's fifteen kinds: each document is one act, a new one is a new document.
SINGLE_ACT_TYPES = frozenset(DOC_TYPES[:15]) | {"政策解读"}


def normalized_title(title: str) -> str:
    """The title as versions are compared: NFKC, only letters and digits, without the country name."""
    text = unicodedata.normalize("NFKC", title or "")
    kept = "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")
    return kept.replace(COUNTRY, "") or kept


def version_key(*, title: str, issuers: list[str], doc_type: str, doc_number: str, kind: str) -> str:
    """The version group of a document with these metadata (a hex digest; empty for an empty title)."""
    core = normalized_title(title)
    if not core:
        return ""
    names = sorted({normalized_title(name) for name in issuers if normalized_title(name)})
    number = normalized_title(doc_number) if doc_type in SINGLE_ACT_TYPES or kind != "policy" else ""
    raw = "\x1f".join([kind, core, "、".join(names), number])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def revision_key(revision: Revision, kind: str) -> str:
    """The version group a document takes when `revision` is its public version."""
    agencies = [a.name for a in revision.issuing_agencies.all()]
    return version_key(title=revision.title, issuers=issuer_names(agencies, revision.other_issuers),
                       doc_type=revision.doc_type, doc_number=revision.doc_number, kind=kind)


def newest_first(rows: list[dict]) -> list[dict]:
    """Rows with `pk` and `published_on`, newest version first: dated ones by date, undated last, then by id."""
    return sorted(rows, key=lambda r: (r["published_on"] is not None, r["published_on"] or dt.date.min, r["pk"]),
                  reverse=True)


@dataclass
class Version:
    """One public version of a document, as lists show it."""

    id: int
    title: str
    published_on: dt.date | None
    validity: str
    validity_label: str
    path: str
    current: bool

    def as_api(self) -> dict:
        """The version as the search and document APIs list it (`versions`)."""
        return {"id": self.id, "title": self.title, "url": settings.GONGKAI_BASE_URL + self.path,
                "published_on": self.published_on, "validity": self.validity}


def _version(row: dict, current: bool) -> Version:
    return Version(id=row["pk"], title=row["live_revision__title"], published_on=row["published_on"],
                   validity=row["validity"], validity_label=Validity(row["validity"]).label,
                   path=reverse("public-document", args=[row["pk"]]), current=current)


_ROW = ("pk", "version_group", "published_on", "validity", "live_revision__title")


def _groups(keys: set[str]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    if keys:
        for row in public_documents().filter(version_group__in=sorted(keys)).values(*_ROW):
            grouped[row["version_group"]].append(row)
    return {key: newest_first(rows) for key, rows in grouped.items()}


def current_documents() -> QuerySet[Document]:
    """Public documents without a newer public version: what lists and counts show (one line a document)."""
    return public_documents().filter(superseded=False)


# Every search asks both (compiled once: building the queries cost more than running them). The few superseded
# documents come first, through their partial index, then which of them are public: asked in one statement, SQLite
# walked every public document (1.7 s of each search at 1,000,000) and PostgreSQL, on stale statistics, joined them
# all before looking (1 s at 100,000).
_SUPERSEDED = PreparedQuery(lambda _ids: Document.objects.filter(superseded=True).order_by().values_list("pk"))
_PUBLIC = PreparedQuery(lambda ids: public_documents().filter(pk__in=ids).order_by().values_list("pk"))
_GROUPED = PreparedQuery(lambda ids: public_documents().filter(pk__in=ids).exclude(version_group="").order_by()
                         .values_list("pk", "version_group"))


def superseded_public_ids() -> set[int]:
    """Public documents that have a newer public version: searched only through their current version."""
    superseded = [pk for pk, in _SUPERSEDED.all()]
    return {pk for pk, in _PUBLIC.rows(superseded)} if superseded else set()


def older_versions(ids: list[int]) -> dict[int, list[Version]]:
    """For each of these public documents, its other public versions, newest first (absent when it has none)."""
    keys = dict(_GROUPED.rows(ids)) if ids else {}
    groups = _groups(set(keys.values()))
    out: dict[int, list[Version]] = {}
    for pk, key in keys.items():
        rows = groups.get(key, [])
        others = [_version(row, i == 0) for i, row in enumerate(rows) if row["pk"] != pk]
        if others:
            out[pk] = others
    return out


def document_versions(document: Document) -> list[Version]:
    """Every public version of this public document's group, newest (current) first; empty when it is alone."""
    if not document.version_group:
        return []
    rows = _groups({document.version_group}).get(document.version_group, [])
    if len(rows) < 2:
        return []
    return [_version(row, i == 0) for i, row in enumerate(rows)]
