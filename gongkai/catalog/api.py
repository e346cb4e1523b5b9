"""The catalogue through the read API: an agency's public 主动公开目录 items with their documents, its public
guide and its public negative list — the snapshots taken at review, as on the public column."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from ninja import Router, Schema
from ninja.errors import HttpError

from gongkai.catalog import queries, rules
from gongkai.catalog.visibility import public_guides, public_negative_entries
from gongkai.orgs.models import Agency

router = Router(tags=["政府信息公开目录"])
# The newest documents listed under each item (the rest are one link away, as on the public page).
LISTED = 5


class AgencyRef(Schema):
    code: str
    name: str


class DocumentRef(Schema):
    id: int
    title: str
    published_on: dt.date | None
    url: str


class ItemOut(Schema):
    id: int
    category: str
    category_label: str
    subcategory: str
    content: str
    basis: str
    time_limit: str
    category_name: str
    publisher: str
    office: str
    channel: str
    audience: str
    mode: str
    levels: list[str]
    document_count: int
    documents: list[DocumentRef]
    documents_url: str | None


class CatalogOut(Schema):
    agency: AgencyRef
    count: int
    results: list[ItemOut]


class GuideOut(Schema):
    agency: AgencyRef
    reviewed_on: dt.date | None
    url: str
    fields: dict[str, str]


class NegativeEntryOut(Schema):
    category: str
    content: str
    basis: str


class NegativeListOut(Schema):
    agency: AgencyRef
    count: int
    results: list[NegativeEntryOut]


def _agency(code: str) -> Agency:
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        raise HttpError(404, "没有这个机关。")
    return agency


def _absolute(path: str) -> str:
    return settings.GONGKAI_BASE_URL + path


@router.get("/catalog/{code}", response=CatalogOut, summary="主动公开目录")
def catalog(request, code: str):
    """The public catalogue items of the agency with this code, in the column's order, each with the number of its
    public documents, the newest of them and the library list of all of them."""
    agency = _agency(code)
    labels = dict(rules.Category.choices)
    results = []
    for section in queries.public_sections(agency, LISTED):
        for item in section["items"]:
            data = item["data"]
            results.append({
                "id": item["id"], "category": section["key"], "category_label": labels[section["key"]],
                **{name: data.get(name, "") for name in ("subcategory", "content", "basis", "time_limit", "office",
                                                         "channel")},
                # 国办发〔2019〕54号: 一级事项 as written, 公开主体, 公开对象, 公开方式 (主动/依申请), 公开层级.
                "category_name": item["fields"]["category_text"], "publisher": item["fields"]["publisher"],
                "audience": item["fields"]["audience"], "mode": item["fields"]["mode"],
                "levels": item["fields"]["level_list"],
                "document_count": item["count"],
                "documents": [{"id": d.pk, "title": d.live_revision.title, "published_on": d.published_on,
                               "url": _absolute(reverse("public-document", args=[d.pk]))} for d in item["documents"]],
                "documents_url": _absolute(item["link"]) if item["link"] else None,
            })
    return {"agency": {"code": agency.code, "name": agency.name}, "count": len(results), "results": results}


@router.get("/catalog/{code}/guide", response=GuideOut, summary="政府信息公开指南")
def guide(request, code: str):
    """The agency's public guide (《条例》第十二条) as last reviewed."""
    found = public_guides().filter(agency=_agency(code)).first()
    if found is None:
        raise HttpError(404, "该机关的政府信息公开指南尚未公开。")
    return {"agency": {"code": found.agency.code, "name": found.agency.name}, "reviewed_on": found.reviewed_on,
            "url": _absolute(reverse("zfxxgk-guide", args=[found.agency.code])), "fields": found.published}


@router.get("/catalog/{code}/negative-list", response=NegativeListOut, summary="不予主动公开清单")
def negative_list(request, code: str):
    """The agency's public negative list (不予主动公开清单)."""
    agency = _agency(code)
    entries = [{name: e.published.get(name, "") for name in ("category", "content", "basis")}
               for e in public_negative_entries().filter(agency=agency).order_by("id")]
    return {"agency": {"code": agency.code, "name": agency.name}, "count": len(entries), "results": entries}
