"""The public site's shell: home page, health check and error pages."""

import sys

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Count, F
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static

from gongkai.core.heartbeat import worker_expected, worker_health
from gongkai.core.taxonomy import SUBJECT_SEPARATOR, SUBJECTS
from gongkai.orgs.models import Agency
from gongkai.portal import unavailable
from gongkai.publishing.models import DocumentKind
from gongkai.publishing.versions import current_documents

HOME_LIST_SIZE = 8
# The home blocks that list documents, and the context entry each fills.
LIST_BLOCKS = {"news": "news", "notices": "notices", "policies": "latest", "interpretations": "interpretations"}
TOPICS_SHOWN = 6


def _newest(queryset, size: int = HOME_LIST_SIZE) -> list:
    return list(queryset.select_related("live_revision", "agency")
                .order_by(F("published_on").desc(nulls_last=True), "-id")[:size])


def _topics() -> list[tuple[str, int]]:
    """专题专栏: the configured 政策标签 (else the most used), each with its number of public documents."""
    counts = dict(current_documents().filter(live_revision__tags__isnull=False)
                  .values_list("live_revision__tags__name").annotate(n=Count("id", distinct=True)))
    if settings.GONGKAI_HOME_TOPICS:
        return [(name, counts[name]) for name in settings.GONGKAI_HOME_TOPICS if counts.get(name)]
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:TOPICS_SHOWN]


def home(request):
    """The portal's home page: the blocks GONGKAI_HOME_BLOCKS lists, in its order, filled from public documents only."""
    blocks = settings.GONGKAI_HOME_BLOCKS
    visible = current_documents()
    context: dict = {"blocks": blocks, "page_has_search": "search" in blocks,
                     "news_types": settings.GONGKAI_HOME_NEWS_TYPES,
                     "notice_types": settings.GONGKAI_HOME_NOTICE_TYPES}
    if "news" in blocks:
        context["news"] = _newest(visible.filter(live_revision__doc_type__in=settings.GONGKAI_HOME_NEWS_TYPES))
    if "notices" in blocks:
        context["notices"] = _newest(visible.filter(live_revision__doc_type__in=settings.GONGKAI_HOME_NOTICE_TYPES))
    if "policies" in blocks:
        context["latest"] = _newest(visible.filter(kind=DocumentKind.POLICY), 10)
    if "interpretations" in blocks:
        context["interpretations"] = _newest(visible.filter(kind=DocumentKind.INTERPRETATION), 5)
    if "xxgk" in blocks:
        context["roots"] = Agency.objects.filter(parent__isnull=True).prefetch_related("children")
    if "topics" in blocks:
        context["topics"] = _topics()
    # A list block with nothing in it still says 暂无 (no invented content), but after the blocks that have
    # content: on a phone the blocks stack, and two empty ones filled the first screen (issue #11).
    empty = {block for block, key in LIST_BLOCKS.items() if block in blocks and not context[key]}
    context["blocks"] = [b for b in blocks if b not in empty] + [b for b in blocks if b in empty]
    return render(request, "portal/home.html", context)


def site_map(request):
    """网站地图: every column and section of the site as one HTML page (国办发〔2017〕47号), counts and topics taken
    from public documents only; /sitemap.xml stays for crawlers."""
    visible = current_documents()
    counts = dict(visible.values_list("agency_id").annotate(n=Count("id")))
    subjects: dict[str, int] = {}
    for subject, n in visible.values_list("live_revision__subject").annotate(n=Count("id")):
        top = (subject or "").split(SUBJECT_SEPARATOR)[0]
        subjects[top] = subjects.get(top, 0) + n
    kinds = dict(visible.values_list("kind").annotate(n=Count("id")))
    return render(request, "portal/site_map.html", {
        "roots": Agency.objects.filter(parent__isnull=True).prefetch_related("children__children"),
        "counts": counts, "subjects": [(top, subjects[top]) for top in SUBJECTS if subjects.get(top)],
        "kinds": [(value, label, kinds.get(value, 0)) for value, label in DocumentKind.choices],
        "topics": _topics(),
    })


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page declares: send them to the site's icon."""
    return HttpResponseRedirect(static("gongkai/favicon.svg"))


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
    """400, e.g. a Host header that is not in ALLOWED_HOSTS: a Chinese page that never shows a stack trace (JSON
    under /api/, e.g. a multipart body without a boundary, which Django refuses before the API sees it)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "请求有误，无法处理：请检查请求头（如 Host、Content-Type）和请求内容的格式。"}, status=400,
                            json_dumps_params={"ensure_ascii": False})
    return render(request, "portal/error.html", {"title": "请求有误", "message": "无法处理此请求，请检查访问的网址。"},
                  status=400)


CSRF_MESSAGE = ("页面已过期，或浏览器禁止了本站的 Cookie，这次提交没有完成。请返回上一页，刷新后重新提交；"
                "如仍不行，请在浏览器设置中允许本站使用 Cookie。")


def csrf_failure(request, reason=""):
    """403 when a form's CSRF check fails (the page was kept open past a new login, or the browser keeps no
    cookies): a page of the site saying what to do, not Django's technical one ("CSRF验证失败. 请求被中断.")."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": CSRF_MESSAGE}, status=403, json_dumps_params={"ensure_ascii": False})
    return render(request, "portal/error.html", {"title": "提交没有完成", "message": CSRF_MESSAGE}, status=403)


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
