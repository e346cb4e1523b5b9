"""The reply clock of a case: the due date computed from the stored facts, cached on the case, and moved in
the open (each move written in the history) when an event or a holiday-table change shifts it."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from gongkai.core import audit
from gongkai.core.workdays import WorkCalendar
from gongkai.disclosure import rules, states
from gongkai.disclosure.models import Application, Clock
from gongkai.disclosure.rules import PauseKind
from gongkai.disclosure.services import common
from gongkai.disclosure.services.common import SYSTEM, event, fmt, locked
from gongkai.disclosure.states import State


def deadline_for(application: Application, calendar: WorkCalendar | None = None,
                 today: dt.date | None = None) -> tuple[rules.Deadline | None, str]:
    """The reply deadline computed from the stored facts, and the state of the clock.

    An open pause is counted up to today, so the date shown while paused is the earliest the reply can fall due.
    A consultation excludes time only up to the consulted party's opinion deadline (《条例》第三十二条、第三十四条):
    once that has passed, the clock runs again even while the consultation is still open.
    """
    calendar = calendar or WorkCalendar.load()
    today = today or common.today()
    if application.state == State.CORRECTION_REQUESTED:
        return None, Clock.AWAITING_CORRECTION
    answered = application.state in states.ANSWERED_STATES
    if answered and application.correction_requested_on and not application.corrected_on:
        return None, Clock.STOPPED  # never corrected: the reply period never started again
    limit = application.decided_on if answered and application.decided_on else today
    pauses, paused = excluded_pauses(application, limit, calendar)
    deadline = rules.reply_deadline(application.received_on, corrected_on=application.corrected_on, pauses=pauses,
                                    extended=application.extension_days > 0,
                                    extension_days=application.extension_days or rules.MAX_EXTENSION_WORKDAYS,
                                    deferred_to=application.deferred_to, calendar=calendar)
    if answered:
        return deadline, Clock.STOPPED
    return deadline, Clock.PAUSED if paused else Clock.RUNNING


def excluded_pauses(application: Application, limit: dt.date,
                    calendar: WorkCalendar) -> tuple[list[rules.Pause], bool]:
    """The intervals excluded from the reply period up to `limit` (a pause still open runs to it), each capped at
    the consulted party's opinion deadline; and whether one of them is still running on `limit`.

    Reads `application.pauses.all()`, so a caller handling many cases can prefetch them."""
    pauses, paused = [], False
    for pause in application.pauses.all():
        if not rules.STOPS_CLOCK[pause.kind] or pause.started_on > limit:
            continue
        end = max(pause.ended_on or limit, pause.started_on)
        label = pause.get_kind_display() + (f"（{pause.party}）" if pause.kind == PauseKind.OTHER_AGENCY else "")
        excluded = rules.capped_pause(pause.kind, pause.started_on, end, calendar, label)
        paused = paused or (pause.ended_on is None and excluded.end >= limit)
        pauses.append(excluded)
    return pauses, paused


def refresh(application: Application, *, calendar: WorkCalendar | None = None, cause: str = "",
            actor=None, quiet: bool = False, on: dt.date | None = None) -> rules.Deadline | None:
    """Recompute and cache the due date; unless `quiet`, record in the history when it moved and why."""
    old_due = application.due_on
    deadline, clock = deadline_for(application, calendar)
    shown = deadline.due_on if deadline is not None and clock in (Clock.RUNNING, Clock.STOPPED) else None
    application.due_on = shown
    application.original_due_on = deadline.original_due_on if deadline else None
    application.due_confirmed = deadline.confirmed if deadline else True
    application.clock = clock
    application.save(update_fields=["due_on", "original_due_on", "due_confirmed", "clock", "updated_at"])
    if not quiet and shown != old_due and shown is not None:
        if old_due is None:
            message = f"{cause}，答复期限为 {fmt(shown)}。"
        else:
            message = f"{cause}，答复期限由 {fmt(old_due)} 改为 {fmt(shown)}。"
        event(application, actor, "deadline_changed", message, on=on, old=fmt(old_due), new=fmt(shown))
    return deadline


def recompute_open_cases(cause: str = "节假日安排变更") -> int:
    """Recompute every open case (after the holiday table changed); return how many due dates moved.

    Each moved date is written in that case's history and the audit log."""
    calendar = WorkCalendar.load()
    moved = 0
    for pk in Application.objects.filter(state__in=states.OPEN_STATES).values_list("pk", flat=True):
        with transaction.atomic():
            application = locked(Application(pk=pk))
            old = application.due_on
            refresh(application, calendar=calendar, cause=cause)
            if application.due_on != old and old is not None and application.due_on is not None:
                moved += 1
                audit.record(SYSTEM, "recompute_deadline", application, comment=cause, old=fmt(old),
                             new=fmt(application.due_on))
    return moved

