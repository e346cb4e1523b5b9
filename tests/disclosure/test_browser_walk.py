"""One disclosure-on-application case walked in headless Chromium by the people involved (issue #10): the
resident applies for e-mail delivery; the officer asks for a correction, receives it, consults a third party,
asks for an extension that the head of the disclosure office approves (一事一审), decides 予以公开 with an
uploaded enclosure and sends the reply by e-mail through the outbox to a real SMTP server; the resident unlocks
the tracking page and downloads the letter and the enclosure."""

from __future__ import annotations

import email
import email.policy
import io
import re
from contextlib import ExitStack

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader, PdfWriter

from gongkai.core.models import OutgoingMail
from gongkai.disclosure.models import Application
from tests import factories
from tests.browser import login, server_errors
from tests.disclosure_factories import RESIDENT_ID, disclosure_team
from tests.smtp import smtp_server

pytestmark = pytest.mark.browser

APPLICANT_EMAIL = "sun.resident@example.com"
ENCLOSURE_NAME = "加装电梯补贴名单.pdf"


def _small_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Title": "加装电梯补贴名单"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def office(transactional_db):
    cache.clear()
    root = factories.make_agency("11000000BROWSER21X", "走查市人民政府", kind="government")
    agency = factories.make_agency("11000000BROWSER22X", "走查市住房和城乡建设局", parent=root)
    return agency, disclosure_team(agency)


@pytest.fixture
def inbox(mail_settings):
    """A real SMTP server on loopback, and the live server's mail settings pointing at it."""
    with ExitStack() as stack:
        yield stack.enter_context(smtp_server(mail_settings))[1]


def _other_action(page, label: str):
    """Open one collapsed action under 其他操作 and return its form."""
    others = page.get_by_role("region", name="其他操作")
    others.get_by_role("heading", name=label, exact=True).click()
    return others.locator("form.action-form").filter(has=page.get_by_role("button", name=label, exact=True))


def _done(page, text: str) -> None:
    expect(page.get_by_role("status")).to_contain_text(text)


def test_one_case_from_application_through_correction_consultation_extension_to_emailed_reply(
        browser, live_server, office, inbox, tmp_path):
    agency, team = office
    enclosure = _small_pdf()
    today = f"{timezone.localdate():%Y-%m-%d}"

    # 1. The resident applies on the public form for delivery by e-mail and keeps the receipt.
    resident = browser.new_context(locale="zh-CN", base_url=live_server.url, accept_downloads=True).new_page()
    errors = server_errors(resident)
    resident.goto("/ysqgk/")
    resident.get_by_label("自然人").check()
    resident.get_by_label("姓名或名称").fill("孙小美")
    resident.get_by_label("身份证明号码").fill(RESIDENT_ID)
    resident.get_by_label("联系电话").fill("13612345678")
    resident.get_by_label("电子邮箱").fill(APPLICANT_EMAIL)
    resident.get_by_label("受理机关").select_option(label=agency.name)
    resident.get_by_label("所需政府信息的描述").fill("申请公开本市老旧小区加装电梯的补贴名单。")
    resident.get_by_label("电子邮件", exact=True).check()
    resident.get_by_role("button", name="提交申请").click()
    expect(resident.get_by_role("heading", level=1)).to_have_text("申请已提交")
    code = resident.locator("#tracking-code").inner_text().strip()
    token = resident.locator("#access-token").inner_text().strip()
    application = Application.objects.get(tracking_code=code)
    assert application.delivery == "email"

    # 2. The officer lands on the case list and opens the case; it leads with 开始办理, 告知补正 beside it.
    officer = login(browser, live_server.url, team["officer"].username, factories.PASSWORD)
    server_errors(officer, errors)
    expect(officer).to_have_url(re.compile(r"/staff/applications/$"))
    officer.get_by_role("link", name=application.case_no).click()
    expect(officer.get_by_role("heading", level=1)).to_have_text(application.case_no)
    next_step = officer.get_by_role("region", name=re.compile("^下一步"))
    expect(next_step.get_by_role("heading", level=2)).to_have_text("下一步：开始办理")
    others = officer.get_by_role("region", name="其他操作")
    expect(others.get_by_role("heading", level=3).first).to_have_text("告知补正")

    # 告知补正 with the items, then the correction arrives: the case is handled again.
    form = _other_action(officer, "告知补正")
    form.get_by_label("需要补正的事项").fill("请写明所需补贴名单的年度和所在街道。")
    form.get_by_role("button", name="告知补正").click()
    _done(officer, "已告知补正")
    expect(officer.locator("#case-state")).to_have_text("待申请人补正")
    # The resident, told by the tracking page what to correct, sends the correction (here: to the officer).
    resident.goto("/ysqgk/track/")
    resident.get_by_label("查询码").fill(code)
    resident.get_by_label("查询密码").fill(token)
    resident.get_by_role("button", name="查询").click()
    expect(resident.locator("#case-status")).to_have_text("待申请人补正")
    expect(resident.get_by_role("region", name="需要补正的事项")).to_contain_text("请写明所需补贴名单的年度和所在街道。")
    expect(next_step.get_by_role("heading", level=2)).to_have_text("下一步：收到补正")
    next_step.get_by_label("说明").fill("申请人补充：2026年度，东城街道。")
    next_step.get_by_role("button", name="收到补正").click()
    _done(officer, "已登记补正")
    expect(officer.locator("#case-state")).to_have_text("办理中")
    expect(next_step.get_by_role("heading", level=2)).to_have_text("下一步：作出答复")

    # 征求意见 of the third party named in the list; the clock pauses until it ends.
    form = _other_action(officer, "征求意见 / 会商")
    form.get_by_label("类型").select_option(label="征求第三方意见")
    form.get_by_label("征求意见对象").fill("东城街道某小区业主委员会")
    form.get_by_label("事由").fill("名单涉及业主个人信息。")
    form.get_by_role("button", name="征求意见 / 会商").click()
    _done(officer, "征求意见 / 会商：已登记")
    expect(officer.get_by_role("region", name="办理状态与答复期限")).to_contain_text("暂停计时中")
    expect(next_step.get_by_role("heading", level=2)).to_have_text("下一步：结束征求意见")
    expect(next_step.get_by_label("征求意见事项")).to_contain_text("东城街道某小区业主委员会")
    next_step.get_by_label("结果").fill("第三方同意公开。")
    next_step.get_by_role("button", name="结束征求意见").click()
    _done(officer, "征求第三方意见已结束")
    expect(officer.get_by_role("region", name="征求意见、会商与暂停计时", exact=True)).to_contain_text("第三方同意公开。")

    # 申请延期: the officer asks, and may not approve it (一事一审); the head of the office does.
    form = _other_action(officer, "申请延期")
    form.get_by_label("延长工作日数").fill("10")
    form.get_by_label("延期理由").fill("需要核对名单中的个人信息。")
    form.get_by_role("button", name="申请延期").click()
    _done(officer, "已提交延期申请")
    expect(officer.get_by_role("region", name="办理状态与答复期限")).to_contain_text("待政府信息公开工作机构负责人审批")
    expect(officer.get_by_role("button", name="批准延期")).to_have_count(0)
    expect(next_step.get_by_role("heading", level=2)).to_have_text("下一步：作出答复")
    due_before = officer.locator("#case-due").inner_text()

    head = login(browser, live_server.url, team["head"].username, factories.PASSWORD)
    server_errors(head, errors)
    expect(head).to_have_url(re.compile(r"/staff/applications/$"))
    head.get_by_role("region", name=re.compile("^待我审批的延期申请")).get_by_role("link", name=application.case_no).click()
    expect(head.get_by_role("heading", level=1)).to_have_text(application.case_no)
    head_next = head.get_by_role("region", name=re.compile("^下一步"))
    expect(head_next.get_by_role("heading", level=2)).to_have_text("下一步：批准延期")
    expect(head_next.get_by_label("延长工作日数")).to_have_value("10")
    head_next.get_by_role("button", name="批准延期").click()
    _done(head, "已批准延期")
    expect(head.get_by_role("region", name="办理状态与答复期限")).to_contain_text("批准延长 10 个工作日")

    # 3. The officer decides 予以公开 with the list as an uploaded enclosure, then sends it by e-mail.
    officer.reload()
    expect(officer.locator("#case-due")).not_to_have_text(due_before)
    expect(next_step.get_by_role("heading", level=2)).to_have_text("下一步：作出答复")
    decide = next_step.locator("#action-decide")
    decide.get_by_label("答复类型").select_option(label="予以公开")
    decide.get_by_label("理由与说明").fill("所申请的补贴名单经征求第三方意见，随本答复书提供。")
    decide.get_by_label("公开的信息：上传文件").set_input_files(
        files=[{"name": ENCLOSURE_NAME, "mimeType": "application/pdf", "buffer": enclosure}])
    decide.get_by_role("button", name="作出答复").click()
    _done(officer, "已作出答复，答复书已生成")
    expect(officer.locator("#case-state")).to_have_text("已作出答复")
    expect(officer.locator("#released-items")).to_contain_text("加装电梯补贴名单")
    expect(next_step.get_by_role("heading", level=2)).to_have_text("下一步：电子邮件送达")
    inbox.messages.clear()  # the receipt and the notices sent so far
    next_step.get_by_role("button", name="电子邮件送达").click()
    _done(officer, "答复书及附件已放入发信队列")
    # The outbox sent it after the commit (the task runs inline in tests); the accepted mail delivered the case.
    expect(officer.locator("#case-state")).to_have_text("已送达")
    expect(officer.get_by_role("region", name="答复", exact=True)).to_contain_text(f"已于 {today} 送达")
    expect(officer.locator("#delivery-records")).to_contain_text(today)
    assert OutgoingMail.objects.get(purpose="disclosure_reply").status == OutgoingMail.Status.SENT

    assert len(inbox.messages) == 1 and inbox.messages[0].rcpt_tos == [APPLICANT_EMAIL]
    mail = email.message_from_bytes(inbox.messages[0].original_content, policy=email.policy.default)
    assert application.case_no in mail["subject"]
    attachments = {part.get_filename(): part.get_content() for part in mail.iter_attachments()}
    letter_name = f"{application.case_no}答复书.pdf"
    assert set(attachments) == {letter_name, f"附件1-{ENCLOSURE_NAME}"}
    assert attachments[f"附件1-{ENCLOSURE_NAME}"] == enclosure
    mailed_letter = attachments[letter_name]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(mailed_letter)).pages).replace("\n", "")
    assert application.case_no in text and "予以公开" in text and "加装电梯补贴名单" in text

    # 4. The resident unlocks the tracking page (a fresh browser), reads the decision and the remedies, downloads
    # both files.
    resident = browser.new_context(locale="zh-CN", base_url=live_server.url, accept_downloads=True).new_page()
    server_errors(resident, errors)
    resident.goto("/ysqgk/track/")
    resident.get_by_label("查询码").fill(code)
    resident.get_by_label("查询密码").fill(token)
    resident.get_by_role("button", name="查询").click()
    expect(resident.locator("#case-status")).to_have_text("已送达")
    expect(resident.locator("#case-decision")).to_contain_text("予以公开")
    expect(resident.get_by_role("region", name="需要补正的事项")).to_have_count(0)
    timeline = resident.get_by_role("region", name="办理过程")
    expect(timeline).to_contain_text("已一次性告知补正")
    expect(timeline).to_contain_text("答复期限延长 10 个工作日")
    expect(resident.locator("#case-remedies")).to_contain_text("行政复议")
    expect(resident.locator("#case-remedies")).to_contain_text("行政诉讼")
    with resident.expect_download() as letter_info:
        resident.get_by_role("link", name="下载答复书（PDF）").click()
    assert letter_info.value.suggested_filename == letter_name
    letter_info.value.save_as(tmp_path / "letter.pdf")
    assert (tmp_path / "letter.pdf").read_bytes() == mailed_letter
    with resident.expect_download() as enclosure_info:
        resident.locator("#released-downloads").get_by_role("link", name="加装电梯补贴名单").click()
    assert enclosure_info.value.suggested_filename == ENCLOSURE_NAME
    enclosure_info.value.save_as(tmp_path / "enclosure.pdf")
    assert (tmp_path / "enclosure.pdf").read_bytes() == enclosure

    application.refresh_from_db()
    assert application.state == "delivered" and f"{application.delivered_on:%Y-%m-%d}" == today
    assert application.extension_days == 10 and application.extension_approved_by == team["head"]
    assert errors == []
