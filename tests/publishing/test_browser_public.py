"""The public site in a real browser: usable on a phone, at 200% zoom, and from the keyboard."""

from __future__ import annotations

import pytest

from gongkai.publishing.models import DocumentKind
from gongkai.publishing.rules import RelationKind
from tests import factories
from tests.browser import launch_chromium

pytestmark = pytest.mark.browser

LONG_TITLE = "关于进一步优化营商环境降低制度性交易成本支持民营经济和中小微企业高质量发展的若干政策措施的通知"


@pytest.fixture
def site(transactional_db, live_server, fresh_search):
    root = factories.make_agency("11000000A11Y0001X", "无障碍市人民政府", kind="government")
    agency = factories.make_agency("11000000A11Y0002X", "无障碍市发展和改革委员会", parent=root)
    team = factories.make_team(agency)
    policy = factories.make_document(team, agency, title=LONG_TITLE, doc_number="无发改〔2026〕118号")
    factories.make_document(team, agency, kind=DocumentKind.INTERPRETATION, title="图解营商环境措施",
                            doc_type="政策解读", interpretation_format="graphic",
                            relations=[(RelationKind.INTERPRETS, policy.pk)])
    return live_server.url, policy


PAGES = ["/", "/xxgk/", "/xxgk/documents/", "/xxgk/documents/{pk}/"]


@pytest.mark.parametrize(("width", "height", "label"), [(375, 740, "phone"), (640, 400, "desktop at 200%")])
def test_no_horizontal_scrolling(site, tmp_path, width, height, label):
    base, policy = site
    with launch_chromium() as browser:
        page = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
        for path in PAGES:
            page.goto(base + path.format(pk=policy.pk))
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, f"{path} scrolls sideways by {overflow}px on a {label} screen"
        page.screenshot(path=str(tmp_path / f"detail-{width}.png"), full_page=True)


def test_keyboard_skip_link_and_labelled_controls(site):
    base, policy = site
    with launch_chromium() as browser:
        page = browser.new_page(locale="zh-CN")
        page.goto(base + "/xxgk/documents/")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "跳到主要内容"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        unlabelled = page.evaluate("""[...document.querySelectorAll('select, input:not([type=hidden]), textarea')]
            .filter(el => !el.labels || el.labels.length === 0).length""")
        assert unlabelled == 0
        # Filter by keyboard: focus the subject select, choose, submit.
        page.get_by_label("公文种类").select_option("通知")
        page.get_by_role("button", name="筛选").press("Enter")
        page.wait_for_url("**doc_type=*")
        assert LONG_TITLE in page.content()
        page.get_by_role("link", name=LONG_TITLE).focus()
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/xxgk/documents/{policy.pk}/")
        assert page.get_by_role("heading", level=1).inner_text() == LONG_TITLE
        assert page.get_by_role("link", name="图解营商环境措施").is_visible()


def test_library_on_a_phone_stacks_rows_into_cards(site):
    """The library's table at 375 px: no sideways scrolling, every column still labelled on each card."""
    base, policy = site
    with launch_chromium() as browser:
        page = browser.new_page(viewport={"width": 375, "height": 740}, locale="zh-CN")
        page.goto(base + "/xxgk/documents/?q=营商环境&scope=title&sort=signed")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"the library scrolls sideways by {overflow}px on a phone"
        headers = page.evaluate("[...document.querySelectorAll('table.library-table thead th')].map(th => th.textContent)")
        assert headers == ["标题", "发文字号", "发文机关", "成文日期", "发布日期"]
        assert page.locator("table.library-table tbody tr").count() == 2
        row = page.locator("table.library-table tbody tr", has_text=LONG_TITLE)
        assert row.evaluate("tr => getComputedStyle(tr).display") == "block"
        labels = row.evaluate("""tr => [...tr.querySelectorAll('td[data-label]')]
            .map(td => getComputedStyle(td, '::before').content)""")
        assert labels == ['"发文字号："', '"发文机关："', '"成文日期："', '"发布日期："']
        assert "无发改〔2026〕118号" in row.inner_text() and LONG_TITLE in row.inner_text()
        # The keyword box keeps the query and its scope, so the address can be shared.
        assert page.get_by_label("关键词").input_value() == "营商环境"
        assert page.get_by_label("检索范围").input_value() == "title"
