"""Disclosure test data made through the services (like tests/factories.py for publishing)."""

from __future__ import annotations

import datetime as dt
import itertools

from gongkai.disclosure import services
from gongkai.disclosure.models import Application
from gongkai.disclosure.privacy import resident_id_check
from gongkai.disclosure.services import ApplicantData
from gongkai.orgs.roles import Role
from tests import factories

_seq = itertools.count(1)

# A valid resident id and unified social credit code (check characters computed, not invented).
RESIDENT_ID = "11010519491231002X"
CREDIT_CODE = "91350100M000100Y43"


def resident_id(n: int) -> str:
    """A distinct, valid resident id number per `n` (the birth-order digits vary)."""
    first17 = f"11010519900101{n % 1000:03d}"
    return first17 + resident_id_check(first17)


def applicant(agency, /, **overrides) -> ApplicantData:
    values = dict(applicant_type="natural_person", name="张三丰", id_number=RESIDENT_ID, phone="13812345678",
                  email="zhangsan@example.com", address="示例市东城区和平路1号", delivery="email",
                  description="申请公开2025年度示例市老旧小区改造项目的资金使用情况。", agency=agency.code)
    values.update(overrides)
    return ApplicantData(**values)


def disclosure_team(agency) -> dict[str, object]:
    """An officer and the head of the disclosure office of `agency`."""
    return {"officer": factories.make_staff(agency, Role.DISCLOSURE_OFFICER),
            "head": factories.make_staff(agency, Role.DISCLOSURE_HEAD)}


def make_application(agency, /, received_on: dt.date = dt.date(2026, 3, 2), **overrides) -> tuple[Application, str]:
    """An online application received on `received_on`; returns it with its access token."""
    return services.submit_application(applicant(agency, **overrides), received_on=received_on)


def events(application, public=None) -> list[str]:
    """The messages of a case's history, optionally only the public (or internal) ones."""
    from gongkai.disclosure.models import CaseEvent

    qs = CaseEvent.objects.filter(application=application)
    if public is not None:
        qs = qs.filter(public=public)
    return list(qs.values_list("message", flat=True))
