"""The mailbox and 找错 forms, the query form and the message API fed oversized, malformed, script-bearing input in
every field: a clear answer (never a 5xx), script never echoed unescaped, and a message stored whole or not at all."""

import json

import pytest

from gongkai.participation.models import Message
from tests.test_public_input_fuzz import NASTY, SCRIPT

FIELDS = ["category", "agency", "title", "content", "name", "phone", "email", "publish_reply", "website",
          "submission"]


@pytest.fixture
def unlimited(settings):
    settings.GONGKAI_MESSAGE_RATE_LIMIT = "100000/3600"


def _valid(office, n: int) -> dict:
    return {"category": "mailbox", "agency": office["agency"].code, "title": "路灯不亮", "content": "请修理路灯。",
            "name": "王五", "phone": "13900001111", "email": "", "publish_reply": "", "website": "",
            "submission": f"fuzz-{n}"}


def _page(response) -> str:
    assert response.status_code < 500, response.status_code
    body = response.content.decode("utf-8", errors="replace")
    assert SCRIPT not in body and "<img src=x onerror" not in body
    return body


@pytest.mark.parametrize("field", FIELDS)
def test_the_mailbox_form_with_one_bad_field(client, office, unlimited, field):
    for n, value in enumerate(NASTY):
        before = Message.objects.count()
        _page(client.post("/hdjl/xx/", {**_valid(office, n), field: value}))
        stored = list(Message.objects.order_by("id")[before:])
        assert len(stored) <= 1
        for message in stored:
            assert "\x00" not in message.title + message.content + message.name


@pytest.mark.parametrize("field", ["page_url", "content", "name", "email", "phone"])
def test_the_error_report_form_with_one_bad_field(client, office, unlimited, field):
    for n, value in enumerate(NASTY):
        data = {"page_url": "/xxgk/", "content": "错别字", "submission": f"zc-{field}-{n}", field: value}
        _page(client.post("/hdjl/zc/", data))
        _page(client.get("/hdjl/zc/", {"url": value}))


def test_the_query_form_and_pages(client, office):
    for value in NASTY:
        for data in ({"code": value, "token": "x"}, {"code": "x", "token": value}):
            _page(client.post("/hdjl/xx/cx/", data))
        _page(client.get("/hdjl/xx/hf/", {"category": value, "page": value}))
        _page(client.get("/api/v1/messages", {"category": value}))
        _page(client.get("/api/v1/messages/" + value[:40].replace("/", "").replace("?", "").replace("#", ""),
                         HTTP_X_ACCESS_TOKEN="x"))


@pytest.mark.parametrize("field", ["category", "agency", "title", "content", "name", "phone", "email", "page_url",
                                   "publish_reply"])
def test_the_message_api_with_one_bad_field(client, office, unlimited, field):
    body = {"category": "mailbox", "agency": office["agency"].code, "title": "路灯", "content": "请修理。",
            "name": "王五", "phone": "13900001111", "publish_reply": False}
    for value in [*NASTY, 3.5, -1, 10**30, [], {}, None, True]:
        before = Message.objects.count()
        response = client.post("/api/v1/messages", data=json.dumps({**body, field: value}),
                               content_type="application/json")
        assert response.status_code < 500, (field, str(value)[:20], response.status_code)
        if response.status_code == 400:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["detail"])
            assert Message.objects.count() == before


def test_the_token_recovery_form(client, office, unlimited):
    for value in NASTY:
        for data in ({"code": value, "email": "a@example.com"}, {"code": "LY-2222-3333", "email": value}):
            _page(client.post("/hdjl/xx/zh/", data))
        _page(client.get("/hdjl/xx/zh/", {"code": value}))


@pytest.mark.parametrize("field", ["category", "title", "content", "page_url", "publish_reply"])
def test_the_message_api_multipart_with_one_bad_field(client, office, unlimited, field):
    body = {"category": "mailbox", "agency": office["agency"].code, "title": "路灯", "content": "请修理。",
            "name": "王五", "phone": "13900001111", "publish_reply": "false"}
    for value in NASTY:
        before = Message.objects.count()
        response = client.post("/api/v1/messages", {**body, field: value})
        assert response.status_code < 500, (field, str(value)[:20], response.status_code)
        if response.status_code == 400:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["detail"])
            assert Message.objects.count() == before
