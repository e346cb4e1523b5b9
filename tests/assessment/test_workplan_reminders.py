"""Reminders of the work plan: mailed through the outbox and a real SMTP exchange to the owner agency's
disclosure office, for tasks due within the set working days and for overdue ones, at most once a day."""

import datetime as dt
import email
import email.policy

import pytest
from django.utils import timezone

from gongkai.assessment import workplan
from gongkai.assessment.models import TaskReminder
from gongkai.core.models import OutgoingMail
from tests.assessment.workplan_factories import build_city, plan_with_task
from tests.smtp import smtp_server

pytestmark = pytest.mark.django_db(transaction=True)


def test_reminders_reach_the_owner_agency_once_a_day(mail_settings, settings):
    settings.GONGKAI_WORKPLAN_REMIND_DAYS = 5
    city = build_city("RM")
    # A Monday in a plain week (2025-06-09): due Friday (4 working days) is due soon; due in three weeks is not.
    today = dt.date(2025, 6, 9)
    _, soon = plan_with_task(city, dt.date(2025, 6, 13), text="即将到期的任务")
    _, late = plan_with_task(city, dt.date(2025, 6, 2), text="已经逾期的任务")
    _, later = plan_with_task(city, dt.date(2025, 6, 30), text="还早的任务")
    _, elsewhere = plan_with_task(city, dt.date(2025, 6, 2), agency=city["education"], text="教育局逾期的任务")
    _, done = plan_with_task(city, dt.date(2025, 6, 2), text="已确认完成的任务")
    workplan.report_task(city["officer"], done, text="已完成。")
    workplan.confirm_task(city["office2"], done)
    with smtp_server(mail_settings) as (_, inbox):
        assert workplan.send_reminders(today) == 3
        assert workplan.send_reminders(today) == 0  # the same day: nothing again
        by_rcpt: dict[str, list[str]] = {}
        for envelope in inbox.messages:
            message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
            for rcpt in envelope.rcpt_tos:
                by_rcpt.setdefault(rcpt, []).append(message.get_content())
        # The bureau's officer and head each get the two bureau tasks; the education bureau's officer its own.
        assert sorted(len(v) for v in by_rcpt.values()) == [1, 2, 2]
        finance_mail = "\n".join(by_rcpt["rmofficer@example.gov.cn"])
        assert "即将到期的任务" in finance_mail and "已经逾期的任务" in finance_mail and "已逾期 7 天" in finance_mail
        assert "还早的任务" not in finance_mail and "已确认完成的任务" not in finance_mail
        assert f"/staff/workplans/tasks/{late.pk}/" in finance_mail
        assert "教育局逾期的任务" in by_rcpt["rmteacher@example.gov.cn"][0]
        assert OutgoingMail.objects.filter(purpose=workplan.MAIL_PURPOSE, status=OutgoingMail.Status.SENT).count() == 5
        # The next day the overdue and due-soon tasks are reminded about again, once.
        assert workplan.send_reminders(today + dt.timedelta(days=1)) == 3
        assert workplan.send_reminders(today + dt.timedelta(days=1)) == 0
        assert len(inbox.messages) == 10
    assert set(TaskReminder.objects.filter(sent_on=today).values_list("task_id", "kind")) == {
        (soon.pk, "due_soon"), (late.pk, "overdue"), (elsewhere.pk, "overdue")}
    assert not TaskReminder.objects.filter(task=later).exists()


def test_without_a_mail_server_nothing_is_recorded(settings):
    settings.GONGKAI_SMTP_HOST = ""
    city = build_city("RN")
    plan_with_task(city, timezone.localdate() - dt.timedelta(days=3))
    assert workplan.send_reminders() == 0 and not TaskReminder.objects.exists()


def test_the_periodic_task_runs_the_reminders(mail_settings):
    from gongkai.assessment.tasks import remind_work_tasks

    city = build_city("RP")
    plan_with_task(city, timezone.localdate() - dt.timedelta(days=3))
    with smtp_server(mail_settings) as (_, inbox):
        remind_work_tasks.call_local()
        # The bureau's officer and head, one task, one record.
        assert len(inbox.messages) == 2 and TaskReminder.objects.count() == 1
