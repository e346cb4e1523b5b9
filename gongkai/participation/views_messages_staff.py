"""Staff pages of the mailbox (/staff/participation/messages/): the inbox of one of the user's agencies with its
due-soon, overdue and escalated lists, a message with the writer's details and every step of its handling, and
the actions — transfer, reply, duplicate, invalid, publish the reply, record the fix of an error report. For the
disclosure office of the handling agency (or an office above it granted over subordinates) and superusers, as
the consultations; a message of an agency the user does not handle is not found (404) — except one the user's
agency transferred away, which it still follows read-only (without the writer's personal data). Staff also enter
letters, calls and visits (来信、来电、来访), and download a list as CSV or XLSX."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from django.contrib import messages as flash
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.core.errors import DomainError
from gongkai.core.forms import MAX_ID, focus_first_error
from gongkai.core.middleware import takes_uploads
from gongkai.core.workdays import WorkCalendar, due_status
from gongkai.disclosure.queries import handling_agencies
from gongkai.orgs.models import Agency
from gongkai.participation import exports, forms, queries, rules
from gongkai.participation import messages as services
from gongkai.participation.models import OFFLINE_CHANNELS, Message, MessageStatus
from gongkai.participation.rules import MessageCategory
from gongkai.participation.states import MESSAGE
from gongkai.publishing.models import Revision
from gongkai.staff.decorators import ALL_AGENCIES, chosen_agency, forbidden, listed_agencies, staff_required

_NO_ROLE = "政府信箱由政府信息公开工作机构的工作人员办理。"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACTIONS = ("transfer_message", "reply_message", "mark_duplicate", "mark_invalid", "publish_reply", "withdraw_reply",
           "record_fix")
DONE = {"transfer_message": "已转办。留言由接收机关办理，本机关可在“已转办”中查看办理情况。",
        "reply_message": "已答复。", "mark_duplicate": "已标记为重复留言（留言仍保留）。", "mark_invalid": "已标记为无效留言（留言仍保留）。", "publish_reply": "已公开答复。", "withdraw_reply": "已撤下公开答复。",
        "record_fix": "已登记纠错情况。"}


def _agencies(request: HttpRequest) -> list[Agency] | HttpResponse:
    agencies = handling_agencies(request.user)
    return agencies or forbidden(request, _NO_ROLE)


def _message(request: HttpRequest, pk: int, followed: bool = False) -> Message | HttpResponse:
    """A message the user's agencies handle; with `followed`, also one they transferred away (read-only)."""
    agencies = _agencies(request)
    if isinstance(agencies, HttpResponse):
        return agencies
    reach = Message.objects.filter(agency__in=agencies)
    if followed:
        reach = reach | queries.transferred_away(agencies)
    found = (reach.filter(pk=pk).select_related("agency", "addressed_to", "duplicate_of", "page_document")
             .first() if pk <= MAX_ID else None)
    if found is None:
        raise Http404("没有这条留言")
    return found


def _handles(request: HttpRequest, message: Message) -> bool:
    """Whether the user handles the message where it is now: only then the actions and the writer's details."""
    return any(a.pk == message.agency_id for a in handling_agencies(request.user))


def _filters(request: HttpRequest, agencies: list[Agency]) -> tuple[Agency, list[Agency], str, str, str]:
    """The home agency, the agencies listed and their choice (one code or all), the view and the category of a
    list, as the page and its downloads read them."""
    home, listed, chosen = listed_agencies(agencies, request.GET.get("agency", "").strip(), request.user)
    view = request.GET.get("view", "open")
    category = request.GET.get("category", "")
    return (home, listed, chosen, view if view in queries.MESSAGE_VIEWS else "open",
            category if category in MessageCategory.values else "")


def _scope_name(agency: Agency, chosen: str) -> str:
    return "全部机构" if chosen == ALL_AGENCIES else agency.name


@staff_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The messages of one of the user's agencies, in one list: open, due soon, overdue, escalated, replied,
    set aside (duplicates and invalid messages stay listed) or all."""
    agencies = _agencies(request)
    if isinstance(agencies, HttpResponse):
        return agencies
    agency, listed, chosen, view, category = _filters(request, agencies)
    today = timezone.localdate()
    calendar = WorkCalendar.load()
    open_rows = queries.message_rows(listed, "open", today, calendar, category)
    counts = {"open": len(open_rows), "overdue": sum(1 for r in open_rows if r.due.overdue),
              "due_soon": sum(1 for r in open_rows if r.due.due_soon),
              "escalated": sum(1 for r in open_rows if r.message.escalated_at)}
    rows = open_rows if view == "open" else queries.message_rows(listed, view, today, calendar, category)
    query = urlencode({"agency": chosen, "view": view, **({"category": category} if category else {})})
    return render(request, "participation/staff/messages.html", {
        "agencies": agencies, "agency": agency, "chosen": chosen, "scope_name": _scope_name(agency, chosen),
        "all_agencies": ALL_AGENCIES, "view": view, "views": queries.MESSAGE_VIEWS, "rows": rows,
        "view_label": queries.MESSAGE_VIEWS[view], "veto_months": rules.VETO_MONTHS, "category": category,
        "categories": MessageCategory.choices, "query": query, "offline": OFFLINE_CHANNELS,
        "counts": counts, "veto": queries.veto_messages(listed, today.year, today), "year": today.year,
        "veto_source": rules.VETO_SOURCE})


@staff_required
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The list the inbox shows for the same filters (agency, view, category), every row, as CSV or XLSX. The
    writer's details go only with messages the user handles now; a download that carries them is audited."""
    agencies = _agencies(request)
    if isinstance(agencies, HttpResponse):
        return agencies
    if fmt not in ("csv", "xlsx"):
        raise Http404("没有这种格式")
    agency, listed, chosen, view, category = _filters(request, agencies)
    found = [r.message for r in queries.message_rows(listed, view, timezone.localdate(), category=category,
                                                     limit=None)]
    handled = {a.pk for a in handling_agencies(request.user)}
    personal = [m for m in found if m.agency_id in handled]
    body = exports.message_rows(found, lambda m: m.agency_id in handled)
    if personal:
        services.record_export(request.user, agency, personal, view=view, category=category, agencies=chosen)
    label = f"{_scope_name(agency, chosen)}-留言-{queries.MESSAGE_VIEWS[view]}"
    if fmt == "csv":
        response = HttpResponse(exports.table_csv(exports.MESSAGE_HEADERS, body),
                                content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(exports.table_xlsx(exports.MESSAGE_HEADERS, body, "留言"), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{label}.{fmt}')}"
    return response


@takes_uploads
@require_http_methods(["GET", "POST"])
@staff_required
def register(request: HttpRequest, code: str) -> HttpResponse:
    """Enter a message received by letter, telephone or in person for one of the user's agencies; the answer
    shows the query code and access token once, for the office to pass on to the writer."""
    agencies = _agencies(request)
    if isinstance(agencies, HttpResponse):
        return agencies
    agency = chosen_agency(agencies, code)
    if request.method != "POST":
        return render(request, "participation/staff/message_new.html", {
            "agency": agency, "form": forms.StaffMessageForm(), "limits": _limits()})
    form = forms.StaffMessageForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        upload = data.get("attachment")
        try:
            message, token = services.register_message(request.user, agency, services.MessageData(
                category=data.get("category") or "", title=data.get("title") or "", content=data.get("content") or "",
                name=data.get("name") or "", phone=data.get("phone") or "", email=data.get("email") or "",
                address=data.get("address") or "", publish_reply=bool(data.get("publish_reply")),
                page_url=data.get("page_url") or "", attachment_name=upload.name if upload else "",
                attachment=upload.read() if upload else None),
                channel=data.get("channel") or "", received_on=data.get("received_on"))
        except DomainError as exc:
            form.apply_domain_error(exc)
        else:
            return render(request, "participation/staff/message_registered.html", {"m": message, "token": token})
    else:
        # 收到方式 or 收到日期 refused by the form: the rest is still checked, so all errors show in one round.
        form.apply_domain_error(DomainError("", errors=services.other_errors(
            forms.typed_message(form, agency=agency.code), form.errors, offline=True)))
    focus_first_error(form)
    return render(request, "participation/staff/message_new.html",
                  {"agency": agency, "form": form, "limits": _limits()}, status=400)


def _limits() -> list[tuple[str, int]]:
    return [(MessageCategory(c).label, rules.reply_workdays(c)) for c in rules.REPLY_LIMITS]


def _revisions(message: Message):
    return (Revision.objects.filter(document__agency=message.agency).select_related("document")
            .order_by("-id")[:50])


def _form(name: str, message: Message, data=None):
    """The form of one action, its field ids prefixed by the action (the page holds several forms)."""
    kwargs = {"auto_id": f"{name}-%s"}
    if name == "transfer_message":
        kwargs["exclude"] = message.agency_id
    elif name == "record_fix":
        kwargs["revisions"] = _revisions(message)
    cls = {"reply_message": forms.ReplyForm, "transfer_message": forms.TransferForm,
           "mark_duplicate": forms.DuplicateForm, "mark_invalid": forms.InvalidForm, "record_fix": forms.FixForm,
           "withdraw_reply": forms.ReplyWithdrawForm}[name]
    return cls(data, **kwargs)


def _detail(request: HttpRequest, message: Message, bound: dict | None = None, status: int = 200) -> HttpResponse:
    handles = _handles(request, message)
    calendar = WorkCalendar.load()
    due = (due_status(message.due_on, timezone.localdate(), calendar, rules.MESSAGE_WARN_WORKDAYS)
           if message.status == MessageStatus.RECEIVED else None)
    page = {name: _form(name, message) for name in ACTIONS if name != "publish_reply"}
    page["reply_message"].initial = {"reply": message.reply}
    page["record_fix"].initial = {"fix_note": message.fix_note}
    page.update(bound or {})
    allowed = {name for name in ACTIONS if handles and MESSAGE.allows(request.user, message, name)}
    return render(request, "participation/staff/message.html", {
        "m": message, "due": due, "forms": page, "veto_months": rules.VETO_MONTHS, "allowed": allowed, "steps": message.steps.select_related(
            "from_agency", "to_agency"), "duplicates": message.duplicates.all(),
        "is_error_report": message.category == MessageCategory.ERROR_REPORT, "handles": handles,
        "offline": OFFLINE_CHANNELS,
        "limit": rules.reply_workdays(message.category),
        "limit_source": rules.REPLY_LIMITS[message.category].source,
        "veto_on": rules.veto_day(message.received_on)}, status=status)


@staff_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One message: the writer's details (this office only), its time limit, every step, and the actions; a
    message the user's agency transferred away, read-only."""
    found = _message(request, pk, followed=True)
    if isinstance(found, HttpResponse):
        return found
    return _detail(request, found)


@require_POST
@staff_required
def action(request: HttpRequest, pk: int) -> HttpResponse:
    """Take one action on the message. Bad input comes back on the page with the typed values (400); a refusal
    about the message itself (its state, or the writer's consent) comes back as a message above it."""
    found = _message(request, pk)
    if isinstance(found, HttpResponse):
        return found
    name = request.POST.get("action", "")
    if name not in ACTIONS:
        flash.error(request, "未知的操作。")
        return redirect("staff-message", pk=found.pk)
    form = _form(name, found, request.POST) if name != "publish_reply" else None
    if form is not None and not form.is_valid():
        focus_first_error(form)
        return _detail(request, found, {name: form}, status=400)
    data = form.cleaned_data if form is not None else {}
    try:
        if name == "reply_message":
            services.reply_message(request.user, found, data["reply"])
        elif name == "transfer_message":
            services.transfer_message(request.user, found, data["to_agency"], data["reason"])
        elif name == "mark_duplicate":
            services.mark_duplicate(request.user, found, data["original"], data["reason"])
        elif name == "mark_invalid":
            services.mark_invalid(request.user, found, data["reason"])
        elif name == "publish_reply":
            services.publish_reply(request.user, found)
        elif name == "withdraw_reply":
            services.withdraw_reply(request.user, found, data["reason"])
        else:
            services.record_fix(request.user, found, data["fix_note"], data.get("fix_revision"))
    except DomainError as exc:
        if form is not None and exc.errors and set(exc.errors) & set(form.fields):
            form.apply_domain_error(exc)
            focus_first_error(form)
            return _detail(request, found, {name: form}, status=400)
        flash.error(request, exc.message)
        return redirect("staff-message", pk=found.pk)
    flash.success(request, DONE[name])
    # After a transfer too: the office that sent it follows it read-only under 已转办.
    return redirect("staff-message", pk=found.pk)


@staff_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """The writer's attachment (a screenshot of an error report), for the handling office only."""
    found = _message(request, pk)
    if isinstance(found, HttpResponse):
        return found
    if not found.attachment:
        raise Http404("没有附件")
    return FileResponse(found.attachment.open("rb"), as_attachment=True, filename=found.attachment_name or "附件",
                        content_type=found.attachment_type or "application/octet-stream")
