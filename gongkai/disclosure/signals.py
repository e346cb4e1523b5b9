"""Holiday-table changes move the due dates of open cases (each move written in the case's history); a sent
reply mail delivers the reply."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save


def _calendar_changed(sender, instance=None, raw: bool = False, **kwargs) -> None:
    if raw:  # loading fixtures: the cases are loaded as they were
        return
    from gongkai.disclosure.services import recompute_open_cases

    # Synchronous, inside the admin's transaction: if the calendar edit rolls back, so do the new dates.
    recompute_open_cases("节假日安排变更")


def connect() -> None:
    from gongkai.core.models import CalendarDay, CalendarYear
    from gongkai.core.outbox import mail_sent
    from gongkai.disclosure.services.delivery import record_mail_delivery

    # A reply mail accepted by the SMTP server delivers the reply (services.delivery explains why then).
    mail_sent.connect(record_mail_delivery, dispatch_uid="disclosure-reply-mail-sent")

    for model in (CalendarDay, CalendarYear):
        post_save.connect(_calendar_changed, sender=model, dispatch_uid=f"disclosure-recompute-save-{model.__name__}")
        post_delete.connect(_calendar_changed, sender=model,
                            dispatch_uid=f"disclosure-recompute-delete-{model.__name__}")
