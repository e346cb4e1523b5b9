"""Background work of consultations: recording as closed those whose end has passed (comments are refused by
the clock already; this keeps the stored status, the staff lists and the audit trail in step)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*/5"))
def close_ended_consultations() -> None:
    from gongkai.participation.services import close_ended

    close_ended()
