"""How a date reads on a public page: 2019年06月10日 (the form of the national policy library), everywhere."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def cndate(value: dt.date | dt.datetime | str | None) -> str:
    """`{{ document.published_on|cndate|default:"未注明" }}`: '' for a missing date, so `default` can name it."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value.year}年{value.month:02d}月{value.day:02d}日"
