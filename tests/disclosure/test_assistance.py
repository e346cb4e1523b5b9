"""Help for applicants with reading difficulties or a sight or hearing impairment (《条例》第四十三条): recorded on
the case, shown to the handling staff, and kept out of every public event, export and audit entry."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.urls import reverse

from gongkai.core.errors import DomainError
from gongkai.core.models import AuditEntry
from gongkai.disclosure import services
from gongkai.disclosure.models import Application, Assistance, CaseEvent
from tests.disclosure_factories import RESIDENT_ID, applicant, make_application

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

HEALTH = ("视力障碍", "sight", "听力障碍", "hearing", "阅读困难", "低视力")


def with_help(agency, needs=("sight",), detail="低视力，需要大字版", help_given=()):
    return services.submit_application(applicant(agency), assistance=services.AssistanceData(
        needs=list(needs), detail=detail, help_given=list(help_given)))


def no_health_data(text: str) -> bool:
    return not any(word in text for word in HEALTH)


def test_the_need_is_stored_encrypted_and_no_public_event_says_it(agency):
    application, _ = with_help(agency)
    record = Assistance.objects.get(application=application)
    assert record.need_codes == ["sight"] and record.needs_text == "视力障碍" and record.detail == "低视力，需要大字版"
    with connection.cursor() as cursor:
        cursor.execute("SELECT needs, detail FROM disclosure_assistance WHERE id = %s", [record.pk])
        assert all(no_health_data(value) for value in cursor.fetchone())
    public = CaseEvent.objects.filter(application=application, public=True).values_list("message", flat=True)
    assert public and all(no_health_data(m) for m in public)
    assert CaseEvent.objects.filter(application=application, public=False, kind="assistance").exists()


def test_staff_record_the_need_and_the_help_given_and_the_audit_log_keeps_no_health_data(agency, staff):
    application, _ = make_application(agency)
    record = services.record_assistance(staff["officer"], application, services.AssistanceData(
        needs=["hearing"], detail="听力障碍，需手语翻译", help_given=["sign_language"], help_note="已安排手语翻译。"))
    assert record.help_text == "手语翻译" and record.needs_text == "听力障碍"
    entry = AuditEntry.objects.filter(action="record_assistance").get()
    assert no_health_data(json.dumps([entry.comment, entry.data], ensure_ascii=False))
    assert all(no_health_data(m) for m in CaseEvent.objects.filter(application=application)
               .values_list("message", flat=True))


@pytest.mark.parametrize(("data", "field"), [
    (services.AssistanceData(), "assistance_needs"),
    (services.AssistanceData(needs=["telepathy"]), "assistance_needs"),
    (services.AssistanceData(needs=["sight"], help_given=["magic"]), "assistance_help"),
    (services.AssistanceData(needs=["other"], detail="长" * 501), "assistance_detail"),
])
def test_bad_assistance_is_refused_at_its_field(agency, staff, data, field):
    application, _ = make_application(agency)
    with pytest.raises(DomainError) as refused:
        services.record_assistance(staff["officer"], application, data)
    assert field in refused.value.errors and not Assistance.objects.exists()


def test_the_staff_case_page_shows_the_need_prominently_and_the_export_does_not(client, agency, staff):
    application, _ = with_help(agency)
    client.force_login(staff["officer"])
    page = client.get(reverse("staff-application", args=[application.pk])).content.decode()
    box = page.split('id="case-assistance"')[1].split("</section>")[0]
    assert "视力障碍" in box and "低视力，需要大字版" in box and "尚未登记" in box
    assert page.index('id="case-assistance"') < page.index('id="clock-h"')  # above the clock: seen first
    export = client.get(reverse("staff-applications"), {"format": "csv"}).content.decode("utf-8-sig")
    assert application.case_no in export and no_health_data(export) and "便利" not in export


def test_the_case_action_records_the_help_given_and_refuses_bad_input_at_the_field(client, agency, staff):
    application, _ = with_help(agency)
    client.force_login(staff["officer"])
    page = client.get(reverse("staff-application", args=[application.pk])).content.decode()
    assert "action/record_assistance/" in page and "登记便利需求" in page
    url = reverse("staff-application-action", args=[application.pk, "record_assistance"])
    bad = client.post(url, {"record_assistance-assistance_help": "magic"})
    assert bad.status_code == 400 and "record_assistance-assistance_help" in bad.content.decode()
    done = client.post(url, {"record_assistance-assistance_needs": ["sight"],
                             "record_assistance-assistance_help": ["large_print", "read_aloud"]})
    assert done.status_code == 302
    assert Assistance.objects.get(application=application).help_codes == ["read_aloud", "large_print"]


def test_the_applicant_sees_the_help_arranged_never_the_need(client, agency, staff):
    application, token = with_help(agency)
    client.post(reverse("ysq-track"), {"code": application.tracking_code, "token": token})
    url = reverse("ysq-case", args=[application.tracking_code])
    assert 'id="case-assistance"' not in client.get(url).content.decode()  # nothing arranged yet
    services.record_assistance(staff["officer"], application, services.AssistanceData(
        needs=["sight"], detail="低视力，需要大字版", help_given=["large_print"]))
    page = client.get(url).content.decode()
    assert "已为您安排：提供大字版答复书。" in page and no_health_data(page)
    status = client.get(f"/api/v1/applications/{application.tracking_code}", HTTP_X_ACCESS_TOKEN=token).json()
    assert status["assistance"] == "已为您安排：提供大字版答复书。"
    assert no_health_data(json.dumps(status, ensure_ascii=False))


def test_the_public_form_lets_the_applicant_tick_the_help_they_need(client, agency):
    response = client.post(reverse("ysq-apply"), {
        "applicant_type": "natural_person", "name": "赵六", "id_number": RESIDENT_ID, "phone": "13600003333",
        "email": "zhaoliu@example.com", "agency": agency.code, "description": "申请公开本局2026年政府采购项目清单。",
        "delivery": "email", "assistance_needs": ["reading", "hearing"], "assistance_detail": "请用短信联系"})
    assert response.status_code == 200, response.context["form"].errors
    record = Assistance.objects.get()
    assert record.need_codes == ["reading", "hearing"] and record.detail == "请用短信联系"
    assert no_health_data(response.content.decode())  # the receipt repeats nothing of it


def test_staff_register_the_need_and_the_help_already_given_at_the_counter(client, agency, staff):
    client.force_login(staff["officer"])
    response = client.post(reverse("staff-application-new"), {
        "applicant_type": "natural_person", "name": "赵六", "id_number": RESIDENT_ID, "phone": "13600003333",
        "email": "zhaoliu@example.com", "agency": agency.code, "description": "申请公开本局2026年政府采购项目清单。",
        "delivery": "email", "channel": "in_person", "handed_in_on": "2026-04-01",
        "assistance_needs": ["sight"], "assistance_help": ["form_filling", "read_aloud"],
        "assistance_note": "已当面朗读并协助填写申请表。"})
    assert response.status_code == 302
    record = Application.objects.get().assistance
    assert record.help_text == "朗读申请材料和答复内容、协助填写申请" and record.help_note.startswith("已当面朗读")


def test_the_api_takes_the_need_and_refuses_an_unknown_one(client, agency):
    body = {"applicant_type": "natural_person", "name": "李四", "id_number": RESIDENT_ID, "phone": "13900001111",
            "email": "lisi@example.com", "description": "申请公开本局2025年部门预算的编制说明。", "delivery": "email",
            "agency": agency.code, "assistance_needs": ["hearing"], "assistance_detail": "请书面联系"}
    created = client.post("/api/v1/applications", data=json.dumps(body), content_type="application/json")
    assert created.status_code == 201, created.content
    assert Assistance.objects.get().need_codes == ["hearing"]
    refused = client.post("/api/v1/applications", data=json.dumps({**body, "assistance_needs": ["x"]}),
                          content_type="application/json")
    assert refused.status_code == 400 and "assistance_needs" in refused.json()["errors"]
