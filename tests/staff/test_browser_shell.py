"""The staff shell in a real browser: the login page, the staff bar menu by keyboard, the dashboard on a phone
and at 200% zoom, and two people holding the same role seeing the same work."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from gongkai.orgs.roles import Role
from gongkai.publishing.models import Relation
from gongkai.publishing.rules import RelationKind
from tests import factories
from tests.browser import login, server_errors, sideways_overflow, take_action

pytestmark = pytest.mark.browser

READY_TITLE = "关于进一步加强城市道路桥梁安全管理和养护维修工作若干措施的通知"
DRAFT_TITLE = "关于做好2026年汛期城市排水防涝工作的通知"
REPEALED_TITLE = "外壳市城市道路挖掘管理暂行规定"
REPEALING_TITLE = "外壳市城市道路挖掘修复管理办法"

# A phone, and a 1280-pixel desktop window at 200% zoom (the same CSS width as the public site's test).
SCREENS = [pytest.param({"width": 375, "height": 812}, id="phone"),
           pytest.param({"width": 640, "height": 400}, id="desktop-at-200%")]


@pytest.fixture
def office(transactional_db):
    """An agency with a full team and a second publisher; one document waits for publication, one is a draft,
    and another agency's published document repeals one of this agency's documents (waiting for confirmation)."""
    root = factories.make_agency("11000000SHELL0000X", "外壳市人民政府", kind="government")
    agency = factories.make_agency("11000000SHELL0001X", "外壳市住房和城乡建设局", parent=root)
    other = factories.make_agency("11000000SHELL0002X", "外壳市城市管理局", parent=root)
    team = factories.make_team(agency)
    team["second_publisher"] = factories.make_staff(agency, Role.PUBLISHER)
    ready = factories.make_document(team, agency, publish=False, title=READY_TITLE,
                                    doc_number="外住建发〔2026〕101号")
    factories.advance(team, ready)
    factories.make_document(team, agency, publish=False, title=DRAFT_TITLE)
    repealed = factories.make_document(team, agency, title=REPEALED_TITLE)
    factories.make_document(factories.make_team(other), other, title=REPEALING_TITLE,
                            relations=[(RelationKind.REPEALS, repealed.pk)])
    return agency, team, ready, repealed


def tab_through(page, limit: int = 60) -> list[dict]:
    """Press Tab from the top of the page until focus leaves the page or `limit` presses; describe each stop."""
    page.evaluate("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate("""() => {
            const el = document.activeElement;
            if (!el || el === document.body) return null;
            const style = getComputedStyle(el);
            const box = el.getBoundingClientRect();
            // Chrome scrolls a focused element into view on fractional pixels: allow one pixel.
            return {text: (el.textContent || el.value || '').trim(), tag: el.tagName,
                    staffBar: !!el.closest('.staff-bar'),
                    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
                    inView: box.width > 0 && box.left >= -1 && box.right <= window.innerWidth + 1
                            && box.top >= -1 && box.bottom <= window.innerHeight + 1};
        }""")
        if stop is None or (stops and stop == stops[0]):
            break
        stops.append(stop)
    return stops


@pytest.mark.parametrize("viewport", SCREENS)
def test_login_menu_and_dashboard_on_a_narrow_screen(browser, live_server, office, viewport, tmp_path):
    agency, team, ready, _ = office
    width = viewport["width"]
    context = browser.new_context(locale="zh-CN", base_url=live_server.url, viewport=viewport)
    page = context.new_page()
    errors = server_errors(page)

    # The login page: asked for by the dashboard, usable from the keyboard, an error in Chinese.
    page.goto("/staff/")
    expect(page.get_by_role("heading", level=1)).to_have_text("工作人员登录")
    assert sideways_overflow(page) <= 0, f"the login page scrolls sideways at {width}px"
    page.get_by_label("用户名").fill(team[Role.PUBLISHER].username)
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_label("密码").press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("请输入一个正确的")
    expect(page.get_by_label("用户名")).to_have_value(team[Role.PUBLISHER].username)
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_label("密码").press("Enter")
    page.wait_for_url("**/staff/")
    expect(page.get_by_role("heading", level=1)).to_have_text("工作台")

    # The dashboard's panels stack in the window's width: nothing scrolls sideways.
    inbox = page.get_by_role("region", name=re.compile("待我处理"))
    expect(inbox.get_by_role("link", name=READY_TITLE)).to_be_visible()
    expect(page.get_by_role("region", name=re.compile("待本机关确认的文件关系"))).to_contain_text(REPEALING_TITLE)
    page.screenshot(path=tmp_path / f"dashboard-{width}.png", full_page=True)
    assert sideways_overflow(page) <= 0, f"the dashboard scrolls sideways at {width}px"
    inbox_box = inbox.bounding_box()
    drafts_box = page.get_by_role("region", name=re.compile("我的草稿")).bounding_box()
    assert drafts_box["y"] >= inbox_box["y"] + inbox_box["height"], "the panels are side by side on a narrow screen"
    assert inbox_box["x"] + inbox_box["width"] <= width

    # Every staff bar entry is reached by Tab, in the order shown, with a visible focus ring, inside the window.
    entries = page.locator(".staff-bar a, .staff-bar button").evaluate_all(
        "els => els.map(el => el.textContent.trim())")
    assert entries[:2] == ["工作台", "政府信息"] and entries[-1] == "退出登录"
    stops = tab_through(page)
    assert stops and stops[0]["text"] == "跳到主要内容"
    reached = [s for s in stops if s["staffBar"]]
    assert [s["text"] for s in reached] == entries
    for stop in stops:
        assert stop["outline"], f"no visible focus on “{stop['text']}” at {width}px"
        assert stop["inView"], f"“{stop['text']}” is focused outside the window at {width}px"

    # Enter on a focused entry opens it; the list and a document page fit the window too.
    bar = page.get_by_role("navigation", name="工作台菜单")
    bar.get_by_role("link", name="政府信息").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/staff/documents/")
    expect(page.get_by_role("heading", level=1)).to_have_text("本单位全部信息")
    expect(bar.get_by_role("link", name="政府信息")).to_have_attribute("aria-current", "page")
    page.screenshot(path=tmp_path / f"documents-{width}.png", full_page=True)
    assert sideways_overflow(page) <= 0, f"the document list scrolls sideways at {width}px"
    page.get_by_role("link", name=READY_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(READY_TITLE)
    page.screenshot(path=tmp_path / f"document-{width}.png", full_page=True)
    assert sideways_overflow(page) <= 0, f"the document page scrolls sideways at {width}px"

    # 退出登录 by keyboard returns to the login page; the dashboard then asks for a login again.
    bar.get_by_role("button", name="退出登录").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/staff/login/")
    page.goto("/staff/")
    expect(page.get_by_role("heading", level=1)).to_have_text("工作人员登录")
    assert errors == []


def test_the_drafters_menu_offers_a_new_document(browser, live_server, office):
    agency, team, *_ = office
    page = login(browser, live_server.url, team[Role.DRAFTER].username, factories.PASSWORD,
                 viewport={"width": 375, "height": 812})
    bar = page.get_by_role("navigation", name="工作台菜单")
    expect(bar).to_contain_text(agency.name)
    drafts = page.get_by_role("region", name=re.compile("我的草稿"))
    expect(drafts.get_by_role("link", name=DRAFT_TITLE)).to_be_visible()
    bar.get_by_role("link", name="新建信息").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/staff/documents/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("新建政府信息")
    assert sideways_overflow(page) <= 0, "the drafting form scrolls sideways on a phone"


def inbox_titles(page) -> list[str]:
    inbox = page.get_by_role("region", name=re.compile("待我处理"))
    return sorted(inbox.get_by_role("link").all_inner_texts())


def relations_text(page) -> str:
    panel = page.get_by_role("region", name=re.compile("待本机关确认的文件关系"))
    return panel.inner_text() if panel.count() else ""


def test_two_publishers_of_one_agency_see_the_same_work(browser, live_server, office):
    agency, team, ready, repealed = office
    first = login(browser, live_server.url, team[Role.PUBLISHER].username, factories.PASSWORD,
                  viewport={"width": 375, "height": 812})
    second = login(browser, live_server.url, team["second_publisher"].username, factories.PASSWORD,
                   viewport={"width": 375, "height": 812})
    errors = server_errors(second, server_errors(first))

    # The same inbox and the same relations to confirm, whichever of them looks.
    assert inbox_titles(first) == inbox_titles(second) == [READY_TITLE]
    assert REPEALING_TITLE in relations_text(first)
    assert relations_text(first) == relations_text(second)

    # One publishes; the other no longer finds it waiting, and is offered only what is left to do.
    first.get_by_role("region", name=re.compile("待我处理")).get_by_role("link", name=READY_TITLE).click()
    take_action(first, "立即发布")
    expect(first.locator("#doc-status")).to_have_text("已发布")
    second.reload()
    expect(second.get_by_role("region", name=re.compile("待我处理"))).to_contain_text("没有等待您处理的事项。")
    second.goto(f"/staff/documents/{ready.pk}/")
    expect(second.locator("#doc-status")).to_have_text("已发布")
    expect(second.get_by_role("button", name="立即发布")).to_have_count(0)
    expect(second.get_by_role("button", name="撤销发布")).to_be_visible()

    # The second confirms the repeal; the first's dashboard no longer asks for it.
    second.goto("/staff/")
    second.get_by_role("region", name=re.compile("待本机关确认的文件关系")).get_by_role(
        "link", name=REPEALED_TITLE).click()
    second.get_by_role("button", name="确认", exact=True).click()
    expect(second.get_by_role("status")).to_contain_text("已确认")
    first.goto("/staff/")
    expect(first.get_by_role("region", name=re.compile("待本机关确认的文件关系"))).to_have_count(0)
    first.goto(f"/staff/documents/{repealed.pk}/")
    expect(first.locator(f"#relation-{Relation.objects.get(target=repealed).pk}")).to_contain_text(
        team["second_publisher"].get_full_name())
    assert errors == []
