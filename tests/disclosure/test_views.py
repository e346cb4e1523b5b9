"""Public and staff pages of disclosure on application through Django's test client."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.test import override_settings
from django.urls import reverse

from gongkai.core.models import AuditEntry
from gongkai.disclosure import privacy, services
from gongkai.disclosure.models import Application
from gongkai.disclosure.rules import PauseKind
from gongkai.disclosure.states import State
from gongkai.orgs.roles import Role
from tests import factories
from tests.disclosure_factories import RESIDENT_ID, disclosure_team, make_application

D = dt.date.fromisoformat
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


@pytest.fixture
def staff(agency):
    return disclosure_team(agency)


@pytest.fixture
def officer_client(client, staff):
    client.force_login(staff["officer"])
    return client


def text_of(response) -> str:
    """The page as text: tags removed, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def form_data(agency, /, **overrides) -> dict:
    values = {"applicant_type": "natural_person", "organization_kind": "", "name": "赵六", "id_number": RESIDENT_ID,
              "phone": "13600003333", "email": "zhaoliu@example.com", "address": "", "agency": agency.code,
              "description": "申请公开本局2026年政府采购项目清单。", "delivery": "email", "website": ""}
    values.update(overrides)
    return values


def test_public_form_to_receipt_to_tracking(client, agency):
    page = client.get("/ysqgk/")
    assert page.status_code == 200
    assert "在线提交申请" in page.content.decode() and agency.name in page.content.decode()
    receipt = client.post("/ysqgk/", form_data(agency))
    assert receipt.status_code == 200  # the receipt is the answer itself: no token parked in the session
    html = receipt.content.decode()
    application = Application.objects.get()
    assert application.tracking_code in html and "查询密码只显示这一次" in html
    token = receipt.context["token"]
    # The receipt is shown once; its old address leads to tracking.
    assert client.get(reverse("ysq-submitted")).status_code == 302
    # A fresh browser needs the code and the token.
    other = client.__class__()
    assert other.get(reverse("ysq-case", args=[application.tracking_code])).status_code == 404
    wrong = other.post(reverse("ysq-track"), {"code": application.tracking_code, "token": "AAAA-AAAA-AAAA"})
    assert wrong.status_code == 404 and "查询码或查询密码不正确" in wrong.content.decode()
    found = other.post(reverse("ysq-track"), {"code": application.tracking_code.lower(), "token": token})
    assert found.status_code == 302
    status = other.get(found["Location"])
    body = status.content.decode()
    assert status.status_code == 200 and "已收到" in body and application.case_no in body
    assert "赵六" not in body and "13600003333" not in body


def test_the_token_is_never_in_a_url_nor_in_the_session_table(client, agency):
    from django.contrib.sessions.models import Session

    receipt = client.post("/ysqgk/", form_data(agency))
    token = receipt.context["token"]
    application = Application.objects.get()
    urls = []
    tracked = client.post(reverse("ysq-track"), {"code": application.tracking_code, "token": token}, follow=True)
    urls += [url for url, _ in tracked.redirect_chain]
    assert tracked.status_code == 200 and application.case_no in tracked.content.decode()
    pages = receipt.content.decode() + tracked.content.decode()
    hrefs = re.findall(r'(?:href|action|src)="([^"]*)"', pages)
    assert urls and hrefs and not [u for u in urls + hrefs if token in u or privacy.normalise_code(token) in u]
    stored = " ".join(str(s.get_decoded()) + s.session_data for s in Session.objects.all())
    assert Session.objects.exists() and token not in stored and privacy.normalise_code(token) not in stored
    # An old link carrying the token is not used: it asks for the code and token instead.
    fresh = client.__class__()
    old_link = fresh.get(reverse("ysq-track"), {"code": application.tracking_code, "token": token})
    body = old_link.content.decode()
    assert old_link.status_code == 200 and "查询密码不再通过链接传递" in body and application.case_no not in body
    assert fresh.get(reverse("ysq-case", args=[application.tracking_code])).status_code == 404


def test_a_reloaded_receipt_registers_no_second_case(client, agency):
    form = client.get("/ysqgk/").content.decode()
    submission = re.search(r'name="submission" value="([^"]+)"', form).group(1)
    assert client.post("/ysqgk/", form_data(agency, submission=submission)).status_code == 200
    again = client.post("/ysqgk/", form_data(agency, submission=submission))
    application = Application.objects.get()
    body = again.content.decode()
    assert again.status_code == 409 and "没有重复登记" in body and application.tracking_code in body
    assert 'id="access-token"' not in body
    # A new form is a new application.
    assert client.post("/ysqgk/", form_data(agency, submission="another")).status_code == 200
    assert Application.objects.count() == 2


def test_public_form_errors_beside_fields_and_nothing_saved(client, agency):
    response = client.post("/ysqgk/", form_data(agency, name="", phone="电话", delivery="post", address=""))
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"name", "phone", "address"}
    html = response.content.decode()
    assert "请填写申请人姓名。" in html
    # Focus lands on the first field in error (on a phone, and without script); no other field takes it.
    assert html.count("autofocus") == 1 and re.search(r'<input[^>]*name="name"[^>]*autofocus', html)
    assert Application.objects.count() == 0


def test_honeypot_refuses_robots(client, agency):
    response = client.post("/ysqgk/", form_data(agency, website="http://spam.example"))
    assert response.status_code == 400
    assert Application.objects.count() == 0


@override_settings(GONGKAI_APPLICATION_RATE_LIMIT="1/600")
def test_public_form_rate_limit_gives_a_chinese_429(client, agency):
    assert client.post("/ysqgk/", form_data(agency)).status_code == 200
    response = client.post("/ysqgk/", form_data(agency))
    assert response.status_code == 429
    assert "提交过于频繁" in response.content.decode()
    assert Application.objects.count() == 1


def test_nav_links_to_the_guide(client, db):
    assert 'href="/ysqgk/"' in client.get("/").content.decode()


def test_staff_list_filters_and_masks(officer_client, agency, staff):
    application, _ = make_application(agency, received_on=D("2026-03-02"), name="欧阳修远", phone="13812345678")
    from django.utils import timezone

    today = timezone.localdate()
    # Paused while the third party's 15 working days run: the consultation started today.
    paused, _ = make_application(agency, received_on=today - dt.timedelta(days=3))
    services.start_consultation(staff["officer"], paused, PauseKind.THIRD_PARTY, party="某公司", started_on=today)
    page = officer_client.get(reverse("staff-applications"))
    html = page.content.decode()
    assert page.status_code == 200 and application.case_no in html
    assert "欧***" in html and "欧阳修远" not in html and "13812345678" not in html
    overdue = officer_client.get(reverse("staff-applications") + "?due=overdue")
    assert [r.application for r in overdue.context["rows"]] == [application]  # due 2026-03-30, long past
    assert [r.application for r in officer_client.get("?due=paused".join(
        [reverse("staff-applications"), ""])).context["rows"]] == [paused]
    bad = officer_client.get(reverse("staff-applications") + "?due=whenever&state=nope")
    assert bad.status_code == 200 and len(bad.context["filter_errors"]) == 2


def test_due_soon_counts_working_days(officer_client, agency):
    from django.utils import timezone

    from gongkai.core.workdays import WorkCalendar

    calendar = WorkCalendar.load()
    today = timezone.localdate()
    # Received so that the due date is exactly 2 working days from today.
    received = today
    while calendar.workdays_between(today, calendar.add_workdays(received, 20).due_on) > 2:
        received -= dt.timedelta(days=1)
    soon, _ = make_application(agency, received_on=received)
    later, _ = make_application(agency, received_on=today)
    rows = officer_client.get(reverse("staff-applications") + "?due=due_soon").context["rows"]
    assert [r.application for r in rows] == [soon]


def test_csv_export_is_masked_and_audited(officer_client, agency, staff):
    make_application(agency, received_on=D("2026-03-02"), name="欧阳修远", phone="13812345678")
    response = officer_client.get(reverse("staff-applications") + "?format=csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "案件编号" and rows[1][3] == "欧***" and rows[1][5] == "1381234****"
    assert "欧阳修远" not in text and RESIDENT_ID not in text
    assert AuditEntry.objects.filter(action="export_applications", actor=staff["officer"]).exists()


def test_case_page_explains_the_due_date_and_audits_views(officer_client, agency, staff):
    application, _ = make_application(agency, received_on=D("2026-02-10"), name="张三丰", phone="13812345678")
    page = officer_client.get(reverse("staff-application", args=[application.pk]))
    html = text_of(page)
    assert "2026-02-15 春节放假，不计入" in html and "2026-02-14 调休上班日，计入工作日" in html
    assert "2026-03-16" in html
    assert "张**" in html and "张三丰" not in html and "1381234****" in html
    assert AuditEntry.objects.filter(action="view_application", object_id=str(application.pk)).count() == 1
    revealed = officer_client.post(reverse("staff-application-applicant", args=[application.pk]))
    assert "张三丰" in revealed.content.decode() and RESIDENT_ID in revealed.content.decode()
    assert AuditEntry.objects.filter(action="view_applicant", object_id=str(application.pk),
                                     actor=staff["officer"]).count() == 1


def test_other_agencies_and_other_roles_cannot_see_cases(client, agency):
    application, _ = make_application(agency, received_on=D("2026-03-02"))
    drafter = factories.make_staff(agency, Role.DRAFTER)
    client.force_login(drafter)
    assert client.get(reverse("staff-applications")).status_code == 403
    assert client.get(reverse("staff-application", args=[application.pk])).status_code == 404
    assert client.post(reverse("staff-application-applicant", args=[application.pk])).status_code == 404
    outsider = factories.make_staff(factories.make_agency(), Role.DISCLOSURE_OFFICER)
    client.force_login(outsider)
    assert client.get(reverse("staff-application", args=[application.pk])).status_code == 404
    assert client.get(reverse("staff-application-letter", args=[application.pk, "pdf"])).status_code == 404
    client.logout()
    assert client.get(reverse("staff-application", args=[application.pk])).status_code == 302


def test_actions_run_services_and_show_errors_beside_fields(officer_client, agency, staff):
    application, _ = make_application(agency, received_on=D("2026-03-02"))
    url = reverse("staff-application-action", args=[application.pk, "request_correction"])
    bad = officer_client.post(url, {"request_correction-items": "", "request_correction-requested_on": "昨天"})
    assert bad.status_code == 400
    form = dict((a.name, fm) for a, fm in bad.context["actions"])["request_correction"]
    assert set(form.errors) == {"items", "requested_on"}
    ok = officer_client.post(url, {"request_correction-items": "请写明年份。",
                                   "request_correction-requested_on": "2026-03-03"})
    assert ok.status_code == 302
    application.refresh_from_db()
    assert application.state == State.CORRECTION_REQUESTED
    # An action not available in this state is refused with a message, not a 500.
    refused = officer_client.post(reverse("staff-application-action", args=[application.pk, "deliver"]), {})
    assert refused.status_code == 302
    unknown = officer_client.post(reverse("staff-application-action", args=[application.pk, "explode"]), {})
    assert unknown.status_code == 302
    officer_client.post(reverse("staff-application-action", args=[application.pk, "receive_correction"]),
                        {"receive_correction-corrected_on": "2026-03-05"})
    application.refresh_from_db()
    assert application.state == State.IN_PROGRESS and application.corrected_on == D("2026-03-05")
    # The decision form reports the service's field errors (reason required for withholding).
    decide = reverse("staff-application-action", args=[application.pk, "decide"])
    response = officer_client.post(decide, {"decide-decision": "withheld.state_secret",
                                            "decide-decided_on": "2026-03-20"})
    assert response.status_code == 400
    form = dict((a.name, fm) for a, fm in response.context["actions"])["decide"]
    assert "reason" in form.errors
    officer_client.post(decide, {"decide-decision": "granted", "decide-decided_on": "2026-03-20",
                                 "decide-reason": "获取方式：请于工作日到本机关政府信息公开受理点查阅。",
                                 "decide-subject": "综合政务\\政务公开"})
    application.refresh_from_db()
    assert application.state == State.DECIDED and application.subject == "综合政务\\政务公开"
    docx = officer_client.get(reverse("staff-application-letter", args=[application.pk, "docx"]))
    assert docx.status_code == 200 and docx["Content-Type"].startswith("application/vnd.openxml")
    pdf = officer_client.get(reverse("staff-application-letter", args=[application.pk, "pdf"]))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="download_letter", object_id=str(application.pk)).count() == 2


def test_extension_approval_is_offered_to_the_head_only(client, agency, staff):
    application, _ = make_application(agency, received_on=D("2026-09-18"))
    client.force_login(staff["officer"])
    names = [a.name for a, _ in client.get(reverse("staff-application", args=[application.pk])).context["actions"]]
    assert "request_extension" in names and "approve_extension" not in names
    client.post(reverse("staff-application-action", args=[application.pk, "request_extension"]),
                {"request_extension-days": "10", "request_extension-reason": "需要协调多个部门。"})
    client.force_login(staff["head"])
    page = client.get(reverse("staff-application", args=[application.pk]))
    assert "待政府信息公开工作机构负责人审批" in page.content.decode()
    response = client.post(reverse("staff-application-action", args=[application.pk, "approve_extension"]),
                           {"approve_extension-days": "10", "approve_extension-approved_on": "2026-10-20"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.extension_days == 10 and application.due_on == D("2026-11-05")


def test_register_paper_application(officer_client, agency):
    response = officer_client.post(reverse("staff-application-new"), {
        **form_data(agency), "channel": "post", "signed_for_on": "2026-04-28"})
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.channel == "post" and application.received_on == D("2026-04-28")
    assert application.due_on == D("2026-05-28")
    bad = officer_client.post(reverse("staff-application-new"), {**form_data(agency), "channel": "post"})
    assert bad.status_code == 400 and "signed_for_on" in bad.context["form"].errors


def test_report_page_counts_the_annual_tables(officer_client, agency, staff):
    a, _ = make_application(agency, received_on=D("2026-03-02"))
    b, _ = make_application(agency, received_on=D("2026-03-03"), applicant_type="legal_person",
                            organization_kind="research", id_number="91350100M000100Y43", name="示例研究院")
    services.decide_application(staff["officer"], a, "withheld.process_information", reason="属于过程稿。",
                                decided_on=D("2026-03-20"))
    services.record_litigation(staff["officer"], a, route="direct", filed_on=D("2026-04-01"))
    response = officer_client.get(reverse("staff-applications-report") + "?year=2026")
    assert response.status_code == 200
    rows = {r.key: r.counts for r in response.context["figures"]["table3"]}
    assert rows["new"]["total"] == 2 and rows["new"]["natural_person"] == 1 and rows["new"]["research"] == 1
    assert rows["withheld"]["total"] == 1 and rows["withheld.process_information"]["natural_person"] == 1
    assert rows["carried_out"]["research"] == 1
    assert response.context["figures"]["table4"].direct["pending"] == 1
    assert ("老旧小区", 2) in response.context["topics"]["words"] or response.context["topics"]["words"]
    assert officer_client.get(reverse("staff-applications-report") + "?year=abc").status_code == 200


def test_the_head_sees_extensions_to_approve_and_cannot_approve_their_own(client, agency, staff):
    application, _ = make_application(agency, received_on=D("2026-10-09"))
    services.accept_application(staff["officer"], application)
    services.request_extension(staff["officer"], application, 10, "需要协调多个部门。")
    client.force_login(staff["head"])
    assert [a.pk for a in client.get("/staff/").context["extensions"]] == [application.pk]
    own, _ = make_application(agency, received_on=D("2026-10-09"))
    services.request_extension(staff["head"], own, 10, "负责人自己提出的延期。")
    assert own.pk not in [a.pk for a in client.get("/staff/").context["extensions"]]
    response = client.post(reverse("staff-application-action", args=[own.pk, "approve_extension"]),
                           {"approve_extension-days": "10"}, follow=True)
    assert any("延期须由他人批准" in str(m) for m in response.context["messages"])


@pytest.mark.parametrize(("day", "message"), [
    ("0001-01-01", "签收日期不能早于2008年5月1日"), ("2008-04-30", "签收日期不能早于2008年5月1日"),
    ("2999-12-31", "签收日期不能晚于今天"), ("99999-01-01", "请输入有效的日期"),
])
def test_a_letter_received_on_an_impossible_date_is_refused_at_the_field(officer_client, agency, day, message):
    response = officer_client.post(reverse("staff-application-new"), {
        **form_data(agency), "channel": "post", "signed_for_on": day})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"signed_for_on"} and message in errors["signed_for_on"][0]
    assert Application.objects.count() == 0


def test_case_action_dates_and_numbers_are_bounded(officer_client, agency):
    application, _ = make_application(agency, received_on=D("2026-03-02"))
    url = reverse("staff-application-action", args=[application.pk, "request_correction"])
    response = officer_client.post(url, {"request_correction-items": "请写明年份。",
                                         "request_correction-requested_on": "0001-01-01"})
    assert response.status_code == 400
    form = dict((a.name, fm) for a, fm in response.context["actions"])["request_correction"]
    assert "不能早于2008年5月1日" in form.errors["requested_on"][0]
    fee = reverse("staff-application-action", args=[application.pk, "issue_fee_notice"])
    response = officer_client.post(fee, {"issue_fee_notice-basis": "per_page",
                                         "issue_fee_notice-pages": "99999999999999999999"})
    assert response.status_code == 400
    form = dict((a.name, fm) for a, fm in response.context["actions"])["issue_fee_notice"]
    assert "页数不能超过" in form.errors["pages"][0]
    note = reverse("staff-application-action", args=[application.pk, "note"])
    response = officer_client.post(note, {"note-note": "长" * 2001})
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.state == State.RECEIVED


@pytest.mark.django_db(transaction=True)
def test_a_full_disk_saves_nothing_and_gives_back_what_the_applicant_typed(client, agency):
    from django.db import connection

    from gongkai.disclosure.views_public import UNSAVED_MESSAGE

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's max_page_count makes a real 'database or disk is full'; PostgreSQL has no such knob")
    description = "申请公开本机关2025年度行政许可决定书。" * 200  # long enough to need new pages
    with connection.cursor() as cursor:
        cursor.execute("VACUUM")  # no free pages left inside the file: the next page must grow it
        cursor.execute("PRAGMA page_count")
        cursor.execute(f"PRAGMA max_page_count = {cursor.fetchone()[0]}")
        try:
            response = client.post("/ysqgk/", form_data(agency, description=description))
        finally:
            cursor.execute("PRAGMA max_page_count = 1073741823")
    assert response.status_code == 503 and response["Retry-After"]
    page = response.content.decode()
    assert UNSAVED_MESSAGE in page and description in page and "赵六" in page
    assert not Application.objects.exists()
