"""The kernel's background work: sending queued mail (at once after a commit, and every minute for retries)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def send_queued_mail() -> None:
    from gongkai.core.outbox import send_due_mail

    send_due_mail()


@db_periodic_task(crontab(minute="*"))
def send_queued_mail_periodically() -> None:
    from gongkai.core.outbox import send_due_mail

    send_due_mail()
