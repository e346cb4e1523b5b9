"""The write path of publishing: every change to a document goes through a function here.

Each service checks the actor's role within the document's agency, validates, runs in one transaction,
writes the audit entry and returns the object, or raises a DomainError with a Chinese message.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from gongkai.core import audit
from gongkai.core.errors import DomainError
from gongkai.core.text import BODY_FORMATS, html_to_text, to_html
from gongkai.orgs.models import Agency
from gongkai.orgs.permissions import require_role
from gongkai.orgs.roles import Role
from gongkai.publishing import states
from gongkai.publishing.extract import check_file, extract_text
from gongkai.publishing.models import (
    Attachment,
    Document,
    DocumentKind,
    IndexCounter,
    InterpretationFormat,
    Relation,
    Revision,
    Tag,
)
from gongkai.publishing.rules import DisclosureMode, RelationKind, Validity, WithholdingGround
from gongkai.publishing.signals import announce
from gongkai.publishing.states import State
from gongkai.publishing.taxonomy import ALL_SUBJECTS, DOC_TYPES

SYSTEM = None  # the actor recorded for scheduler and importer moves


@dataclass
class DocumentData:
    """Everything a drafter enters for one revision, plus the document's lifecycle fields."""

    title: str
    body: str
    subject: str
    body_format: str = "html"
    doc_type: str = "通知"
    doc_number: str = ""
    signed_on: dt.date | None = None
    formed_on: dt.date | None = None
    issuing_agency_ids: list[int] = field(default_factory=list)
    other_issuers: str = ""
    disclosure_mode: str = DisclosureMode.PROACTIVE
    withholding_ground: str = ""
    withholding_reason: str = ""
    tags: list[str] = field(default_factory=list)
    needs_interpretation: bool = False
    interpretation_format: str = ""
    video_url: str = ""
    qa: list[dict[str, str]] = field(default_factory=list)
    relations: list[tuple[str, int]] = field(default_factory=list)
    attachment_ids: list[int] | None = None  # None keeps the previous revision's attachments
    change_note: str = ""
    validity: str = Validity.VALID
    effective_on: dt.date | None = None
    expires_on: dt.date | None = None
    repealed_on: dt.date | None = None


def validate(data: DocumentData, kind: str, document: Document | None = None) -> None:
    """Raise DomainError carrying every field error (in Chinese) found in `data`."""
    errors: dict[str, list[str]] = {}

    def err(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    data.title = (data.title or "").strip()
    if not data.title:
        err("title", "请填写标题。")
    elif len(data.title) > 300:
        err("title", "标题不能超过 300 个字。")
    if data.body_format not in BODY_FORMATS:
        err("body", "正文格式只能是 text、markdown 或 html。")
    elif not html_to_text(to_html(data.body, data.body_format)).strip():
        err("body", "请填写正文。")
    if data.subject not in ALL_SUBJECTS:
        err("subject", "请选择主题分类。")
    if data.doc_type not in DOC_TYPES:
        err("doc_type", "请选择公文种类。")
    if len(data.doc_number) > 100:
        err("doc_number", "发文字号不能超过 100 个字。")
    if data.disclosure_mode not in DisclosureMode.values:
        err("disclosure_mode", "请选择公开属性。")
    elif data.disclosure_mode != DisclosureMode.PROACTIVE:
        if data.withholding_ground not in WithholdingGround.values:
            err("withholding_ground", "非主动公开的信息必须选择法律依据。")
        if not data.withholding_reason.strip():
            err("withholding_reason", "非主动公开的信息必须说明理由。")
    if data.signed_on and data.formed_on and data.formed_on < data.signed_on:
        err("formed_on", "形成或变更日期不能早于成文日期。")
    if data.validity not in Validity.values:
        err("validity", "请选择有效性。")
    if data.validity == Validity.REPEALED and not data.repealed_on:
        err("repealed_on", "已废止的文件请填写废止日期。")
    if data.validity == Validity.EXPIRED and not data.expires_on:
        err("expires_on", "已失效的文件请填写失效日期。")
    if data.effective_on and data.repealed_on and data.repealed_on < data.effective_on:
        err("repealed_on", "废止日期不能早于施行日期。")
    if data.effective_on and data.expires_on and data.expires_on < data.effective_on:
        err("expires_on", "失效日期不能早于施行日期。")
    for kind_, target_id in data.relations:
        if kind_ not in RelationKind.values:
            err("relations", f"未知的文件关系：{kind_}")
        elif document is not None and target_id == document.pk:
            err("relations", "文件不能与自身建立关系。")
        elif not Document.objects.filter(pk=target_id).exists():
            err("relations", f"关联文件（编号 {target_id}）不存在。")
    if kind == DocumentKind.INTERPRETATION:
        if data.interpretation_format not in InterpretationFormat.values:
            err("interpretation_format", "请选择解读形式。")
        if data.interpretation_format == InterpretationFormat.VIDEO and not data.video_url:
            err("video_url", "视频解读请填写视频链接。")
        if data.interpretation_format == InterpretationFormat.QA and not data.qa:
            err("qa", "问答解读请至少填写一组问答。")
        if not any(k == RelationKind.INTERPRETS for k, _ in data.relations):
            err("relations", "政策解读必须关联所解读的政策文件。")
    for pair in data.qa:
        if not (pair.get("q", "").strip() and pair.get("a", "").strip()):
            err("qa", "每组问答都要有问题和回答。")
            break
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(first, errors=errors)


def allocate_index_no(agency: Agency, year: int) -> str:
    """Next index number `<agency code>/<year>-<5-digit serial>` for the agency (call inside a transaction)."""
    counter, _ = IndexCounter.objects.select_for_update().get_or_create(agency=agency, year=year)
    while True:
        counter.last += 1
        index_no = f"{agency.code}/{year}-{counter.last:05d}"
        # Imported archives may already hold a serial; skip past them instead of failing.
        if not Document.objects.filter(index_no=index_no).exists():
            break
    counter.save(update_fields=["last"])
    return index_no


def _write_revision(actor, document: Document, data: DocumentData) -> Revision:
    previous = document.latest_revision
    number = (previous.number + 1) if previous else 1
    body_html = to_html(data.body, data.body_format)
    revision = Revision.objects.create(
        document=document, number=number, title=data.title, doc_number=data.doc_number.strip(),
        signed_on=data.signed_on, formed_on=data.formed_on or data.signed_on or timezone.localdate(),
        doc_type=data.doc_type, subject=data.subject, other_issuers=data.other_issuers.strip(),
        disclosure_mode=data.disclosure_mode,
        withholding_ground=data.withholding_ground if data.disclosure_mode != DisclosureMode.PROACTIVE else "",
        withholding_reason=data.withholding_reason if data.disclosure_mode != DisclosureMode.PROACTIVE else "",
        body_html=body_html, body_text=html_to_text(body_html), needs_interpretation=data.needs_interpretation,
        interpretation_format=data.interpretation_format, video_url=data.video_url, qa=data.qa,
        change_note=data.change_note, created_by=actor if getattr(actor, "pk", None) else None,
    )
    issuing_ids = data.issuing_agency_ids
    if not issuing_ids and not data.other_issuers.strip():
        # With no issuer named, the owning agency issued it (the common case for a single-agency document).
        issuing_ids = [document.agency_id]
    revision.issuing_agencies.set(Agency.objects.filter(pk__in=issuing_ids))
    tag_names = list(dict.fromkeys(t.strip() for t in data.tags if t.strip()))
    revision.tags.set([Tag.objects.get_or_create(name=name[:40])[0] for name in tag_names])
    if data.attachment_ids is None:
        revision.attachments.set(previous.attachments.all() if previous else [])
    else:
        revision.attachments.set(Attachment.objects.filter(document=document, pk__in=data.attachment_ids))
    for kind, target_id in dict.fromkeys(data.relations):
        Relation.objects.create(revision=revision, kind=kind, target_id=target_id)
    return revision


def _apply_lifecycle(document: Document, data: DocumentData) -> None:
    document.validity = data.validity
    document.effective_on = data.effective_on
    document.expires_on = data.expires_on
    document.repealed_on = data.repealed_on


@transaction.atomic
def create_document(actor, agency: Agency, data: DocumentData, *, kind: str = DocumentKind.POLICY,
                    external_id: str | None = None, uploads: list[tuple[str, bytes]] | None = None,
                    check_role: bool = True) -> Document:
    """Create a document with its first revision (carrying `uploads` as attachments), in draft."""
    if check_role:
        require_role(actor, Role.DRAFTER, agency)
    validate(data, kind)
    year = (data.formed_on or data.signed_on or timezone.localdate()).year
    document = Document(agency=agency, kind=kind, index_no=allocate_index_no(agency, year),
                        external_id=external_id, created_by=actor if getattr(actor, "pk", None) else None)
    _apply_lifecycle(document, data)
    document.save()
    if uploads:
        data.attachment_ids = [a.pk for a in _store_attachments(document, uploads, actor)]
    document.latest_revision = _write_revision(actor, document, data)
    document.save(update_fields=["latest_revision"])
    audit.record(actor, "create_document", document, to_state=State.DRAFT, comment=data.title)
    return document


@transaction.atomic
def save_revision(actor, document: Document, data: DocumentData, *, uploads: list[tuple[str, bytes]] | None = None,
                  check_role: bool = True) -> Revision:
    """Save an edit as a new revision, adding `uploads` to its attachments.

    The live revision, if any, stays public until this one is published."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    if check_role:
        require_role(actor, Role.DRAFTER, document.agency)
    if document.state not in states.EDITABLE_STATES:
        raise DomainError(f"文件当前状态为“{State(document.state).label}”，不能修改；请先退回草稿。")
    validate(data, document.kind, document)
    if uploads:
        kept = data.attachment_ids
        if kept is None:
            kept = list(document.latest_revision.attachments.values_list("pk", flat=True))
        data.attachment_ids = kept + [a.pk for a in _store_attachments(document, uploads, actor)]
    revision = _write_revision(actor, document, data)
    previous_state = document.state
    document.latest_revision = revision
    document.state = State.DRAFT
    if document.live_revision_id is None:
        _apply_lifecycle(document, data)
    document.save()
    audit.record(actor, "save_revision", document, from_state=previous_state, to_state=State.DRAFT,
                 comment=data.change_note, revision=revision.number)
    return revision


def _store_attachment(document: Document, name: str, content: bytes) -> Attachment:
    from django.conf import settings

    name = (name or "").replace("/", "_").replace("\\", "_").strip()[:200]
    if not content:
        raise DomainError(f"文件“{name}”是空文件。", field="attachments")
    if len(content) > settings.GONGKAI_MAX_UPLOAD_BYTES:
        raise DomainError(f"文件“{name}”超过大小上限。", field="attachments")
    ext, content_type = check_file(name, content[:16])
    attachment = Attachment(document=document, name=name, content_type=content_type, size=len(content),
                            sha256=hashlib.sha256(content).hexdigest(), text=extract_text(ext, content))
    attachment.file.save(f"{attachment.sha256[:16]}{ext}", ContentFile(content), save=False)
    attachment.save()
    return attachment


def _store_attachments(document: Document, uploads: list[tuple[str, bytes]], actor) -> list[Attachment]:
    """Store every upload or none (on a refused file, those already written leave the disk); audited."""
    stored: list[Attachment] = []
    try:
        for name, content in uploads:
            stored.append(_store_attachment(document, name, content))
    except DomainError:
        # The rows roll back with the transaction; the files on disk would not.
        for attachment in stored:
            attachment.file.storage.delete(attachment.file.name)
        raise
    for attachment in stored:
        audit.record(actor, "add_attachment", document, comment=attachment.name, attachment=attachment.pk)
    return stored


@transaction.atomic
def add_attachment(actor, document: Document, name: str, content: bytes, *, check_role: bool = True) -> Attachment:
    """Store an uploaded file for `document` (not yet on any revision) with its text extracted."""
    if check_role:
        require_role(actor, Role.DRAFTER, document.agency)
    attachment = _store_attachment(document, name, content)
    audit.record(actor, "add_attachment", document, comment=attachment.name, attachment=attachment.pk)
    return attachment


def _move(actor, document: Document, name: str, comment: str = "", target: str | None = None,
          **data: Any) -> Document:
    """Apply one workflow transition after checking state and role; write the audit entry."""
    transition = states.check(name, document.state)
    if transition.role is not None:
        require_role(actor, transition.role, document.agency)
    if transition.needs_comment and not comment.strip():
        raise DomainError("退回或撤销时请填写意见。", field="comment")
    previous = document.state
    document.state = target or transition.target
    document.save()
    audit.record(actor, name, document, from_state=previous, to_state=document.state, comment=comment,
                 revision=document.latest_revision.number if document.latest_revision else None, **data)
    return document


def _locked(document: Document) -> Document:
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer joins select_related adds.
    return (Document.objects.select_for_update(of=("self",)).select_related("agency", "latest_revision")
            .get(pk=document.pk))


@transaction.atomic
def submit_document(actor, document: Document, comment: str = "") -> Document:
    """Send the pending revision to secrecy review (先审查、后公开)."""
    return _move(actor, _locked(document), "submit", comment)


@transaction.atomic
def pass_secrecy_review(actor, document: Document, comment: str = "") -> Document:
    """Record that the pending revision passed secrecy review (一事一审) and send it for approval."""
    return _move(actor, _locked(document), "pass_secrecy_review", comment)


@transaction.atomic
def approve_document(actor, document: Document, comment: str = "") -> Document:
    """Approval by the leader in charge; the revision goes to sign-off."""
    return _move(actor, _locked(document), "approve", comment)


@transaction.atomic
def sign_off_document(actor, document: Document, comment: str = "") -> Document:
    """Sign-off by the principal leader: proactive items become ready to publish, others are filed."""
    document = _locked(document)
    proactive = document.latest_revision.disclosure_mode == DisclosureMode.PROACTIVE
    return _move(actor, document, "sign_off", comment, target=State.READY if proactive else State.FILED)


_REJECTIONS = {
    State.SECRECY_REVIEW: "reject_secrecy_review",
    State.APPROVAL: "reject_approval",
    State.SIGNOFF: "reject_signoff",
    State.READY: "reject_publication",
    State.SCHEDULED: "reject_publication",
}


@transaction.atomic
def reject_document(actor, document: Document, comment: str) -> Document:
    """Send the pending revision back to its drafter with a comment, from whichever step it is at."""
    document = _locked(document)
    name = _REJECTIONS.get(document.state)
    if name is None:
        raise DomainError(f"当前状态为“{State(document.state).label}”，没有可退回的步骤。")
    document.scheduled_at = None
    return _move(actor, document, name, comment)


def _make_live(document: Document, now: dt.datetime) -> list[int]:
    """Point the live revision at the reviewed one and apply its relations; return touched document ids."""
    revision = document.latest_revision
    if revision.disclosure_mode != DisclosureMode.PROACTIVE:
        raise DomainError("只有主动公开的信息才能发布。")
    document.live_revision = revision
    document.last_published_at = now
    document.scheduled_at = None
    if document.published_on is None:
        document.published_on = timezone.localdate(now)
    touched = [document.pk]
    for relation in revision.relations.select_related("target"):
        target = relation.target
        if relation.kind == RelationKind.REPEALS and target.validity != Validity.REPEALED:
            target.validity = Validity.REPEALED
            target.repealed_on = document.effective_on or timezone.localdate(now)
        elif relation.kind == RelationKind.AMENDS and target.validity == Validity.VALID:
            target.validity = Validity.AMENDED
        else:
            continue
        target.save(update_fields=["validity", "repealed_on", "updated_at"])
        audit.record(SYSTEM, "set_validity", target, to_state=target.validity,
                     comment=f"因《{revision.title}》发布而变更有效性", by_document=document.pk)
        touched.append(target.pk)
    return touched


def _announce(document_ids: list[int]) -> None:
    for pk in document_ids:
        transaction.on_commit(lambda pk=pk: announce(pk))


@transaction.atomic
def publish_document(actor, document: Document, comment: str = "") -> Document:
    """Publish the signed-off revision now; the previous live revision is replaced."""
    document = _move(actor, _locked(document), "publish", comment)
    touched = _make_live(document, timezone.now())
    document.save()
    _announce(touched)
    return document


@transaction.atomic
def schedule_document(actor, document: Document, at: dt.datetime, comment: str = "") -> Document:
    """Schedule the signed-off revision for publication at `at` (a time in the future)."""
    document = _locked(document)
    if at <= timezone.now():
        raise DomainError("定时发布时间必须晚于现在。", field="scheduled_at")
    states.check("schedule", document.state)
    document.scheduled_at = at
    _move(actor, document, "schedule", comment, scheduled_at=at.isoformat())

    def enqueue() -> None:
        from gongkai.publishing.tasks import publish_when_due

        publish_when_due.schedule(eta=at)

    transaction.on_commit(enqueue)
    return document


@transaction.atomic
def cancel_schedule(actor, document: Document, comment: str = "") -> Document:
    document = _locked(document)
    document.scheduled_at = None
    return _move(actor, document, "cancel_schedule", comment)


def publish_due_documents(now: dt.datetime | None = None) -> list[int]:
    """Publish every scheduled document whose time has come; return their ids (run by the task worker)."""
    now = now or timezone.now()
    published = []
    for pk in Document.objects.filter(state=State.SCHEDULED, scheduled_at__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            document = _locked(Document(pk=pk))
            if document.state != State.SCHEDULED or document.scheduled_at > now:
                continue
            _move(SYSTEM, document, "publish_scheduled")
            touched = _make_live(document, now)
            document.save()
            _announce(touched)
            published.append(pk)
    return published


@transaction.atomic
def withdraw_document(actor, document: Document, comment: str) -> Document:
    """Take a published document off every public channel, with the reason recorded."""
    document = _locked(document)
    _move(actor, document, "withdraw", comment)
    document.live_revision = None
    document.save(update_fields=["live_revision"])
    _announce([document.pk])
    return document


@transaction.atomic
def set_validity(actor, document: Document, validity: str, *, effective_on: dt.date | None = None,
                 expires_on: dt.date | None = None, repealed_on: dt.date | None = None,
                 comment: str = "", check_role: bool = True) -> Document:
    """Change a document's validity (有效/失效/废止/已修订) without a new revision; audited."""
    document = _locked(document)
    if check_role:
        require_role(actor, Role.PUBLISHER, document.agency)
    if validity not in Validity.values:
        raise DomainError("请选择有效性。", field="validity")
    if validity == Validity.REPEALED and not repealed_on:
        raise DomainError("已废止的文件请填写废止日期。", field="repealed_on")
    if validity == Validity.EXPIRED and not expires_on:
        raise DomainError("已失效的文件请填写失效日期。", field="expires_on")
    previous = document.validity
    document.validity = validity
    document.effective_on = effective_on or document.effective_on
    document.expires_on = expires_on
    document.repealed_on = repealed_on
    document.save()
    audit.record(actor, "set_validity", document, from_state=previous, to_state=validity, comment=comment)
    _announce([document.pk])
    return document


@transaction.atomic
def import_published(document: Document, *, published_on: dt.date | None) -> Document:
    """Mark an imported archive as already public elsewhere (recorded as imported-as-published)."""
    document = _locked(document)
    if document.latest_revision.disclosure_mode != DisclosureMode.PROACTIVE:
        raise DomainError("不予公开或依申请公开的信息不能以已发布状态导入。", field="status")
    previous = document.state
    now = timezone.now()
    document.live_revision = document.latest_revision
    document.state = State.PUBLISHED
    document.last_published_at = now
    document.published_on = published_on or document.published_on or timezone.localdate(now)
    document.save()
    audit.record(SYSTEM, "imported_as_published", document, from_state=previous, to_state=State.PUBLISHED)
    _announce([document.pk])
    return document
