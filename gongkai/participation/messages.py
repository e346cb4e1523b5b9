"""The only write path of public messages (政府信箱 / 领导信箱 / 我为政府网站找错): intake with its query code and
access token, transfer between agencies, reply, duplicates and invalid messages (set aside with a reason, never
deleted), publication of a reply the writer agreed to, the fix of an error report, the writer's rating, and the
escalation of a message left unanswered toward the 3-month veto line of 国办秘函〔2019〕19号.

Every step is a workflow move (states.MESSAGE, audited) and a MessageStep kept with the message. The reply time
limit is fixed at receipt (rules.reply_due) and does not restart on a transfer: the writer waits for the
government, not for one office.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import Resolver404, resolve
from django.utils import timezone

from gongkai.conf import env
from gongkai.core import audit, outbox
from gongkai.core.errors import DomainError
from gongkai.core.workdays import WorkCalendar
from gongkai.core.workflow import NEW, SYSTEM
from gongkai.orgs.models import Agency, RoleGrant
from gongkai.orgs.roles import Role
from gongkai.participation import rules
from gongkai.participation.models import (
    OFFLINE_CHANNELS,
    Message,
    MessageChannel,
    MessageStatus,
    MessageStep,
    Rating,
    StepKind,
)
from gongkai.participation.rules import MessageCategory
from gongkai.participation.states import MESSAGE
from gongkai.publishing.extract import check_file
from gongkai.publishing.models import Document, Revision
from gongkai.publishing.visibility import public_documents

# Unambiguous characters only (no 0/O, 1/I/L), so codes survive being read out over the phone.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_PREFIX = "LY"
NOT_FOUND = "查询码或查询密码不正确，请核对后重试。"
IMAGE_TYPES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
ERROR_TITLE_WORDS = 20  # how many characters of an error report's description its derived title quotes
_PHONE = re.compile(r"[0-9+\-() ]{5,30}")


# -- codes and tokens ---------------------------------------------------------------------------------------------

def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def new_code() -> str:
    """A query code like LY-7K3M-9QXA."""
    body = _random(8)
    return f"{CODE_PREFIX}-{body[:4]}-{body[4:]}"


def new_access_token() -> str:
    """A 12-character secret (about 59 bits) shown once to the writer; only its hash is kept."""
    body = _random(12)
    return f"{body[:4]}-{body[4:8]}-{body[8:]}"


def normalise(value: str) -> str:
    """Codes and tokens as typed: case, spaces and dashes do not matter."""
    return re.sub(r"[\s\-－—]", "", value or "").upper()


def format_code(value: str) -> str:
    """LY7K3M9QXA (as typed) → LY-7K3M-9QXA (as stored)."""
    value = normalise(value)
    if len(value) == 10 and value.startswith(CODE_PREFIX):
        return f"{CODE_PREFIX}-{value[2:6]}-{value[6:]}"
    return value


def hash_token(token: str) -> str:
    return hashlib.sha256(f"ly-token:{normalise(token)}".encode()).hexdigest()


def find(code: str, token: str) -> Message | None:
    """The message whose code and token both match, else None (the caller cannot tell which was wrong)."""
    code, token = format_code((code or "")[:40]), (token or "")[:40]
    if not code or not token:
        return None
    message = Message.objects.select_related("agency").filter(code=code).first()
    digest = hash_token(token)  # the same work either way
    if message is None:
        return None
    return message if hmac.compare_digest(digest, message.access_token_hash) else None


# -- limits -------------------------------------------------------------------------------------------------------

def message_limit() -> tuple[int, int]:
    """(messages, seconds) from GONGKAI_MESSAGE_RATE_LIMIT, e.g. "5/3600"."""
    raw = getattr(settings, "GONGKAI_MESSAGE_RATE_LIMIT", None) or env("GONGKAI_MESSAGE_RATE_LIMIT")
    try:
        count, window = (int(part) for part in str(raw).split("/", 1))
    except ValueError:
        count, window = 5, 3600
    return max(count, 1), max(window, 1)


# -- the page an error report is about -----------------------------------------------------------------------------

def _our_path(page_url: str) -> str | None:
    """The path of `page_url` when it is an address on this site, else None."""
    parts = urlsplit(page_url)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    ours = urlsplit(settings.GONGKAI_BASE_URL).netloc.lower()
    if parts.netloc and parts.netloc.lower() not in (ours, "testserver", "127.0.0.1:8000", "localhost:8000"):
        return None
    return parts.path or "/"


def linked_document(page_url: str) -> Document | None:
    """The public document `page_url` shows, when it is one of ours (/xxgk/documents/<id>/), else None."""
    path = _our_path(page_url)
    if not path:
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.url_name != "public-document":
        return None
    return public_documents().filter(pk=match.kwargs.get("pk")).first()


def _page_label(page_url: str, page_document: Document | None) -> str:
    """How a title names the page: the document's title when it is one of ours, else its address."""
    revision = page_document.live_revision if page_document is not None else None
    if revision is not None and revision.title:
        return f"《{revision.title}》"
    parts = urlsplit(page_url)
    ours = _our_path(page_url) is not None
    return (parts.path or "/") if ours else (parts.netloc + parts.path) or page_url


def error_report_title(page_url: str, content: str, page_document: Document | None = None) -> str:
    """A title for an error report the writer did not name: the page and the first words of the description,
    e.g. 纠错：《养犬管理办法》——第三条错别字“登计”…, so staff lists tell reports apart."""
    page = _page_label(page_url, page_document) if page_url else ""
    words = re.sub(r"\s+", " ", content or "").strip()
    if len(words) > ERROR_TITLE_WORDS:
        words = words[:ERROR_TITLE_WORDS] + "…"
    title = "纠错：" + "——".join(part for part in (page, words) if part) if (page or words) else "纠错：截图"
    if len(title) > rules.MAX_MESSAGE_TITLE_CHARS:
        title = title[:rules.MAX_MESSAGE_TITLE_CHARS - 1] + "…"
    return title


def site_agency() -> Agency | None:
    """The agency that runs the site (the root): it receives error reports about pages of no one agency."""
    return Agency.objects.filter(parent__isnull=True).order_by("order", "id").first()


# -- intake -------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MessageData:
    category: str = ""
    agency: str = ""  # the agency's code (机构代码)
    title: str = ""
    content: str = ""
    name: str = ""
    phone: str = ""
    email: str = ""
    publish_reply: bool = False
    page_url: str = ""
    attachment_name: str = ""
    attachment: bytes | None = None
    submission: str = ""
    address: str = ""  # letters, calls and visits entered by staff only


@dataclass(frozen=True)
class _Checked:
    category: str
    agency: Agency
    title: str
    content: str
    name: str
    phone: str
    email: str
    page_url: str
    page_document: Document | None
    address: str = ""


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def check_message(data: MessageData, *, offline: bool = False,
                  errors: dict[str, list[str]] | None = None) -> _Checked:
    """Every field checked at once; a DomainError carries a Chinese message per field (with `errors` found
    before). `offline`: a letter, call or visit entered by staff, which may leave only a postal address."""
    errors = errors if errors is not None else {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    category = _text(data.category)
    if category not in MessageCategory.values:
        refuse("category", "请选择留言类别。")
    error_report = category == MessageCategory.ERROR_REPORT
    title, content = _text(data.title), _text(data.content)
    name, phone, email = _text(data.name), _text(data.phone), _text(data.email)
    page_url = _text(data.page_url)
    if not title and not error_report:
        refuse("title", "请填写标题。")
    elif len(title) > rules.MAX_MESSAGE_TITLE_CHARS:
        refuse("title", f"标题不能超过{rules.MAX_MESSAGE_TITLE_CHARS}个字（现有{len(title)}个字）。")
    if not content and not (error_report and data.attachment):
        refuse("content", "请描述页面上的错误，或上传截图。" if error_report else "请填写留言内容。")
    elif len(content) > rules.MAX_MESSAGE_CHARS:
        refuse("content", f"留言内容不能超过{rules.MAX_MESSAGE_CHARS}个字（现有{len(content)}个字）。")
    if len(name) > rules.MAX_NAME_CHARS:
        refuse("name", f"姓名不能超过{rules.MAX_NAME_CHARS}个字。")
    elif not name and not error_report:  # asked with the rest, before a category is chosen: one round of errors
        refuse("name", "请填写姓名（不会公开）。")
    if phone and not _PHONE.fullmatch(phone):
        refuse("phone", "联系电话只能包含数字、空格和 + - ( )，5 到 30 位，如 13812345678 或 010-12345678。")
    if email:
        try:
            if len(email) > rules.MAX_EMAIL_CHARS:
                raise ValidationError("too long")
            validate_email(email)
        except ValidationError:
            refuse("email", "电子邮箱格式不正确，如 name@example.com。")
    address = _text(data.address) if offline else ""
    if len(address) > rules.MAX_ADDRESS_CHARS:
        refuse("address", f"通信地址不能超过{rules.MAX_ADDRESS_CHARS}个字。")
    if not error_report and not phone and not email and not address and "phone" not in errors:
        refuse("phone", "请至少填写联系电话、电子邮箱或通信地址中的一项，以便答复。" if offline
               else "请至少填写联系电话或电子邮箱中的一项，以便答复您。")
    page_document = None
    if error_report:
        if not page_url:
            refuse("page_url", "请填写出错页面的网址。")
        elif len(page_url) > rules.MAX_PAGE_URL_CHARS:
            refuse("page_url", f"网址不能超过{rules.MAX_PAGE_URL_CHARS}个字符。")
        elif not (page_url.startswith("/") or urlsplit(page_url).scheme in ("http", "https")):
            refuse("page_url", "网址应以 http://、https:// 或 / 开头，如 https://www.example.gov.cn/xxgk/。")
        else:
            page_document = linked_document(page_url)
    elif page_url:
        page_url = page_url[:rules.MAX_PAGE_URL_CHARS] if page_url.startswith(("/", "http://", "https://")) else ""
    agency = None
    code = _text(data.agency)
    if code:
        agency = Agency.objects.filter(code=code[:32]).first()
        if agency is None:
            refuse("agency", "没有这个机关，请从列表中选择。")
    elif error_report:
        # An error on a document's page goes to the agency that published it; any other to the site's office.
        agency = page_document.agency if page_document is not None else site_agency()
    else:
        refuse("agency", "请选择写信对象（机关）。")
    if data.attachment is not None:
        if not data.attachment:
            refuse("attachment", "上传的附件是空文件。")
        elif len(data.attachment) > rules.attachment_limit():
            refuse("attachment", f"附件不能超过 {rules.attachment_limit() // 1024} KB。")
        else:
            try:
                ext, _type = check_file(data.attachment_name or "附件", data.attachment[:16])
                if error_report and ext not in IMAGE_TYPES:
                    refuse("attachment", "截图只能是图片（PNG、JPG、GIF、WEBP）。")
            except DomainError as exc:
                refuse("attachment", exc.message)
    if error_report and not title:
        title = error_report_title(page_url, content, page_document)
    if errors or agency is None:
        errors = errors or {"agency": ["没有可以受理留言的机关。"]}
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    return _Checked(category, agency, title, content, name, phone, email, page_url, page_document, address)


def other_errors(data: MessageData, refused, *, offline: bool = False) -> dict[str, list[str]]:
    """The service's field errors on `data` for the fields not already `refused` (by a form or the API schema),
    so a writer hears of every mistake in one answer rather than in rounds."""
    try:
        check_message(data, offline=offline)
    except DomainError as exc:
        return {field: found for field, found in exc.errors.items() if field not in set(refused)}
    return {}


def _step(message: Message, kind: str, actor=None, note: str = "", from_agency: Agency | None = None,
          to_agency: Agency | None = None) -> MessageStep:
    name = ""
    if actor is not None and getattr(actor, "is_authenticated", False):
        name = actor.get_full_name() or actor.get_username()
    elif actor is None:
        name = "系统"
    return MessageStep.objects.create(message=message, kind=kind, note=note, from_agency=from_agency,
                                      to_agency=to_agency, actor=actor if getattr(actor, "pk", None) else None,
                                      actor_name=name)


def submit_message(data: MessageData, *, channel: str = MessageChannel.WEB, now: dt.datetime | None = None,
                   calendar: WorkCalendar | None = None) -> tuple[Message, str]:
    """Receive one message from the public: (the message, its access token, shown once). Nothing is stored when
    any field is refused; the reply limit of its category runs from the day of receipt."""
    checked = check_message(data)
    now = now or timezone.now()
    return _store(SYSTEM, checked, data, channel=channel, received_at=now, received_on=timezone.localdate(now),
                  calendar=calendar, transition="receive_message")


def register_message(actor, agency: Agency, data: MessageData, *, channel: str, received_on: dt.date | None,
                     calendar: WorkCalendar | None = None) -> tuple[Message, str]:
    """Enter a message the agency received by letter, telephone or in person (来信、来电、来访): the reply limit
    runs from `received_on`, the day it came in (never after today), and the staff member who entered it is
    audited. Returns the message and its access token, for the office to pass on to the writer."""
    transition = MESSAGE.check(actor, Message(agency=agency), "register_message")
    errors: dict[str, list[str]] = {}
    if channel not in OFFLINE_CHANNELS:
        errors["channel"] = ["请选择来信、来电或来访。"]
    today = timezone.localdate()
    if received_on is None:
        errors["received_on"] = ["请填写收到日期。"]
    elif received_on > today:
        errors["received_on"] = ["收到日期不能晚于今天。"]
    elif received_on < rules.add_months(today, -rules.MAX_BACKDATE_MONTHS):
        errors["received_on"] = [f"收到日期不能早于{rules.MAX_BACKDATE_MONTHS}个月前，请核对。"]
    checked = check_message(dataclasses.replace(data, agency=agency.code, submission=""), offline=True,
                            errors=errors)
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    assert received_on is not None
    now = timezone.now()
    # The time of day is unknown for an earlier day: its start, so lists sort it before that day's web messages.
    received_at = now if received_on == today else timezone.make_aware(dt.datetime.combine(received_on, dt.time()))
    return _store(actor, checked, data, channel=channel, received_at=received_at, received_on=received_on,
                  calendar=calendar, transition=transition.name)


def _store(actor, checked: _Checked, data: MessageData, *, channel: str, received_at: dt.datetime,
           received_on: dt.date, calendar: WorkCalendar | None, transition: str) -> tuple[Message, str]:
    """Save a checked message with its code, token, attachment, first step and audit entry; mail the writer."""
    due_on = rules.reply_due(checked.category, received_on, calendar or WorkCalendar.load())
    token = new_access_token()
    stored = ""
    try:
        with transaction.atomic():
            message = Message(
                access_token_hash=hash_token(token), category=checked.category, agency=checked.agency,
                addressed_to=checked.agency, title=checked.title, content=checked.content, name=checked.name,
                phone=checked.phone, email=checked.email, address=checked.address,
                publish_reply=bool(data.publish_reply), page_url=checked.page_url,
                page_document=checked.page_document, channel=channel, received_at=received_at,
                received_on=received_on, due_on=due_on, submission=(data.submission or "")[:40])
            if data.attachment:
                ext, content_type = check_file(data.attachment_name or "附件", data.attachment[:16])
                digest = hashlib.sha256(data.attachment).hexdigest()[:16]
                stored = default_storage.save(f"participation/messages/{received_at:%Y%m}/{digest}{ext}",
                                              ContentFile(data.attachment))
                message.attachment.name = stored
                message.attachment_name = (data.attachment_name or "附件")[-200:]
                message.attachment_type = content_type
                message.attachment_size = len(data.attachment)
            for _attempt in range(5):
                message.code = new_code()
                try:
                    with transaction.atomic():
                        message.save()
                    break
                except IntegrityError:
                    continue  # a code drawn twice (1 in 10^11): draw again
            else:
                raise DomainError("系统繁忙，留言没有提交成功，请稍后再试。")
            MESSAGE.commit(actor, message, MESSAGE.check(actor, Message(agency=message.agency), transition),
                           from_state=NEW, save=False, channel=channel)
            how = "" if actor is SYSTEM else f"{message.get_channel_display()}，由工作人员登记；"
            _step(message, StepKind.RECEIVED, None if actor is SYSTEM else actor,
                  f"{how}{message.get_category_display()}，答复期限 {due_on:%Y-%m-%d}")
            _mail_writer(message, "留言已收到", (
                f"我们已于 {received_on:%Y年%m月%d日} 收到您的留言“{message.title}”，查询码 {message.code}。"
                f"{message.agency.name}将在 {due_on:%Y年%m月%d日} 前答复。"))
            return message, token
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise


def _mail_writer(message: Message, what: str, text: str) -> None:
    """Mail the writer (when they left an e-mail address): never the access token."""
    from gongkai.orgs.site import site_name

    if not message.email:
        return
    site = site_name()
    greeting = f"{message.name}，您好：" if message.name else "您好："
    base = settings.GONGKAI_BASE_URL.rstrip("/")
    body = (f"{greeting}\n\n{text}\n\n请在 {base}/hdjl/xx/cx/ 输入查询码和查询密码查看办理情况。"
            f"本邮件不含查询密码；忘记查询密码的，可在 {base}/hdjl/xx/zh/ 凭查询码和本邮箱重新设置。"
            f"\n\n{message.agency.name}\n{site}\n")
    outbox.queue_mail(message.email, f"【{site}】{what}（{message.code}）", body, purpose=f"message_{what}")


# -- handling ------------------------------------------------------------------------------------------------------

def _locked(message: Message | int) -> Message:
    pk = message.pk if isinstance(message, Message) else message
    return Message.objects.select_for_update(of=("self",)).select_related("agency").get(pk=pk)


def _reason(reason: str, label: str = "理由") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(f"请填写{label}。", field="reason")
    if len(reason) > 500:
        raise DomainError(f"{label}不能超过500个字。", field="reason")
    return reason


@transaction.atomic
def transfer_message(actor, message: Message, to_agency: Agency | str | int, reason: str) -> Message:
    """Hand the message to another agency, with the reason; the reply limit keeps running from receipt."""
    message = _locked(message)
    reason = _reason(reason, "转办理由")
    if not isinstance(to_agency, Agency):
        value = str(to_agency or "").strip()
        found = Agency.objects.filter(code=value).first() or (
            Agency.objects.filter(pk=int(value)).first() if value.isascii() and value.isdigit() else None)
        if found is None:
            raise DomainError("请选择转办的机关。", field="to_agency")
        to_agency = found
    if to_agency.pk == message.agency_id:
        raise DomainError("留言已在该机关办理，请选择其他机关。", field="to_agency")
    before = message.agency
    # Checked where the message is now (the sending office's role), then moved.
    transition = MESSAGE.check(actor, message, "transfer_message")
    message.agency = to_agency
    MESSAGE.commit(actor, message, transition, comment=reason, from_agency=before.code, to_agency=to_agency.code)
    _step(message, StepKind.TRANSFERRED, actor, reason, from_agency=before, to_agency=to_agency)
    return message


@transaction.atomic
def reply_message(actor, message: Message, reply: str) -> Message:
    """Answer the message; the writer is told by mail (when they gave an address) and on the query page."""
    message = _locked(message)
    reply = (reply or "").strip()
    if not reply:
        raise DomainError("请填写答复内容。", field="reply")
    if len(reply) > rules.MAX_REPLY_CHARS:
        raise DomainError(f"答复内容不能超过{rules.MAX_REPLY_CHARS}个字。", field="reply")
    now = timezone.now()
    MESSAGE.check(actor, message, "reply_message")
    message.reply, message.replied_at, message.replied_on = reply, now, timezone.localdate(now)
    message.replied_by = actor if getattr(actor, "pk", None) else None
    MESSAGE.apply(actor, message, "reply_message")
    late = message.replied_on > message.due_on
    _step(message, StepKind.REPLIED, actor, f"答复期限 {message.due_on:%Y-%m-%d}" + ("，已超期" if late else ""))
    _mail_writer(message, "留言已答复", f"您的留言“{message.title}”已答复：\n\n{reply}")
    return message


@transaction.atomic
def mark_duplicate(actor, message: Message, original: Message | str, reason: str) -> Message:
    """Set a repeated message aside, linked to the one it repeats; it stays listed and is never deleted."""
    message = _locked(message)
    reason = _reason(reason)
    if not isinstance(original, Message):
        typed = str(original or "").strip()[:40]
        if not typed:
            raise DomainError("请填写所重复的留言的查询码（如 LY-7K3M-9QXA）。", field="original")
        found = Message.objects.filter(code=format_code(typed)[:20]).first()
        if found is None:
            raise DomainError(f"未找到编号为“{typed}”的留言，请核对查询码（如 LY-7K3M-9QXA）。", field="original")
        original = found
    while original.duplicate_of_id is not None:  # point at the first of the chain
        original = original.duplicate_of
    if original.pk == message.pk:
        raise DomainError("不能标记为与自身重复。", field="original")
    message.duplicate_of = original
    message.handling_reason = reason
    MESSAGE.apply(actor, message, "mark_duplicate", comment=reason, original=original.code)
    _step(message, StepKind.DUPLICATE, actor, f"与 {original.code} 重复：{reason}")
    return message


@transaction.atomic
def mark_invalid(actor, message: Message, reason: str) -> Message:
    """Set an abusive, advertising or empty message aside with the reason; it stays listed and is never deleted."""
    message = _locked(message)
    reason = _reason(reason)
    message.handling_reason = reason
    MESSAGE.apply(actor, message, "mark_invalid", comment=reason)
    _step(message, StepKind.INVALID, actor, reason)
    return message


def publication_refusal(message: Message) -> str | None:
    """Why the reply cannot be made public, or None."""
    if not message.publish_reply:
        return "留言人未同意公开答复，答复不能公开。"
    if message.reply_published_at is not None:
        return "答复已公开。"
    if not message.reply:
        return "尚未答复。"
    return None


@transaction.atomic
def publish_reply(actor, message: Message) -> Message:
    """Show the message and its reply on the public list (the writer agreed); no personal data goes with it."""
    message = _locked(message)
    transition = MESSAGE.check(actor, message, "publish_reply")
    message.reply_published_at = timezone.now()
    MESSAGE.commit(actor, message, transition)
    _step(message, StepKind.REPLY_PUBLISHED, actor)
    return message


@transaction.atomic
def withdraw_reply(actor, message: Message, reason: str) -> Message:
    """Take a published reply off every public channel (published by mistake, or out of date), with the reason."""
    message = _locked(message)
    reason = _reason(reason, "撤下理由")
    transition = MESSAGE.check(actor, message, "withdraw_reply")
    message.reply_published_at = None
    MESSAGE.commit(actor, message, transition, comment=reason)
    _step(message, StepKind.REPLY_WITHDRAWN, actor, reason)
    return message


@transaction.atomic
def record_fix(actor, message: Message, note: str, revision: Revision | int | str | None = None) -> Message:
    """Record what was put right for an error report, and optionally the document revision that did it."""
    message = _locked(message)
    note = (note or "").strip()
    if not note:
        raise DomainError("请填写纠错情况（改正了什么）。", field="fix_note")
    if len(note) > rules.MAX_MESSAGE_CHARS:
        raise DomainError(f"纠错情况不能超过{rules.MAX_MESSAGE_CHARS}个字。", field="fix_note")
    MESSAGE.check(actor, message, "record_fix")
    found = None
    if revision not in (None, ""):
        found = revision if isinstance(revision, Revision) else (
            Revision.objects.filter(pk=int(revision)).select_related("document").first()
            if str(revision).isascii() and str(revision).isdigit() and len(str(revision)) < 12 else None)
        if found is None or found.document.agency_id != message.agency_id:
            raise DomainError("只能选择本机关文件的版本。", field="fix_revision")
    message.fix_note, message.fix_revision, message.fixed_at = note, found, timezone.now()
    MESSAGE.apply(actor, message, "record_fix", revision=found.pk if found else None)
    _step(message, StepKind.FIXED, actor, note)
    return message


@transaction.atomic
def rate_reply(message: Message, rating: str, comment: str = "") -> Message:
    """The writer's satisfaction with the reply (once): reached only with the code and the token."""
    message = _locked(message)
    if message.status != MessageStatus.REPLIED:
        raise DomainError("留言答复后才能评价。")
    if message.rated_at is not None:
        raise DomainError("您已评价过这条留言的答复，感谢您的反馈。")
    if rating not in Rating.values:
        raise DomainError("请选择满意、基本满意或不满意。", field="rating")
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise DomainError("评价意见不能超过500个字。", field="comment")
    message.rating, message.rating_comment, message.rated_at = rating, comment, timezone.now()
    MESSAGE.apply(SYSTEM, message, "rate_reply", rating=rating)
    _step(message, StepKind.RATED, None, Rating(rating).label + (f"：{comment}" if comment else ""))
    return message


def record_export(actor, agency: Agency, exported: list[Message], **filters: str) -> None:
    """Audit a download that took writers' personal data out of the platform: who, which list, whose messages."""
    audit.record(actor, "export_messages", agency, codes=[m.code for m in exported][:1000], count=len(exported),
                 **filters)


# -- a forgotten access token --------------------------------------------------------------------------------------

TOKEN_RESET_PURPOSE = "message_token_reset"


def recovery_mail(message: Message, token: str) -> tuple[str, str]:
    """Subject and body of the mail carrying a new access token: to the writer's own address, and only there."""
    from gongkai.orgs.site import site_name

    site, base = site_name(), settings.GONGKAI_BASE_URL.rstrip("/")
    greeting = f"{message.name}，您好：" if message.name else "您好："
    body = (f"{greeting}\n\n有人在 {site} 为您的留言（查询码 {message.code}）申请找回查询密码，系统已重新设置查询密码，"
            f"原查询密码不再有效。\n\n新的查询密码：{token}\n\n请在 {base}/hdjl/xx/cx/ 输入查询码和新的查询密码查看办理情况。"
            "如果这不是您本人的操作，您的留言仍然安全：新密码只发送到本邮箱。\n\n"
            f"{message.agency.name}\n{site}\n")
    return f"【{site}】留言查询密码已重新设置（{message.code}）", body


def _same_email(stored: str, typed: str) -> bool:
    return hmac.compare_digest(stored.strip().lower().encode(), typed.strip().lower().encode())


@transaction.atomic
def recover_access_token(code: str, email: str) -> bool:
    """If the message exists and `email` is the address its writer gave, replace the access token (the old one
    stops working) and mail the new one there. Returns whether a mail was queued — for tests and logs, never
    for the asker, who is told the same either way."""
    code, email = format_code((code or "")[:40]), (email or "").strip()[:rules.MAX_EMAIL_CHARS]
    found = Message.objects.filter(code=code).first() if code and email else None
    if found is None or not found.email or not _same_email(found.email, email):
        return False
    if not outbox.mail_enabled():
        # Without a mail server the new token could not reach the writer: keep the old one working.
        return False
    message = _locked(found)
    token = new_access_token()
    message.access_token_hash = hash_token(token)
    MESSAGE.apply(SYSTEM, message, "reset_access_token")
    _step(message, StepKind.TOKEN_RESET, None, "新的查询密码已发送到留言时填写的电子邮箱，原查询密码失效。")
    outbox.queue_mail(message.email, *recovery_mail(message, token), purpose=TOKEN_RESET_PURPOSE)
    return True


# -- the 3-month veto line -----------------------------------------------------------------------------------------

def general_office_emails(agency: Agency) -> list[str]:
    """Addresses of the general office over `agency`: administrators and heads of the disclosure office at its
    root agency who cover subordinates."""
    root = ([agency, *agency.ancestors()])[-1]
    grants = (RoleGrant.objects.filter(agency=root, role__in=(Role.ADMINISTRATOR, Role.DISCLOSURE_HEAD),
                                       covers_subordinates=True, user__is_active=True)
              .select_related("user").order_by("user_id"))
    return list(dict.fromkeys(g.user.email for g in grants if g.user.email))


def escalate_unanswered(today: dt.date | None = None) -> int:
    """Raise every valid message still unanswered ESCALATE_MONTHS after receipt to the general office (once
    each): audited, kept as a step, and mailed to the office. Returns how many were raised."""
    from gongkai.orgs.site import site_name

    today = today or timezone.localdate()
    raised = 0
    cutoff = rules.add_months(today, -rules.ESCALATE_MONTHS)
    for pk in Message.objects.filter(status=MessageStatus.RECEIVED, escalated_at__isnull=True,
                                     received_on__lte=cutoff).values_list("pk", flat=True):
        with transaction.atomic():
            message = _locked(pk)
            if message.status != MessageStatus.RECEIVED or message.escalated_at is not None \
                    or rules.escalation_day(message.received_on) > today:
                continue
            message.escalated_at = timezone.now()
            veto = rules.veto_day(message.received_on)
            MESSAGE.apply(SYSTEM, message, "escalate_message", veto_on=f"{veto:%Y-%m-%d}")
            _step(message, StepKind.ESCALATED, None, f"收到已满{rules.ESCALATE_MONTHS}个月仍未答复；"
                                                     f"{veto:%Y-%m-%d} 起将计入“互动回应差”单项否决。")
            site = site_name()
            for address in general_office_emails(message.agency):
                outbox.queue_mail(address, f"【{site}】留言即将超过{rules.VETO_MONTHS}个月未答复（{message.code}）", (
                    f"{message.agency.name}于 {message.received_on:%Y-%m-%d} 收到的留言“{message.title}”"
                    f"（查询码 {message.code}）已满{rules.ESCALATE_MONTHS}个月仍未答复。{veto:%Y-%m-%d} 起将构成"
                    f"{rules.VETO_SOURCE}\n\n请督促办理：{settings.GONGKAI_BASE_URL}/staff/participation/messages/"
                    f"m/{message.pk}/\n"), purpose="message_escalation")
            raised += 1
    return raised
