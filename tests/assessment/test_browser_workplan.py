"""In a real browser: the general office creates a work plan and a task, the owner bureau's disclosure officer
reports it done with a text and a PDF, and a second person of the general office confirms it; axe-core finds
no serious or critical violation on the plan and task pages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from gongkai.assessment.models import WorkTask
from gongkai.assessment.rules import TaskState
from tests import factories
from tests.assessment.workplan_factories import build_city
from tests.browser import launch_chromium, login, server_errors
from tests.portal.test_browser_a11y import _axe_source, _serious_violations
from tests.samples import minimal_pdf

pytestmark = pytest.mark.browser


@pytest.fixture
def city(transactional_db, live_server, tmp_path):
    evidence = tmp_path / "佐证材料.pdf"
    evidence.write_bytes(minimal_pdf("预算公开佐证"))
    return {**build_city("BW"), "base": live_server.url, "evidence": evidence}


def test_office_creates_agency_reports_second_office_user_confirms(city):
    errors: list[str] = []
    axe = _axe_source()
    with launch_chromium() as browser:
        page = login(browser, city["base"], "bwoffice1", factories.PASSWORD, bypass_csp=True)
        server_errors(page, errors)
        page.goto("/staff/workplans/new/")
        page.get_by_label("标题").fill("2026年政务公开工作要点")
        page.get_by_role("button", name="创建").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("2026年政务公开工作要点")
        form = page.get_by_role("region", name="添加任务")
        form.get_by_label("序号").fill("一、（三）")
        form.get_by_label("工作任务").fill("公开部门预算和决算")
        form.get_by_label("责任单位").select_option(label=city["finance"].name)
        form.get_by_label("完成时限").fill("2026-12-31")
        form.get_by_role("button", name="添加任务").click()
        expect(page.get_by_role("status")).to_contain_text("已添加任务")
        expect(page.get_by_role("link", name="公开部门预算和决算")).to_be_visible()
        assert _serious_violations(page, axe) == []
        plan_url = page.url
        page.context.close()

        page = login(browser, city["base"], "bwofficer", factories.PASSWORD, bypass_csp=True)
        server_errors(page, errors)
        page.goto(plan_url)
        page.get_by_role("link", name="公开部门预算和决算").click()
        page.get_by_label("完成情况").fill("已在部门预决算专栏公开。")
        page.get_by_label("佐证附件").set_input_files(str(city["evidence"]))
        page.get_by_role("button", name="报完成").click()
        expect(page.get_by_role("status")).to_contain_text("已完成“报完成”")
        expect(page.locator("#task-state")).to_contain_text("已报完成")
        expect(page.get_by_role("link", name="佐证材料.pdf")).to_be_visible()
        expect(page.get_by_role("button", name="确认完成")).to_have_count(0)
        assert _serious_violations(page, axe) == []
        task_url = page.url
        page.context.close()

        page = login(browser, city["base"], "bwoffice2", factories.PASSWORD, bypass_csp=True)
        server_errors(page, errors)
        page.goto(task_url)
        expect(page.get_by_text("已在部门预决算专栏公开。")).to_be_visible()
        page.get_by_role("button", name="确认完成").click()
        expect(page.get_by_role("status")).to_contain_text("已完成“确认完成”")
        expect(page.locator("#task-state")).to_contain_text("已确认完成")
        expect(page.get_by_role("list").filter(has_text=re.compile("报完成"))).to_contain_text("确认完成")
        page.context.close()
    task = WorkTask.objects.get()
    assert task.state == TaskState.CONFIRMED and task.reported_by.username == "bwofficer"
    assert task.confirmed_by.username == "bwoffice2"
    assert errors == []
