"""An application clicked through in headless Chromium: the public form, the staff decision, the reply letter,
and the applicant seeing the decision on the tracking page."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from gongkai.disclosure.models import Application
from tests import factories
from tests.browser import login, server_errors, sideways_overflow
from tests.disclosure_factories import RESIDENT_ID, disclosure_team, make_application

pytestmark = pytest.mark.browser

REQUEST = "申请公开2026年东城街道老旧小区加装电梯项目的补贴标准和补贴名单。"


@pytest.fixture
def office(transactional_db):
    cache.clear()
    root = factories.make_agency("11000000BROWSER11X", "浏览器市人民政府", kind="government")
    agency = factories.make_agency("11000000BROWSER12X", "浏览器市住房和城乡建设局", parent=root)
    return agency, disclosure_team(agency)


def test_application_from_public_form_to_reply_letter(browser, live_server, office, tmp_path):
    agency, team = office

    # 1. A citizen applies online.
    citizen = browser.new_context(locale="zh-CN", base_url=live_server.url).new_page()
    citizen.goto("/")
    citizen.get_by_role("navigation", name="主导航").get_by_role("link", name="依申请公开").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("政府信息依申请公开")
    citizen.get_by_label("自然人").check()
    citizen.get_by_label("姓名或名称").fill("钱多多")
    citizen.get_by_label("身份证明号码").fill(RESIDENT_ID)
    citizen.get_by_label("联系电话").fill("13512345678")
    # A mistake first: electronic delivery without an e-mail address is refused beside the field.
    citizen.get_by_label("受理机关").select_option(label=agency.name)
    citizen.get_by_label("所需政府信息的描述").fill(REQUEST)
    citizen.get_by_label("电子邮件", exact=True).check()
    citizen.get_by_role("button", name="提交申请").click()
    expect(citizen.get_by_role("alert")).to_contain_text("选择通过电子邮件获取信息时，请填写电子邮箱。")
    assert Application.objects.count() == 0
    citizen.get_by_label("电子邮箱").fill("qian@example.com")
    citizen.get_by_role("button", name="提交申请").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("申请已提交")
    code = citizen.locator("#tracking-code").inner_text().strip()
    token = citizen.locator("#access-token").inner_text().strip()
    application = Application.objects.get(tracking_code=code)
    expect(citizen.locator("#due-on")).to_contain_text(f"{application.due_on.year}年")

    # 2. The disclosure officer finds it and decides.
    # The officer lands on the case list, and the case page leads: 开始办理, then 作出答复.
    page = login(browser, live_server.url, team["officer"].username, factories.PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("依申请公开案件")
    page.get_by_role("link", name=application.case_no).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(application.case_no)
    clock = page.get_by_role("region", name="办理状态与答复期限")
    expect(clock).to_contain_text("还剩")
    clock.get_by_text("答复期限的计算过程").click()
    expect(clock.get_by_role("list", name="计算过程")).to_contain_text("第 20 个工作日")
    expect(page.get_by_text("钱多多")).to_have_count(0)  # masked until asked for
    next_step = page.get_by_role("region", name=re.compile("^下一步"))
    expect(next_step.get_by_role("heading", level=2)).to_have_text("下一步：开始办理")
    expect(page.locator("#action-decide")).to_be_hidden()  # among the other actions, collapsed
    next_step.get_by_role("button", name="开始办理").click()
    expect(page.locator("#case-state")).to_have_text("办理中")
    expect(next_step.get_by_role("heading", level=2)).to_have_text("下一步：作出答复")
    decide = next_step.locator("#action-decide")
    decide.get_by_label("答复类型").select_option(label="予以公开")
    decide.get_by_label("理由与说明").fill("所申请的补贴标准和名单已整理，随本答复书一并提供。")
    decide.get_by_role("button", name="作出答复").click()
    expect(page.get_by_role("status")).to_contain_text("已作出答复，答复书已生成")
    expect(page.locator("#case-state")).to_have_text("已作出答复")

    # 3. The reply letter downloads as PDF with the decision and the remedies.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载 PDF").click()
    path = tmp_path / "reply.pdf"
    download_info.value.save_as(path)
    text = "".join(p.extract_text() for p in PdfReader(path).pages).replace("\n", "")
    assert "政府信息公开申请答复书" in text and application.case_no in text
    assert "决定予以公开" in text and "行政复议" in text and "行政诉讼" in text
    expect(next_step.get_by_role("heading", level=2)).to_have_text("下一步：登记送达")
    next_step.get_by_role("button", name="登记送达").click()
    expect(page.locator("#case-state")).to_have_text("已送达")

    # 4. The applicant, in a fresh browser, follows the case with code and token.
    fresh = browser.new_context(locale="zh-CN", base_url=live_server.url).new_page()
    fresh.goto("/ysqgk/track/")
    fresh.get_by_label("查询码").fill(code.lower().replace("-", ""))
    fresh.get_by_label("查询密码").fill("WRONG-TOKEN")
    fresh.get_by_role("button", name="查询").click()
    expect(fresh.get_by_role("alert")).to_contain_text("查询码或查询密码不正确")
    fresh.get_by_label("查询密码").fill(token)
    fresh.get_by_role("button", name="查询").click()
    expect(fresh.locator("#case-status")).to_have_text("已送达")
    expect(fresh.locator("#case-decision")).to_contain_text("予以公开")
    expect(fresh.get_by_role("region", name="办理过程")).to_contain_text("作出答复")
    expect(fresh.get_by_text("钱多多")).to_have_count(0)
    with fresh.expect_download() as letter_info:
        fresh.get_by_role("link", name=re.compile("下载答复书")).click()
    assert letter_info.value.suggested_filename.endswith(".pdf")
    fresh.screenshot(path=tmp_path / "tracking.png", full_page=True)


@pytest.mark.parametrize("script", [True, False], ids=["with-script", "without-script"])
def test_a_refused_action_on_a_phone_puts_focus_on_the_invalid_field(browser, live_server, office, tmp_path, script):
    agency, team = office
    application, _ = make_application(agency, received_on=timezone.localdate())
    phone = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True,
             "java_script_enabled": script}
    page = login(browser, live_server.url, team["officer"].username, factories.PASSWORD, **phone)
    errors = server_errors(page)
    page.goto(f"/staff/applications/{application.pk}/")
    assert sideways_overflow(page) == 0
    # 告知补正 waits among the other actions, collapsed under its name; opened and sent empty, it is refused.
    others = page.get_by_role("region", name="其他操作")
    others.get_by_role("heading", name="告知补正").click()
    form = page.locator("#action-request_correction")
    form.get_by_role("button", name="告知补正").click()
    expect(page.get_by_role("alert")).to_contain_text("“告知补正”未完成")
    field = page.get_by_label("需要补正的事项")
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#more-request_correction")).to_have_attribute("open", "")
    expect(form.locator(".field-error")).to_contain_text("请填写需要补正的事项")
    assert field.evaluate("el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }")
    assert sideways_overflow(page) == 0
    page.screenshot(path=tmp_path / "refused.png", full_page=True)
    if script:  # the summary's link leads back to the field after focus has gone elsewhere
        page.get_by_role("heading", level=1).click()
        page.get_by_role("alert").get_by_role("link", name="需要补正的事项").click()
        expect(field).to_be_focused()
    application.refresh_from_db()
    assert application.state == "received" and not application.correction_items
    assert errors == []
