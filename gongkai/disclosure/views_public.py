"""The public pages of disclosure on application (/ysqgk/): the guide and form, and tracking a case.

A submitted application shows its tracking code and access token once, in the answer to the submission
itself: the token is never kept in the session, nor put in a URL (where access logs and browser history
would keep it). Tracking needs both, sent by POST; a successful look-up lets that browser session (which
holds only the case's id) see the status page and download the reply letter.
"""

from __future__ import annotations

import logging

from django.db import OperationalError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from gongkai.core.clientip import client_ip
from gongkai.core.errors import DomainError
from gongkai.core.forms import focus_first_error, parse_number
from gongkai.disclosure import letters, privacy, public, rules, services, throttle
from gongkai.disclosure.forms import HONEYPOT_MESSAGE, ApplicationForm
from gongkai.disclosure.models import Application

logger = logging.getLogger("gongkai.disclosure")
UNSAVED_MESSAGE = ("系统暂时无法保存您的申请（存储空间不足或数据库繁忙），申请没有提交成功。"
                   "您填写的内容都在下面，请稍后再点“提交申请”。")
SESSION_CASES = "ysq_cases"  # ids of cases this browser has proved it may follow
# Submission id → case id (neither is secret): a form sent twice registers one case.
SESSION_SUBMISSIONS = "ysq_submissions"
SESSION_RECEIPT = "ysq_receipt"  # older versions kept the receipt here; removed when seen


def _guide_context() -> dict:
    return {
        "reply_days": rules.REPLY_WORKDAYS, "extension_days": rules.MAX_EXTENSION_WORKDAYS,
        "correction_days": rules.CORRECTION_NOTICE_WORKDAYS, "review_days": rules.REVIEW_DAYS,
        "litigation_months": rules.LITIGATION_MONTHS, "free_applications": rules.PER_APPLICATION_FREE,
        "litigation_after_review_days": rules.LITIGATION_AFTER_REVIEW_DAYS,
        "page_tiers": rules.PER_PAGE_TIERS, "record_correction_days": rules.RECORD_CORRECTION_WORKDAYS,
    }


@never_cache
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    """The guide to applying and the application form; a valid submission is answered with the receipt."""
    if request.method != "POST":
        return render(request, "disclosure/guide.html", {"form": ApplicationForm(), **_guide_context()})
    repeated = _submitted_before(request)
    if repeated is not None:
        return repeated
    form = ApplicationForm(request.POST, request.FILES)
    if form.is_valid():
        if form.cleaned_data.get("website"):
            form.add_error(None, HONEYPOT_MESSAGE)
        else:
            limit, window = throttle.intake_limit()
            try:
                # The slot is reserved before saving, in the same transaction: a refused submission gives it back.
                with throttle.slot("intake", client_ip(request), limit, window):
                    application, token = services.submit_application(
                        services.ApplicantData(**form.applicant_values()), correction=form.correction_values(),
                        assistance=form.assistance_values())
            except throttle.Throttled as exc:
                form.add_error(None, throttle.too_many_message(exc.retry_after))
                response = render(request, "disclosure/guide.html", {"form": form, **_guide_context()}, status=429)
                response["Retry-After"] = str(exc.retry_after)
                return response
            except DomainError as exc:
                form.apply_domain_error(exc)
            except OperationalError:
                # A full disk or a database that cannot take the write right now: nothing was saved (the
                # transaction rolled back), so say so and give the applicant back everything they typed.
                logger.exception("application could not be saved")
                form.add_error(None, UNSAVED_MESSAGE)
                response = render(request, "disclosure/guide.html", {"form": form, **_guide_context()}, status=503)
                response["Retry-After"] = "60"
                return response
            else:
                _remember(request, application)
                submission = form.cleaned_data.get("submission")
                if submission:
                    done = dict(request.session.get(SESSION_SUBMISSIONS, {}))
                    done[submission] = application.pk
                    request.session[SESSION_SUBMISSIONS] = dict(list(done.items())[-20:])
                return render(request, "disclosure/submitted.html", {"a": application, "token": token})
    focus_first_error(form)
    return render(request, "disclosure/guide.html", {"form": form, **_guide_context()}, status=400)


def _submitted_before(request: HttpRequest) -> HttpResponse | None:
    """The answer to a form sent again (a reloaded receipt): no second case, and the token is not shown again."""
    submission = request.POST.get("submission", "")
    pk = request.session.get(SESSION_SUBMISSIONS, {}).get(submission) if submission else None
    application = Application.objects.filter(pk=pk).first() if pk else None
    if application is None:
        return None
    return render(request, "disclosure/track.html", {
        "code": application.tracking_code,
        "error": f"这份申请已经提交（查询码 {application.tracking_code}），没有重复登记。查询密码只在提交时显示一次，"
                 "请用保存的查询密码查询办理进度。"}, status=409)


@never_cache
def submitted(request: HttpRequest) -> HttpResponse:
    """The old receipt address: the receipt is now the answer to the submission, so this leads to tracking."""
    request.session.pop(SESSION_RECEIPT, None)  # a receipt (with its token) left by an older version
    return redirect("ysq-track")


def _remember(request: HttpRequest, application: Application) -> None:
    cases = set(request.session.get(SESSION_CASES, []))
    cases.add(application.pk)
    request.session[SESSION_CASES] = sorted(cases)[-20:]


@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """Enter the tracking code and access token; see the status and the public timeline."""
    context: dict = {"code": "", "error": ""}
    if request.method == "POST":
        limit, window = throttle.TRACKING_FAILURES
        code = request.POST.get("code", "").strip()[:40]
        token = request.POST.get("token", "").strip()[:40]
        context["code"] = code
        try:
            # A failure slot is taken before looking and given back when the look-up succeeds.
            with throttle.slot("tracking", client_ip(request), limit, window) as failure:
                application = public.find(code, token)
                if application is not None:
                    failure.release()
        except throttle.Throttled:
            context["error"] = throttle.TRACKING_MESSAGE
            return render(request, "disclosure/track.html", context, status=429)
        if application is None:
            context["error"] = public.NOT_FOUND
            return render(request, "disclosure/track.html", context, status=404)
        _remember(request, application)
        return redirect("ysq-case", code=application.tracking_code)
    if "token" in request.GET:
        # An old link with ?token=: never used (it sits in access logs and history); ask for it instead.
        context["error"] = "为保护您的信息，查询密码不再通过链接传递，请在下方输入查询码和查询密码。"
    context["code"] = request.GET.get("code", "").strip()[:40]
    return render(request, "disclosure/track.html", context)


@never_cache
def case(request: HttpRequest, code: str) -> HttpResponse:
    """The status page of a case this browser session has unlocked with its token."""
    application = _unlocked(request, code)
    available = services.reply_available(application)
    return render(request, "disclosure/case.html", {
        "a": application, "status": public.status(application),
        "letter": application.letters.first() if available else None,
        "released": list(application.released_items.all()) if available else [],
        "remedies": rules.remedies_sentence(letters.review_body(application), application.decision)
        if application.decision or application.decided_on else "",
        # Once delivered, the last days themselves (moved past holidays), as the staff page shows them.
        "remedy_plans": rules.remedy_plans(application.delivered_on, application.decision)
        if application.delivered_on else [],
        **_guide_context()})


def _unlocked(request: HttpRequest, code: str) -> Application:
    application = Application.objects.select_related("agency").filter(tracking_code=code).first()
    if application is None or application.pk not in request.session.get(SESSION_CASES, []):
        raise Http404("请先输入查询码和查询密码。")
    return application


@never_cache
def letter(request: HttpRequest, code: str) -> FileResponse:
    """The reply letter (PDF) for the applicant who unlocked the case in this session, once the office has
    published it there or delivered it; the first download of a published reply is its delivery."""
    application = _unlocked(request, code)
    reply = application.letters.first()
    if reply is None or not services.reply_available(application):
        raise Http404("答复书尚未发布。")
    response = FileResponse(reply.pdf.open("rb"), as_attachment=True, content_type="application/pdf",
                            filename=f"{application.case_no}答复书.pdf")
    services.record_download(application, "答复书")
    return response


@never_cache
def released(request: HttpRequest, code: str, item: int) -> FileResponse:
    """An uploaded enclosure of the unlocked case (ids of other cases' enclosures are simply not found)."""
    application = _unlocked(request, code)
    found = application.released_items.filter(pk=parse_number(item) or 0).exclude(file="").first()
    if found is None or not services.reply_available(application):
        raise Http404("附件不存在或尚未发布。")
    response = FileResponse(found.file.open("rb"), as_attachment=True, content_type=found.content_type,
                            filename=found.file_name)
    services.record_download(application, f"附件“{found.title}”")
    return response


RECOVERY_LIMIT = (5, 3600)  # recovery requests per address per hour
RECOVERY_PER_CASE = (3, 86400)  # mails per case per day, whoever asks: no mail-bombing the applicant
RECOVERY_ANSWER = ("如果查询码和电子邮箱与申请时填写的一致，新的查询密码已发送到该邮箱，原查询密码随即失效。"
                   "几分钟内没有收到的，请检查垃圾邮件，或联系受理机关的政府信息公开工作机构。")


@never_cache
@require_http_methods(["GET", "POST"])
def recover(request: HttpRequest) -> HttpResponse:
    """忘记查询密码: a new password mailed to the e-mail on file; the answer is the same whether or not it matched."""
    context = {"code": "", "answer": "", "error": ""}
    if request.method != "POST":
        context["code"] = request.GET.get("code", "").strip()[:40]
        return render(request, "disclosure/recover.html", context)
    code = request.POST.get("code", "").strip()[:40]
    email = request.POST.get("email", "").strip()[:254]
    context["code"] = code
    if not code or not email:
        context["error"] = "请填写查询码和申请时填写的电子邮箱。"
        return render(request, "disclosure/recover.html", context, status=400)
    try:
        with throttle.slot("recovery", client_ip(request), *RECOVERY_LIMIT):
            try:
                key = privacy.format_tracking_code(code) or "-"
                with throttle.slot("recovery_case", key, *RECOVERY_PER_CASE):
                    services.recover_access_token(code, email)
            except throttle.Throttled:
                pass  # this case had its mails for today: answer as always, send nothing
    except throttle.Throttled as exc:
        context["error"] = throttle.too_many_message(exc.retry_after)
        response = render(request, "disclosure/recover.html", context, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    context["answer"] = RECOVERY_ANSWER
    return render(request, "disclosure/recover.html", context)
