"""The only write path of consultations: drafting, opening, comments, moderation, closing and the feedback.

Closed means closed on the server: every path that adds a comment (the public form, the API, staff entering a
letter) goes through submit_comment(), which locks the consultation row and refuses once `ends_at` has passed,
whatever the stored status and however old the page that sent it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from gongkai.conf import env
from gongkai.core import audit
from gongkai.core.errors import DomainError
from gongkai.core.text import has_block_markup, html_to_text
from gongkai.core.workdays import WorkCalendar
from gongkai.core.workflow import SYSTEM
from gongkai.orgs.models import Agency
from gongkai.orgs.permissions import has_role, require_any_role
from gongkai.participation import rules
from gongkai.participation.models import (
    Comment,
    CommentChannel,
    CommentStatus,
    Consultation,
    ConsultationStatus,
)
from gongkai.participation.states import CONSULTATION, EDITORS
from gongkai.publishing.extract import check_file
from gongkai.publishing.models import Document, DocumentKind
from gongkai.publishing.visibility import is_public

# What staff read in a consultation's history for the entries not made by the workflow (core.audit's one mapping).
audit.register_labels({"participation.save_consultation": "保存征求意见草稿", "participation.comment": "收到意见",
                       "participation.moderate": "屏蔽或恢复显示意见", "participation.save_feedback": "起草意见采纳情况",
                       "participation.link_decision": "关联作出的决策", "participation.extend": "延长征求意见期限"})


class ConsultationClosed(DomainError):
    """A comment arrived outside the consultation's period (the API answers 409)."""


# -- time ----------------------------------------------------------------------------------------------------------

def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _end_of(day: dt.date) -> dt.datetime:
    """24:00 of `day` (民法典第二百零三条), stored as the next day's midnight: a comment at 23:59:59 still counts."""
    return _start_of(day + dt.timedelta(days=1))


def _fmt(moment: dt.datetime) -> str:
    local = timezone.localtime(moment - dt.timedelta(microseconds=1))
    return f"{local:%Y-%m-%d} 24:00"


# -- the draft's text ----------------------------------------------------------------------------------------------

# A paragraph ends at a block element (opening or closing: text typed before a <p> is a paragraph of its own) or at
# a run of <br>. A body with none of these was typed as plain text in the staff editor: there every line break
# (a blank line or a single newline) ends a paragraph. In HTML, a newline inside a block is only source layout.
_BLOCK = re.compile(r"</?(?:p|div|h[1-6]|li|ul|ol|tr|table|blockquote|pre|hr)\b[^>]*>", re.I)
_BREAKS = re.compile(r"(?:<br\b[^>]*>\s*)+", re.I)


def split_paragraphs(body_html: str) -> list[str]:
    """The paragraphs of a draft's body as plain text, empty ones left out: the list every channel numbers from 1."""
    body = body_html or ""
    marked_up = has_block_markup(body)
    found = []
    for block in _BLOCK.split(body):
        for piece in _BREAKS.split(block):
            for line in (piece.splitlines() if not marked_up else [piece]):
                text = html_to_text(line).replace("\n", " ").strip()
                if text:
                    found.append(text)
    return found


def paragraphs(document: Document) -> list[str]:
    """The public text of the draft cut into its paragraphs, numbered from 1 by position in this list (the public
    page, the comment forms, the API's `paragraphs` and `paragraph`, and the exports all use this numbering)."""
    revision = document.live_revision
    if revision is None:
        return []
    return split_paragraphs(revision.body_html)


# -- drafting and opening ------------------------------------------------------------------------------------------

def _check_editor(actor, agency: Agency) -> None:
    if actor is not None:
        require_any_role(actor, EDITORS, agency)


DRAFT_FIELDS = ("title", "kind", "explanation", "interpretation", "other_channels", "emergency_reason")


def _document(value, agency: Agency, field: str, required: bool = False) -> Document | None:
    if value in (None, ""):
        if required:
            raise DomainError("请选择文件库中的草案文件。", field=field)
        return None
    found = value if isinstance(value, Document) else Document.objects.filter(pk=value).first()
    if found is None or found.agency_id != agency.pk:
        raise DomainError("只能选择本机关文件库中的文件。", field=field)
    return found


def draft_documents(agency: Agency, consultation: Consultation | None = None) -> QuerySet[Document]:
    """The agency's documents that can be put out for comment (see rules.NOT_DRAFT_DOC_TYPES); the draft of
    `consultation` (being edited) stays among them."""
    opened = Consultation.objects.exclude(status=ConsultationStatus.DRAFT)
    if consultation is not None and consultation.pk:
        opened = opened.exclude(pk=consultation.pk)
    return (Document.objects.filter(agency=agency).exclude(kind=DocumentKind.INTERPRETATION)
            .exclude(latest_revision__doc_type__in=rules.NOT_DRAFT_DOC_TYPES)
            .exclude(pk__in=opened.values("document_id")))


def _draft_refusal(document: Document) -> str | None:
    """Why `document` cannot be a draft at all (its type answers or records), or None. A draft already put out for
    comment is only left out of the staff choice (draft_documents): it is not refused here."""
    revision = document.latest_revision
    if document.kind == DocumentKind.INTERPRETATION or (revision and revision.doc_type in rules.NOT_DRAFT_DOC_TYPES):
        return "答复、纪要和政策解读不是草案，不能公开征求意见：请选择文件库中的征求意见稿。"
    return None


def edit_refusal(consultation: Consultation) -> str | None:
    """Why the draft, period and explanations of `consultation` can no longer be edited (a Chinese sentence), or
    None while it is a draft. The staff edit page shows this instead of a form that would be refused."""
    if consultation.status == ConsultationStatus.DRAFT:
        return None
    return (f"征求意见已发布（当前状态：{consultation.get_status_display()}），不能再修改草案、期限和说明："
            "公众已经按发布的内容提出意见，征求意见的期限也不能缩短。")


@transaction.atomic
def save_consultation(actor, agency: Agency, data: Mapping[str, Any],
                      consultation: Consultation | None = None) -> Consultation:
    """Create or edit the draft of a consultation of `agency`; it goes public when opened (open_consultation)."""
    _check_editor(actor, agency)
    if consultation is not None:
        consultation = Consultation.objects.select_for_update().get(pk=consultation.pk, agency=agency)
        refusal = edit_refusal(consultation)
        if refusal:
            raise DomainError(refusal)
    else:
        consultation = Consultation(agency=agency, created_by=actor if getattr(actor, "pk", None) else None)
    errors: dict[str, list[str]] = {}
    for name in DRAFT_FIELDS:
        if name in data:
            value = data[name]
            setattr(consultation, name, (value or "").strip() if isinstance(value, str) or value is None else value)
    for name, required in (("document", consultation.pk is None), ("explanation_document", False),
                           ("interpretation_document", False), ("decision_document", False)):
        if name in data or required:
            try:
                found = _document(data.get(name), agency, name, required)
                refusal = _draft_refusal(found) if name == "document" and found else None
                if refusal:
                    raise DomainError(refusal, field=name)
                setattr(consultation, name, found)
            except DomainError as exc:
                errors.setdefault(name, []).append(exc.message)
    if not consultation.title and consultation.document_id:
        revision = consultation.document.latest_revision
        consultation.title = f"关于《{revision.title}》公开征求意见" if revision else ""
    if consultation.kind not in rules.ConsultationKind.values:
        errors.setdefault("kind", []).append("请选择草案类别。")
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    if starts_on:
        consultation.starts_at = _start_of(starts_on)
    if ends_on:
        consultation.ends_at = _end_of(ends_on)
    if starts_on and ends_on and ends_on < starts_on:
        errors.setdefault("ends_on", []).append("截止日期不能早于开始日期。")
    if len(consultation.title) > 300:
        errors.setdefault("title", []).append("标题不能超过300个字。")
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    consultation.save()
    audit.record(actor, "participation.save_consultation", consultation)
    return consultation


def opening_refusal(consultation: Consultation, calendar: WorkCalendar | None = None,
                    today: dt.date | None = None) -> str | None:
    """Why the consultation cannot be opened now (a Chinese sentence), or None."""
    missing = [label for label, ok in (("标题", consultation.title), ("开始日期", consultation.starts_at),
                                        ("截止日期", consultation.ends_at),
                                        ("起草说明", consultation.explanation or consultation.explanation_document_id))
               if not ok]
    if missing:
        return f"请先填写：{'、'.join(missing)}。"
    if not is_public(consultation.document):
        return "草案（征求意见稿）尚未在文件库中公开：请先经审核发布草案，再发布征求意见。"
    today = today or timezone.localdate()
    if consultation.starts_on < today:
        return "开始日期不能早于发布当天。"
    calendar = calendar or WorkCalendar.load()
    shortest = rules.minimum_end(consultation.kind, consultation.starts_on, calendar)
    if consultation.ends_on < shortest and not consultation.emergency_reason.strip():
        rule = rules.MINIMUM_PERIODS[consultation.kind]
        return (f"{consultation.get_kind_display()}征求意见的期限一般不少于{rule.text}：自 {consultation.starts_on:%Y-%m-%d} "
                f"起，截止日期最早为 {shortest:%Y-%m-%d}。因情况紧急需要缩短的，请填写缩短期限的理由（将随征求意见公布）。"
                f"依据：{rule.source}")
    return None


def shortened(consultation: Consultation, calendar: WorkCalendar | None = None) -> bool:
    """Whether the period is shorter than the minimum of its kind (then its emergency reason is published)."""
    if consultation.starts_on is None or consultation.ends_on is None:
        return False
    return consultation.ends_on < rules.minimum_end(consultation.kind, consultation.starts_on,
                                                    calendar or WorkCalendar.load())


@transaction.atomic
def open_consultation(actor, consultation: Consultation) -> Consultation:
    """Publish the consultation: from its start date the draft takes comments until 24:00 of its last day."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if not shortened(consultation):
        consultation.emergency_reason = ""  # a reason for a period that is not short would mislead
    consultation.opened_at = timezone.now()
    CONSULTATION.apply(actor, consultation, "open")
    return consultation


def extension_refusal(consultation: Consultation, now: dt.datetime | None = None) -> str | None:
    """Why the period of `consultation` cannot be extended now (a Chinese sentence), or None."""
    if consultation.status != ConsultationStatus.OPEN:
        return "只有已发布、正在进行的征求意见可以延长期限。"
    if ended(consultation, now):
        # Closed means closed: reopening after the end would let comments in that others were told were too late.
        return f"本次征求意见已于 {_fmt(consultation.ends_at)} 截止，不能再延长；如需继续听取意见，请另行发布征求意见。"
    return None


def may_extend(actor, consultation: Consultation) -> bool:
    """Whether `actor` may extend `consultation` now (the staff page offers the form only then)."""
    return extension_refusal(consultation) is None and any(
        has_role(actor, role, consultation.agency) for role in EDITORS)


@transaction.atomic
def extend_consultation(actor, consultation: Consultation, ends_on: dt.date | None, reason: str) -> Consultation:
    """Move the last day of an open consultation later, with a reason published beside the new end. Shortening is
    never allowed: the public was told the period when it opened."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    _check_editor(actor, consultation.agency)
    refusal = extension_refusal(consultation)
    if refusal:
        raise DomainError(refusal)
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if ends_on is None:
        errors["ends_on"] = ["请填写新的截止日期。"]
    elif ends_on <= consultation.ends_on:
        errors["ends_on"] = [f"新的截止日期应晚于现在的截止日期 {consultation.ends_on:%Y-%m-%d}；征求意见的期限不能缩短。"]
    elif ends_on > consultation.ends_on + dt.timedelta(days=rules.MAX_EXTENSION_DAYS):
        errors["ends_on"] = [f"一次最多延长{rules.MAX_EXTENSION_DAYS}日。"]
    if not reason:
        errors["reason"] = ["请填写延长期限的理由（将随征求意见公布）。"]
    elif len(reason) > rules.MAX_EXTENSION_REASON_CHARS:
        errors["reason"] = [f"理由不能超过{rules.MAX_EXTENSION_REASON_CHARS}个字。"]
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    if consultation.extended_from is None:
        consultation.extended_from = consultation.ends_at
    consultation.ends_at = _end_of(ends_on)
    consultation.extension_reason = reason
    consultation.save(update_fields=["ends_at", "extended_from", "extension_reason", "updated_at"])
    audit.record(actor, "participation.extend", consultation, comment=reason, ends_on=ends_on.isoformat())
    return consultation


@transaction.atomic
def close_ended(now: dt.datetime | None = None) -> int:
    """Record as closed every open consultation whose end has passed (the clock already refuses comments)."""
    now = now or timezone.now()
    closed = 0
    for consultation in Consultation.objects.select_for_update().filter(status=ConsultationStatus.OPEN,
                                                                        ends_at__lte=now):
        consultation.closed_at = now
        CONSULTATION.apply(SYSTEM, consultation, "close")
        closed += 1
    return closed


# -- comments ------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CommentData:
    content: str = ""
    paragraph: Any = None
    name: str = ""
    contact: str = ""
    attachment_name: str = ""
    attachment: bytes | None = None
    submission: str = ""


def comment_limit() -> tuple[int, int]:
    """(comments, seconds) from GONGKAI_COMMENT_RATE_LIMIT, e.g. "20/3600"."""
    raw = getattr(settings, "GONGKAI_COMMENT_RATE_LIMIT", None) or env("GONGKAI_COMMENT_RATE_LIMIT")
    try:
        count, window = (int(part) for part in str(raw).split("/", 1))
    except ValueError:
        count, window = 20, 3600
    return max(count, 1), max(window, 1)


def closed_message(consultation: Consultation, now: dt.datetime) -> str:
    if consultation.starts_at and now < consultation.starts_at and consultation.status == ConsultationStatus.OPEN:
        return f"本次征求意见尚未开始（自 {timezone.localtime(consultation.starts_at):%Y-%m-%d} 起接受意见）。"
    if consultation.ends_at:
        return f"本次征求意见已于 {_fmt(consultation.ends_at)} 截止，不再接受意见。感谢您的关注。"
    return "本次征求意见未在进行中，不接受意见。"


def check_paragraph(raw: Any, count: int) -> tuple[int | None, str]:
    """The paragraph a comment is about (None: the whole draft) and "" — or None and why `raw` is not one of the
    `count` paragraphs. Nothing (or an empty form field) means the whole draft; only a whole number names a
    paragraph: 0, text such as "2", true or 1.5 are refused alike (the forms hand over numbers already)."""
    if raw is None or raw == "":
        return None, ""
    if count == 0:
        return None, "草案没有可以单独提意见的段落，请针对全文提出意见（段落编号不填）。"
    if type(raw) is not int:
        return None, f"段落编号应为整数（不加引号），在1至{count}之间（草案共{count}段；不填为针对全文）。"
    if 1 <= raw <= count:
        return raw, ""
    return None, f"段落编号应在1至{count}之间（草案共{count}段；不填为针对全文）。"


def _check_comment(consultation: Consultation, data: CommentData) -> tuple[str, int | None, str, str, str]:
    errors: dict[str, list[str]] = {}
    content = (data.content or "").strip()
    if not content:
        errors["content"] = ["请填写意见内容。"]
    elif len(content) > rules.MAX_COMMENT_CHARS:
        errors["content"] = [f"意见内容不能超过{rules.MAX_COMMENT_CHARS}个字（现有{len(content)}个字），可分条提交或作为附件上传。"]
    texts = paragraphs(consultation.document) if data.paragraph not in (None, "") else []
    paragraph, refusal = check_paragraph(data.paragraph, len(texts))
    if refusal:
        errors["paragraph"] = [refusal]
    name, contact = (data.name or "").strip(), (data.contact or "").strip()
    if len(name) > rules.MAX_NAME_CHARS:
        errors["name"] = [f"姓名不能超过{rules.MAX_NAME_CHARS}个字。"]
    if len(contact) > rules.MAX_CONTACT_CHARS:
        errors["contact"] = [f"联系方式不能超过{rules.MAX_CONTACT_CHARS}个字。"]
    if data.attachment is not None:
        if not data.attachment:
            errors["attachment"] = ["上传的附件是空文件。"]
        elif len(data.attachment) > rules.attachment_limit():
            errors["attachment"] = [f"附件不能超过 {rules.attachment_limit() // 1024} KB。"]
        else:
            try:
                check_file(data.attachment_name or "附件", data.attachment[:16])
            except DomainError as exc:
                errors["attachment"] = [exc.message]
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    # The paragraph's words as the commenter read them: a later revision of the draft may number them otherwise.
    return content, paragraph, texts[paragraph - 1] if paragraph else "", name, contact


def _share_lock(pk: int) -> None:
    """FOR SHARE on the consultation's row (PostgreSQL; SQLite serialises every writer anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {Consultation._meta.db_table} WHERE id = %s FOR SHARE", [pk])


def submit_comment(consultation: Consultation | int, data: CommentData, *, channel: str = CommentChannel.WEB,
                   actor=None, now: dt.datetime | None = None) -> Comment:
    """Accept one comment while the consultation is open, from any path; refuse with ConsultationClosed after.

    Public paths (web, API) reach only consultations the public may see; staff enter letters and faxes for their
    own agency, under the same clock."""
    pk = consultation.pk if isinstance(consultation, Consultation) else consultation
    stored = ""
    try:
        with transaction.atomic():
            # A shared row lock orders a comment against closing and editing (which lock the row for update):
            # what passes the clock check is in before the close; comments do not wait for one another.
            _share_lock(pk)
            found = Consultation.objects.select_related("document__live_revision").filter(pk=pk).first()
            if found is None:
                raise DomainError("没有这项征求意见。")
            if channel == CommentChannel.STAFF:
                require_any_role(actor, EDITORS, found.agency)
            else:
                from gongkai.participation.visibility import public_consultations

                if not public_consultations().filter(pk=found.pk).exists():
                    raise DomainError("没有这项征求意见。")
            now = now or timezone.now()
            if not found.accepting(now):
                raise ConsultationClosed(closed_message(found, now))
            if data.submission:
                repeated = found.comments.filter(submission=data.submission).first()
                if repeated is not None:
                    return repeated  # the same form sent twice (a reload): one comment
            content, paragraph, paragraph_text, name, contact = _check_comment(found, data)
            comment = Comment(consultation=found, content=content, paragraph=paragraph, paragraph_text=paragraph_text,
                              name=name, contact=contact,
                              channel=channel, submission=(data.submission or "")[:40],
                              created_by=actor if getattr(actor, "pk", None) else None)
            if data.attachment:
                ext, content_type = check_file(data.attachment_name, data.attachment[:16])
                digest = hashlib.sha256(data.attachment).hexdigest()[:16]
                stored = default_storage.save(f"participation/{found.pk}/{now:%Y%m%d}-{digest}{ext}",
                                              ContentFile(data.attachment))
                comment.attachment.name = stored
                comment.attachment_name = (data.attachment_name or "附件")[-200:]
                comment.attachment_type = content_type
                comment.attachment_size = len(data.attachment)
            comment.save()
            audit.record(actor, "participation.comment", comment, channel=channel)
            return comment
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise


@transaction.atomic
def moderate_comment(actor, comment: Comment, hide: bool, reason: str) -> Comment:
    """Hide a comment from the public (or show it again), always with a reason that is kept."""
    comment = Comment.objects.select_for_update(of=("self",)).select_related("consultation__agency").get(pk=comment.pk)
    _check_editor(actor, comment.consultation.agency)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写屏蔽或恢复的理由。", field="reason")
    if len(reason) > 500:
        raise DomainError("理由不能超过500个字。", field="reason")
    before = comment.status
    comment.status = CommentStatus.HIDDEN if hide else CommentStatus.VISIBLE
    comment.moderation_reason = reason
    comment.moderated_by = actor if getattr(actor, "pk", None) else None
    comment.moderated_at = timezone.now()
    comment.save()
    audit.record(actor, "participation.moderate", comment, from_state=before, to_state=comment.status,
                 comment=reason)
    return comment


# -- feedback (意见采纳情况) -------------------------------------------------------------------------------------------

def ended(consultation: Consultation, now: dt.datetime | None = None) -> bool:
    return consultation.ends_at is not None and (now or timezone.now()) >= consultation.ends_at


def parse_unadopted(text: str) -> list[dict[str, str]]:
    """Blocks separated by a blank line: the first line is the opinion, the rest the reason it was not adopted."""
    items = []
    for block in re.split(r"\n\s*\n", (text or "").strip()):
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        if lines:
            items.append({"opinion": lines[0], "reason": " ".join(lines[1:])})
    return items


def unadopted_text(items: list[dict[str, str]]) -> str:
    return "\n\n".join(f"{i.get('opinion', '')}\n{i.get('reason', '')}".strip() for i in items)


def _count(value: Any) -> int | None:
    """A count typed or sent: a whole number from 0 up to rules.MAX_FEEDBACK_COUNT, else None."""
    text = str(value if value is not None else "").strip()
    return int(text) if text.isascii() and text.isdigit() and int(text) <= rules.MAX_FEEDBACK_COUNT else None


def feedback_refusal(consultation: Consultation) -> str | None:
    """Why the feedback cannot be published now, or None."""
    if not ended(consultation):
        end = _fmt(consultation.ends_at) if consultation.ends_at else "未定"
        return f"征求意见尚未结束（截止时间 {end}），结束后才能公布意见采纳情况。"
    if not consultation.feedback_text.strip() or consultation.received_count is None \
            or consultation.adopted_count is None:
        return "请先填写意见采纳情况：收到和采纳的意见条数、采纳情况说明。"
    return None


@transaction.atomic
def save_feedback(actor, consultation: Consultation, data: Mapping[str, Any]) -> Consultation:
    """Save the draft of the feedback; it goes public with publish_feedback."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    _check_editor(actor, consultation.agency)
    if consultation.status == ConsultationStatus.FEEDBACK_PUBLISHED:
        raise DomainError("意见采纳情况已公布，不能再修改；作出的决策仍可关联或更换。")
    if consultation.status == ConsultationStatus.DRAFT or not ended(consultation):
        raise DomainError("征求意见结束后才能填写意见采纳情况。")
    errors: dict[str, list[str]] = {}
    text = (data.get("feedback_text") or "").strip()
    received, adopted = _count(data.get("received_count")), _count(data.get("adopted_count"))
    online = consultation.comments.count()
    if not text:
        errors["feedback_text"] = ["请填写意见采纳情况说明。"]
    if received is None:
        errors["received_count"] = [f"收到意见条数应为0至{rules.MAX_FEEDBACK_COUNT}之间的整数。"]
    elif received < online:
        errors["received_count"] = [f"本平台已收到 {online} 条意见，收到意见条数不能少于此数。"]
    if adopted is None:
        errors["adopted_count"] = [f"采纳意见条数应为0至{rules.MAX_FEEDBACK_COUNT}之间的整数。"]
    elif received is not None and adopted > received:
        errors["adopted_count"] = ["采纳条数不能多于收到条数。"]
    raw = data.get("unadopted")
    items = parse_unadopted(raw) if isinstance(raw, str) else list(raw or [])
    if any(not item.get("reason") for item in items):
        errors["unadopted"] = ["每条未采纳的意见都要写明理由：第一行写意见，下一行写理由，条与条之间空一行。"]
    if "decision_document" in data:
        try:
            consultation.decision_document = _decision(data["decision_document"], consultation.agency)
        except DomainError as exc:
            errors.update(exc.errors)
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    consultation.feedback_text, consultation.unadopted = text, items
    consultation.received_count, consultation.adopted_count = received, adopted
    if consultation.status == ConsultationStatus.OPEN:
        consultation.closed_at = timezone.now()
        CONSULTATION.apply(SYSTEM, consultation, "close", save=False)
    consultation.save()
    # Drafting is a duty on the feedback: whoever saved it may not also publish it (states.FEEDBACK_DUTIES).
    audit.record(actor, "participation.save_feedback", consultation, duty="draft_feedback",
                 duty_subject=CONSULTATION.subject_key(consultation))
    return consultation


def _decision(value, agency: Agency) -> Document | None:
    """The decision document chosen: of the agency and public by the library's one rule (it is linked publicly)."""
    found = _document(value, agency, "decision_document")
    if found is not None and not is_public(found):
        raise DomainError("作出的决策须是文件库中已公开的文件：请先在文件库中发布决策文件，再关联。",
                          field="decision_document")
    return found


@transaction.atomic
def link_decision(actor, consultation: Consultation, document: Document | int | None) -> Consultation:
    """Link (or change, or clear) the decision made on an ended consultation, also after its feedback is published:
    decisions are usually made after the feedback is out. The one field that stays editable after publication."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    _check_editor(actor, consultation.agency)
    if consultation.status == ConsultationStatus.DRAFT or not ended(consultation):
        raise DomainError("征求意见结束后才能关联作出的决策。")
    before = consultation.decision_document_id
    consultation.decision_document = _decision(document, consultation.agency)
    consultation.save(update_fields=["decision_document"])
    audit.record(actor, "participation.link_decision", consultation, comment=(
        f"决策文件由 {before or '无'} 改为 {consultation.decision_document_id or '无'}"))
    return consultation


@transaction.atomic
def publish_feedback(actor, consultation: Consultation) -> Consultation:
    """Publish the feedback (意见采纳情况) of an ended consultation."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    consultation.feedback_published_at = timezone.now()
    CONSULTATION.apply(actor, consultation, "publish_feedback")
    return consultation


def feedback_due_on(consultation: Consultation, calendar: WorkCalendar | None = None) -> dt.date | None:
    if consultation.ends_on is None:
        return None
    return rules.feedback_due(consultation.ends_on, calendar or WorkCalendar.load())
