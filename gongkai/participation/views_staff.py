"""Staff pages of consultations: for the disclosure office of the agency (or an office above it granted over
subordinates) and superusers — the reach of the catalogue pages. Staff outside every disclosure office get a
403; a consultation of an agency the user does not handle is not found (404)."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gongkai.core.errors import DomainError
from gongkai.core.forms import MAX_ID
from gongkai.core.workdays import WorkCalendar, due_status
from gongkai.disclosure.queries import handling_agencies
from gongkai.orgs.models import Agency
from gongkai.participation import exports, forms, queries, rules, services
from gongkai.participation.models import Comment, CommentChannel, Consultation, ConsultationStatus
from gongkai.participation.states import CONSULTATION
from gongkai.publishing.models import Document
from gongkai.publishing.visibility import public_documents
from gongkai.staff.decorators import ALL_AGENCIES, chosen_agency, forbidden, listed_agencies, staff_required

_NO_ROLE = "意见征集由政府信息公开工作机构的工作人员管理。"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _agencies(request: HttpRequest) -> list[Agency] | HttpResponse:
    agencies = handling_agencies(request.user)
    return agencies or forbidden(request, _NO_ROLE)


def _consultation(request: HttpRequest, pk: int) -> Consultation | HttpResponse:
    agencies = _agencies(request)
    if isinstance(agencies, HttpResponse):
        return agencies
    found = (Consultation.objects.filter(pk=pk, agency__in=agencies).select_related("agency", "document").first()
             if pk <= MAX_ID else None)
    if found is None:
        raise Http404("没有这项征求意见")
    return found


def _documents(agency: Agency):
    return Document.objects.filter(agency=agency).select_related("latest_revision").order_by("-id")


@staff_required
def overview(request: HttpRequest) -> HttpResponse:
    """The consultations of one of the user's agencies, and the feedback due or late across all of them."""
    agencies = _agencies(request)
    if isinstance(agencies, HttpResponse):
        return agencies
    agency, listed, chosen = listed_agencies(agencies, request.GET.get("agency", "").strip(), request.user)
    now = timezone.now()
    rows = list(queries.staff_consultations(listed))
    return render(request, "participation/staff/overview.html", {
        "agencies": agencies, "agency": agency, "rows": rows, "now": now, "chosen": chosen,
        "all_agencies": ALL_AGENCIES, "scope_name": "全部机构" if chosen == ALL_AGENCIES else agency.name,
        "pending": queries.feedback_pending(agencies, timezone.localdate()), "feedback_source": rules.FEEDBACK_SOURCE})


def _form_page(request, form, agency: Agency, title: str, consultation: Consultation | None, status: int):
    return render(request, "participation/staff/form.html", {
        "form": form, "agency": agency, "title": title, "c": consultation,
        "periods": [(rules.ConsultationKind(k).label, p) for k, p in rules.MINIMUM_PERIODS.items()],
        "counting": rules.PERIOD_COUNTING_SOURCE,
        "history": queries.consultation_history(consultation) if consultation else []},
        status=status)


@staff_required
def create(request: HttpRequest, code: str) -> HttpResponse:
    """Draft a new consultation of the agency on a draft from its library."""
    agencies = _agencies(request)
    if isinstance(agencies, HttpResponse):
        return agencies
    agency = chosen_agency(agencies, code)
    documents = _documents(agency)
    drafts = services.draft_documents(agency).select_related("latest_revision").order_by("-id")
    if request.method == "POST":
        form = forms.ConsultationForm(request.POST, documents=documents, drafts=drafts)
        made = form.submit(lambda data: services.save_consultation(request.user, agency, data))
        if made is not None:
            messages.success(request, "征求意见已保存为草稿，核对后请点“发布征求意见”。")
            return redirect("staff-consultation", pk=made.pk)
        return _form_page(request, form, agency, f"新建征求意见（{agency.name}）", None, 400)
    return _form_page(request, forms.ConsultationForm(documents=documents, drafts=drafts), agency,
                      f"新建征求意见（{agency.name}）", None, 200)


@staff_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a consultation still in draft; once opened, explain why it can no longer be edited instead."""
    found = _consultation(request, pk)
    if isinstance(found, HttpResponse):
        return found
    refusal = services.edit_refusal(found)
    if refusal:
        # No form that the service would refuse on save: say why, and what can be done instead (a stale form
        # posted here is refused the same way, and save_consultation refuses whatever the path).
        return render(request, "participation/staff/not_editable.html", {
            "c": found, "refusal": refusal, "accepting": found.accepting(), "ended": services.ended(found),
            "title": f"修改征求意见：{found.title}"}, status=409 if request.method == "POST" else 200)
    documents = _documents(found.agency)
    drafts = services.draft_documents(found.agency, found).select_related("latest_revision").order_by("-id")
    if request.method == "POST":
        form = forms.ConsultationForm(request.POST, documents=documents, drafts=drafts)
        if form.submit(lambda data: services.save_consultation(request.user, found.agency, data, found)) is not None:
            messages.success(request, "已保存。")
            return redirect("staff-consultation", pk=found.pk)
        return _form_page(request, form, found.agency, f"修改征求意见：{found.title}", found, 400)
    initial = {name: getattr(found, name) for name in services.DRAFT_FIELDS}
    initial.update(document=found.document_id, explanation_document=found.explanation_document_id,
                   interpretation_document=found.interpretation_document_id, starts_on=found.starts_on,
                   ends_on=found.ends_on)
    return _form_page(request, forms.ConsultationForm(initial=initial, documents=documents, drafts=drafts), found.agency,
                      f"修改征求意见：{found.title}", found, 200)


@staff_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One consultation: its period and status, the actions open now, every comment (with the personal data
    the commenters gave, for the office only), moderation, and the feedback's time limit."""
    found = _consultation(request, pk)
    if isinstance(found, HttpResponse):
        return found
    return _detail_page(request, found)


def _detail_page(request: HttpRequest, found: Consultation, extension_form=None, status: int = 200) -> HttpResponse:
    calendar = WorkCalendar.load()
    due = None
    # The feedback's clock runs from the end of a consultation that was published: a draft saved with past dates
    # has no feedback due (the dashboard's queries.feedback_pending counts the same consultations).
    if found.ends_on and found.status in (ConsultationStatus.OPEN, ConsultationStatus.CLOSED) \
            and services.ended(found):
        due = due_status(rules.feedback_due(found.ends_on, calendar), timezone.localdate(), calendar,
                         rules.FEEDBACK_WARN_WORKDAYS)
    refusal = services.opening_refusal(found, calendar) if found.status == ConsultationStatus.DRAFT else None
    count = len(services.paragraphs(found.document))
    return render(request, "participation/staff/detail.html", {
        "c": found, "actions": CONSULTATION.available(request.user, found), "refusal": refusal,
        "comments": found.comments.order_by("created_at", "id"), "accepting": found.accepting(),
        "ended": services.ended(found), "due": due, "feedback_source": rules.FEEDBACK_SOURCE,
        "comment_form": forms.StaffCommentForm(paragraphs=count), "moderate_form": forms.ModerateForm(),
        "history": queries.consultation_history(found), "minimum": rules.MINIMUM_PERIODS[found.kind],
        "duty_refusal": CONSULTATION.duty_refusal(request.user, found),
        "shortened": services.shortened(found, calendar),
        "extension_form": extension_form or (forms.ExtensionForm(initial={"ends_on": found.ends_on})
                                             if services.may_extend(request.user, found) else None)}, status=status)


@require_POST
@staff_required
def extend(request: HttpRequest, pk: int) -> HttpResponse:
    """Extend an open consultation (never shorten it): a later last day and the reason, published."""
    found = _consultation(request, pk)
    if isinstance(found, HttpResponse):
        return found
    form = forms.ExtensionForm(request.POST)
    extended = form.submit(lambda data: services.extend_consultation(request.user, found, data["ends_on"],
                                                                      data["reason"]))
    if extended is None:
        return _detail_page(request, found, form, 400)
    messages.success(request, f"征求意见已延长至 {extended.ends_on:%Y-%m-%d} 24时，延长理由已随征求意见公布。")
    return redirect("staff-consultation", pk=found.pk)


@require_POST
@staff_required
def action(request: HttpRequest, pk: int) -> HttpResponse:
    """Open the consultation or publish its feedback."""
    found = _consultation(request, pk)
    if isinstance(found, HttpResponse):
        return found
    name = request.POST.get("action", "")
    try:
        if name == "open":
            services.open_consultation(request.user, found)
            messages.success(request, "已发布征求意见。")
        elif name == "publish_feedback":
            services.publish_feedback(request.user, found)
            messages.success(request, "已公布意见采纳情况。")
        else:
            messages.error(request, "未知的操作。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("staff-consultation", pk=found.pk)


@staff_required
def feedback(request: HttpRequest, pk: int) -> HttpResponse:
    """Draft the feedback (意见采纳情况) of an ended consultation."""
    found = _consultation(request, pk)
    if isinstance(found, HttpResponse):
        return found
    # The decision is shown publicly: only documents public by the library's one rule can be chosen.
    documents = public_documents().filter(agency=found.agency).order_by("-id")
    if found.status == ConsultationStatus.FEEDBACK_PUBLISHED:
        return _decision_page(request, found, documents)
    if request.method == "POST":
        form = forms.FeedbackForm(request.POST, documents=documents)
        if form.submit(lambda data: services.save_feedback(request.user, found, data)) is not None:
            messages.success(request, "意见采纳情况已保存，核对后请点“公布意见采纳情况”。")
            return redirect("staff-consultation", pk=found.pk)
        status = 400
    else:
        form = forms.FeedbackForm(documents=documents, initial={
            "received_count": found.received_count if found.received_count is not None else found.comments.count(),
            "adopted_count": found.adopted_count, "feedback_text": found.feedback_text,
            "unadopted": services.unadopted_text(found.unadopted), "decision_document": found.decision_document_id})
        status = 200
    return render(request, "participation/staff/feedback_form.html", {
        "form": form, "c": found, "source": rules.FEEDBACK_SOURCE}, status=status)


def _decision_page(request: HttpRequest, found: Consultation, documents) -> HttpResponse:
    """After publication: the feedback read-only, and a form for the decision document alone."""
    if request.method == "POST":
        form = forms.DecisionForm(request.POST, documents=documents)
        linked = form.submit(lambda data: services.link_decision(request.user, found, data.get("decision_document")))
        if linked is not None:
            if linked.decision_document_id:
                revision = linked.decision_document.latest_revision
                messages.success(request, f"已关联作出的决策《{revision.title if revision else ''}》，"
                                          "将显示在意见采纳情况页和重大行政决策目录中。")
            else:
                messages.success(request, "已取消关联作出的决策。")
            return redirect("staff-consultation", pk=found.pk)
        status = 400
    else:
        form, status = forms.DecisionForm(documents=documents,
                                          initial={"decision_document": found.decision_document_id}), 200
    return render(request, "participation/staff/feedback_published.html", {
        "form": form, "c": found, "source": rules.FEEDBACK_SOURCE,
        "unadopted": services.unadopted_text(found.unadopted)}, status=status)


@require_POST
@staff_required
def add_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """Enter a comment received by letter, fax or in person; refused once the period has ended."""
    found = _consultation(request, pk)
    if isinstance(found, HttpResponse):
        return found
    form = forms.StaffCommentForm(request.POST, paragraphs=len(services.paragraphs(found.document)))
    if not form.is_valid():
        messages.error(request, "未登记：" + "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("staff-consultation", pk=found.pk)
    try:
        services.submit_comment(found.pk, services.CommentData(
            content=form.cleaned_data["content"], paragraph=form.cleaned_data.get("paragraph"),
            name=form.cleaned_data.get("name") or "", contact=form.cleaned_data.get("contact") or ""),
            channel=CommentChannel.STAFF, actor=request.user)
        messages.success(request, "已登记意见。")
    except DomainError as exc:
        messages.error(request, f"未登记：{exc.message}")
    return redirect("staff-consultation", pk=found.pk)


@require_POST
@staff_required
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    """Hide a comment from the public or show it again, with a reason."""
    agencies = _agencies(request)
    if isinstance(agencies, HttpResponse):
        return agencies
    comment = (Comment.objects.filter(pk=pk, consultation__agency__in=agencies).select_related("consultation")
               .first() if pk <= MAX_ID else None)
    if comment is None:
        raise Http404("没有这条意见")
    hide = request.POST.get("action") != "show"
    try:
        services.moderate_comment(request.user, comment, hide, request.POST.get("reason", ""))
        messages.success(request, "已屏蔽该意见，公众不再能看到。" if hide else "已恢复显示该意见。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("staff-consultation", args=[comment.consultation_id]) + f"#cm-{comment.pk}")


@staff_required
def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Every comment of the consultation as CSV or XLSX."""
    found = _consultation(request, pk)
    if isinstance(found, HttpResponse):
        return found
    if fmt not in ("csv", "xlsx"):
        raise Http404("没有这种格式")
    if fmt == "csv":
        response = HttpResponse(exports.as_csv(found), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(exports.as_xlsx(found), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{found.title[:60]}-意见.{fmt}')}"
    return response
