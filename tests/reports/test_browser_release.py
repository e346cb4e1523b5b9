"""In a real browser: an officer drafts the annual report, the head of the office reviews it, a second officer
releases it; the public then reads it on a phone (390 px) — tables scroll inside their box, the page never
sideways — and axe-core finds no serious or critical violation on the list and the report."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from gongkai.orgs.roles import Role
from tests import factories
from tests.browser import launch_chromium, login, server_errors, sideways_overflow
from tests.disclosure_factories import make_application
from tests.portal.test_browser_a11y import _axe_source, _serious_violations

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def office(transactional_db, live_server, fresh_search):
    root = factories.make_agency("11000000BRW0001X", "浏览市人民政府", kind="government")
    agency = factories.make_agency("11000000BRW0002X", "浏览市财政局", parent=root)
    make_application(agency)
    people = {name: factories.make_staff(agency, role, username=name) for name, role in (
        ("drafter", Role.DISCLOSURE_OFFICER), ("reviewer", Role.DISCLOSURE_HEAD),
        ("releaser", Role.DISCLOSURE_OFFICER))}
    return {"base": live_server.url, "agency": agency, **people}


def _step(browser, office, user: str, button: str, done: str, errors: list[str]) -> None:
    page = login(browser, office["base"], user, factories.PASSWORD)
    server_errors(page, errors)
    page.goto(f"/staff/reports/annual/?year=2026&agency={office['agency'].code}")
    if user == "drafter":
        page.get_by_label("正文").first.fill("本年度本局依法做好政府信息公开工作。")
        page.get_by_role("button", name="保存").first.click()
        expect(page.get_by_role("status")).to_contain_text("已保存")
    expect(page.get_by_role("button", name="审核通过")).to_have_count(1 if user == "reviewer" else 0)
    gaps = page.get_by_label(f"已核对缺项（见上），仍然{button}")
    if gaps.count():  # only one section is written: the reviewer and the releaser confirm the blanks
        gaps.check()
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(done)
    if user == "drafter":  # the drafter is told who reviews it
        expect(page.locator("#awaiting-review")).to_contain_text("政府信息公开工作机构负责人")
    page.context.close()


def test_three_people_release_and_the_public_reads_it_on_a_phone(office):
    errors: list[str] = []
    axe = _axe_source()
    with launch_chromium() as browser:
        _step(browser, office, "drafter", "生成报告并提交审核", "已生成报告并提交审核", errors)
        _step(browser, office, "reviewer", "审核通过", "已审核通过", errors)
        _step(browser, office, "releaser", "发布", "已发布", errors)
        context = browser.new_context(locale="zh-CN", base_url=office["base"], viewport=PHONE, bypass_csp=True)
        page = context.new_page()
        server_errors(page, errors)
        page.goto("/zfxxgk/ndbg/")
        assert _serious_violations(page, axe) == []
        page.get_by_role("link", name="浏览市财政局2026年政府信息公开工作年度报告").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("浏览市财政局2026年政府信息公开工作年度报告")
        expect(page.get_by_text("本年度本局依法做好政府信息公开工作。")).to_be_visible()
        expect(page.get_by_role("table", name="收到和处理政府信息公开申请情况")).to_be_attached()
        expect(page.get_by_role("link", name="PDF")).to_be_visible()
        assert sideways_overflow(page) <= 1, "the report page scrolls sideways at 390 px"
        assert _serious_violations(page, axe) == []
        context.close()
    assert errors == []


def test_the_timeliness_page_fits_a_phone(office):
    """The chart scales to the window: the page never scrolls sideways at 390 px (it was 846 px wide)."""
    errors: list[str] = []
    with launch_chromium() as browser:
        page = login(browser, office["base"], "reviewer", factories.PASSWORD, viewport=PHONE)
        server_errors(page, errors)
        page.goto(f"/staff/reports/timeliness/?year=2026&agency={office['agency'].code}")
        expect(page.locator("figure.bar-chart svg").first).to_be_visible()
        assert sideways_overflow(page) <= 1, "the timeliness page scrolls sideways at 390 px"
        page.context.close()
    assert errors == []
