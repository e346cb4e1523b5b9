"""Per-IP sliding-window rate limits kept in the Django cache (intake and tracking look-ups).

The default cache is a file cache in the data folder, shared by every app process on the host
(GONGKAI_CACHE=redis shares it across hosts). Behind a local reverse proxy the client is the last X-Forwarded-For hop.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from gongkai.conf import env

TRACKING_FAILURES = (30, 600)  # wrong code or token: at most 30 in 10 minutes per address

LOOPBACK = {"127.0.0.1", "::1"}


def client_ip(request: HttpRequest) -> str:
    """The visitor's address; X-Forwarded-For is trusted only when the request came from a local proxy."""
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if remote in LOOPBACK and forwarded:
        # The proxy appends the address it saw last; anything before it is what the client claimed.
        return forwarded.split(",")[-1].strip() or remote
    return remote


def intake_limit() -> tuple[int, int]:
    """(applications, seconds) from GONGKAI_APPLICATION_RATE_LIMIT, e.g. "10/3600"."""
    raw = getattr(settings, "GONGKAI_APPLICATION_RATE_LIMIT", None) or env("GONGKAI_APPLICATION_RATE_LIMIT")
    try:
        count, window = (int(part) for part in str(raw).split("/", 1))
    except ValueError:
        count, window = 10, 3600
    return max(count, 1), max(window, 1)


def _key(bucket: str, ip: str) -> str:
    return f"gongkai:throttle:{bucket}:{ip}"


def recent(bucket: str, ip: str, window: int, now: float | None = None) -> list[float]:
    now = time.time() if now is None else now
    return [t for t in cache.get(_key(bucket, ip), []) if t > now - window]


def allowed(bucket: str, ip: str, limit: int, window: int) -> bool:
    """Whether another hit is allowed now (without recording it)."""
    return len(recent(bucket, ip, window)) < limit


def hit(bucket: str, ip: str, window: int) -> None:
    """Record one hit in the window."""
    now = time.time()
    cache.set(_key(bucket, ip), [*recent(bucket, ip, window, now), now], timeout=window)


def retry_after(bucket: str, ip: str, window: int) -> int:
    """Seconds until the oldest hit in the window expires."""
    hits = recent(bucket, ip, window)
    return max(int(min(hits) + window - time.time()) + 1, 1) if hits else 0


def too_many_message(seconds: int) -> str:
    minutes = max((seconds + 59) // 60, 1)
    return f"提交过于频繁，请约 {minutes} 分钟后再试。如需帮助，请致电政府信息公开工作机构。"
