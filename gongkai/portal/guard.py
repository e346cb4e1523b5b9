"""Refuse requests carrying NUL characters, or lone UTF-16 surrogates in JSON, before any view sees them.

No person types a NUL; PostgreSQL cannot store or even compare one in a text column (psycopg raises
DataError), so one `%00` in a query string, a form field, a JSON string or the path would otherwise be a
500 on PostgreSQL while SQLite answers normally. One check here serves every form, filter and endpoint.

A JSON string may also hold half of a surrogate pair as an escape (`"\\ud800"`): valid JSON, but no character,
so it cannot be encoded as UTF-8 and any view handing it to the segmenter or the database failed with a 500
(POST /api/v1/qa/ask, /api/v1/messages, /api/v1/applications). Forms and query strings cannot carry one (Django
decodes them replacing what is not UTF-8).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from gongkai.core.jsonbody import body_json

MESSAGE = "请求中含有无法处理的控制字符（NUL），请删除后重新提交。"
SURROGATE_MESSAGE = "请求中含有无法识别的字符（不成对的 UTF-16 代理项，如 \\ud800），请删除或改正后重新提交。"
# A JSON string may spell NUL as an escape; the raw byte is caught by the decoded check.
_JSON_NUL = re.compile(rb"\\u0000", re.I)
# The escape of a surrogate (D800–DFFF): only a body holding one is decoded to look for a lone one.
_JSON_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATES = re.compile(r"[\ud800-\udfff]")


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


def _holds_surrogate(value: Any) -> bool:
    """Whether any string in a parsed JSON value holds a lone surrogate; walked with a stack of its own, so a
    body nested thousands deep is no recursion error."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATES.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _has_lone_surrogate(request: HttpRequest) -> bool:
    """Whether a JSON body holds half a surrogate pair (json pairs up the halves that do form a character)."""
    if request.method not in ("POST", "PUT", "PATCH") or (request.content_type or "") != "application/json":
        return False
    if not _JSON_SURROGATE.search(request.body):
        return False
    try:
        return _holds_surrogate(body_json(request))
    except (ValueError, RecursionError):
        return False  # not JSON the parser can read: the API says so itself


class RefuseNulMiddleware:
    """400 with a Chinese message (JSON under /api/) for a request holding a NUL anywhere it could be stored, or a
    lone surrogate in its JSON body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        message = MESSAGE if _has_nul(request) else SURROGATE_MESSAGE if _has_lone_surrogate(request) else None
        if message:
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400, json_dumps_params={"ensure_ascii": False})
            return render(request, "portal/error.html", {"title": "请求有误", "message": message}, status=400)
        return self.get_response(request)
