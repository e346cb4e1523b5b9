from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from gongkai.core.errors import DomainError
from gongkai.publishing import library
from gongkai.publishing.models import Document
from gongkai.publishing.rules import MOTION_REPLY_TYPES, RelationKind
from gongkai.publishing.visibility import public_attachments, public_documents, public_relations

router = Router(tags=["政策文件"])


class DocumentQuery(Schema):
    agency: str = Field("", description="机关代码，含下级机关")
    subject: str = Field("", description="主题分类：一级名称或“一级\\二级”")
    year: str = Field("", description="发布年份")
    doc_type: str = Field("", description="公文种类")
    validity: str = Field("", description="有效性：valid / expired / repealed / amended")
    kind: str = Field("", description="类别：policy / interpretation")
    issuer: str = Field("", description="发文机关名称（如 国务院）")
    q: str = Field("", description="关键词")
    scope: str = Field("full", description="关键词范围：title 标题 / full 全文 / number 发文字号")
    sort: str = Field("", description="排序：relevance 相关度（需关键词，有关键词时默认）/ published 发布日期（默认）/ "
                                      "signed 成文日期；未注明日期的排在最后")
    correct: bool = Field(True, description="是否像站内搜索一样识别拼音、首字母和错别字（dibao → 低保）；false 按原样查找")
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(20, ge=1, le=100)


class VersionItem(Schema):
    id: int
    title: str
    url: str
    published_on: dt.date | None
    validity: str


class DocumentItem(Schema):
    id: int
    index_no: str
    title: str
    issuer: str
    doc_number: str
    signed_on: dt.date | None
    published_on: dt.date | None
    validity: str
    url: str
    versions: list[VersionItem] = Field(default_factory=list, description="同一文件的其他公开版本（历史版本），新在前")


class DocumentPage(Schema):
    count: int
    corrected_query: str | None = Field(None, description="关键词被识别为（如拼音 dibao 识别为 低保）并据此查找时的词语")
    results: list[DocumentItem]


class Link(Schema):
    id: int
    title: str
    relation: str
    url: str


class AttachmentOut(Schema):
    name: str
    size: int
    content_type: str
    url: str


class Motion(Schema):
    number: str = Field(description="建议或提案编号")
    author: str = Field(description="提出的代表或委员")
    handling_role: str = Field(description="办理类型：lead 主办 / joint 会办")
    reply_grade: str = Field(description="答复类型：A / B / C；未填为空")


class DocumentDetail(DocumentItem):
    kind: str
    subject: str
    doc_type: str
    effective_on: dt.date | None
    repealed_on: dt.date | None
    body_html: str
    body_text: str
    tags: list[str]
    relations: list[Link]
    interpretations: list[Link]
    attachments: list[AttachmentOut]
    motion: Motion | None = Field(None, description="建议办理复文、提案办理复文：所答复的建议或提案；其他文件为 null")


def _url(document: Document) -> str:
    return settings.GONGKAI_BASE_URL + reverse("public-document", args=[document.pk])


def _item(d: Document) -> dict:
    rev = d.live_revision
    return {"id": d.pk, "index_no": d.index_no, "title": rev.title, "issuer": getattr(d, "issuer_label", "") or rev.issuer or d.agency.name,
            "doc_number": rev.doc_number, "signed_on": rev.signed_on, "published_on": d.published_on,
            "validity": d.validity, "url": _url(d),
            "versions": [v.as_api() for v in getattr(d, "older_versions", [])]}


@router.get("/documents", response=DocumentPage, summary="政策文件列表")
def list_documents(request, q: Query[DocumentQuery]):
    """Public documents as the policy library lists them: keyword (title / full text / 发文字号), filters, sort
    (newest first by default), paging."""
    query, errors = library.parse(q.dict())
    if errors:
        raise DomainError(next(iter(errors.values())), errors={k: [v] for k, v in errors.items()})
    found = library.matches(query)
    selected = library.ordered(query, found)
    start = (q.page - 1) * q.page_size
    count = len(selected) if isinstance(selected, list) else selected.count()
    return {"count": count, "corrected_query": found.corrected, "results": [_item(d) for d in library.documents(list(selected[start:start + q.page_size]))]}


@router.get("/documents/{int:document_id}", response=DocumentDetail, summary="政策文件详情")
def get_document(request, document_id: int):
    """One public document with body, relations (both ways), interpretations and attachments."""
    document = public_documents().filter(pk=document_id).first()
    if document is None:
        raise HttpError(404, "文件不存在或未公开。")
    rev = document.live_revision
    rel = public_relations(document)
    relations = [{"id": d.pk, "title": d.live_revision.title, "relation": f"{k}", "url": _url(d)}
                 for k, d in rel["outgoing"]]
    relations += [{"id": d.pk, "title": d.live_revision.title, "relation": f"{k}_by", "url": _url(d)}
                  for k, d in rel["incoming"] if k != RelationKind.INTERPRETS]
    interpretations = [{"id": d.pk, "title": d.live_revision.title, "relation": "interpreted_by", "url": _url(d)}
                       for k, d in rel["incoming"] if k == RelationKind.INTERPRETS]
    attachments = [{"name": a.name, "size": a.size, "content_type": a.content_type,
                    "url": settings.GONGKAI_BASE_URL + reverse("public-attachment", args=[a.pk, a.name])}
                   for a in public_attachments().filter(revisions=rev)]
    return {**_item(document), "kind": document.kind, "subject": rev.subject, "doc_type": rev.doc_type,
            "effective_on": document.effective_on, "repealed_on": document.repealed_on,
            "body_html": rev.body_html, "body_text": rev.body_text, "tags": [t.name for t in rev.tags.all()],
            "relations": relations, "interpretations": interpretations, "attachments": attachments,
            "motion": {"number": rev.motion_no, "author": rev.motion_by, "handling_role": rev.handling_role,
                       "reply_grade": rev.reply_grade} if rev.doc_type in MOTION_REPLY_TYPES else None}
