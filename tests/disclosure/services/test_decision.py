"""The decision and its reply letter (services.decision): the letter is rendered outside any transaction, and a
renderer failure never undoes the decision."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from gongkai.disclosure import letters, services
from gongkai.disclosure.models import ReplyLetter
from gongkai.disclosure.states import CASE, State
from tests.disclosure_factories import disclosure_team, make_application

D = dt.date.fromisoformat


@pytest.fixture
def staff(agency):
    return disclosure_team(agency)


@pytest.mark.django_db(transaction=True)
def test_the_letter_is_rendered_outside_any_transaction(agency, staff, monkeypatch):
    seen: list[bool] = []
    real = letters.render_pdf

    def render_pdf(text):
        seen.append(connection.in_atomic_block)
        return real(text)

    monkeypatch.setattr(letters, "render_pdf", render_pdf)
    application, _ = make_application(agency, received_on=D("2026-03-02"))
    services.decide_application(staff["officer"], application, "granted", decided_on=D("2026-03-20"))
    assert seen == [False]
    assert ReplyLetter.objects.filter(application=application).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_failed_rendering_keeps_the_decision_and_offers_to_retry(agency, staff, monkeypatch):
    real = letters.render_pdf

    def broken(text):
        raise RuntimeError("font missing")

    monkeypatch.setattr(letters, "render_pdf", broken)
    before = {p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()}
    application, _ = make_application(agency, received_on=D("2026-03-02"))
    services.decide_application(staff["officer"], application, "granted", decided_on=D("2026-03-20"))
    application.refresh_from_db()
    assert application.state == State.DECIDED and not application.letters.exists()
    assert {p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()} == before, "no half-written letter"
    assert application.events.filter(kind="letter_failed").exists()
    offered = [t.name for t in CASE.available(staff["officer"], application)]
    assert offered[0] == "generate_letter" and "deliver" not in offered
    monkeypatch.setattr(letters, "render_pdf", real)
    services.generate_letter(staff["officer"], application)
    assert application.letters.count() == 1
    assert "deliver" in [t.name for t in CASE.available(staff["officer"], application)]
