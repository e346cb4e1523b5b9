"""The hotline API refuses bad input in Chinese, field by field, and never with pydantic's generic words."""

from __future__ import annotations

import pytest

from gongkai.qa.models import Feedback
from tests.qa.test_ask import library  # noqa: F401 - fixture

pytestmark = pytest.mark.usefixtures("fresh_search")


def _ask(client, body):
    return client.post("/api/v1/qa/ask", body, content_type="application/json")


@pytest.mark.parametrize(("body", "field", "words"), [
    ({}, "question", "请输入您要咨询的问题"),
    ({"question": None}, "question", "请输入您要咨询的问题"),
    ({"question": "试" * 201}, "question", "不能超过 200 个字"),
    ({"question": 123}, "question", "问题应为文字"),
    ({"question": "试用期多久", "agency": 5}, "agency", "机关代码应为文字"),
    (["试用期多久"], None, "应为一个 JSON 对象"),
])
def test_bad_questions_are_refused_in_chinese(client, library, body, field, words):  # noqa: F811
    response = _ask(client, body)
    assert response.status_code == 400
    data = response.json()
    assert words in data["detail"] and "值无效" not in data["detail"]
    if field:
        assert words in data["errors"][field][0]


def test_a_question_within_the_limit_is_not_refused_for_spaces_around_it(client, library):  # noqa: F811
    response = _ask(client, {"question": "  " + "试用期最长可以约定几个月" + "，" * 187 + "  "})
    assert response.status_code == 200


def test_bad_feedback_is_refused_in_chinese(client, library):  # noqa: F811
    response = client.post("/api/v1/qa/feedback", {"question": "试用期多久", "source": "article:1"},
                           content_type="application/json")
    assert response.status_code == 400 and "是否有帮助" in response.json()["detail"]
    response = client.post("/api/v1/qa/feedback", {"question": "试用期多久", "source": "article:1", "helpful": "yes"},
                           content_type="application/json")
    assert response.status_code == 400 and "true 或 false" in response.json()["detail"]
    assert not Feedback.objects.exists()


def test_a_method_a_path_does_not_take_is_refused_in_chinese_json(client, db):
    response = client.get("/api/v1/qa/ask")
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert response.json() == {"detail": "此接口不接受 GET 请求，请改用 POST。"}
    # Every API path, not only the Q&A's.
    refused = client.delete("/api/v1/agencies", content_type="application/json")
    assert refused.status_code == 405 and "请改用 GET" in refused.json()["detail"]


def test_the_apis_own_pages_and_unknown_paths_answer_in_chinese_json(client, db):
    from django.test import Client

    # openapi.json and docs take GET only: a POST was refused by the CSRF check with its HTML 403 page.
    for url in ("/api/v1/openapi.json", "/api/v1/docs", "/api/v1/"):
        refused = Client(enforce_csrf_checks=True).post(url, {}, content_type="application/json")
        assert refused.status_code == 405 and refused["Allow"] == "GET"
        assert refused.json() == {"detail": "此接口不接受 POST 请求，请改用 GET。"}
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "公开平台开放接口"
    assert client.get("/api/v1/docs").status_code == 200
    # A path that is no endpoint: 404 as JSON (the portal's HTML page before), whatever the method.
    for method in ("get", "post", "delete"):
        missing = getattr(client, method)("/api/v1/no-such-thing/1", content_type="application/json")
        assert missing.status_code == 404 and "没有这个接口" in missing.json()["detail"]
    assert client.get("/api/v1/").status_code == 404 and "/api/v1/docs" in client.get("/api/v1/").json()["detail"]
    # An endpoint's own 404 is unchanged.
    assert client.get("/api/v1/documents/999999").json() == {"detail": "文件不存在或未公开。"}


def test_an_empty_body_is_refused_as_empty_not_by_the_parameters_name(client, db):
    for url in ("/api/v1/qa/ask", "/api/v1/qa/feedback", "/api/v1/applications", "/api/v1/consultations/1/comments"):
        # The test client leaves out the Content-Type of an empty body; a client such as curl sends it.
        response = client.post(url, b"", content_type="application/json", CONTENT_TYPE="application/json")
        assert response.status_code == 400, url
        assert response.json()["detail"] == "请求内容为空，应为一个 JSON 对象。" and "payload" not in response.json()["detail"]


def test_a_body_django_cannot_read_is_refused_as_json_under_the_api(client, db):
    # A multipart body without a boundary fails in Django's own parser, before the API: its 400 was the portal's
    # HTML page.
    response = client.post("/api/v1/qa/ask", b'--x\r\nContent-Disposition: form-data; name="question"\r\n\r\nabc',
                           content_type="multipart/form-data; boundary=")
    assert response.status_code == 400 and "Content-Type" in response.json()["detail"]
    assert client.get("/xxgk/", HTTP_HOST="bad host").status_code == 400
