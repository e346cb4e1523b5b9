"""Search API: /api/v1/search, /api/v1/suggest and /api/v1/search/hot (public documents only)."""

from __future__ import annotations

import datetime as dt
import json

from django.http import HttpResponse
from ninja import Query, Router, Schema
from ninja.responses import NinjaJSONEncoder
from pydantic import BaseModel, Field

from gongkai.core.clientip import client_ip
from gongkai.search import searchlog, services

router = Router(tags=["站内检索"])


class SearchQuery(Schema):
    q: str = Field("", max_length=200, description="检索词：标题、全文、发文字号、索引号、拼音或拼音首字母、日常说法")
    page: int = Field(1, ge=1, le=1000)
    page_size: int = Field(10, ge=1, le=services.MAX_PAGE_SIZE)
    agency: str = Field("", description="公开主体（机关代码，含下级机关）")
    subject: str = Field("", description="主题分类：一级名称或“一级\\二级”")
    doc_type: str = Field("", description="公文种类")
    year: str = Field("", description="发布年份")
    validity: str = Field("", description="有效性：valid / expired / repealed / amended")
    kind: str = Field("", description="信息类别：policy / interpretation / qa / dataset")
    issuer: str = Field("", description="发文机关名称")
    tag: str = Field("", description="政策标签")
    sort: str = Field("relevance", description="排序：relevance（相关度）/ date（发布日期）")
    correct: bool = Field(True, description="是否自动纠正错别字、转换拼音（false：按原词检索）")


# Responses are plain pydantic models: ninja's Schema wraps every nested object in its own validator,
# which cost more than the search itself for a page of results with its facets.
class VersionOut(BaseModel):
    id: int
    title: str
    url: str
    published_on: dt.date | None
    validity: str


class Hit(BaseModel):
    id: int
    title: str
    doc_number: str
    url: str
    snippet: str = Field(description="正文摘要，HTML，命中词以 <mark> 标出")
    score: float
    index_no: str
    issuer: str
    published_on: dt.date | None
    validity: str
    kind: str
    versions: list[VersionOut] = Field(default_factory=list,
                                       description="同一文件的其他公开版本（历史版本），新的在前；仅现行版本参与排序")


class Bucket(BaseModel):
    value: str
    label: str
    count: int


# The API lists the most frequent values of each facet; facet_totals says how many there are in all.
API_FACET_VALUES = 50


class SearchOut(BaseModel):
    count: int
    query: str
    corrected_query: str | None = Field(description="实际检索的纠正或拼音转换后的检索词；未纠正时为 null")
    reference_not_found: str | None = Field(
        None, description="检索词是发文字号或索引号、但没有对应的公开文件时，为按识别结果写全的文号"
                          "（如“国家市场监督管理总局令第20号”），此时不返回其他结果；否则为 null")
    message: str | None = Field(None, description="给用户看的提示，如“未找到文号为“…”的文件。”；无提示时为 null")
    matched_all: int | None = Field(
        None, description="长句提问或关键词列表在完整匹配之外并入了按部分检索词排序的结果时，为包含全部检索词的结果数"
                          "（facets 按这些结果计数）；否则为 null")
    results: list[Hit]
    facets: dict[str, list[Bucket]] = Field(
        description=f"分面：agency 公开主体、issuer 发文机关、subject 主题分类、doc_type 公文种类、year 年份、"
                    f"validity 有效性、kind 信息类别、tag 政策标签；每个分面最多列出 {API_FACET_VALUES} 项（按数量）")
    facet_totals: dict[str, int] = Field(description="每个分面的取值总数（可能多于 facets 中列出的项数）")


class SuggestOut(BaseModel):
    suggestions: list[str]


class HotOut(BaseModel):
    queries: list[str]


@router.get("/search", response=SearchOut, summary="站内检索")
def search(request, q: Query[SearchQuery]):
    """Search public documents with typo correction, pinyin, everyday words, facets and highlighting."""
    params = services.SearchParams(q=q.q, page=q.page, page_size=q.page_size, agency=q.agency, subject=q.subject,
                                   doc_type=q.doc_type, year=q.year, validity=q.validity, kind=q.kind,
                                   issuer=q.issuer, tag=q.tag, sort=q.sort, correct=q.correct)
    found = services.search(params, client=searchlog.client_key(client_ip(request)))
    payload = {
        "count": found.count, "query": found.query, "corrected_query": found.corrected_query,
        "reference_not_found": found.reference_not_found, "message": found.reference_message or None,
        "matched_all": found.matched_all,
        "results": [{"id": r.id, "title": r.title, "doc_number": r.doc_number, "url": r.url, "snippet": str(r.snippet),
                     "score": r.score, "index_no": r.index_no, "issuer": r.issuer, "published_on": r.published_on,
                     "validity": r.validity, "kind": r.kind,
                     "versions": [v.as_api() for v in r.versions]}
                    for r in found.results],
        "facets": {name: [{"value": v.value, "label": v.label, "count": v.count} for v in values[:API_FACET_VALUES]]
                   for name, values in found.facets.items()},
        "facet_totals": {name: len(values) for name, values in found.facets.items()},
    }
    # Rendered as built: re-validating every hit and facet bucket against SearchOut on each search cost
    # more than reading the hits; tests check that responses match the schema.
    return HttpResponse(json.dumps(payload, cls=NinjaJSONEncoder, ensure_ascii=False),
                        content_type="application/json; charset=utf-8")


@router.get("/suggest", response=SuggestOut, summary="检索词推荐（边输边提示）")
def suggest(request, q: str = Query("", max_length=50)):
    """Suggestions for what the user is typing, only ever from public content."""
    return {"suggestions": services.suggest(q)}


@router.get("/search/hot", response=HotOut, summary="热门检索")
def hot(request):
    """Hot searches: pinned by staff, then queries several distinct visitors searched that find public documents."""
    return {"queries": services.hot_searches()}
