"""Mail through the outbox: an application is stored whatever the mail server does; its acknowledgement is
sent after the commit by a real SMTP exchange, retried with back-off while the server is down."""

import datetime as dt
import email
import email.policy
from contextlib import ExitStack

import pytest
from django.db import transaction

from gongkai.core import outbox
from gongkai.core.models import OutgoingMail
from gongkai.disclosure import services
from gongkai.disclosure.models import Application
from tests.disclosure_factories import applicant
from tests.smtp import smtp_server

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def mail_settings(mail_settings, settings):
    """The shared mail settings (tests/conftest.py), under this site's name."""
    settings.GONGKAI_SITE_NAME = "测试市人民政府"
    return mail_settings


@pytest.fixture
def smtp_on(mail_settings):
    """Start a real SMTP server on the configured port when the test says so; stop it afterwards."""
    with ExitStack() as stack:
        yield lambda: stack.enter_context(smtp_server(mail_settings))[1]


def _submit(agency):
    with transaction.atomic():
        return services.submit_application(applicant(agency, email="zhang@example.com"))


def test_a_down_mail_server_loses_no_application_and_the_mail_follows(agency, smtp_on):
    application, token = _submit(agency)  # nothing listens on the SMTP port
    assert Application.objects.filter(pk=application.pk).exists()
    queued = OutgoingMail.objects.get()
    # The commit asked the worker (immediate in tests) to send at once: that first attempt was refused.
    assert queued.purpose == "disclosure_receipt" and queued.status == OutgoingMail.Status.PENDING
    assert queued.attempts == 1 and "refused" in queued.last_error.lower()
    now = queued.next_attempt_at - outbox.retry_delay(1)
    assert outbox.send_due_mail(now) == (0, 0)  # not due again yet

    inbox = smtp_on()
    assert outbox.send_due_mail(queued.next_attempt_at) == (1, 0)
    queued.refresh_from_db()
    assert queued.status == OutgoingMail.Status.SENT and queued.attempts == 2
    assert len(inbox.messages) == 1 and inbox.messages[0].rcpt_tos == ["zhang@example.com"]
    message = email.message_from_bytes(inbox.messages[0].original_content, policy=email.policy.default)
    body = message.get_content()
    assert application.tracking_code in body and application.case_no in body
    assert token not in body and "查询密码" in body
    assert outbox.send_due_mail(now + dt.timedelta(hours=1)) == (0, 0)  # sent once


def test_the_address_is_encrypted_and_nothing_is_queued_for_a_rolled_back_application(agency, mail_settings):
    from django.db import connection

    _submit(agency)
    with connection.cursor() as cursor:
        cursor.execute('SELECT "to" FROM core_outgoingmail')
        (raw,) = cursor.fetchone()
    assert "zhang@example.com" not in raw
    with pytest.raises(RuntimeError), transaction.atomic():
        services.submit_application(applicant(agency, email="li@example.com"))
        raise RuntimeError("rolled back")
    assert OutgoingMail.objects.count() == 1


def test_retries_back_off_and_then_give_up(agency, mail_settings):
    _submit(agency)  # the first attempt, right after the commit, was refused
    for attempt in range(2, outbox.MAX_ATTEMPTS + 1):
        queued = OutgoingMail.objects.get()
        assert queued.status == OutgoingMail.Status.PENDING
        assert outbox.send_due_mail(queued.next_attempt_at) == (0, 1), attempt
    queued = OutgoingMail.objects.get()
    assert queued.status == OutgoingMail.Status.FAILED and queued.attempts == outbox.MAX_ATTEMPTS
    assert outbox.retry_delay(1) == dt.timedelta(minutes=1) and outbox.retry_delay(30) == outbox.LONGEST_RETRY


def test_no_mail_server_configured_queues_nothing(agency, settings):
    settings.GONGKAI_SMTP_HOST = ""
    _submit(agency)
    assert not OutgoingMail.objects.exists()


def test_sending_refuses_to_run_inside_a_transaction(mail_settings):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.send_due_mail()
