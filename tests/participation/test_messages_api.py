"""The mailbox API: POST /api/v1/messages (201 with code and token; 400 with Chinese field errors; nothing stored
half-way), GET /api/v1/messages/{code} with X-Access-Token (404 for a wrong token, the same as for no message), the
rating, and GET /api/v1/messages (public replies only, no personal data); and mail to the writer through a real
SMTP server."""

from __future__ import annotations

import email
import email.policy

import pytest

from gongkai.core.models import OutgoingMail
from gongkai.participation import messages
from gongkai.participation.models import Message, MessageStatus
from tests.smtp import smtp_server

URL = "/api/v1/messages"


def body(office, **values) -> dict:
    return {"category": "mailbox", "agency": office["agency"].code, "title": "路灯不亮", "content": "小区门口的路灯坏了。",
            "name": "张三", "phone": "13800001234", "email": "zhangsan@example.com", "publish_reply": True, **values}


def post(client, data, **headers):
    return client.post(URL, data, content_type="application/json", **headers)


def test_post_answers_with_code_token_and_dates(client, office):
    response = post(client, body(office))
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) == {"code", "access_token", "received_on", "due_on"}
    message = Message.objects.get(code=data["code"])
    assert data["due_on"] == f"{message.due_on:%Y-%m-%d}" and message.channel == "api"
    assert messages.find(data["code"], data["access_token"]) == message


@pytest.mark.parametrize(("values", "field"), [
    ({"category": "letters"}, "category"),
    ({"agency": "NOPE"}, "agency"),
    ({"title": ""}, "title"),
    ({"content": ""}, "content"),
    ({"email": "nobody"}, "email"),
    ({"phone": "", "email": ""}, "phone"),
    ({"category": "error_report", "page_url": ""}, "page_url"),
    ({"content": None}, "content"),  # (a number as the title is refused in test_api: JSON types are checked)
])
def test_bad_input_gets_chinese_field_errors_and_stores_nothing(client, office, values, field):
    response = post(client, body(office, **values))
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert field in errors and any("\u4e00" <= ch <= "\u9fff" for ch in errors[field][0])
    assert not Message.objects.exists()


def test_malformed_requests_never_500(client, office):
    for raw in ("{", "[]", '"x"', '{"publish_reply": "maybe"}'):
        response = client.post(URL, raw, content_type="application/json")
        assert 400 <= response.status_code < 500, raw
    assert client.post(URL, {"title": "x"}).status_code in (400, 415)
    assert not Message.objects.exists()


def test_the_honeypot_refuses(client, office):
    assert post(client, body(office, website="http://spam")).status_code == 400
    assert not Message.objects.exists()


def test_rate_limit_counts_api_submissions(client, office, settings):
    settings.GONGKAI_MESSAGE_RATE_LIMIT = "2/3600"
    assert [post(client, body(office)).status_code for _ in range(3)] == [201, 201, 429]
    assert Message.objects.count() == 2


def test_status_by_code_and_token_in_the_header(client, office):
    created = post(client, body(office, name="秘密姓名", phone="13912345678")).json()
    code, token = created["code"], created["access_token"]
    got = client.get(f"{URL}/{code}", HTTP_X_ACCESS_TOKEN=token)
    assert got.status_code == 200
    data = got.json()
    assert (data["status"], data["reply"], data["agency"]["code"]) == ("received", None, office["agency"].code)
    text = got.content.decode()
    assert "秘密姓名" not in text and "13912345678" not in text and "zhangsan@example.com" not in text
    wrong = client.get(f"{URL}/{code}", HTTP_X_ACCESS_TOKEN="AAAA-BBBB-CCCC")
    missing = client.get(f"{URL}/LY-2222-3333", HTTP_X_ACCESS_TOKEN=token)
    assert wrong.status_code == missing.status_code == 404 and wrong.json() == missing.json()
    assert client.get(f"{URL}/{code}").status_code == 404
    assert client.get(f"{URL}/{code}?token={token}").status_code == 400  # never in the URL
    message = Message.objects.get(code=code)
    messages.reply_message(office["officer"], message, "已安排维修。")
    data = client.get(f"{URL}/{code}", HTTP_X_ACCESS_TOKEN=token).json()
    assert (data["status"], data["reply"], data["reply_public"]) == ("replied", "已安排维修。", False)


def test_rating_through_the_api(client, office):
    created = post(client, body(office)).json()
    rate = f"{URL}/{created['code']}/rating"
    headers = {"HTTP_X_ACCESS_TOKEN": created["access_token"]}
    assert client.post(rate, {"rating": "satisfied"}, content_type="application/json", **headers).status_code == 400
    messages.reply_message(office["officer"], Message.objects.get(code=created["code"]), "已修好。")
    assert client.post(rate, {"rating": "great"}, content_type="application/json", **headers).json()["errors"]
    assert client.post(rate, {"rating": "satisfied"}, content_type="application/json",
                       HTTP_X_ACCESS_TOKEN="WRONG").status_code == 404
    done = client.post(rate, {"rating": "satisfied", "comment": "很快"}, content_type="application/json", **headers)
    assert done.status_code == 200 and done.json()["rating"] == "satisfied"


def test_the_list_holds_public_replies_only(client, office):
    def made(**values):
        created = post(client, body(office, **values)).json()
        return Message.objects.get(code=created["code"])

    published = made(title="公开的答复", name="公开者姓名")
    private = made(title="不同意公开", publish_reply=False)
    unpublished = made(title="尚未公开的答复")
    waiting = made(title="尚未答复")
    for m in (published, private, unpublished):
        messages.reply_message(office["officer"], m, f"{m.title}的答复")
    messages.publish_reply(office["officer"], Message.objects.get(pk=published.pk))
    data = client.get(URL).json()
    assert data["count"] == 1 and [r["title"] for r in data["results"]] == ["公开的答复"]
    assert set(data["results"][0]) == {"id", "category", "category_label", "agency", "title", "content",
                                       "received_on", "replied_on", "reply", "url"}
    assert "公开者姓名" not in client.get(URL).content.decode() and "13800001234" not in client.get(URL).content.decode()
    assert client.get(URL, {"category": "error_report"}).json()["count"] == 0
    assert client.get(URL, {"category": "nope"}).status_code == 400
    assert client.get(URL, {"page": 0}).status_code == 400
    assert waiting.status == MessageStatus.RECEIVED


@pytest.mark.django_db(transaction=True)
def test_mail_to_the_writer_through_smtp(client, office, mail_settings):
    with smtp_server(mail_settings) as (_, inbox):
        created = post(client, body(office, email="writer@example.com")).json()
        message = Message.objects.get(code=created["code"])
        messages.reply_message(office["officer"], message, "路灯已于今天修复。")
        assert len(inbox.messages) == 2
        texts = []
        for envelope in inbox.messages:
            assert envelope.rcpt_tos == ["writer@example.com"]
            parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
            texts.append((str(parsed["Subject"]), parsed.get_content()))
    assert "留言已收到" in texts[0][0] and created["code"] in texts[0][1] and message.due_on.strftime("%Y年%m月%d日") in texts[0][1]
    assert "留言已答复" in texts[1][0] and "路灯已于今天修复。" in texts[1][1]
    assert all(created["access_token"] not in text for _subject, text in texts)
    assert OutgoingMail.objects.filter(status=OutgoingMail.Status.SENT).count() == 2


# -- attachments as a multipart form ---------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def multipart(client, office, upload=None, **values):
    data = {k: ("true" if v is True else "false" if v is False else v) for k, v in body(office, **values).items()}
    if upload is not None:
        data["attachment"] = upload
    return client.post(URL, data)  # the test client sends a dict as multipart/form-data


def test_an_attachment_comes_as_a_multipart_form_checked_as_the_web_form(client, office):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gongkai.participation import rules

    sent = multipart(client, office, SimpleUploadedFile("照片.png", PNG, content_type="image/png"))
    assert sent.status_code == 201, sent.content
    message = Message.objects.get(code=sent.json()["code"])
    assert (message.attachment_name, message.attachment_type, message.publish_reply) == ("照片.png", "image/png", True)
    assert message.attachment.read() == PNG and message.channel == "api"
    assert messages.find(sent.json()["code"], sent.json()["access_token"]) == message
    fake = multipart(client, office, SimpleUploadedFile("a.pdf", b"not a pdf", content_type="application/pdf"))
    assert fake.status_code == 400 and "内容与扩展名不符" in fake.json()["errors"]["attachment"][0]
    big = PNG + b"\0" * (rules.attachment_limit() + 1 - len(PNG))
    too_big = multipart(client, office, SimpleUploadedFile("大图.png", big, content_type="image/png"))
    assert too_big.status_code == 400 and "附件不能超过" in too_big.json()["errors"]["attachment"][0]
    from tests.samples import minimal_pdf

    pdf = multipart(client, office, SimpleUploadedFile("a.pdf", minimal_pdf("shot")),
                    category="error_report", page_url="/wzdt/", title="")
    assert pdf.status_code == 400 and "截图只能是图片" in pdf.json()["errors"]["attachment"][0]
    missing = multipart(client, office, title="")
    assert missing.status_code == 400 and "title" in missing.json()["errors"]
    assert Message.objects.count() == 1  # nothing stored for the refused ones


def test_a_multipart_form_from_another_site_is_refused(client, office):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {**body(office, publish_reply="true"), "attachment": SimpleUploadedFile("p.png", PNG)}
    assert client.post(URL, data, HTTP_ORIGIN="https://evil.example").status_code == 403
    assert client.post(URL, "a=b", content_type="application/x-www-form-urlencoded").status_code == 415
    assert client.post(f"{URL}/LY-2222-3333/rating", data).status_code == 415  # other writes stay JSON only
    assert not Message.objects.exists()


def test_an_error_report_through_the_api_gets_a_title_from_its_page(client, office):
    created = post(client, body(office, category="error_report", agency="", title="", page_url="/wzdt/",
                                content="网站地图的链接打不开"))
    assert created.status_code == 201
    assert Message.objects.get(code=created.json()["code"]).title == "纠错：/wzdt/——网站地图的链接打不开"


def test_the_openapi_document_names_both_request_bodies(client):
    spec = client.get("/api/v1/openapi.json").json()
    content = spec["paths"]["/api/v1/messages"]["post"]["requestBody"]["content"]
    assert set(content) == {"application/json", "multipart/form-data"}
    assert content["multipart/form-data"]["schema"]["properties"]["attachment"]["format"] == "binary"
    assert "attachment" not in content["application/json"]["schema"]["properties"]


def test_schema_and_service_errors_come_in_one_answer(client, office):
    response = post(client, {"category": "xx", "agency": "nope", "title": "t", "content": "c", "publish_reply": "yes"})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"publish_reply", "category", "agency", "name", "phone"} <= set(errors), errors
    assert not Message.objects.exists()
    typed = post(client, body(office, email=5, phone="", name=""))
    assert {"email", "name"} <= set(typed.json()["errors"]) and "phone" not in typed.json()["errors"]
