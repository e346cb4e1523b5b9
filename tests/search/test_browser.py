"""The search page in a real browser: suggestions by keyboard, the correction notice, facets, and no
sideways scrolling on a phone."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from tests import factories
from tests.browser import launch_chromium

pytestmark = pytest.mark.browser


@pytest.fixture
def site(transactional_db, live_server, fresh_search):
    root = factories.make_agency("11000000SRCH0001X", "检索市人民政府", kind="government")
    agency = factories.make_agency("11000000SRCH0002X", "检索市住房公积金管理中心", parent=root)
    team = factories.make_team(agency)
    # Published with real commits: the signal and the inline task put them in the index.
    factories.make_document(team, agency, title="关于调整住房公积金缴存基数的通知", doc_number="检房金〔2026〕3号",
                            body="<p>职工住房公积金缴存基数按上一年度月平均工资确定。</p>")
    factories.make_document(team, agency, title="检索市政府信息公开工作年度报告",
                            body="<p>本年度政府信息公开工作情况如下。</p>")
    return live_server.url


def _suggesting(page, site):
    """The search box with 住房公积 typed, once the notice is suggested: (the box, the notice's option)."""
    page.goto(site + "/search/")
    box = page.get_by_role("combobox")
    box.press_sequentially("住房公积", delay=30)
    option = page.get_by_role("option", name="关于调整住房公积金缴存基数的通知")
    option.wait_for()
    return box, option


def test_suggestions_by_keyboard_then_results(site):
    with launch_chromium() as browser:
        page = browser.new_page(locale="zh-CN")
        box, option = _suggesting(page, site)
        assert box.get_attribute("aria-expanded") == "true"
        options = page.get_by_role("option")
        for _ in range(options.count()):
            box.press("ArrowDown")
            if option.get_attribute("aria-selected") == "true":
                break
        assert option.get_attribute("aria-selected") == "true", "the arrow keys reach every suggestion"
        assert box.get_attribute("aria-activedescendant") == option.get_attribute("id")
        box.press("Enter")
        page.wait_for_url("**/search/?q=*")
        result = page.locator(".result-list h3 a").first
        assert result.inner_text() == "关于调整住房公积金缴存基数的通知"
        assert page.locator(".result-list mark").count() >= 1


def test_keys_a_pinyin_input_method_is_composing_with_are_left_to_it(site):
    # Found in review: the Enter that confirms a pinyin candidate chose the suggestion and sent the search.
    with launch_chromium() as browser:
        page = browser.new_page(locale="zh-CN")
        box, _ = _suggesting(page, site)
        composing = """key => document.querySelector('[role=combobox]').dispatchEvent(new KeyboardEvent('keydown',
            {key: key, keyCode: 229, isComposing: true, bubbles: true, cancelable: true}))"""
        for key in ("ArrowDown", "Enter"):
            assert page.evaluate(composing, key), f"{key} was not cancelled"
        assert not box.get_attribute("aria-activedescendant"), "no suggestion was marked"
        assert urlparse(page.url).query == "", "nothing was sent"
        box.press("ArrowDown")
        assert box.get_attribute("aria-activedescendant"), "once composed, the arrows move in the list again"


def test_a_late_answer_to_an_earlier_request_leaves_the_chosen_suggestion(site):
    """The answer for 住房公 arriving after the one for 住房公积 must not redraw the list under the arrow keys."""
    held = []

    def hold_the_shorter(route):
        query = parse_qs(urlparse(route.request.url).query).get("q", [""])[0]
        if query == "住房公":
            held.append(route)
        else:
            route.continue_()

    with launch_chromium() as browser:
        page = browser.new_page(locale="zh-CN")
        page.route("**/api/v1/suggest?*", hold_the_shorter)
        page.goto(site + "/search/")
        box = page.get_by_role("combobox")
        box.press_sequentially("住房公")
        for _ in range(1200):  # until the debounced request for 住房公 has gone out
            if held:
                break
            page.wait_for_timeout(50)
        assert held, "typing 住房公 asks for suggestions"
        box.press_sequentially("积")
        option = page.get_by_role("option", name="关于调整住房公积金缴存基数的通知")
        option.wait_for()
        for _ in range(page.get_by_role("option").count()):
            box.press("ArrowDown")
            if option.get_attribute("aria-selected") == "true":
                break
        assert option.get_attribute("aria-selected") == "true"
        with page.expect_response(lambda response: "suggest" in response.url):
            held[0].fulfill(json={"suggestions": ["住房公告（旧的回答）"]})
        page.wait_for_timeout(300)  # let the page handle it; the check below holds however long this takes
        assert page.get_by_role("option", name="住房公告（旧的回答）").count() == 0
        assert option.get_attribute("aria-selected") == "true"
        assert box.get_attribute("aria-activedescendant") == option.get_attribute("id")


def test_header_box_pinyin_correction_and_facets(site):
    with launch_chromium() as browser:
        page = browser.new_page(viewport={"width": 375, "height": 740}, locale="zh-CN")
        # The header's box (the home page has its own search block instead).
        page.goto(site + "/xxgk/")
        page.get_by_role("searchbox", name="搜索").fill("zfxxgk")
        page.get_by_role("searchbox", name="搜索").press("Enter")
        page.wait_for_url("**/search/?q=zfxxgk")
        status = page.get_by_role("status").first.inner_text()
        assert "已为您搜索“政府信息公开”" in status and "仍搜索“zfxxgk”" in status
        assert page.locator(".result-list h3 a").first.inner_text() == "检索市政府信息公开工作年度报告"
        # On a phone the facets fold into the 筛选 panel below the status line.
        page.locator(".filter-panel > summary").click()
        facets = page.get_by_role("navigation", name="按分类筛选")
        assert facets.get_by_role("link", name="检索市住房公积金管理中心（2）").count() == 1 or \
            facets.get_by_text("检索市住房公积金管理中心").count() >= 1
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"the results page scrolls sideways by {overflow}px on a phone"
