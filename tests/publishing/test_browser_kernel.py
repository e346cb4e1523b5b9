"""The publishing kernel clicked through in headless Chromium: withdrawing a public version while its next
revision waits, 一事一审 on the staff page, and a repeal of another agency's document that waits for that
agency's publisher."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from gongkai.orgs.roles import Role
from gongkai.publishing import services
from gongkai.publishing.models import Document, Relation
from gongkai.publishing.rules import RelationKind, Validity
from gongkai.publishing.states import RelationStatus, State
from tests import factories
from tests.browser import login, server_errors, take_action

pytestmark = pytest.mark.browser

OLD_TITLE = "关于做好2026年城乡居民医疗保险参保缴费工作的通知"
NEW_TITLE = "关于做好2026年度城乡居民基本医疗保险参保缴费工作的通知"


@pytest.fixture
def government(transactional_db):
    return factories.make_agency("11000000KERNEL000X", "内核市人民政府", kind="government")


@pytest.fixture
def staff(government):
    """An agency with one user per workflow role."""
    agency = factories.make_agency("11000000KERNEL001X", "内核市医疗保障局", parent=government)
    return agency, factories.make_team(agency)


def visitor(browser, base_url):
    """A fresh anonymous visitor of the public site."""
    return browser.new_context(locale="zh-CN", base_url=base_url).new_page()


def open_from_inbox(page, title: str) -> None:
    page.get_by_role("region", name=re.compile("待我处理")).get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def fresh(document: Document) -> Document:
    return Document.objects.get(pk=document.pk)


# --- 1. Withdrawal while the next revision waits ------------------------------------------------------------


def test_withdraw_a_public_version_while_its_next_revision_waits(browser, live_server, staff, tmp_path):
    agency, team = staff
    document = factories.make_document(team, agency, title=OLD_TITLE, doc_number="内医保发〔2026〕3号")
    public_url = f"/xxgk/documents/{document.pk}/"
    anonymous = visitor(browser, live_server.url)
    assert anonymous.goto(public_url).status == 200

    # The drafter edits the published document: a new revision, saved as a draft; the old one stays public.
    drafter = login(browser, live_server.url, team[Role.DRAFTER].username, factories.PASSWORD)
    errors = server_errors(drafter)
    drafter.goto(f"/staff/documents/{document.pk}/")
    drafter.get_by_role("link", name="修改（生成新版本）").click()
    expect(drafter.get_by_role("note")).to_contain_text("公众仍看到已公开的第 1 版")
    drafter.get_by_label("标题").fill(NEW_TITLE)
    drafter.get_by_label("修改说明").fill("按医保局最新口径修改标题")
    drafter.get_by_role("button", name="保存草稿").click()
    expect(drafter.get_by_role("status")).to_contain_text("已保存第 2 版")
    expect(drafter.locator("#doc-status")).to_have_text("已发布（有待审修订）")
    anonymous.goto(public_url)
    expect(anonymous.get_by_role("heading", level=1)).to_have_text(OLD_TITLE)

    # The publisher finds it through 工作台 → 政府信息 and sees the public status beside the pending revision.
    publisher = login(browser, live_server.url, team[Role.PUBLISHER].username, factories.PASSWORD)
    server_errors(publisher, errors)
    publisher.locator(".staff-bar").get_by_role("link", name="政府信息").click()
    expect(publisher.get_by_role("heading", level=1)).to_have_text("本单位全部信息")
    row = publisher.get_by_role("row").filter(has_text=document.index_no)
    expect(row).to_contain_text("已发布（有待审修订）")
    publisher.get_by_label("状态", exact=True).select_option(label="已发布（有待审修订）")
    publisher.get_by_role("button", name="筛选").click()
    expect(publisher.get_by_role("row").filter(has_text=document.index_no)).to_have_count(1)
    publisher.get_by_role("row").filter(has_text=document.index_no).get_by_role("link").click()
    expect(publisher.locator("#doc-status")).to_have_text("已发布（有待审修订）")
    expect(publisher.locator("#doc-state")).to_have_text("草稿")
    expect(publisher.get_by_role("region", name="待发布版本与已公开版本的差异")).to_contain_text(NEW_TITLE)

    # 撤销发布 needs a reason: the browser refuses an empty one, and nothing changes.
    withdraw = publisher.locator("form.action-form").filter(
        has=publisher.get_by_role("heading", name="撤销发布", exact=True))
    withdraw.get_by_role("button", name="撤销发布").click()
    assert withdraw.get_by_label(re.compile("意见")).evaluate("el => el.validity.valueMissing")
    assert fresh(document).live_revision_id is not None
    take_action(publisher, "撤销发布", comment="参保缴费标准将调整，先撤下待修订后重新发布。")
    expect(publisher.locator("#doc-status")).to_have_text("已撤回（修订草稿）")
    expect(publisher.locator("#doc-state")).to_have_text("草稿")
    expect(publisher.get_by_role("region", name="办理记录")).to_contain_text("参保缴费标准将调整")
    publisher.screenshot(path=tmp_path / "withdrawn-staff.png", full_page=True)

    # The public no longer sees it, under either title.
    assert anonymous.goto(public_url).status == 404
    anonymous.goto("/xxgk/documents/")
    expect(anonymous.get_by_role("heading", level=1)).to_be_visible()
    expect(anonymous.get_by_text(OLD_TITLE)).to_have_count(0)
    expect(anonymous.get_by_text(NEW_TITLE)).to_have_count(0)

    # The drafter submits the pending revision; four other people take it through.
    drafter.reload()
    take_action(drafter, "提交保密审查")
    expect(drafter.locator("#doc-state")).to_have_text("待保密审查")
    for role, label, state in [(Role.SECRECY_REVIEWER, "保密审查通过", "待审核"),
                               (Role.APPROVER, "审核通过", "待签发"),
                               (Role.SIGNER, "签发", "待发布")]:
        page = login(browser, live_server.url, team[role].username, factories.PASSWORD)
        server_errors(page, errors)
        open_from_inbox(page, NEW_TITLE)
        take_action(page, label, comment=f"{label}，同意。")
        expect(page.locator("#doc-state")).to_have_text(state)
        assert anonymous.goto(public_url).status == 404, f"not public again before publication ({label})"
    publisher.goto("/staff/")
    open_from_inbox(publisher, NEW_TITLE)
    expect(publisher.locator("#doc-status")).to_have_text("已撤回（修订待发布）")
    take_action(publisher, "立即发布")
    expect(publisher.locator("#doc-status")).to_have_text("已发布")

    # Public again, with the new title, in the library and on its page.
    anonymous.goto("/xxgk/documents/")
    anonymous.get_by_role("link", name=NEW_TITLE).click()
    expect(anonymous.get_by_role("heading", level=1)).to_have_text(NEW_TITLE)
    expect(anonymous.get_by_role("table", name="文件信息")).to_contain_text(document.index_no)
    expect(anonymous.get_by_text(OLD_TITLE)).to_have_count(0)
    anonymous.screenshot(path=tmp_path / "republished-public.png", full_page=True)
    assert errors == []


# --- 2. 一事一审 -------------------------------------------------------------------------------------------


def post_action(page, document: Document, action: str, comment: str = ""):
    """Send what a crafted (or stale) form would send to the action URL, with the page's CSRF token; returns
    the response to the POST."""
    with page.expect_response(lambda r: r.request.method == "POST" and "/action/" in r.url) as info:
        page.evaluate("""([url, action, comment]) => {
            const form = document.createElement('form');
            form.method = 'post';
            form.action = url;
            const fields = {csrfmiddlewaretoken: document.querySelector('[name=csrfmiddlewaretoken]').value,
                            action, comment};
            for (const [name, value] of Object.entries(fields)) {
                const input = document.createElement('input');
                input.type = 'hidden'; input.name = name; input.value = value;
                form.append(input);
            }
            document.body.append(form);
            form.submit();
        }""", [f"/staff/documents/{document.pk}/action/", action, comment])
    return info.value


def test_one_person_does_not_draft_and_review_the_same_revision(browser, live_server, staff, tmp_path):
    agency, team = staff
    both = factories.make_staff(agency, Role.DRAFTER, Role.SECRECY_REVIEWER)
    title = "关于调整门诊慢特病待遇标准的通知"

    # They draft in the form and submit it for secrecy review.
    page = login(browser, live_server.url, both.username, factories.PASSWORD)
    errors = server_errors(page)
    page.locator(".staff-bar").get_by_role("link", name="新建信息").click()
    page.get_by_label("标题").fill(title)
    page.get_by_label("主题分类").select_option(label="社会保障")
    page.locator("#id_body").fill("<p>经研究，现将门诊慢特病待遇标准调整如下。</p>")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_role("status")).to_contain_text("已保存草稿")
    take_action(page, "提交保密审查")
    expect(page.locator("#doc-state")).to_have_text("待保密审查")
    document = Document.objects.get(latest_revision__title=title)

    # The secrecy review of what they drafted is not offered to them, although they hold the role.
    actions = page.get_by_role("region", name="可执行的操作")
    expect(actions).to_contain_text("当前状态下没有您可以执行的操作。")
    expect(actions.get_by_role("note")).to_contain_text("一事一审：您已对本文件的这一版本办理过“起草”")
    expect(page.get_by_role("button", name="保密审查通过")).to_have_count(0)
    expect(page.get_by_role("button", name="保密审查退回")).to_have_count(0)
    # A crafted POST is refused with the reason, on the page, and nothing moves.
    page.goto(f"/staff/documents/{document.pk}/")
    response = post_action(page, document, "pass_secrecy_review", "自己审查自己起草的文件")
    assert response.status == 302
    message = page.locator(".messages").get_by_role("alert")
    expect(message).to_contain_text("一事一审")
    expect(message).to_contain_text("“起草”")
    expect(message).to_have_class("msg msg-error")
    expect(page.locator("#doc-state")).to_have_text("待保密审查")
    assert fresh(document).state == State.SECRECY_REVIEW
    page.screenshot(path=tmp_path / "one-person-one-step.png", full_page=True)

    # The real reviewer is offered the step and takes it.
    reviewer = login(browser, live_server.url, team[Role.SECRECY_REVIEWER].username, factories.PASSWORD)
    server_errors(reviewer, errors)
    open_from_inbox(reviewer, title)
    take_action(reviewer, "保密审查通过")
    expect(reviewer.locator("#doc-state")).to_have_text("待审核")
    assert errors == []


def test_a_stale_review_button_is_refused_once_they_drafted_the_new_revision(browser, live_server, staff):
    """They open the page while someone else's revision waits for secrecy review; meanwhile it is sent back,
    they write the next revision themselves and submit it. The old page's button must not review it."""
    agency, team = staff
    both = factories.make_staff(agency, Role.DRAFTER, Role.SECRECY_REVIEWER)
    document = factories.make_document(team, agency, publish=False, title="关于规范定点医药机构管理的通知")
    services.submit_document(team[Role.DRAFTER], document)

    page = login(browser, live_server.url, both.username, factories.PASSWORD)
    errors = server_errors(page)
    page.goto(f"/staff/documents/{document.pk}/")
    stale = page.locator("form.action-form").filter(
        has=page.get_by_role("heading", name="保密审查通过", exact=True))
    expect(stale.get_by_role("button", name="保密审查通过")).to_be_visible()

    # Meanwhile (another reviewer, then this person as drafter, in other windows):
    services.reject_document(team[Role.SECRECY_REVIEWER], document, "请补充政策依据")
    services.save_revision(both, fresh(document), factories.data(title="关于规范定点医药机构管理的通知（修订）"))
    services.submit_document(both, fresh(document))

    stale.get_by_role("button", name="保密审查通过").click()
    message = page.locator(".messages").get_by_role("alert")
    expect(message).to_contain_text("一事一审")
    expect(message).to_contain_text("您已对本文件的这一版本办理过“起草”")
    expect(page.locator("#doc-state")).to_have_text("待保密审查")
    expect(page.get_by_role("button", name="保密审查通过")).to_have_count(0)
    assert fresh(document).state == State.SECRECY_REVIEW
    assert errors == []


# --- 3. A repeal of another agency's document -----------------------------------------------------------------


@pytest.fixture
def two_agencies(government):
    """Agency A (which repeals) and agency B (whose documents are repealed), each with a full team; B has two
    published documents."""
    a = factories.make_agency("11000000KERNEL002X", "内核市人力资源和社会保障局", parent=government)
    b = factories.make_agency("11000000KERNEL003X", "内核市民政局", parent=government)
    team_a, team_b = factories.make_team(a), factories.make_team(b)
    old_rule = factories.make_document(team_b, b, title="内核市城乡居民临时救助暂行办法",
                                       doc_number="内民发〔2019〕7号")
    other_rule = factories.make_document(team_b, b, title="内核市困难群众基本生活保障实施细则",
                                         doc_number="内民发〔2020〕2号")
    return (a, team_a), (b, team_b), old_rule, other_rule


def relation_item(page, source_title: str):
    section = page.get_by_role("region", name="其他文件对本文件的修改、废止或解读")
    return section.get_by_role("listitem").filter(has_text=source_title)


def test_another_agency_repeals_once_this_agency_confirms(browser, live_server, two_agencies, tmp_path):
    (a, team_a), (b, team_b), old_rule, _ = two_agencies
    source_title = "内核市城乡居民临时救助办法"

    # Agency A's drafter declares the repeal in the relations field; A's team takes it to publication.
    drafter = login(browser, live_server.url, team_a[Role.DRAFTER].username, factories.PASSWORD)
    errors = server_errors(drafter)
    drafter.locator(".staff-bar").get_by_role("link", name="新建信息").click()
    drafter.get_by_label("标题").fill(source_title)
    drafter.get_by_label("主题分类").select_option(label="社会福利")
    drafter.locator("#id_body").fill("<p>本办法自发布之日起施行。</p>")
    drafter.get_by_label("关联文件").fill(f"废止 {old_rule.index_no}")
    drafter.get_by_role("button", name="保存草稿").click()
    expect(drafter.get_by_role("status")).to_contain_text("已保存草稿")
    expect(drafter.get_by_role("listitem").filter(has_text=old_rule.index_no)).to_contain_text(f"发布后须经{b.name}确认")
    source = Document.objects.get(latest_revision__title=source_title)
    factories.advance(team_a, source)
    services.publish_document(team_a[Role.PUBLISHER], source)
    relation = Relation.objects.get(revision__document=source)
    assert relation.status == RelationStatus.PENDING
    drafter.reload()
    expect(drafter.get_by_role("listitem").filter(has_text=old_rule.index_no)).to_contain_text("待对方机关确认")

    # Nothing has changed for the public yet.
    anonymous = visitor(browser, live_server.url)
    anonymous.goto(f"/xxgk/documents/{old_rule.pk}/")
    expect(anonymous.get_by_role("row").filter(has_text="有效性")).not_to_contain_text("废止")
    expect(anonymous.get_by_role("note")).to_have_count(0)
    expect(anonymous.get_by_role("link", name=source_title)).to_have_count(0)

    # Agency B's publisher sees the request on the dashboard and confirms it on the document's page.
    publisher = login(browser, live_server.url, team_b[Role.PUBLISHER].username, factories.PASSWORD)
    server_errors(publisher, errors)
    panel = publisher.get_by_role("region", name=re.compile("待本机关确认的文件关系"))
    expect(panel).to_contain_text(f"{a.name}《{source_title}》拟废止本机关的《内核市城乡居民临时救助暂行办法》")
    # The repealing document is one click away, to be read before deciding.
    expect(panel.get_by_role("link", name=source_title)).to_have_attribute("href", f"/xxgk/documents/{source.pk}/")
    publisher.screenshot(path=tmp_path / "relation-dashboard.png", full_page=True)
    panel.get_by_role("link", name="内核市城乡居民临时救助暂行办法").click()
    expect(publisher.get_by_role("heading", level=1)).to_have_text("内核市城乡居民临时救助暂行办法")
    item = relation_item(publisher, source_title)
    expect(item).to_contain_text("拟废止本文件")
    expect(item).to_contain_text("待本机关确认")
    expect(item.get_by_role("link", name=source_title)).to_have_attribute("href", f"/xxgk/documents/{source.pk}/")
    publisher.screenshot(path=tmp_path / "relation-to-confirm.png", full_page=True)
    item.get_by_label("意见").fill("同意废止，原办法同日停止执行。")
    item.get_by_role("button", name="确认", exact=True).click()
    expect(publisher.get_by_role("status")).to_contain_text("已确认")
    item = relation_item(publisher, source_title)
    expect(item).to_contain_text("已生效")
    expect(item).to_contain_text("同意废止，原办法同日停止执行。")
    expect(item.get_by_role("button")).to_have_count(0)
    expect(publisher.get_by_role("region", name="办理记录")).to_contain_text("确认文件关系")
    publisher.goto("/staff/")
    expect(publisher.get_by_role("region", name=re.compile("待本机关确认的文件关系"))).to_have_count(0)

    # The public page of B's document says it was repealed and links to A's document.
    anonymous.goto("/xxgk/documents/")
    listed = anonymous.get_by_role("row").filter(
        has=anonymous.get_by_role("link", name="内核市城乡居民临时救助暂行办法"))
    expect(listed.locator(".badge-repealed")).to_have_text("废止")
    listed.get_by_role("link", name="内核市城乡居民临时救助暂行办法").click()
    expect(anonymous.get_by_role("note")).to_contain_text("废止，仅供查阅")
    expect(anonymous.get_by_role("row").filter(has_text="有效性")).to_contain_text("废止")
    related = anonymous.get_by_role("region", name="相关文件")
    expect(related).to_contain_text("本文件已被废止，废止文件")
    anonymous.screenshot(path=tmp_path / "repealed-public.png", full_page=True)
    related.get_by_role("link", name=source_title).click()
    expect(anonymous.get_by_role("heading", level=1)).to_have_text(source_title)
    expect(anonymous.get_by_role("region", name="相关文件").get_by_role("link", name="内核市城乡居民临时救助暂行办法")
           ).to_be_visible()
    assert fresh(old_rule).validity == Validity.REPEALED
    assert errors == []


def test_declining_another_agencys_repeal_needs_a_reason(browser, live_server, two_agencies, tmp_path):
    (a, team_a), (b, team_b), _, other_rule = two_agencies
    source = factories.make_document(team_a, a, title="内核市就业困难人员认定办法",
                                     relations=[(RelationKind.REPEALS, other_rule.pk)])
    relation = Relation.objects.get(revision=source.live_revision)
    assert relation.status == RelationStatus.PENDING

    publisher = login(browser, live_server.url, team_b[Role.PUBLISHER].username, factories.PASSWORD)
    errors = server_errors(publisher)
    panel = publisher.get_by_role("region", name=re.compile("待本机关确认的文件关系"))
    panel.get_by_role("link", name="内核市困难群众基本生活保障实施细则").click()
    item = relation_item(publisher, "内核市就业困难人员认定办法")
    expect(item).to_contain_text("待本机关确认")

    # Declining without a reason: the Chinese error, and nothing changes.
    item.get_by_role("button", name="不同意").click()
    alert = publisher.locator(".messages").get_by_role("alert")
    expect(alert).to_contain_text("不同意时请写明理由")
    expect(alert).to_have_count(1)
    expect(relation_item(publisher, "内核市就业困难人员认定办法")).to_contain_text("待本机关确认")
    relation.refresh_from_db()
    assert relation.status == RelationStatus.PENDING and fresh(other_rule).validity == Validity.VALID
    publisher.screenshot(path=tmp_path / "decline-without-reason.png", full_page=True)

    # With a reason it is declined; the document stays valid and the public sees no repeal.
    item = relation_item(publisher, "内核市就业困难人员认定办法")
    item.get_by_label("意见").fill("该细则仍在执行，不属于就业困难人员认定范围，不同意废止。")
    item.get_by_role("button", name="不同意").click()
    expect(publisher.get_by_role("status")).to_contain_text("已记录不同意的意见")
    item = relation_item(publisher, "内核市就业困难人员认定办法")
    expect(item).to_contain_text("本机关未同意")
    expect(item).to_contain_text("不同意废止")
    expect(item.get_by_role("button")).to_have_count(0)
    relation.refresh_from_db()
    assert relation.status == RelationStatus.DECLINED and fresh(other_rule).validity == Validity.VALID

    anonymous = visitor(browser, live_server.url)
    anonymous.goto(f"/xxgk/documents/{other_rule.pk}/")
    expect(anonymous.get_by_role("row").filter(has_text="有效性")).not_to_contain_text("废止")
    expect(anonymous.get_by_role("note")).to_have_count(0)
    expect(anonymous.get_by_role("link", name="内核市就业困难人员认定办法")).to_have_count(0)

    # Agency A's publisher reads B's reason on their own document.
    a_publisher = login(browser, live_server.url, team_a[Role.PUBLISHER].username, factories.PASSWORD)
    server_errors(a_publisher, errors)
    a_publisher.goto(f"/staff/documents/{source.pk}/")
    declared = a_publisher.get_by_role("listitem").filter(has_text=other_rule.index_no)
    expect(declared).to_contain_text("对方机关未同意")
    expect(declared).to_contain_text("不同意废止")
    assert errors == []
