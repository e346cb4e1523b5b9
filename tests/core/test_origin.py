"""Audit entries say where they came from (core.origin): the request's address and browser, else the process."""

from __future__ import annotations

import json

import pytest

from gongkai.core import origin
from gongkai.core.audit import record
from gongkai.core.models import AuditEntry
from gongkai.disclosure.models import Application
from tests.disclosure_factories import RESIDENT_ID

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def test_an_entry_written_during_a_request_records_address_and_user_agent(client, agency):
    body = {"applicant_type": "natural_person", "name": "李四", "id_number": RESIDENT_ID, "phone": "13900001111",
            "email": "lisi@example.com", "address": "", "description": "申请公开本局2025年部门预算的编制说明。",
            "delivery": "email", "agency": agency.code}
    agent = "Mozilla/5.0 " + "x" * 400
    response = client.post("/api/v1/applications", data=json.dumps(body), content_type="application/json",
                           REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT=agent)
    assert response.status_code == 201, response.content
    application = Application.objects.get(tracking_code=response.json()["tracking_code"])
    entry = AuditEntry.objects.filter(object_type="disclosure.application", object_id=str(application.pk)).first()
    assert entry.client_address == "203.0.113.7"
    assert entry.user_agent == agent[:origin.USER_AGENT_LENGTH]
    assert origin.current() == ("cli", ""), "the request's origin does not outlive it"


def test_entries_outside_a_request_name_the_process(agency):
    assert record(None, "run", agency).client_address == "cli"
    origin.set_process("worker")
    try:
        entry = record(None, "publish_scheduled", agency)
    finally:
        origin.set_process("cli")
    assert (entry.client_address, entry.user_agent) == ("worker", "")
