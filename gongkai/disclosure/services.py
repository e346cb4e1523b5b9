"""The write path of disclosure on application: every change to a case goes through a function here.

Each service checks the actor's role in the case's agency, validates, runs in one transaction, writes an audit
entry and a case event (public ones form the applicant's timeline), recomputes the reply due date from the
stored facts and says in the history when that date moved — a deadline never changes silently.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from gongkai.core import audit
from gongkai.core.errors import DomainError, PermissionDenied
from gongkai.core.workdays import WorkCalendar
from gongkai.disclosure import letters, privacy, rules, states
from gongkai.disclosure.models import (
    ApplicantType,
    Application,
    CaseCounter,
    CaseEvent,
    Clock,
    Delivery,
    FeeNotice,
    LitigationRoute,
    OrganizationKind,
    Pause,
    Remedy,
    RemedyKind,
    RemedyOutcome,
    ReplyLetter,
)
from gongkai.disclosure.rules import Channel, DecisionGroup, FeeBasis, PauseKind
from gongkai.disclosure.states import State
from gongkai.orgs.models import Agency
from gongkai.orgs.permissions import has_role
from gongkai.orgs.roles import Role

SYSTEM = None  # the actor recorded for intake, imports and calendar recomputation

FIELD_LABELS = {
    "applicant_type": "申请人类型", "organization_kind": "组织类型", "name": "姓名或名称",
    "id_number": "身份证明号码", "phone": "联系电话", "email": "电子邮箱", "address": "通信地址",
    "description": "所需政府信息的描述", "delivery": "获取信息的方式", "agency": "受理机关",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _today() -> dt.date:
    return timezone.localdate()


def _fmt(day: dt.date | None) -> str:
    return f"{day:%Y-%m-%d}" if day else "—"


# ---------------------------------------------------------------------------------------------------------------
# Intake

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
    elif legal and not privacy.valid_credit_code(data.id_number):
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
    if data.email:
        try:
            validate_email(data.email)
        except ValidationError:
            err("email", "电子邮箱格式不正确，例如 name@example.com。")
    if data.delivery not in Delivery.values:
        err("delivery", "请选择获取信息的方式：电子、当面领取纸质件或邮寄。")
    elif data.delivery == Delivery.ELECTRONIC and not data.email and "email" not in errors:
        err("email", "选择以电子方式获取信息时，请填写电子邮箱。")
    elif data.delivery == Delivery.POST and not data.address:
        err("address", "选择邮寄纸质件时，请填写通信地址。")
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
    counter, _ = CaseCounter.objects.select_for_update().get_or_create(agency=agency, year=year)
    prefix = agency.short_name or agency.name
    while True:
        counter.last += 1
        case_no = f"{prefix}信〔{year}〕第{counter.last}号"
        if not Application.objects.filter(case_no=case_no).exists():
            break
    counter.save(update_fields=["last"])
    return counter.last, case_no


def _new_tracking_code() -> str:
    while True:
        code = privacy.new_tracking_code()
        if not Application.objects.filter(tracking_code=code).exists():
            return code


def _create(actor, data: ApplicantData, agency: Agency, *, channel: str, received_on: dt.date,
            external_id: str | None = None) -> tuple[Application, str]:
    serial, case_no = _case_no(agency, received_on.year)
    token = privacy.new_access_token()
    application = Application.objects.create(
        agency=agency, case_no=case_no, year=received_on.year, serial=serial, tracking_code=_new_tracking_code(),
        access_token_hash=privacy.hash_token(token), external_id=external_id, channel=channel,
        received_on=received_on, applicant_type=data.applicant_type, organization_kind=data.organization_kind,
        name=data.name, id_number=data.id_number, phone=data.phone, email=data.email, address=data.address,
        applicant_key=privacy.applicant_key(data.id_number), description=data.description, delivery=data.delivery,
    )
    return application, token


@transaction.atomic
def submit_application(data: ApplicantData, *, received_on: dt.date | None = None,
                       external_id: str | None = None) -> tuple[Application, str]:
    """Online intake: the platform confirms receipt at once (《条例》第三十一条（三）), so that day is the date
    of receipt. Returns the application and the access token (shown once; only its hash is kept)."""
    agency = validate_applicant(data)
    received_on = received_on or _today()
    application, token = _create(SYSTEM, data, agency, channel=Channel.ONLINE, received_on=received_on,
                                 external_id=external_id)
    _after_receipt(SYSTEM, application, "网上提交申请，平台即时确认收到（《条例》第三十一条第（三）项）")
    return application, token


@transaction.atomic
def register_application(actor, data: ApplicantData, *, channel: str, handed_in_on: dt.date | None = None,
                         signed_for_on: dt.date | None = None, confirmed_on: dt.date | None = None
                         ) -> tuple[Application, str]:
    """Staff register a letter, fax or walk-in application; the date of receipt follows 《条例》第三十一条."""
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
    if received_on and received_on > _today():
        errors.setdefault("received_on", []).append("收到申请的日期不能晚于今天。")
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    _require_handler(actor, agency)
    application, token = _create(actor, data, agency, channel=channel, received_on=received_on)
    _after_receipt(actor, application, f"登记{Channel(channel).label}的申请（《条例》第三十一条）")
    return application, token


def _after_receipt(actor, application: Application, how: str) -> None:
    deadline = _refresh(application, quiet=True)
    audit.record(actor, "register_application", application, to_state=application.state,
                 comment=f"{application.case_no} {Channel(application.channel).label}")
    _event(application, actor, "received", f"{how}，收到申请日期 {_fmt(application.received_on)}。"
           f"答复期限为 {_fmt(deadline.due_on)}（收到申请次日起 {rules.REPLY_WORKDAYS} 个工作日）。",
           on=application.received_on)


# ---------------------------------------------------------------------------------------------------------------
# Permissions, events, the clock

def handles(user, agency: Agency) -> bool:
    """Whether `user` handles applications of `agency` (disclosure officer or head of the disclosure office)."""
    return has_role(user, Role.DISCLOSURE_OFFICER, agency) or has_role(user, Role.DISCLOSURE_HEAD, agency)


def _require_handler(actor, agency: Agency) -> None:
    if not handles(actor, agency):
        raise PermissionDenied(f"您不是“{agency.name}”的依申请公开经办人或政府信息公开工作机构负责人。")


def _locked(application: Application) -> Application:
    return Application.objects.select_for_update().select_related("agency").get(pk=application.pk)


def _event(application: Application, actor, kind: str, message: str, *, public: bool = True,
           on: dt.date | None = None, **data: Any) -> CaseEvent:
    name = ""
    if actor is not None and getattr(actor, "is_authenticated", False):
        name = actor.get_full_name() or actor.get_username()
    return CaseEvent.objects.create(application=application, actor=actor if getattr(actor, "pk", None) else None,
                                    actor_name=name or "系统", kind=kind, message=message, public=public,
                                    on=on or _today(), data=data)


def deadline_for(application: Application, calendar: WorkCalendar | None = None,
                 today: dt.date | None = None) -> tuple[rules.Deadline | None, str]:
    """The reply deadline computed from the stored facts, and the state of the clock.

    An open pause is counted up to today, so the date shown while paused is the earliest the reply can fall due.
    """
    calendar = calendar or WorkCalendar.load()
    today = today or _today()
    if application.state == State.CORRECTION_REQUESTED:
        return None, Clock.AWAITING_CORRECTION
    answered = application.state in states.ANSWERED_STATES
    if answered and application.correction_requested_on and not application.corrected_on:
        return None, Clock.STOPPED  # never corrected: the reply period never started again
    limit = application.decided_on if answered and application.decided_on else today
    pauses, paused = [], False
    for pause in application.pauses.all():
        if not rules.STOPS_CLOCK[pause.kind] or pause.started_on > limit:
            continue
        end = pause.ended_on or limit
        paused = paused or pause.ended_on is None
        label = pause.get_kind_display() + (f"（{pause.party}）" if pause.kind == PauseKind.OTHER_AGENCY else "")
        pauses.append(rules.Pause(pause.started_on, max(end, pause.started_on), label))
    deadline = rules.reply_deadline(application.received_on, corrected_on=application.corrected_on, pauses=pauses,
                                    extended=application.extension_days > 0,
                                    extension_days=application.extension_days or rules.MAX_EXTENSION_WORKDAYS,
                                    calendar=calendar)
    if answered:
        return deadline, Clock.STOPPED
    return deadline, Clock.PAUSED if paused else Clock.RUNNING


def _refresh(application: Application, *, calendar: WorkCalendar | None = None, cause: str = "",
             actor=None, quiet: bool = False, on: dt.date | None = None) -> rules.Deadline | None:
    """Recompute and cache the due date; unless `quiet`, record in the history when it moved and why."""
    old_due = application.due_on
    deadline, clock = deadline_for(application, calendar)
    shown = deadline.due_on if deadline is not None and clock in (Clock.RUNNING, Clock.STOPPED) else None
    application.due_on = shown
    application.original_due_on = deadline.original_due_on if deadline else None
    application.due_confirmed = deadline.confirmed if deadline else True
    application.clock = clock
    application.save(update_fields=["due_on", "original_due_on", "due_confirmed", "clock", "updated_at"])
    if not quiet and shown != old_due and shown is not None:
        if old_due is None:
            message = f"{cause}，答复期限为 {_fmt(shown)}。"
        else:
            message = f"{cause}，答复期限由 {_fmt(old_due)} 改为 {_fmt(shown)}。"
        _event(application, actor, "deadline_changed", message, on=on, old=_fmt(old_due), new=_fmt(shown))
    return deadline


def recompute_open_cases(cause: str = "节假日安排变更") -> int:
    """Recompute every open case (after the holiday table changed); return how many due dates moved.

    Each moved date is written in that case's history and the audit log."""
    calendar = WorkCalendar.load()
    moved = 0
    for pk in Application.objects.filter(state__in=states.OPEN_STATES).values_list("pk", flat=True):
        with transaction.atomic():
            application = _locked(Application(pk=pk))
            old = application.due_on
            _refresh(application, calendar=calendar, cause=cause)
            if application.due_on != old and old is not None and application.due_on is not None:
                moved += 1
                audit.record(SYSTEM, "recompute_deadline", application, comment=cause, old=_fmt(old),
                             new=_fmt(application.due_on))
    return moved


# ---------------------------------------------------------------------------------------------------------------
# Handling

def _date(value: dt.date | None, application: Application, label: str, field: str,
          not_before: dt.date | None = None) -> dt.date:
    """A handling date: default today, never in the future, never before receipt (or `not_before`)."""
    value = value or _today()
    floor = not_before or application.received_on
    if value > _today():
        raise DomainError(f"{label}不能晚于今天。", field=field)
    if value < floor:
        raise DomainError(f"{label}不能早于 {_fmt(floor)}。", field=field)
    return value


@transaction.atomic
def accept_application(actor, application: Application, comment: str = "") -> Application:
    """Start handling a received application (the request is clear enough: no correction needed)."""
    application = _locked(application)
    _require_handler(actor, application.agency)
    transition = states.check("accept", application.state)
    previous = application.state
    application.state = transition.target
    if application.assigned_to_id is None and getattr(actor, "pk", None):
        application.assigned_to = actor
    application.save()
    audit.record(actor, "accept", application, from_state=previous, to_state=application.state, comment=comment)
    _event(application, actor, "accepted", "申请内容明确，已开始办理。")
    if comment:
        _event(application, actor, "note", comment, public=False)
    return application


@transaction.atomic
def assign_application(actor, application: Application, assignee) -> Application:
    """Give the case to a disclosure officer of the same agency."""
    application = _locked(application)
    _require_handler(actor, application.agency)
    if assignee is None or not handles(assignee, application.agency):
        raise DomainError("只能分派给本机关的依申请公开经办人。", field="assignee")
    application.assigned_to = assignee
    application.save(update_fields=["assigned_to", "updated_at"])
    who = assignee.get_full_name() or assignee.get_username()
    audit.record(actor, "assign", application, comment=who)
    _event(application, actor, "assigned", f"分派给 {who} 办理。", public=False)
    return application


@transaction.atomic
def add_note(actor, application: Application, text: str) -> CaseEvent:
    """An internal note in the case history (never shown to the applicant)."""
    application = _locked(application)
    _require_handler(actor, application.agency)
    text = (text or "").strip()
    if not text:
        raise DomainError("请填写备注内容。", field="note")
    audit.record(actor, "note", application)
    return _event(application, actor, "note", text[:2000], public=False)


@transaction.atomic
def request_correction(actor, application: Application, items: str, *, requested_on: dt.date | None = None,
                       due_on: dt.date | None = None) -> Application:
    """Tell the applicant once what to correct and by when (《条例》第三十条); the clock stops until then."""
    application = _locked(application)
    _require_handler(actor, application.agency)
    transition = states.check("request_correction", application.state)
    if application.correction_requested_on:
        raise DomainError("补正应当一次性告知（《条例》第三十条），本申请已告知过补正。", field="items")
    items = (items or "").strip()
    if not items:
        raise DomainError("请写明需要补正的事项。", field="items")
    requested_on = _date(requested_on, application, "告知补正日期", "requested_on")
    calendar = WorkCalendar.load()
    due_on = due_on or rules.workdays_after(requested_on, rules.DEFAULT_CORRECTION_WORKDAYS, calendar)
    if due_on <= requested_on:
        raise DomainError("补正期限应晚于告知补正的日期。", field="due_on")
    notice_due = rules.correction_notice_due(application.received_on, calendar)
    late = requested_on > notice_due
    previous = application.state
    application.state = transition.target
    application.correction_requested_on = requested_on
    application.correction_items = items
    application.correction_due_on = due_on
    application.correction_notice_late = late
    application.save()
    _refresh(application, calendar=calendar, quiet=True)
    audit.record(actor, "request_correction", application, from_state=previous, to_state=application.state,
                 late=late, due_on=_fmt(due_on))
    _event(application, actor, "correction_requested",
           f"已一次性告知补正，补正期限为 {_fmt(due_on)}。答复期限自收到补正后的申请之日起重新计算（《条例》第三十条）；"
           "无正当理由逾期不补正的，视为放弃申请。", on=requested_on, items=items)
    if late:
        _event(application, actor, "correction_late",
               f"注意：告知补正日期 {_fmt(requested_on)} 晚于法定的 7 个工作日期限（{_fmt(notice_due)}）。",
               public=False)
    return application


@transaction.atomic
def receive_correction(actor, application: Application, *, corrected_on: dt.date | None = None,
                       comment: str = "") -> Application:
    """Record the corrected application; the reply period restarts from the day it was received."""
    application = _locked(application)
    _require_handler(actor, application.agency)
    transition = states.check("receive_correction", application.state)
    corrected_on = _date(corrected_on, application, "收到补正日期", "corrected_on",
                         not_before=application.correction_requested_on)
    late = application.correction_due_on and corrected_on > application.correction_due_on
    if late and not comment.strip():
        raise DomainError(f"补正已超过期限（{_fmt(application.correction_due_on)}）。申请人有正当理由的，"
                          "请在说明中写明理由后再接收；否则请作“逾期不补正”处理。", field="comment")
    previous = application.state
    application.state = transition.target
    application.corrected_on = corrected_on
    if application.assigned_to_id is None and getattr(actor, "pk", None):
        application.assigned_to = actor
    application.save()
    _refresh(application, actor=actor, cause="收到补正后的申请，答复期限重新起算", on=corrected_on)
    audit.record(actor, "receive_correction", application, from_state=previous, to_state=application.state,
                 comment=comment)
    _event(application, actor, "corrected", f"收到补正后的申请（{_fmt(corrected_on)}）。", on=corrected_on)
    if comment.strip():
        _event(application, actor, "note", comment.strip(), public=False)
    return application


@transaction.atomic
def start_consultation(actor, application: Application, kind: str, *, party: str = "",
                       started_on: dt.date | None = None, reason: str = "") -> Pause:
    """Consult a third party, another agency or the legal adviser; the first two stop the clock (第三十三条)."""
    application = _locked(application)
    _require_handler(actor, application.agency)
    states.require(application.state, states.HANDLING_STATES, "征求意见或暂停计时")
    if kind not in PauseKind.values or kind == PauseKind.FEE_NOTICE:
        raise DomainError("请选择征求意见的类型。", field="kind")
    party = (party or "").strip()
    reason = (reason or "").strip()
    if kind in (PauseKind.THIRD_PARTY, PauseKind.OTHER_AGENCY, PauseKind.LEGAL) and not party:
        raise DomainError("请填写征求意见的对象。", field="party")
    if kind == PauseKind.OTHER and not reason:
        raise DomainError("暂停计时必须写明事由和法律依据，申请人会看到事由。", field="reason")
    started_on = _date(started_on, application, "开始日期", "started_on")
    if application.pauses.filter(kind=kind, party=party, ended_on__isnull=True).exists():
        raise DomainError("已有一项相同的征求意见尚未结束。", field="party")
    reply_due = None
    if kind in (PauseKind.THIRD_PARTY, PauseKind.OTHER_AGENCY):
        # 第三十二条、第三十四条: 15 working days from receipt of the consultation letter.
        reply_due = rules.workdays_after(started_on, rules.CONSULTATION_WORKDAYS)
    pause = Pause.objects.create(application=application, kind=kind, party=party, reason=reason,
                                 started_on=started_on, reply_due_on=reply_due,
                                 created_by=actor if getattr(actor, "pk", None) else None)
    label = PauseKind(kind).label
    _refresh(application, quiet=True)
    audit.record(actor, "start_consultation", application, comment=label, pause=pause.pk)
    if rules.STOPS_CLOCK[kind]:
        public_text = f"{label}，自 {_fmt(started_on)} 起暂停计时，所需时间不计算在答复期限内（{rules.PAUSE_BASIS[kind]}）。"
        if kind == PauseKind.OTHER:
            public_text = f"暂停计时：{reason}（自 {_fmt(started_on)} 起）。"
        _event(application, actor, "paused", public_text, on=started_on, pause=pause.pk)
    _event(application, actor, "consultation", f"{label}：{party or reason}"
           + (f"，请于 {_fmt(reply_due)} 前回复" if reply_due else "")
           + ("（会商期间答复期限照常计算）" if not rules.STOPS_CLOCK[kind] else "") + "。",
           public=False, on=started_on, pause=pause.pk)
    return pause


@transaction.atomic
def end_consultation(actor, pause: Pause, *, ended_on: dt.date | None = None, outcome: str = "") -> Pause:
    """Close a consultation with its outcome; a stopped clock resumes the next working day."""
    application = _locked(pause.application)
    pause = Pause.objects.select_for_update().get(pk=pause.pk)
    _require_handler(actor, application.agency)
    states.require(application.state, states.HANDLING_STATES, "结束征求意见")
    if pause.kind == PauseKind.FEE_NOTICE:
        raise DomainError("收费通知请通过“登记缴费”结束。")
    if pause.ended_on is not None:
        raise DomainError("该项征求意见已经结束。")
    pause.ended_on = _date(ended_on, application, "结束日期", "ended_on", not_before=pause.started_on)
    pause.outcome = (outcome or "").strip()
    pause.save(update_fields=["ended_on", "outcome"])
    label = pause.get_kind_display()
    audit.record(actor, "end_consultation", application, comment=label, pause=pause.pk)
    _event(application, actor, "consultation_ended", f"{label}结束：{pause.outcome or '已收到意见'}。",
           public=False, on=pause.ended_on, pause=pause.pk)
    if pause.stops_clock:
        _event(application, actor, "resumed", f"{label}结束（{_fmt(pause.ended_on)}），恢复计时。",
               on=pause.ended_on, pause=pause.pk)
        _refresh(application, actor=actor, cause=f"{label}期间不计入答复期限", on=pause.ended_on)
    return pause


@transaction.atomic
def request_extension(actor, application: Application, days: int, reason: str) -> Application:
    """An officer asks the head of the disclosure office to extend the reply period (at most 20 working days)."""
    application = _locked(application)
    _require_handler(actor, application.agency)
    states.require(application.state, states.HANDLING_STATES, "申请延期")
    _check_extension(application, days, reason)
    application.extension_requested_days = days
    application.extension_reason = reason.strip()
    application.extension_requested_by = actor if getattr(actor, "pk", None) else None
    application.save()
    audit.record(actor, "request_extension", application, comment=reason, days=days)
    _event(application, actor, "extension_requested", f"申请延长答复期限 {days} 个工作日，待政府信息公开工作机构负责人审批。"
           f"理由：{reason.strip()}", public=False)
    return application


def _check_extension(application: Application, days: int, reason: str) -> None:
    if application.extension_days:
        raise DomainError("本申请已延长过答复期限，延长的期限最长不得超过 20 个工作日（《条例》第三十三条）。",
                          field="days")
    if not isinstance(days, int) or not 0 < days <= rules.MAX_EXTENSION_WORKDAYS:
        raise DomainError(f"延长的期限应为 1 至 {rules.MAX_EXTENSION_WORKDAYS} 个工作日。", field="days")
    if not (reason or "").strip():
        raise DomainError("请写明需要延长答复期限的理由。", field="reason")


@transaction.atomic
def approve_extension(actor, application: Application, *, days: int | None = None, reason: str = "",
                      approved_on: dt.date | None = None) -> Application:
    """The head of the disclosure office extends the period; the applicant is told (《条例》第三十三条)."""
    application = _locked(application)
    if not has_role(actor, Role.DISCLOSURE_HEAD, application.agency):
        raise PermissionDenied("延长答复期限须经政府信息公开工作机构负责人同意（《条例》第三十三条）。")
    states.require(application.state, states.HANDLING_STATES, "延长答复期限")
    days = days or application.extension_requested_days or rules.MAX_EXTENSION_WORKDAYS
    reason = (reason or application.extension_reason).strip()
    _check_extension(application, days, reason)
    approved_on = _date(approved_on, application, "批准日期", "approved_on")
    deadline, clock = deadline_for(application)
    if deadline is not None and clock == Clock.RUNNING and approved_on > deadline.due_on:
        raise DomainError(f"答复期限已于 {_fmt(deadline.due_on)} 届满，不能再延长。", field="days")
    application.extension_days = days
    application.extension_reason = reason
    application.extension_approved_by = actor if getattr(actor, "pk", None) else None
    application.extension_approved_on = approved_on
    application.save()
    audit.record(actor, "approve_extension", application, comment=reason, days=days)
    _event(application, actor, "extended",
           f"经政府信息公开工作机构负责人同意，答复期限延长 {days} 个工作日（《条例》第三十三条），已告知申请人。理由：{reason}",
           on=approved_on, days=days)
    _refresh(application, actor=actor, cause="延长答复期限", on=approved_on)
    return application


@transaction.atomic
def refuse_extension(actor, application: Application, comment: str) -> Application:
    """The head declines a requested extension; the original period stands."""
    application = _locked(application)
    if not has_role(actor, Role.DISCLOSURE_HEAD, application.agency):
        raise PermissionDenied("只有政府信息公开工作机构负责人可以审批延期。")
    if not application.extension_requested_days or application.extension_days:
        raise DomainError("没有待审批的延期申请。")
    if not (comment or "").strip():
        raise DomainError("请写明不同意延期的意见。", field="comment")
    application.extension_requested_days = 0
    application.save()
    audit.record(actor, "refuse_extension", application, comment=comment)
    _event(application, actor, "extension_refused", f"不同意延期：{comment.strip()}", public=False)
    return application


def nth_application_in_month(application: Application) -> int:
    """How many applications this applicant made to this agency in the calendar month, this one included."""
    if not application.applicant_key:
        raise DomainError("缺少申请人身份证明号码，无法按件计收。", field="basis")
    month_start = application.received_on.replace(day=1)
    earlier = Application.objects.filter(agency=application.agency, applicant_key=application.applicant_key,
                                         received_on__gte=month_start, received_on__lte=application.received_on)
    return sum(1 for a in earlier.only("pk", "received_on")
               if (a.received_on, a.pk) <= (application.received_on, application.pk))


@transaction.atomic
def issue_fee_notice(actor, application: Application, basis: str, *, pages: int | None = None,
                     issued_on: dt.date | None = None) -> FeeNotice:
    """Send a processing-fee notice on one basis (《收费办法》第三条); the clock stops until payment."""
    application = _locked(application)
    _require_handler(actor, application.agency)
    states.require(application.state, states.HANDLING_STATES, "发出收费通知")
    if application.fee_notices.exists():
        raise DomainError("每件申请只能按一种标准计收一次，不得重复计算（《收费办法》第三条）。", field="basis")
    if basis == FeeBasis.PER_PAGE:
        if pages is None or pages < 1:
            raise DomainError("按量计收请填写页数。", field="pages")
        quantity = pages
    elif basis == FeeBasis.PER_APPLICATION:
        quantity = nth_application_in_month(application)
    else:
        raise DomainError("请选择计收方式（按件或按量）。", field="basis")
    amount = rules.fee(basis, quantity)
    if amount == 0:
        what = f"本月第 {quantity} 件申请" if basis == FeeBasis.PER_APPLICATION else f"{quantity} 页"
        raise DomainError(f"{what}按{FeeBasis(basis).label}标准不收费，无需发出收费通知。", field="basis")
    issued_on = _date(issued_on, application, "发出日期", "issued_on")
    pay_by = rules.workdays_after(issued_on, rules.FEE_PAYMENT_WORKDAYS)
    pause = Pause.objects.create(application=application, kind=PauseKind.FEE_NOTICE, started_on=issued_on,
                                 reply_due_on=pay_by, reason=f"{FeeBasis(basis).label} {amount} 元",
                                 created_by=actor if getattr(actor, "pk", None) else None)
    notice = FeeNotice.objects.create(application=application, pause=pause, basis=basis, quantity=quantity,
                                      amount_yuan=amount, issued_on=issued_on, pay_by=pay_by)
    _refresh(application, quiet=True)
    audit.record(actor, "issue_fee_notice", application, basis=basis, quantity=quantity, amount=amount)
    unit = f"本月第 {quantity} 件" if basis == FeeBasis.PER_APPLICATION else f"共 {quantity} 页"
    _event(application, actor, "fee_notice",
           f"已发出信息处理费收费通知：{FeeBasis(basis).label}（{unit}），金额 {amount} 元，请于 {_fmt(pay_by)} 前缴纳；"
           "逾期未缴纳的视为放弃申请。自发出通知至缴费期间暂停计时。", on=issued_on, amount=amount)
    return notice


@transaction.atomic
def record_payment(actor, notice: FeeNotice, *, paid_on: dt.date | None = None) -> FeeNotice:
    """Record that the fee was paid; the clock resumes."""
    application = _locked(notice.application)
    notice = FeeNotice.objects.select_for_update().select_related("pause").get(pk=notice.pk)
    _require_handler(actor, application.agency)
    states.require(application.state, states.HANDLING_STATES, "登记缴费")
    if notice.paid_on:
        raise DomainError("该收费通知已登记缴费。")
    paid_on = _date(paid_on, application, "缴费日期", "paid_on", not_before=notice.issued_on)
    notice.paid_on = paid_on
    notice.save(update_fields=["paid_on"])
    notice.pause.ended_on = paid_on
    notice.pause.outcome = "已缴费"
    notice.pause.save(update_fields=["ended_on", "outcome"])
    audit.record(actor, "record_payment", application, amount=notice.amount_yuan)
    _event(application, actor, "fee_paid", f"已缴纳信息处理费 {notice.amount_yuan} 元（{_fmt(paid_on)}），恢复计时。",
           on=paid_on)
    _refresh(application, actor=actor, cause="收费通知至缴费期间不计入答复期限", on=paid_on)
    return notice


# ---------------------------------------------------------------------------------------------------------------
# Decision, letter, delivery

@transaction.atomic
def decide_application(actor, application: Application, code: str, *, basis: str | None = None, reason: str = "",
                       decided_on: dt.date | None = None, subject: str = "") -> Application:
    """Make one of the statutory decisions with its legal basis, and generate the reply letter (DOCX and PDF)."""
    application = _locked(application)
    _require_handler(actor, application.agency)
    transition = states.check("decide", application.state)
    decision = rules.decision(code)
    basis = (decision.basis if basis is None else basis).strip()
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not basis:
        errors["basis"] = ["请填写答复的法律依据。"]
    if decision.needs_reason and not reason:
        errors["reason"] = ["这类答复必须向申请人说明理由（《条例》第三十六条）。"]
    try:
        decided_on = _date(decided_on, application, "答复日期", "decided_on")
    except DomainError as exc:
        errors.update(exc.errors)
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    _check_decision_fits(application, code, decided_on)
    # Consultations and notices still open end with the decision.
    for pause in application.pauses.filter(ended_on__isnull=True):
        pause.ended_on = max(decided_on, pause.started_on)
        pause.outcome = pause.outcome or "随答复结束"
        pause.save(update_fields=["ended_on", "outcome"])
    previous = application.state
    application.state = transition.target
    application.decision = code
    application.decision_basis = basis[:300]
    application.decision_reason = reason
    application.decided_on = decided_on
    application.decided_by = actor if getattr(actor, "pk", None) else None
    if subject:
        application.subject = subject[:100]
    application.save()
    deadline = _refresh(application, quiet=True)
    on_time = deadline is not None and decided_on <= deadline.due_on
    audit.record(actor, "decide", application, from_state=previous, to_state=application.state, comment=code,
                 basis=basis, on_time=on_time)
    _event(application, actor, "decided", f"作出答复：{decision.full_label}（依据：{basis}）。", on=decided_on,
           decision=code)
    if not on_time and deadline is not None:
        _event(application, actor, "late_reply", f"注意：答复日期晚于答复期限 {_fmt(deadline.due_on)}。", public=False)
    generate_letter(actor, application)
    return application


def _check_decision_fits(application: Application, code: str, decided_on: dt.date) -> None:
    """Decisions that depend on what happened before: correction overdue, fee unpaid, unclear after correction."""
    if application.state == State.CORRECTION_REQUESTED:
        if code != "other.correction_overdue":
            raise DomainError("申请人尚未补正：请先登记收到补正，或在补正期限届满后作“逾期不补正”处理。", field="decision")
        if decided_on <= application.correction_due_on:
            raise DomainError(f"补正期限 {_fmt(application.correction_due_on)} 尚未届满。", field="decision")
    elif code == "other.correction_overdue":
        raise DomainError("只有告知补正且申请人逾期未补正的申请才能作此处理。", field="decision")
    if code == "unable.unclear_after_correction" and not application.corrected_on:
        raise DomainError("本申请没有经过补正，不能作“补正后申请内容仍不明确”处理。", field="decision")
    if code == "other.fee_unpaid":
        overdue = application.fee_notices.filter(paid_on__isnull=True, pay_by__lt=decided_on).exists()
        if not overdue:
            raise DomainError("只有缴费期限已届满且未缴费的申请才能作此处理。", field="decision")


def generate_letter(actor, application: Application) -> ReplyLetter:
    """Render the reply letter of a decided application and keep both files with the case."""
    text = letters.letter_text(application)
    letter = ReplyLetter(application=application, generated_by=actor if getattr(actor, "pk", None) else None)
    stem = f"reply-{application.pk}-{timezone.now():%Y%m%d%H%M%S%f}"
    letter.docx.save(f"{stem}.docx", ContentFile(letters.render_docx(text)), save=False)
    letter.pdf.save(f"{stem}.pdf", ContentFile(letters.render_pdf(text)), save=False)
    letter.save()
    audit.record(actor, "generate_letter", application, letter=letter.pk)
    return letter


@transaction.atomic
def deliver_reply(actor, application: Application, *, delivered_on: dt.date | None = None,
                  method: str = "") -> Application:
    """Record that the reply letter reached the applicant, and how."""
    application = _locked(application)
    _require_handler(actor, application.agency)
    transition = states.check("deliver", application.state)
    delivered_on = _date(delivered_on, application, "送达日期", "delivered_on", not_before=application.decided_on)
    method = (method or "").strip() or Delivery(application.delivery).label
    previous = application.state
    application.state = transition.target
    application.delivered_on = delivered_on
    application.delivery_note = method[:200]
    application.save()
    audit.record(actor, "deliver", application, from_state=previous, to_state=application.state, comment=method)
    _event(application, actor, "delivered", f"答复书已送达（{method}）。", on=delivered_on)
    return application


@transaction.atomic
def close_application(actor, application: Application, comment: str = "") -> Application:
    """File the delivered case (办结归档)."""
    application = _locked(application)
    _require_handler(actor, application.agency)
    transition = states.check("close", application.state)
    previous = application.state
    application.state = transition.target
    application.closed_on = _today()
    application.save()
    audit.record(actor, "close", application, from_state=previous, to_state=application.state, comment=comment)
    _event(application, actor, "closed", "办结归档。")
    return application


# ---------------------------------------------------------------------------------------------------------------
# Remedies

def _remedy_outcome(outcome: str, concluded_on: dt.date | None) -> None:
    if outcome not in RemedyOutcome.values:
        raise DomainError("请选择结果：维持、纠正、其他结果或尚未审结。", field="outcome")
    if outcome != RemedyOutcome.PENDING and concluded_on is None:
        raise DomainError("已审结的请填写审结日期。", field="concluded_on")


@transaction.atomic
def record_review(actor, application: Application, *, filed_on: dt.date, authority: str = "", reference: str = "",
                  outcome: str = RemedyOutcome.PENDING, concluded_on: dt.date | None = None,
                  note: str = "") -> Remedy:
    """Record an administrative review (行政复议) brought over this application."""
    return _record_remedy(actor, application, RemedyKind.REVIEW, "", filed_on, authority, reference, outcome,
                          concluded_on, note)


@transaction.atomic
def record_litigation(actor, application: Application, *, route: str, filed_on: dt.date, authority: str = "",
                      reference: str = "", outcome: str = RemedyOutcome.PENDING,
                      concluded_on: dt.date | None = None, note: str = "") -> Remedy:
    """Record a lawsuit (行政诉讼), brought directly (直接起诉) or after review (复议后起诉)."""
    if route not in LitigationRoute.values:
        raise DomainError("请选择起诉方式：未经复议直接起诉或复议后起诉。", field="route")
    return _record_remedy(actor, application, RemedyKind.LITIGATION, route, filed_on, authority, reference,
                          outcome, concluded_on, note)


def _record_remedy(actor, application, kind, route, filed_on, authority, reference, outcome, concluded_on,
                   note) -> Remedy:
    application = _locked(application)
    if actor is not SYSTEM:
        _require_handler(actor, application.agency)
    states.require(application.state, states.ANSWERED_STATES, "登记行政复议或行政诉讼（尚未作出答复）")
    if filed_on is None:
        raise DomainError("请填写申请复议或起诉的日期。", field="filed_on")
    if application.decided_on and filed_on < application.decided_on:
        raise DomainError("申请复议或起诉的日期不能早于答复日期。", field="filed_on")
    _remedy_outcome(outcome, concluded_on)
    if concluded_on and concluded_on < filed_on:
        raise DomainError("审结日期不能早于申请或起诉日期。", field="concluded_on")
    remedy = Remedy.objects.create(application=application, kind=kind, route=route, filed_on=filed_on,
                                   authority=(authority or "").strip()[:200], reference=(reference or "").strip()[:100],
                                   outcome=outcome, concluded_on=concluded_on, note=(note or "").strip())
    audit.record(actor, f"record_{kind}", application, remedy=remedy.pk, outcome=outcome)
    label = RemedyKind(kind).label + (f"（{LitigationRoute(route).label}）" if route else "")
    _event(application, actor, f"remedy_{kind}", f"登记{label}：{_fmt(filed_on)}，结果：{RemedyOutcome(outcome).label}。",
           public=False, remedy=remedy.pk)
    return remedy


@transaction.atomic
def update_remedy(actor, remedy: Remedy, *, outcome: str, concluded_on: dt.date | None = None,
                  note: str = "") -> Remedy:
    """Record the outcome of a review or lawsuit."""
    application = _locked(remedy.application)
    remedy = Remedy.objects.select_for_update().get(pk=remedy.pk)
    if actor is not SYSTEM:
        _require_handler(actor, application.agency)
    _remedy_outcome(outcome, concluded_on)
    if concluded_on and concluded_on < remedy.filed_on:
        raise DomainError("审结日期不能早于申请或起诉日期。", field="concluded_on")
    remedy.outcome = outcome
    remedy.concluded_on = concluded_on
    if note:
        remedy.note = note.strip()
    remedy.save()
    audit.record(actor, "update_remedy", application, remedy=remedy.pk, outcome=outcome)
    _event(application, actor, "remedy_outcome",
           f"{remedy.get_kind_display()}结果：{RemedyOutcome(outcome).label}（{_fmt(concluded_on)}）。", public=False)
    return remedy


# ---------------------------------------------------------------------------------------------------------------
# Privacy and proactive disclosure

def view_applicant(actor, application: Application) -> dict[str, str]:
    """The applicant's full details for the handling agency's disclosure staff; every view is audited."""
    _require_handler(actor, application.agency)
    audit.record(actor, "view_applicant", application)
    return {"name": application.name, "id_number": application.id_number, "phone": application.phone,
            "email": application.email, "address": application.address}


def masked_applicant(application: Application) -> dict[str, str]:
    organization = application.applicant_type == ApplicantType.LEGAL_PERSON
    return {"name": privacy.mask_name(application.name, organization),
            "id_number": privacy.mask_id(application.id_number), "phone": privacy.mask_phone(application.phone),
            "email": privacy.mask_email(application.email), "address": privacy.mask_address(application.address)}


@transaction.atomic
def convert_to_proactive(actor, application: Application, *, title: str, body: str, subject: str):
    """Turn information released on application into a draft for proactive disclosure (依申请转主动公开).

    The draft goes through the normal secrecy review, approval and sign-off before anyone can publish it."""
    from gongkai.publishing import services as publishing
    from gongkai.publishing.services import DocumentData

    application = _locked(application)
    _require_handler(actor, application.agency)
    decision = application.decision_type
    if decision is None or decision.group not in (DecisionGroup.GRANTED, DecisionGroup.PARTIALLY_GRANTED):
        raise DomainError("只有予以公开或部分公开的信息才能转为主动公开。")
    if application.proactive_document_id:
        raise DomainError("本申请的信息已转为主动公开草稿。")
    data = DocumentData(title=title or "", body=body or "", body_format="text", subject=subject or "",
                        doc_type="其他", formed_on=_today(), tags=["依申请转主动公开"],
                        change_note=f"依申请转主动公开（{application.case_no}）")
    # The officer need not be a drafter: the draft still passes every review step before publication.
    document = publishing.create_document(actor, application.agency, data, check_role=False)
    application.proactive_document = document
    if not application.subject:
        application.subject = data.subject
    application.save()
    audit.record(actor, "convert_to_proactive", application, document=document.pk)
    _event(application, actor, "converted", "申请公开的信息已转为主动公开草稿，经审查后将在政府网站公开。",
           document=document.pk)
    return document


# ---------------------------------------------------------------------------------------------------------------
# Migration from an old system

@dataclass
class RemedyRecord:
    kind: str
    filed_on: dt.date
    outcome: str = RemedyOutcome.PENDING
    route: str = ""
    concluded_on: dt.date | None = None
    authority: str = ""
    reference: str = ""

    def key(self) -> tuple:
        return (self.kind, self.route, self.filed_on, self.outcome, self.concluded_on, self.authority, self.reference)


@dataclass
class HistoricalCase:
    """A case as an old system knew it: who applied (kind only), when, and how it ended."""

    external_id: str
    agency: Agency
    applicant_type: str
    organization_kind: str
    received_on: dt.date
    closed_on: dt.date | None
    decision: str
    remedies: list[RemedyRecord]
    channel: str = Channel.ONLINE
    description: str = "（从原系统导入的历史案件）"


def _historical_values(case: HistoricalCase) -> dict[str, Any]:
    decision = rules.DECISIONS.get(case.decision)
    closed = case.closed_on is not None
    return {
        "agency_id": case.agency.pk, "applicant_type": case.applicant_type,
        "organization_kind": case.organization_kind, "received_on": case.received_on, "channel": case.channel,
        "state": State.CLOSED if closed else State.IN_PROGRESS, "decision": case.decision if closed else "",
        "decision_basis": decision.basis if decision and closed else "", "decided_on": case.closed_on,
        "delivered_on": case.closed_on, "closed_on": case.closed_on,
    }


@transaction.atomic
def import_application(case: HistoricalCase) -> str:
    """Create or update one historical case by `external_id`; return "created", "updated" or "unchanged".

    Imported cases carry no personal data and no letter; their remedies are replaced by the imported ones."""
    if case.closed_on and case.decision not in rules.DECISIONS:
        raise DomainError(f"未知的答复类型：{case.decision}", field="decision")
    if not case.closed_on and case.decision:
        raise DomainError("closed_on 为空表示仍在办理，不能同时填写 decision。", field="decision")
    if case.remedies and not case.closed_on:
        raise DomainError("尚未办结的案件不能有行政复议或行政诉讼记录。", field="review")
    values = _historical_values(case)
    application = Application.objects.select_for_update().filter(external_id=case.external_id).first()
    if application is None:
        data = ApplicantData(applicant_type=case.applicant_type, organization_kind=case.organization_kind,
                             name="（历史数据）", description=case.description, delivery=Delivery.ELECTRONIC)
        application, _ = _create(SYSTEM, data, case.agency, channel=case.channel, received_on=case.received_on,
                                 external_id=case.external_id)
        outcome = "created"
    else:
        stored = {k: getattr(application, k) for k in values}
        stored_remedies = sorted(RemedyRecord(r.kind, r.filed_on, r.outcome, r.route, r.concluded_on, r.authority,
                                              r.reference).key() for r in application.remedies.all())
        if stored == values and stored_remedies == sorted(r.key() for r in case.remedies):
            return "unchanged"
        outcome = "updated"
    for name, value in values.items():
        setattr(application, name, value)
    application.save()
    application.remedies.all().delete()
    for r in case.remedies:
        Remedy.objects.create(application=application, kind=r.kind, route=r.route, filed_on=r.filed_on,
                              outcome=r.outcome, concluded_on=r.concluded_on, authority=r.authority,
                              reference=r.reference)
    _refresh(application, quiet=True)
    audit.record(SYSTEM, f"import_application_{outcome}", application, comment=case.external_id)
    _event(application, SYSTEM, "imported", "从原系统导入。" if outcome == "created" else "按原系统数据更新。",
           public=False, on=_today())
    return outcome
