"""A drafter writes a pair with the source picker, on a desktop and on a phone: types part of a title, chooses
the document with the arrow keys and Enter, chooses an article, saves, and finds the pair resting on them; a search
answered late is not drawn over a later one; without the script the numbers are typed as before."""

from __future__ import annotations

import pytest

from gongkai.orgs.roles import Role
from gongkai.publishing import services as publishing
from gongkai.qa.index import rebuild_articles
from gongkai.qa.models import QAPair
from tests import factories
from tests.browser import launch_chromium, login, server_errors, sideways_overflow
from tests.portal.test_browser_a11y import _axe_source, _serious_violations
from tests.qa.test_ask import CONTRACT, DOGS

pytestmark = pytest.mark.browser

QUESTION = "带狗出门必须系犬链吗"
ANSWER = "是的。携犬出户的，应当为犬只束犬链，并由具有完全民事行为能力的人牵领。"


@pytest.fixture
def site(transactional_db, live_server, fresh_search):
    root = factories.make_agency("11000000QATR0002X", "问答市人民政府", kind="government")
    team = factories.make_team(root)
    dogs = factories.make_document(team, root, title="测试市养犬管理规定", body=DOGS, doc_number="测政发〔2026〕6号")
    factories.make_document(team, root, title="测试市劳动合同管理办法", body=CONTRACT, doc_number="测政发〔2026〕5号")
    # Withdrawn: shares the words typed, and is never offered.
    withdrawn = factories.make_document(team, root, title="测试市养犬管理规定（旧）", body=DOGS,
                                        doc_number="测政发〔2025〕6号")
    publishing.withdraw_document(team[Role.PUBLISHER], withdrawn, "撤回")
    rebuild_articles()
    return live_server.url, root, team[Role.DRAFTER], dogs


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}],
                         ids=["desktop", "phone"])
def test_a_drafter_picks_the_source_and_article_with_the_keyboard(site, viewport):
    from playwright.sync_api import expect

    url, agency, drafter, dogs = site
    with launch_chromium() as browser:
        page = login(browser, url, drafter.username, factories.PASSWORD, viewport=viewport)
        errors = server_errors(page)
        script_errors: list[str] = []
        page.on("pageerror", lambda error: script_errors.append(str(error)))
        form_url = f"/staff/qa/pairs/{agency.code}/0/"
        page.goto(form_url)
        page.get_by_label("问题").fill(QUESTION)
        page.get_by_label("答案").fill(ANSWER)

        find = page.get_by_role("combobox", name="查找依据文件")
        find.press_sequentially("养犬管理", delay=30)
        options = page.get_by_role("listbox", name="可作依据的文件").get_by_role("option")
        expect(options).to_have_count(1)  # not the withdrawn one
        expect(options.first).to_contain_text("测试市养犬管理规定")
        expect(options.first).to_contain_text("测政发〔2026〕6号")
        assert sideways_overflow(page) <= 1, "the list of documents is wider than the screen"
        find.press("ArrowDown")
        expect(options.first).to_have_attribute("aria-selected", "true")
        expect(find).to_have_attribute("aria-activedescendant", "f-source-option-0")
        find.press("Enter")  # chooses; the form is not sent
        expect(page.get_by_label("依据文件编号")).to_have_value(str(dogs.pk))
        expect(page.locator("#f-source-title")).to_have_text("测试市养犬管理规定（测政发〔2026〕6号）")
        expect(page.get_by_role("status").filter(has_text="已选择")).to_contain_text("测试市养犬管理规定")
        assert page.url.endswith(form_url)

        articles = page.get_by_label("从依据文件的条文中选择")
        expect(articles).to_be_visible()
        expect(articles.locator("option")).to_have_count(4)  # the prompt and 第一条, 第八条, 第九条
        expect(articles.locator("option").nth(2)).to_contain_text("第八条　携犬出户的，应当为犬只束犬链")
        articles.select_option("8")
        expect(page.get_by_label("依据条号")).to_have_value("8")
        assert sideways_overflow(page) <= 1, "the article list is wider than the screen"
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_text("已保存，提交审核后公开。")).to_be_visible()
        pair = QAPair.objects.get(question=QUESTION)
        assert (pair.source_id, pair.article) == (dogs.pk, "8")

        # Opened again: the source is named and its article chosen in the list.
        page.goto(f"/staff/qa/pairs/{agency.code}/{pair.pk}/")
        expect(page.locator("#f-source-title")).to_have_text("测试市养犬管理规定（测政发〔2026〕6号）")
        expect(page.get_by_label("从依据文件的条文中选择")).to_have_value("8")
        assert errors == [] and script_errors == []


def test_without_the_script_the_number_is_typed_as_before(site):
    from playwright.sync_api import expect

    url, agency, drafter, dogs = site
    with launch_chromium() as browser:
        context = browser.new_context(locale="zh-CN", base_url=url, java_script_enabled=False,
                                      viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.goto("/staff/login/")
        page.get_by_label("用户名").fill(drafter.username)
        page.get_by_label("密码").fill(factories.PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.goto(f"/staff/qa/pairs/{agency.code}/0/")
        expect(page.get_by_label("查找依据文件")).to_be_hidden()
        expect(page.get_by_label("从依据文件的条文中选择")).to_be_hidden()
        page.get_by_label("问题").fill(QUESTION)
        page.get_by_label("答案").fill(ANSWER)
        page.get_by_label("依据文件编号").fill(str(dogs.pk))
        page.get_by_label("依据条号").fill("第八条")
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_text("已保存，提交审核后公开。")).to_be_visible()
        assert QAPair.objects.filter(question=QUESTION, source=dogs, article="8").exists()


def test_only_the_last_searchs_answer_is_drawn(site):
    """An earlier search answered late does not replace the list under the arrow keys."""
    from playwright.sync_api import expect

    url, agency, drafter, dogs = site
    with launch_chromium() as browser:
        page = login(browser, url, drafter.username, factories.PASSWORD)
        page.goto(f"/staff/qa/pairs/{agency.code}/0/")
        held = []
        page.route("**/sources/?q=%E5%85%BB%E7%8A%AC", lambda route: held.append(route))  # 养犬, held back
        find = page.get_by_role("combobox", name="查找依据文件")
        find.fill("养犬")
        for _ in range(600):  # up to 30 s for the first search to be sent (and held)
            if held:
                break
            page.wait_for_timeout(50)
        assert held, "the first search was never sent"
        find.fill("劳动合同")
        options = page.get_by_role("listbox", name="可作依据的文件").get_by_role("option")
        expect(options).to_have_count(1)
        expect(options.first).to_contain_text("测试市劳动合同管理办法")
        held[0].continue_()
        page.wait_for_load_state("networkidle")
        expect(options).to_have_count(1)
        expect(options.first).to_contain_text("测试市劳动合同管理办法")


def test_axe_finds_no_serious_violation_in_the_picker(site):
    """The picker's parts checked by axe-core on a phone: with the list of documents open, and with the articles."""
    from playwright.sync_api import expect

    url, agency, drafter, dogs = site
    axe = _axe_source()
    with launch_chromium() as browser:
        # bypass_csp lets the test inject axe (an inline script the site's own policy rightly refuses).
        page = login(browser, url, drafter.username, factories.PASSWORD, viewport={"width": 390, "height": 844},
                     bypass_csp=True)
        page.goto(f"/staff/qa/pairs/{agency.code}/0/")
        find = page.get_by_role("combobox", name="查找依据文件")
        find.press_sequentially("测试市", delay=30)
        options = page.get_by_role("listbox", name="可作依据的文件").get_by_role("option")
        expect(options).to_have_count(2)
        find.press("ArrowDown")
        assert _serious_violations(page, axe) == []
        find.press("Enter")
        expect(page.get_by_label("从依据文件的条文中选择")).to_be_visible()
        assert _serious_violations(page, axe) == []


def test_choosing_another_source_empties_the_article_of_the_first(site):
    """第八条 chosen in one document is not silently cited in the next one chosen."""
    from playwright.sync_api import expect

    url, agency, drafter, dogs = site
    with launch_chromium() as browser:
        page = login(browser, url, drafter.username, factories.PASSWORD)
        page.goto(f"/staff/qa/pairs/{agency.code}/0/")
        article = page.get_by_label("依据条号")
        article.fill("第八条")  # typed before any source: kept when the first is chosen
        find = page.get_by_role("combobox", name="查找依据文件")
        options = page.get_by_role("listbox", name="可作依据的文件").get_by_role("option")
        find.press_sequentially("养犬", delay=30)
        expect(options).to_have_count(1)
        find.press("ArrowDown")
        find.press("Enter")
        expect(page.get_by_label("从依据文件的条文中选择")).to_have_value("8")
        expect(article).to_have_value("第八条")
        find.fill("")
        find.press_sequentially("劳动合同", delay=30)
        expect(options).to_have_count(1)
        find.press("ArrowDown")
        find.press("Enter")
        expect(article).to_have_value("")
        expect(page.locator("#f-source-status")).to_contain_text("原来的条号属于另一个文件，已清空")
        expect(page.get_by_label("从依据文件的条文中选择")).to_have_value("")
