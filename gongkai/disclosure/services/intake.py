"""Intake: what an applicant gives (《条例》第二十九条), validated; the case number, tracking code and token; the
date of receipt by channel (《条例》第三十一条) and the first due date."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields
from dataclasses import field as dc_field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from gongkai.core import codes, outbox, serials
from gongkai.core.errors import DomainError
from gongkai.core.workflow import NEW
from gongkai.disclosure import privacy, rules
from gongkai.disclosure.models import (
    LEGACY_ELECTRONIC,
    ApplicantType,
    Application,
    Delivery,
    OrganizationKind,
)
from gongkai.disclosure.rules import Channel, RequestKind
from gongkai.disclosure.services import record_correction as rc
from gongkai.disclosure.services.clock import refresh
from gongkai.disclosure.services.common import SYSTEM, event, fmt, today
from gongkai.disclosure.states import CASE
from gongkai.orgs.models import Agency
from gongkai.orgs.site import site_name

FIELD_LABELS = {
    "applicant_type": "申请人类型", "organization_kind": "组织类型", "name": "姓名或名称",
    "id_number": "身份证明号码", "phone": "联系电话", "email": "电子邮箱", "address": "通信地址",
    "description": "所需政府信息的描述", "delivery": "获取信息的方式", "agency": "受理机关",
    "request_kind": "申请类型",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class ApplicantData:
    """What an applicant gives (《条例》第二十九条): who they are, what they want, how to receive it."""

    applicant_type: str = ""
    organization_kind: str = ""
    name: str = ""
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    description: str = ""
    delivery: str = ""
    agency: str = ""  # agency code
    request_kind: str = ""  # rules.RequestKind; "" = disclosure

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> ApplicantData:
        names = {f.name for f in fields(cls)}
        return cls(**{k: "" if v is None else str(v) for k, v in values.items() if k in names})


def validate_applicant(data: ApplicantData) -> Agency:
    """Clean `data` in place and return the agency; raise DomainError carrying every field error in Chinese."""
    errors: dict[str, list[str]] = {}

    def err(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    for f in fields(data):
        value = _CONTROL.sub("", getattr(data, f.name) or "")
        setattr(data, f.name, value.strip())

    data.request_kind = data.request_kind or RequestKind.DISCLOSURE
    if data.request_kind not in RequestKind.values:
        err("request_kind", "请选择申请类型：申请获取政府信息，或要求更正与本人相关的政府信息记录。")
    if data.applicant_type not in ApplicantType.values:
        err("applicant_type", "请选择申请人类型：自然人或法人（其他组织）。")
    legal = data.applicant_type == ApplicantType.LEGAL_PERSON
    if legal:
        if data.organization_kind not in OrganizationKind.values:
            err("organization_kind", "法人或其他组织请选择组织类型：商业企业、科研机构、社会公益组织、法律服务机构或其他。")
    else:
        data.organization_kind = ""
    if not data.name:
        err("name", "请填写法人或其他组织的名称。" if legal else "请填写申请人姓名。")
    elif len(data.name) > 100:
        err("name", "姓名或名称不能超过 100 个字。")
    data.id_number = privacy.normalise_id(data.id_number)
    if not data.id_number:
        err("id_number", "请填写统一社会信用代码。" if legal else "请填写身份证件号码（《条例》第二十九条要求提供身份证明）。")
    elif legal and not codes.valid_credit_code(data.id_number):
        err("id_number", "统一社会信用代码应为 18 位，且校验位正确，请核对。")
    elif not legal and re.fullmatch(r"\d{17}[\dX]", data.id_number):
        if not privacy.valid_resident_id(data.id_number):
            err("id_number", "居民身份证号码的校验位不正确，请核对。")
    elif not legal and not re.fullmatch(r"[A-Z0-9]{6,20}", data.id_number):
        err("id_number", "请填写 18 位居民身份证号码，或 6 至 20 位字母、数字组成的其他证件号码。")
    if not data.phone:
        err("phone", "请填写联系电话。")
    elif not re.fullmatch(r"\+?[0-9][0-9\- ()]{5,19}", data.phone):
        err("phone", "联系电话只能包含数字、空格、括号和连字符，长度 6 至 20 位。")
    if len(data.email) > 254:
        err("email", "电子邮箱不能超过 254 个字符。")
    elif data.email:
        try:
            validate_email(data.email)
        except ValidationError:
            err("email", "电子邮箱格式不正确，例如 name@example.com。")
    if data.delivery == LEGACY_ELECTRONIC:
        # The one "电子邮件或网上获取" choice of older clients: by e-mail when an address is given, else online.
        data.delivery = Delivery.EMAIL if data.email else Delivery.ONLINE
    if data.delivery not in Delivery.values:
        err("delivery", "请选择获取信息的方式：电子邮件、网上查询下载、当面领取纸质件、邮寄或复制到光盘等存储介质。")
    elif data.delivery == Delivery.EMAIL and not data.email and "email" not in errors:
        err("email", "选择通过电子邮件获取信息时，请填写电子邮箱。")
    elif data.delivery == Delivery.POST and not data.address:
        err("address", "选择邮寄时，请填写通信地址。")
    if len(data.address) > 200:
        err("address", "通信地址不能超过 200 个字。")
    if len(data.description) < 5:
        err("description", "请描述所需政府信息的名称、文号或便于查询的其他特征（至少 5 个字）。")
    elif len(data.description) > 5000:
        err("description", "描述不能超过 5000 个字。")
    agency = Agency.objects.filter(code=data.agency).first() if data.agency else None
    if not data.agency:
        err("agency", "请选择受理申请的机关。")
    elif agency is None:
        err("agency", "没有这个机关，请从机关列表（/api/v1/agencies）中选择。")
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(first, errors=errors)
    return agency


def _case_no(agency: Agency, year: int) -> tuple[int, str]:
    """Next serial and case number of the agency in `year`, e.g. 示例市财政局信〔2026〕第12号 (in a transaction)."""
    prefix = agency.short_name or agency.name
    return serials.allocate(f"disclosure.case_no:{agency.pk}", year, lambda n: f"{prefix}信〔{year}〕第{n}号",
                            lambda value: Application.objects.filter(case_no=value).exists())


def _new_tracking_code() -> str:
    while True:
        code = privacy.new_tracking_code()
        if not Application.objects.filter(tracking_code=code).exists():
            return code


def new_case(data: ApplicantData, agency: Agency, *, channel: str, received_on: dt.date,
             external_id: str | None = None) -> tuple[Application, str]:
    """Write the row of a new case with its numbers and token (the caller records the workflow move)."""
    serial, case_no = _case_no(agency, received_on.year)
    token = privacy.new_access_token()
    application = Application.objects.create(
        agency=agency, case_no=case_no, year=received_on.year, serial=serial, tracking_code=_new_tracking_code(),
        access_token_hash=privacy.hash_token(token), external_id=external_id, channel=channel,
        received_on=received_on, applicant_type=data.applicant_type, organization_kind=data.organization_kind,
        name=data.name, id_number=data.id_number, phone=data.phone, email=data.email, address=data.address,
        description=data.description, delivery=data.delivery, request_kind=data.request_kind,
    )
    return application, token


def _register(actor, data: ApplicantData, agency: Agency, *, channel: str, received_on: dt.date, how: str,
              external_id: str | None = None, extra: _Extra | None = None) -> tuple[Application, str]:
    transition = CASE.check(actor, Application(agency=agency), "register_application")
    application, token = new_case(data, agency, channel=channel, received_on=received_on, external_id=external_id)
    deadline = refresh(application, quiet=True)
    CASE.commit(actor, application, transition, from_state=NEW,
                comment=f"{application.case_no} {Channel(application.channel).label}")
    if application.is_record_correction:
        # 《条例》第四十一条 sets no period: the ordinary 20 working days apply as agency practice (rules.py).
        event(application, actor, "received", f"{how}：要求更正与本人相关的政府信息记录（《条例》第四十一条），"
              f"收到申请日期 {fmt(application.received_on)}。本机关在收到申请次日起 {rules.RECORD_CORRECTION_WORKDAYS} "
              f"个工作日内答复，即 {fmt(deadline.due_on)} 前。", on=application.received_on)
    else:
        event(application, actor, "received", f"{how}，收到申请日期 {fmt(application.received_on)}。"
              f"答复期限为 {fmt(deadline.due_on)}（收到申请次日起 {rules.REPLY_WORKDAYS} 个工作日）。",
              on=application.received_on)
    if extra is not None:
        if application.is_record_correction:
            rc.attach_record_correction(application, extra.correction or rc.RecordCorrectionData(), extra.staged)
        rc.attach_assistance(application, actor, extra.assistance)
    return application, token


@dataclass
class _Extra:
    """What an application may carry beside the applicant's fields: a correction request and its stored evidence,
    and the help the applicant needs."""

    correction: rc.RecordCorrectionData | None = None
    assistance: rc.AssistanceData | None = None
    staged: list = dc_field(default_factory=list)


def _check_extra(data: ApplicantData, errors: dict[str, list[str]], correction, assistance) -> None:
    rc.check_record_correction(data.request_kind or RequestKind.DISCLOSURE, correction, errors)
    rc.check_assistance(assistance, errors)


def _with_evidence(data: ApplicantData, correction, assistance, work):
    """Store the evidence (already checked), run `work(extra)`; the stored files go if it fails."""
    uploads = correction.evidence if correction and data.request_kind == RequestKind.RECORD_CORRECTION else []
    staged = rc.stage_evidence(uploads)
    try:
        return work(_Extra(correction, assistance, staged))
    except BaseException:
        from gongkai.disclosure.services.released import discard

        discard(staged)
        raise


def submit_application(data: ApplicantData, *, received_on: dt.date | None = None, external_id: str | None = None,
                       correction: rc.RecordCorrectionData | None = None,
                       assistance: rc.AssistanceData | None = None) -> tuple[Application, str]:
    """Online intake: the platform confirms receipt at once (《条例》第三十一条（三）), so that day is the date
    of receipt. A correction request (《条例》第四十一条) carries `correction`; the help the applicant needs
    (第四十三条) `assistance`. Returns the application and the access token (shown once; only its hash is kept)."""
    errors: dict[str, list[str]] = {}
    agency = None
    try:
        agency = validate_applicant(data)
    except DomainError as exc:
        errors.update(exc.errors)
    _check_extra(data, errors, correction, assistance)
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    return _with_evidence(data, correction, assistance, lambda extra: _submit(data, agency, received_on,
                                                                              external_id, extra))


@transaction.atomic
def _submit(data: ApplicantData, agency: Agency, received_on: dt.date | None, external_id: str | None,
            extra: _Extra) -> tuple[Application, str]:
    application, token = _register(SYSTEM, data, agency, channel=Channel.ONLINE, received_on=received_on or today(),
                                   external_id=external_id, extra=extra,
                                   how="网上提交申请，平台即时确认收到（《条例》第三十一条第（三）项）")
    if application.email and external_id is None:  # not for cases migrated from an old system
        outbox.queue_mail(application.email, *receipt_mail(application), purpose="disclosure_receipt")
    return application, token


def receipt_mail(application: Application) -> tuple[str, str]:
    """Subject and body of the acknowledgement mailed to an online applicant: never the access token."""
    site, base = site_name(), settings.GONGKAI_BASE_URL
    what = "要求更正政府信息记录的申请" if application.is_record_correction else "政府信息公开申请"
    limit = (f"收到申请次日起 {rules.RECORD_CORRECTION_WORKDAYS} 个工作日" if application.is_record_correction else
             f"收到申请次日起 {rules.REPLY_WORKDAYS} 个工作日；需要延长的，经负责人同意并告知您，最多延长 "
             f"{rules.MAX_EXTENSION_WORKDAYS} 个工作日")
    body = (f"{application.name}，您好：\n\n"
            f"{application.agency.name}已于 {fmt(application.received_on)} 收到您的{what}。\n\n"
            f"查询码：{application.tracking_code}\n"
            f"案件编号：{application.case_no}\n"
            f"答复期限：{fmt(application.due_on)}（{limit}）\n\n"
            f"请在 {base}/ysqgk/track/ 输入查询码和提交时显示的查询密码查看办理进度。"
            "为保护您的信息，本邮件不含查询密码。\n\n"
            f"{site}\n")
    return f"【{site}】{what}已收到（{application.tracking_code}）", body


# Which date the staff form asks for, by channel: errors about the date of receipt land beside it.
_RECEIPT_FIELD = {Channel.IN_PERSON: "handed_in_on", Channel.POST: "signed_for_on",
                  Channel.POST_UNSIGNED: "confirmed_on", Channel.ONLINE: "confirmed_on", Channel.FAX: "confirmed_on"}


def register_application(actor, data: ApplicantData, *, channel: str, handed_in_on: dt.date | None = None,
                         signed_for_on: dt.date | None = None, confirmed_on: dt.date | None = None,
                         correction: rc.RecordCorrectionData | None = None,
                         assistance: rc.AssistanceData | None = None) -> tuple[Application, str]:
    """Staff register a letter, fax or walk-in application; the date of receipt follows 《条例》第三十一条.
    A correction request carries `correction` (《条例》第四十一条); the help needed and given `assistance`."""
    errors: dict[str, list[str]] = {}
    agency = None
    try:
        agency = validate_applicant(data)
    except DomainError as exc:
        errors.update(exc.errors)
    received_on = None
    try:
        received_on = rules.date_of_receipt(channel, handed_in_on=handed_in_on, signed_for_on=signed_for_on,
                                            confirmed_on=confirmed_on)
    except DomainError as exc:
        errors.update(exc.errors)
    if received_on and received_on > today():
        errors.setdefault(_RECEIPT_FIELD[channel], []).append("收到申请的日期不能晚于今天。")
    elif received_on and received_on < rules.IN_FORCE_SINCE:
        errors.setdefault(_RECEIPT_FIELD[channel], []).append(
            "收到申请的日期不能早于2008年5月1日（《政府信息公开条例》施行之日），请核对。")
    _check_extra(data, errors, correction, assistance)
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)

    @transaction.atomic
    def work(extra: _Extra) -> tuple[Application, str]:
        return _register(actor, data, agency, channel=channel, received_on=received_on, extra=extra,
                         how=f"登记{Channel(channel).label}的申请（《条例》第三十一条）")

    return _with_evidence(data, correction, assistance, work)
