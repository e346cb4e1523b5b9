"""The mailbox's pages: writing (bad input answered at the field with the typed values kept, nothing stored, no
500), the acknowledgement with the token shown once, the query page, the rating, 找错 with the page it came from,
the public replies, and the staff inbox and actions."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongkai.core.models import AuditEntry
from gongkai.participation import messages
from gongkai.participation.models import Message, MessageStatus
from tests import factories
from tests.disclosure_factories import disclosure_team

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def form(office, **values) -> dict:
    return {"category": "mailbox", "agency": office["agency"].code, "title": "路灯不亮", "content": "小区门口的路灯坏了。",
            "name": "张三", "phone": "13800001234", "email": "", "submission": "sub-1", **values}


def _token(html: str) -> tuple[str, str]:
    code = re.search(r'id="message-code">([^<]+)<', html).group(1)
    token = re.search(r'id="access-token">([^<]+)<', html).group(1)
    return code, token


def test_write_acknowledge_query_and_rate(client, office):
    page = client.get("/hdjl/xx/")
    assert page.status_code == 200 and office["agency"].name in page.content.decode()
    answer = client.post("/hdjl/xx/", form(office, publish_reply="on"))
    assert answer.status_code == 200
    html = answer.content.decode()
    code, token = _token(html)
    message = Message.objects.get(code=code)
    assert message.publish_reply and f"{message.due_on:%Y年%-m月%-d日}" in html
    assert token not in str(dict(client.session))  # never kept in the session
    again = client.post("/hdjl/xx/", form(office, publish_reply="on"))  # a reload of the answer
    assert again.status_code == 409 and token not in again.content.decode() and Message.objects.count() == 1

    other = client.__class__()
    assert other.get(f"/hdjl/xx/cx/{code}/").status_code == 404  # not unlocked in that browser
    wrong = other.post("/hdjl/xx/cx/", {"code": code, "token": "WRONG"})
    assert wrong.status_code == 404 and "查询码或查询密码不正确" in wrong.content.decode()
    assert code in wrong.content.decode()  # the code typed stays
    found = other.post("/hdjl/xx/cx/", {"code": code.lower(), "token": token})
    assert found.status_code == 302 and found["Location"] == f"/hdjl/xx/cx/{code}/"
    status = other.get(found["Location"]).content.decode()
    assert "办理中" in status and "提交评价" not in status and "张三" not in status
    messages.reply_message(office["officer"], message, "已安排维修，三日内修复。")
    status = other.get(found["Location"]).content.decode()
    assert "已安排维修，三日内修复。" in status and "提交评价" in status
    bad = other.post(found["Location"], {"rating": "", "comment": "还行"})
    assert bad.status_code == 400 and "请选择满意、基本满意或不满意" in bad.content.decode()
    assert "还行" in bad.content.decode()
    assert other.post(found["Location"], {"rating": "satisfied", "comment": "很好"}).status_code == 302
    assert Message.objects.get(pk=message.pk).rating == "satisfied"
    assert "您的评价：满意" in other.get(found["Location"]).content.decode()


@pytest.mark.parametrize(("values", "field", "text"), [
    ({"category": ""}, "category", "请选择留言类别"),
    ({"agency": "NOPE"}, "agency", "请从列表中选择"),
    ({"title": ""}, "title", "请填写标题"),
    ({"content": ""}, "content", "请填写留言内容"),
    ({"phone": "", "email": ""}, "phone", "至少填写联系电话或电子邮箱"),
    ({"email": "bad-address"}, "email", "电子邮箱格式不正确"),
    ({"content": "字" * 5001}, "content", "不能超过"),
    ({"title": "标" * 101}, "title", "不能超过"),
])
def test_bad_input_is_answered_at_the_field_with_the_values_kept(client, office, values, field, text):
    data = form(office, **values)
    response = client.post("/hdjl/xx/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert text in html
    assert re.search(rf'id="id_{field}"[^>]*autofocus|autofocus[^>]*id="id_{field}"', html) or 'id="form-errors"' in html
    for kept in ("小区门口的路灯坏了。", "张三"):
        if kept in data.values():
            assert kept in html
    assert not Message.objects.exists()


def test_a_bad_attachment_is_refused_and_nothing_stored(client, office):
    bad = SimpleUploadedFile("a.pdf", b"not a pdf", content_type="application/pdf")
    response = client.post("/hdjl/xx/", {**form(office), "attachment": bad})
    assert response.status_code == 400 and "内容与扩展名不符" in response.content.decode()
    assert not Message.objects.exists()
    good = SimpleUploadedFile("照片.png", PNG, content_type="image/png")
    assert client.post("/hdjl/xx/", {**form(office, submission="sub-2"), "attachment": good}).status_code == 200
    assert Message.objects.get().attachment_type == "image/png"


def test_the_honeypot_and_the_rate_limit(client, office, settings):
    assert client.post("/hdjl/xx/", form(office, website="http://spam")).status_code == 400
    settings.GONGKAI_MESSAGE_RATE_LIMIT = "1/3600"
    assert client.post("/hdjl/xx/", form(office, submission="a")).status_code == 200
    limited = client.post("/hdjl/xx/", form(office, submission="b"))
    assert limited.status_code == 429 and "提交过于频繁" in limited.content.decode()
    assert Message.objects.count() == 1


def test_error_report_page_fills_in_the_page_it_came_from(client, office, settings):
    url = f"{settings.GONGKAI_BASE_URL}/xxgk/documents/{office['draft'].pk}/"
    page = client.get("/hdjl/zc/", HTTP_REFERER=url).content.decode()
    assert f'value="{url}"' in page
    assert 'value="https://evil.example/x"' not in client.get("/hdjl/zc/?url=https://evil.example/x").content.decode()
    missing = client.post("/hdjl/zc/", {"page_url": "", "content": "", "submission": "z1"})
    assert missing.status_code == 400 and "请填写出错页面的网址" in missing.content.decode()
    assert "请描述页面上的错误，或上传截图" in missing.content.decode()
    shot = SimpleUploadedFile("截图.png", PNG, content_type="image/png")
    sent = client.post("/hdjl/zc/", {"page_url": url, "content": "", "attachment": shot, "submission": "z2"})
    assert sent.status_code == 200
    report = Message.objects.get()
    assert (report.category, report.page_document, report.agency) == ("error_report", office["draft"], office["agency"])


def test_the_footer_leads_to_our_error_report_page(client, office, settings):
    from gongkai import conf

    assert conf.error_report_url() == "/hdjl/zc/"
    settings.GONGKAI_ERROR_REPORT_URL = conf.error_report_url()
    footer = client.get("/").content.decode().split('<footer class="site-footer">')[1]
    assert '<a href="/hdjl/zc/">我为政府网站找错</a>' in footer


def test_public_replies_pages(client, office):
    made = messages.submit_message(messages.MessageData(
        category="mailbox", agency=office["agency"].code, title="维修路灯的留言", content="留言正文", name="公开者",
        phone="13811112222", publish_reply=True))[0]
    assert client.get("/hdjl/xx/hf/").content.decode().count("维修路灯的留言") == 0
    assert client.get(f"/hdjl/xx/hf/{made.pk}/").status_code == 404
    messages.reply_message(office["officer"], made, "答复正文")
    assert client.get(f"/hdjl/xx/hf/{made.pk}/").status_code == 404  # answered, not yet published
    messages.publish_reply(office["officer"], Message.objects.get(pk=made.pk))
    listing = client.get("/hdjl/xx/hf/").content.decode()
    assert "维修路灯的留言" in listing
    detail = client.get(f"/hdjl/xx/hf/{made.pk}/").content.decode()
    assert "答复正文" in detail and "公开者" not in detail and "13811112222" not in detail
    assert client.get("/hdjl/xx/hf/99999999999999/").status_code == 404
    assert client.get("/hdjl/xx/hf/?category=nope&page=abc").status_code == 200


# -- staff ----------------------------------------------------------------------------------------------------------

def test_staff_inbox_and_actions(client, office):
    other = factories.make_agency("11000000PAR000011X", "参与市水务局", parent=office["government"])
    other_office = disclosure_team(other)
    message = messages.submit_message(messages.MessageData(
        category="mailbox", agency=office["agency"].code, title="下水道堵塞", content="请疏通。", name="赵六",
        phone="13700001111", publish_reply=True))[0]
    client.force_login(office["officer"])
    inbox = client.get("/staff/participation/messages/").content.decode()
    assert "下水道堵塞" in inbox and "还剩" in inbox
    page = client.get(f"/staff/participation/messages/m/{message.pk}/").content.decode()
    assert "赵六" in page and "13700001111" in page  # the office sees the writer
    action = f"/staff/participation/messages/m/{message.pk}/action/"
    empty = client.post(action, {"action": "transfer_message", "to_agency": other.code, "reason": ""})
    assert empty.status_code == 400 and "请填写转办理由" in empty.content.decode()
    no_reply = client.post(action, {"action": "reply_message", "reply": ""})
    assert no_reply.status_code == 400 and "请填写答复内容" in no_reply.content.decode()
    dup = client.post(action, {"action": "mark_duplicate", "original": "LY-2222-2222", "reason": "重复"})
    assert dup.status_code == 400 and "LY-2222-2222" in dup.content.decode()  # typed value kept
    assert client.post(action, {"action": "nonsense"}).status_code == 302
    moved = client.post(action, {"action": "transfer_message", "to_agency": other.code, "reason": "属水务局职责"})
    assert moved.status_code == 302 and moved["Location"] == "/staff/participation/messages/"
    assert client.get(f"/staff/participation/messages/m/{message.pk}/").status_code == 404  # gone from this office
    client.force_login(other_office["officer"])
    assert client.post(action, {"action": "reply_message", "reply": "已疏通。"}).status_code == 302
    assert client.post(action, {"action": "publish_reply"}).status_code == 302
    again = client.post(action, {"action": "publish_reply"}, follow=True)
    assert "答复已公开" in again.content.decode()
    message.refresh_from_db()
    assert message.status == MessageStatus.REPLIED and message.reply_public
    page = client.get(f"/staff/participation/messages/m/{message.pk}/").content.decode()
    assert "属水务局职责" in page and "参与市城市管理局 → 参与市水务局" in page
    assert AuditEntry.objects.filter(object_type="participation.message", object_id=str(message.pk)).count() == 4


def test_invalid_messages_stay_listed(client, office):
    message = messages.submit_message(messages.MessageData(
        category="mailbox", agency=office["agency"].code, title="广告", content="代开发票", name="某人",
        phone="13700001111"))[0]
    client.force_login(office["head"])
    action = f"/staff/participation/messages/m/{message.pk}/action/"
    assert client.post(action, {"action": "mark_invalid", "reason": "广告"}).status_code == 302
    assert "广告" in client.get("/staff/participation/messages/?view=set_aside").content.decode()
    assert "广告" not in client.get("/staff/participation/messages/?view=open").content.decode()
    assert Message.objects.filter(pk=message.pk, status="invalid").exists()


def test_the_dashboard_panel_shows_the_veto_count(client, office):
    from gongkai.participation import rules

    today = timezone.localdate()
    message = messages.submit_message(messages.MessageData(
        category="mailbox", agency=office["agency"].code, title="旧留言", content="内容", name="某人",
        phone="13700001111"))[0]
    start = today.replace(month=1, day=1)
    Message.objects.filter(pk=message.pk).update(received_on=start, due_on=start)
    client.force_login(office["officer"])
    page = client.get("/staff/").content.decode()
    assert "政府信箱留言" in page and "已超过答复期限" in page
    expected = "1 件" if rules.veto_day(start) <= today else "0 件"
    veto = re.search(r'id="veto-count">(.*?)</li>', page, re.S).group(1)
    assert expected in veto
