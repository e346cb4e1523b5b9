"""Intake and tracking API: POST /api/v1/applications and GET /api/v1/applications/{tracking_code} (the
access token in the X-Access-Token header)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt

from django.http import JsonResponse
from ninja import Field, Header, Router, Schema, Status
from pydantic import ConfigDict

from gongkai.core.clientip import client_ip
from gongkai.core.errors import DomainError
from gongkai.disclosure import public, services, throttle
from gongkai.disclosure.forms import HONEYPOT_MESSAGE

router = Router(tags=["依申请公开"])


class EvidenceIn(Schema):
    name: str = Field(description="文件名，含扩展名（.pdf、.ofd、.docx、.xlsx、.zip、.png、.jpg）")
    content_base64: str = Field(description="文件内容，Base64 编码")


class ApplicationIn(Schema):
    # Every field arrives as text and is checked by the service, so each mistake gets its own Chinese message.
    model_config = ConfigDict(coerce_numbers_to_str=True)

    applicant_type: str | None = Field(None, description="natural_person（自然人）或 legal_person（法人或其他组织）")
    organization_kind: str | None = Field(
        None, description="法人或其他组织必填：commercial / research / public_interest / legal_service / other")
    name: str | None = Field(None, description="姓名或名称")
    id_number: str | None = Field(None, description="身份证件号码或统一社会信用代码")
    phone: str | None = Field(None, description="联系电话")
    email: str | None = Field(None, description="电子邮箱（以电子方式获取信息时必填）")
    address: str | None = Field(None, description="通信地址（邮寄时必填）")
    description: str | None = Field(None, description="所需政府信息的名称、文号或便于查询的其他特征性描述")
    delivery: str | None = Field(None, description="获取信息的方式：electronic / paper / post")
    agency: str | None = Field(None, description="受理机关的机构代码，见 GET /api/v1/agencies")
    website: str | None = Field(None, description="留空（与网页表单相同的防机器人字段，填写则不予受理）")
    request_kind: str | None = Field(
        None, description="disclosure（申请获取政府信息，默认）或 record_correction（要求更正与本人相关的政府信息记录，"
                          "《条例》第四十一条；description 写明需要更正的记录）")
    inaccuracy: str | None = Field(None, description="要求更正时必填：记录不准确之处")
    correct_content: str | None = Field(None, description="要求更正时必填：正确的内容")
    evidence_note: str | None = Field(None, description="证据说明（没有上传证据文件时必填）")
    evidence_files: list[EvidenceIn] | None = Field(None, description="证据文件（与 evidence_note 至少填一项），"
                                                                       "请求正文合计不超过 1 MB")
    assistance_needs: list[str] | None = Field(
        None, description="需要的帮助（《条例》第四十三条，仅经办人员可见）：reading / sight / hearing / other")
    assistance_detail: str | None = Field(None, description="需要的帮助的具体说明")


class ApplicationCreated(Schema):
    tracking_code: str
    access_token: str = Field(description="查询密码：只显示这一次，请妥善保存")
    case_no: str
    received_on: dt.date
    due_on: dt.date | None
    status: str


class AgencyRef(Schema):
    code: str
    name: str


class TimelineItem(Schema):
    date: dt.date
    text: str


class ApplicationStatus(Schema):
    tracking_code: str
    case_no: str
    agency: AgencyRef
    status: str
    status_label: str
    status_text: str
    received_on: dt.date
    due_on: dt.date | None
    due_confirmed: bool
    clock: str
    clock_label: str
    correction_due_on: dt.date | None
    correction_items: str | None
    decision: str | None
    decision_label: str | None
    decided_on: dt.date | None
    timeline: list[TimelineItem]
    request_kind: str
    request_kind_label: str
    record_correction_outcome: str | None
    record_correction_outcome_label: str | None
    competent_agency: str | None
    assistance: str | None = Field(description="已为申请人安排的帮助（不含申请人的健康情况）")


class Message(Schema):
    detail: str


def _too_many(detail: str, seconds: int) -> JsonResponse:
    response = JsonResponse({"detail": detail}, status=429, json_dumps_params={"ensure_ascii": False})
    response["Retry-After"] = str(seconds)
    return response


@router.post("/applications", response={201: ApplicationCreated, 400: Message, 403: Message, 413: Message,
                                        415: Message, 429: Message}, summary="提交政府信息公开申请")
def create_application(request, payload: ApplicationIn):
    """Apply online. The answer carries the tracking code and the access token (shown only once).

    The body must be JSON (`Content-Type: application/json`, else 415); a browser's `Origin`, when sent, must be
    this site's (else 403). Invalid input: 400 with a Chinese message per field, and nothing is saved. More than
    GONGKAI_APPLICATION_RATE_LIMIT accepted submissions from one address (the web form's count too): 429."""
    if payload.website:
        # The web form's robot trap, kept for clients built from the form: refuse without saying why.
        return Status(400, {"detail": HONEYPOT_MESSAGE})
    limit, window = throttle.intake_limit()
    try:
        # The slot is taken before saving and given back if the service refuses the input.
        with throttle.slot("intake", client_ip(request), limit, window):
            application, token = services.submit_application(
                services.ApplicantData.from_mapping(payload.model_dump()), correction=_correction(payload),
                assistance=services.AssistanceData(needs=[str(n) for n in payload.assistance_needs or []],
                                                   detail=payload.assistance_detail or ""))
    except throttle.Throttled as exc:
        return _too_many(throttle.too_many_message(exc.retry_after), exc.retry_after)
    return Status(201, {"tracking_code": application.tracking_code, "access_token": token,
                 "case_no": application.case_no, "received_on": application.received_on,
                 "due_on": application.due_on, "status": application.state})


def _correction(payload: ApplicationIn) -> services.RecordCorrectionData:
    """The correction request's content, evidence decoded; undecodable files are refused at their field."""
    files = []
    for n, item in enumerate(payload.evidence_files or [], 1):
        try:
            files.append(services.EvidenceFile(item.name, base64.b64decode(item.content_base64, validate=True)))
        except (binascii.Error, ValueError):
            raise DomainError(f"第 {n} 个证据文件“{item.name[:80]}”的 content_base64 不是有效的 Base64 编码。",
                              field="evidence_files") from None
    return services.RecordCorrectionData(inaccuracy=payload.inaccuracy or "",
                                         correct_content=payload.correct_content or "",
                                         evidence_note=payload.evidence_note or "", evidence=files)


TOKEN_HEADER = "X-Access-Token"


@router.get("/applications/{tracking_code}",
            response={200: ApplicationStatus, 400: Message, 404: Message, 429: Message}, summary="查询申请办理进度")
def track_application(request, tracking_code: str,
                      access_token: str = Header("", alias=TOKEN_HEADER, description="查询密码（提交申请时返回）")):
    """Status, due date and public timeline of one application; both the code and the token (in the
    X-Access-Token header, never in the URL, which access logs keep) must match."""
    if "token" in request.GET:
        return Status(400, {"detail": f"查询密码不能写在网址中（会留在访问日志里），请放在请求头 {TOKEN_HEADER} 中。"})
    token = access_token
    limit, window = throttle.TRACKING_FAILURES
    try:
        # A failure slot is taken before looking, so parallel guesses cannot all slip under the limit.
        with throttle.slot("tracking", client_ip(request), limit, window) as failure:
            application = public.find(tracking_code[:40], token[:40])
            if application is not None:
                failure.release()
    except throttle.Throttled as exc:
        return _too_many(throttle.TRACKING_MESSAGE, exc.retry_after)
    if application is None:
        return Status(404, {"detail": public.NOT_FOUND})
    return Status(200, public.status(application))
