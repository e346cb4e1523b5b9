"""Read-side queries of consultations for the staff pages and the dashboard."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from gongkai.core.workdays import DueStatus, WorkCalendar, due_status
from gongkai.participation import rules
from gongkai.participation.models import Consultation, ConsultationStatus


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
