"""Form helpers shared by every domain's staff and public forms: the service-error bridge, dates, choices, text.

Forms only check shapes; the rules stay in the services, whose DomainErrors are put back beside the fields.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms

from gongkai.core.errors import DomainError

# Browsers send ISO dates from <input type=date>; the others are what people type when pasting.
DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"]
DATE_ERRORS = {"invalid": "请输入有效的日期，例如 2026-03-02。"}
CHOICE_ERRORS = {"invalid_choice": "请从列表中选择有效的选项。", "required": "请选择一项。"}


_NUMBER = re.compile(r"[0-9]{1,15}")
# Ids and page numbers fit a signed 64-bit column; anything larger is a typo or a probe, never a row.
MAX_ID = 2**63 - 1


def parse_number(value: object, maximum: int = MAX_ID) -> int | None:
    """A whole number typed or sent as ASCII digits (“12”, not “²” or “１２”), within range; else None."""
    text = str(value or "").strip()
    if not _NUMBER.fullmatch(text):
        return None
    number = int(text)
    return number if number <= maximum else None


class ServiceForm(forms.Form):
    """A form whose real validation happens in a service; its DomainErrors land beside the fields."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "：")
        super().__init__(*args, **kwargs)

    def apply_domain_error(self, exc: DomainError) -> None:
        """Show a service's field errors beside the matching fields; anything else above the form."""
        errors = exc.errors or {None: [exc.message]}
        for name, messages in errors.items():
            target = name if name in self.fields else None
            for message in messages:
                self.add_error(target, message)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def date_field(label: str, help_text: str = "", required: bool = False) -> forms.DateField:
    """A date typed or picked, in any of DATE_FORMATS, with Chinese errors."""
    return forms.DateField(label=label, required=required, input_formats=DATE_FORMATS, widget=DateInput(),
                           error_messages={**DATE_ERRORS, "required": f"请填写{label}。"}, help_text=help_text)


def _readable(label: str):
    """Refuse text that arrived in another encoding: undecodable bytes reach us as U+FFFD."""

    def check(value: str) -> None:
        if "\ufffd" in value:
            raise forms.ValidationError(f"{label}含有无法识别的字符（可能是浏览器或输入法编码不对），请重新输入。",
                                        code="unreadable")

    return check


def text_field(label: str, *, rows: int = 0, required: bool = False, max_length: int | None = None,
               help_text: str = "") -> forms.CharField:
    """A line (or with `rows`, a box) of text with Chinese errors naming the field."""
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(label=label, required=required, max_length=max_length, widget=widget,
                           help_text=help_text, validators=[_readable(label)], error_messages={
                               "null_characters_not_allowed": f"{label}含有无法识别的控制字符，请删除后重新填写。",
                               "required": f"请填写{label}。",
                               "max_length": f"{label}不能超过 %(limit_value)d 个字。"})
