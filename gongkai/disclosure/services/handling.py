"""Handling a case before the decision: accepting it, correction (补正), consultations that stop the clock, the
extension (延期) and processing fees (信息处理费). Every move goes through the case workflow (states.CASE)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from gongkai.core.errors import DomainError
from gongkai.core.workdays import WorkCalendar
from gongkai.disclosure import rules
from gongkai.disclosure.models import Application, CaseEvent, Clock, FeeNotice, Pause
from gongkai.disclosure.rules import FeeBasis, PauseKind
from gongkai.disclosure.services.clock import deadline_for, refresh
from gongkai.disclosure.services.common import (
    event,
    fmt,
    handles,
    handling_date,
    locked,
    notify_applicant,
    user_or_none,
)
from gongkai.disclosure.states import CASE


@transaction.atomic
def accept_application(actor, application: Application, comment: str = "") -> Application:
    """Start handling a received application (the request is clear enough: no correction needed)."""
    application = locked(application)
    transition = CASE.check(actor, application, "accept")
    if application.assigned_to_id is None:
        application.assigned_to = user_or_none(actor)
    CASE.commit(actor, application, transition, comment=comment)
    event(application, actor, "accepted", "申请内容明确，已开始办理。")
    if comment:
        event(application, actor, "note", comment, public=False)
    return application


@transaction.atomic
def assign_application(actor, application: Application, assignee) -> Application:
    """Give the case to a disclosure officer of the same agency."""
    application = locked(application)
    transition = CASE.check(actor, application, "assign")
    if assignee is None or not handles(assignee, application.agency):
        raise DomainError("只能分派给本机关的依申请公开经办人。", field="assignee")
    application.assigned_to = assignee
    who = assignee.get_full_name() or assignee.get_username()
    CASE.commit(actor, application, transition, comment=who)
    event(application, actor, "assigned", f"分派给 {who} 办理。", public=False)
    return application


@transaction.atomic
def add_note(actor, application: Application, text: str) -> CaseEvent:
    """An internal note in the case history (never shown to the applicant)."""
    application = locked(application)
    transition = CASE.check(actor, application, "note")
    text = (text or "").strip()
    if not text:
        raise DomainError("请填写备注内容。", field="note")
    CASE.commit(actor, application, transition)
    return event(application, actor, "note", text[:2000], public=False)


@transaction.atomic
def request_correction(actor, application: Application, items: str, *, requested_on: dt.date | None = None,
                       due_on: dt.date | None = None) -> Application:
    """Tell the applicant once what to correct and by when (《条例》第三十条); the clock stops until then."""
    application = locked(application)
    transition = CASE.check(actor, application, "request_correction")
    items = (items or "").strip()
    if not items:
        raise DomainError("请写明需要补正的事项。", field="items")
    requested_on = handling_date(requested_on, application, "告知补正日期", "requested_on")
    calendar = WorkCalendar.load()
    due_on = due_on or rules.workdays_after(requested_on, rules.DEFAULT_CORRECTION_WORKDAYS, calendar)
    if due_on <= requested_on:
        raise DomainError("补正期限应晚于告知补正的日期。", field="due_on")
    notice_due = rules.correction_notice_due(application.received_on, calendar)
    late = requested_on > notice_due
    application.correction_requested_on = requested_on
    application.correction_items = items
    application.correction_due_on = due_on
    application.correction_notice_late = late
    CASE.commit(actor, application, transition, late=late, due_on=fmt(due_on))
    refresh(application, calendar=calendar, quiet=True)
    event(application, actor, "correction_requested",
          f"已一次性告知补正，补正期限为 {fmt(due_on)}。答复期限自收到补正后的申请之日起重新计算（《条例》第三十条）；"
          "无正当理由逾期不补正的，视为放弃申请。", on=requested_on, items=items)
    notify_applicant(application, "请补正政府信息公开申请",
                     f"您的申请需要补正，请于 {fmt(due_on)} 前补正以下事项：\n{items}\n\n答复期限自本机关收到补正后的申请之日起"
                     "重新计算；无正当理由逾期不补正的，视为放弃申请（《政府信息公开条例》第三十条）。")
    if late:
        event(application, actor, "correction_late",
              f"注意：告知补正日期 {fmt(requested_on)} 晚于法定的 {rules.CORRECTION_NOTICE_WORKDAYS} 个工作日期限"
              f"（{fmt(notice_due)}）。", public=False)
    return application


@transaction.atomic
def receive_correction(actor, application: Application, *, corrected_on: dt.date | None = None,
                       comment: str = "") -> Application:
    """Record the corrected application; the reply period restarts from the day it was received."""
    application = locked(application)
    transition = CASE.check(actor, application, "receive_correction")
    corrected_on = handling_date(corrected_on, application, "收到补正日期", "corrected_on",
                                 not_before=application.correction_requested_on)
    late = application.correction_due_on and corrected_on > application.correction_due_on
    if late and not comment.strip():
        raise DomainError(f"补正已超过期限（{fmt(application.correction_due_on)}）。申请人有正当理由的，"
                          "请在说明中写明理由后再接收；否则请作“逾期不补正”处理。", field="comment")
    application.corrected_on = corrected_on
    if application.assigned_to_id is None:
        application.assigned_to = user_or_none(actor)
    CASE.commit(actor, application, transition, comment=comment)
    refresh(application, actor=actor, cause="收到补正后的申请，答复期限重新起算", on=corrected_on)
    event(application, actor, "corrected", f"收到补正后的申请（{fmt(corrected_on)}）。", on=corrected_on)
    if comment.strip():
        event(application, actor, "note", comment.strip(), public=False)
    return application


@transaction.atomic
def start_consultation(actor, application: Application, kind: str, *, party: str = "",
                       started_on: dt.date | None = None, reason: str = "") -> Pause:
    """Consult a third party, another agency or the legal adviser; the first two stop the clock (第三十三条)."""
    application = locked(application)
    transition = CASE.check(actor, application, "start_consultation")
    if kind == PauseKind.OTHER:
        raise DomainError("《条例》只规定征求第三方和其他机关意见的时间不计入答复期限（第三十三条第三款），"
                          "没有其他可以暂停计时的情形。", field="kind")
    if kind not in rules.CONSULTATION_KINDS:
        raise DomainError("请选择征求意见的类型。", field="kind")
    party = (party or "").strip()
    reason = (reason or "").strip()
    if kind in (PauseKind.THIRD_PARTY, PauseKind.OTHER_AGENCY, PauseKind.LEGAL) and not party:
        raise DomainError("请填写征求意见的对象。", field="party")
    started_on = handling_date(started_on, application, "开始日期", "started_on")
    if application.pauses.filter(kind=kind, party=party, ended_on__isnull=True).exists():
        raise DomainError("已有一项相同的征求意见尚未结束。", field="party")
    reply_due = None
    if kind in rules.CAPPED_KINDS:
        reply_due = rules.consultation_opinion_due(started_on)
    pause = Pause.objects.create(application=application, kind=kind, party=party, reason=reason,
                                 started_on=started_on, reply_due_on=reply_due, created_by=user_or_none(actor))
    label = PauseKind(kind).label
    refresh(application, quiet=True)
    CASE.commit(actor, application, transition, comment=label, pause=pause.pk)
    if rules.STOPS_CLOCK[kind]:
        public_text = (f"{label}，自 {fmt(started_on)} 起暂停计时，所需时间不计算在答复期限内（{rules.PAUSE_BASIS[kind]}），"
                       f"最长至对方答复期限 {fmt(reply_due)}。")
        event(application, actor, "paused", public_text, on=started_on, pause=pause.pk)
    event(application, actor, "consultation", f"{label}：{party or reason}"
          + (f"，请于 {fmt(reply_due)} 前回复" if reply_due else "")
          + ("（会商期间答复期限照常计算）" if not rules.STOPS_CLOCK[kind] else "") + "。",
          public=False, on=started_on, pause=pause.pk)
    return pause


@transaction.atomic
def end_consultation(actor, pause: Pause, *, ended_on: dt.date | None = None, outcome: str = "") -> Pause:
    """Close a consultation with its outcome; a stopped clock resumes the next working day."""
    application = locked(pause.application)
    pause = Pause.objects.select_for_update().get(pk=pause.pk)
    if pause.kind == PauseKind.FEE_NOTICE:
        raise DomainError("收费通知请通过“登记缴费”结束。")
    if pause.ended_on is not None:
        raise DomainError("该项征求意见已经结束。")
    transition = CASE.check(actor, application, "end_consultation")
    pause.ended_on = handling_date(ended_on, application, "结束日期", "ended_on", not_before=pause.started_on)
    pause.outcome = (outcome or "").strip()
    pause.save(update_fields=["ended_on", "outcome"])
    label = pause.get_kind_display()
    CASE.commit(actor, application, transition, comment=label, pause=pause.pk)
    event(application, actor, "consultation_ended", f"{label}结束：{pause.outcome or '已收到意见'}。",
          public=False, on=pause.ended_on, pause=pause.pk)
    if pause.stops_clock:
        event(application, actor, "resumed", f"{label}结束（{fmt(pause.ended_on)}），恢复计时。",
              on=pause.ended_on, pause=pause.pk)
        refresh(application, actor=actor, cause=f"{label}期间不计入答复期限", on=pause.ended_on)
    return pause


def _check_extension(days: int, reason: str) -> None:
    if not isinstance(days, int) or not 0 < days <= rules.MAX_EXTENSION_WORKDAYS:
        raise DomainError(f"延长的期限应为 1 至 {rules.MAX_EXTENSION_WORKDAYS} 个工作日。", field="days")
    if not (reason or "").strip():
        raise DomainError("请写明需要延长答复期限的理由。", field="reason")


@transaction.atomic
def request_extension(actor, application: Application, days: int, reason: str) -> Application:
    """An officer asks the head of the disclosure office to extend the reply period (at most 20 working days)."""
    application = locked(application)
    transition = CASE.check(actor, application, "request_extension")
    _check_extension(days, reason)
    application.extension_requested_days = days
    application.extension_reason = reason.strip()
    application.extension_requested_by = user_or_none(actor)
    CASE.commit(actor, application, transition, comment=reason, days=days)
    event(application, actor, "extension_requested", f"申请延长答复期限 {days} 个工作日，待政府信息公开工作机构负责人审批。"
          f"理由：{reason.strip()}", public=False)
    return application


@transaction.atomic
def approve_extension(actor, application: Application, *, days: int | None = None, reason: str = "",
                      approved_on: dt.date | None = None) -> Application:
    """The head of the disclosure office extends the period; the applicant is told (《条例》第三十三条)."""
    application = locked(application)
    transition = CASE.check(actor, application, "approve_extension")
    days = days or application.extension_requested_days or rules.MAX_EXTENSION_WORKDAYS
    reason = (reason or application.extension_reason).strip()
    _check_extension(days, reason)
    approved_on = handling_date(approved_on, application, "批准日期", "approved_on")
    deadline, clock = deadline_for(application)
    if deadline is not None and clock == Clock.RUNNING and approved_on > deadline.due_on:
        raise DomainError(f"答复期限已于 {fmt(deadline.due_on)} 届满，不能再延长。", field="days")
    application.extension_days = days
    application.extension_reason = reason
    application.extension_approved_by = user_or_none(actor)
    application.extension_approved_on = approved_on
    CASE.commit(actor, application, transition, comment=reason, days=days)
    event(application, actor, "extended",
          f"经政府信息公开工作机构负责人同意，答复期限延长 {days} 个工作日（《条例》第三十三条），已告知申请人。理由：{reason}",
          on=approved_on, days=days)
    refresh(application, actor=actor, cause="延长答复期限", on=approved_on)
    notify_applicant(application, "答复期限延长告知",
                     f"经政府信息公开工作机构负责人同意，您的申请答复期限延长 {days} 个工作日，至 {fmt(application.due_on)}"
                     f"（《政府信息公开条例》第三十三条）。理由：{reason}")
    return application


@transaction.atomic
def refuse_extension(actor, application: Application, comment: str) -> Application:
    """The head declines a requested extension; the original period stands."""
    application = locked(application)
    transition = CASE.check(actor, application, "refuse_extension")
    if not (comment or "").strip():
        raise DomainError("请写明不同意延期的意见。", field="comment")
    application.extension_requested_days = 0
    CASE.commit(actor, application, transition, comment=comment)
    event(application, actor, "extension_refused", f"不同意延期：{comment.strip()}", public=False)
    return application


def nth_application_in_month(application: Application) -> int:
    """How many applications this applicant made to this agency in the calendar month, this one included; an
    application split by 一事一申请 (《收费办法》第四条) counts as its number of items, so this is its last item."""
    if not application.applicant_key:
        raise DomainError("缺少申请人身份证明号码，无法按件计收。", field="basis")
    month_start = application.received_on.replace(day=1)
    earlier = Application.objects.filter(agency=application.agency, applicant_key=application.applicant_key,
                                         received_on__gte=month_start, received_on__lte=application.received_on)
    return sum(a.item_count for a in earlier.only("pk", "received_on", "item_count")
               if (a.received_on, a.pk) < (application.received_on, application.pk)) + application.item_count


# A split into more items than this is a typo: a single request letter does not hold hundreds of matters.
MAX_ITEMS = 100


@transaction.atomic
def split_request(actor, application: Application, item_count: int, reason: str) -> Application:
    """Count an application holding several requests as that many (一事一申请, 《收费办法》第四条), before any fee."""
    application = locked(application)
    transition = CASE.check(actor, application, "split_request")
    if not isinstance(item_count, int) or not 1 <= item_count <= MAX_ITEMS:
        raise DomainError(f"件数应为 1 至 {MAX_ITEMS} 的整数。", field="item_count")
    reason = (reason or "").strip()
    if item_count > 1 and not reason:
        raise DomainError("请说明本申请包含哪些不同的事项（以合理的最小单位拆分）。", field="reason")
    application.item_count = item_count
    application.split_reason = reason
    CASE.commit(actor, application, transition, comment=reason, items=item_count)
    event(application, actor, "split", f"本申请包含多项内容，按“一事一申请”原则以合理的最小单位计为 {item_count} 件"
          f"（《政府信息公开信息处理费管理办法》第四条）：{reason}" if item_count > 1 else "本申请按 1 件计算。")
    return application


@transaction.atomic
def ask_bulk_reason(actor, application: Application, note: str, *, asked_on: dt.date | None = None) -> Application:
    """Ask an applicant whose requests clearly exceed a reasonable number or frequency to state reasons
    (《条例》第三十五条); the reply clock keeps running meanwhile."""
    application = locked(application)
    transition = CASE.check(actor, application, "ask_bulk_reason")
    note = (note or "").strip()
    if not note:
        raise DomainError("请写明申请数量、频次超过合理范围的情况（例如本月申请件数）。", field="note")
    asked_on = handling_date(asked_on, application, "要求说明理由日期", "asked_on")
    application.bulk_reason_requested_on = asked_on
    application.bulk_request_note = note
    CASE.commit(actor, application, transition, comment=note)
    event(application, actor, "bulk_reason_requested", "您申请公开政府信息的数量、频次明显超过合理范围，请说明理由"
          "（《条例》第三十五条）。理由不合理的，本机关将不予处理。", on=asked_on)
    event(application, actor, "note", note, public=False, on=asked_on)
    notify_applicant(application, "请说明申请理由", "您申请公开政府信息的数量、频次明显超过合理范围，请向本机关说明理由。"
                     "理由不合理的，本机关将告知不予处理（《政府信息公开条例》第三十五条）。")
    return application


@transaction.atomic
def defer_reply(actor, application: Application, *, reason_given: str, deferred_to: dt.date,
                decided_on: dt.date | None = None) -> Application:
    """The applicant's reasons are reasonable but the reply cannot be made in time: set a reasonable later date
    and tell the applicant (《条例》第三十五条)."""
    application = locked(application)
    transition = CASE.check(actor, application, "defer_reply")
    reason_given = (reason_given or "").strip()
    if not reason_given:
        raise DomainError("请登记申请人说明的理由。", field="reason_given")
    decided_on = handling_date(decided_on, application, "决定日期", "decided_on",
                               not_before=application.bulk_reason_requested_on)
    deadline, clock = deadline_for(application)
    if deferred_to is None:
        raise DomainError("请填写延迟答复的期限。", field="deferred_to")
    if deadline is not None and deferred_to <= deadline.due_on:
        raise DomainError(f"现有答复期限为 {fmt(deadline.due_on)}，延迟答复的期限应晚于该日期。", field="deferred_to")
    if deferred_to > decided_on + dt.timedelta(days=366):
        raise DomainError("延迟答复的期限超过一年，请核对日期。", field="deferred_to")
    application.bulk_reason = reason_given
    application.deferred_to = deferred_to
    CASE.commit(actor, application, transition, comment=reason_given, deferred_to=fmt(deferred_to))
    refresh(application, actor=actor, cause="申请理由合理，确定延迟答复的合理期限（《条例》第三十五条）", on=decided_on)
    event(application, actor, "deferred", f"您说明的理由合理，但本机关无法在法定期限内答复，确定延迟至 {fmt(deferred_to)} 前答复"
          "（《条例》第三十五条）。", on=decided_on)
    notify_applicant(application, "延迟答复告知", f"您说明的理由合理，但本机关无法在法定期限内答复，将于 {fmt(deferred_to)} "
                     "前答复（《政府信息公开条例》第三十五条）。")
    return application


@transaction.atomic
def issue_fee_notice(actor, application: Application, basis: str, *, pages: int | None = None,
                     issued_on: dt.date | None = None, served_by: str = "",
                     received_on: dt.date | None = None) -> FeeNotice:
    """Send a processing-fee notice on one basis (《收费办法》第三条), within the reply period (第七条); the clock
    stops until payment. The payment period runs only once the applicant's receipt is recorded (here or later)."""
    application = locked(application)
    transition = CASE.check(actor, application, "issue_fee_notice")
    if basis == FeeBasis.PER_PAGE:
        if application.delivery not in rules.PER_PAGE_DELIVERIES:
            raise DomainError("按量计收只适用于提供纸质件、发送电子邮件、复制电子数据等方式（《收费办法》第五条）；"
                              "申请人选择网上查询下载，不能按量计收。", field="basis")
        if pages is None or pages < 1:
            raise DomainError("按量计收请填写页数。", field="pages")
        quantity = pages
        amount = rules.fee(basis, quantity)
    elif basis == FeeBasis.PER_APPLICATION:
        quantity = nth_application_in_month(application)
        amount = rules.fee_for_applications(quantity - application.item_count + 1, application.item_count)
    else:
        raise DomainError("请选择计收方式（按件或按量）。", field="basis")
    if amount == 0:
        what = f"本月第 {quantity} 件申请" if basis == FeeBasis.PER_APPLICATION else f"{quantity} 页"
        raise DomainError(f"{what}按{FeeBasis(basis).label}标准不收费，无需发出收费通知。", field="basis")
    issued_on = handling_date(issued_on, application, "发出日期", "issued_on")
    calendar = WorkCalendar.load()
    deadline, clock = deadline_for(application, calendar, issued_on)
    if deadline is not None and clock == Clock.RUNNING and issued_on > deadline.due_on:
        raise DomainError(f"收费通知应当在答复期限内发出（《收费办法》第七条），答复期限已于 {fmt(deadline.due_on)} 届满。",
                          field="issued_on")
    pause = Pause.objects.create(application=application, kind=PauseKind.FEE_NOTICE, started_on=issued_on,
                                 reason=f"{FeeBasis(basis).label} {amount} 元", created_by=user_or_none(actor))
    notice = FeeNotice.objects.create(application=application, pause=pause, basis=basis, quantity=quantity,
                                      amount_yuan=amount, issued_on=issued_on)
    refresh(application, calendar=calendar, quiet=True)
    CASE.commit(actor, application, transition, basis=basis, quantity=quantity, amount=amount)
    first = quantity - application.item_count + 1
    unit = (f"共 {quantity} 页" if basis == FeeBasis.PER_PAGE else
            f"本月第 {quantity} 件" if first == quantity else f"本月第 {first} 至 {quantity} 件")
    event(application, actor, "fee_notice",
          f"已发出信息处理费收费通知：{FeeBasis(basis).label}（{unit}），金额 {amount} 元。请自收到通知次日起 "
          f"{rules.FEE_PAYMENT_WORKDAYS} 个工作日内缴纳，逾期未缴纳的视为放弃申请。自发出通知至缴费期间暂停计时。",
          on=issued_on, amount=amount)
    notify_applicant(application, "信息处理费收费通知",
                     f"您的申请需缴纳信息处理费 {amount} 元（{FeeBasis(basis).label}，{unit}）。请自收到本通知次日起 "
                     f"{rules.FEE_PAYMENT_WORKDAYS} 个工作日内缴纳，逾期未缴纳的视为放弃申请（《政府信息公开信息处理费管理办法》）。"
                     "缴纳方式以本机关书面收费通知为准。")
    if received_on is not None or served_by:
        _record_receipt(actor, application, notice, served_by, received_on, calendar)
    return notice


def _record_receipt(actor, application: Application, notice: FeeNotice, served_by: str,
                    received_on: dt.date | None, calendar: WorkCalendar) -> None:
    if served_by not in rules.NoticeChannel.values:
        raise DomainError("请选择收费通知的送达方式。", field="served_by")
    if received_on is None:
        raise DomainError("请填写申请人收到收费通知的日期（当面或邮寄以签收之日，电子送达以申请人确认之日）。",
                          field="received_on")
    received_on = handling_date(received_on, application, "收到收费通知日期", "received_on",
                                not_before=notice.issued_on)
    notice.served_by = served_by
    notice.received_on = received_on
    notice.pay_by = rules.workdays_after(received_on, rules.FEE_PAYMENT_WORKDAYS, calendar)
    notice.save(update_fields=["served_by", "received_on", "pay_by"])
    notice.pause.reply_due_on = notice.pay_by
    notice.pause.save(update_fields=["reply_due_on"])
    event(application, actor, "fee_notice_received",
          f"申请人已于 {fmt(received_on)} 收到收费通知（{rules.NoticeChannel(served_by).label}），"
          f"请于 {fmt(notice.pay_by)} 前缴纳（《收费办法》第七条：自收到次日起 {rules.FEE_PAYMENT_WORKDAYS} 个工作日）。",
          on=received_on, amount=notice.amount_yuan)


@transaction.atomic
def record_fee_notice_receipt(actor, notice: FeeNotice, *, served_by: str,
                              received_on: dt.date | None) -> FeeNotice:
    """Record how and when the applicant received a fee notice; the payment period starts the next day."""
    application = locked(notice.application)
    notice = FeeNotice.objects.select_for_update().select_related("pause").get(pk=notice.pk)
    if notice.paid_on:
        raise DomainError("该收费通知已登记缴费。")
    if notice.received_on:
        raise DomainError(f"已登记申请人于 {fmt(notice.received_on)} 收到该收费通知。")
    transition = CASE.check(actor, application, "record_fee_receipt")
    _record_receipt(actor, application, notice, served_by, received_on, WorkCalendar.load())
    CASE.commit(actor, application, transition, notice=notice.pk, received_on=fmt(notice.received_on))
    return notice


@transaction.atomic
def record_payment(actor, notice: FeeNotice, *, paid_on: dt.date | None = None) -> FeeNotice:
    """Record that the fee was paid; the clock resumes."""
    application = locked(notice.application)
    notice = FeeNotice.objects.select_for_update().select_related("pause").get(pk=notice.pk)
    if notice.paid_on:
        raise DomainError("该收费通知已登记缴费。")
    transition = CASE.check(actor, application, "record_payment")
    paid_on = handling_date(paid_on, application, "缴费日期", "paid_on", not_before=notice.issued_on)
    notice.paid_on = paid_on
    notice.save(update_fields=["paid_on"])
    notice.pause.ended_on = paid_on
    notice.pause.outcome = "已缴费"
    notice.pause.save(update_fields=["ended_on", "outcome"])
    CASE.commit(actor, application, transition, amount=notice.amount_yuan)
    event(application, actor, "fee_paid", f"已缴纳信息处理费 {notice.amount_yuan} 元（{fmt(paid_on)}），恢复计时。",
          on=paid_on)
    refresh(application, actor=actor, cause="收费通知至缴费期间不计入答复期限", on=paid_on)
    return notice
