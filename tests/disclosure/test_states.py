"""The case workflow (states.CASE): illegal moves refused in Chinese."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.core.errors import IllegalTransition
from gongkai.disclosure import services
from gongkai.disclosure.states import State
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
