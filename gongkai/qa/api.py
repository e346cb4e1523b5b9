"""Q&A API: POST /api/v1/qa/ask (the hotline and partner systems) and POST /api/v1/qa/feedback."""

from __future__ import annotations

from ninja import Query, Router, Schema
from pydantic import BaseModel, Field

from gongkai.core.errors import DomainError
from gongkai.orgs.models import Agency
from gongkai.qa import pairs, services

router = Router(tags=["政策问答"])


class AskIn(Schema):
    question: str = Field(..., max_length=services.MAX_QUESTION, description="问题（群众的说法即可）")
    agency: str = Field("", description="只在该机关（机关代码，含下级机关）的文件中找答案")


class SourceOut(BaseModel):
    title: str
    url: str
    article: str = Field(description="条文序号，如 第十九条")
    document_id: int


class AnswerOut(BaseModel):
    answered: bool = Field(description="是否找到足以回答的条文；false 时请转人工（信箱、热线）")
    answer: str = Field(description="答案原文：条文全文（不生成无出处的文字）")
    kind: str | None = Field(description="article（条文）；未答时为 null")
    sources: list[SourceOut]
    related: list[SourceOut]


class FeedbackIn(Schema):
    question: str = Field(..., max_length=services.MAX_QUESTION)
    source: str = Field(..., max_length=40, description="答案来源，如 article:123（见问答页面）")
    helpful: bool


class PairsQuery(Schema):
    agency: str = Field("", description="机关代码（含下级机关）")
    tag: str = Field("", max_length=50, description="标签")
    page: int = Field(1, ge=1, le=10000)
    page_size: int = Field(20, ge=1, le=100)


class PairOut(BaseModel):
    id: int
    question: str
    answer: str
    agency: str
    tags: list[str]
    sources: list[SourceOut]


class PairsOut(BaseModel):
    count: int
    results: list[PairOut]


class Message(BaseModel):
    detail: str


@router.post("/qa/ask", response={200: AnswerOut, 400: Message}, summary="提问：从已公开文件的条文中找答案")
def ask(request, payload: AskIn):
    return services.ask(payload.question, payload.agency).as_dict()


@router.post("/qa/feedback", response={201: Message, 400: Message}, summary="评价答案：有帮助 / 没有帮助")
def feedback(request, payload: FeedbackIn):
    services.record_feedback(payload.question, payload.source, payload.helpful)
    return 201, {"detail": "感谢您的评价。"}


@router.get("/qa/pairs", response={200: PairsOut, 400: Message}, summary="已审核公开的政策问答")
def list_pairs(request, params: Query[PairsQuery]):
    found = pairs.public_pairs().select_related("agency", "source__live_revision").order_by("-updated_at", "-pk")
    if params.agency:
        agency = Agency.objects.filter(code=params.agency).first()
        if agency is None:
            raise DomainError("没有这个机关代码。", field="agency")
        found = found.filter(agency_id__in=agency.descendant_ids())
    if params.tag:
        found = found.filter(tags__contains=params.tag)
    start = (params.page - 1) * params.page_size
    page = list(found[start:start + params.page_size])
    return {"count": found.count(), "results": [
        {"id": p.pk, "question": p.question, "answer": p.answer, "agency": p.agency.name,
         "tags": [t for t in p.tags.split("、") if t], "sources": [pairs.source_of(p)]} for p in page]}
