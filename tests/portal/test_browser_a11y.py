"""Accessibility in a real browser: axe-core (installed from the npm registry by `make test-venv`, pinned in
tests/a11y/package-lock.json) finds no serious or critical violation on the public pages at desktop and phone
width; the 无障碍 and 长者模式 switches persist across pages and apply before paint; the search page folds its
filters into 筛选 on a phone, has a 跳到结果 link, and Esc closes suggestions without wiping the query."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from gongkai.publishing.models import DocumentKind
from gongkai.publishing.rules import RelationKind
from tests import disclosure_factories, factories
from tests.browser import launch_chromium, sideways_overflow

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[1] / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
# Records the classes <html> carries when <body> first appears, i.e. before anything can be painted.
RECORD_FIRST_PAINT_CLASSES = """
new MutationObserver(function (changes, observer) {
  if (document.body) { window.__classesAtBody = document.documentElement.className; observer.disconnect(); }
}).observe(document, {childList: true, subtree: true});
"""


def _axe_source() -> str:
    if not AXE.exists():
        message = "axe-core is not installed: run make test-venv (npm ci --prefix tests/a11y)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def chromium():
    """One browser for the whole module (each test opens its own contexts)."""
    with launch_chromium() as browser:
        yield browser


@pytest.fixture
def site(transactional_db, live_server, fresh_search):
    root = factories.make_agency("11000000A11Y0001X", "无障碍市人民政府", kind="government")
    agency = factories.make_agency("11000000A11Y0002X", "无障碍市民政局", parent=root)
    team = factories.make_team(agency)
    policy = factories.make_document(
        team, agency, title="关于提高城乡居民最低生活保障标准的通知", doc_number="无民发〔2026〕5号", doc_type="通知",
        tags=["民生保障"], body="<p>自2026年4月1日起，城乡居民最低生活保障标准提高到每人每月900元。</p>"
                              '<p>详见<a href="https://www.gov.cn/">中国政府网</a>。</p>')
    factories.make_document(team, agency, title="2025年无障碍市民政事业发展统计公报", doc_type="公报",
                            tags=["民生保障"], body="<p>全年共发放最低生活保障金。</p>")
    factories.make_document(team, agency, kind=DocumentKind.INTERPRETATION, title="图解提高最低生活保障标准",
                            doc_type="政策解读", interpretation_format="text",
                            relations=[(RelationKind.INTERPRETS, policy.pk)], body="<p>一图读懂低保新标准。</p>")
    factories.make_document(team, agency, title="无障碍市养犬管理办法", doc_number="无民发〔2026〕6号",
                            body="<p>第一条 为了规范养犬行为，制定本办法。</p><p>第八条 携犬出户的，应当为犬只束犬链，"
                                 "并由具有完全民事行为能力的人牵领。</p>")
    from gongkai.qa.index import rebuild_articles

    rebuild_articles()  # the Q&A answers above the results of a question typed in the search box
    application, token = disclosure_factories.make_application(agency)
    return {"base": live_server.url, "policy": policy, "code": application.tracking_code, "token": token}


def _serious_violations(page, axe: str) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe)
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
            for v in found if v["impact"] in ("serious", "critical")]


def test_axe_finds_no_serious_violation_on_public_pages(site, chromium):
    axe = _axe_source()
    paths = ["/", "/xxgk/documents/", f"/xxgk/documents/{site['policy'].pk}/", "/search/?q=低保", "/ysqgk/",
             "/ysqgk/track/", "/wzdt/", "/search/?q=带狗出门要不要系犬链", "/wdk/?q=带狗出门要不要系犬链"]
    for viewport in (DESKTOP, PHONE):
        # bypass_csp lets the test inject axe (an inline script the site's own policy rightly refuses).
        context = chromium.new_context(locale="zh-CN", base_url=site["base"], viewport=viewport, bypass_csp=True)
        page = context.new_page()
        problems = {}
        for path in paths:
            page.goto(path)
            page.wait_for_load_state("networkidle")
            problems[path] = _serious_violations(page, axe)
            assert sideways_overflow(page) <= 1, f"{path} scrolls sideways at {viewport['width']}px"
        # The case page a tracking code and password open.
        page.goto("/ysqgk/track/")
        page.get_by_label("查询码").fill(site["code"])
        page.get_by_label("查询密码").fill(site["token"])
        page.get_by_role("button", name="查询").click()
        page.wait_for_url(f"**/ysqgk/track/{site['code']}/")
        problems["case"] = _serious_violations(page, axe)
        page.goto("/search/?q=带狗出门要不要系犬链")
        assert page.locator(".qa-search-answer mark").count() >= 1, "the question typed in the search box is answered"
        # The switches on: high contrast, largest type and 长者模式 must stay as accessible.
        page.goto("/")
        page.evaluate("localStorage.setItem('gongkai-a11y', JSON.stringify({size: 2, contrast: true, elder: true,"
                      " guide: true, focus: true}))")
        page.reload()
        problems["/ with every switch on"] = _serious_violations(page, axe)
        assert sideways_overflow(page) <= 1, f"large type scrolls sideways at {viewport['width']}px"
        context.close()
        assert {path: found for path, found in problems.items() if found} == {}, viewport


def test_switches_persist_across_pages_and_apply_before_paint(site, chromium):
    context = chromium.new_context(locale="zh-CN", base_url=site["base"], viewport=DESKTOP)
    context.add_init_script(RECORD_FIRST_PAINT_CLASSES)
    page = context.new_page()
    page.goto("/")
    bar = page.get_by_role("region", name="无障碍与长者模式")
    bar.get_by_role("button", name="长者模式").click()
    bar.get_by_text("无障碍", exact=True).click()
    bar.get_by_role("button", name="特大").click()
    bar.get_by_role("button", name="高对比度").click()
    bar.get_by_role("button", name="阅读指引线").click()
    bar.get_by_role("button", name="键盘焦点加强").click()
    expect(bar.get_by_role("button", name="高对比度")).to_have_attribute("aria-pressed", "true")
    wanted = {"elder", "a11y-size-2", "a11y-contrast", "a11y-guide", "a11y-focus"}

    page.goto(f"/xxgk/documents/{site['policy'].pk}/")
    assert wanted <= set(page.evaluate("window.__classesAtBody").split()), "applied before the body is painted"
    assert wanted <= set(page.evaluate("document.documentElement.className").split())
    expect(page.get_by_role("button", name="长者模式")).to_have_attribute("aria-pressed", "true")
    page.get_by_text("无障碍", exact=True).click()
    expect(page.get_by_role("button", name="特大")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name="标准")).to_have_attribute("aria-pressed", "false")
    # Larger type is really larger; the contrast mode really is black on white-yellow.
    assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") >= 21
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    # The reading guide follows the pointer.
    page.mouse.move(200, 300)
    expect(page.locator(".reading-guide")).to_be_visible()
    # The document page can be printed: print style hides navigation, footer and switches and shows the URL.
    expect(page.get_by_role("button", name="打印本页")).to_be_visible()
    page.emulate_media(media="print")
    assert not page.locator(".site-footer").is_visible() and not page.locator(".a11y-bar").is_visible()
    assert page.locator(".print-url").is_visible()
    assert f"/xxgk/documents/{site['policy'].pk}/" in page.locator(".print-url").inner_text()
    page.emulate_media(media="screen")

    # A new tab of the same visitor keeps them; 恢复默认 clears them everywhere.
    other = context.new_page()
    other.goto("/search/")
    assert wanted <= set(other.evaluate("window.__classesAtBody").split())
    other.get_by_text("无障碍", exact=True).click()
    other.get_by_role("button", name="恢复默认").click()
    other.goto("/")
    assert not wanted & set(other.evaluate("window.__classesAtBody").split())
    context.close()


def test_search_on_a_phone_results_first_filters_fold_and_esc_keeps_the_query(site, chromium):
    context = chromium.new_context(locale="zh-CN", base_url=site["base"], viewport=PHONE)
    page = context.new_page()
    page.goto("/search/?q=最低生活保障")
    results = page.locator("#results")
    expect(results.locator(".result-list li").first).to_be_visible()
    toggle = page.locator(".filter-panel > summary")
    expect(toggle).to_have_text("筛选")
    facets = page.get_by_role("navigation", name="按分类筛选")
    expect(facets).to_be_hidden()
    top_of_results = results.bounding_box()["y"]
    assert top_of_results < 812, "the first result is on the first screen of a phone"
    toggle.click()
    expect(facets).to_be_visible()
    facets.get_by_role("link", name="民生保障").first.click()
    page.wait_for_url("**tag=*")
    expect(page.locator(".filter-panel > summary")).to_have_text("筛选（已筛选）")

    # The keyboard user's first stop is 跳到结果 (after 跳到主要内容), which lands in the results.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="跳到结果")).to_be_focused()
    page.keyboard.press("Enter")
    expect(results).to_be_focused()

    # Esc closes the suggestions and keeps what was typed, also when pressed again.
    box = page.get_by_role("combobox")
    box.fill("")
    box.press_sequentially("最低生活", delay=30)
    page.get_by_role("option").first.wait_for()
    box.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()
    assert box.get_attribute("aria-expanded") == "false"
    box.press("Escape")
    expect(box).to_have_value("最低生活")

    # On a wide screen the filters stay open beside the results, with no toggle.
    page.set_viewport_size(DESKTOP)
    expect(facets).to_be_visible()
    expect(page.locator(".filter-panel > summary")).to_be_hidden()
    context.close()


def test_library_on_a_phone_folds_its_filters_above_the_list(site, chromium):
    context = chromium.new_context(locale="zh-CN", base_url=site["base"], viewport=PHONE)
    page = context.new_page()
    page.goto("/xxgk/documents/")
    toggle = page.locator(".filter-panel > summary")
    expect(toggle).to_have_text("筛选和排序")
    sort = page.get_by_label("排序")
    expect(sort).to_be_hidden()
    expect(page.get_by_label("关键词")).to_be_visible()
    first_row = page.locator(".library-table tbody tr").first
    assert first_row.bounding_box()["y"] < 812, "the first document is on the first screen of a phone"
    toggle.click()
    expect(sort).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the open panel fits the phone"
    sort.select_option("signed")
    page.get_by_role("button", name="筛选", exact=True).click()
    page.wait_for_url("**sort=signed*")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="跳到结果")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#library-count")).to_be_focused()
    page.set_viewport_size(DESKTOP)
    expect(sort).to_be_visible()
    expect(toggle).to_be_hidden()
    context.close()


def test_largest_type_and_elder_mode_fit_a_phone(site, chromium):
    context = chromium.new_context(locale="zh-CN", base_url=site["base"], viewport=PHONE)
    context.add_init_script("localStorage.setItem('gongkai-a11y', JSON.stringify({size: 2, elder: true}))")
    page = context.new_page()
    wide = {}
    for path in ("/", "/xxgk/", "/xxgk/documents/", f"/xxgk/documents/{site['policy'].pk}/", "/search/?q=低保",
                 "/ysqgk/", "/ysqgk/track/"):
        page.goto(path)
        if sideways_overflow(page) > 1:
            wide[path] = page.evaluate("Array.from(document.querySelectorAll('body *')).filter(e => "
                                       "e.getBoundingClientRect().right > innerWidth + 1).map(e => e.tagName + "
                                       "'#' + e.id + '.' + e.className).slice(0, 5)")
    assert wide == {}, "pages scroll sideways on a phone with the largest type"
    context.close()
