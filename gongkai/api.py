"""The read API (/api/v1/), assembled from each domain's router, with OpenAPI 3 at /api/v1/openapi.json."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.renderers import JSONRenderer

from gongkai import __version__
from gongkai.catalog.api import router as catalog_router
from gongkai.core.errors import DomainError
from gongkai.core.jsonbody import UNPARSABLE, CharsetJSONParser, invalid
from gongkai.disclosure.api import router as disclosure_router
from gongkai.orgs.api import router as orgs_router
from gongkai.participation.api import router as participation_router
from gongkai.publishing.api import router as publishing_router
from gongkai.qa.api import router as qa_router
from gongkai.search.api import router as search_router


class ChineseJSONRenderer(JSONRenderer):
    # Chinese text stays readable in responses instead of \uXXXX escapes.
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=ChineseJSONRenderer(),
    # A partner system may send GBK (Content-Type: application/json; charset=gbk): read as it declares.
    parser=CharsetJSONParser(),
    title="公开平台开放接口",
    version=__version__,
    description="政府信息公开平台的开放接口：机关、政策文件、政策解读（只读，只返回已公开的信息），依申请公开的在线提交和凭查询码、查询密码查询办理进度，征求意见（草案、提交意见、意见采纳情况），以及政府信箱和“我为政府网站找错”（提交留言、凭查询码和请求头 X-Access-Token 中的查询密码查询办理情况和评价、公开答复）。",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)

# django-ninja answers a body it cannot parse with this English sentence (ninja/params/models.py, BodyModel).
_NINJA_UNPARSABLE = "Cannot parse request body"


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    """Invalid parameters: 400 with a Chinese message per field, never a stack trace."""
    return api.create_response(request, invalid(exc.errors), status=400)


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    return api.create_response(request, {"detail": exc.message, "errors": exc.errors}, status=400)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    detail = str(exc)
    if exc.status_code == 400 and detail.startswith(_NINJA_UNPARSABLE):
        detail = UNPARSABLE  # the parser's own words (in DEBUG with its exception) are English
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


# Every state-changing endpoint is public, so a browser on another site must not be able to drive it: only
# JSON (which a cross-site form or a "simple" fetch cannot send without a CORS preflight we never grant), only
# from this site's Origin when a browser names one, and small (an application is a few KB).
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
MAX_WRITE_BYTES = 64 * 1024


def refuse_cross_site_writes(view):
    """Answer 403, 413 or 415 before a write request's body is parsed; reads pass untouched."""
    # An operation marked with takes_public_uploads (POST /messages) also takes a multipart form with its one
    # file, up to that size: a cross-site form could send one, so there the Origin check is what refuses it.
    uploads = getattr(getattr(getattr(view, "__self__", None), "view_func", None), "public_body_limit", 0)

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if request.method in WRITE_METHODS:
            refusal = _write_refusal(request, uploads)
            if refusal is not None:
                status, detail = refusal
                return api.create_response(request, {"detail": detail}, status=status)
        return view(request, *args, **kwargs)

    return guarded


def _methods_in_chinese(view):
    """A path's view whose 405 (a method it does not take) is said in Chinese, as JSON (see _not_allowed)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        return _not_allowed(request, response) if response.status_code == 405 else response

    return wrapped


def _read_only(view):
    """django-ninja's own pages (openapi.json, docs, the root): GET only, any other method refused as JSON in
    Chinese before Django's CSRF check (which answered a POST with its HTML 403 page)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            refused = HttpResponse(status=405)
            refused["Allow"] = "GET"
            return _not_allowed(request, refused)
        return view(request, *args, **kwargs)

    wrapped.csrf_exempt = True  # nothing but GET reaches the view
    return wrapped


def _not_found(request, rest: str = ""):
    """A path under /api/v1/ that is no endpoint: 404 as JSON in Chinese, not the portal's HTML page."""
    return api.create_response(request, {"detail": "没有这个接口，接口列表见 /api/v1/docs。"}, status=404)


def urls() -> tuple:
    """The API's URL patterns for the site's urls.py: django-ninja's, each path's 405 said in Chinese, and a
    404 in Chinese for any other path under the API."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        # The operations' views are CSRF-exempt (the API checks cross-site writes itself); ninja's pages are not.
        if getattr(pattern.callback, "csrf_exempt", False):
            pattern.callback = _methods_in_chinese(pattern.callback)
        else:
            # The root (ninja's raises Http404, which the portal answered with its HTML page) says where the docs are.
            pattern.callback = _read_only(_not_found if pattern.name == "api-root" else pattern.callback)
    return [*patterns, path("<path:rest>", csrf_exempt(_not_found))], app_name, namespace


def _not_allowed(request, refused):
    """django-ninja answers a method a path does not take with English plain text: say it in Chinese, as JSON,
    keeping the Allow header."""
    allowed = refused.get("Allow", "")
    response = api.create_response(
        request, {"detail": f"此接口不接受 {request.method} 请求，请改用 {allowed.replace(', ', '、') or '其他方法'}。"},
        status=405)
    response["Allow"] = allowed
    return response


def _write_refusal(request, uploads: int = 0) -> tuple[int, str] | None:
    origin = request.headers.get("Origin")
    # The site's own origin (GONGKAI_BASE_URL's), the same list Django's CSRF check trusts.
    trusted = {o.rstrip("/").lower() for o in settings.CSRF_TRUSTED_ORIGINS}
    if origin is not None and origin.strip().rstrip("/").lower() not in trusted:
        return 403, "不接受从其他网站发起的提交，请在本站页面或用接口客户端直接提交。"
    multipart = bool(uploads) and request.content_type == "multipart/form-data"
    if request.content_type != "application/json" and not multipart:
        return 415, ("请求内容须为 JSON（Content-Type: application/json）或带附件的 multipart/form-data。" if uploads
                     else "请求内容须为 JSON（Content-Type: application/json）。")
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    limit = uploads if multipart else MAX_WRITE_BYTES
    # A multipart body is not read here (Django parses it to disk); the request size middleware bounds it too.
    if declared > limit or (not multipart and len(request.body) > limit):
        return 413, f"请求内容过大，不能超过 {_size(limit)}。"
    return None


def _size(size: int) -> str:
    return f"{size // (1024 * 1024)} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


api.add_decorator(refuse_cross_site_writes, mode="view")
api.add_router("/", orgs_router)
api.add_router("/", publishing_router)
api.add_router("/", search_router)
api.add_router("/", disclosure_router)
api.add_router("/", catalog_router)
api.add_router("/", participation_router)
api.add_router("/", qa_router)
