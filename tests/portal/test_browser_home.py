"""The home page on a phone (375 px): its first screen shows documents, not empty blocks (issue #11)."""

from __future__ import annotations

import pytest

from tests import factories
from tests.browser import launch_chromium

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def laws_only(transactional_db, live_server, fresh_search):
    """A site whose public documents are laws only, as with the laws corpus: no 公报, 通报, 通知 or 公告."""
    root = factories.make_agency("11000000HOME0001X", "首页市人民政府", kind="government")
    team = factories.make_team(root)
    for title, doc_type in [("中华人民共和国行政许可法", "法律"), ("中华人民共和国政府信息公开条例", "行政法规"),
                            ("首页市物业管理条例", "地方性法规")]:
        factories.make_document(team, root, title=title, doc_type=doc_type)
    return live_server.url


def test_first_screen_of_a_phone_shows_documents(laws_only):
    with launch_chromium() as browser:
        context = browser.new_context(locale="zh-CN", base_url=laws_only, viewport=PHONE)
        page = context.new_page()
        page.goto("/")
        blocks = page.evaluate("""() => [...document.querySelectorAll('.home-grid > section')].map(s => ({
            heading: s.querySelector('h2').textContent, top: s.getBoundingClientRect().top,
            links: s.querySelectorAll('a').length, search: s.classList.contains('home-search')}))""")
        on_first_screen = [b for b in blocks if b["top"] < PHONE["height"]]
        assert on_first_screen and all(b["search"] or b["links"] for b in on_first_screen), on_first_screen
        first_document = page.locator(".doc-list a").first
        assert first_document.bounding_box()["y"] < PHONE["height"], "a document is on the first screen"
        assert first_document.text_content() in {"中华人民共和国行政许可法", "中华人民共和国政府信息公开条例",
                                                 "首页市物业管理条例"}
        context.close()
