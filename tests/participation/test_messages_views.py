"""The mailbox's pages: writing (bad input answered at the field with the typed values kept, nothing stored, no
500), the acknowledgement with the token shown once, the query page, the rating, 找错 with the page it came from,
the public replies, and the staff inbox and actions."""

from __future__ import annotations

import csv
import datetime as dt
import email
import email.policy
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongkai.core.models import AuditEntry
from gongkai.orgs.roles import Role
from gongkai.participation import messages
from gongkai.participation.models import Message, MessageStatus
from tests import factories
from tests.disclosure_factories import disclosure_team
from tests.smtp import smtp_server

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
    assert moved.status_code == 302 and moved["Location"] == f"/staff/participation/messages/m/{message.pk}/"
    followed = client.get(moved["Location"]).content.decode()  # the sending office follows it, read-only
    assert 'id="followed-only"' in followed and "13700001111" not in followed and "发送答复" not in followed
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



def test_a_duplicate_of_an_unknown_code_is_named_at_its_field_with_the_values_kept(client, office):
    message = messages.submit_message(messages.MessageData(**{k: v for k, v in form(office).items()
                                                              if k != "submission"}))[0]
    client.force_login(office["officer"])
    response = client.post(f"/staff/participation/messages/m/{message.pk}/action/",
                           {"action": "mark_duplicate", "original": "LY-9999-9999", "reason": "内容相同"})
    html = response.content.decode()
    assert response.status_code == 400 and "未找到编号为“LY-9999-9999”的留言" in html
    assert 'value="LY-9999-9999"' in html and 'value="内容相同"' in html
    assert Message.objects.get(pk=message.pk).status == MessageStatus.RECEIVED


def test_a_reply_is_shown_once_not_as_its_status_repeated(client, office):
    answer = client.post("/hdjl/xx/", form(office))
    code, _secret = _token(answer.content.decode())
    message = Message.objects.get(code=code)
    messages.reply_message(office["officer"], message, "路灯已修好。")
    page = client.get(f"/hdjl/xx/cx/{code}/").content.decode()
    status = re.search(r'id="message-status">(.*?)</td>', page, re.S).group(1)
    assert "已答复：已答复" not in page and status == f"已于 {timezone.localdate():%Y-%m-%d} 答复，答复内容见下方。"
    assert "路灯已修好。" in page


def test_error_reports_are_titled_on_the_form_and_in_the_staff_list(client, office, settings):
    url = f"{settings.GONGKAI_BASE_URL}/xxgk/documents/{office['draft'].pk}/"
    sent = client.post("/hdjl/zc/", {"page_url": url, "content": "第三条有错别字", "submission": "t1"})
    title = "纠错：《参与市养犬管理办法（征求意见稿）》——第三条有错别字"
    assert sent.status_code == 200 and title in sent.content.decode()
    named = client.post("/hdjl/zc/", {"page_url": "/", "content": "图片", "title": "首页图片不显示", "submission": "t2"})
    assert named.status_code == 200 and Message.objects.filter(title="首页图片不显示").exists()
    client.force_login(office["officer"])
    assert title in client.get("/staff/participation/messages/").content.decode()


def test_the_sending_office_follows_a_transferred_message(client, office):
    other = factories.make_agency("11000000PAR000013X", "参与市住建局", parent=office["government"])
    receiving = disclosure_team(other)["officer"]
    message = messages.submit_message(messages.MessageData(
        category="mailbox", agency=office["agency"].code, title="楼道漏水", content="请维修。", name="孙七",
        phone="13700002222", email="sunqi@example.com", attachment_name="照片.png", attachment=PNG))[0]
    messages.transfer_message(office["officer"], message, other, "属住建局职责")
    client.force_login(office["officer"])
    inbox = client.get("/staff/participation/messages/?view=open").content.decode()
    assert "楼道漏水" not in inbox  # no longer this office's to handle
    transferred = client.get("/staff/participation/messages/?view=transferred").content.decode()
    assert "楼道漏水" in transferred and "参与市住建局" in transferred and "办理中" in transferred
    page = client.get(f"/staff/participation/messages/m/{message.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "属住建局职责" in html and "请维修。" in html
    assert 'href="/staff/participation/messages/?view=transferred"' in html  # back to its own list, not the other's
    assert "孙七" not in html and "13700002222" not in html and "sunqi@example.com" not in html
    assert "发送答复" not in html and "staff-message-action" not in html and "/action/" not in html
    assert client.get(f"/staff/participation/messages/m/{message.pk}/attachment/").status_code == 404
    action = f"/staff/participation/messages/m/{message.pk}/action/"
    assert client.post(action, {"action": "reply_message", "reply": "越权答复"}).status_code == 404
    messages.reply_message(receiving, Message.objects.get(pk=message.pk), "已维修。")
    transferred = client.get("/staff/participation/messages/?view=transferred").content.decode()
    assert "已答复" in transferred
    # The receiving office handles it, with the writer's details; a third office sees nothing.
    client.force_login(receiving)
    assert "孙七" in client.get(f"/staff/participation/messages/m/{message.pk}/").content.decode()
    third = disclosure_team(factories.make_agency("11000000PAR000014X", "参与市农业局", parent=office["government"]))
    client.force_login(third["officer"])
    assert client.get(f"/staff/participation/messages/m/{message.pk}/").status_code == 404
    assert "楼道漏水" not in client.get("/staff/participation/messages/?view=transferred").content.decode()


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_list_downloads_as_csv_and_xlsx_with_the_page_filters(client, office):
    from openpyxl import load_workbook

    from gongkai.participation import exports

    other = factories.make_agency("11000000PAR000015X", "参与市交通局", parent=office["government"])

    def write(title, **values):
        return messages.submit_message(messages.MessageData(**{
            "category": "mailbox", "agency": office["agency"].code, "title": title, "content": f"{title}内容",
            "name": "周八", "phone": "13700003333", "email": "zhouba@example.com", **values}))[0]

    write("=SUM(A1)")  # a formula stays text
    write("网页打不开", category="error_report", page_url="/wzdt/")
    away = write("转走的留言")
    messages.transfer_message(office["officer"], away, other, "属交通局职责")
    client.force_login(office["officer"])
    url = "/staff/participation/messages/export.csv"
    rows = _csv(client.get(url, {"view": "all"}))
    assert rows[0] == exports.MESSAGE_HEADERS and {"姓名", "联系电话", "电子邮箱", "收到日期", "状态"} <= set(rows[0])
    assert sorted(r[3] for r in rows[1:]) == sorted(["'=SUM(A1)", "网页打不开"])
    assert all(r[rows[0].index("联系电话")] == "13700003333" for r in rows[1:])
    only = _csv(client.get(url, {"view": "all", "category": "error_report"}))
    assert [r[3] for r in only[1:]] == ["网页打不开"]
    assert _csv(client.get(url, {"view": "replied"}))[1:] == []
    # A message handed on: listed with where it went, without the writer's details (the receiving office's now).
    sent = _csv(client.get(url, {"view": "transferred"}))
    assert [r[3] for r in sent[1:]] == ["转走的留言"] and sent[1][rows[0].index("办理机关")] == "参与市交通局"
    assert "13700003333" not in str(sent) and "周八" not in str(sent) and exports.WITHHELD in sent[1]
    book = client.get("/staff/participation/messages/export.xlsx", {"view": "all"})
    assert book["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(book.content)).active
    assert [c.value for c in sheet[1]] == exports.MESSAGE_HEADERS and sheet.max_row == 3
    assert AuditEntry.objects.filter(action="export_messages").count() == 3  # only the downloads with personal data
    assert client.get("/staff/participation/messages/export.pdf").status_code == 404
    client.force_login(office["team"][Role.DRAFTER])  # no mailbox at all
    assert client.get(url).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_a_lost_token_is_replaced_by_mail_and_the_old_one_stops(client, office, mail_settings):
    with smtp_server(mail_settings) as (_, inbox):
        answer = client.post("/hdjl/xx/", form(office, email="writer@example.com"))
        code, old = _token(answer.content.decode())
        inbox.messages.clear()
        page = client.get("/hdjl/xx/cx/").content.decode()
        assert 'href="/hdjl/xx/zh/"' in page
        texts = []
        for typed_code, typed_email in ((code, "nobody@example.com"), ("LY-2222-3333", "writer@example.com"),
                                        (code.lower().replace("-", ""), " Writer@Example.COM ")):
            response = client.post("/hdjl/xx/zh/", {"code": typed_code, "email": typed_email})
            assert response.status_code == 200
            texts.append(re.search(r'id="recover-answer">(.*?)</div>', response.content.decode(), re.S).group(1))
        assert len(set(texts)) == 1 and "若" in texts[0]  # the same answer whether or not it matched
        assert [e.rcpt_tos for e in inbox.messages] == [["writer@example.com"]]
        parsed = email.message_from_bytes(inbox.messages[0].original_content, policy=email.policy.default)
    body = parsed.get_content()
    new = re.search(r"新的查询密码：(\S+)", body).group(1)
    assert code in str(parsed["Subject"]) and new != old and old not in body
    assert messages.find(code, new) is not None and messages.find(code, old) is None
    other = client.__class__()
    assert other.post("/hdjl/xx/cx/", {"code": code, "token": old}).status_code == 404
    assert other.post("/hdjl/xx/cx/", {"code": code, "token": new}).status_code == 302
    assert Message.objects.get(code=code).steps.filter(kind="token_reset").count() == 1
    assert client.post("/hdjl/xx/zh/", {"code": code, "email": ""}).status_code == 400


def test_token_recovery_is_rate_limited(client, office, settings, mail_settings):
    message = messages.submit_message(messages.MessageData(**{k: v for k, v in form(office).items()
                                                              if k != "submission"}))[0]
    settings.GONGKAI_MESSAGE_RATE_LIMIT = "2/3600"
    statuses = [client.post("/hdjl/xx/zh/", {"code": message.code, "email": "x@example.com"}).status_code
                for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_staff_enter_a_letter_and_get_its_code_and_token_once(client, office):
    client.force_login(office["officer"])
    page = client.get(f"/staff/participation/messages/new/{office['agency'].code}/")
    assert page.status_code == 200 and "来访" in page.content.decode()
    url = f"/staff/participation/messages/new/{office['agency'].code}/"
    received = timezone.localdate() - dt.timedelta(days=2)
    data = {"channel": "visit", "received_on": f"{received:%Y-%m-%d}", "category": "complaint", "title": "来访反映噪音",
            "content": "夜间施工噪音扰民。", "name": "吴九", "phone": "", "email": "", "address": ""}
    refused = client.post(url, data)
    assert refused.status_code == 400 and "通信地址" in refused.content.decode() and "夜间施工噪音扰民。" in refused.content.decode()
    tomorrow = client.post(url, {**data, "received_on": f"{timezone.localdate() + dt.timedelta(days=1):%Y-%m-%d}",
                                 "phone": "13700004444"})
    assert tomorrow.status_code == 400 and "收到日期不能晚于今天" in tomorrow.content.decode()
    done = client.post(url, {**data, "phone": "13700004444"})
    assert done.status_code == 200
    code, token = _token(done.content.decode())
    message = Message.objects.get(code=code)
    assert (message.channel, message.received_on, message.category) == ("visit", received, "complaint")
    assert messages.find(code, token) == message
    assert AuditEntry.objects.get(action="register_message").actor == office["officer"]
    inbox = client.get("/staff/participation/messages/").content.decode()
    assert "来访反映噪音" in inbox and "来访" in inbox
    assert client.get("/staff/participation/messages/new/NOPE/").status_code == 404


def test_every_mistake_of_the_public_form_is_reported_in_one_round(client, office):
    empty = client.post("/hdjl/xx/", {"submission": "sub-e"}).content.decode()
    for text in ("请选择留言类别", "请选择写信对象", "请填写标题", "请填写留言内容", "请填写姓名",
                 "至少填写联系电话或电子邮箱"):
        assert text in empty, text
    long_title = client.post("/hdjl/xx/", form(office, title="标" * 300, phone="abc", email="bad"))
    html = long_title.content.decode()
    assert long_title.status_code == 400
    assert "不能超过" in html and "联系电话只能包含数字" in html and "电子邮箱格式不正确" in html
    assert "小区门口的路灯坏了。" in html and "张三" in html  # what was typed stays
    assert not Message.objects.exists()


def test_every_mistake_of_the_staff_letter_form_is_reported_in_one_round(client, office):
    client.force_login(office["officer"])
    url = f"/staff/participation/messages/new/{office['agency'].code}/"
    html = client.post(url, {"content": "来信照录。"}).content.decode()
    for text in ("请选择来信、来电或来访", "收到日期", "请选择留言类别", "请填写标题", "请填写姓名",
                 "联系电话、电子邮箱或通信地址"):
        assert text in html, text
    assert "来信照录。" in html and not Message.objects.exists()


def test_an_office_over_several_agencies_opens_on_all_of_them(client, office):
    from gongkai.orgs import services as org_services
    from tests.participation.conftest import make_consultation

    general = org_services.create_staff_user("quanbu", agency=office["government"], full_name="政府办公开科",
                                             roles=[Role.DISCLOSURE_OFFICER], password=factories.PASSWORD,
                                             covers_subordinates=True)
    messages.submit_message(messages.MessageData(
        category="mailbox", agency=office["agency"].code, title="下级机关的留言", content="请答复。", name="周八",
        phone="13700003333"))
    make_consultation(office)
    client.force_login(general)
    inbox = client.get("/staff/participation/messages/").content.decode()
    assert "下级机关的留言" in inbox and "全部机构" in inbox and "没有留言" not in inbox
    assert "参与市城市管理局" in inbox  # the agency handling each message is named in the list
    own = client.get(f"/staff/participation/messages/?agency={office['government'].code}").content.decode()
    assert "没有留言" in own  # one agency can still be chosen
    overview = client.get("/staff/participation/").content.decode()
    assert "参与市养犬管理办法" in overview and "尚无征求意见" not in overview
    download = client.get("/staff/participation/messages/export.csv?agency=all")
    assert download.status_code == 200 and "下级机关的留言" in download.content.decode("utf-8-sig")
    # One agency only: no 全部机构 choice, as before.
    client.force_login(office["officer"])
    assert "全部机构" not in client.get("/staff/participation/messages/").content.decode()


def test_token_recovery_without_a_mail_server_says_so_and_keeps_the_token(client, office, settings):
    settings.GONGKAI_SMTP_HOST = ""
    settings.GONGKAI_SITE_CONTACT = "电话：010-12345678"
    answer = client.post("/hdjl/xx/", form(office, email="writer@example.com"))
    code, token = _token(answer.content.decode())
    for page in (client.get("/hdjl/xx/zh/"), client.post("/hdjl/xx/zh/", {"code": code, "email": "writer@example.com"})):
        html = page.content.decode()
        assert "无法发送电子邮件" in html and "010-12345678" in html
        assert "已发送" not in html and 'name="email"' not in html
    assert messages.find(code, token) is not None  # the old token still works
    assert not Message.objects.get(code=code).steps.filter(kind="token_reset").exists()


def test_the_xlsx_download_types_cells_as_text_without_the_csv_apostrophe(client, office):
    from openpyxl import load_workbook

    messages.submit_message(messages.MessageData(
        category="mailbox", agency=office["agency"].code, title="=HYPERLINK(\"http://x\")", content="-1 元的收费",
        name="郑十", phone="+86 139 1234 5678"))
    client.force_login(office["officer"])
    book = load_workbook(io.BytesIO(client.get("/staff/participation/messages/export.xlsx?view=all").content))
    cells = {c.value: c for c in book.active[2]}
    for typed in ("+86 139 1234 5678", "=HYPERLINK(\"http://x\")", "-1 元的收费"):
        assert typed in cells and cells[typed].data_type == "s", typed
    sent = _csv(client.get("/staff/participation/messages/export.csv?view=all"))[1]
    assert "'+86 139 1234 5678" in sent and "'=HYPERLINK(\"http://x\")" in sent  # the CSV keeps its guard


def test_a_form_sent_again_after_a_lost_answer_says_what_to_do(client, office, settings):
    settings.GONGKAI_SITE_CONTACT = "电话：010-12345678"
    client.post("/hdjl/xx/", form(office, submission="sub-lost"))  # the answer never reached the writer
    code = Message.objects.get().code
    again = client.__class__().post("/hdjl/xx/", form(office, submission="sub-lost"))
    html = again.content.decode()
    assert again.status_code == 409 and code in html
    assert "010-12345678" in html and "作为一条新留言登记" in html
    fresh = re.search(r'name="submission" value="([^"]+)"', html).group(1)
    assert fresh != "sub-lost" and "小区门口的路灯坏了。" in html  # what was typed stays, ready to send as new
    assert client.__class__().post("/hdjl/xx/", form(office, submission=fresh)).status_code == 200
    assert Message.objects.count() == 2
