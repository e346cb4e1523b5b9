"""Request guards shared by every app: who may say a request came over HTTPS, and how big a body may be."""

from __future__ import annotations

import inspect
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from gongkai.core import clientip


def _from_trusted_proxy(request: HttpRequest) -> bool:
    remote = clientip.parse_ip(request.META.get("REMOTE_ADDR", ""))
    return remote is not None and clientip.is_trusted(remote, clientip.trusted_networks())


class ForwardedProtoMiddleware:
    """Drop X-Forwarded-Proto unless a configured proxy sent it, so no client can claim HTTPS for itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "HTTP_X_FORWARDED_PROTO" in request.META and not _from_trusted_proxy(request):
            del request.META["HTTP_X_FORWARDED_PROTO"]
        return self.get_response(request)


def takes_uploads(view: Callable) -> Callable:
    """Mark a staff view whose form carries attachments: its body may reach the upload limit, not the small one."""
    view.takes_uploads = True
    return view


# Room beside a public form's one attachment for its text fields and the multipart envelope.
PUBLIC_FORM_MARGIN = 256 * 1024


def takes_public_uploads(attachment_bytes: int) -> Callable[[Callable], Callable]:
    """Mark a public form that carries one attachment of at most `attachment_bytes`: its body may be that much
    larger than the small limit, so the form itself refuses a file too large at its field and keeps the text."""

    def mark(view: Callable) -> Callable:
        view.public_body_limit = attachment_bytes + PUBLIC_FORM_MARGIN
        return view

    return mark


def _size_text(size: int) -> str:
    if size >= 1024 * 1024 and size % (1024 * 1024) == 0:
        return f"{size // (1024 * 1024)} MB"
    return f"{size // 1024} KB" if size >= 1024 else f"{size} 字节"


def _api_body_limit(request: HttpRequest, view: Callable) -> int:
    """The public_body_limit of the API operation this request reaches: django-ninja serves every method of a
    path through one wrapper closing over its PathView, whose operations hold the functions we marked (under
    gongkai.api's own wrapper, which says a 405 in Chinese)."""
    view = inspect.unwrap(view)
    for cell in getattr(view, "__closure__", None) or ():
        try:
            operations = getattr(cell.cell_contents, "operations", None)
        except ValueError:  # an empty cell
            continue
        for operation in operations if isinstance(operations, list) else ():
            if request.method in getattr(operation, "methods", ()):
                return getattr(operation.view_func, "public_body_limit", 0)
    return 0


def body_limit(request: HttpRequest, view: Callable) -> int:
    """The largest body this request may carry: the upload limit only for a signed-in user's upload form."""
    if getattr(view, "takes_uploads", False) and request.user.is_authenticated and request.user.is_staff:
        return settings.GONGKAI_MAX_UPLOAD_REQUEST_BYTES
    public = getattr(view, "public_body_limit", 0) or (
        _api_body_limit(request, view) if request.path.startswith("/api/") else 0)
    return max(settings.GONGKAI_MAX_REQUEST_BYTES, public)


class RequestSizeMiddleware:
    """Refuse a body above its limit with a Chinese 413 before anything reads it (memory stays bounded)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Callable, args, kwargs) -> HttpResponse | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body at all then
        limit = body_limit(request, view)
        if length <= limit:
            return None
        message = f"提交的内容过大（上限 {_size_text(limit)}），请删减后再提交。"
        if getattr(view, "takes_uploads", False) and limit == settings.GONGKAI_MAX_UPLOAD_REQUEST_BYTES:
            message = (f"一次提交的附件总量过大（上限 {_size_text(limit)}，单个附件不超过 "
                       f"{_size_text(settings.GONGKAI_MAX_UPLOAD_BYTES)}），请分几次上传。")
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": message}, status=413, json_dumps_params={"ensure_ascii": False})
        else:
            response = render(request, "portal/error.html", {"title": "提交的内容过大", "message": message},
                              status=413)
        return response
