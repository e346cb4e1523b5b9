"""The disclosure office's back office (/staff/applications/): case list, registration, case page, actions.

Views only read and present; every change goes through gongkai.disclosure.services. A user sees only the cases
of agencies where they are a disclosure officer or the head of the disclosure office. Applicants' details are
masked everywhere except on request, and every such request is audited.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gongkai.core import audit
from gongkai.core.errors import DomainError
from gongkai.core.forms import focus_first_error, parse_number
from gongkai.core.middleware import takes_uploads
from gongkai.core.workdays import WorkCalendar
from gongkai.disclosure import forms as f
from gongkai.disclosure import queries, rules, services, stats
from gongkai.disclosure.models import Application, Clock
from gongkai.disclosure.states import CASE, State, expected_steps, extension_pressing, next_step
from gongkai.orgs.roles import Role
from gongkai.staff.decorators import agencies_required, staff_required

PAGE_SIZE = 30


def _case(request: HttpRequest, pk: int) -> Application:
    """The case if the user handles its agency; otherwise 404 (no hint that it exists)."""
    return get_object_or_404(queries.staff_applications(request.user), pk=pk)


_NO_ROLE = "依申请公开案件仅对受理机关的依申请公开经办人和政府信息公开工作机构负责人开放。"
# The prelude of the pages over all the user's agencies: find them, or refuse with _NO_ROLE.
office_required = agencies_required(queries.handling_agencies, _NO_ROLE)


# ---------------------------------------------------------------------------------------------------------------
# List, export, registration

@office_required
def case_list(request: HttpRequest, agencies: list) -> HttpResponse:
    """Every case of the user's agencies, filtered by due soon, overdue, pause, state and agency; or CSV."""
    calendar = WorkCalendar.load()
    cases = queries.staff_applications(request.user)
    filter_errors = []
    state = request.GET.get("state", "").strip()
    due = request.GET.get("due", "").strip()
    agency_code = request.GET.get("agency", "").strip()
    q = request.GET.get("q", "").strip()
    if state and state not in State.values:
        filter_errors.append("没有这个办理状态，已显示全部状态。")
        state = ""
    if due and due not in queries.FILTERS:
        filter_errors.append("没有这个期限筛选，已显示全部案件。")
        due = ""
    if state:
        cases = cases.filter(state=state)
    if agency_code:
        cases = cases.filter(agency__code=agency_code)
    if q:
        cases = (cases.filter(case_no__icontains=q) | cases.filter(tracking_code__icontains=q.upper())
                 | cases.filter(queries.applicant_match(q)))
    if due:
        cases = queries.apply_filter(cases, due, calendar)
    if request.GET.get("format") == "csv":
        return _export(request, cases, calendar)
    page_obj = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    open_cases = queries.staff_applications(request.user)
    counts = {name: queries.apply_filter(open_cases, name, calendar).count()
              for name in ("due_soon", "overdue", "paused", "awaiting_correction")}
    return render(request, "disclosure/staff/list.html", {
        "rows": queries.with_remaining(page_obj.object_list, calendar), "page_obj": page_obj,
        "querystring": query.urlencode(), "state": state, "due": due, "agency_code": agency_code, "q": q,
        "states": State.choices, "filters": queries.FILTERS.items(), "agencies": agencies,
        "filter_errors": filter_errors, "counts": counts, "due_soon_workdays": rules.DUE_SOON_WORKDAYS,
        # The head lands here after signing in (dashboard.register): the extensions waiting for them come first.
        "extensions": queries.extensions_to_approve(request.user),
    })


def _export(request: HttpRequest, cases, calendar: WorkCalendar) -> HttpResponse:
    """The filtered cases as CSV, with applicants' details masked; the export itself is audited."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = "attachment; filename*=UTF-8''applications.csv"
    response.write("\ufeff")  # Excel reads UTF-8 only with a byte-order mark
    writer = csv.writer(response)
    # Never the help an applicant needs (《条例》第四十三条): health data does not leave the case page.
    writer.writerow(["案件编号", "受理机关", "收到申请日期", "申请人", "申请人类型", "联系电话", "办理状态",
                     "答复期限", "期限状态", "答复类型", "答复日期", "申请类型"])
    rows = queries.with_remaining(cases, calendar)
    for row in rows:
        a = row.application
        masked = services.masked_applicant(a)
        writer.writerow([a.case_no, a.agency.name, f"{a.received_on:%Y-%m-%d}", masked["name"],
                         a.get_applicant_type_display(), masked["phone"], a.get_state_display(),
                         f"{a.due_on:%Y-%m-%d}" if a.due_on else "", row.status.label if row.status else "",
                         a.decision_type.full_label if a.decision_type else "",
                         f"{a.decided_on:%Y-%m-%d}" if a.decided_on else "", a.get_request_kind_display()])
    audit.record(request.user, "export_applications", request.user, comment=f"导出 {len(rows)} 件（已脱敏）")
    return response


@takes_uploads
@office_required
def register(request: HttpRequest, agencies: list) -> HttpResponse:
    """Register an application that came by letter, fax or in person."""
    if request.method != "POST":
        initial = {"agency": agencies[0].code} if len(agencies) == 1 else {}
        form = f.RegisterForm(agencies=agencies, initial=initial)
        return render(request, "disclosure/staff/register.html", {"form": form})
    form = f.RegisterForm(request.POST, request.FILES, agencies=agencies)
    if form.is_valid():
        c = form.cleaned_data
        try:
            application, token = services.register_application(
                request.user, services.ApplicantData(**form.applicant_values()), channel=c["channel"],
                handed_in_on=c["handed_in_on"], signed_for_on=c["signed_for_on"], confirmed_on=c["confirmed_on"],
                correction=form.correction_values(), assistance=form.assistance_values())
        except DomainError as exc:
            form.apply_domain_error(exc)
        else:
            messages.success(request, f"已登记 {application.case_no}。请把查询码 {application.tracking_code} 和查询密码 "
                                      f"{token} 告知申请人（查询密码只显示这一次）。")
            return redirect("staff-application", pk=application.pk)
    return render(request, "disclosure/staff/register.html", {"form": form}, status=400)


# ---------------------------------------------------------------------------------------------------------------
# Case actions

@dataclass
class Action:
    """The form and service call behind one transition of the case workflow (states.CASE)."""

    name: str
    form: type
    run: Callable[[Any, Application, dict], Any]  # calls one service; may return the message to show
    done: str = "已完成。"
    help: str = ""

    @property
    def label(self) -> str:
        return CASE.transition(self.name).label


def _user(pk: str):
    number = parse_number(pk)
    return get_user_model().objects.filter(pk=number).first() if number is not None else None


def _run_assign(user, a, c):
    assignee = _user(c["assignee"])
    services.assign_application(user, a, assignee)
    return f"已分派给 {assignee.get_full_name() or assignee.get_username()}。"


def _run_end_consultation(user, a, c):
    pause = a.pauses.filter(pk=int(c["item"])).first()
    if pause is None:
        raise DomainError("请选择要结束的征求意见事项。", field="item")
    services.end_consultation(user, pause, ended_on=c["ended_on"], outcome=c["outcome"])
    return f"{pause.get_kind_display()}已结束。"


def _run_payment(user, a, c):
    notice = a.fee_notices.filter(pk=int(c["item"])).first()
    if notice is None:
        raise DomainError("请选择收费通知。", field="item")
    services.record_payment(user, notice, paid_on=c["paid_on"])
    return "已登记缴费，恢复计时。"


def _run_update_remedy(user, a, c):
    remedy = a.remedies.filter(pk=int(c["item"])).first()
    if remedy is None:
        raise DomainError("请选择复议或诉讼。", field="item")
    services.update_remedy(user, remedy, outcome=c["outcome"], concluded_on=c["concluded_on"], note=c["note"])
    return "已登记结果。"


def _run_fee_notice(user, a, c):
    notice = services.issue_fee_notice(user, a, c["basis"], pages=c["pages"], issued_on=c["issued_on"],
                                       served_by=c["served_by"], received_on=c["received_on"])
    if notice.pay_by is None:
        return f"已发出收费通知：{notice.amount_yuan} 元。申请人收到后请登记送达，缴费期限自收到次日起计算。"
    return f"已发出收费通知：{notice.amount_yuan} 元，缴费期限 {notice.pay_by:%Y-%m-%d}。"


def _run_fee_receipt(user, a, c):
    notice = a.fee_notices.filter(pk=int(c["item"])).first()
    if notice is None:
        raise DomainError("请选择收费通知。", field="item")
    notice = services.record_fee_notice_receipt(user, notice, served_by=c["served_by"], received_on=c["received_on"])
    return f"已登记送达，缴费期限 {notice.pay_by:%Y-%m-%d}。"


def _uploads(files) -> list[services.ReleasedFile]:
    # Read here, before the service opens its transaction; the form already refused files over the limit.
    return [services.ReleasedFile(name=f.name, content=f.read()) for f in files or []]


def _run_decide(user, a, c):
    services.decide_application(user, a, c["decision"], basis=c["basis"] or None, reason=c["reason"],
                                decided_on=c["decided_on"], subject=c["subject"],
                                released_files=_uploads(c["released_files"]), released_links=c["released_links"],
                                responsible_agency=c["responsible_agency"], responsible_contact=c["responsible_contact"],
                                not_held_ground=c["not_held_ground"], responsible_unknown=c["responsible_unknown"])
    if not a.letters.exists():
        return "已作出答复，但答复书生成失败，请点击“生成答复书”重试。"
    return "已作出答复，答复书已生成。"


def _run_edit_released(user, a, c):
    services.edit_released(user, a, files=_uploads(c["released_files"]), links=c["released_links"],
                           remove=[int(pk) for pk in c.get("remove") or []])
    if CASE.allows(user, a, "generate_letter"):  # the letter still lists the old enclosures
        return "附件已修改，但答复书重新生成失败，请点击“生成答复书”重试。"
    return "附件已修改，答复书已重新生成。"


def _run_email(user, a, c):
    services.email_reply(user, a)
    return "答复书及附件已放入发信队列；发信服务器接收后自动登记送达。"


def _run_post(user, a, c):
    record = services.post_reply(user, a, tracking_number=c["tracking_number"], posted_on=c["posted_on"])
    return f"已登记邮寄（邮件单号 {record.tracking_number}）。申请人签收后请“登记送达”签收日期。"


def _run_convert(user, a, c):
    document = services.convert_to_proactive(user, a, title=c["title"], body=c["body"], subject=c["subject"])
    return f"已转为主动公开草稿（索引号 {document.index_no}），请提交保密审查。"


def _run_record_correction(user, a, c):
    services.decide_record_correction(user, a, c["outcome"], reason=c["reason"],
                                      competent_agency=c["competent_agency"],
                                      competent_contact=c["competent_contact"], decided_on=c["decided_on"])
    if not a.letters.exists():
        return "已作出答复，但答复书生成失败，请点击“生成答复书”重试。"
    return "已作出答复，答复书已生成。"


def _run_assistance(user, a, c):
    services.record_assistance(user, a, services.AssistanceData(
        needs=list(c["assistance_needs"]), detail=c["assistance_detail"], help_given=list(c["assistance_help"]),
        help_note=c["assistance_note"]))


ACTIONS: dict[str, Action] = {a.name: a for a in (
    Action("accept", f.CommentForm, lambda u, a, c: services.accept_application(u, a, c["comment"]),
           done="已开始办理。", help="申请内容明确，无需补正。"),
    Action("request_correction", f.CorrectionForm,
           lambda u, a, c: services.request_correction(u, a, c["items"], requested_on=c["requested_on"],
                                                       due_on=c["due_on"]),
           done="已告知补正，等待申请人补正。",
           help=f"应当自收到申请之日起 {rules.CORRECTION_NOTICE_WORKDAYS} 个工作日内一次性告知（《条例》第三十条）。"),
    Action("receive_correction", f.ReceiveCorrectionForm,
           lambda u, a, c: services.receive_correction(u, a, corrected_on=c["corrected_on"], comment=c["comment"]),
           done="已登记补正，答复期限重新起算。"),
    Action("start_consultation", f.ConsultationForm,
           lambda u, a, c: services.start_consultation(u, a, c["kind"], party=c["party"],
                                                       started_on=c["started_on"], reason=c["reason"]),
           done="已登记。",
           help="征求第三方和其他机关意见的时间不计入答复期限（第三十三条）；会商法律顾问照常计时。"),
    Action("end_consultation", f.EndConsultationForm, _run_end_consultation),
    Action("request_extension", f.ExtensionRequestForm,
           lambda u, a, c: services.request_extension(u, a, c["days"], c["reason"]),
           done="已提交延期申请，待政府信息公开工作机构负责人审批。"),
    Action("approve_extension", f.ExtensionApprovalForm,
           lambda u, a, c: services.approve_extension(u, a, days=c["days"], reason=c["reason"],
                                                      approved_on=c["approved_on"]),
           done="已批准延期并告知申请人。",
           help=f"延长的期限最长不得超过 {rules.MAX_EXTENSION_WORKDAYS} 个工作日，并告知申请人（第三十三条）。"),
    Action("refuse_extension", f.RefuseExtensionForm,
           lambda u, a, c: services.refuse_extension(u, a, c["comment"]), done="已退回延期申请。"),
    Action("issue_fee_notice", f.FeeNoticeForm, _run_fee_notice,
           help="申请数量、频次明显超过合理范围的，可以收取信息处理费（第四十二条）。"),
    Action("record_fee_receipt", f.FeeReceiptForm, _run_fee_receipt),
    Action("split_request", f.SplitForm, lambda u, a, c: services.split_request(u, a, c["item_count"], c["reason"]),
           done="已调整计算件数。"),
    Action("ask_bulk_reason", f.BulkReasonForm,
           lambda u, a, c: services.ask_bulk_reason(u, a, c["note"], asked_on=c["asked_on"]),
           done="已要求申请人说明理由。",
           help="申请公开政府信息的数量、频次明显超过合理范围的，可以要求申请人说明理由（《条例》第三十五条）。"),
    Action("defer_reply", f.DeferForm,
           lambda u, a, c: services.defer_reply(u, a, reason_given=c["reason_given"], deferred_to=c["deferred_to"],
                                                decided_on=c["decided_on"]),
           done="已确定延迟答复的合理期限并告知申请人。"),
    Action("record_payment", f.PaymentForm, _run_payment),
    Action("decide", f.DecisionForm, _run_decide,
           help="选择答复类型后生成《政府信息公开申请答复书》（DOCX 和 PDF）。"),
    Action("generate_letter", f.EmptyForm, lambda u, a, c: services.generate_letter(u, a),
           done="答复书已生成。", help="答复书没有生成成功时，在这里重新生成。"),
    Action("edit_released", f.ReleasedForm, _run_edit_released,
           help="答复发出前可以增删随答复提供的信息；答复书所列附件随之更新。"),
    Action("email_reply", f.EmptyForm, _run_email,
           help="把答复书（PDF）和上传的附件发送到申请人的电子邮箱；发信服务器接收之日登记为送达日期。"),
    Action("publish_reply", f.EmptyForm, lambda u, a, c: services.publish_reply(u, a),
           done="已发布到查询页面。申请人凭查询码和查询密码下载，首次下载之日自动登记为送达日期。",
           help="申请人凭查询码和查询密码在查询页面下载答复书和附件；只有申请人实际下载才视为送达。"),
    Action("post_reply", f.PostForm, _run_post),
    Action("deliver", f.DeliveryForm,
           lambda u, a, c: services.deliver_reply(u, a, delivered_on=c["delivered_on"], method=c["method"],
                                                  channel=c["channel"]),
           done="已登记送达，复议和诉讼期限自送达之日起算。",
           help="当面领取、交付存储介质、邮件签收等，凭签收记录登记送达日期。"),
    Action("close", f.CommentForm, lambda u, a, c: services.close_application(u, a, c["comment"]),
           done="已办结归档。"),
    Action("record_review", f.RemedyForm,
           lambda u, a, c: services.record_review(u, a, filed_on=c["filed_on"], authority=c["authority"],
                                                  reference=c["reference"], outcome=c["outcome"],
                                                  concluded_on=c["concluded_on"], note=c["note"]),
           done="已登记。"),
    Action("record_litigation", f.LitigationForm,
           lambda u, a, c: services.record_litigation(u, a, route=c["route"], filed_on=c["filed_on"],
                                                      authority=c["authority"], reference=c["reference"],
                                                      outcome=c["outcome"], concluded_on=c["concluded_on"],
                                                      note=c["note"]),
           done="已登记。"),
    Action("update_remedy", f.RemedyOutcomeForm, _run_update_remedy),
    Action("convert_to_proactive", f.ConvertForm, _run_convert,
           help="依申请公开的信息，除与申请人自身相关的以外，应当转为主动公开（沪府办发〔2018〕16号）。"),
    Action("decide_record_correction", f.RecordCorrectionDecisionForm, _run_record_correction,
           help="有证据证明记录不准确的予以更正并告知；不属于本机关职能范围的，转送有权机关或告知向其提出"
                "（《条例》第四十一条）。生成更正申请答复书。"),
    Action("record_assistance", f.AssistanceForm, _run_assistance, done="已登记。", help="有阅读困难或者视听障碍的申请人，应当为其提供必要的帮助（《条例》第四十三条）。"
                                "所填内容仅经办人员可见。"),
    Action("assign", f.AssignForm, _run_assign),
    Action("note", f.NoteForm, lambda u, a, c: services.add_note(u, a, c["note"]), done="已添加备注。"),
)}


def _form_kwargs(action: Action, application: Application) -> dict[str, Any]:
    if action.name == "assign":
        User = get_user_model()
        officers = [u for u in User.objects.filter(is_active=True, role_grants__role__in=[
            Role.DISCLOSURE_OFFICER, Role.DISCLOSURE_HEAD]).distinct() if services.handles(u, application.agency)]
        return {"officers": officers}
    if action.name == "end_consultation":
        return {"items": [(p.pk, f"{p.get_kind_display()}：{p.party or p.reason}（{p.started_on:%Y-%m-%d} 起）")
                          for p in application.open_consultations()]}
    if action.name == "record_fee_receipt":
        return {"items": [(n.pk, f"{n.amount_yuan} 元（{n.issued_on:%Y-%m-%d} 发出）")
                          for n in application.unpaid_fee_notices().filter(received_on__isnull=True)]}
    if action.name == "record_payment":
        return {"items": [(n.pk, f"{n.amount_yuan} 元（{n.issued_on:%Y-%m-%d} 发出）")
                          for n in application.unpaid_fee_notices()]}
    if action.name == "edit_released":
        return {"items": [(i.pk, i.title) for i in application.released_items.all()]}
    if action.name == "update_remedy":
        return {"items": [(r.pk, f"{r.get_kind_display()} {r.filed_on:%Y-%m-%d} {r.authority}")
                          for r in application.pending_remedies()]}
    return {}


def available_actions(user, application: Application) -> list[Action]:
    """The actions the case workflow allows this user now, in the order they usually come."""
    return [ACTIONS[t.name] for t in CASE.available(user, application) if t.name in ACTIONS]


def _initial(action: Action, application: Application) -> dict[str, Any]:
    if action.name == "approve_extension":
        return {"days": application.extension_requested_days or rules.MAX_EXTENSION_WORKDAYS,
                "reason": application.extension_reason}
    if action.name == "decide":
        return {"subject": application.subject}
    if action.name == "deliver":
        return {"channel": application.delivery}
    if action.name == "convert_to_proactive":
        return {"subject": application.subject}
    if action.name == "record_assistance":
        record = getattr(application, "assistance", None)
        if record is not None:
            return {"assistance_needs": record.need_codes, "assistance_detail": record.detail,
                    "assistance_help": record.help_codes, "assistance_note": record.help_note}
    return {}


# ---------------------------------------------------------------------------------------------------------------
# The case page

@dataclass
class Offer:
    """One allowed action as the case page shows it: its form, its title, why now, and whether it is open."""

    action: Action
    form: Any
    title: str
    why: str = ""
    open: bool = False
    failed: bool = False  # the form just sent back with errors: shown open, its first invalid field focused


def _offers(user, application: Application, today: dt.date, due, bound: tuple[str, Any] | None):
    """The case's allowed actions arranged for the page: the next step, the ones pressed beside it, the rest.

    Only what CASE.available() gives this user is ever offered; states.next_step picks the lead among those."""
    actions = available_actions(user, application)
    step = next_step(application, {a.name for a in actions}, today)
    expected = [s.name for s in expected_steps(application, today)]
    lead, pressed, others = None, [], []
    for action in actions:
        leads = step is not None and step.name == action.name
        failed = bool(bound and bound[0] == action.name)
        if failed:
            form = bound[1]
        else:
            initial = {**_initial(action, application), **(step.initial if leads else {})}
            form = action.form(initial=initial, prefix=action.name, **_form_kwargs(action, application))
        offer = Offer(action, form, step.title if leads else action.label, why=step.why if leads else "",
                      open=failed, failed=failed)
        if leads:
            lead = offer
        elif action.name == "request_extension" and extension_pressing(due):
            offer.open = True
            offer.why = f"答复期限临近（{due.label}）。确需延长的，应在期限届满前申请，经负责人同意后告知申请人。"
            pressed.append(offer)
        else:
            others.append(offer)
    # Among the others, the moves the case also expects (e.g. 告知补正 beside 开始办理) come first.
    others.sort(key=lambda o: expected.index(o.action.name) if o.action.name in expected else len(expected))
    return lead, pressed, others


def _detail(request: HttpRequest, application: Application, *, bound: tuple[str, Any] | None = None,
            revealed: dict[str, str] | None = None, status: int = 200) -> HttpResponse:
    calendar = WorkCalendar.load()
    today = timezone.localdate()
    deadline, clock = services.deadline_for(application, calendar, today)
    due = None
    if deadline is not None and clock == Clock.RUNNING and application.is_open:
        due = rules.reply_status(deadline.due_on, today, calendar)
    lead, pressed, others = _offers(request.user, application, today, due, bound)
    offers = [o for o in (lead, *pressed, *others) if o is not None]
    failed = next((o for o in offers if o.failed), None)
    notice_due = rules.correction_notice_due(application.received_on, calendar)
    letter = application.letters.first()
    return render(request, "disclosure/staff/detail.html", {
        "a": application, "deadline": deadline, "clock": Clock(clock), "status": due,
        "masked": services.masked_applicant(application), "revealed": revealed,
        "next": lead, "pressed": pressed, "others": others, "failed": failed,
        "error_heading": f"“{failed.title}”未完成，请修改以下问题：" if failed else "",
        # Focus goes to the first invalid field; to the summary when the refusal concerns no single field.
        "focus_summary": bool(failed) and not focus_first_error(failed.form),
        "actions": [(o.action, o.form) for o in offers],
        "pauses": application.pauses.all(), "fee_notices": application.fee_notices.all(),
        "remedies": application.remedies.all(), "letter": letter, "events": application.events.all(),
        "correction_notice_due": notice_due, "correction_notice_workdays": rules.CORRECTION_NOTICE_WORKDAYS,
        "decision": application.decision_type, "released_items": application.released_items.all(),
        "deliveries": application.deliveries.select_related("mail", "created_by"),
        "remedy_plans": rules.remedy_plans(application.delivered_on, application.decision, calendar)
        if application.delivered_on else [],
        "today": today,
        # 《条例》第四十一条、第四十三条: the page is the handling staff's alone, and reading it is audited.
        "record_correction": getattr(application, "record_correction", None),
        "evidence": application.evidence.all(), "assistance": getattr(application, "assistance", None),
    }, status=status)


@staff_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One case: facts, due date explained step by step, pauses, fees, letter, remedies, actions, history."""
    application = _case(request, pk)
    # Reading a case shows its request and masked applicant; the access is recorded like any other.
    audit.record(request.user, "view_application", application)
    return _detail(request, application)


@require_POST
@staff_required
def reveal_applicant(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the applicant's full details (to the handling agency's disclosure staff only), audited."""
    application = _case(request, pk)
    try:
        revealed = services.view_applicant(request.user, application)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("staff-application", pk=pk)
    return _detail(request, application, revealed=revealed)


@takes_uploads
@require_POST
@staff_required
def case_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Run one action through its service; refusals are shown beside the form's fields, never as a 500."""
    application = _case(request, pk)
    action = ACTIONS.get(name)
    try:
        if action is None:
            raise DomainError(f"未知的操作：{name}")
        CASE.check(request.user, application, name)
    except DomainError as exc:  # the workflow's own reason: state, role, 一事一审 or what the case still lacks
        messages.error(request, exc.message)
        return redirect("staff-application", pk=pk)
    form = action.form(request.POST, request.FILES, prefix=action.name, **_form_kwargs(action, application))
    if form.is_valid():
        try:
            result = action.run(request.user, application, form.cleaned_data)
            message = result if isinstance(result, str) else action.done
        except DomainError as exc:
            form.apply_domain_error(exc)
        else:
            messages.success(request, f"{action.label}：{message}")
            return redirect("staff-application", pk=pk)
    application.refresh_from_db()
    # The page's error summary (above the case) says what to fix and links to each field: no second message.
    return _detail(request, application, bound=(action.name, form), status=400)


@staff_required
def released_download(request: HttpRequest, pk: int, item: int) -> FileResponse:
    """An uploaded enclosure of a case the user handles (may carry personal data: audited)."""
    application = _case(request, pk)
    released = application.released_items.filter(pk=parse_number(item) or 0).exclude(file="").first()
    return _audited_file(request, application, released, "download_released", "附件不存在")


def _audited_file(request: HttpRequest, application: Application, stored, action: str,
                  missing: str) -> FileResponse:
    """A stored file of a case (enclosure or evidence) as a download, recorded in the audit log."""
    if stored is None:
        raise Http404(missing)
    audit.record(request.user, action, application, item=stored.pk)
    return FileResponse(stored.file.open("rb"), as_attachment=True, content_type=stored.content_type,
                        filename=stored.file_name)


@staff_required
def evidence_download(request: HttpRequest, pk: int, item: int) -> FileResponse:
    """An evidence file of a correction request the user handles (personal data: audited)."""
    application = _case(request, pk)
    evidence = application.evidence.filter(pk=parse_number(item) or 0).first()
    return _audited_file(request, application, evidence, "download_evidence", "证据材料不存在")


@staff_required
def letter_download(request: HttpRequest, pk: int, fmt: str) -> FileResponse:
    """The latest reply letter of a case, as DOCX or PDF (it carries personal data: audited)."""
    application = _case(request, pk)
    letter = application.letters.first()
    if letter is None or fmt not in ("docx", "pdf"):
        raise Http404("答复书不存在")
    audit.record(request.user, "download_letter", application, letter=letter.pk, format=fmt)
    file = letter.docx if fmt == "docx" else letter.pdf
    content_type = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document" if fmt == "docx"
                    else "application/pdf")
    return FileResponse(file.open("rb"), as_attachment=True, content_type=content_type,
                        filename=f"{application.case_no}答复书.{fmt}")


# ---------------------------------------------------------------------------------------------------------------
# Reports

@office_required
def report(request: HttpRequest, agencies: list) -> HttpResponse:
    """Annual-report figures (tables 3 and 4) and the most requested topics for the user's agencies."""
    this_year = timezone.localdate().year
    raw = request.GET.get("year", "").strip()
    year = parse_number(raw) or 0
    year = year if 2008 <= year <= this_year + 1 else this_year
    cases = queries.staff_applications(request.user)
    agency_code = request.GET.get("agency", "").strip()
    if agency_code:
        cases = cases.filter(agency__code=agency_code)
    received = cases.filter(received_on__gte=dt.date(year, 1, 1), received_on__lte=dt.date(year, 12, 31))
    return render(request, "disclosure/staff/report.html", {
        "figures": stats.annual_figures(cases, year), "topics": stats.requested_topics(received),
        "year": year, "years": list(range(this_year, this_year - 6, -1)), "agencies": agencies,
        "agency_code": agency_code, "year_error": bool(raw) and str(year) != raw,
        "converted": received.filter(proactive_document__isnull=False).select_related("proactive_document"),
    })
