"""The case workflow (states.CASE): illegal moves refused in Chinese."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.core.errors import IllegalTransition
from gongkai.disclosure import services
from gongkai.disclosure.states import State
from tests.disclosure.conftest import CASE_SITUATIONS
from tests.disclosure_factories import make_application

D = dt.date.fromisoformat
pytestmark = pytest.mark.django_db


def test_states_refuse_illegal_moves_in_chinese(agency, staff):
    from gongkai.disclosure.states import CASE

    assert CASE.transition("accept").target == State.IN_PROGRESS
    application, _ = make_application(agency, received_on=D("2026-03-02"))
    services.accept_application(staff["officer"], application)
    application.refresh_from_db()
    with pytest.raises(IllegalTransition) as exc:
        CASE.check(staff["officer"], application, "deliver")
    assert exc.value.message == "申请当前状态为“办理中”，不能执行“登记送达”。"
    with pytest.raises(IllegalTransition):
        CASE.check(staff["officer"], application, "teleport")
    services.decide_application(staff["officer"], application, "granted", reason="获取方式：请于工作日到本机关政府信息公开受理点查阅。", decided_on=D("2026-03-20"))
    services.deliver_reply(staff["officer"], application, delivered_on=D("2026-03-21"))
    services.close_application(staff["officer"], application)
    application.refresh_from_db()
    with pytest.raises(IllegalTransition):
        CASE.check(staff["officer"], application, "start_consultation")


# ---------------------------------------------------------------------------------------------------------------
# The next step (states.next_step), for every state and the facts that change it

@pytest.mark.parametrize(("situation", "expected"), list(CASE_SITUATIONS.items()))
def test_the_next_step_follows_state_and_facts(case_in, staff, situation, expected):
    from django.utils import timezone

    from gongkai.disclosure.states import CASE, next_step

    application = case_in(situation)
    allowed = {t.name for t in CASE.available(staff["officer"], application)}
    step = next_step(application, allowed, timezone.localdate())
    assert (step.name if step else None) == expected
    if step:
        assert step.name in allowed and step.why and step.title


def test_states_without_a_step_and_the_labels_that_say_what_the_step_is(case_in, staff):
    from django.utils import timezone

    from gongkai.disclosure.states import CASE, State, expected_steps, next_step

    today = timezone.localdate()
    lapsed = case_in("correction_lapsed")
    steps = expected_steps(lapsed, today)
    assert [s.name for s in steps] == ["decide", "receive_correction"]
    assert steps[0].title == "逾期不补正" and steps[0].initial == {"decision": "other.correction_overdue"}
    received = case_in("received")
    assert [s.title for s in expected_steps(received, today)] == ["开始办理", "告知补正"]
    assert expected_steps(case_in("closed"), today) == []
    # Every state is covered: an open case always expects something.
    covered = {case_in(s).state for s in ("received", "correction_requested", "in_progress", "decided",
                                           "delivered", "closed")}
    assert covered == set(State.values)
    # A step nobody may take now is never the next one.
    assert next_step(received, set(), today) is None
    assert next_step(received, {"request_correction"}, today).name == "request_correction"
    assert all(CASE.transition(s.name).offered for s in steps)


def test_the_head_is_led_to_the_extension_the_officer_asked_for(case_in, staff):
    from django.utils import timezone

    from gongkai.disclosure.states import CASE, expected_steps, next_step

    application = case_in("extension_requested")
    today = timezone.localdate()
    head = {t.name for t in CASE.available(staff["head"], application)}
    assert next_step(application, head, today).name == "approve_extension"
    assert [s.name for s in expected_steps(application, today)][:2] == ["approve_extension", "refuse_extension"]
    # The officer who asked may not approve it (separation of duties), so the officer's next step is the reply.
    officer = {t.name for t in CASE.available(staff["officer"], application)}
    assert "approve_extension" not in officer and next_step(application, officer, today).name == "decide"


def test_the_extension_is_pressed_only_near_the_end_of_the_period():
    from gongkai.core.workdays import DueStatus
    from gongkai.disclosure.states import EXTENSION_PROMPT_WORKDAYS, extension_pressing

    today, end = D("2026-06-01"), D("2026-06-20")

    def status(remaining, due_on=None):
        return DueStatus(due_on=due_on or end, today=today, remaining=remaining, late_workdays=0, warn_workdays=3)

    assert not extension_pressing(None), "no running clock, nothing to extend"
    assert not extension_pressing(status(19)), "not on day 0"
    assert not extension_pressing(status(EXTENSION_PROMPT_WORKDAYS + 1))
    assert extension_pressing(status(EXTENSION_PROMPT_WORKDAYS)) and extension_pressing(status(0))
    assert not extension_pressing(status(0, due_on=D("2026-05-29"))), "too late once the period has passed"
