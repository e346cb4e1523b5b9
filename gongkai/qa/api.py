"""Q&A API: POST /api/v1/qa/ask (the hotline and partner systems) and POST /api/v1/qa/feedback."""

from __future__ import annotations

from django.db.models import Q
from ninja import Query, Router, Schema
from pydantic import BaseModel, Field

from gongkai.core.errors import DomainError
from gongkai.core.jsonbody import JsonIn
from gongkai.core.taxonomy import ALL_SUBJECTS, SUBJECTS, normalize_subject
from gongkai.orgs.models import Agency
from gongkai.qa import pairs, services

router = Router(tags=["政策问答"])


class AskIn(JsonIn):
    # Optional here and checked by the service, so a missing, empty or too long question is refused in Chinese.
    question: str | None = Field(None, title="问题",
                                 description=f"问题（必填，群众的说法即可，不超过 {services.MAX_QUESTION} 字）")
    agency: str | None = Field(None, title="机关代码", description="只在该机关（机关代码，含下级机关）的文件中找答案")


class SourceOut(BaseModel):
    title: str
    url: str
    article: str = Field(description="条文序号，如 第十九条")
    document_id: int
    local_rule: bool = Field(False, description="地方性法规或地方政府规章（只在制定它的省、市适用）时为 true："
                                               "请提醒来电人以其所在地的规定为准")


class AnswerOut(BaseModel):
    answered: bool = Field(description="是否找到足以回答的条文；false 时请转人工（信箱、热线）")
    answer: str = Field(description="答案原文：条文全文（不生成无出处的文字）")
    kind: str | None = Field(description="pair（审核公开的人工问答）或 article（条文）；未答时为 null")
    source: str | None = Field(None, description="评价这个答复时 POST /api/v1/qa/feedback 的 source，"
                                                 "如 pair:7、article:123；未答时为 null")
    matched_question: str | None = Field(None, description="kind 为 pair 时，所答的人工问答的问题；"
                                                           "match 为 meaning 时须核对它与来电所问是否一致")
    match: str | None = Field(None, description="kind 为 pair 时：words（问题的说法与它相同或几乎相同）或 "
                                                "meaning（说法不同而意思相近，可能问的并非同一件事）；否则为 null")
    about_the_world: bool = Field(False, description="问的是天气、车次、票价、名人等与政策法规无关的事时为 true："
                                                    "本服务只回答政策、法规和办事规定方面的问题，不会据此补充问答，"
                                                    "请如实告知来电人，需要时转人工（信箱、热线）")
    local_fact: bool = Field(False, description="问的是当地或本人事项的具体数额、电话、时间或办理进度（如本县低保每月发多少、"
                                               "社保到账没有），而已公开的本地文件（通知、规范性文件等）都答不了时为 true："
                                               "法律法规不载明各地的具体情况，不拿来作答；请转当地有关部门")
    sources: list[SourceOut]
    related: list[SourceOut]


class FeedbackIn(JsonIn):
    question: str | None = Field(None, title="问题", description="所问的问题（必填）")
    source: str | None = Field(None, title="答案来源", description="答案来源（必填），如 article:123、pair:7（见问答页面）")
    helpful: bool | None = Field(None, title="是否有帮助", description="true（有帮助）或 false（没有帮助），必填")
    agency: str | None = Field(None, title="机关代码", description="提问时给了机关代码的，同样给出（选填）")


class PairsQuery(Schema):
    agency: str = Field("", description="机关代码（含下级机关）")
    subject: str = Field("", max_length=100, description="依据文件的主题分类：一级名称或“一级\\二级”")
    tag: str = Field("", max_length=50, description="标签（整个标签相同才算）")
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
    return services.ask(payload.question or "", payload.agency or "").as_dict()


@router.post("/qa/feedback", response={201: Message, 400: Message}, summary="评价答案：有帮助 / 没有帮助")
def feedback(request, payload: FeedbackIn):
    if payload.helpful is None:
        raise DomainError("请说明答案是否有帮助（helpful 为 true 或 false）。", field="helpful")
    services.record_feedback(payload.question or "", payload.source or "", payload.helpful, payload.agency or "")
    return 201, {"detail": "感谢您的评价。"}


@router.get("/qa/pairs", response={200: PairsOut, 400: Message}, summary="已审核公开的政策问答")
def list_pairs(request, params: Query[PairsQuery]):
    found = pairs.public_pairs().select_related("agency", "source__live_revision").order_by("-updated_at", "-pk")
    if params.agency.strip():
        agency = Agency.objects.filter(code=params.agency.strip()).first()
        if agency is None:
            raise DomainError("没有这个机关代码。", field="agency")
        found = found.filter(agency_id__in=agency.descendant_ids())
    if params.subject:
        if params.subject in SUBJECTS:
            found = found.filter(source__live_revision__subject__startswith=params.subject + "\\")
        elif normalize_subject(params.subject) in ALL_SUBJECTS:
            found = found.filter(source__live_revision__subject=normalize_subject(params.subject))
        else:
            raise DomainError("没有这个主题分类。", field="subject")
    tag = params.tag.strip()
    if "、" in tag:
        # Tags are stored joined by 、, so no tag holds one: 年假、休假 matched two tags side by side.
        found = found.none()
    elif tag:
        # Tags are stored joined by 、: the whole tag, not a part of one (劳动 is not 劳动合同).
        found = found.filter(Q(tags=tag) | Q(tags__startswith=f"{tag}、") | Q(tags__endswith=f"、{tag}")
                             | Q(tags__contains=f"、{tag}、"))
    start = (params.page - 1) * params.page_size
    page = list(found[start:start + params.page_size])
    pairs.label_citations(page)
    return {"count": found.count(), "results": [
        {"id": p.pk, "question": p.question, "answer": p.answer, "agency": p.agency.name,
         "tags": [t for t in p.tags.split("、") if t], "sources": [pairs.source_of(p)]} for p in page]}
