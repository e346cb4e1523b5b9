"""Applicants' personal data: never public, masked in lists, exports, logs and history, every full view audited."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest
from django.urls import reverse

from gongkai.core.models import AuditEntry
from gongkai.disclosure import privacy, services
from gongkai.disclosure.models import CaseEvent
from gongkai.disclosure.rules import FeeBasis, PauseKind
from tests.disclosure_factories import disclosure_team, make_application, resident_id

D = dt.date.fromisoformat
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

NAME, PHONE, EMAIL, ADDRESS = "司马光明", "13987654321", "sima@example.org", "示例市西城区砸缸巷88号"
ID = resident_id(42)


def test_masks():
    assert privacy.mask_name("张三") == "张*"
    assert privacy.mask_name("欧阳修远") == "欧***"
    assert privacy.mask_name("示例科技有限公司", organization=True) == "示例****公司"
    assert privacy.mask_phone("13812345678") == "1381234****"
    assert privacy.mask_id("110105194912310021") == "110***********0021"
    assert privacy.mask_email("zhangsan@example.com") == "z***@example.com"
    assert privacy.mask_address("示例市东城区和平路1号") == "示例市东城区****"
    assert privacy.mask_name("") == "" and privacy.mask_phone("") == ""


def test_codes_and_tokens():
    code, token = privacy.new_tracking_code(), privacy.new_access_token()
    assert code.startswith("YSQ-") and len(code) == 13
    assert privacy.format_tracking_code(code.replace("-", "").lower()) == code
    stored = privacy.hash_token(token)
    assert token not in stored
    assert privacy.token_matches(token.lower().replace("-", " "), stored)
    assert not privacy.token_matches("", stored) and not privacy.token_matches("WRONG", stored)


def test_nothing_personal_leaves_through_public_channels_or_history(client, agency, caplog):
    caplog.set_level(logging.DEBUG)
    staff = disclosure_team(agency)
    officer, head = staff["officer"], staff["head"]
    application, token = make_application(agency, received_on=D("2026-03-02"), name=NAME, phone=PHONE,
                                          email=EMAIL, address=ADDRESS, id_number=ID, delivery="post")
    # Walk the case through every kind of step.
    services.request_correction(officer, application, "请写明项目名称。", requested_on=D("2026-03-03"))
    services.receive_correction(officer, application, corrected_on=D("2026-03-04"))
    pause = services.start_consultation(officer, application, PauseKind.THIRD_PARTY, party="第三方公司",
                                        started_on=D("2026-03-05"))
    services.end_consultation(officer, pause, ended_on=D("2026-03-06"))
    services.approve_extension(head, application, days=5, reason="需要协调。", approved_on=D("2026-03-09"))
    notice = services.issue_fee_notice(officer, application, FeeBasis.PER_PAGE, pages=40, issued_on=D("2026-03-10"))
    services.record_payment(officer, notice, paid_on=D("2026-03-11"))
    services.decide_application(officer, application, "partially_granted", reason="部分内容涉及商业秘密。",
                                decided_on=D("2026-03-20"))
    services.deliver_reply(officer, application, delivered_on=D("2026-03-21"), method="EMS")
    services.view_applicant(officer, application)

    secrets = (NAME, PHONE, EMAIL, ADDRESS, ID)
    api = client.get(f"/api/v1/applications/{application.tracking_code}", HTTP_X_ACCESS_TOKEN=token)
    assert api.status_code == 200
    tracked = client.post(reverse("ysq-track"), {"code": application.tracking_code, "token": token}, follow=True)
    assert tracked.status_code == 200
    public_text = api.content.decode() + tracked.content.decode()
    public_text += json.dumps(list(CaseEvent.objects.filter(public=True).values_list("message", flat=True)),
                              ensure_ascii=False)
    for secret in secrets:
        assert secret not in public_text
    assert "第三方公司" not in public_text  # consultation parties stay internal
    # The case history and the audit log carry no personal data either.
    history = json.dumps([(e.message, e.data) for e in CaseEvent.objects.all()], ensure_ascii=False)
    audit_text = json.dumps([(e.comment, e.data) for e in AuditEntry.objects.all()], ensure_ascii=False)
    logs = "\n".join(r.getMessage() for r in caplog.records)
    for secret in secrets:
        assert secret not in history and secret not in audit_text and secret not in logs


def test_every_full_view_is_audited_and_only_for_the_handling_agency(client, agency):
    staff = disclosure_team(agency)
    application, _ = make_application(agency, received_on=D("2026-03-02"), name=NAME)
    client.force_login(staff["officer"])
    for _ in range(2):
        client.post(reverse("staff-application-applicant", args=[application.pk]))
    entries = AuditEntry.objects.filter(action="view_applicant", object_id=str(application.pk))
    assert entries.count() == 2 and {e.actor for e in entries} == {staff["officer"]}


def test_tracking_page_shows_no_other_applicants_data(client, agency):
    mine, token = make_application(agency, received_on=D("2026-03-02"), name="甲申请人")
    make_application(agency, received_on=D("2026-03-02"), name=NAME, phone=PHONE, id_number=ID)
    page = client.post(reverse("ysq-track"), {"code": mine.tracking_code, "token": token}, follow=True)
    text = page.content.decode()
    assert mine.tracking_code in text and NAME not in text and PHONE not in text and "甲申请人" not in text
