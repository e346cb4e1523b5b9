"""Read-side queries for the disclosure office: which cases a user may see, due soon, overdue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from gongkai.core.workdays import DueStatus, WorkCalendar
from gongkai.disclosure import privacy, rules, states
from gongkai.disclosure.models import LOOKUP_HASHES, ApplicantType, Application, Clock
from gongkai.orgs.models import Agency
from gongkai.orgs.permissions import agencies_for
from gongkai.orgs.roles import Role

FILTERS = {
    "due_soon": f"即将到期（{rules.DUE_SOON_WORKDAYS} 个工作日内）",
    "overdue": "已超期",
    "paused": "暂停计时",
    "awaiting_correction": "等待补正",
    "open": "全部未答复",
}


def handling_agencies(user) -> list[Agency]:
    """Agencies whose applications `user` handles (as disclosure officer or head of the disclosure office)."""
    seen: dict[int, Agency] = {}
    for role in (Role.DISCLOSURE_OFFICER, Role.DISCLOSURE_HEAD):
        for agency in agencies_for(user, role):
            seen[agency.pk] = agency
    return sorted(seen.values(), key=lambda a: (a.order, a.pk))


def staff_applications(user) -> QuerySet[Application]:
    return (Application.objects.filter(agency__in=handling_agencies(user))
            .select_related("agency", "assigned_to").order_by("-received_on", "-id"))


def applicant_match(term: str) -> Q:
    """Cases whose applicant has this id number, phone or e-mail, compared by keyed hash (the columns hold
    only ciphertext); a term that is none of them matches nothing."""
    condition = Q(pk__in=[])
    for hash_field, kind in LOOKUP_HASHES.values():
        digest = privacy.lookup_hash(kind, term)
        if digest:
            condition |= Q(**{hash_field: digest})
    return condition


@dataclass
class Row:
    application: Application
    status: DueStatus | None  # None when the clock is not running

    @property
    def masked_name(self) -> str:
        a = self.application
        return privacy.mask_name(a.name, a.applicant_type == ApplicantType.LEGAL_PERSON)

    @property
    def overdue(self) -> bool:
        return self.status is not None and self.status.overdue

    @property
    def due_soon(self) -> bool:
        return self.status is not None and self.status.due_soon


def with_remaining(applications, calendar: WorkCalendar | None = None, today: dt.date | None = None) -> list[Row]:
    calendar = calendar or WorkCalendar.load()
    today = today or timezone.localdate()
    rows = []
    for a in applications:
        running = a.state in states.OPEN_STATES and a.clock == Clock.RUNNING and a.due_on is not None
        rows.append(Row(a, rules.reply_status(a.due_on, today, calendar) if running else None))
    return rows


def apply_filter(queryset: QuerySet[Application], name: str, calendar: WorkCalendar,
                 today: dt.date | None = None) -> QuerySet[Application]:
    """Narrow the cases to one of FILTERS; due-soon is counted in working days on the calendar."""
    today = today or timezone.localdate()
    open_cases = queryset.filter(state__in=states.OPEN_STATES)
    if name == "open":
        return open_cases
    if name == "overdue":
        return open_cases.filter(clock=Clock.RUNNING, due_on__lt=today)  # DueStatus.overdue, in SQL
    if name == "paused":
        return open_cases.filter(clock=Clock.PAUSED)
    if name == "awaiting_correction":
        return open_cases.filter(clock=Clock.AWAITING_CORRECTION)
    if name == "due_soon":
        # Three working days never span more than a month, even across the Spring Festival.
        candidates = open_cases.filter(clock=Clock.RUNNING, due_on__gte=today,
                                       due_on__lte=today + dt.timedelta(days=31))
        ids = [a.pk for a in candidates if rules.reply_status(a.due_on, today, calendar).due_soon]
        return queryset.filter(pk__in=ids)
    return queryset


def extensions_to_approve(user, limit: int = 50) -> list[Application]:
    """Cases whose extension request waits for `user`'s consent (the head of the disclosure office, never the one
    who asked: states.CASE decides), at most `limit` of them."""
    cases = staff_applications(user).filter(state__in=states.HANDLING_STATES, extension_requested_days__gt=0,
                                             extension_days=0)[:limit]
    return [a for a in cases if states.CASE.allows(user, a, "approve_extension")]
