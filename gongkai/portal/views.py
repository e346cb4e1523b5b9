"""The public site's shell: home page, health check and error pages."""

import sys

from django.db import DatabaseError, connection
from django.db.models import F
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from gongkai.core.heartbeat import worker_expected, worker_health
from gongkai.orgs.models import Agency
from gongkai.portal import unavailable
from gongkai.publishing.models import DocumentKind
from gongkai.publishing.visibility import public_documents


def home(request):
    latest = public_documents().filter(kind=DocumentKind.POLICY).order_by(F("published_on").desc(nulls_last=True), "-id")[:10]
    interpretations = public_documents().filter(kind=DocumentKind.INTERPRETATION).order_by(F("published_on").desc(nulls_last=True), "-id")[:5]
    agencies = Agency.objects.filter(parent__isnull=True).prefetch_related("children")
    return render(request, "portal/home.html",
                  {"latest": latest, "interpretations": interpretations, "roots": agencies})


def healthz(request):
    """Database, task worker liveness and queue: 200 when all hold, 503 naming the check that failed."""
    checks: dict[str, dict] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = {"status": "ok"}
    except DatabaseError:
        checks["database"] = {"status": "fail", "detail": "数据库无法连接。"}
    if worker_expected():
        checks.update(worker_health())
    failed = [name for name, check in checks.items() if check["status"] != "ok"]
    return JsonResponse({"status": "fail" if failed else "ok", "failed": failed, "checks": checks},
                        status=503 if failed else 200, json_dumps_params={"ensure_ascii": False})


def bad_request(request, exception=None):
    """400, e.g. a Host header that is not in ALLOWED_HOSTS: a Chinese page that never shows a stack trace."""
    return render(request, "portal/error.html", {"title": "请求有误", "message": "无法处理此请求，请检查访问的网址。"},
                  status=400)


def not_found(request, exception=None):
    return render(request, "portal/error.html", {"title": "页面不存在", "message": "您访问的页面不存在或已被移除。"},
                  status=404)


def server_error(request):
    """500, or the database-outage 503 when that is what failed (also in a middleware or the session)."""
    failure = sys.exc_info()[1]
    if isinstance(failure, unavailable.DATABASE_DOWN):
        return unavailable.response(request)
    try:
        return render(request, "portal/error.html",
                      {"title": "服务暂时不可用", "message": "系统出现问题，请稍后再试。"}, status=500)
    except Exception as exc:  # noqa: BLE001 — the page itself failed (e.g. the session needs the database)
        if isinstance(exc, unavailable.DATABASE_DOWN):
            return unavailable.response(request)
        return HttpResponse("<!DOCTYPE html><meta charset=utf-8><title>服务暂时不可用</title>"
                            "<h1>服务暂时不可用</h1><p>系统出现问题，请稍后再试。</p>",
                            status=500, content_type="text/html; charset=utf-8")
