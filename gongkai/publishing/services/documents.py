"""Drafting: creating a document and saving each edit as a new revision, uploads included."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from gongkai.core import audit, serials
from gongkai.core.errors import DomainError
from gongkai.core.taxonomy import ALL_SUBJECTS, DOC_TYPES
from gongkai.core.text import BODY_FORMATS, html_to_text, to_html
from gongkai.core.workflow import NEW
from gongkai.orgs.models import Agency
from gongkai.publishing.models import (
    Attachment,
    Document,
    DocumentKind,
    InterpretationFormat,
    Relation,
    Revision,
    Tag,
)
from gongkai.publishing.rules import (
    MOTION_LABELS,
    MOTION_REPLY_TYPES,
    DisclosureMode,
    DisclosurePeriod,
    HandlingRole,
    RelationKind,
    ReplyGrade,
    Validity,
    WithholdingGround,
    change_date_error,
    lifecycle_errors,
)
from gongkai.publishing.services import attachments
from gongkai.publishing.services.attachments import StagedFile, Upload
from gongkai.publishing.states import EDITABLE_STATES, REVIEW


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
    disclosure_period: str = DisclosurePeriod.REGULATION
    issuing_agency_ids: list[int] = field(default_factory=list)
    other_issuers: str = ""
    disclosure_mode: str = DisclosureMode.PROACTIVE
    withholding_ground: str = ""
    withholding_reason: str = ""
    tags: list[str] = field(default_factory=list)
    needs_interpretation: bool = False
    interpretation_format: str = ""
    video_url: str = ""
    # A record imported as already public elsewhere whose source gives no date: its 形成或变更日期 stays empty
    # instead of taking the save day (no disclosure clock runs for a document that is public already).
    undated: bool = False
    qa: list[dict[str, str]] = field(default_factory=list)
    relations: list[tuple[str, int]] = field(default_factory=list)
    attachment_ids: list[int] | None = None  # None keeps the previous revision's attachments
    change_note: str = ""
    validity: str = Validity.VALID
    effective_on: dt.date | None = None
    expires_on: dt.date | None = None
    repealed_on: dt.date | None = None
    # The replies to deputies' suggestions and members' proposals (rules.MOTION_REPLY_TYPES) only.
    motion_no: str = ""
    motion_by: str = ""
    handling_role: str = ""
    reply_grade: str = ""


def _validate_motion(data: DocumentData, err) -> None:
    """A reply to a suggestion or proposal names its number, its author and whether this agency led the handling;
    other documents carry none of these (a value typed before the type was changed is dropped)."""
    data.motion_no, data.motion_by = (data.motion_no or "").strip(), (data.motion_by or "").strip()
    if data.doc_type not in MOTION_REPLY_TYPES:
        data.motion_no = data.motion_by = data.handling_role = data.reply_grade = ""
        return
    number, author = MOTION_LABELS[data.doc_type]
    if not data.motion_no:
        err("motion_no", f"{data.doc_type}请填写{number}。")
    elif len(data.motion_no) > 50:
        err("motion_no", f"{number}不能超过 50 个字。")
    if not data.motion_by:
        err("motion_by", f"{data.doc_type}请填写提出{number[:2]}的{author}。")
    elif len(data.motion_by) > 200:
        err("motion_by", f"{author}姓名不能超过 200 个字。")
    if data.handling_role not in HandlingRole.values:
        err("handling_role", "请选择办理类型（主办或会办）。")
    if data.reply_grade and data.reply_grade not in ReplyGrade.values:
        err("reply_grade", "答复类型只能是 A、B 或 C。")


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
    if data.disclosure_period not in DisclosurePeriod.values:
        err("disclosure_period", "请选择公开时限依据。")
    if data.signed_on and data.formed_on and data.formed_on < data.signed_on:
        err("formed_on", "形成或变更日期不能早于成文日期。")
    elif document is not None and document.live_revision_id is not None and data.formed_on is not None:
        message = change_date_error(data.formed_on, today=timezone.localdate(),
                                    live_published_on=live_published_on(document),
                                    previous_formed_on=document.latest_revision.formed_on)
        if message:
            err("formed_on", message)
    for name, messages in lifecycle_errors(data.validity, data.effective_on, data.expires_on,
                                           data.repealed_on).items():
        for message in messages:
            err(name, message)
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
    _validate_motion(data, err)
    for pair in data.qa:
        if not (pair.get("q", "").strip() and pair.get("a", "").strip()):
            err("qa", "每组问答都要有问题和回答。")
            break
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(first, errors=errors)


def allocate_index_no(agency: Agency, year: int) -> str:
    """Next index number `<agency code>/<year>-<5-digit serial>` for the agency (call inside a transaction)."""
    _, index_no = serials.allocate(f"publishing.index_no:{agency.pk}", year,
                                   lambda n: f"{agency.code}/{year}-{n:05d}",
                                   lambda value: Document.objects.filter(index_no=value).exists())
    return index_no


def _write_revision(actor, document: Document, data: DocumentData) -> Revision:
    previous = document.latest_revision
    number = (previous.number + 1) if previous else 1
    body_html = to_html(data.body, data.body_format)
    revision = Revision.objects.create(
        document=document, number=number, title=data.title, doc_number=data.doc_number.strip(),
        signed_on=data.signed_on, formed_on=data.formed_on or data.signed_on or (None if data.undated else timezone.localdate()),
        disclosure_period=data.disclosure_period,
        doc_type=data.doc_type, subject=data.subject, other_issuers=data.other_issuers.strip(),
        disclosure_mode=data.disclosure_mode,
        withholding_ground=data.withholding_ground if data.disclosure_mode != DisclosureMode.PROACTIVE else "",
        withholding_reason=data.withholding_reason if data.disclosure_mode != DisclosureMode.PROACTIVE else "",
        body_html=body_html, body_text=html_to_text(body_html), needs_interpretation=data.needs_interpretation,
        interpretation_format=data.interpretation_format, video_url=data.video_url, qa=data.qa,
        change_note=data.change_note, created_by=actor if getattr(actor, "pk", None) else None,
        motion_no=data.motion_no, motion_by=data.motion_by, handling_role=data.handling_role,
        reply_grade=data.reply_grade,
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


# The transitions that make a revision the public one (services.review._make_live).
_LIVE_ACTIONS = ("publish", "publish_scheduled", "imported_as_published")


def live_published_on(document: Document) -> dt.date | None:
    """The day the public revision became public: its recorded 发布日期 when imported as already published
    elsewhere, else the day it went live here; None when nothing is public."""
    if document.live_revision_id is None:
        return None
    went_live = audit.history(document).filter(action__in=_LIVE_ACTIONS).values_list("action", flat=True).last()
    if went_live == "imported_as_published" or document.last_published_at is None:
        return document.published_on
    return timezone.localdate(document.last_published_at)


def change_formed_on(document: Document) -> dt.date:
    """形成或变更日期 for a revision that changes a public document, when the drafter gives none.

    The previous revision's date while that revision is an unpublished change (re-saving a draft does not
    restart its clock), else today: never the 成文日期 or the public version's date, which lie before the change."""
    latest = document.latest_revision
    if latest is not None and latest.pk != document.live_revision_id and latest.formed_on is not None:
        return latest.formed_on
    return timezone.localdate()


def _apply_lifecycle(document: Document, data: DocumentData) -> None:
    document.validity = data.validity
    document.effective_on = data.effective_on
    document.expires_on = data.expires_on
    document.repealed_on = data.repealed_on


def create_document(actor, agency: Agency, data: DocumentData, *, kind: str = DocumentKind.POLICY,
                    external_id: str | None = None, uploads: list[Upload] | None = None,
                    via: str = "create_document") -> Document:
    """Create a document with its first revision (carrying `uploads` as attachments), in draft.

    Uploads are read and stored before the transaction opens (see attachments.py)."""
    document = Document(agency=agency, kind=kind, external_id=external_id,
                        created_by=actor if getattr(actor, "pk", None) else None)
    transition = REVIEW.check(actor, document, via)
    validate(data, kind)

    def work(staged: list[StagedFile]) -> Document:
        year = (data.formed_on or data.signed_on or timezone.localdate()).year
        document.index_no = allocate_index_no(agency, year)
        _apply_lifecycle(document, data)
        document.save()
        if staged:
            data.attachment_ids = [a.pk for a in attachments.link(actor, document, staged)]
        document.latest_revision = _write_revision(actor, document, data)
        REVIEW.commit(actor, document, transition, from_state=NEW, comment=data.title)
        return document

    return attachments.in_transaction(uploads, work)


def draft_from_application(actor, agency: Agency, data: DocumentData, *, case_no: str) -> Document:
    """A draft for proactive disclosure of information released on application (依申请转主动公开).

    The disclosure office drafts it; it passes secrecy review, approval and sign-off like any other."""
    data.change_note = data.change_note or f"依申请转主动公开（{case_no}）"
    return create_document(actor, agency, data, via="create_from_application")


def check_editable(actor, document: Document):
    """The edit transition if `actor` may write a new revision of `document` now; else a Chinese refusal."""
    if document.state not in EDITABLE_STATES:
        raise DomainError(f"文件当前状态为“{document.get_state_display()}”，不能修改；请先退回草稿。")
    return REVIEW.check(actor, document, "save_revision")


def save_revision(actor, document: Document, data: DocumentData, *,
                  uploads: list[Upload] | None = None) -> Revision:
    """Save an edit as a new revision, adding `uploads` to its attachments.

    The live revision, if any, stays public until this one is published. A revision that changes a public
    document starts its own clock (《条例》第二十六条“变更之日”): its 形成或变更日期 defaults to the change date
    (change_formed_on) and may not be after today, nor before the public version was published or the previous
    revision's date (rules.change_date_error); a refused date is reported on the field `formed_on`."""
    # Refused before the uploads are read: reading them may take seconds of work for nothing.
    check_editable(actor, Document.objects.select_related("agency").get(pk=document.pk))

    def work(staged: list[StagedFile]) -> Revision:
        locked = Document.objects.select_for_update(of=("self",)).select_related("agency").get(pk=document.pk)
        transition = check_editable(actor, locked)
        if locked.live_revision_id is not None and data.formed_on is None and not data.undated:
            data.formed_on = change_formed_on(locked)
        validate(data, locked.kind, locked)
        if staged:
            kept = data.attachment_ids
            if kept is None:
                kept = list(locked.latest_revision.attachments.values_list("pk", flat=True))
            data.attachment_ids = kept + [a.pk for a in attachments.link(actor, locked, staged)]
        revision = _write_revision(actor, locked, data)
        previous_state = locked.state
        locked.latest_revision = revision
        if not locked.ever_published:
            _apply_lifecycle(locked, data)
        REVIEW.commit(actor, locked, transition, from_state=previous_state, comment=data.change_note,
                      revision=revision.number)
        return revision

    return attachments.in_transaction(uploads, work)
