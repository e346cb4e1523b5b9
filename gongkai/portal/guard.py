"""Refuse requests carrying NUL characters before any view sees them.

No person types a NUL; PostgreSQL cannot store or even compare one in a text column (psycopg raises
DataError), so one `%00` in a query string, a form field, a JSON string or the path would otherwise be a
500 on PostgreSQL while SQLite answers normally. One check here serves every form, filter and endpoint.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

MESSAGE = "请求中含有无法处理的控制字符（NUL），请删除后重新提交。"
# A JSON string may spell NUL as an escape; the raw byte is caught by the decoded check.
_JSON_NUL = re.compile(rb"\\u0000", re.I)


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()):
        return True
    if request.method in ("POST", "PUT", "PATCH"):
        content_type = request.content_type or ""
        if content_type == "application/json":
            body = request.body
            return b"\x00" in body or bool(_JSON_NUL.search(body))
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return any("\x00" in key or any("\x00" in v for v in values) for key, values in request.POST.lists())
    return False


class RefuseNulMiddleware:
    """400 with a Chinese message (JSON under /api/) for a request holding a NUL anywhere it could be stored."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": MESSAGE}, status=400, json_dumps_params={"ensure_ascii": False})
            return render(request, "portal/error.html", {"title": "请求有误", "message": MESSAGE}, status=400)
        return self.get_response(request)
