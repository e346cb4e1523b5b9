"""Background tasks of publishing, run by the task worker (`gongkai worker`)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from gongkai.publishing.services import publish_due_documents


@db_task()
def publish_when_due() -> list[int]:
    """Enqueued with an ETA when a document is scheduled, so it goes live on time."""
    return publish_due_documents()


@db_periodic_task(crontab(minute="*"))
def publish_scheduled_documents() -> list[int]:
    """Every minute: a sweep that also catches schedules made while the worker was down."""
    return publish_due_documents()
