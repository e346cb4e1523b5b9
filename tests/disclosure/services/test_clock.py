"""The reply clock (services.clock): holiday-table changes move open cases' due dates, in the open."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.core.models import AuditEntry, CalendarDay, CalendarYear
from gongkai.disclosure import services
from tests.disclosure_factories import events, make_application

D = dt.date.fromisoformat
pytestmark = pytest.mark.django_db


def test_holiday_table_change_recomputes_open_cases_with_history(agency, staff):
    open_case, _ = make_application(agency, received_on=D("2026-11-10"))
    done, _ = make_application(agency, received_on=D("2026-11-10"))
    services.decide_application(staff["officer"], done, "granted", reason="获取方式：请于工作日到本机关政府信息公开受理点查阅。", decided_on=D("2026-11-20"))
    next_year, _ = make_application(agency, received_on=D("2026-12-21"))
    assert open_case.due_on == done.due_on == D("2026-12-08")
    assert next_year.due_on == D("2027-01-19") and not next_year.due_confirmed

    CalendarDay.objects.create(date=D("2026-12-01"), is_workday=False, name="测试放假")
    open_case.refresh_from_db()
    done.refresh_from_db()
    assert open_case.due_on == D("2026-12-09") and done.due_on == D("2026-12-08")
    assert "节假日安排变更，答复期限由 2026-12-08 改为 2026-12-09。" in events(open_case, public=True)
    assert AuditEntry.objects.filter(action="recompute_deadline", object_id=str(open_case.pk)).exists()
    assert not any("节假日安排变更" in m for m in events(done))

    CalendarDay.objects.create(date=D("2027-01-18"), is_workday=False, name="测试调休")
    CalendarYear.objects.create(year=2027, confirmed=True)
    next_year.refresh_from_db()
    assert next_year.due_on == D("2027-01-20") and next_year.due_confirmed
    CalendarDay.objects.filter(date=D("2027-01-18")).delete()
    next_year.refresh_from_db()
    assert next_year.due_on == D("2027-01-19")
    assert events(next_year, public=True)[-2:] == ["节假日安排变更，答复期限由 2027-01-19 改为 2027-01-20。",
                                                   "节假日安排变更，答复期限由 2027-01-20 改为 2027-01-19。"]
