"""Migration from an old system: historical cases as the old system knew them, for the annual report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from gongkai.core.errors import DomainError
from gongkai.core.workflow import NEW, SYSTEM
from gongkai.disclosure import rules
from gongkai.disclosure.models import Application, Delivery, Remedy, RemedyOutcome
from gongkai.disclosure.rules import Channel
from gongkai.disclosure.services.clock import refresh
from gongkai.disclosure.services.common import event, today
from gongkai.disclosure.services.intake import ApplicantData, new_case
from gongkai.disclosure.states import CASE, State
from gongkai.orgs.models import Agency


@dataclass
class RemedyRecord:
    kind: str
    filed_on: dt.date
    outcome: str = RemedyOutcome.PENDING
    route: str = ""
    concluded_on: dt.date | None = None
    authority: str = ""
    reference: str = ""

    def key(self) -> tuple:
        return (self.kind, self.route, self.filed_on, self.outcome, self.concluded_on, self.authority, self.reference)


@dataclass
class HistoricalCase:
    """A case as an old system knew it: who applied (kind only), when, and how it ended."""

    external_id: str
    agency: Agency
    applicant_type: str
    organization_kind: str
    received_on: dt.date
    closed_on: dt.date | None
    decision: str
    remedies: list[RemedyRecord]
    channel: str = Channel.ONLINE
    description: str = "（从原系统导入的历史案件）"


def _historical_values(case: HistoricalCase) -> dict[str, Any]:
    decision = rules.DECISIONS.get(case.decision)
    closed = case.closed_on is not None
    return {
        "agency_id": case.agency.pk, "applicant_type": case.applicant_type,
        "organization_kind": case.organization_kind, "received_on": case.received_on, "channel": case.channel,
        "state": State.CLOSED if closed else State.IN_PROGRESS, "decision": case.decision if closed else "",
        "decision_basis": decision.basis if decision and closed else "", "decided_on": case.closed_on,
        "delivered_on": case.closed_on, "closed_on": case.closed_on,
    }


@transaction.atomic
def import_application(case: HistoricalCase) -> str:
    """Create or update one historical case by `external_id`; return "created", "updated" or "unchanged".

    Imported cases carry no personal data and no letter; their remedies are replaced by the imported ones."""
    if case.closed_on and case.decision not in rules.DECISIONS:
        raise DomainError(f"未知的答复类型：{case.decision}", field="decision")
    if not case.closed_on and case.decision:
        raise DomainError("closed_on 为空表示仍在办理，不能同时填写 decision。", field="decision")
    if case.remedies and not case.closed_on:
        raise DomainError("尚未办结的案件不能有行政复议或行政诉讼记录。", field="review")
    values = _historical_values(case)
    application = Application.objects.select_for_update().filter(external_id=case.external_id).first()
    from_state = None
    if application is None:
        transition = CASE.check(SYSTEM, Application(agency=case.agency), "import_application")
        data = ApplicantData(applicant_type=case.applicant_type, organization_kind=case.organization_kind,
                             name="（历史数据）", description=case.description, delivery=Delivery.ONLINE)
        application, _ = new_case(data, case.agency, channel=case.channel, received_on=case.received_on,
                                  external_id=case.external_id)
        from_state = NEW
        outcome = "created"
    else:
        transition = CASE.check(SYSTEM, application, "import_application")
        stored = {k: getattr(application, k) for k in values}
        stored_remedies = sorted(RemedyRecord(r.kind, r.filed_on, r.outcome, r.route, r.concluded_on, r.authority,
                                              r.reference).key() for r in application.remedies.all())
        if stored == values and stored_remedies == sorted(r.key() for r in case.remedies):
            return "unchanged"
        outcome = "updated"
    state = values.pop("state")
    for name, value in values.items():
        setattr(application, name, value)
    CASE.commit(SYSTEM, application, transition, from_state=from_state, target=state, comment=case.external_id,
                outcome=outcome)
    application.remedies.all().delete()
    for r in case.remedies:
        Remedy.objects.create(application=application, kind=r.kind, route=r.route, filed_on=r.filed_on,
                              outcome=r.outcome, concluded_on=r.concluded_on, authority=r.authority,
                              reference=r.reference)
    refresh(application, quiet=True)
    event(application, SYSTEM, "imported", "从原系统导入。" if outcome == "created" else "按原系统数据更新。",
           public=False, on=today())
    return outcome
