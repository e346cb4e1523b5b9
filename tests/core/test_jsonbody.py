"""JSON bodies are read in the charset their Content-Type declares, on every JSON API: a hotline system posting
GBK (or GB2312, GB18030) is understood; without a charset a body is UTF-8; one that cannot be read in its charset
is refused with the Chinese 400."""

from __future__ import annotations

import json

import pytest

from gongkai.core.jsonbody import UNPARSABLE
from gongkai.participation.models import Comment, Message
from tests.participation.conftest import office, open_consultation  # noqa: F401 - fixtures
from tests.qa.test_ask import library  # noqa: F401 - fixture

ASK = "/api/v1/qa/ask"


def _post(client, url: str, raw: bytes, content_type: str):
    # generic() sends the bytes as they are (post() would re-encode them as text in the declared charset).
    return client.generic("POST", url, raw, content_type=content_type)


def _json(data: dict, encoding: str) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode(encoding)


@pytest.mark.usefixtures("fresh_search")
@pytest.mark.parametrize("charset", ["gbk", "GBK", "gb2312", "GB18030", "cp936"])
def test_a_hotline_system_asking_in_gbk_is_answered(client, library, charset):  # noqa: F811
    raw = _json({"question": "带狗出门要不要系犬链"}, "gbk")
    response = _post(client, ASK, raw, f"application/json; charset={charset}")
    assert response.status_code == 200, response.content.decode()
    assert response.json()["sources"][0]["article"] == "第八条"


@pytest.mark.usefixtures("fresh_search")
def test_without_a_charset_a_body_is_utf8_and_gbk_bytes_are_refused_in_chinese(client, library):  # noqa: F811
    question = {"question": "带狗出门要不要系犬链"}
    assert _post(client, ASK, _json(question, "utf-8"), "application/json").json()["answered"] is True
    assert _post(client, ASK, _json(question, "utf-8"), "application/json; charset=unknown-9").status_code == 200
    refused = _post(client, ASK, _json(question, "gbk"), "application/json")
    assert refused.status_code == 400 and refused.json()["detail"] == UNPARSABLE


@pytest.mark.usefixtures("fresh_search")
def test_a_body_that_is_not_text_in_its_charset_gets_the_chinese_400(client, library):  # noqa: F811
    response = _post(client, ASK, b'{"question": "\xff\xfe\xff"}', "application/json; charset=gbk")
    assert response.status_code == 400 and response.json()["detail"] == UNPARSABLE


def test_gb2312_declared_is_read_as_gb18030_on_the_mailbox_api(client, office):  # noqa: F811
    # 赟 is GBK, not GB2312: systems that say gb2312 send GBK, which GB18030 holds.
    data = {"category": "mailbox", "agency": office["agency"].code, "title": "路灯不亮", "content": "王赟家门口的路灯坏了。",
            "name": "王赟", "phone": "13800001234", "publish_reply": False}
    response = _post(client, "/api/v1/messages", _json(data, "gbk"), "application/json; charset=gb2312")
    assert response.status_code == 201, response.content.decode()
    assert Message.objects.get().content == "王赟家门口的路灯坏了。"
    refused = _post(client, "/api/v1/messages", b'{"content": "\xff"}', "application/json; charset=gbk")
    assert refused.status_code == 400 and refused.json()["detail"] == UNPARSABLE


def test_gb18030_reaches_the_consultation_comments_api(client, open_consultation):  # noqa: F811
    content = "建议第三条写明𠀀村的养犬登记点。"  # 𠀀 (U+20000) has only GB18030's four-byte form
    response = _post(client, f"/api/v1/consultations/{open_consultation.pk}/comments",
                     _json({"content": content}, "gb18030"), "application/json; charset=GB18030")
    assert response.status_code == 201, response.content.decode()
    assert Comment.objects.get().content == content


@pytest.mark.django_db
@pytest.mark.parametrize("url, message", [
    # Found by the trial of 2026-12-02: these said "请求参数有误：tag的值无效。", naming the parameter in English.
    ("/api/v1/qa/pairs?tag=" + "a" * 51, "标签不能超过 50 个字。"),
    ("/api/v1/qa/pairs?subject=" + "a" * 101, "主题分类不能超过 100 个字。"),
    ("/api/v1/search?q=" + "a" * 201, "检索词不能超过 200 个字。"),
    ("/api/v1/suggest?q=" + "a" * 51, "检索词不能超过 50 个字。"),
])
def test_a_parameter_too_long_is_named_in_chinese_with_its_limit(client, url, message):
    response = client.get(url)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == message
    assert message in next(iter(body["errors"].values()))
