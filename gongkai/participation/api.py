"""Participation API. Consultations: the list, one consultation with its numbered draft, comments while open (409 after the
end, from any client however old), and the published feedback. Messages: POST /messages (政府信箱, 找错), the
writer's status by code and X-Access-Token, the rating, and the public replies. Only what
participation.visibility allows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Header, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ValidationError as PydanticValidationError

from gongkai.core.clientip import client_ip
from gongkai.core.errors import DomainError
from gongkai.core.forms import MAX_ID
from gongkai.core.jsonbody import UNPARSABLE, JsonIn, body_json, form_yes_no, invalid
from gongkai.core.middleware import takes_public_uploads
from gongkai.disclosure import throttle
from gongkai.participation import messages, rules, services
from gongkai.participation.forms import HONEYPOT_MESSAGE
from gongkai.participation.models import CommentChannel, Consultation, ConsultationStatus, MessageChannel
from gongkai.participation.rules import MAX_ATTACHMENT_BYTES, MessageCategory
from gongkai.participation.visibility import public_consultations, public_documents, public_messages

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
    extended_from: dt.datetime | None = Field(description="延长期限前的截止时间；未延长为 null")
    extension_reason: str = Field(description="延长期限的理由；未延长为空")
    paragraphs: list[str] = Field(description="草案全文的段落，第 1 段在前（提交意见时的 paragraph 即此编号）")
    other_channels: str
    feedback_url: str | None = Field(description="意见采纳情况公布后的地址")


class CommentIn(JsonIn):
    content: str | None = Field(None, title="意见内容", description="意见内容（必填）")
    # Checked by the service against this consultation's paragraphs, so a wrong value is told the valid range.
    paragraph: Any = Field(None, title="段落编号", json_schema_extra={"type": "integer", "minimum": 1},
                           description="针对的段落编号（整数，不加引号，见 paragraphs，第 1 段为 1）；不填为针对全文")
    name: str | None = Field(None, title="姓名", description="姓名（可不填，不公开）")
    contact: str | None = Field(None, title="联系方式", description="联系方式（可不填，不公开，加密保存）")
    website: str | None = Field(None, title="网址", description="留空（与网页表单相同的防机器人字段，填写则不予受理）")


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
            "extended_from": c.extended_from, "extension_reason": c.extension_reason,
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


# -- messages (政府信箱, 找错) ------------------------------------------------------------------------------------------

TOKEN_HEADER = "X-Access-Token"


class MessageIn(JsonIn):
    # Every field arrives as JSON text (JsonIn refuses a number in Chinese) and is checked by the service, so each
    # mistake gets its own Chinese message.
    category: str | None = Field(None, title="留言类别", description="mailbox（政府信箱）、leader_mailbox（领导信箱）、inquiry（咨询）、"
                                                   "suggestion（建言献策）、complaint（投诉举报）或 error_report（我为政府网站找错）")
    agency: str | None = Field(None, title="写信对象", description="写信对象的机构代码，见 GET /api/v1/agencies；找错可不填（按页面归属机关办理）")
    title: str | None = Field(None, title="标题", description="标题（找错可不填）")
    content: str | None = Field(None, title="留言内容", description="留言内容；找错时为错误描述")
    name: str | None = Field(None, title="姓名", description="姓名（找错可不填；加密保存，不公开）")
    phone: str | None = Field(None, title="联系电话", description="联系电话（加密保存，不公开；除找错外与 email 至少填一项）")
    email: str | None = Field(None, title="电子邮箱", description="电子邮箱（加密保存，不公开；填写后收到和答复时发邮件告知）")
    publish_reply: bool = Field(False, title="是否同意公开答复", description="是否同意公开答复（公开时不显示姓名和联系方式）")
    page_url: str | None = Field(None, title="出错页面网址", description="找错必填：出错页面的网址")
    website: str | None = Field(None, title="网址", description="留空（与网页表单相同的防机器人字段，填写则不予受理）")


class MessageCreated(Schema):
    code: str = Field(description="查询码")
    access_token: str = Field(description="查询密码：只显示这一次，请妥善保存（查询时放在请求头 X-Access-Token 中）")
    received_on: dt.date
    due_on: dt.date = Field(description="答复期限（按工作日计算，含调休）")


class AgencyRef(Schema):
    code: str
    name: str


class MessageStatusOut(Schema):
    code: str
    category: str
    category_label: str
    agency: AgencyRef
    title: str
    status: str = Field(description="received（办理中）、replied（已答复）、duplicate（重复留言）或 invalid（无效留言）")
    status_label: str
    received_on: dt.date
    due_on: dt.date
    replied_on: dt.date | None
    reply: str | None
    reply_public: bool = Field(description="答复是否已在网站公开")
    public_url: str | None
    duplicate_of: str | None = Field(description="重复留言所重复的留言的查询码")
    note: str | None = Field(description="标记为重复或无效留言的理由")
    rating: str | None


class PublicMessage(Schema):
    id: int
    category: str
    category_label: str
    agency: AgencyRef
    title: str
    content: str
    received_on: dt.date
    replied_on: dt.date
    reply: str
    url: str


class PublicMessagePage(Schema):
    count: int
    results: list[PublicMessage]


class MessageQuery(Schema):
    category: str = Field("", description="按类别筛选；不填为全部")
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(20, ge=1, le=100)


class RatingIn(JsonIn):
    rating: str | None = Field(None, title="评价", description="satisfied（满意）、basically（基本满意）或 unsatisfied（不满意）")
    comment: str | None = Field(None, title="评价意见", description="评价意见（可不填）")


def _agency_ref(agency) -> dict:
    return {"code": agency.code, "name": agency.name}


def _writer_view(m) -> dict:
    """What the writer sees of the message: its status and reply, never the personal data."""
    return {"code": m.code, "category": m.category, "category_label": m.get_category_display(),
            "agency": _agency_ref(m.agency), "title": m.title, "status": m.status,
            "status_label": m.get_status_display(), "received_on": m.received_on, "due_on": m.due_on,
            "replied_on": m.replied_on if m.status == "replied" else None,
            "reply": m.reply if m.status == "replied" else None, "reply_public": m.reply_public,
            "public_url": _url("message-reply", m.pk) if m.reply_public else None,
            "duplicate_of": m.duplicate_of.code if m.duplicate_of_id else None,
            "note": m.handling_reason or None, "rating": m.rating or None}


def _message_body() -> dict:
    """The OpenAPI request body of POST /messages: the same fields as JSON, or as a multipart form with a file."""
    fields = MessageIn.model_json_schema()
    form = {**fields, "properties": {**fields["properties"], "attachment": {
        "type": "string", "format": "binary",
        "description": f"附件（可不传）：一个文件，不超过 {rules.attachment_limit() // (1024 * 1024)} MB；"
                       "政府信箱为 PDF、DOCX、XLSX 或图片，找错为截图（PNG、JPG、GIF、WEBP）。检查与网页表单相同。"}}}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": fields},
                                                          "multipart/form-data": {"schema": form}}}}


_TEXT_FIELDS = ("category", "agency", "title", "content", "name", "phone", "email", "page_url")


def _message_payload(request) -> tuple[MessageIn, UploadedFile | None] | dict:
    """The submitted fields (JSON, or a multipart form with `attachment`), or the 400 answer's body."""
    upload = None
    if request.content_type == "multipart/form-data":
        raw = {key: request.POST.get(key) for key in request.POST}
        if "publish_reply" in raw:
            raw["publish_reply"] = form_yes_no(raw["publish_reply"])
        upload = request.FILES.get("attachment")
        if set(request.FILES) - {"attachment"}:
            return {"detail": "只能上传一个附件，字段名为 attachment。", "errors": {"attachment": ["只能上传一个附件。"]}}
    else:
        try:
            raw = body_json(request) if request.body else None
        except ValueError:
            return {"detail": UNPARSABLE, "errors": {}}
        if not isinstance(raw, dict):
            return {"detail": "请求内容须为 JSON 对象。", "errors": {}}
    try:
        return MessageIn.model_validate(raw), upload
    except PydanticValidationError as exc:
        body = invalid(exc.errors())
        # The fields that did parse are still checked by the service: every mistake in one answer.
        typed = {name: value for name, value in raw.items() if isinstance(value, str) and name in _TEXT_FIELDS}
        more = messages.other_errors(messages.MessageData(**typed), body["errors"])
        if {"phone", "email"} & set(body["errors"]):
            more.pop("phone", None)  # "leave a phone or an e-mail" would be wrong: one was sent, in the wrong type
        body["errors"] = {**body["errors"], **more}
        return body


@router.post("/messages", response={201: MessageCreated, 400: Invalid, 403: Message, 413: Message, 415: Message,
                                    429: Message}, summary="提交留言（政府信箱、找错）", tags=["政府信箱"],
             openapi_extra=_message_body())
@takes_public_uploads(MAX_ATTACHMENT_BYTES)
def create_message(request):
    """Write to an agency (or report an error on the site), as JSON, or as a multipart form carrying the same
    fields and one `attachment` (checked exactly as the web form's). The answer carries the query code and the
    access token (shown only once; only its hash is kept). Bad input: 400 with a Chinese message per field,
    nothing stored. More than GONGKAI_MESSAGE_RATE_LIMIT messages from one address (the web forms' count too): 429."""
    parsed = _message_payload(request)
    if isinstance(parsed, dict):
        return Status(400, parsed)
    payload, upload = parsed
    if payload.website:
        return Status(400, {"detail": HONEYPOT_MESSAGE, "errors": {}})
    limit, window = messages.message_limit()
    try:
        with throttle.slot("message", client_ip(request), limit, window):
            message, token = messages.submit_message(messages.MessageData(
                category=payload.category or "", agency=payload.agency or "", title=payload.title or "",
                content=payload.content or "", name=payload.name or "", phone=payload.phone or "",
                email=payload.email or "", publish_reply=payload.publish_reply, page_url=payload.page_url or "",
                attachment_name=upload.name if upload else "",
                # Read at most one byte past the limit: the service refuses it at its field either way.
                attachment=upload.read(rules.attachment_limit() + 1) if upload else None),
                channel=MessageChannel.API)
    except throttle.Throttled as exc:
        return _too_many(exc.retry_after)
    except DomainError as exc:
        return Status(400, {"detail": exc.message, "errors": exc.errors})
    return Status(201, {"code": message.code, "access_token": token, "received_on": message.received_on,
                        "due_on": message.due_on})


@router.get("/messages", response={200: PublicMessagePage, 400: Invalid}, summary="公开答复的留言",
            tags=["政府信箱"])
def list_messages(request, query: Query[MessageQuery]):
    """Messages whose writers agreed to publication and whose replies staff published, newest reply first; no
    personal data."""
    found = public_messages()
    if query.category:
        if query.category not in MessageCategory.values:
            return Status(400, {"detail": "category 不是有效的留言类别。", "errors": {"category": ["不是有效的留言类别。"]}})
        found = found.filter(category=query.category)
    start = (query.page - 1) * query.page_size
    return {"count": found.count(), "results": [
        {"id": m.pk, "category": m.category, "category_label": m.get_category_display(),
         "agency": _agency_ref(m.agency), "title": m.title, "content": m.content, "received_on": m.received_on,
         "replied_on": m.replied_on, "reply": m.reply, "url": _url("message-reply", m.pk)}
        for m in found[start:start + query.page_size]]}


def _writer_message(request, code: str, token: str):
    """The message when code and token match, else None; wrong guesses are limited per address."""
    limit, window = throttle.TRACKING_FAILURES
    with throttle.slot("message_query", client_ip(request), limit, window) as failure:
        found = messages.find(code[:40], token[:40])
        if found is not None:
            failure.release()
    return found


@router.get("/messages/{code}", response={200: MessageStatusOut, 400: Message, 404: Message, 429: Message},
            summary="查询留言办理情况", tags=["政府信箱"])
def get_message(request, code: str,
                access_token: str = Header("", alias=TOKEN_HEADER, description="查询密码（提交留言时返回）")):
    """Status and reply of one message for its writer: the query code in the path and the access token in the
    X-Access-Token header (never in the URL). A wrong code or token: 404, the same either way."""
    if "token" in request.GET:
        return Status(400, {"detail": f"查询密码不能写在网址中（会留在访问日志里），请放在请求头 {TOKEN_HEADER} 中。"})
    try:
        found = _writer_message(request, code, access_token)
    except throttle.Throttled as exc:
        return _too_many(exc.retry_after)
    if found is None:
        return Status(404, {"detail": messages.NOT_FOUND})
    return Status(200, _writer_view(found))


@router.post("/messages/{code}/rating", response={200: MessageStatusOut, 400: Invalid, 404: Message, 429: Message},
             summary="评价答复", tags=["政府信箱"])
def rate_message(request, code: str, payload: RatingIn,
                 access_token: str = Header("", alias=TOKEN_HEADER, description="查询密码（提交留言时返回）")):
    """The writer rates the reply once (code and token as for GET /messages/{code})."""
    try:
        found = _writer_message(request, code, access_token)
    except throttle.Throttled as exc:
        return _too_many(exc.retry_after)
    if found is None:
        return Status(404, {"detail": messages.NOT_FOUND})
    try:
        found = messages.rate_reply(found, payload.rating or "", payload.comment or "")
    except DomainError as exc:
        return Status(400, {"detail": exc.message, "errors": exc.errors})
    return Status(200, _writer_view(found))
