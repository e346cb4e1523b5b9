"""API keys of partner systems, for superusers: issue (the key shown once), change a limit, revoke, see usage."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.core import apiclients
from gongkai.core.errors import DomainError
from gongkai.core.models import ApiClient
from gongkai.staff.decorators import forbidden, staff_required

_ONLY_ADMIN = "接口密钥由系统管理员签发和停用。"


@require_http_methods(["GET", "POST"])
@staff_required
def api_keys(request: HttpRequest) -> HttpResponse:
    """The keys with their usage; POST issues a new one and shows it once."""
    if not request.user.is_superuser:
        return forbidden(request, _ONLY_ADMIN)
    context: dict = {"form": {"limit_per_minute": apiclients.default_limit()}, "errors": {}}
    if request.method == "POST":
        data = {k: request.POST.get(k, "") for k in ("name", "organisation", "limit_per_minute")}
        try:
            client, key = apiclients.issue_key(request.user, data["name"], data["organisation"],
                                               data["limit_per_minute"])
        except DomainError as exc:
            context.update(form=data, errors=exc.errors, error=exc.message)
        else:
            context["issued"] = {"client": client, "key": key}
    clients = list(ApiClient.objects.select_related("created_by"))
    context["rows"] = [{"client": c, "usage": apiclients.usage(c)} for c in clients]
    context["header"] = apiclients.HEADER
    status = 400 if context.get("error") else 200
    return render(request, "staff/api_keys.html", context, status=status)


@require_POST
@staff_required
def api_key_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke a key or change its limit."""
    if not request.user.is_superuser:
        return forbidden(request, _ONLY_ADMIN)
    client = get_object_or_404(ApiClient, pk=pk)
    try:
        if request.POST.get("action") == "revoke":
            apiclients.revoke_key(request.user, client, request.POST.get("reason", ""))
        else:
            apiclients.set_limit(request.user, client, request.POST.get("limit_per_minute"))
        messages.success(request, f"{client.name}：已保存。")
    except DomainError as exc:
        messages.error(request, f"{client.name}：{exc.message}")
    return redirect("staff-api-keys")
