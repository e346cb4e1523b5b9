"""JSON request bodies of the API checked as JSON, with Chinese messages.

pydantic would turn 123 into "123" for a text field (when told to coerce) or refuse it in English; a public
client deserves to hear which field was wrong and how, in Chinese. A schema built on `JsonIn` refuses a value of
the wrong JSON type field by field; the API's validation handler (gongkai.api) shows the message as written.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from ninja import Schema
from pydantic import ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

# The error type the API's validation handler shows as written (pydantic's own messages are English).
CHINESE_ERROR = "gongkai"


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
