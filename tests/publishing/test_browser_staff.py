"""The whole publish flow clicked through in headless Chromium, from drafting to the public page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from gongkai.orgs.roles import Role
from gongkai.publishing.models import Document
from tests import factories
from tests.browser import login, take_action
from tests.samples import docx_bytes, minimal_pdf

pytestmark = pytest.mark.browser

TITLE = "关于开展2026年冬季安全生产大检查的通知"


@pytest.fixture
def staff(transactional_db):
    """An agency with one user per workflow role."""
    root = factories.make_agency("11000000BROWSER01X", "浏览器市人民政府", kind="government")
    agency = factories.make_agency("11000000BROWSER02X", "浏览器市应急管理局", parent=root)
    return agency, factories.make_team(agency)


def test_publish_flow_through_the_browser(browser, live_server, staff, tmp_path):
    agency, team = staff

    # 1. The drafter logs in and fills the form.
    page = login(browser, live_server.url, team[Role.DRAFTER].username, factories.PASSWORD)
    page.get_by_role("link", name="新建政府信息").click()
    page.get_by_label("公开主体").select_option(label=agency.name)
    page.get_by_label("标题").fill(TITLE)
    page.get_by_label("发文字号").fill("浏应急〔2026〕12号")
    page.get_by_label("公文种类").select_option("通知")
    page.get_by_label("主题分类").select_option(label="安全生产监管")
    page.get_by_label("成文日期").fill("2026-11-18")
    page.get_by_label("形成或变更日期").fill("2026-11-19")
    page.get_by_label("发文机关", exact=False).first.select_option(label=agency.name)
    page.locator("#id_body").fill("<p>各镇（街道）、各有关单位：</p><p>为切实做好冬季安全生产工作，现开展大检查。</p>")
    page.get_by_label("政策标签").fill("安全生产、冬季")
    page.get_by_label("上传附件").set_input_files([
        {"name": "检查表.docx", "mimeType": "application/octet-stream", "buffer": docx_bytes("冬季安全生产检查表")},
        {"name": "notice.pdf", "mimeType": "application/pdf", "buffer": minimal_pdf("Winter safety check")},
    ])
    page.get_by_label("修改说明").fill("初稿")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_role("status")).to_contain_text("已保存草稿")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("冬季安全生产检查表", exact=True)).to_be_attached()  # extracted from the DOCX
    document_url = page.url
    document = Document.objects.get(latest_revision__title=TITLE)

    # Nobody outside sees a draft.
    anonymous = browser.new_context(locale="zh-CN", base_url=live_server.url).new_page()
    response = anonymous.goto(f"/xxgk/documents/{document.pk}/")
    assert response.status == 404
    anonymous.goto("/xxgk/documents/")
    expect(anonymous.get_by_text(TITLE)).to_have_count(0)
    take_action(page, "提交保密审查")
    expect(page.locator("#doc-state")).to_have_text("待保密审查")

    # 2. Review, approval, sign-off and publication, each by the person holding that role.
    for role, label, state in [(Role.SECRECY_REVIEWER, "保密审查通过", "待审核"),
                               (Role.APPROVER, "审核通过", "待签发"),
                               (Role.SIGNER, "签发", "待发布")]:
        page = login(browser, live_server.url, team[role].username, factories.PASSWORD)
        page.get_by_role("region", name=re.compile("待我处理")).get_by_role("link", name=TITLE).click()
        take_action(page, label, comment=f"{label}，同意。")
        expect(page.locator("#doc-state")).to_have_text(state)
        # Still not public while it waits for the publisher.
        assert anonymous.goto(f"/xxgk/documents/{document.pk}/").status == 404

    page = login(browser, live_server.url, team[Role.PUBLISHER].username, factories.PASSWORD)
    page.goto(document_url)
    take_action(page, "立即发布")
    expect(page.locator("#doc-state")).to_have_text("已发布")
    expect(page.get_by_role("region", name="办理记录")).to_contain_text("保密审查通过，同意。")

    # 3. A fresh anonymous visitor finds it in the library and opens it.
    visitor = browser.new_context(locale="zh-CN", base_url=live_server.url).new_page()
    visitor.goto("/xxgk/documents/")
    visitor.get_by_role("link", name=TITLE).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
    table = visitor.get_by_role("table", name="文件信息")
    expect(table).to_contain_text(document.index_no)
    expect(table).to_contain_text("浏应急〔2026〕12号")
    expect(table).to_contain_text("安全生产监管")
    expect(table).to_contain_text("2026年11月18日")
    attachments = visitor.get_by_role("region", name="附件")
    expect(attachments.get_by_role("link", name="检查表.docx")).to_be_visible()
    expect(attachments.get_by_role("link", name="notice.pdf")).to_be_visible()
    visitor.screenshot(path=tmp_path / "published.png", full_page=True)
    print(f"screenshot: {tmp_path / 'published.png'}")
