"""Schemes through the services: only the general office writes them, every write is audited, bad rows store nothing."""

from decimal import Decimal

import pytest

from gongkai.assessment import rules, services
from gongkai.assessment.models import Scheme
from gongkai.core.errors import DomainError, PermissionDenied
from gongkai.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_the_default_scheme_weighs_100_marks():
    assert sum(Decimal(weight) for _, weight, _, _ in rules.DEFAULT_INDICATORS) == 100
    # Every indicator is either weighed by default or offered (at 0 marks) for a scheme to choose.
    default, optional = ({code for code, *_ in rows} for rows in (rules.DEFAULT_INDICATORS, rules.OPTIONAL_INDICATORS))
    assert default | optional == set(rules.IndicatorCode.values) and not default & optional


def test_create_scheme_is_audited_and_refused_below_the_root(city):
    scheme = services.create_scheme(city["general"], "第二方案", 2027)
    assert scheme.full_marks == 100 and not scheme.active
    assert AuditEntry.objects.filter(action="assessment.create_scheme", object_id=str(scheme.pk)).exists()
    with pytest.raises(PermissionDenied):
        services.create_scheme(city["office"]["head"], "下级方案", 2027)
    assert not Scheme.objects.filter(name="下级方案").exists()


def test_update_names_every_bad_field_and_stores_nothing(city):
    scheme = city["scheme"]
    rows = {code: {"weight": w, "formula": f, "points": p} for code, w, f, p in rules.DEFAULT_INDICATORS}
    rows["on_time_rate"]["weight"] = "NaN"
    rows["overdue_documents"]["points"] = "0"
    rows["guide_stale"]["formula"] = "rate"
    with pytest.raises(DomainError) as caught:
        services.update_scheme(city["general"], scheme, name="", year=1999, active=True, indicators=rows)
    assert set(caught.value.errors) == {"weight_on_time_rate", "points_overdue_documents", "formula_guide_stale",
                                        "name", "year"}
    scheme.refresh_from_db()
    assert scheme.name == "测试考评方案" and scheme.indicators.get(indicator="on_time_rate").weight == 30
