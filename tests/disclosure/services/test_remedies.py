"""Remedies (services.remedies): administrative review and litigation with their outcomes."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.core.errors import DomainError, IllegalTransition
from gongkai.disclosure import services
from gongkai.disclosure.models import RemedyOutcome
from tests.disclosure_factories import make_application

D = dt.date.fromisoformat
pytestmark = pytest.mark.django_db


def test_remedies_recorded_with_outcomes(agency, staff):
    officer = staff["officer"]
    application, _ = make_application(agency, received_on=D("2026-03-02"))
    with pytest.raises(IllegalTransition):
        services.record_review(officer, application, filed_on=D("2026-03-25"))
    services.decide_application(officer, application, "granted", reason="获取方式：请于工作日到本机关政府信息公开受理点查阅。", decided_on=D("2026-03-20"))
    review = services.record_review(officer, application, filed_on=D("2026-04-10"), authority="测试市人民政府")
    assert review.outcome == RemedyOutcome.PENDING
    with pytest.raises(DomainError):
        services.update_remedy(officer, review, outcome=RemedyOutcome.MAINTAINED)
    services.update_remedy(officer, review, outcome=RemedyOutcome.MAINTAINED, concluded_on=D("2026-06-01"))
    suit = services.record_litigation(officer, application, route="after_review", filed_on=D("2026-06-10"))
    assert suit.get_route_display() == "复议后起诉"
    with pytest.raises(DomainError):
        services.record_litigation(officer, application, route="sideways", filed_on=D("2026-06-10"))
