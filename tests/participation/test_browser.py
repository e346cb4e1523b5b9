"""A consultation from opening to published feedback, in headless Chromium at phone width: the office drafts
it (a period too short is refused with its rule, the typed values kept), opens it; a resident comments on a
paragraph; the period runs out and the page takes no more; one member of the office drafts the feedback and
another publishes it; the public reads it. The public pages pass axe-core and nothing scrolls sideways."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from gongkai.participation.models import Comment, Consultation, ConsultationStatus
from tests import factories
from tests.browser import launch_chromium, login, server_errors, sideways_overflow
from tests.disclosure_factories import disclosure_team
from tests.participation.conftest import DRAFT_BODY, end
from tests.portal.test_browser_a11y import DESKTOP, PHONE, _axe_source, _serious_violations

pytestmark = pytest.mark.browser
EXPLANATION = re.compile(r"^起草说明：?$")  # not 起草说明（文件库中的文件）


def test_from_opening_to_published_feedback(transactional_db, live_server):
    from playwright.sync_api import expect

    axe = _axe_source()
    agency = factories.make_agency("11000000PAR000101X", "浏览市城市管理局")
    office = disclosure_team(agency)
    factories.make_document(factories.make_team(agency), agency, title="浏览市养犬管理办法（征求意见稿）",
                            body=DRAFT_BODY, doc_number="")
    today = timezone.localdate()
    with launch_chromium() as browser:
        staff = login(browser, live_server.url, office["officer"].username, factories.PASSWORD, viewport=PHONE,
                      bypass_csp=True)
        errors = server_errors(staff)
        staff.goto("/staff/participation/")
        staff.get_by_role("link", name="新建征求意见").click()
        staff.get_by_label("草案（征求意见稿）").select_option(label="浏览市养犬管理办法（征求意见稿）")
        staff.get_by_label("草案类别").select_option(label="规章草案")
        staff.get_by_label(EXPLANATION).fill("为规范养犬行为，起草本办法。")
        staff.get_by_label("开始日期").fill(f"{today:%Y-%m-%d}")
        staff.get_by_label("截止日期").fill(f"{today + dt.timedelta(days=10):%Y-%m-%d}")
        staff.get_by_role("button", name="保存草稿").click()
        expect(staff.get_by_text("尚不能发布")).to_be_visible()
        assert "一般不少于30日" in staff.content()
        assert staff.get_by_role("button", name="发布征求意见").count() == 0  # offered only once it may open
        staff.get_by_role("link", name="修改", exact=True).click()
        assert staff.get_by_label(EXPLANATION).input_value() == "为规范养犬行为，起草本办法。"
        staff.get_by_label("截止日期").fill(f"{today + dt.timedelta(days=40):%Y-%m-%d}")
        staff.get_by_role("button", name="保存草稿").click()
        staff.get_by_role("button", name="发布征求意见").click()
        expect(staff.get_by_role("status").first).to_contain_text("已发布征求意见")
        assert sideways_overflow(staff) <= 1 and _serious_violations(staff, axe) == []
        consultation = Consultation.objects.get()
        assert consultation.status == ConsultationStatus.OPEN

        context = browser.new_context(locale="zh-CN", base_url=live_server.url, viewport=PHONE, bypass_csp=True)
        public = context.new_page()
        server_errors(public, errors)
        # The 互动交流 landing page and the catalogue of major decisions fit a phone too.
        for path in ("/hdjl/", "/hdjl/zdjcml/"):
            public.goto(path)
            assert sideways_overflow(public) <= 1 and _serious_violations(public, axe) == [], path
        public.goto("/hdjl/")
        public.get_by_role("link", name="正在征集 （1 项）").click()
        expect(public.get_by_role("link", name=consultation.title)).to_be_visible()
        assert sideways_overflow(public) <= 1 and _serious_violations(public, axe) == []
        public.get_by_role("link", name=consultation.title).click()
        public.get_by_role("link", name="对第 2 段提意见").click()
        assert public.get_by_label("针对").input_value() == "2"
        honeypot = public.locator("input[name=website]").bounding_box()
        assert honeypot["x"] + honeypot["width"] < 0, "the honeypot field must stay off-screen"
        public.get_by_label("意见内容").fill("建议把郊区的集镇也纳入适用范围。")
        public.get_by_label("联系方式（可不填）").fill("13900002222")
        assert sideways_overflow(public) <= 1
        assert _serious_violations(public, axe) == []
        public.get_by_role("button", name="提交意见").click()
        expect(public.get_by_role("status").first).to_contain_text("您的意见已提交")
        comment = Comment.objects.get()
        assert (comment.paragraph, comment.contact) == (2, "13900002222")

        # A second tab stays open while the period runs out; its comment is refused and kept on the page.
        stale = context.new_page()
        stale.goto(f"/hdjl/yjzj/{consultation.pk}/")
        stale.get_by_label("意见内容").fill("截止前写好、截止后才提交的意见")
        end(consultation)
        stale.get_by_role("button", name="提交意见").click()
        expect(stale.get_by_role("alert").first).to_contain_text("不再接受意见")
        assert stale.get_by_label("意见内容").input_value() == "截止前写好、截止后才提交的意见"
        assert Comment.objects.count() == 1

        staff.goto(f"/staff/participation/c/{consultation.pk}/")
        assert _serious_violations(staff, axe) == []  # the comment, its personal data and the moderation form
        staff.get_by_role("link", name="填写意见采纳情况").click()
        assert sideways_overflow(staff) <= 1 and _serious_violations(staff, axe) == []
        staff.get_by_label("采纳意见条数").fill("1")
        staff.get_by_label("意见采纳情况说明").fill("共收到意见1条，已采纳，适用范围扩大到各集镇。")
        staff.get_by_role("button", name="保存").click()
        # Whoever drafted the feedback does not publish it: the page says so, and a second member of the office
        # publishes it.
        expect(staff.get_by_text("起草和公布分离")).to_be_visible()
        assert staff.get_by_role("button", name="公布意见采纳情况").count() == 0
        head = login(browser, live_server.url, office["head"].username, factories.PASSWORD, viewport=PHONE,
                     bypass_csp=True)
        server_errors(head, errors)
        head.goto(f"/staff/participation/c/{consultation.pk}/")
        head.get_by_role("button", name="公布意见采纳情况").click()
        expect(head.get_by_role("status").first).to_contain_text("已公布意见采纳情况")

        for viewport in (PHONE, DESKTOP):
            public.set_viewport_size(viewport)
            public.goto(f"/hdjl/yjzj/{consultation.pk}/")
            public.get_by_role("link", name="已公布意见采纳情况").click()
            expect(public.get_by_text("共收到意见1条，已采纳，适用范围扩大到各集镇。")).to_be_visible()
            assert sideways_overflow(public) <= 1
            assert _serious_violations(public, axe) == []
        public.goto(f"/hdjl/yjzj/{consultation.pk}/yj/")
        assert "建议把郊区的集镇也纳入适用范围。" in public.content() and "13900002222" not in public.content()
        assert _serious_violations(public, axe) == []
        assert errors == []
