"""JSON request bodies of the API read in the charset they declare and checked as JSON, with Chinese messages.

pydantic would turn 123 into "123" for a text field (when told to coerce) or refuse it in English; a public
client deserves to hear which field was wrong and how, in Chinese. A schema built on `JsonIn` refuses a value of
the wrong JSON type field by field; the API's validation handler (gongkai.api) shows the message as written.
"""

from __future__ import annotations

import codecs
import json
import types
import typing
from typing import Any

from django.http import HttpRequest
from ninja import Schema
from ninja.parser import Parser
from pydantic import ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

# The error type the API's validation handler shows as written (pydantic's own messages are English).
CHINESE_ERROR = "gongkai"
UNPARSABLE = "请求内容不是有效的 JSON，无法解析：请检查引号、逗号和括号是否成对，文字须用英文双引号括起。"
# Names of the parameters whose own messages are pydantic's (English): the generic message names them in Chinese.
FIELD_NAMES = {"page": "页码", "page_size": "每页条数", "id": "编号",
               # participation's path and query parameters (/api/v1/consultations…, /api/v1/messages…)
               "consultation_id": "征求意见编号", "code": "查询码", "status": "状态", "category": "留言类别",
               # search and the Q&A's pairs (/api/v1/search, /api/v1/suggest, /api/v1/qa/pairs)
               "q": "检索词", "subject": "主题分类", "tag": "标签"}
EMPTY_BODY = "请求内容为空，应为一个 JSON 对象。"
YES = ("true", "1", "on", "yes")
NO = ("false", "0", "off", "no", "")


def invalid(errors: list[dict]) -> dict:
    """The 400 answer's body for pydantic's errors: per field, the schema's own Chinese message (see JsonIn) as
    written, else a generic one naming the field in Chinese; the first written message as the detail."""
    found: dict[str, list[str]] = {}
    written = []
    for item in errors:
        loc = [str(p) for p in item.get("loc", []) if p not in ("query", "body", "path")]
        name = loc[-1] if loc else "请求"
        if item.get("type") == "missing" and loc == ["payload"]:
            # No body at all: django-ninja names it after the endpoint's parameter ("payload的值无效").
            message = EMPTY_BODY
            written.append(message)
        elif item.get("type") == CHINESE_ERROR:
            message = str(item.get("msg"))
            written.append(message)
        elif item.get("type") == "string_too_long" and (item.get("ctx") or {}).get("max_length"):
            # Too long is said as such, with the limit (检索词不能超过 200 个字), not as an invalid value.
            message = f"{FIELD_NAMES.get(name, name)}不能超过 {item['ctx']['max_length']} 个字。"
            written.append(message)
        else:
            message = f"{FIELD_NAMES.get(name, name)}的值无效。"
        found.setdefault(name, []).append(message)
    first = next(iter(found.values()), [""])[0]
    return {"detail": written[0] if written else f"请求参数有误：{first}" if first else "请求参数有误。",
            "errors": found}


# Chinese partner systems often send GBK or GB2312; GB18030 is a superset of both (and of their Microsoft names).
_SUPERSETS = {"gbk": "gb18030", "gb2312": "gb18030"}


def body_json(request: HttpRequest) -> Any:
    """The request's JSON body, decoded by the charset its Content-Type declares (UTF-8, as JSON's own, when it
    declares none or one Python does not know); ValueError when it is not JSON in that charset."""
    charset = request.content_params.get("charset", "").strip().strip('"').lower() if request.content_params else ""
    try:
        name = codecs.lookup(charset).name if charset else ""
    except LookupError:
        name = ""
    if not name or name.startswith("utf"):
        return json.loads(request.body)  # bytes: json finds UTF-8 (with or without a BOM), UTF-16 or UTF-32 itself
    return json.loads(request.body.decode(_SUPERSETS.get(name, name)))


class CharsetJSONParser(Parser):
    """django-ninja's parser, reading a body in the charset its Content-Type declares (see body_json)."""

    def parse_body(self, request: HttpRequest) -> Any:
        return body_json(request)


def form_yes_no(value: str | None) -> bool | str | None:
    """A yes/no field sent in a form (true/false, 1/0, on/off) as a boolean; anything else as sent, for JsonIn
    to refuse in Chinese."""
    if value is None:
        return None
    lowered = value.strip().lower()
    return True if lowered in YES else False if lowered in NO else value


def _expected(annotation: Any) -> type | None:
    """str or bool when a field takes only that (None aside), else None (the field is checked elsewhere)."""
    args = typing.get_args(annotation) if typing.get_origin(annotation) in (typing.Union, types.UnionType) \
        else (annotation,)
    kinds = {a for a in args if a is not type(None)}
    return next(iter(kinds)) if len(kinds) == 1 and next(iter(kinds)) in (str, bool) else None


class JsonIn(Schema):
    """A JSON body whose text fields take only JSON strings and whose yes/no fields only true or false; each
    refusal names the field by its title (its Chinese name)."""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, value: Any) -> Any:
        # Without this a list or a bare string would be read attribute by attribute, as if every field were empty
        # (ninja hands the body over wrapped in its DjangoGetter).
        if isinstance(getattr(value, "_obj", value), list | str | int | float | bool):
            raise PydanticCustomError(CHINESE_ERROR, "请求内容应为一个 JSON 对象（形如 {\"content\": \"……\"}），"
                                                     "不能是列表、文字或数字。")
        return value

    @field_validator("*", mode="before")
    @classmethod
    def _json_type(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None or info.field_name is None:
            return value
        field = cls.model_fields[info.field_name]
        label = field.title or info.field_name
        expected = _expected(field.annotation)
        if expected is str and not isinstance(value, str):
            raise PydanticCustomError(CHINESE_ERROR, "{label}应为文字（JSON 字符串，用英文双引号括起），不能是数字、"
                                                     "真假值、列表或对象。", {"label": label})
        if expected is bool and not isinstance(value, bool):
            raise PydanticCustomError(CHINESE_ERROR, "{label}应为 true 或 false（不加引号）。", {"label": label})
        return value
