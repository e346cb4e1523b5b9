"""Logins under the failed-login limits: the mixin the staff login uses, and the /admin/ login form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm

from gongkai.orgs import logins


class ThrottledLoginMixin:
    """Refuse a waiting or locked name or address before any password check; count and audit each failure."""

    def clean(self) -> dict[str, Any]:
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if username is None or not password:
            return super().clean()
        try:
            attempt = logins.begin(username, logins.client_address(self.request))
        except logins.LoginRefused as refused:
            raise forms.ValidationError(str(refused), code="throttled") from None
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            wait = logins.failed(attempt)
            if wait != 0:
                # The same words whether or not the name is an account, so a lock reveals nothing.
                raise forms.ValidationError(logins.refusal_message(wait), code="throttled") from None
            raise
        logins.succeeded(attempt)
        return cleaned


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The /admin/ login form under the same limits as the staff login."""
