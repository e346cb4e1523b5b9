"""Password policy (GB/T 22239 level 3): length, character classes, no reuse, and a maximum age.

The validators read their numbers from settings when they run, so a changed setting needs no restart of
Django's cached validator list.
"""

from __future__ import annotations

import string
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from gongkai.orgs.models import PasswordHistory

CLASSES = (("大写字母", set(string.ascii_uppercase)), ("小写字母", set(string.ascii_lowercase)),
           ("数字", set(string.digits)))
NEEDED_CLASSES = 3


class LengthValidator:
    """At least GONGKAI_PASSWORD_MIN_LENGTH characters."""

    def validate(self, password: str, user=None) -> None:
        minimum = settings.GONGKAI_PASSWORD_MIN_LENGTH
        if len(password) < minimum:
            raise ValidationError(f"密码太短：至少需要 {minimum} 个字符。", code="password_too_short")

    def get_help_text(self) -> str:
        return f"密码至少 {settings.GONGKAI_PASSWORD_MIN_LENGTH} 个字符。"


def classes_in(password: str) -> int:
    """How many of upper case, lower case, digits and symbols (anything else) the password uses."""
    chars = set(password)
    symbols = any(not any(c in members for _, members in CLASSES) for c in chars)
    return sum(bool(chars & members) for _, members in CLASSES) + symbols


class CharacterClassesValidator:
    """At least three of: upper-case letters, lower-case letters, digits, symbols."""

    def validate(self, password: str, user=None) -> None:
        if classes_in(password) < NEEDED_CLASSES:
            raise ValidationError("密码须包含大写字母、小写字母、数字、符号中的至少三类。", code="password_too_simple")

    def get_help_text(self) -> str:
        return "密码须包含大写字母、小写字母、数字、符号中的至少三类。"


class HistoryValidator:
    """Not one of the user's last GONGKAI_PASSWORD_HISTORY passwords (the current one included)."""

    def validate(self, password: str, user=None) -> None:
        count = settings.GONGKAI_PASSWORD_HISTORY
        if count <= 0 or user is None or user.pk is None:
            return
        hashes = list(PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[:count])
        # The current password counts even when it was set before histories were kept.
        if user.password:
            hashes.append(user.password)
        if any(check_password(password, stored) for stored in hashes):
            raise ValidationError(f"不能使用最近 {count} 次用过的密码，请换一个新密码。", code="password_reused")

    def password_changed(self, password: str, user=None) -> None:
        """Keep the new hash (Django calls this after a user with a new password is saved)."""
        if user is None or user.pk is None:
            return
        PasswordHistory.objects.create(user=user, password=user.password)
        keep = max(settings.GONGKAI_PASSWORD_HISTORY, 1)
        stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[keep:]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self) -> str:
        count = settings.GONGKAI_PASSWORD_HISTORY
        return f"不能与最近 {count} 次用过的密码相同。" if count > 0 else ""


def changed_at(user) -> datetime:
    """When the user's current password was set (the account's creation if no change was recorded)."""
    latest = PasswordHistory.objects.filter(user=user).values_list("created_at", flat=True).first()
    return latest or user.date_joined


def expired(user) -> bool:
    """Whether the password is older than GONGKAI_PASSWORD_MAX_AGE_DAYS (never when that is 0)."""
    days = settings.GONGKAI_PASSWORD_MAX_AGE_DAYS
    return days > 0 and timezone.now() - changed_at(user) > timedelta(days=days)
