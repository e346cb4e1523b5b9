"""API keys for partner systems (the 12345 hotline, a service hall's terminal): each key has its own per-minute
limit and its own usage count.

The open API stays open: a call without a key is served as before. A call that carries `X-API-Key` is served
only if the key is valid and active, and only within its limit (429 with Retry-After beyond it); the counter is
one row per key and clock minute, raised by a single conditional UPDATE, so every app process shares it on
SQLite and PostgreSQL alike. Only a SHA-256 of the key is stored (keys are random and long, so a slow hash adds
nothing); the key is shown once, when it is issued.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from gongkai.conf import env
from gongkai.core import audit
from gongkai.core.errors import DomainError
from gongkai.core.models import ApiClient, ApiClientMinute

HEADER = "X-API-Key"
KEY_START = "gk_"
MAX_LIMIT = 100_000
# Minute counters older than this are pruned; the staff page shows usage over this many days.
KEEP_DAYS = 31


def default_limit() -> int:
    """Calls per minute a new key gets unless the issuer says otherwise (GONGKAI_API_KEY_LIMIT)."""
    try:
        return min(max(int(env("GONGKAI_API_KEY_LIMIT")), 1), MAX_LIMIT)
    except ValueError:
        return 60


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _limit(value) -> int:
    if value in (None, ""):
        return default_limit()
    try:
        limit = int(str(value).strip())
    except ValueError:
        raise DomainError("每分钟调用上限须为整数。", field="limit_per_minute") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise DomainError(f"每分钟调用上限须在 1 到 {MAX_LIMIT} 之间。", field="limit_per_minute")
    return limit


def issue_key(actor, name: str, organisation: str = "", limit_per_minute=None) -> tuple[ApiClient, str]:
    """A new key for a partner system: the stored client and the key itself (shown once, never stored)."""
    name, organisation = (name or "").strip(), (organisation or "").strip()
    errors = {}
    if not name:
        errors["name"] = ["请填写对接系统名称。"]
    elif len(name) > 100:
        errors["name"] = ["对接系统名称不能超过 100 个字。"]
    if len(organisation) > 200:
        errors["organisation"] = ["使用单位不能超过 200 个字。"]
    try:
        limit = _limit(limit_per_minute)
    except DomainError as exc:
        errors.update(exc.errors)
    if errors:
        raise DomainError("请按提示修改后再提交。", errors=errors)
    prefix = secrets.token_hex(4)
    key = f"{KEY_START}{prefix}_{secrets.token_urlsafe(24)}"
    with transaction.atomic():
        client = ApiClient.objects.create(name=name, organisation=organisation, prefix=prefix, key_hash=digest(key),
                                          limit_per_minute=limit, created_by=actor)
        audit.record(actor, "api_key.issue", client, to_state="active",
                     data={"name": name, "organisation": organisation, "limit_per_minute": limit})
    return client, key


def revoke_key(actor, client: ApiClient, reason: str = "") -> ApiClient:
    """Stop a key at once (it is kept, with its usage, for the record)."""
    if not client.active:
        raise DomainError("该密钥已停用。")
    with transaction.atomic():
        client.active = False
        client.revoked_at = timezone.now()
        client.save(update_fields=["active", "revoked_at"])
        audit.record(actor, "api_key.revoke", client, from_state="active", to_state="revoked",
                     comment=(reason or "").strip()[:500])
    return client


def set_limit(actor, client: ApiClient, limit_per_minute) -> ApiClient:
    """Change a key's per-minute limit (takes effect from the next call)."""
    limit = _limit(limit_per_minute)
    with transaction.atomic():
        before = client.limit_per_minute
        client.limit_per_minute = limit
        client.save(update_fields=["limit_per_minute"])
        audit.record(actor, "api_key.limit", client, data={"from": before, "to": limit})
    return client


def authenticate(key: str) -> ApiClient | None:
    """The active client whose key this is, or None."""
    key = (key or "").strip()
    if not key.startswith(KEY_START) or len(key) > 100:
        return None
    return ApiClient.objects.filter(key_hash=digest(key), active=True).first()


def take_call(client: ApiClient, now: float | None = None) -> int:
    """Count one call against `client`'s limit: 0 when it may go ahead, else the seconds until the next minute."""
    now = time.time() if now is None else now
    minute = int(now // 60)
    rows = ApiClientMinute.objects.filter(client=client, minute=minute)
    for _ in range(2):
        if rows.filter(calls__lt=client.limit_per_minute).update(calls=F("calls") + 1):
            return 0
        if rows.exists():
            break
        try:
            with transaction.atomic():
                ApiClientMinute.objects.create(client=client, minute=minute, calls=1)
        except IntegrityError:
            continue  # another process opened this minute first: count against its row
        # A key's first call in a minute also marks it used and clears counters past KEEP_DAYS.
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
        ApiClientMinute.objects.filter(client=client, minute__lt=minute - KEEP_DAYS * 1440).delete()
        return 0
    rows.update(refused=F("refused") + 1)
    return max(60 - int(now % 60), 1)


@dataclass
class Usage:
    today: int
    refused_today: int
    last_days: int
    refused_last_days: int


def usage(client: ApiClient, days: int = 7, now: dt.datetime | None = None) -> Usage:
    """Calls accepted and refused today (local time) and over the last `days` days."""
    now = timezone.localtime(now or timezone.now())
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    start_today = int(midnight.timestamp() // 60)
    start_days = int((midnight - dt.timedelta(days=days - 1)).timestamp() // 60)

    def total(since: int) -> tuple[int, int]:
        found = ApiClientMinute.objects.filter(client=client, minute__gte=since).aggregate(
            calls=Sum("calls"), refused=Sum("refused"))
        return found["calls"] or 0, found["refused"] or 0

    return Usage(*total(start_today), *total(start_days))


def _json(status: int, detail: str, **headers: str) -> HttpResponse:
    response = HttpResponse(json.dumps({"detail": detail}, ensure_ascii=False), status=status,
                            content_type="application/json; charset=utf-8")
    for name, value in headers.items():
        response[name] = value
    return response


class ApiKeyMiddleware:
    """On /api/: a call carrying X-API-Key is checked and counted against that key's limit; others pass."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.api_client = None
        raw = request.headers.get(HEADER)
        if raw is None or not request.path.startswith("/api/"):
            return self.get_response(request)
        client = authenticate(raw)
        if client is None:
            return _json(401, "API 密钥无效或已停用，请与网站管理部门联系。")
        wait = take_call(client)
        if wait:
            return _json(429, f"调用过于频繁：该密钥每分钟最多调用 {client.limit_per_minute} 次，请 {wait} 秒后再试。",
                         **{"Retry-After": str(wait), "X-RateLimit-Limit": str(client.limit_per_minute)})
        request.api_client = client
        response = self.get_response(request)
        response["X-RateLimit-Limit"] = str(client.limit_per_minute)
        return response
