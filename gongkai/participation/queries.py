"""Read-side queries of consultations and messages for the staff pages and the dashboard."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, Count, QuerySet
from django.db.models.functions import Cast

from gongkai.core.audit import action_label, history_rows
from gongkai.core.models import AuditEntry
from gongkai.core.workdays import DueStatus, WorkCalendar, due_status
from gongkai.participation import rules
from gongkai.participation.models import (
    Comment,
    CommentStatus,
    Consultation,
    ConsultationStatus,
    Message,
    MessageStatus,
    MessageStep,
    StepKind,
)
from gongkai.participation.rules import MessageCategory
from gongkai.participation.states import CONSULTATION


def staff_consultations(agencies) -> QuerySet[Consultation]:
    return (Consultation.objects.filter(agency__in=agencies).select_related("agency", "document__latest_revision")
            .annotate(total_comments=Count("comments")).order_by("-created_at", "-id"))


def consultation_history(consultation: Consultation) -> list[dict]:
    """The consultation's history as staff read it (core.audit.history_rows), with the hiding and restoring of its
    comments — entries kept on each comment — in their place, each naming the comment by its number on the page."""
    rows = history_rows(consultation, CONSULTATION)
    comments = Comment.objects.filter(consultation=consultation)
    numbers = {str(pk): n for n, pk in enumerate(comments.order_by("created_at", "id").values_list("pk", flat=True), 1)}
    moderated = AuditEntry.objects.filter(
        object_type=Comment._meta.label_lower, action="participation.moderate",
        object_id__in=comments.annotate(key=Cast("pk", CharField())).values("key"))

    def state(value: str) -> str:
        return CommentStatus(value).label if value in CommentStatus.values else value

    rows += [{"entry": e, "when": e.created_at, "actor": e.actor_name or "系统",
              "label": f"{action_label(e.action)}（第 {numbers.get(e.object_id, '?')} 条意见）",
              "from": state(e.from_state), "to": state(e.to_state), "comment": e.comment} for e in moderated]
    return sorted(rows, key=lambda row: (row["when"], row["entry"].pk))


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


# -- 重大行政决策目录 (public) --------------------------------------------------------------------------------------

@dataclass
class DecisionRow:
    """One catalogued major decision: its consultation and, once public, the decision with its publication clock.

    The decision is dated by its document's 形成或变更日期 (the day the decision was made, which starts the
    publishing clock of a 重大行政决策), else its 成文日期; its publication is the document's 发布日期."""

    consultation: Consultation
    decision: Any = None  # the public decision document, or None while none is public
    decided_on: dt.date | None = None
    published_on: dt.date | None = None
    due_on: dt.date | None = None

    @property
    def late_days(self) -> int:
        """Days the decision was published after its limit (0 when in time or not known)."""
        if self.published_on is None or self.due_on is None:
            return 0
        return max((self.published_on - self.due_on).days, 0)


def decision_rows() -> list[DecisionRow]:
    """Every catalogued major decision (public consultations on major decisions), newest first, read only through
    participation.visibility: a decision not public is shown as not yet published, with nothing of it."""
    from gongkai.participation.visibility import public_consultations, public_documents

    found = list(public_consultations().filter(kind=rules.ConsultationKind.MAJOR_DECISION)
                 .order_by("-starts_at", "-id"))
    decisions = {d.pk: d for d in public_documents().select_related("live_revision").filter(
        pk__in=[c.decision_document_id for c in found if c.decision_document_id])}
    rows = []
    for c in found:
        decision = decisions.get(c.decision_document_id)
        row = DecisionRow(c, decision)
        if decision is not None:
            revision = decision.live_revision
            row.decided_on = revision.formed_on or revision.signed_on
            row.published_on = decision.published_on
            row.due_on = rules.decision_due(row.decided_on) if row.decided_on else None
        rows.append(row)
    return rows


def decision_catalogue(rows: list[DecisionRow], year: int) -> tuple[list[DecisionRow], list[DecisionRow]]:
    """(the catalogue of `year`: consultations opened that year; the decisions made that year, latest first)."""
    catalogue = [r for r in rows if r.consultation.starts_on and r.consultation.starts_on.year == year]
    taken = sorted((r for r in rows if r.decided_on and r.decided_on.year == year),
                   key=lambda r: (r.decided_on, r.consultation.pk), reverse=True)
    return catalogue, taken


def decision_years(rows: list[DecisionRow], today: dt.date) -> list[int]:
    """The years the catalogue has entries for (consultations opened or decisions made), and this year."""
    years = {today.year}
    years.update(r.consultation.starts_on.year for r in rows if r.consultation.starts_on)
    years.update(r.decided_on.year for r in rows if r.decided_on)
    return sorted(years, reverse=True)
