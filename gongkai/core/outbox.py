"""Outgoing mail through an outbox: a message is written in the same transaction as what it reports and sent
afterwards by the worker, retried with growing back-off, so a mail server that is down (or slow) neither loses
nor delays an application, and no mail goes out for a transaction that rolled back."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from gongkai.core.models import OutgoingMail

log = logging.getLogger("gongkai.mail")

# Waits between attempts double from one minute up to an hour; after this many attempts (about a day and a
# half of trying) the message is marked failed and shown to staff in the admin.
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_RETRY = dt.timedelta(hours=1)
MAX_ATTEMPTS = 40
# Sent with `message` (an OutgoingMail) once the SMTP server has accepted it: apps record what the mail was
# for (a reply letter delivered) without the kernel knowing them.
mail_sent = Signal()
# While one worker sends a message no other picks it up; if that worker dies, the message is retried after this.
LEASE = dt.timedelta(minutes=5)


def mail_enabled() -> bool:
    """True when an SMTP host is configured (GONGKAI_SMTP_HOST)."""
    return bool(settings.GONGKAI_SMTP_HOST)


def queue_mail(to: str, subject: str, body: str, *, purpose: str = "",
               attachments: list[dict[str, str]] | None = None) -> OutgoingMail | None:
    """Queue one message in the caller's transaction (None when no mail server is configured) and ask the
    worker to send it once that transaction commits. `attachments`: stored files as {"name", "path",
    "content_type"}, read when the message is sent."""
    if not mail_enabled() or not to:
        return None
    message = OutgoingMail.objects.create(to=to, subject=subject[:200], body=body, purpose=purpose,
                                          attachments=list(attachments or []))
    transaction.on_commit(_request_send)
    return message


def _request_send() -> None:
    try:
        from gongkai.core.tasks import send_queued_mail

        send_queued_mail()
    except Exception:  # noqa: BLE001 — the periodic run sends it anyway; a queue hiccup must not fail the caller
        log.warning("could not enqueue mail sending; the periodic run will send it", exc_info=True)


def retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait after the `attempts`-th failed attempt."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def _claim(pk: int, now: dt.datetime) -> bool:
    """Take the message for this worker (atomic), so two workers never send it twice at once."""
    return bool(OutgoingMail.objects.filter(pk=pk, status=OutgoingMail.Status.PENDING, next_attempt_at__lte=now)
                .update(next_attempt_at=now + LEASE))


def send_due_mail(now: dt.datetime | None = None, limit: int = 100) -> tuple[int, int]:
    """Send the messages that are due, each outside any transaction; return (sent, failed attempts)."""
    if transaction.get_connection().in_atomic_block:
        raise RuntimeError("send_due_mail must not run inside a transaction (SMTP may be slow)")
    now = now or timezone.now()
    due = list(OutgoingMail.objects.filter(status=OutgoingMail.Status.PENDING, next_attempt_at__lte=now)
               .order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit])
    sent = failed = 0
    for pk in due:
        if not _claim(pk, now):
            continue
        message = OutgoingMail.objects.get(pk=pk)
        try:
            email = EmailMessage(message.subject, message.body, to=[message.to])
            for item in message.attachments:
                with default_storage.open(item["path"], "rb") as file:
                    email.attach(item["name"], file.read(), item.get("content_type") or None)
            with get_connection(fail_silently=False) as smtp:
                smtp.send_messages([email])
        except (OSError, ValueError) as exc:  # refused, unreachable, timed out, a bad address
            failed += 1
            attempts = message.attempts + 1
            gave_up = attempts >= MAX_ATTEMPTS
            OutgoingMail.objects.filter(pk=pk).update(
                attempts=attempts, last_error=str(exc)[:500], next_attempt_at=now + retry_delay(attempts),
                status=OutgoingMail.Status.FAILED if gave_up else OutgoingMail.Status.PENDING)
            log.warning("mail %s not sent (attempt %s): %s", pk, attempts, exc)
        else:
            sent += 1
            OutgoingMail.objects.filter(pk=pk).update(status=OutgoingMail.Status.SENT, sent_at=timezone.now(),
                                                      attempts=message.attempts + 1, last_error="")
            message.refresh_from_db()
            for receiver, result in mail_sent.send_robust(OutgoingMail, message=message):
                if isinstance(result, Exception):  # the mail is out; what it reports is retried by staff
                    log.error("after mail %s was sent, %r failed: %r", pk, receiver, result)
    return sent, failed
