"""A message from submission to a public reply and a rating, in headless Chromium at phone width (390 px): a
resident writes (a mistake is answered at its field, the typed text kept), keeps the query code and token from
the acknowledgement; the office answers and publishes the reply; the resident looks the message up with code and
token and rates the reply; the public reply shows without the writer's name or phone. Nothing scrolls sideways
and the public pages pass axe-core."""

from __future__ import annotations

import re

import pytest

from gongkai.participation.models import Message, MessageStatus
from tests import factories
from tests.browser import launch_chromium, login, server_errors, sideways_overflow
from tests.disclosure_factories import disclosure_team
from tests.portal.test_browser_a11y import _axe_source, _serious_violations

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def test_from_submission_to_a_public_reply_and_a_rating(transactional_db, live_server):
    from playwright.sync_api import expect

    axe = _axe_source()
    government = factories.make_agency("11000000PAR000201X", "浏览市人民政府", kind="government")
    agency = factories.make_agency("11000000PAR000202X", "浏览市市政管理局", parent=government)
    office = disclosure_team(agency)
    with launch_chromium() as browser:
        context = browser.new_context(locale="zh-CN", base_url=live_server.url, viewport=PHONE, bypass_csp=True)
        public = context.new_page()
        errors = server_errors(public)
        public.goto("/hdjl/xx/")
        assert sideways_overflow(public) <= 1 and _serious_violations(public, axe) == []
        public.get_by_label("留言类别").select_option(label="政府信箱")
        public.get_by_label("写信对象").select_option(label="浏览市市政管理局")
        public.get_by_label(re.compile(r"^标题：?$")).fill("人行道井盖松动")
        public.get_by_label("留言内容").fill("幸福路12号门前人行道的井盖松动，行人容易绊倒，请尽快修理。")
        public.get_by_label(re.compile(r"^姓名：?$")).fill("陈女士")
        public.get_by_label("同意公开答复（公开时不显示姓名和联系方式）").check()
        public.get_by_role("button", name="提交留言").click()
        # No phone or e-mail: refused at the field, everything typed still there.
        expect(public.get_by_role("alert").first).to_contain_text("请至少填写联系电话或电子邮箱")
        assert public.get_by_label("留言内容").input_value().startswith("幸福路12号")
        assert public.get_by_label(re.compile(r"^姓名：?$")).input_value() == "陈女士"
        assert not Message.objects.exists()
        public.get_by_label("联系电话").fill("13600007777")
        public.get_by_role("button", name="提交留言").click()
        expect(public.get_by_role("heading", name="留言已提交")).to_be_visible()
        code = public.locator("#message-code").inner_text()
        token = public.locator("#access-token").inner_text()
        assert sideways_overflow(public) <= 1 and _serious_violations(public, axe) == []
        message = Message.objects.get(code=code)

        staff = login(browser, live_server.url, office["officer"].username, factories.PASSWORD, viewport=PHONE,
                      bypass_csp=True)
        server_errors(staff, errors)
        staff.goto("/staff/participation/messages/")
        staff.get_by_role("link", name="人行道井盖松动").click()
        expect(staff.get_by_text("13600007777")).to_be_visible()  # the office sees the writer's phone
        assert sideways_overflow(staff) <= 1
        staff.get_by_label("答复内容").fill("您好，已安排维修人员于今日更换井盖。感谢您的反映。")
        staff.get_by_role("button", name="发送答复").click()
        expect(staff.get_by_role("status").first).to_contain_text("已答复")
        staff.get_by_role("button", name="公开答复").click()
        expect(staff.get_by_role("status").first).to_contain_text("已公开答复")
        assert Message.objects.get(pk=message.pk).reply_public

        reader = context.new_page()
        server_errors(reader, errors)
        reader.goto("/hdjl/xx/cx/")
        reader.get_by_label("查询码").fill(code.lower().replace("-", ""))
        reader.get_by_label("查询密码").fill(token)
        reader.get_by_role("button", name="查询").click()
        expect(reader.locator("#message-reply")).to_contain_text("已安排维修人员于今日更换井盖")
        assert sideways_overflow(reader) <= 1 and _serious_violations(reader, axe) == []
        reader.get_by_role("radio", name="满意", exact=True).check()
        reader.get_by_label("评价意见（可不填）").fill("处理很及时。")
        reader.get_by_role("button", name="提交评价").click()
        expect(reader.get_by_role("status").first).to_contain_text("感谢您的评价")
        expect(reader.locator("#message-rating")).to_contain_text("满意")
        rated = Message.objects.get(pk=message.pk)
        assert (rated.status, rated.rating, rated.rating_comment) == (MessageStatus.REPLIED, "satisfied", "处理很及时。")

        reader.goto("/hdjl/xx/hf/")
        reader.get_by_role("link", name="人行道井盖松动").click()
        expect(reader.get_by_text("已安排维修人员于今日更换井盖")).to_be_visible()
        content = reader.content()
        assert "陈女士" not in content and "13600007777" not in content
        assert sideways_overflow(reader) <= 1 and _serious_violations(reader, axe) == []
        assert errors == []
