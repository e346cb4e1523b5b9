"""Background tasks of publishing, run by the task worker (`gongkai worker`)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gongkai.publishing.services import publish_due_documents


@db_periodic_task(crontab(minute="*"))
def publish_scheduled_documents() -> list[int]:
    """Every minute: publish scheduled documents whose time has come."""
    return publish_due_documents()
