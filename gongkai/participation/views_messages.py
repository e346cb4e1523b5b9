"""Public pages of the mailbox (/hdjl/xx/) and error reports (/hdjl/zc/): writing, the acknowledgement with the
query code and the access token (shown once, in the answer to the submission itself: never in the session or a
URL), the query page (code and token sent by POST unlock the message for this browser session), the writer's
rating, and the public replies. Public replies come only through participation.visibility.public_messages."""

from __future__ import annotations

import logging
import secrets

from django.conf import settings
from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from gongkai.core import outbox
from gongkai.core.clientip import client_ip
from gongkai.core.errors import DomainError
from gongkai.core.forms import MAX_ID, focus_first_error, parse_number
from gongkai.core.middleware import takes_public_uploads
from gongkai.disclosure import throttle
from gongkai.participation import messages as services
from gongkai.participation import rules
from gongkai.participation.forms import (
    HONEYPOT_MESSAGE,
    ErrorReportForm,
    MessageForm,
    RatingForm,
    typed_message,
)
from gongkai.participation.models import Message, MessageStatus
from gongkai.participation.rules import MAX_ATTACHMENT_BYTES, MessageCategory
from gongkai.participation.visibility import public_documents, public_messages

logger = logging.getLogger("gongkai.participation")
PER_PAGE = 20
SESSION_MESSAGES = "ly_messages"  # ids of messages this browser proved it may follow (code + token)
UNSAVED_MESSAGE = "系统暂时无法保存您的留言，留言没有提交成功。您填写的内容都在下面，请稍后再提交。"

RECOVERY_ANSWER = ("若查询码与留言时填写的电子邮箱信息匹配，新的查询密码已发送到该邮箱，原查询密码随即失效。"
                   "几分钟内没有收到的，请检查垃圾邮件，或联系办理机关。")


NO_MAIL = ("本网站目前无法发送电子邮件，不能在这里找回查询密码；原查询密码仍然有效。"
           "请联系办理机关查询办理情况，或重新提交留言（将得到新的查询码和查询密码）。")


def no_mail_answer() -> str:
    """What the recovery page says when this site sends no mail at all (it tells nothing about any message)."""
    contact = settings.GONGKAI_SITE_CONTACT
    return NO_MAIL + (f"联系方式：{contact}" if contact else "")


def already_sent(message: Message) -> str:
    """The answer to a form sent again: the code, and how to follow the message without the token."""
    ways = ["查询密码只在提交时显示一次。"]
    if message.email and outbox.mail_enabled():
        ways.append("留言时填写了电子邮箱的，可在“忘记查询密码”页面（/hdjl/xx/zh/）凭查询码和该邮箱重新设置查询密码。")
    contact = settings.GONGKAI_SITE_CONTACT
    ways.append(f"也可以联系{message.agency.name}{f'（{contact}）' if contact else ''}，告知查询码查询办理情况；"
                "或者再次提交下面的表单，作为一条新留言登记（将得到新的查询码和查询密码）。")
    return f"这条留言已经提交（查询码 {message.code}），没有重复登记。" + "".join(ways)


def status_text(message: Message) -> str:
    """The status as one sentence for the writer (the label is not repeated before it: 已答复 said once)."""
    if message.status == MessageStatus.REPLIED:
        return f"已于 {message.replied_on:%Y-%m-%d} 答复，答复内容见下方。"
    if message.status == MessageStatus.DUPLICATE:
        original = f"（查询码 {message.duplicate_of.code}）" if message.duplicate_of_id else ""
        return f"重复留言：与您（或他人）此前提交的留言内容相同，已合并到该留言{original}办理。"
    if message.status == MessageStatus.INVALID:
        return "无效留言：经审核不属于受理范围，不予答复。"
    return f"办理中：{message.agency.name}将在 {message.due_on:%Y-%m-%d} 前答复。"


def _limits() -> list[tuple[str, int, str]]:
    return [(MessageCategory(c).label, rules.reply_workdays(c), limit.source)
            for c, limit in rules.REPLY_LIMITS.items()]


def _submit(request: HttpRequest, form, template: str, category: str | None, context: dict) -> HttpResponse:
    """Validate and store a public message; the acknowledgement page on success, the form (values kept) if not."""
    status = 400
    if form.is_valid():
        submission = form.cleaned_data.get("submission") or ""
        repeated = Message.objects.filter(submission=submission).first() if submission else None
        if form.cleaned_data.get("website"):
            form.add_error(None, HONEYPOT_MESSAGE)
        elif repeated is not None:
            # The same form sent twice (a reload, or a resend after a lost answer): one message, the token is not
            # shown again. The code is: only the browser that rendered this form knows its random submission id.
            form.add_error(None, already_sent(repeated))
            # A fresh id, so that sending the form again (the writer's choice) makes a new message.
            form.data = form.data.copy()
            form.data["submission"] = secrets.token_urlsafe(16)
            status = 409
        else:
            upload = form.cleaned_data.get("attachment")
            data = services.MessageData(
                category=category or form.cleaned_data.get("category") or "",
                agency=form.cleaned_data.get("agency") or "", title=form.cleaned_data.get("title") or "",
                content=form.cleaned_data.get("content") or "", name=form.cleaned_data.get("name") or "",
                phone=form.cleaned_data.get("phone") or "", email=form.cleaned_data.get("email") or "",
                publish_reply=bool(form.cleaned_data.get("publish_reply")),
                page_url=form.cleaned_data.get("page_url") or "", attachment_name=upload.name if upload else "",
                attachment=upload.read() if upload else None, submission=submission)
            limit, window = services.message_limit()
            try:
                with throttle.slot("message", client_ip(request), limit, window):
                    message, token = services.submit_message(data)
            except throttle.Throttled as exc:
                form.add_error(None, throttle.too_many_message(exc.retry_after))
                response = render(request, template, {**context, "form": form}, status=429)
                response["Retry-After"] = str(exc.retry_after)
                return response
            except DomainError as exc:
                form.apply_domain_error(exc)
            except OperationalError:
                logger.exception("message could not be saved")
                form.add_error(None, UNSAVED_MESSAGE)
                status = 503
            else:
                _remember(request, message)
                return render(request, "participation/public/message_received.html",
                              {"m": message, "token": token})
    else:
        # The form refused some fields: the service still checks the others, so every mistake shows at once.
        form.apply_domain_error(DomainError("", errors=services.other_errors(
            typed_message(form, category), form.errors)))
    focus_first_error(form)
    return render(request, template, {**context, "form": form}, status=status)



@never_cache
@takes_public_uploads(MAX_ATTACHMENT_BYTES)
@require_http_methods(["GET", "POST"])
def write(request: HttpRequest) -> HttpResponse:
    """政府信箱: write to an agency; the answer is the acknowledgement with the query code and access token."""
    context = {"limits": _limits(), "recent": public_messages()[:5]}
    if request.method != "POST":
        initial = {}
        category = request.GET.get("category", "")
        if category in MessageCategory.values and category != MessageCategory.ERROR_REPORT:
            initial["category"] = category
        # The policy Q&A's "给我们留言" brings the question nobody could answer, so it need not be typed again.
        content = request.GET.get("content", "").strip()[:rules.MAX_MESSAGE_CHARS]
        if content:
            initial["content"] = content
        return render(request, "participation/public/mailbox.html", {**context, "form": MessageForm(initial=initial)})
    return _submit(request, MessageForm(request.POST, request.FILES), "participation/public/mailbox.html", None,
                   context)


def _page_from(request: HttpRequest) -> str:
    """The page the visitor came from (?url= or the Referer), when it is one of ours."""
    for candidate in (request.GET.get("url", ""), request.headers.get("Referer", "")):
        candidate = candidate.strip()[:1000]
        if candidate and services._our_path(candidate) and "/hdjl/zc/" not in candidate:
            return candidate
    return ""


@never_cache
@takes_public_uploads(MAX_ATTACHMENT_BYTES)
@require_http_methods(["GET", "POST"])
def error_report(request: HttpRequest) -> HttpResponse:
    """我为政府网站找错: the page address and a description or a screenshot."""
    context = {"limit": rules.reply_workdays(MessageCategory.ERROR_REPORT),
               "source": rules.REPLY_LIMITS[MessageCategory.ERROR_REPORT].source}
    if request.method != "POST":
        return render(request, "participation/public/error_report.html",
                      {**context, "form": ErrorReportForm(initial={"page_url": _page_from(request)})})
    return _submit(request, ErrorReportForm(request.POST, request.FILES), "participation/public/error_report.html",
                   MessageCategory.ERROR_REPORT, context)


def _remember(request: HttpRequest, message: Message) -> None:
    unlocked = set(request.session.get(SESSION_MESSAGES, []))
    unlocked.add(message.pk)
    request.session[SESSION_MESSAGES] = sorted(unlocked)[-20:]


@never_cache
@require_http_methods(["GET", "POST"])
def query(request: HttpRequest) -> HttpResponse:
    """Enter the query code and access token (by POST, never in the URL); on to the message's status page."""
    context = {"code": request.GET.get("code", "").strip()[:40], "error": ""}
    if request.method != "POST":
        return render(request, "participation/public/message_query.html", context)
    code, token = request.POST.get("code", "").strip()[:40], request.POST.get("token", "").strip()[:40]
    context["code"] = code
    limit, window = throttle.TRACKING_FAILURES
    try:
        with throttle.slot("message_query", client_ip(request), limit, window) as failure:
            message = services.find(code, token)
            if message is not None:
                failure.release()
    except throttle.Throttled:
        context["error"] = throttle.TRACKING_MESSAGE
        return render(request, "participation/public/message_query.html", context, status=429)
    if message is None:
        context["error"] = services.NOT_FOUND
        return render(request, "participation/public/message_query.html", context, status=404)
    _remember(request, message)
    return redirect("message-status", code=message.code)


def _unlocked(request: HttpRequest, code: str) -> Message:
    message = Message.objects.select_related("agency", "duplicate_of").filter(code=code[:20]).first()
    if message is None or message.pk not in request.session.get(SESSION_MESSAGES, []):
        raise Http404("请先输入查询码和查询密码。")
    return message


@never_cache
@require_http_methods(["GET", "POST"])
def status(request: HttpRequest, code: str) -> HttpResponse:
    """The writer's view of their message (unlocked in this session): status, reply, and the rating form."""
    message = _unlocked(request, code)
    form = RatingForm()
    code_status = 200
    if request.method == "POST":
        form = RatingForm(request.POST)
        if form.is_valid():
            try:
                services.rate_reply(message, form.cleaned_data["rating"], form.cleaned_data.get("comment") or "")
            except DomainError as exc:
                form.apply_domain_error(exc)
            else:
                flash.success(request, "感谢您的评价。")
                return redirect("message-status", code=message.code)
        code_status = 400
        focus_first_error(form)
    return render(request, "participation/public/message_status.html", {
        "m": message, "status_text": status_text(message), "form": form,
        "can_rate": message.status == MessageStatus.REPLIED and message.rated_at is None}, status=code_status)


def replies(request: HttpRequest) -> HttpResponse:
    """Public replies: messages answered whose writers agreed to publication, newest first."""
    category = request.GET.get("category", "")
    found = public_messages()
    if category in MessageCategory.values:
        found = found.filter(category=category)
    else:
        category = ""
    page = Paginator(found, PER_PAGE).get_page(parse_number(request.GET.get("page"), 100000) or 1)
    return render(request, "participation/public/message_replies.html", {
        "page_obj": page, "category": category, "categories": MessageCategory.choices,
        "querystring": f"category={category}" if category else ""})


def reply(request: HttpRequest, pk: int) -> HttpResponse:
    """One public reply with its message (never the writer's name or contact)."""
    found = public_messages().filter(pk=pk).first() if pk <= MAX_ID else None
    if found is None:
        raise Http404("没有这条公开答复")
    page_document = public_documents().filter(pk=found.page_document_id).first() if found.page_document_id else None
    return render(request, "participation/public/message_reply.html", {"m": found, "page_document": page_document})


@never_cache
@require_http_methods(["GET", "POST"])
def recover(request: HttpRequest) -> HttpResponse:
    """忘记查询密码: a new token mailed to the address the writer gave; the answer is the same whether or not the
    code and address matched (nothing tells an asker that a message exists)."""
    context = {"code": request.GET.get("code", "").strip()[:40], "answer": "", "error": "", "no_mail": ""}
    template = "participation/public/message_recover.html"
    if not outbox.mail_enabled():
        # No mail server: saying "sent" would be untrue. The token stays as it is; the writer is sent elsewhere.
        context["no_mail"] = no_mail_answer()
        return render(request, template, context)
    if request.method != "POST":
        return render(request, template, context)
    code = request.POST.get("code", "").strip()[:40]
    email = request.POST.get("email", "").strip()[:rules.MAX_EMAIL_CHARS]
    context["code"] = code
    if not code or not email:
        context["error"] = "请填写查询码和留言时填写的电子邮箱。"
        return render(request, template, context, status=400)
    limit, window = services.message_limit()
    try:
        with throttle.slot("message_recovery", client_ip(request), limit, window):
            try:
                # However many addresses ask, one message gets few mails a day: no mail-bombing its writer.
                with throttle.slot("message_recovery_code", services.format_code(code) or "-",
                                   *rules.TOKEN_RESETS_PER_MESSAGE):
                    services.recover_access_token(code, email)
            except throttle.Throttled:
                pass  # answered as always, nothing sent
    except throttle.Throttled as exc:
        context["error"] = throttle.too_many_message(exc.retry_after)
        response = render(request, template, context, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    context["answer"] = RECOVERY_ANSWER
    return render(request, template, context)
