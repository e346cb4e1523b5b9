"""Intake (services.intake): case numbers, the date of receipt by channel, every field checked."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.core.errors import DomainError, PermissionDenied
from gongkai.core.models import AuditEntry
from gongkai.disclosure import services
from gongkai.disclosure.models import Application, Clock
from gongkai.disclosure.states import State
from gongkai.orgs.roles import Role
from tests import factories
from tests.disclosure_factories import applicant, events, make_application

D = dt.date.fromisoformat
pytestmark = pytest.mark.django_db


def test_online_intake_numbers_the_case_and_computes_the_due_date(agency):
    application, token = make_application(agency, received_on=D("2026-02-10"))
    assert application.state == State.RECEIVED
    assert application.case_no == f"{agency.name}信〔2026〕第1号"
    assert application.tracking_code.startswith("YSQ-")
    assert application.due_on == D("2026-03-16") and application.clock == Clock.RUNNING
    assert token not in application.access_token_hash and len(application.access_token_hash) == 64
    second, _ = make_application(agency, received_on=D("2026-02-11"))
    assert second.case_no.endswith("第2号")
    assert "答复期限为 2026-03-16" in events(application)[0]
    assert AuditEntry.objects.filter(action="register_application", object_id=str(application.pk)).exists()


def test_invalid_intake_reports_every_field_and_saves_nothing(agency):
    bad = applicant(agency, applicant_type="legal_person", organization_kind="", name="", id_number="123",
                    phone="abc", delivery="electronic", email="not-an-email", description="短", agency=agency.code)
    with pytest.raises(DomainError) as exc:
        services.submit_application(bad)
    assert set(exc.value.errors) >= {"organization_kind", "name", "id_number", "phone", "email", "description"}
    assert all("\u4e00" <= m[0][0] <= "\u9fff" for m in exc.value.errors.values())  # Chinese messages
    with pytest.raises(DomainError) as exc:
        services.submit_application(applicant(agency, id_number="110105194912310021", agency="NOPE"))
    assert set(exc.value.errors) == {"id_number", "agency"}
    with pytest.raises(DomainError) as exc:
        services.submit_application(applicant(agency, delivery="post", address=""))
    assert set(exc.value.errors) == {"address"}
    assert Application.objects.count() == 0


def test_staff_register_paper_applications_by_the_receipt_rules(agency, staff):
    officer = staff["officer"]
    application, _ = services.register_application(
        officer, applicant(agency), channel="post", handed_in_on=D("2026-04-27"), signed_for_on=D("2026-04-28"))
    assert application.received_on == D("2026-04-28") and application.due_on == D("2026-05-28")
    with pytest.raises(DomainError) as exc:
        services.register_application(officer, applicant(agency, name=""), channel="post")
    assert set(exc.value.errors) == {"name", "signed_for_on"}
    outsider = factories.make_staff(factories.make_agency(), Role.DISCLOSURE_OFFICER)
    with pytest.raises(PermissionDenied):
        services.register_application(outsider, applicant(agency), channel="in_person",
                                      handed_in_on=D("2026-04-28"))


@pytest.mark.parametrize(("channel", "dates", "field", "message"), [
    ("post", {"signed_for_on": D("0001-01-01")}, "signed_for_on", "不能早于2008年5月1日"),
    ("in_person", {"handed_in_on": D("2008-04-30")}, "handed_in_on", "不能早于2008年5月1日"),
    ("fax", {"confirmed_on": D("2999-01-01")}, "confirmed_on", "不能晚于今天"),
])
def test_a_date_of_receipt_outside_the_regulations_life_is_refused_at_its_field(agency, staff, channel, dates,
                                                                                 field, message):
    with pytest.raises(DomainError) as exc:
        services.register_application(staff["officer"], applicant(agency), channel=channel, **dates)
    assert set(exc.value.errors) == {field} and message in exc.value.errors[field][0]
    assert Application.objects.count() == 0
    first, _ = services.register_application(staff["officer"], applicant(agency), channel="in_person",
                                             handed_in_on=D("2008-05-01"))
    assert first.received_on == D("2008-05-01")


def test_an_overlong_email_is_a_field_error(agency):
    with pytest.raises(DomainError) as exc:
        services.submit_application(applicant(agency, email="a" * 250 + "@example.com"))
    assert set(exc.value.errors) == {"email"} and "254" in exc.value.errors["email"][0]
