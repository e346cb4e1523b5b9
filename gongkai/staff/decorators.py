"""The guard every staff page stands behind."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    """A 403 page in Chinese, for signed-in staff who lack a role."""
    return render(request, "portal/error.html", {"title": "没有权限", "message": message}, status=403)


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Send anonymous visitors to the login page and refuse signed-in users who are not staff."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (request.user.is_active and request.user.is_staff):
            return forbidden(request, "工作台仅供工作人员使用。")
        return view(request, *args, **kwargs)

    return wrapper
