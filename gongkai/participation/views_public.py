"""Public pages of consultations (/hdjl/yjzj/): the list, a draft with its numbered paragraphs and the comment
form, the public comments, the feedback, and the catalogue of major administrative decisions (/hdjl/zdjcml/);
and the landing page of 互动交流 (/hdjl/).
Everything shown comes through participation.visibility."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import OperationalError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from gongkai.core.clientip import client_ip
from gongkai.core.errors import DomainError
from gongkai.core.forms import MAX_ID, focus_first_error, parse_number
from gongkai.core.middleware import takes_public_uploads
from gongkai.disclosure import throttle
from gongkai.participation import queries, rules, services
from gongkai.participation.forms import HONEYPOT_MESSAGE, CommentForm
from gongkai.participation.models import Consultation, ConsultationStatus
from gongkai.participation.rules import MAX_ATTACHMENT_BYTES
from gongkai.participation.visibility import (
    public_comments,
    public_consultations,
    public_documents,
    public_evaluations,
    public_meetings,
    public_messages,
    public_motion_replies,
)

logger = logging.getLogger("gongkai.participation")
PER_PAGE = 20
HOME_OPEN_SHOWN = 5
UNSAVED_MESSAGE = "系统暂时无法保存您的意见，意见没有提交成功。您填写的内容都在下面，请稍后再提交。"


def _found(pk: int) -> Consultation:
    found = public_consultations().filter(pk=pk).first() if pk <= MAX_ID else None
    if found is None:
        raise Http404("没有这项征求意见")
    return found


def home(request: HttpRequest) -> HttpResponse:
    """互动交流 (/hdjl/): every section of public participation with what it holds now, counted through the
    visibility rule (nothing unpublished is counted), and the consultations open now."""
    now = timezone.now()
    consultations = public_consultations()
    is_open = Q(status=ConsultationStatus.OPEN, ends_at__gt=now)
    open_now = consultations.filter(is_open).order_by("ends_at", "id")
    return render(request, "participation/public/home.html", {
        "open_count": open_now.count(), "closed_count": consultations.exclude(is_open).count(),
        "latest_open": list(open_now[:HOME_OPEN_SHOWN]),
        "feedback_count": consultations.filter(status=ConsultationStatus.FEEDBACK_PUBLISHED).count(),
        "decision_count": consultations.filter(kind=rules.ConsultationKind.MAJOR_DECISION).count(),
        "reply_count": public_messages().count(), "meeting_count": public_meetings().count(),
        "evaluation_count": public_evaluations().count(), "motion_count": public_motion_replies().count()})


def index(request: HttpRequest) -> HttpResponse:
    """Consultations open now, or those that have ended (?status=closed)."""
    status = request.GET.get("status", "open")
    status = status if status in ("open", "closed") else "open"
    now = timezone.now()
    found = public_consultations()
    if status == "open":
        found = found.filter(status=ConsultationStatus.OPEN, ends_at__gt=now).order_by("ends_at", "id")
    else:
        found = found.exclude(status=ConsultationStatus.OPEN, ends_at__gt=now).order_by("-ends_at", "-id")
    page = Paginator(found, PER_PAGE).get_page(parse_number(request.GET.get("page"), 100000) or 1)
    return render(request, "participation/public/index.html", {"page_obj": page, "status": status, "querystring": f"status={status}"})


def _detail_context(consultation: Consultation) -> dict:
    linked = {d.pk: d for d in public_documents().filter(pk__in=[
        consultation.explanation_document_id, consultation.interpretation_document_id,
        consultation.decision_document_id])}
    return {
        "c": consultation, "paragraphs": services.paragraphs(consultation.document),
        "explanation_document": linked.get(consultation.explanation_document_id),
        "interpretation_document": linked.get(consultation.interpretation_document_id),
        "accepting": consultation.accepting(), "shortened": services.shortened(consultation),
        "minimum": rules.MINIMUM_PERIODS[consultation.kind], "counting": rules.PERIOD_COUNTING_SOURCE,
    }


@never_cache
@takes_public_uploads(MAX_ATTACHMENT_BYTES)
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft, paragraph by paragraph, its explanation and interpretation, and the comment form."""
    consultation = _found(pk)
    context = _detail_context(consultation)
    count = len(context["paragraphs"])
    if request.method != "POST":
        initial = {}
        chosen = parse_number(request.GET.get("paragraph"), count)
        if chosen:
            initial["paragraph"] = str(chosen)
        return render(request, "participation/public/detail.html",
                      {**context, "form": CommentForm(initial=initial, paragraphs=count)})
    form = CommentForm(request.POST, request.FILES, paragraphs=count)
    status = 400
    if form.is_valid():
        if form.cleaned_data.get("website"):
            form.add_error(None, HONEYPOT_MESSAGE)
        else:
            upload = form.cleaned_data.get("attachment")
            data = services.CommentData(
                content=form.cleaned_data["content"], paragraph=form.cleaned_data.get("paragraph"),
                name=form.cleaned_data.get("name") or "", contact=form.cleaned_data.get("contact") or "",
                attachment_name=upload.name if upload else "", attachment=upload.read() if upload else None,
                submission=form.cleaned_data.get("submission") or "")
            limit, window = services.comment_limit()
            try:
                with throttle.slot("comment", client_ip(request), limit, window):
                    services.submit_comment(consultation.pk, data)
            except throttle.Throttled as exc:
                form.add_error(None, throttle.too_many_message(exc.retry_after))
                response = render(request, "participation/public/detail.html",
                                  {**context, "form": form, "refused": True}, status=429)
                response["Retry-After"] = str(exc.retry_after)
                return response
            except services.ConsultationClosed as exc:
                # A tab left open past the end: the text stays on the page, nothing is stored.
                form.add_error(None, exc.message)
                context["accepting"] = False
                status = 409
            except DomainError as exc:
                form.apply_domain_error(exc)
            except OperationalError:
                logger.exception("comment could not be saved")
                form.add_error(None, UNSAVED_MESSAGE)
                status = 503
            else:
                messages.success(request, "您的意见已提交，感谢参与。意见征集结束后，我们将公布意见采纳情况。")
                return redirect("consultation", pk=consultation.pk)
    focus_first_error(form)
    # Only here, after a submission was actually refused, does the page show the form with what went wrong.
    return render(request, "participation/public/detail.html", {**context, "form": form, "refused": True},
                  status=status)


def comments(request: HttpRequest, pk: int) -> HttpResponse:
    """The comments the public may read (never a hidden one), with the paragraph each is about."""
    consultation = _found(pk)
    found = public_comments(consultation).order_by("created_at", "id")
    page = Paginator(found, PER_PAGE).get_page(parse_number(request.GET.get("page"), 100000) or 1)
    return render(request, "participation/public/comments.html", {"c": consultation, "page_obj": page})


def feedback(request: HttpRequest, pk: int) -> HttpResponse:
    """意见采纳情况, once published."""
    consultation = _found(pk)
    if consultation.status != ConsultationStatus.FEEDBACK_PUBLISHED:
        raise Http404("意见采纳情况尚未公布")
    decision = public_documents().filter(pk=consultation.decision_document_id).first() \
        if consultation.decision_document_id else None
    return render(request, "participation/public/feedback.html", {"c": consultation, "decision": decision})


def decisions(request: HttpRequest) -> HttpResponse:
    """重大行政决策目录 of a year (?year=, this year by default): every public consultation on a major decision
    opened that year with its stage, and the decisions made that year, each with whether it was published within
    the limit of rules.DECISION_PERIOD (late ones flagged)."""
    today = timezone.localdate()
    rows = queries.decision_rows()
    years = queries.decision_years(rows, today)
    year = parse_number(request.GET.get("year"), 2100)
    year = year if year in years else today.year
    catalogue, taken = queries.decision_catalogue(rows, year)
    return render(request, "participation/public/decisions.html", {
        "year": year, "years": years, "rows": catalogue, "taken": taken,
        "late_count": sum(1 for r in taken if r.late_days), "period": rules.DECISION_PERIOD})
