"""Read-side queries for the staff back office: lists, inboxes, the proactive-disclosure clock, interpretation
gaps and relations waiting for this agency's confirmation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from gongkai.core.workdays import DueStatus, WorkCalendar, due_status
from gongkai.orgs.models import Agency
from gongkai.orgs.permissions import agencies_for
from gongkai.orgs.roles import Role
from gongkai.publishing import rules
from gongkai.publishing.models import Document, DocumentKind, Relation
from gongkai.publishing.rules import RelationKind
from gongkai.publishing.states import INBOX_ROLE, PENDING_STATES, REVIEW, RelationStatus, State
from gongkai.publishing.visibility import public_documents

# Filters of the staff list: the public status first, then where the latest revision is in review.
STATUS_FILTERS = {
    "published": "已发布",
    "published_pending": "已发布（有待审修订）",
    "withdrawn": "已撤回",
    **{value: label for value, label in State.choices if value != State.PUBLISHED},
}


def staff_documents(agencies: list[Agency]) -> QuerySet[Document]:
    return (Document.objects.filter(agency__in=agencies)
            .select_related("agency", "latest_revision", "live_revision").order_by("-updated_at"))


def by_status(documents: QuerySet[Document], status: str) -> QuerySet[Document]:
    """Narrow staff documents to one of STATUS_FILTERS."""
    if status == "published":
        return documents.filter(live_revision__isnull=False).exclude(state__in=PENDING_STATES)
    if status == "published_pending":
        return documents.filter(live_revision__isnull=False, state__in=PENDING_STATES)
    if status == "withdrawn":
        return documents.filter(live_revision__isnull=True, withdrawn_at__isnull=False)
    return documents.filter(state=status)


def inbox(user, limit: int = 50) -> list[Document]:
    """Documents waiting for a step this user may take: their role in the document's agency, and not barred by
    一事一审 (a revision they drafted or reviewed waits for someone else, so it is not theirs to do)."""
    ids: set[int] = set()
    for state, role in INBOX_ROLE.items():
        agencies = agencies_for(user, role)
        ids.update(Document.objects.filter(state=state, agency__in=agencies).values_list("pk", flat=True))
    waiting = (Document.objects.filter(pk__in=ids).select_related("agency", "latest_revision")
               .order_by("updated_at"))
    mine = []
    for document in waiting.iterator():
        if REVIEW.duty_refusal(user, document) is None:
            mine.append(document)
            if len(mine) == limit:
                break
    return mine


def my_drafts(user) -> QuerySet[Document]:
    """Drafts this user wrote, in agencies where they still draft (a withdrawn grant hides them)."""
    return (Document.objects.filter(state=State.DRAFT, revisions__created_by=user,
                                    agency__in=agencies_for(user, Role.DRAFTER)).distinct()
            .select_related("agency", "latest_revision").order_by("-updated_at"))


@dataclass
class Deadline:
    document: Document
    formed_on: dt.date
    due_on: dt.date
    status: DueStatus
    confirmed: bool
    summary: str = ""  # the period it follows, e.g. 自批复之日 2026-03-02 起 20 日（自然日）

    @property
    def overdue(self) -> bool:
        return self.status.overdue


def timeliness(agencies: list[Agency], today: dt.date | None = None) -> dict[str, list[Deadline]]:
    """Unpublished proactive items approaching or past their disclosure limit: 20 working days from formation or
    change (《条例》第二十六条), or the period a law sets for the revision's kind (rules.PERIOD_RULES)."""
    today = today or timezone.localdate()
    calendar = WorkCalendar.load()
    warn = settings.GONGKAI_TIMELINESS_WARN_DAYS
    approaching, overdue = [], []
    pending = (Document.objects.filter(agency__in=agencies, state__in=PENDING_STATES,
                                       latest_revision__disclosure_mode=rules.DisclosureMode.PROACTIVE)
               .select_related("latest_revision", "agency"))
    for document in pending:
        # A revision without 形成或变更日期 (an undated import) counts from the day it was saved.
        formed_on = document.latest_revision.formed_on or timezone.localdate(document.latest_revision.created_at)
        result = rules.disclosure_deadline(formed_on, calendar, document.latest_revision.disclosure_period)
        status = due_status(result.due_on, today, calendar, warn)
        item = Deadline(document, formed_on, result.due_on, status, result.confirmed, result.summary)
        if status.overdue:
            overdue.append(item)
        elif status.due_soon:
            approaching.append(item)
    return {"approaching": sorted(approaching, key=lambda d: d.due_on),
            "overdue": sorted(overdue, key=lambda d: d.due_on)}


def missing_interpretations(agencies: list[Agency]) -> QuerySet[Document]:
    """Published policies marked as needing interpretation that have no public interpretation yet."""
    visible = public_documents()
    interpreted = Relation.objects.filter(
        kind=RelationKind.INTERPRETS, target=OuterRef("pk"), status=RelationStatus.EFFECTIVE,
        revision_id__in=visible.filter(kind=DocumentKind.INTERPRETATION).values("live_revision_id"))
    return (visible.filter(agency__in=agencies, kind=DocumentKind.POLICY,
                           live_revision__needs_interpretation=True)
            .exclude(Exists(interpreted)).order_by("-published_on"))


def relations_to_confirm(user) -> QuerySet[Relation]:
    """Repeals and amendments of this user's agencies' documents, published by another agency and waiting for
    a publisher's confirmation (only while the revision that declares them is still the public one)."""
    return (Relation.objects.filter(status=RelationStatus.PENDING,
                                    target__agency__in=agencies_for(user, Role.PUBLISHER),
                                    revision__document__live_revision=models.F("revision"))
            .select_related("revision__document__agency", "target__latest_revision", "target__agency")
            .order_by("revision__document__last_published_at", "pk"))


def relations_awaiting_others(user) -> QuerySet[Relation]:
    """Repeals and amendments this user's agencies published on other agencies' documents that those agencies
    have not confirmed: still pending, or declined (so the drafter can revise or talk to them)."""
    return (Relation.objects.filter(status__in=[RelationStatus.PENDING, RelationStatus.DECLINED],
                                    revision__document__agency__in=agencies_for(user),
                                    revision__document__live_revision=models.F("revision"))
            .select_related("revision__document", "target__agency", "target__live_revision")
            .order_by("-revision__document__last_published_at", "pk"))


def relations_of(document: Document) -> dict[str, list[Relation]]:
    """For the staff page: what the latest revision declares, and what others' public revisions declare on it."""
    outgoing = list(document.latest_revision.relations.select_related("target__latest_revision", "target__agency",
                                                                      "target__live_revision", "revision__document")
                    if document.latest_revision_id else [])
    incoming = list(Relation.objects.filter(target=document,
                                            revision__document__live_revision=models.F("revision"))
                    .exclude(revision__document=document)
                    .select_related("revision__document__agency", "decided_by"))
    return {"outgoing": outgoing, "incoming": incoming}
