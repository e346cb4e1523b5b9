"""Remedies: administrative review (行政复议) and litigation (行政诉讼) brought over an answered application,
and their outcomes (the rows of the annual report's table 4)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from gongkai.core.errors import DomainError
from gongkai.disclosure.models import Application, LitigationRoute, Remedy, RemedyKind, RemedyOutcome
from gongkai.disclosure.services.common import event, fmt, locked
from gongkai.disclosure.states import CASE


def _remedy_outcome(outcome: str, concluded_on: dt.date | None) -> None:
    if outcome not in RemedyOutcome.values:
        raise DomainError("请选择结果：维持、纠正、其他结果或尚未审结。", field="outcome")
    if outcome != RemedyOutcome.PENDING and concluded_on is None:
        raise DomainError("已审结的请填写审结日期。", field="concluded_on")


@transaction.atomic
def record_review(actor, application: Application, *, filed_on: dt.date, authority: str = "", reference: str = "",
                  outcome: str = RemedyOutcome.PENDING, concluded_on: dt.date | None = None,
                  note: str = "") -> Remedy:
    """Record an administrative review (行政复议) brought over this application."""
    return _record_remedy(actor, application, RemedyKind.REVIEW, "", filed_on, authority, reference, outcome,
                          concluded_on, note)


@transaction.atomic
def record_litigation(actor, application: Application, *, route: str, filed_on: dt.date, authority: str = "",
                      reference: str = "", outcome: str = RemedyOutcome.PENDING,
                      concluded_on: dt.date | None = None, note: str = "") -> Remedy:
    """Record a lawsuit (行政诉讼), brought directly (直接起诉) or after review (复议后起诉)."""
    if route not in LitigationRoute.values:
        raise DomainError("请选择起诉方式：未经复议直接起诉或复议后起诉。", field="route")
    return _record_remedy(actor, application, RemedyKind.LITIGATION, route, filed_on, authority, reference,
                          outcome, concluded_on, note)


def _record_remedy(actor, application, kind, route, filed_on, authority, reference, outcome, concluded_on,
                   note) -> Remedy:
    application = locked(application)
    transition = CASE.check(actor, application, f"record_{kind}")
    if filed_on is None:
        raise DomainError("请填写申请复议或起诉的日期。", field="filed_on")
    if application.decided_on and filed_on < application.decided_on:
        raise DomainError("申请复议或起诉的日期不能早于答复日期。", field="filed_on")
    _remedy_outcome(outcome, concluded_on)
    if concluded_on and concluded_on < filed_on:
        raise DomainError("审结日期不能早于申请或起诉日期。", field="concluded_on")
    remedy = Remedy.objects.create(application=application, kind=kind, route=route, filed_on=filed_on,
                                   authority=(authority or "").strip()[:200], reference=(reference or "").strip()[:100],
                                   outcome=outcome, concluded_on=concluded_on, note=(note or "").strip())
    CASE.commit(actor, application, transition, remedy=remedy.pk, outcome=outcome)
    label = RemedyKind(kind).label + (f"（{LitigationRoute(route).label}）" if route else "")
    event(application, actor, f"remedy_{kind}", f"登记{label}：{fmt(filed_on)}，结果：{RemedyOutcome(outcome).label}。",
           public=False, remedy=remedy.pk)
    return remedy


@transaction.atomic
def update_remedy(actor, remedy: Remedy, *, outcome: str, concluded_on: dt.date | None = None,
                  note: str = "") -> Remedy:
    """Record the outcome of a review or lawsuit."""
    application = locked(remedy.application)
    remedy = Remedy.objects.select_for_update().get(pk=remedy.pk)
    transition = CASE.check(actor, application, "update_remedy")
    _remedy_outcome(outcome, concluded_on)
    if concluded_on and concluded_on < remedy.filed_on:
        raise DomainError("审结日期不能早于申请或起诉日期。", field="concluded_on")
    remedy.outcome = outcome
    remedy.concluded_on = concluded_on
    if note:
        remedy.note = note.strip()
    remedy.save()
    CASE.commit(actor, application, transition, remedy=remedy.pk, outcome=outcome)
    event(application, actor, "remedy_outcome",
           f"{remedy.get_kind_display()}结果：{RemedyOutcome(outcome).label}（{fmt(concluded_on)}）。", public=False)
    return remedy
