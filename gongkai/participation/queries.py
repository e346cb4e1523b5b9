"""Read-side queries of consultations and messages for the staff pages and the dashboard."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from gongkai.core.workdays import DueStatus, WorkCalendar, due_status
from gongkai.participation import rules
from gongkai.participation.models import (
    Consultation,
    ConsultationStatus,
    Message,
    MessageStatus,
    MessageStep,
    StepKind,
)
from gongkai.participation.rules import MessageCategory


def staff_consultations(agencies) -> QuerySet[Consultation]:
    return (Consultation.objects.filter(agency__in=agencies).select_related("agency", "document__latest_revision")
            .annotate(total_comments=Count("comments")).order_by("-created_at", "-id"))


@dataclass
class FeedbackRow:
    consultation: Consultation
    due: DueStatus


def feedback_pending(agencies, today: dt.date, calendar: WorkCalendar | None = None) -> list[FeedbackRow]:
    """Ended consultations whose feedback is not yet published, with where their limit stands, latest first."""
    calendar = calendar or WorkCalendar.load()
    rows = []
    for c in (Consultation.objects.filter(agency__in=agencies, status__in=(ConsultationStatus.OPEN,
                                                                           ConsultationStatus.CLOSED))
              .select_related("agency").order_by("ends_at", "id")):
        if c.ends_on is None or c.ends_on >= today:
            continue
        due_on = rules.feedback_due(c.ends_on, calendar)
        rows.append(FeedbackRow(c, due_status(due_on, today, calendar, rules.FEEDBACK_WARN_WORKDAYS)))
    return rows


# -- messages ------------------------------------------------------------------------------------------------------

MESSAGE_VIEWS = {
    "open": "办理中",
    "due_soon": "即将到期",
    "overdue": "已超期",
    "escalated": "已提请办公厅督办",
    "replied": "已答复",
    "set_aside": "重复和无效留言",
    "transferred": "已转办",
    "all": "全部",
}


@dataclass
class MessageRow:
    message: Message
    due: DueStatus | None  # None once answered or set aside


def transferred_away(agencies) -> QuerySet[Message]:
    """Messages `agencies` handed on to another agency and no longer handle: theirs to follow, not to handle."""
    sent = MessageStep.objects.filter(kind=StepKind.TRANSFERRED, from_agency__in=agencies).values("message_id")
    return Message.objects.filter(pk__in=sent).exclude(agency__in=agencies)


def message_rows(agencies, view: str, today: dt.date, calendar: WorkCalendar | None = None,
                 category: str = "", limit: int | None = 500) -> list[MessageRow]:
    """The messages of `agencies` in one of MESSAGE_VIEWS (of one category when named), each with where its
    reply limit stands; "transferred" lists those they handed on, wherever they are now. At most `limit` rows
    (a page); None for all (an export)."""
    calendar = calendar or WorkCalendar.load()
    found = transferred_away(agencies) if view == "transferred" else Message.objects.filter(agency__in=agencies)
    found = found.select_related("agency", "addressed_to", "duplicate_of")
    if category in MessageCategory.values:
        found = found.filter(category=category)
    if view in ("open", "due_soon", "overdue", "escalated"):
        found = found.filter(status=MessageStatus.RECEIVED).order_by("due_on", "id")
    elif view == "replied":
        found = found.filter(status=MessageStatus.REPLIED).order_by("-replied_at", "-id")
    elif view == "set_aside":
        found = found.filter(status__in=(MessageStatus.DUPLICATE, MessageStatus.INVALID)).order_by("-received_at")
    else:
        found = found.order_by("-received_at", "-id")
    if view == "escalated":
        found = found.filter(escalated_at__isnull=False)
    rows = []
    for m in (found[:limit] if limit else found.iterator()):
        due = (due_status(m.due_on, today, calendar, rules.MESSAGE_WARN_WORKDAYS)
               if m.status == MessageStatus.RECEIVED else None)
        if view == "overdue" and not (due and due.overdue):
            continue
        if view == "due_soon" and not (due and due.due_soon):
            continue
        rows.append(MessageRow(m, due))
    return rows


def veto_messages(agencies, year: int, today: dt.date) -> list[Message]:
    """What the inspection (国办秘函〔2019〕19号 “互动回应差”) would find: valid messages received in `year` left
    unanswered for more than 3 months — still unanswered past the line, or answered only after it."""
    found = []
    for m in (Message.objects.filter(agency__in=agencies, received_on__year=year,
                                     status__in=(MessageStatus.RECEIVED, MessageStatus.REPLIED))
              .select_related("agency").order_by("received_on", "id")):
        line = rules.veto_day(m.received_on)
        if (m.status == MessageStatus.RECEIVED and today >= line) or (m.replied_on and m.replied_on >= line):
            found.append(m)
    return found
