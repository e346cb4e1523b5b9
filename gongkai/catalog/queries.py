"""Read-side of the catalogue: whether each item is met by the library and on time, the ledger's
differences from the library, and the guides and negative lists due for their yearly review."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import F, Max, Q, QuerySet

from gongkai.catalog import rules
from gongkai.catalog.models import CatalogItem, Guide, LedgerEntry, NegativeListEntry
from gongkai.catalog.states import CatalogState
from gongkai.catalog.visibility import public_items
from gongkai.core.taxonomy import SUBJECTS
from gongkai.core.workdays import WorkCalendar
from gongkai.orgs.models import Agency
from gongkai.publishing import rules as timeliness
from gongkai.publishing.models import Document
from gongkai.publishing.visibility import public_documents


def _mapping(doc_type: str, subject: str) -> Q | None:
    """The library filter of an item's 公文种类 and 主题分类, or None when it maps to neither."""
    if not doc_type and not subject:
        return None
    q = Q()
    if doc_type:
        q &= Q(live_revision__doc_type=doc_type)
    if subject:
        q &= Q(live_revision__subject__startswith=subject + "\\") if subject in SUBJECTS else Q(
            live_revision__subject=subject)
    return q


def item_documents(agency: Agency, doc_type: str, subject: str) -> QuerySet[Document]:
    """Public documents of `agency` filed under an item with this mapping (none for an unmapped item)."""
    q = _mapping(doc_type, subject)
    if q is None:
        return public_documents().none()
    return public_documents().filter(agency=agency).filter(q)


def newest_per_item(agency: Agency, mappings: dict[int, tuple[str, str]], as_of: dt.date) -> dict[int, dt.date | None]:
    """For each key of `mappings` (an item's 公文种类 and 主题分类), the newest publication date of the public
    documents of `agency` filed under it by `as_of` (None: none, or the item maps to nothing); one query."""
    filters = {key: _mapping(doc_type, subject) for key, (doc_type, subject) in mappings.items()}
    aggregates = {f"item_{key}": Max("published_on", filter=q) for key, q in filters.items() if q is not None}
    found = (public_documents().filter(agency=agency, published_on__lte=as_of).order_by().aggregate(**aggregates)
             if aggregates else {})
    return {key: found.get(f"item_{key}") for key in mappings}


def library_link(agency: Agency, doc_type: str, subject: str) -> str:
    """The library list filtered the way the item maps, for the public column and staff pages."""
    params = {"agency": agency.code}
    if doc_type:
        params["doc_type"] = doc_type
    if subject:
        params["subject"] = subject
    return "/xxgk/documents/?" + urlencode(params)


@dataclass
class ItemStatus:
    """How the library meets one catalogue item: documents filed under it, how many came late."""

    item: CatalogItem
    mapped: bool
    count: int = 0
    late: list[tuple[Document, dt.date]] = field(default_factory=list)
    link: str = ""

    @property
    def met(self) -> bool:
        return self.mapped and self.count > 0 and not self.late

    @property
    def label(self) -> str:
        if not self.mapped:
            return "未对应文件库（请设置公文种类或主题分类）"
        if not self.count:
            return "未发现已公开的信息"
        if self.late:
            return f"有 {len(self.late)} 件超过公开时限"
        return "已按时公开"


def item_status(item: CatalogItem, calendar: WorkCalendar | None = None, as_of: dt.date | None = None) -> ItemStatus:
    """Whether the library meets `item`: at least one public document, each published within the item's period;
    with `as_of`, as it stood that day (documents published by then)."""
    docs = item_documents(item.agency, item.doc_type, item.subject)
    if as_of is not None:
        docs = docs.filter(published_on__lte=as_of)
    status = ItemStatus(item, _mapping(item.doc_type, item.subject) is not None,
                        link=library_link(item.agency, item.doc_type, item.subject))
    if not status.mapped:
        return status
    status.count = docs.count()
    if item.period in timeliness.PERIOD_RULES:
        calendar = calendar or WorkCalendar.load()
        for doc in docs.exclude(live_revision__formed_on__isnull=True).exclude(published_on__isnull=True):
            due = timeliness.disclosure_deadline(doc.live_revision.formed_on, calendar, item.period).due_on
            if doc.published_on > due:
                status.late.append((doc, due))
    return status


def catalog_statuses(agency: Agency, as_of: dt.date | None = None) -> list[ItemStatus]:
    calendar = WorkCalendar.load()
    return [item_status(item, calendar, as_of) for item in
            CatalogItem.objects.filter(agency=agency).exclude(state=CatalogState.RETIRED).select_related("agency")]


# Documents of an agency that no catalogue item takes in are listed up to this many (with their true number).
UNFILED_SHOWN = 20


def unfiled_documents(agency: Agency) -> QuerySet[Document]:
    """Public documents of `agency` that no catalogue item (not retired) takes in by its 公文种类 and 主题分类:
    every published document belongs under an item of the catalogue (国办发〔2019〕54号), so these show where the
    catalogue or the document's classification needs work."""
    taken = Q(pk__in=[])
    for item in CatalogItem.objects.filter(agency=agency).exclude(state=CatalogState.RETIRED):
        mapping = _mapping(item.doc_type, item.subject)
        if mapping is not None:
            taken |= mapping
    return public_documents().filter(agency=agency).exclude(taken)


# -- ledger ---------------------------------------------------------------------------------------------------------

@dataclass
class LedgerDifferences:
    not_published: list[LedgerEntry]  # in the ledger, not found among public documents
    not_in_ledger: list[Document]  # public rule or normative document the ledger lacks
    validity: list[tuple[LedgerEntry, Document]]  # the ledger and the library disagree

    @property
    def total(self) -> int:
        return len(self.not_published) + len(self.not_in_ledger) + len(self.validity)


def ledger_differences(agency: Agency) -> LedgerDifferences:
    """Cross-check `agency`'s ledger against its public rules and normative documents (宁政办发〔2019〕40号（二））."""
    library = {d.pk: d for d in public_documents().filter(
        agency=agency, live_revision__doc_type__in=rules.LEDGER_DOC_TYPES)}
    by_number = {d.live_revision.doc_number: d for d in library.values() if d.live_revision.doc_number}
    matched: set[int] = set()
    not_published, validity = [], []
    for entry in LedgerEntry.objects.filter(agency=agency):
        doc = library.get(entry.document_id) or (by_number.get(entry.doc_number) if entry.doc_number else None)
        if doc is None:
            not_published.append(entry)
            continue
        matched.add(doc.pk)
        if rules.LEDGER_VALIDITY_OF.get(doc.validity) != entry.validity:
            validity.append((entry, doc))
    not_in_ledger = [d for pk, d in library.items() if pk not in matched]
    return LedgerDifferences(not_published, not_in_ledger, validity)


# -- yearly review ------------------------------------------------------------------------------------------------

def stale_guides(agencies: list[Agency], today: dt.date) -> list[tuple[Agency, Guide | None]]:
    """The agencies whose guide is missing, unpublished or not reviewed this year (《条例》第十二条“及时更新”)."""
    guides = {g.agency_id: g for g in Guide.objects.filter(agency__in=agencies)}
    stale = []
    for agency in agencies:
        guide = guides.get(agency.pk)
        if guide is None or guide.state != CatalogState.PUBLIC or rules.is_stale(guide.reviewed_on, today):
            stale.append((agency, guide))
    return stale


def stale_negative_lists(agencies: list[Agency], today: dt.date) -> list[Agency]:
    """Agencies with public negative-list entries not reviewed this year."""
    ids = {e.agency_id for e in NegativeListEntry.objects.filter(agency__in=agencies, state=CatalogState.PUBLIC)
           if rules.is_stale(e.reviewed_on, today)}
    return [a for a in agencies if a.pk in ids]


def missing_catalogues(agencies: list[Agency]) -> tuple[list[Agency], list[Agency]]:
    """The agencies with no public catalogue item, and those with no public negative-list entry."""
    with_items = set(CatalogItem.objects.filter(agency__in=agencies, state=CatalogState.PUBLIC)
                     .values_list("agency_id", flat=True))
    with_list = set(NegativeListEntry.objects.filter(agency__in=agencies, state=CatalogState.PUBLIC)
                    .values_list("agency_id", flat=True))
    return [a for a in agencies if a.pk not in with_items], [a for a in agencies if a.pk not in with_list]


def public_negative_list(agency: Agency) -> bool:
    """Whether `agency` has a public negative list (at least one public entry)."""
    return NegativeListEntry.objects.filter(agency=agency, state=CatalogState.PUBLIC).exists()


def withheld_off_list(agencies: list[Agency]) -> list[Document]:
    """Documents of `agencies` whose latest revision is withheld (不予公开) on a ground that none of the
    agency's public negative-list entries covers (长办发〔2017〕7号（三十五）: the list names what is withheld)."""
    covered: dict[int, set[str]] = {}
    for agency_id, ground in NegativeListEntry.objects.filter(
            agency__in=agencies, state=CatalogState.PUBLIC).exclude(ground="").values_list("agency_id", "ground"):
        covered.setdefault(agency_id, set()).add(ground)
    found = (Document.objects.filter(agency__in=agencies)
             .filter(latest_revision__disclosure_mode=timeliness.DisclosureMode.WITHHELD)
             .select_related("latest_revision", "agency").order_by("agency_id", "-id"))
    return [d for d in found if d.latest_revision and d.latest_revision.withholding_ground
            not in covered.get(d.agency_id, set())]


def published_fields(data: dict, agency: Agency) -> dict:
    """The 54号 fields of a published item snapshot in words: 一级事项, 公开主体, 公开对象, 公开方式, 公开层级."""
    labels = dict(rules.Category.choices)
    levels = [label for name, label in (("level_county", "县级"), ("level_local", "乡、村级")) if data.get(name)]
    return {"category_text": data.get("category_name") or labels.get(data.get("category", ""), ""),
            "publisher": data.get("publisher") or agency.name,
            "audience": data.get("audience") or rules.Audience.PUBLIC,
            "mode": dict(rules.Mode.choices).get(data.get("mode") or rules.Mode.PROACTIVE, ""),
            "levels": " ".join(levels), "level_list": levels}


def public_sections(agency: Agency, listed: int = 0) -> list[dict]:
    """法定主动公开内容 of `agency`: its public catalogue items grouped by 一级事项, in the column's order, each
    with the number of its public documents and (when `listed`) the newest of them."""
    grouped: dict[str, list] = {}
    for item in public_items().filter(agency=agency).order_by("order", "id"):
        data = item.published
        docs = item_documents(agency, data.get("doc_type", ""), data.get("subject", ""))
        grouped.setdefault(data.get("category", rules.Category.OTHER), []).append({
            "id": item.pk, "data": data, "fields": published_fields(data, agency), "count": docs.count(),
            "documents": list(docs.select_related("live_revision").order_by(F("published_on").desc(nulls_last=True), "-id")[:listed])
            if listed else [],
            "link": library_link(agency, data.get("doc_type", ""), data.get("subject", ""))
            if (data.get("doc_type") or data.get("subject")) else "",
        })
    labels = dict(rules.Category.choices)
    return [{"key": c.value, "label": labels[c.value], "items": grouped[c.value]}
            for c in rules.COLUMN_ORDER if c.value in grouped]
