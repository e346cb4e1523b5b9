"""When the database is down: a Chinese 503 (JSON for the API) instead of a stack trace or a bare 500.

The page is rendered without touching the database (no session, no user, no query), since the database is
exactly what failed; Retry-After tells proxies and clients to come back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

log = logging.getLogger("gongkai.unavailable")

MESSAGE = "系统正在维护或数据库暂时无法连接，您的请求没有被处理，请稍后再试。"
RETRY_AFTER_SECONDS = 60
# Connection loss, a locked or unreadable database file, a server that refuses connections: all are
# OperationalError or InterfaceError. Programming errors (bad SQL) are not, and stay 500s to be fixed.
DATABASE_DOWN = (OperationalError, InterfaceError)


def response(request: HttpRequest) -> HttpResponse:
    """The 503 answer for `request`: JSON under /api/, a self-contained page elsewhere."""
    if request.path.startswith("/api/") or request.path == "/healthz":
        reply: HttpResponse = JsonResponse({"status": "unavailable", "detail": MESSAGE}, status=503,
                                           json_dumps_params={"ensure_ascii": False})
    else:
        try:
            from gongkai.orgs.site import site_name  # falls back to a fixed name when the database fails

            name = site_name()
        except Exception:  # noqa: BLE001 — the page must render whatever else is broken
            name = "政府信息公开平台"
        html = render_to_string("portal/unavailable.html", {"site_name": name, "message": MESSAGE})
        reply = HttpResponse(html, status=503, content_type="text/html; charset=utf-8")
    reply["Retry-After"] = str(RETRY_AFTER_SECONDS)
    reply["Cache-Control"] = "no-store"
    return reply


class DatabaseUnavailableMiddleware:
    """Outermost middleware: turns a database outage anywhere below it into the 503 answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        except DATABASE_DOWN:
            log.exception("database unavailable while serving %s", request.path)
            return response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_DOWN):
            log.exception("database unavailable while serving %s", request.path, exc_info=exception)
            return response(request)
        return None
