"""The publishing pages of the staff back office: document list, drafting forms, document pages, workflow
actions and the relations another agency asks this one to confirm.

Views only read and present; every change goes through gongkai.publishing.services, and the actions offered
are exactly those the review workflow allows this user now (gongkai.publishing.states.REVIEW).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gongkai.core import audit
from gongkai.core.errors import DomainError
from gongkai.core.forms import parse_number
from gongkai.core.middleware import takes_uploads
from gongkai.core.workdays import WorkCalendar, due_status
from gongkai.orgs.permissions import agencies_for, has_role
from gongkai.orgs.roles import Role
from gongkai.publishing import queries, rules, services
from gongkai.publishing.forms import DocumentForm
from gongkai.publishing.models import Attachment, Document, DocumentKind, Relation, Revision
from gongkai.publishing.rules import RELATION_LABELS, DisclosureMode, RelationKind, Validity
from gongkai.publishing.states import PUBLIC_STATUS_LABELS, RELATION, REVIEW, VALIDITY, State
from gongkai.staff.decorators import staff_required

PAGE_SIZE = 20

# Workflow transitions that take only (actor, document, comment); schedule and rejections are special.
SIMPLE_ACTIONS: dict[str, Callable[..., Document]] = {
    "submit": services.submit_document,
    "pass_secrecy_review": services.pass_secrecy_review,
    "approve": services.approve_document,
    "sign_off": services.sign_off_document,
    "publish": services.publish_document,
    "cancel_schedule": services.cancel_schedule,
    "withdraw": services.withdraw_document,
}

# Audit actions in the words a staff member reads: every workflow move, and the entries services add beside.
AUDIT_LABELS = {
    **REVIEW.labels(), **VALIDITY.labels(), **RELATION.labels(),
    "add_attachment": "上传附件",
    "unpublished_by_signoff": "撤下原公开版本",
    "relation_pending": "收到文件关系确认请求",
    "relation_confirmed": "确认文件关系",
    "relation_declined": "不同意文件关系",
}


def _staff_document(request: HttpRequest, pk: int) -> Document:
    """The document if it belongs to an agency where the user holds some role; otherwise 404."""
    return get_object_or_404(queries.staff_documents(agencies_for(request.user)), pk=pk)


def _state_label(value: str) -> str:
    if value in PUBLIC_STATUS_LABELS and value not in State.values:
        return PUBLIC_STATUS_LABELS[value]
    for choices in (State, Validity):
        if value in choices.values:
            return choices(value).label
    return PUBLIC_STATUS_LABELS.get(value, value)


@staff_required
def document_list(request: HttpRequest) -> HttpResponse:
    """Every document of the user's agencies, filtered by public status, review state and agency."""
    agencies = agencies_for(request.user)
    documents = queries.staff_documents(agencies)
    status = request.GET.get("state", "").strip()
    agency_code = request.GET.get("agency", "").strip()
    filter_errors = []
    if status and status not in queries.STATUS_FILTERS:
        filter_errors.append("没有这个流程状态，已显示全部状态。")
        status = ""
    if status:
        documents = queries.by_status(documents, status)
    if agency_code:
        documents = documents.filter(agency__code=agency_code)
    page_obj = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "publishing/staff/document_list.html", {
        "page_obj": page_obj, "querystring": query.urlencode(), "state": status, "agency_code": agency_code,
        "states": queries.STATUS_FILTERS.items(), "agencies": agencies, "filter_errors": filter_errors,
        "can_draft": bool(agencies_for(request.user, Role.DRAFTER)),
    })


def _uploads(form: DocumentForm) -> list[tuple[str, bytes]]:
    return [(upload.name, upload.read()) for upload in form.cleaned_data["attachments"]]


def _render_form(request: HttpRequest, form: DocumentForm, document: Document | None) -> HttpResponse:
    lost_files = request.method == "POST" and bool(request.FILES.getlist("attachments"))
    return render(request, "publishing/staff/document_form.html", {
        "form": form, "document": document, "kind": form.kind_value, "lost_files": lost_files,
        "kinds": DocumentKind,
    }, status=400 if request.method == "POST" else 200)


@takes_uploads
@staff_required
def document_new(request: HttpRequest) -> HttpResponse:
    """Create a document (first revision, in draft) in an agency where the user is a drafter."""
    user = request.user
    if not agencies_for(user, Role.DRAFTER):
        messages.error(request, "您没有在任何机关担任起草人，不能新建信息。")
        return redirect("staff-dashboard")
    if request.method != "POST":
        initial: dict[str, Any] = {"kind": request.GET.get("kind") or DocumentKind.POLICY,
                                   "formed_on": timezone.localdate()}
        target = request.GET.get("interprets", "")
        target_id = parse_number(target)
        if target_id is not None:
            # Started from "missing interpretation": prefill the relation to the policy being explained.
            policy = queries.staff_documents(agencies_for(user)).filter(pk=target_id).first()
            if policy is not None:
                initial.update(kind=DocumentKind.INTERPRETATION, relations=f"解读 {policy.index_no}",
                               agency=policy.agency_id)
        return _render_form(request, DocumentForm(user=user, initial=initial), None)

    form = DocumentForm(request.POST, request.FILES, user=user)
    if form.is_valid():
        try:
            document = services.create_document(user, form.cleaned_data["agency"], form.to_data(),
                                                kind=form.cleaned_data["kind"], uploads=_uploads(form))
        except DomainError as exc:
            form.apply_domain_error(exc)
        else:
            messages.success(request, f"已保存草稿，索引号 {document.index_no}。")
            return redirect("staff-document", pk=document.pk)
    return _render_form(request, form, None)


@takes_uploads
@staff_required
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Save an edit as a new revision; a live revision stays public until the new one is published."""
    user = request.user
    document = _staff_document(request, pk)
    if not has_role(user, Role.DRAFTER, document.agency):
        messages.error(request, f"您没有在“{document.agency.name}”担任起草人，不能修改。")
        return redirect("staff-document", pk=pk)
    try:
        services.check_editable(user, document)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("staff-document", pk=pk)
    if request.method != "POST":
        initial = DocumentForm.initial_for(document)
        if document.state != State.DRAFT:
            # Changing a published (or filed) text: the change is formed today and starts its own clock
            # (《条例》第二十六条“变更之日”); the old date would flag the new revision overdue at once.
            initial["formed_on"] = timezone.localdate()
        form = DocumentForm(user=user, document=document, initial=initial)
        return _render_form(request, form, document)

    form = DocumentForm(request.POST, request.FILES, user=user, document=document)
    if form.is_valid():
        removed = {a.pk for a in form.cleaned_data.get("remove_attachments") or []}
        data = form.to_data()
        data.attachment_ids = [a.pk for a in document.latest_revision.attachments.all() if a.pk not in removed]
        try:
            revision = services.save_revision(user, document, data, uploads=_uploads(form))
        except DomainError as exc:
            form.apply_domain_error(exc)
        else:
            messages.success(request, f"已保存第 {revision.number} 版，请提交保密审查后再发布。")
            return redirect("staff-document", pk=pk)
    return _render_form(request, form, document)


def _changes(live: Revision, latest: Revision) -> list[tuple[str, str, str]]:
    """(field label, live value, pending value) for the metadata that differs between two revisions."""

    def snapshot(r: Revision) -> dict[str, str]:
        return {
            "标题": r.title, "发文字号": r.doc_number or "—", "公文种类": r.doc_type, "主题分类": r.subject,
            "成文日期": f"{r.signed_on:%Y-%m-%d}" if r.signed_on else "—",
            "形成或变更日期": f"{r.formed_on:%Y-%m-%d}" if r.formed_on else "未注明", "发文机关": r.issuer or "—",
            "公开属性": r.get_disclosure_mode_display(),
            "政策标签": "、".join(t.name for t in r.tags.all()) or "—",
            "附件": "、".join(a.name for a in r.attachments.all()) or "—",
            "正文": "（有修改）" if r.body_html != live.body_html else "",
        }

    old, new = snapshot(live), snapshot(latest)
    changed = [(k, old[k], new[k]) for k in old if k != "正文" and old[k] != new[k]]
    if live.body_html != latest.body_html:
        changed.append(("正文", "", "有修改，见下方待发布版本"))
    return changed


@staff_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Metadata, pending vs live revision, the actions this user may take, relations, and the full history."""
    user = request.user
    document = _staff_document(request, pk)
    latest, live = document.latest_revision, document.live_revision
    deadline = deadline_status = None
    today = timezone.localdate()
    if document.has_pending_revision and latest.disclosure_mode == DisclosureMode.PROACTIVE:
        calendar = WorkCalendar.load()
        deadline = rules.disclosure_deadline(latest.formed_on or timezone.localdate(latest.created_at), calendar, latest.disclosure_period)
        deadline_status = due_status(deadline.due_on, today, calendar, settings.GONGKAI_TIMELINESS_WARN_DAYS)
    # Review steps carry a reviewer's opinion; other entries a title, file name or change note.
    steps = {t.name for t in REVIEW.transitions.values() if t.offered}
    entries = [{
        "entry": e, "label": AUDIT_LABELS.get(e.action, e.action),
        "from": _state_label(e.from_state) if e.from_state else "", "to": _state_label(e.to_state) if e.to_state else "",
        "comment_label": "意见" if e.action in steps else "说明",
    } for e in audit.history(document)]
    related = queries.relations_of(document)
    relations = [(RELATION_LABELS[RelationKind(r.kind)][0], r.target, r) for r in related["outgoing"]]
    incoming = [(r, RELATION.available(user, r)) for r in related["incoming"]]
    return render(request, "publishing/staff/document_detail.html", {
        "document": document, "latest": latest, "live": live,
        "pending": live is None or document.has_unpublished_changes,
        "changes": _changes(live, latest) if live and document.has_unpublished_changes else [],
        "actions": REVIEW.available(user, document), "can_edit": REVIEW.allows(user, document, "save_revision"),
        "duty_refusal": REVIEW.duty_refusal(user, document),
        "deadline": deadline, "revisions": document.revisions.select_related("created_by").order_by("-number"),
        "entries": entries, "attachments": latest.attachments.all(), "tags": latest.tags.all(),
        "relations": relations, "incoming": incoming, "today": today, "deadline_status": deadline_status,
        "validities": Validity.choices, "can_set_validity": VALIDITY.allows(user, document, "set_validity"),
        "min_schedule": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    })


@staff_required
def document_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The pending revision in the public detail layout, marked as not public, for the agency's staff."""
    document = _staff_document(request, pk)
    revision = document.latest_revision
    outgoing = [(RELATION_LABELS[RelationKind(r.kind)][0], r.target)
                for r in revision.relations.select_related("target__live_revision")]
    return render(request, "publishing/staff/preview.html", {
        "document": document, "revision": revision, "outgoing": outgoing, "incoming": [],
        "interpretations": [], "attachments": [], "staff_attachments": revision.attachments.all(),
        "tags": revision.tags.all(),
    })


def _parse_schedule(value: str) -> dt.datetime:
    """A datetime-local value (YYYY-MM-DDTHH:MM) as an aware datetime in the site's time zone."""
    try:
        naive = dt.datetime.fromisoformat((value or "").strip())
    except ValueError:
        raise DomainError("请填写有效的定时发布时间，例如 2026-12-01 09:00。", field="scheduled_at") from None
    return timezone.make_aware(naive) if timezone.is_naive(naive) else naive


@require_POST
@staff_required
def document_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Run one workflow transition through its service; refusals become a Chinese message, never a 500."""
    user = request.user
    document = _staff_document(request, pk)
    name = request.POST.get("action", "")
    comment = request.POST.get("comment", "").strip()
    # The revision the page showed: a step is never taken on a newer text than the one the user read.
    shown = request.POST.get("revision", "")
    number = parse_number(shown)
    revision = {"revision": number} if number is not None and name != "withdraw" else {}
    try:
        # Checked here against the current state, so a stale page cannot trigger a different step.
        transition = REVIEW.check(user, document, name)
        if name == "schedule":
            services.schedule_document(user, document, _parse_schedule(request.POST.get("scheduled_at", "")),
                                       comment, **revision)
        elif name.startswith("reject_"):
            services.reject_document(user, document, comment, **revision)
        elif name in SIMPLE_ACTIONS:
            SIMPLE_ACTIONS[name](user, document, comment, **revision)
        else:
            raise DomainError(f"工作台暂不支持“{transition.label}”。")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        document.refresh_from_db()
        messages.success(request, f"已完成“{transition.label}”，当前状态：{document.status_label}。")
    return redirect("staff-document", pk=pk)


@require_POST
@staff_required
def relation_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm or decline a repeal or amendment another agency declared on one of this agency's documents."""
    relation = get_object_or_404(Relation.objects.select_related("target__agency"), pk=pk,
                                 target__agency__in=agencies_for(request.user))
    name = request.POST.get("action", "")
    comment = request.POST.get("comment", "").strip()
    run = {"confirm_relation": services.confirm_relation, "decline_relation": services.decline_relation}.get(name)
    try:
        if run is None:
            raise DomainError(f"未知的操作：{name}")
        run(request.user, relation, comment)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        target = relation.target
        target.refresh_from_db()
        messages.success(request, f"已确认，本文件现为“{target.get_validity_display()}”。" if name == "confirm_relation"
                         else "已记录不同意的意见，本文件保持不变；对方机关会看到您的意见。")
    return redirect("staff-document", pk=relation.target_id)


def _date_or_none(value: str, field: str, label: str) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise DomainError(f"请填写有效的{label}，格式为 YYYY-MM-DD。", field=field) from None


@require_POST
@staff_required
def document_validity(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the validity of a document (e.g. mark it 失效 or 废止) without a new revision."""
    document = _staff_document(request, pk)
    post = request.POST
    try:
        services.set_validity(
            request.user, document, post.get("validity", ""),
            effective_on=_date_or_none(post.get("effective_on", ""), "effective_on", "施行日期"),
            expires_on=_date_or_none(post.get("expires_on", ""), "expires_on", "失效日期"),
            repealed_on=_date_or_none(post.get("repealed_on", ""), "repealed_on", "废止日期"),
            comment=post.get("comment", "").strip())
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        document.refresh_from_db()
        messages.success(request, f"有效性已改为“{document.get_validity_display()}”。")
    return redirect("staff-document", pk=pk)


@staff_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """Download any attachment of a document the user may see, published or not."""
    attachment = Attachment.objects.filter(pk=pk, document__agency__in=agencies_for(request.user)).first()
    if attachment is None:
        raise Http404("附件不存在")
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type,
                            as_attachment=True, filename=attachment.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response

