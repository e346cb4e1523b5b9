"""The intake and tracking API: shapes, Chinese field errors, nothing half-saved, tokens, rate limits."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings
from django.utils import timezone

from gongkai.disclosure import services
from gongkai.disclosure.models import Application
from tests.disclosure_factories import CREDIT_CODE, RESIDENT_ID, disclosure_team, make_application

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def payload(agency, /, **overrides) -> dict:
    values = {"applicant_type": "natural_person", "name": "李四", "id_number": RESIDENT_ID, "phone": "13900001111",
              "email": "lisi@example.com", "address": "", "description": "申请公开本局2025年部门预算的编制说明。",
              "delivery": "electronic", "agency": agency.code}
    values.update(overrides)
    return values


def post(client, body, **extra):
    return client.post("/api/v1/applications", data=json.dumps(body), content_type="application/json", **extra)


def test_apply_online_returns_code_token_and_dates(client, agency):
    response = post(client, payload(agency))
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"tracking_code", "access_token", "case_no", "received_on", "due_on", "status"}
    application = Application.objects.get(tracking_code=body["tracking_code"])
    assert body["received_on"] == timezone.localdate().isoformat()
    assert body["due_on"] == application.due_on.isoformat()
    assert body["status"] == "received"
    assert application.name == "李四" and application.channel == "online"


def test_legal_person_needs_organization_kind(client, agency):
    response = post(client, payload(agency, applicant_type="legal_person", name="示例律师事务所",
                                    id_number=CREDIT_CODE))
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["organization_kind"]
    response = post(client, payload(agency, applicant_type="legal_person", organization_kind="legal_service",
                                    name="示例律师事务所", id_number=CREDIT_CODE))
    assert response.status_code == 201
    assert Application.objects.get().organization_kind == "legal_service"


@pytest.mark.parametrize(("overrides", "fields"), [
    ({"applicant_type": "robot"}, {"applicant_type"}),
    ({"name": "", "phone": ""}, {"name", "phone"}),
    ({"id_number": "110105194912310021"}, {"id_number"}),
    ({"email": "", "delivery": "email"}, {"email"}),
    ({"delivery": "pigeon"}, {"delivery"}),
    ({"delivery": "post", "address": ""}, {"address"}),
    ({"description": "x"}, {"description"}),
    ({"agency": "NO-SUCH"}, {"agency"}),
    ({"agency": None, "name": None}, {"agency", "name"}),
    ({"phone": 13900001111, "name": 123}, set()),  # numbers are read as text
])
def test_invalid_input_gets_400_with_chinese_messages_per_field(client, agency, overrides, fields):
    response = post(client, payload(agency, **overrides))
    if not fields:
        assert response.status_code == 201
        return
    assert response.status_code == 400
    body = response.json()
    assert set(body["errors"]) == fields
    for messages in body["errors"].values():
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in messages)
    assert Application.objects.count() == 0


@pytest.mark.parametrize("raw", ["{not json", "[]", '{"name": ["a"]}', ""])
def test_malformed_bodies_never_500(client, agency, raw):
    response = client.post("/api/v1/applications", data=raw, content_type="application/json")
    # An empty body arrives without a content type at all: 415.
    assert response.status_code in ((400, 422) if raw else (415,))
    assert Application.objects.count() == 0


def track(client, code: str, token: str):
    """Follow a case as the API asks: the token in a header, never in the URL."""
    return client.get(f"/api/v1/applications/{code}", HTTP_X_ACCESS_TOKEN=token)


def test_tracking_shows_status_and_public_timeline_only(client, agency):
    staff = disclosure_team(agency)
    created = post(client, payload(agency, name="王五", phone="13700002222")).json()
    application = Application.objects.get(tracking_code=created["tracking_code"])
    services.add_note(staff["officer"], application, "内部备注：申请人曾多次来电。")
    services.accept_application(staff["officer"], application)
    response = track(client, created['tracking_code'], created['access_token'])
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "in_progress" and body["status_label"] == "办理中"
    assert body["due_on"] == created["due_on"]
    texts = [item["text"] for item in body["timeline"]]
    assert any("开始办理" in t for t in texts)
    raw = response.content.decode()
    for secret in ("王五", "13700002222", RESIDENT_ID, "lisi@example.com", "内部备注", "申请人曾多次来电"):
        assert secret not in raw
    # Codes are forgiving about case and dashes.
    loose = created["tracking_code"].replace("-", "").lower()
    assert track(client, loose, created['access_token'].lower()).status_code == 200


def test_wrong_token_or_code_is_404_without_telling_which(client, agency):
    application, token = make_application(agency)
    wrong_token = track(client, application.tracking_code, "AAAA-BBBB-CCCC")
    no_token = client.get(f"/api/v1/applications/{application.tracking_code}")
    wrong_code = track(client, "YSQ-XXXX-XXXX", token)
    assert wrong_token.status_code == no_token.status_code == wrong_code.status_code == 404
    assert wrong_token.json() == wrong_code.json()
    # Another applicant's token does not open this case.
    other, other_token = make_application(agency)
    assert track(client, application.tracking_code, other_token).status_code == 404


def test_a_token_in_the_url_is_refused_not_used(client, agency):
    application, token = make_application(agency)
    response = client.get(f"/api/v1/applications/{application.tracking_code}?token={token}")
    assert response.status_code == 400 and "X-Access-Token" in response.json()["detail"]
    schema = client.get("/api/v1/openapi.json").json()
    parameters = schema["paths"]["/api/v1/applications/{tracking_code}"]["get"]["parameters"]
    assert {(p["name"], p["in"]) for p in parameters} == {("tracking_code", "path"), ("X-Access-Token", "header")}


@override_settings(GONGKAI_APPLICATION_RATE_LIMIT="2/600")
def test_intake_is_rate_limited_per_address(client, agency):
    assert post(client, payload(agency)).status_code == 201
    assert post(client, payload(agency), REMOTE_ADDR="10.0.0.9").status_code == 201
    assert post(client, payload(agency)).status_code == 201
    blocked = post(client, payload(agency))
    assert blocked.status_code == 429
    assert "提交过于频繁" in blocked.json()["detail"]
    assert blocked["Retry-After"].isdigit()
    assert Application.objects.count() == 3
    # A forged X-Forwarded-For from an address not configured as a proxy buys no new slots.
    spoofed = post(client, payload(agency), REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert spoofed.status_code == 429


@override_settings(GONGKAI_APPLICATION_RATE_LIMIT="2/600", GONGKAI_TRUSTED_PROXIES="127.0.0.1")
def test_behind_a_trusted_proxy_the_forwarded_client_is_limited(client, agency):
    for _ in range(2):
        assert post(client, payload(agency), HTTP_X_FORWARDED_FOR="1.2.3.4").status_code == 201
    assert post(client, payload(agency), HTTP_X_FORWARDED_FOR="1.2.3.4").status_code == 429
    # The client cannot escape by prepending addresses: the proxy's own entry is the rightmost.
    assert post(client, payload(agency), HTTP_X_FORWARDED_FOR="9.9.9.9, 1.2.3.4").status_code == 429
    assert post(client, payload(agency), HTTP_X_FORWARDED_FOR="5.6.7.8").status_code == 201


@override_settings(GONGKAI_APPLICATION_RATE_LIMIT="2/600")
def test_refused_input_gives_its_slot_back(client, agency):
    for _ in range(5):
        assert post(client, payload(agency, description="x")).status_code == 400
    assert post(client, payload(agency)).status_code == 201
    assert post(client, payload(agency)).status_code == 201
    assert post(client, payload(agency)).status_code == 429


def test_tracking_failures_are_rate_limited(client, agency):
    application, token = make_application(agency)
    for _ in range(30):
        assert track(client, application.tracking_code, "WRONG").status_code == 404
    assert track(client, application.tracking_code, token).status_code == 429


@pytest.mark.parametrize(("body", "content_type"), [
    ('{"name": "李四"}', "text/plain"),
    ("name=%E6%9D%8E%E5%9B%9B&agency=X", "application/x-www-form-urlencoded"),
    ("--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n李四\r\n--b--\r\n", "multipart/form-data; boundary=b"),
])
def test_only_json_bodies_are_accepted(client, agency, body, content_type):
    # What a cross-site form or a "simple" fetch can send without a preflight: refused before parsing.
    response = client.generic("POST", "/api/v1/applications", body.encode(), content_type=content_type)
    assert response.status_code == 415
    assert "JSON" in response.json()["detail"] and "请求内容" in response.json()["detail"]
    assert Application.objects.count() == 0


def test_a_foreign_origin_is_refused_and_the_own_origin_accepted(client, agency, settings):
    foreign = post(client, payload(agency), HTTP_ORIGIN="https://evil.example.com")
    assert foreign.status_code == 403 and "其他网站" in foreign.json()["detail"]
    assert post(client, payload(agency), HTTP_ORIGIN="null").status_code == 403
    assert Application.objects.count() == 0
    own = post(client, payload(agency), HTTP_ORIGIN="http://127.0.0.1:8000")
    assert own.status_code == 201
    assert post(client, payload(agency)).status_code == 201  # no Origin: a program, not a browser


def test_the_api_has_the_forms_honeypot_and_size_limit(client, agency):
    trapped = post(client, payload(agency, website="http://spam.example.com"))
    assert trapped.status_code == 400 and "提交未成功" in trapped.json()["detail"]
    huge = post(client, payload(agency, description="申" * 40000))
    assert huge.status_code == 413 and "过大" in huge.json()["detail"]
    assert Application.objects.count() == 0


def test_openapi_documents_the_endpoints(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/applications" in schema["paths"]
    assert "/api/v1/applications/{tracking_code}" in schema["paths"]
