"""Background work of participation: recording as closed the consultations whose end has passed (comments are
refused by the clock already; this keeps the stored status, the staff lists and the audit trail in step), and
raising to the general office each valid message left unanswered for 2 months, before it becomes the 3-month
veto item of 国办秘函〔2019〕19号."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*/5"))
def close_ended_consultations() -> None:
    from gongkai.participation.services import close_ended

    close_ended()


@db_periodic_task(crontab(minute="20"))
def escalate_unanswered_messages() -> None:
    from gongkai.participation.messages import escalate_unanswered

    escalate_unanswered()
