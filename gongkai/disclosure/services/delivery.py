"""Delivery of the reply (送达) by the channel the applicant chose, each sending kept as a DeliveryRecord.

When the reply counts as delivered — the date the remedy periods run from (Application.delivered_on) — follows
what an office could show a reviewing body as proof that the applicant could read it:

- e-mail: the day our SMTP server handed the mail on (the outbox's worker reports it). 民事诉讼法第九十条 counts
  electronic service from the day it reaches the recipient's system; acceptance by the mail server is the
  nearest fact the platform can record, and a mail that never leaves (server down for days, refused) is never
  counted as delivered. Queueing alone proves nothing, so it is not delivery.
- online (网上查询下载): the day the applicant first downloads the letter or an enclosure behind the tracking
  code and password. Publishing to the tracking page only makes the reply available; without a download there
  is no proof the applicant saw it, so the office should then use another channel.
- post: the office records posting with the tracking number (邮件单号), then the day the applicant signed for it.
- in person and storage media: the day handed over, recorded by the officer (with the signed receipt on file).

The first delivery by any channel delivers the case; later ones are recorded but do not move the date.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from gongkai.core import outbox
from gongkai.core.errors import DomainError
from gongkai.core.models import OutgoingMail
from gongkai.core.workflow import SYSTEM
from gongkai.disclosure.models import Application, Delivery, DeliveryRecord, ReleasedItem
from gongkai.disclosure.services.common import event, fmt, handling_date, locked, today, user_or_none
from gongkai.disclosure.states import CASE, State
from gongkai.orgs.site import site_name

logger = logging.getLogger(__name__)
MAIL_PURPOSE = "disclosure_reply"
TRACKING_NUMBER = re.compile(r"^[A-Za-z0-9\-]{6,40}$")


def _contents(application: Application) -> list[str]:
    return [item.title for item in application.released_items.all()]


def _record(actor, application: Application, channel: str, *, dispatched_on: dt.date,
            delivered_on: dt.date | None = None, **fields) -> DeliveryRecord:
    return DeliveryRecord.objects.create(application=application, channel=channel, letter=application.letters.first(),
                                         contents=_contents(application), dispatched_on=dispatched_on,
                                         delivered_on=delivered_on, created_by=user_or_none(actor), **fields)


def _deliver(actor, application: Application, record: DeliveryRecord, delivered_on: dt.date) -> None:
    """Mark `record` delivered; the first delivery of the case moves it to 已送达 and starts the remedy periods."""
    record.delivered_on = delivered_on
    record.save(update_fields=["delivered_on"])
    label = Delivery(record.channel).label
    if application.state != State.DECIDED:
        event(application, actor, "delivered_again", f"答复书另经{label}送达（{fmt(delivered_on)}）。", public=False)
        return
    transition = CASE.check(actor, application, "deliver")
    application.delivered_on = delivered_on
    application.delivery_note = (record.note or label)[:200]
    CASE.commit(actor, application, transition, comment=label, record=record.pk)
    event(application, actor, "delivered", f"答复书已送达（{label}）。", on=delivered_on, record=record.pk)


def mail_attachments(application: Application) -> list[dict[str, str]]:
    """The letter PDF and the uploaded enclosures as outbox attachments (documents public on the site are linked)."""
    letter = application.letters.first()
    files = [{"name": f"{application.case_no}答复书.pdf", "path": letter.pdf.name, "content_type": "application/pdf"}]
    for n, item in enumerate(application.released_items.all(), 1):
        if item.file:
            files.append({"name": f"附件{n}-{item.file_name}", "path": item.file.name,
                          "content_type": item.content_type})
    return files


def reply_mail(application: Application) -> tuple[str, str]:
    """Subject and body of the reply mail: the applicant's own name and case only, never the access token."""
    site, base = site_name(), settings.GONGKAI_BASE_URL.rstrip("/")
    lines = [f"{application.name}，您好：", "",
             f"{application.agency.name}已对您的政府信息公开申请（案件编号 {application.case_no}）作出答复，"
             "答复书（PDF）见附件。"]
    items = list(application.released_items.all())
    if items:
        lines += ["", "随答复提供的政府信息："]
        for n, item in enumerate(items, 1):
            where = f"{base}{item.url}" if item.url else f"附件{n}-{item.file_name}"
            lines.append(f"{n}. {item.title}（{where}）")
    lines += ["", f"您也可以在 {base}/ysqgk/track/ 输入查询码 {application.tracking_code} 和查询密码查看办理情况。",
              "", site]
    return f"【{site}】政府信息公开申请答复书（{application.case_no}）", "\n".join(lines)


@transaction.atomic
def email_reply(actor, application: Application) -> DeliveryRecord:
    """Queue the reply letter and enclosures to the applicant's e-mail; delivered once the mail has gone out."""
    application = locked(application)
    transition = CASE.check(actor, application, "email_reply")
    if not application.email:
        raise DomainError("申请人没有留电子邮箱，不能通过电子邮件送达。")
    attachments = mail_attachments(application)
    total = sum(default_storage.size(a["path"]) for a in attachments)
    limit = settings.GONGKAI_MAIL_MAX_BYTES
    if total > limit:
        raise DomainError(f"答复书和附件共 {total / 1024 / 1024:.1f} MB，超过电子邮件的上限 {limit // 1024 // 1024} MB"
                          "（多数邮箱会拒收）。请改用“发布到查询页面（网上查询下载）”，并告知申请人下载。")
    mail = outbox.queue_mail(application.email, *reply_mail(application), purpose=MAIL_PURPOSE,
                             attachments=attachments)
    record = _record(actor, application, Delivery.EMAIL, dispatched_on=today(), mail=mail)
    CASE.commit(actor, application, transition, record=record.pk)
    event(application, actor, "emailed", f"答复书及 {len(attachments) - 1} 个附件文件已通过电子邮件发出，"
          "发信服务器接收后登记送达。", record=record.pk)
    return record


def record_mail_delivery(sender=None, message: OutgoingMail | None = None, **kwargs) -> None:
    """outbox.mail_sent receiver: a reply mail accepted by the SMTP server delivers the reply that day."""
    if message is None or message.purpose != MAIL_PURPOSE:
        return
    with transaction.atomic():
        record = DeliveryRecord.objects.select_related("application").filter(mail=message,
                                                                             delivered_on__isnull=True).first()
        if record is None:
            return
        application = locked(record.application)
        sent_on = timezone.localdate(message.sent_at) if message.sent_at else today()
        _deliver(SYSTEM, application, record, sent_on)


@transaction.atomic
def publish_reply(actor, application: Application) -> DeliveryRecord:
    """Make the letter and enclosures downloadable on the tracking page; the first download delivers them."""
    application = locked(application)
    transition = CASE.check(actor, application, "publish_reply")
    record = _record(actor, application, Delivery.ONLINE, dispatched_on=today())
    CASE.commit(actor, application, transition, record=record.pk)
    event(application, actor, "published", "答复书及附件已发布，请在本页面下载；首次下载之日为送达日期。",
          record=record.pk)
    return record


def reply_available(application: Application) -> bool:
    """Whether the applicant may download the letter and enclosures on the tracking page: once published
    there, and after delivery by any channel (a copy for their records)."""
    if application.state in (State.DELIVERED, State.CLOSED):
        return True
    return application.state == State.DECIDED and application.deliveries.filter(channel=Delivery.ONLINE).exists()


def record_download(application: Application, what: str) -> None:
    """The applicant downloaded `what` from the tracking page: the first download delivers an online reply."""
    with transaction.atomic():
        application = locked(application)
        record = application.deliveries.filter(channel=Delivery.ONLINE, delivered_on__isnull=True).first()
        if record is None:
            return
        record.note = f"申请人首次下载{what}"[:200]
        _deliver(SYSTEM, application, record, today())


@transaction.atomic
def post_reply(actor, application: Application, *, tracking_number: str, posted_on: dt.date | None = None
               ) -> DeliveryRecord:
    """Record that the reply was posted, with its tracking number; the signature date is recorded later."""
    application = locked(application)
    transition = CASE.check(actor, application, "post_reply")
    number = re.sub(r"\s", "", tracking_number or "")
    if not number:
        raise DomainError("请填写邮件单号。", field="tracking_number")
    if not TRACKING_NUMBER.match(number):
        raise DomainError("邮件单号应为 6 至 40 位字母、数字或连字符。", field="tracking_number")
    posted_on = handling_date(posted_on, application, "邮寄日期", "posted_on", not_before=application.decided_on)
    record = _record(actor, application, Delivery.POST, dispatched_on=posted_on, tracking_number=number)
    CASE.commit(actor, application, transition, record=record.pk)
    event(application, actor, "posted", f"答复书已邮寄（邮件单号 {number}）。", on=posted_on, record=record.pk)
    return record


@transaction.atomic
def deliver_reply(actor, application: Application, *, delivered_on: dt.date | None = None, method: str = "",
                  channel: str = "") -> Application:
    """Record by hand that the reply reached the applicant: signed for after posting, collected in person,
    handed over on storage media, or sent by e-mail outside the platform. Returns the application."""
    application = locked(application)
    CASE.check(actor, application, "deliver")
    channel = channel or application.delivery
    if channel not in Delivery.values:
        raise DomainError("请选择送达方式。", field="channel")
    if channel == Delivery.ONLINE:
        raise DomainError("网上查询下载以申请人首次下载之日为送达日期，由系统自动登记；请先“发布到查询页面”。",
                          field="channel")
    delivered_on = handling_date(delivered_on, application, "送达日期", "delivered_on",
                                 not_before=application.decided_on)
    method = (method or "").strip()[:200]
    record = None
    if channel == Delivery.POST:
        record = application.deliveries.filter(channel=Delivery.POST, delivered_on__isnull=True).last()
        if record is not None and delivered_on < record.dispatched_on:
            raise DomainError(f"签收日期不能早于邮寄日期 {fmt(record.dispatched_on)}。", field="delivered_on")
    if record is None:
        record = _record(actor, application, channel, dispatched_on=delivered_on)
    if method:
        record.note = method
        record.save(update_fields=["note"])
    _deliver(actor, application, record, delivered_on)
    return application


def downloadable_item(application: Application, pk: int) -> ReleasedItem | None:
    """An uploaded enclosure of this case (never another case's), or None."""
    return application.released_items.filter(pk=pk).exclude(file="").first()
