"""Background tasks of the assessment, run by the task worker (`gongkai worker`)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gongkai.assessment.workplan import send_reminders


@db_periodic_task(crontab(minute="10", hour="8-17"))
def remind_work_tasks() -> int:
    """Working hours, hourly: reminders of work-plan tasks due soon or overdue. Each task is mailed about at most
    once a day (recorded), so the later runs only catch a day whose first run the worker missed."""
    return send_reminders()
