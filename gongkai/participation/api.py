"""Consultations API: the list, one consultation with its numbered draft, comments while open (409 after the
end, from any client however old), and the published feedback. Only what participation.visibility allows."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict

from gongkai.core.clientip import client_ip
from gongkai.core.errors import DomainError
from gongkai.core.forms import MAX_ID
from gongkai.disclosure import throttle
from gongkai.participation import services
from gongkai.participation.forms import HONEYPOT_MESSAGE
from gongkai.participation.models import CommentChannel, Consultation, ConsultationStatus
from gongkai.participation.visibility import public_consultations, public_documents

router = Router(tags=["意见征集"])
NOT_FOUND = "没有这项征求意见。"


class ConsultationQuery(Schema):
    status: str = Field("", description="open（正在征集）或 closed（已结束）；不填为全部")
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(20, ge=1, le=100)


class ConsultationItem(Schema):
    id: int
    title: str
    status: str = Field(description="open（正在征集）或 closed（已结束）")
    starts_at: dt.datetime
    ends_at: dt.datetime = Field(description="截止时间（截止日期次日零时，即截止日期当天24时）")
    comment_count: int = Field(description="公开显示的意见条数")
    url: str


class ConsultationPage(Schema):
    count: int
    results: list[ConsultationItem]


class LinkedDocument(Schema):
    id: int
    title: str
    url: str


class ConsultationDetail(ConsultationItem):
    agency: str
    kind: str
    kind_label: str
    draft: LinkedDocument
    explanation: str
    explanation_document: LinkedDocument | None
    interpretation: str
    interpretation_document: LinkedDocument | None
    emergency_reason: str = Field(description="期限短于最短期限时公布的理由；否则为空")
    paragraphs: list[str] = Field(description="草案全文的段落，第 1 段在前（提交意见时的 paragraph 即此编号）")
    other_channels: str
    feedback_url: str | None = Field(description="意见采纳情况公布后的地址")


class CommentIn(Schema):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    content: str | None = Field(None, description="意见内容（必填）")
    paragraph: int | None = Field(None, description="针对的段落编号（见 paragraphs）；不填为针对全文")
    name: str | None = Field(None, description="姓名（可不填，不公开）")
    contact: str | None = Field(None, description="联系方式（可不填，不公开，加密保存）")
    website: str | None = Field(None, description="留空（与网页表单相同的防机器人字段，填写则不予受理）")


class CommentCreated(Schema):
    id: int
    paragraph: int | None
    created_at: dt.datetime


class Unadopted(Schema):
    opinion: str
    reason: str


class Feedback(Schema):
    id: int
    title: str
    received_count: int
    adopted_count: int
    text: str
    unadopted: list[Unadopted]
    published_at: dt.datetime
    decision: LinkedDocument | None
    url: str


class Message(Schema):
    detail: str


class Invalid(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(default_factory=dict)


def _url(name: str, pk: int) -> str:
    return settings.GONGKAI_BASE_URL + reverse(name, args=[pk])


def _item(c: Consultation, now: dt.datetime) -> dict:
    return {"id": c.pk, "title": c.title, "status": c.phase(now), "starts_at": c.starts_at, "ends_at": c.ends_at,
            "comment_count": c.comment_count, "url": _url("consultation", c.pk)}


def _found(pk: int) -> Consultation:
    found = public_consultations().filter(pk=pk).first() if 0 < pk <= MAX_ID else None
    if found is None:
        raise HttpError(404, NOT_FOUND)
    return found


def _linked(pk: int | None) -> dict | None:
    document = public_documents().filter(pk=pk).first() if pk else None
    return {"id": document.pk, "title": document.live_revision.title, "url": _url("public-document", document.pk)} \
        if document else None


@router.get("/consultations", response={200: ConsultationPage, 400: Invalid}, summary="意见征集列表")
def list_consultations(request, query: Query[ConsultationQuery]):
    """Public consultations, newest first; `status` open or closed as the clock says now."""
    now = timezone.now()
    found = public_consultations().order_by("-starts_at", "-id")
    if query.status == "open":
        found = found.filter(status=ConsultationStatus.OPEN, ends_at__gt=now)
    elif query.status == "closed":
        found = found.exclude(status=ConsultationStatus.OPEN, ends_at__gt=now)
    elif query.status:
        return Status(400, {"detail": "status 只能是 open 或 closed。", "errors": {"status": ["只能是 open 或 closed。"]}})
    start = (query.page - 1) * query.page_size
    return {"count": found.count(), "results": [_item(c, now) for c in found[start:start + query.page_size]]}


@router.get("/consultations/{consultation_id}", response={200: ConsultationDetail, 404: Message},
            summary="一项征求意见：草案段落、起草说明和解读")
def get_consultation(request, consultation_id: int):
    c = _found(consultation_id)
    draft = c.document
    return {**_item(c, timezone.now()), "agency": c.agency.name, "kind": c.kind, "kind_label": c.get_kind_display(),
            "draft": {"id": draft.pk, "title": draft.live_revision.title, "url": _url("public-document", draft.pk)},
            "explanation": c.explanation, "explanation_document": _linked(c.explanation_document_id),
            "interpretation": c.interpretation, "interpretation_document": _linked(c.interpretation_document_id),
            "emergency_reason": c.emergency_reason if services.shortened(c) else "",
            "paragraphs": services.paragraphs(draft), "other_channels": c.other_channels,
            "feedback_url": _url("consultation-feedback", c.pk)
            if c.status == ConsultationStatus.FEEDBACK_PUBLISHED else None}


def _too_many(seconds: int) -> JsonResponse:
    response = JsonResponse({"detail": throttle.too_many_message(seconds)}, status=429,
                            json_dumps_params={"ensure_ascii": False})
    response["Retry-After"] = str(seconds)
    return response


@router.post("/consultations/{consultation_id}/comments",
             response={201: CommentCreated, 400: Invalid, 403: Message, 404: Message, 409: Message, 413: Message,
                       415: Message, 429: Message}, summary="提交意见")
def create_comment(request, consultation_id: int, payload: CommentIn):
    """Comment on the whole draft or on one paragraph while the consultation is open (201). After the end:
    409 with a Chinese message, however the client came by the consultation. Bad input: 400 with a message per
    field. More than GONGKAI_COMMENT_RATE_LIMIT comments from one address (the web form's count too): 429."""
    c = _found(consultation_id)
    if payload.website:
        return Status(400, {"detail": HONEYPOT_MESSAGE, "errors": {}})
    limit, window = services.comment_limit()
    try:
        with throttle.slot("comment", client_ip(request), limit, window):
            comment = services.submit_comment(c.pk, services.CommentData(
                content=payload.content or "", paragraph=payload.paragraph, name=payload.name or "",
                contact=payload.contact or ""), channel=CommentChannel.API)
    except throttle.Throttled as exc:
        return _too_many(exc.retry_after)
    except services.ConsultationClosed as exc:
        return Status(409, {"detail": exc.message})
    except DomainError as exc:
        return Status(400, {"detail": exc.message, "errors": exc.errors})
    return Status(201, {"id": comment.pk, "paragraph": comment.paragraph, "created_at": comment.created_at})


@router.get("/consultations/{consultation_id}/feedback", response={200: Feedback, 404: Message},
            summary="意见采纳情况")
def get_feedback(request, consultation_id: int):
    c = _found(consultation_id)
    if c.status != ConsultationStatus.FEEDBACK_PUBLISHED:
        raise HttpError(404, "意见采纳情况尚未公布。")
    return {"id": c.pk, "title": c.title, "received_count": c.received_count, "adopted_count": c.adopted_count,
            "text": c.feedback_text, "unadopted": c.unadopted, "published_at": c.feedback_published_at,
            "decision": _linked(c.decision_document_id), "url": _url("consultation-feedback", c.pk)}
