"""Requests to correct one's own records (《条例》第四十一条): intake by form, API and staff, the four outcomes, the
reply letter, and their absence from the annual report's table 3."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from django.db import connection
from django.urls import reverse

from gongkai.core.errors import DomainError
from gongkai.disclosure import letters, rules, services, stats
from gongkai.disclosure.models import Application, RecordCorrection, RecordCorrectionEvidence
from gongkai.disclosure.rules import RecordCorrectionOutcome, RequestKind
from gongkai.disclosure.states import CASE, State, expected_steps
from tests.disclosure_factories import RESIDENT_ID, applicant, events, make_application

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

D = dt.date.fromisoformat
PDF = b"%PDF-1.4\n% evidence\n"
RECORD = "本局2025年发放的本人养老补贴登记记录"


def correction(**overrides) -> services.RecordCorrectionData:
    values = dict(inaccuracy="出生日期登记为1950年10月1日。", correct_content="出生日期应为1950年1月1日。",
                  evidence=[services.EvidenceFile("户口簿.pdf", PDF)])
    values.update(overrides)
    return services.RecordCorrectionData(**values)


def submit(agency, received_on: dt.date | None = None, **overrides):
    return services.submit_application(
        applicant(agency, request_kind="record_correction", description=RECORD, **overrides),
        received_on=received_on or D("2026-03-02"), correction=correction())


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


# ---------------------------------------------------------------------------------------------------------------
# Intake

def test_a_correction_request_is_stored_encrypted_with_its_evidence_on_the_ordinary_clock(agency):
    application, _ = submit(agency)
    disclosure, _ = make_application(agency, received_on=D("2026-03-02"))
    assert application.request_kind == RequestKind.RECORD_CORRECTION
    # 第四十一条 sets no period: the agency's practice is the ordinary 20 working days.
    assert rules.RECORD_CORRECTION_WORKDAYS == rules.REPLY_WORKDAYS == 20
    assert application.due_on == disclosure.due_on == D("2026-03-30")
    record = RecordCorrection.objects.get(application=application)
    assert record.inaccuracy.startswith("出生日期登记为") and record.correct_content == "出生日期应为1950年1月1日。"
    assert "出生日期" not in raw("disclosure_recordcorrection", "inaccuracy", record.pk)
    assert "出生日期" not in raw("disclosure_recordcorrection", "correct_content", record.pk)
    evidence = RecordCorrectionEvidence.objects.get(application=application)
    assert evidence.file_name == "户口簿.pdf" and evidence.file.read() == PDF
    received = events(application, public=True)[0]
    assert "第四十一条" in received and "20 个工作日" in received and "2026-03-30" in received


def test_a_correction_request_without_what_is_wrong_or_evidence_is_refused_at_each_field(agency):
    with pytest.raises(DomainError) as refused:
        services.submit_application(applicant(agency, request_kind="record_correction", description="记录"),
                                    correction=services.RecordCorrectionData())
    errors = refused.value.errors
    assert set(errors) == {"description", "inaccuracy", "correct_content", "evidence_files"}
    assert "要求更正的政府信息记录" in errors["description"][0]
    assert "第四十一条" in errors["evidence_files"][0]
    assert Application.objects.count() == 0


def test_evidence_whose_content_belies_its_name_is_refused_and_nothing_is_kept(agency, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(DomainError) as refused:
        services.submit_application(
            applicant(agency, request_kind="record_correction", description=RECORD),
            correction=correction(evidence=[services.EvidenceFile("证明.pdf", b"MZ not a pdf")]))
    assert list(refused.value.errors) == ["evidence_files"] and "证明.pdf" in refused.value.message
    assert Application.objects.count() == 0 and not list(tmp_path.rglob("*.pdf"))


def test_an_unknown_request_kind_is_refused(agency):
    with pytest.raises(DomainError) as refused:
        services.submit_application(applicant(agency, request_kind="complaint"))
    assert list(refused.value.errors) == ["request_kind"]


# ---------------------------------------------------------------------------------------------------------------
# Handling and outcomes

def test_only_the_correction_answer_fits_a_correction_request_and_no_correction_notice_or_fee(agency, staff):
    officer = staff["officer"]
    application, _ = submit(agency)
    assert [s.name for s in expected_steps(application, D("2026-03-03"))] == ["accept"]
    assert not CASE.allows(officer, application, "request_correction")  # 补正 (第三十条) is for disclosure
    services.accept_application(officer, application)
    application.refresh_from_db()
    assert [s.name for s in expected_steps(application, D("2026-03-03"))] == ["decide_record_correction"]
    for refused in ("decide", "issue_fee_notice"):
        with pytest.raises(DomainError):
            CASE.check(officer, application, refused)
    disclosure, _ = make_application(agency)
    with pytest.raises(DomainError, match="只有要求更正"):
        services.decide_record_correction(officer, disclosure, "corrected", reason="已更正。")


@pytest.mark.parametrize(("outcome", "given", "field"), [
    ("corrected", {}, "reason"),
    ("forwarded", {}, "competent_agency"),
    ("referred", {"competent_agency": "测试市公安局"}, "competent_contact"),
    ("not_corrected", {}, "reason"),
    ("", {}, "outcome"),
])
def test_each_outcome_needs_what_the_applicant_must_be_told(agency, staff, outcome, given, field):
    application, _ = submit(agency)
    with pytest.raises(DomainError) as refused:
        services.decide_record_correction(staff["officer"], application, outcome, **given)
    assert field in refused.value.errors
    application.refresh_from_db()
    assert application.state == State.RECEIVED and application.decided_on is None


def test_forwarding_names_the_competent_agency_in_the_timeline_and_the_letter(agency, staff):
    application, _ = submit(agency)
    application = services.decide_record_correction(staff["officer"], application, "forwarded",
                                                    competent_agency="测试市公安局", decided_on=D("2026-03-20"))
    assert application.state == State.DECIDED and application.decision == ""
    assert application.record_correction.outcome == RecordCorrectionOutcome.FORWARDED
    assert any("转送有权更正的行政机关处理（测试市公安局）" in m for m in events(application, public=True))
    letter = application.letters.get()
    assert letter.pdf.size > 0 and letter.docx.size > 0
    text = letters.letter_text(application)
    assert text.title == "更正政府信息记录申请答复书"
    body = "".join(text.paragraphs)
    assert "测试市公安局" in body and "第四十一条" in body and RECORD in body
    assert text.paragraphs[-2] == rules.remedies_sentence(letters.review_body(application), "")


@pytest.mark.parametrize(("outcome", "expected"), [
    ("corrected", "本机关已予以更正"),
    ("referred", "请您向有权更正的行政机关测试市民政局提出（联系方式：0000-12345678）"),
    ("not_corrected", "本机关不予更正，理由如下"),
])
def test_the_letter_says_each_outcome_with_its_reasons(agency, staff, outcome, expected):
    application, _ = submit(agency)
    application = services.decide_record_correction(
        staff["officer"], application, outcome, reason="经核对户籍档案，出生日期登记无误。",
        competent_agency="测试市民政局", competent_contact="0000-12345678")
    body = "".join(letters.letter_text(application).paragraphs)
    assert expected in body and "经核对户籍档案" in body
    assert ("测试市民政局" in body) is (outcome == "referred")  # named only where the outcome names it


def test_the_correction_answer_is_delivered_and_filed_like_any_reply(agency, staff):
    officer = staff["officer"]
    application, _ = submit(agency)
    services.decide_record_correction(officer, application, "corrected", reason="已更正出生日期。")
    services.deliver_reply(officer, application, method="当面签收")
    services.close_application(officer, application)
    application.refresh_from_db()
    assert application.state == State.CLOSED and application.delivered_on is not None


def test_the_case_list_and_the_case_page_mark_a_correction_request_and_its_delivery(client, agency, staff):
    officer = staff["officer"]
    application, _ = submit(agency)
    services.decide_record_correction(officer, application, "corrected", reason="已更正出生日期。")
    services.post_reply(officer, application, tracking_number="EA123456789CN")
    client.force_login(officer)
    listing = client.get(reverse("staff-applications")).content.decode()
    assert "更正申请" in listing
    page = client.get(reverse("staff-application", args=[application.pk])).content.decode()
    records = page.split('id="delivery-records"')[1].split("</ul>")[0]
    assert "EA123456789CN" in records and "尚未送达" in records


# ---------------------------------------------------------------------------------------------------------------
# The annual report

def test_table_3_never_counts_correction_requests(agency, staff):
    officer = staff["officer"]
    disclosure, _ = make_application(agency, received_on=D("2026-03-02"))
    services.decide_application(officer, disclosure, "granted", reason="请到本机关查阅。", decided_on=D("2026-03-20"))
    answered, _ = submit(agency)
    services.decide_record_correction(officer, answered, "not_corrected", reason="记录准确。",
                                      decided_on=D("2026-03-20"))
    submit(agency, received_on=D("2026-04-01"))
    figures = stats.annual_figures(Application.objects.all(), 2026)
    rows = {row.key: row.counts["total"] for row in figures["table3"]}
    assert rows["new"] == 1 and rows["granted"] == 1 and rows["results_total"] == 1 and rows["carried_out"] == 0
    assert figures["record_corrections"]["received"] == 2
    assert dict(figures["record_corrections"]["answered"])["经审核记录准确或证据不足，不予更正"] == 1
    topics = stats.requested_topics(Application.objects.all())
    assert "养老补贴" not in dict(topics["words"])


def test_the_report_page_shows_correction_requests_apart_from_table_3(client, agency, staff):
    submit(agency)
    client.force_login(staff["officer"])
    page = client.get(reverse("staff-applications-report"), {"year": 2026}).content.decode()
    section = page.split('id="record-corrections"')[1]
    assert "不计入表三" in section and "收到 1 件" in section


# ---------------------------------------------------------------------------------------------------------------
# The public form, staff registration, the case page and the API

def form_data(agency, /, **overrides) -> dict:
    values = {"applicant_type": "natural_person", "organization_kind": "", "name": "赵六", "id_number": RESIDENT_ID,
              "phone": "13600003333", "email": "zhaoliu@example.com", "address": "", "agency": agency.code,
              "description": RECORD, "delivery": "email", "website": "", "request_kind": "record_correction",
              "inaccuracy": "姓名登记为赵陆。", "correct_content": "姓名应为赵六。"}
    values.update(overrides)
    return values


def upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_the_public_form_takes_a_correction_request_with_evidence(client, agency):
    response = client.post(reverse("ysq-apply"), {**form_data(agency), "evidence_files": upload("户口簿.pdf", PDF)})
    assert response.status_code == 200, response.context["form"].errors
    application = Application.objects.get()
    assert application.is_record_correction and application.record_correction.correct_content == "姓名应为赵六。"
    assert application.evidence.get().file_name == "户口簿.pdf"


def test_the_public_form_says_what_a_correction_request_lacks_beside_each_field(client, agency):
    response = client.post(reverse("ysq-apply"), form_data(agency, inaccuracy="",
                                                            evidence_files=upload("a.pdf", b"not a pdf")))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"inaccuracy", "evidence_files"} and "内容与扩展名不符" in errors["evidence_files"][0]
    assert Application.objects.count() == 0
    page = client.get(reverse("ysq-apply")).content.decode()
    assert 'enctype="multipart/form-data"' in page and "第四十一条" in page


def test_staff_register_a_correction_request_and_see_it_with_its_evidence(client, agency, staff):
    client.force_login(staff["officer"])
    response = client.post(reverse("staff-application-new"), {
        **form_data(agency, evidence_note="申请人当面出示户口簿原件，已复印留存。"), "channel": "in_person",
        "handed_in_on": "2026-04-01"})
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.is_record_correction and application.received_on == D("2026-04-01")
    page = client.get(reverse("staff-application", args=[application.pk])).content.decode()
    assert "姓名登记为赵陆" in page and "户口簿原件" in page and "要求更正与本人相关的政府信息记录" in page


def test_the_case_page_answers_a_correction_request_and_refuses_bad_input_at_the_field(client, agency, staff):
    application, _ = submit(agency)
    services.accept_application(staff["officer"], application)
    client.force_login(staff["officer"])
    page = client.get(reverse("staff-application", args=[application.pk])).content.decode()
    evidence = application.evidence.get()
    assert reverse("staff-application-evidence", args=[application.pk, evidence.pk]) in page
    assert "action/decide_record_correction/" in page and "action/decide/" not in page
    url = reverse("staff-application-action", args=[application.pk, "decide_record_correction"])
    bad = client.post(url, {"decide_record_correction-outcome": "referred",
                            "decide_record_correction-competent_agency": "测试市公安局"})
    assert bad.status_code == 400 and "联系方式" in bad.content.decode()
    done = client.post(url, {"decide_record_correction-outcome": "corrected",
                             "decide_record_correction-reason": "已将姓名更正为赵六。"})
    assert done.status_code == 302
    application.refresh_from_db()
    assert application.state == State.DECIDED and application.letters.exists()
    download = client.get(reverse("staff-application-evidence", args=[application.pk, evidence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_the_tracking_page_and_api_show_the_outcome(client, agency, staff):
    application, token = submit(agency)
    services.decide_record_correction(staff["officer"], application, "referred", competent_agency="测试市公安局",
                                      competent_contact="0000-110")
    client.post(reverse("ysq-track"), {"code": application.tracking_code, "token": token})
    page = client.get(reverse("ysq-case", args=[application.tracking_code])).content.decode()
    assert "告知向有权更正的行政机关提出" in page and "测试市公安局" in page and "行政复议" in page
    status = client.get(f"/api/v1/applications/{application.tracking_code}", HTTP_X_ACCESS_TOKEN=token).json()
    assert status["request_kind"] == "record_correction" and status["record_correction_outcome"] == "referred"
    assert status["decision"] is None and status["competent_agency"] == "测试市公安局"


def api_payload(agency, /, **overrides) -> dict:
    values = {"applicant_type": "natural_person", "name": "李四", "id_number": RESIDENT_ID, "phone": "13900001111",
              "email": "lisi@example.com", "description": RECORD, "delivery": "email", "agency": agency.code,
              "request_kind": "record_correction", "inaccuracy": "住址门牌号登记为1号。", "correct_content": "应为11号。",
              "evidence_files": [{"name": "证明.pdf", "content_base64": base64.b64encode(PDF).decode()}]}
    values.update(overrides)
    return values


def post(client, body):
    return client.post("/api/v1/applications", data=json.dumps(body), content_type="application/json")


def test_the_api_takes_a_correction_request_with_base64_evidence(client, agency):
    response = post(client, api_payload(agency))
    assert response.status_code == 201, response.content
    application = Application.objects.get(tracking_code=response.json()["tracking_code"])
    assert application.is_record_correction and application.evidence.get().file.read() == PDF


@pytest.mark.parametrize(("overrides", "field"), [
    ({"evidence_files": [{"name": "证明.pdf", "content_base64": "不是base64!"}]}, "evidence_files"),
    ({"evidence_files": [], "evidence_note": ""}, "evidence_files"),
    ({"correct_content": ""}, "correct_content"),
    ({"request_kind": "complaint"}, "request_kind"),
])
def test_the_api_refuses_a_bad_correction_request_with_a_chinese_message_at_the_field(client, agency, overrides,
                                                                                      field):
    response = post(client, api_payload(agency, **overrides))
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"] and Application.objects.count() == 0
