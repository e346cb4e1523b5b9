"""Form helpers shared by every domain's staff and public forms: the service-error bridge, dates, choices, text.

Forms only check shapes; the rules stay in the services, whose DomainErrors are put back beside the fields.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.utils import timezone

from gongkai.core.errors import DomainError

T = TypeVar("T")

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


# Dates outside these are typos (0001-01-01, 20266-01-01) whatever the field: the People's Republic's records
# start in 1949, and nothing the platform handles is dated beyond this century.
EARLIEST_DATE = dt.date(1949, 10, 1)
LATEST_DATE = dt.date(2100, 12, 31)
# Text a field gives no limit of its own: a line or a box of this many characters at most, so nothing larger
# than a column holds (PostgreSQL refuses, SQLite would store it) or than a person types reaches a service.
MAX_LINE = 1000
MAX_BOX = 20000


def fmt_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def today() -> dt.date:
    return timezone.localdate()


# What an empty select offers instead of Django's "---------".
EMPTY_CHOICE = "请选择"
_DJANGO_EMPTY = "---------"


def label_empty_choice(field: forms.Field) -> None:
    """Give a select's empty option a Chinese label where Django would show "---------" (once per field)."""
    if getattr(field, "_gongkai_empty_labelled", False):
        return
    field._gongkai_empty_labelled = True
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == _DJANGO_EMPTY:
            field.empty_label = EMPTY_CHOICE
    elif isinstance(field, forms.ChoiceField):
        choices = list(field.choices)
        if any(label == _DJANGO_EMPTY for _value, label in choices):
            field.choices = [(value, EMPTY_CHOICE if label == _DJANGO_EMPTY else label) for value, label in choices]


class ServiceForm(forms.Form):
    """A form whose real validation happens in a service; its DomainErrors land beside the fields.

    Every field is bounded before cleaning (see `bound_field`), so no form built on this one can send an id,
    number, date or text outside what the database holds; every select's empty option reads 请选择."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "：")
        super().__init__(*args, **kwargs)

    def __getitem__(self, name: str) -> forms.BoundField:
        # Here rather than in __init__: subclasses add and replace fields after calling super().__init__(), and
        # a field is rendered only through its bound field.
        label_empty_choice(self.fields[name])
        return super().__getitem__(name)

    def full_clean(self) -> None:
        # Here rather than in __init__: subclasses add and replace fields after calling super().__init__().
        for field in self.fields.values():
            bound_field(field)
        super().full_clean()

    def submit(self, save: Callable[[dict[str, Any]], T]) -> T | None:
        """What `save(cleaned_data)` returns when the form is valid and the service accepts it; None when
        either refuses (the service's DomainError then shows beside the fields, as the form's own errors do)."""
        if not self.is_valid():
            return None
        try:
            return save(self.cleaned_data)
        except DomainError as exc:
            self.apply_domain_error(exc)
            return None

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


class DateRange:
    """Refuse a date before `earliest` or after `latest` (a date, or a callable such as `today`)."""

    def __init__(self, label: str, earliest: dt.date | None = None,
                 latest: dt.date | Callable[[], dt.date] | None = None, why: str = "") -> None:
        self.label, self.earliest, self.latest, self.why = label, earliest or EARLIEST_DATE, latest, why

    def __call__(self, value: dt.date | None) -> None:
        if value is None:
            return
        latest = self.latest() if callable(self.latest) else (self.latest or LATEST_DATE)
        if value < self.earliest:
            raise ValidationError(f"{self.label}不能早于{fmt_date(self.earliest)}{self.why}，请核对。", code="too_early")
        if value > latest:
            when = "今天" if self.latest is today else fmt_date(latest)
            raise ValidationError(f"{self.label}不能晚于{when}，请核对。", code="too_late")


def date_field(label: str, help_text: str = "", required: bool = False, *, earliest: dt.date | None = None,
               latest: dt.date | Callable[[], dt.date] | None = None, why: str = "") -> forms.DateField:
    """A date typed or picked, in any of DATE_FORMATS, with Chinese errors; within [earliest, latest]
    (by default 1949-10-01 to 2100-12-31; pass latest=today for things that have already happened)."""
    return forms.DateField(label=label, required=required, input_formats=DATE_FORMATS, widget=DateInput(),
                           error_messages={**DATE_ERRORS, "required": f"请填写{label}。"}, help_text=help_text,
                           validators=[DateRange(label, earliest, latest, why)])


def bound_field(field: forms.Field) -> None:
    """Give `field` the limits it lacks: ids and integers within a 64-bit column, dates within
    EARLIEST_DATE..LATEST_DATE, text within MAX_LINE or MAX_BOX characters (idempotent)."""
    if getattr(field, "_gongkai_bounded", False):
        return
    field._gongkai_bounded = True
    label = str(field.label or "该项")
    if isinstance(field, forms.ModelChoiceField):
        _bound_choice_ids(field)
    elif isinstance(field, forms.IntegerField):
        if field.max_value is None:
            field.validators.append(MaxValueValidator(MAX_ID, message=f"{label}太大了，请核对。"))
        if field.min_value is None:
            field.validators.append(MinValueValidator(-MAX_ID, message=f"{label}太小了，请核对。"))
    elif isinstance(field, forms.DateField):
        if not any(isinstance(v, DateRange) for v in field.validators):
            field.validators.append(DateRange(label))
    elif isinstance(field, forms.CharField) and field.max_length is None:
        limit = MAX_BOX if isinstance(field.widget, forms.Textarea) else MAX_LINE
        field.max_length = limit
        field.validators.append(MaxLengthValidator(limit, message=f"{label}不能超过 {limit} 个字。"))


def _bound_choice_ids(field: forms.ModelChoiceField) -> None:
    # Django looks a chosen id up in the database as given: 99999999999999999999 overflows the driver
    # (a 500) before "not one of the choices" can be said.
    key = field.to_field_name or "pk"
    target = field.queryset.model._meta.pk if key == "pk" else field.queryset.model._meta.get_field(key)
    if target.get_internal_type() not in ("AutoField", "BigAutoField", "IntegerField", "BigIntegerField",
                                          "SmallAutoField", "PositiveIntegerField", "PositiveBigIntegerField"):
        return
    original = field.clean
    message = field.error_messages.get("invalid_choice") or CHOICE_ERRORS["invalid_choice"]
    if "%(" in str(message):
        message = CHOICE_ERRORS["invalid_choice"]

    def clean(value: Any) -> Any:
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if item not in field.empty_values and parse_number(item) is None:
                raise ValidationError(message, code="invalid_choice")
        return original(value)

    field.clean = clean


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


def focus_first_error(form: forms.Form) -> str:
    """Give the first invalid field of `form` the autofocus attribute, so focus lands there on a phone and
    without script; returns its id, or "" when the errors are not about a field."""
    for field in form:
        if field.errors and not field.is_hidden:
            form.fields[field.name].widget.attrs["autofocus"] = True
            return field.auto_id
    return ""
