"""The 政府信息公开 column in headless Chromium at desktop and phone width: the statutory structure is there,
nothing scrolls sideways, the agency picker works from the keyboard, and axe-core finds no serious violation."""

from __future__ import annotations

import pytest

from gongkai.catalog import services
from gongkai.catalog.models import CatalogItem
from tests import factories
from tests.browser import launch_chromium, sideways_overflow
from tests.catalog.test_services import GUIDE
from tests.disclosure_factories import disclosure_team
from tests.portal.test_browser_a11y import DESKTOP, PHONE, _axe_source, _serious_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def column(transactional_db, live_server, fresh_search):
    root = factories.make_agency("11000000ZFXX001X", "栏目市人民政府", kind="government")
    agency = factories.make_agency("11000000ZFXX002X", "栏目市财政局", parent=root)
    for each in (root, agency):
        office = disclosure_team(each)
        services.publish_entry(office["head"], services.save_guide(office["officer"], each, GUIDE))
        services.seed_default_catalog(office["officer"], each)
        for item in CatalogItem.objects.filter(agency=each):
            services.publish_entry(office["head"], item)
        services.publish_entry(office["head"], services.save_negative_entry(office["officer"], each, {
            "category": "过程性信息", "content": "讨论记录、过程稿、磋商信函、请示报告等",
            "basis": "《中华人民共和国政府信息公开条例》第十六条第二款"}))
    team = factories.make_team(agency)
    factories.make_document(team, agency, title="栏目市财政局关于规范财政专项资金管理的若干规定",
                            doc_type="行政规范性文件", doc_number="栏财规〔2026〕1号")
    return {"base": live_server.url, "agency": agency}


PATHS = ["/zfxxgk/", "/zfxxgk/?agency={code}", "/zfxxgk/zn/{code}/", "/zfxxgk/ml/?agency={code}", "/zfxxgk/fmqd/",
         "/zfxxgk/zn/"]


def test_the_column_at_desktop_and_phone_width(column):
    axe = _axe_source()
    code = column["agency"].code
    with launch_chromium() as browser:
        for viewport in (DESKTOP, PHONE):
            context = browser.new_context(locale="zh-CN", base_url=column["base"], viewport=viewport, bypass_csp=True)
            page = context.new_page()
            for path in PATHS:
                response = page.goto(path.format(code=code))
                assert response.status == 200, path
                assert sideways_overflow(page) <= 1, f"{path} scrolls sideways at {viewport['width']} px"
                violations = _serious_violations(page, axe)
                assert violations == [], f"{path} at {viewport['width']} px: {violations}"
            context.close()


def test_pick_an_agency_and_follow_an_item_into_the_library(column):
    with launch_chromium() as browser:
        page = browser.new_page(locale="zh-CN", viewport=PHONE, base_url=column["base"])
        page.goto("/zfxxgk/")
        for heading in ("政府信息公开指南", "政府信息公开制度", "政府信息公开年度报告", "依申请公开", "法定主动公开内容"):
            assert page.get_by_role("heading", name=heading, level=2).is_visible(), heading
        page.get_by_label("机关", exact=True).select_option(label="栏目市财政局")
        page.get_by_role("button", name="查看").press("Enter")
        page.wait_for_url("**agency=*")
        page.locator("#c-normative a").first.click()
        page.wait_for_url("**/xxgk/documents/?*")
        assert "栏目市财政局关于规范财政专项资金管理的若干规定" in page.content()


def test_the_office_writes_the_guide_and_the_head_reviews_it(transactional_db, live_server):
    """On a phone: the officer writes the guide (a wrong postcode is kept with its message), the head reviews it,
    and the public page shows it; the staff pages pass axe-core."""
    from tests.browser import login

    axe = _axe_source()
    agency = factories.make_agency("11000000ZFXX003X", "指南市民政局", kind="department")
    office = disclosure_team(agency)
    with launch_chromium() as browser:
        page = login(browser, live_server.url, office["officer"].username, factories.PASSWORD, viewport=PHONE,
                     bypass_csp=True)
        page.goto("/staff/catalog/")
        assert page.get_by_text("尚未编制指南").is_visible()
        assert _serious_violations(page, axe) == []
        page.get_by_role("link", name="编辑指南").click()
        page.get_by_label("依申请公开的申请方式").fill("在线申请或书面申请。")
        page.get_by_label("办公时间").fill("工作日 9:00-17:00")
        page.get_by_label("邮政编码").fill("3100")
        page.get_by_role("button", name="保存草稿").click()
        assert page.get_by_text("邮政编码应为6位数字。", exact=True).is_visible()
        assert page.get_by_label("办公时间").input_value() == "工作日 9:00-17:00"
        assert sideways_overflow(page) <= 1
        assert _serious_violations(page, axe) == []
        page.get_by_label("邮政编码").fill("310000")
        page.get_by_role("button", name="保存草稿").click()
        page.wait_for_url("**/staff/catalog/?agency=*")
        assert page.get_by_role("button", name="审核并公开").count() == 0

        head = login(browser, live_server.url, office["head"].username, factories.PASSWORD, viewport=PHONE)
        head.goto(f"/staff/catalog/?agency={agency.code}")
        head.get_by_role("button", name="审核并公开").click()
        head.wait_for_url("**/staff/catalog/?agency=*")
        assert head.get_by_text("已审核并公开。").is_visible()
        head.goto(f"/zfxxgk/zn/{agency.code}/")
        assert head.get_by_text("工作日 9:00-17:00").is_visible()
