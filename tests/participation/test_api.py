"""The consultations API, exactly as the issue specifies it."""

import json

import pytest
from django.test import override_settings

from gongkai.participation import services
from gongkai.participation.models import Comment
from tests.participation.conftest import end, make_consultation
from tests.participation.test_services import FEEDBACK


def _post(client, pk, body, **headers):
    return client.post(f"/api/v1/consultations/{pk}/comments", data=json.dumps(body, ensure_ascii=False),
                       content_type="application/json", **headers)


def test_the_list_has_exactly_the_specified_shape(client, office, open_consultation):
    services.submit_comment(open_consultation, services.CommentData(content="意见"))
    closed = end(make_consultation(office))
    make_consultation(office, open_it=False)  # a draft is not listed
    got = client.get("/api/v1/consultations").json()
    assert set(got) == {"count", "results"} and got["count"] == 2
    for item in got["results"]:
        assert set(item) == {"id", "title", "status", "starts_at", "ends_at", "comment_count", "url"}
    by_id = {r["id"]: r for r in got["results"]}
    assert by_id[open_consultation.pk]["status"] == "open" and by_id[open_consultation.pk]["comment_count"] == 1
    assert by_id[closed.pk]["status"] == "closed"
    assert by_id[open_consultation.pk]["url"].endswith(f"/hdjl/yjzj/{open_consultation.pk}/")
    assert [r["id"] for r in client.get("/api/v1/consultations?status=open").json()["results"]] == [
        open_consultation.pk]
    assert [r["id"] for r in client.get("/api/v1/consultations?status=closed").json()["results"]] == [closed.pk]
    assert client.get("/api/v1/consultations?status=maybe").status_code == 400


def test_one_consultation_with_its_numbered_paragraphs(client, open_consultation):
    got = client.get(f"/api/v1/consultations/{open_consultation.pk}").json()
    assert got["status"] == "open" and got["kind"] == "rule" and got["kind_label"] == "规章草案"
    assert got["paragraphs"][1] == "第二条 本办法适用于本市城市建成区。"
    assert got["explanation"] == "为规范养犬行为，起草本办法。" and got["feedback_url"] is None
    assert client.get("/api/v1/consultations/999999").status_code == 404
    assert client.get("/api/v1/consultations/99999999999999999999").status_code in (400, 404)


def test_a_comment_while_open_is_201(client, open_consultation):
    response = _post(client, open_consultation.pk, {"content": "建议增加遛犬时段的规定。", "paragraph": 3,
                                                    "name": "赵六", "contact": "zhao@example.com"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["paragraph"] == 3
    comment = Comment.objects.get(pk=body["id"])
    assert comment.channel == "api" and comment.contact == "zhao@example.com"


@pytest.mark.parametrize(("body", "field"), [
    ({}, "content"), ({"content": ""}, "content"), ({"content": "意见", "paragraph": 99}, "paragraph"),
    ({"content": "意见", "paragraph": "第二段"}, "paragraph"), ({"content": "意见", "name": "名" * 60}, "name"),
])
def test_bad_input_is_400_with_field_errors(client, open_consultation, body, field):
    response = _post(client, open_consultation.pk, body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Comment.objects.count() == 0


def test_the_honeypot_and_the_write_guards(client, open_consultation):
    assert _post(client, open_consultation.pk, {"content": "意见", "website": "http://spam"}).status_code == 400
    form = client.post(f"/api/v1/consultations/{open_consultation.pk}/comments", {"content": "意见"})
    assert form.status_code == 415
    cross = _post(client, open_consultation.pk, {"content": "意见"}, HTTP_ORIGIN="https://evil.example")
    assert cross.status_code == 403
    assert Comment.objects.count() == 0


@override_settings(GONGKAI_COMMENT_RATE_LIMIT="2/3600")
def test_the_rate_limit_counts_per_address(client, open_consultation):
    assert [_post(client, open_consultation.pk, {"content": f"意见{n}"}).status_code for n in range(3)] == [201, 201, 429]
    assert Comment.objects.count() == 2


def test_feedback_is_404_until_published(client, office, open_consultation):
    assert client.get(f"/api/v1/consultations/{open_consultation.pk}/feedback").status_code == 404
    ended = end(open_consultation)
    for n in range(3):
        Comment.objects.create(consultation=ended, content=f"意见{n}")
    services.save_feedback(office["officer"], ended, FEEDBACK)
    assert client.get(f"/api/v1/consultations/{ended.pk}/feedback").status_code == 404
    services.publish_feedback(office["head"], ended)
    got = client.get(f"/api/v1/consultations/{ended.pk}/feedback").json()
    assert (got["received_count"], got["adopted_count"]) == (3, 1)
    assert got["unadopted"] == [{"opinion": "建议取消登记", "reason": "登记是《动物防疫法》规定的义务，不予采纳。"}]
    assert client.get(f"/api/v1/consultations/{ended.pk}").json()["feedback_url"].endswith(f"/{ended.pk}/fk/")


# -- defects found in the user trial: answers in Chinese, JSON types checked ----------------------------------------

def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize("url", ["/api/v1/consultations/{pk}/comments", "/api/v1/messages"])
def test_a_body_that_is_not_json_gets_a_chinese_400(client, open_consultation, url):
    for raw in ('{"content": "意见"', "content=意见", "{'content': 1}"):
        response = client.post(url.format(pk=open_consultation.pk), raw, content_type="application/json")
        assert response.status_code == 400, raw
        detail = response.json()["detail"]
        assert "JSON" in detail and _chinese(detail) and "Cannot parse" not in detail, detail
    listed = client.post(url.format(pk=open_consultation.pk), "[1, 2]", content_type="application/json")
    assert listed.status_code == 400 and "JSON 对象" in listed.json()["detail"]
    assert not Comment.objects.exists()


@pytest.mark.parametrize(("body", "field", "words"), [
    ({"content": 123}, "content", "意见内容应为文字"),
    ({"content": ["意见"]}, "content", "意见内容应为文字"),
    ({"content": "意见", "name": 5}, "name", "姓名应为文字"),
    ({"content": "意见", "contact": 13800000000}, "contact", "联系方式应为文字"),
])
def test_a_comment_field_of_the_wrong_json_type_is_refused_in_chinese(client, open_consultation, body, field, words):
    response = _post(client, open_consultation.pk, body)
    assert response.status_code == 400
    got = response.json()
    assert list(got["errors"]) == [field] and got["errors"][field][0].startswith(words) and got["detail"].startswith(words)
    assert not Comment.objects.exists()


@pytest.mark.parametrize(("paragraph", "message"), [
    (99, "段落编号应在1至4之间（草案共4段；不填为针对全文）。"), (-3, "段落编号应在1至4之间（草案共4段；不填为针对全文）。"),
    (0, "段落编号应在1至4之间（草案共4段；不填为针对全文）。"),
    *((raw, "段落编号应为整数（不加引号），在1至4之间（草案共4段；不填为针对全文）。") for raw in (0.5, "abc", True, "2", "0")),
])
def test_a_wrong_paragraph_is_told_the_valid_range(client, open_consultation, paragraph, message):
    response = _post(client, open_consultation.pk, {"content": "意见", "paragraph": paragraph})
    assert response.status_code == 400
    assert response.json()["errors"]["paragraph"] == [message]
    assert not Comment.objects.exists()
    assert "paragraph的值无效" not in response.content.decode()
    assert _post(client, open_consultation.pk, {"content": "意见", "paragraph": 4}).json()["paragraph"] == 4


@pytest.mark.parametrize(("body", "field", "words"), [
    ({"title": 12345}, "title", "标题应为文字"),
    ({"publish_reply": "yes"}, "publish_reply", "是否同意公开答复应为 true 或 false"),
    ({"agency": 11000000}, "agency", "写信对象应为文字"),
])
def test_a_message_field_of_the_wrong_json_type_is_refused_in_chinese(client, office, body, field, words):
    from gongkai.participation.models import Message

    message = {"category": "mailbox", "agency": office["agency"].code, "title": "标题", "content": "内容",
               "name": "王五", "phone": "13800000000", **body}
    response = client.post("/api/v1/messages", json.dumps(message, ensure_ascii=False), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][field][0].startswith(words)
    assert not Message.objects.exists()


def test_a_rating_of_the_wrong_json_type_is_refused_in_chinese(client, office):
    from gongkai.participation import messages

    message, token = messages.submit_message(messages.MessageData(
        category="mailbox", agency=office["agency"].code, title="标题", content="内容", name="王五",
        phone="13800000000"))
    messages.reply_message(office["officer"], message, "答复")
    response = client.post(f"/api/v1/messages/{message.code}/rating", json.dumps({"rating": 1}),
                           content_type="application/json", HTTP_X_ACCESS_TOKEN=token)
    assert response.status_code == 400 and response.json()["errors"]["rating"][0].startswith("评价应为文字")


def test_a_wrong_path_parameter_is_named_in_chinese(client, open_consultation):
    for url in ("/api/v1/consultations/abc", "/api/v1/consultations/abc/feedback", "/api/v1/consultations/1.5"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert response.json() == {"detail": "请求参数有误：征求意见编号的值无效。",
                                   "errors": {"consultation_id": ["征求意见编号的值无效。"]}}, url
    posted = client.post("/api/v1/consultations/abc/comments", {"content": "意见"}, content_type="application/json")
    assert posted.status_code == 400 and "征求意见编号的值无效。" in posted.content.decode()
