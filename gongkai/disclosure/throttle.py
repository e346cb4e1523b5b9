"""Per-address sliding-window rate limits (intake, tracking failures), reserved atomically in the database.

A slot is taken before the work it guards, under a lock on the address's row and inside the same transaction:
parallel requests from one address (any number of app processes, SQLite or PostgreSQL) queue on the row, so
never more than the limit get through; when the guarded work fails (a DomainError, or a tracking look-up that
succeeds and so is no failure) the slot goes back with the rollback or by `release()`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import IntegrityError, transaction

from gongkai.conf import env
from gongkai.core.clientip import client_ip  # noqa: F401  (kept importable here for older callers)
from gongkai.disclosure.models import RateWindow

TRACKING_FAILURES = (30, 600)  # wrong code or token: at most 30 in 10 minutes per address
TRACKING_MESSAGE = "查询失败次数过多，请稍后再试。"
_PRUNE_BATCH = 200


class Throttled(Exception):
    """The address has used up its slots; `retry_after` seconds until the oldest one frees."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def intake_limit() -> tuple[int, int]:
    """(applications, seconds) from GONGKAI_APPLICATION_RATE_LIMIT, e.g. "10/3600"."""
    raw = getattr(settings, "GONGKAI_APPLICATION_RATE_LIMIT", None) or env("GONGKAI_APPLICATION_RATE_LIMIT")
    try:
        count, window = (int(part) for part in str(raw).split("/", 1))
    except ValueError:
        count, window = 10, 3600
    return max(count, 1), max(window, 1)


class Slot:
    """One reserved hit; `release()` gives it back (inside the reserving transaction)."""

    def __init__(self, row: RateWindow, at: float) -> None:
        self._row, self._at = row, at

    def release(self) -> None:
        self._row.hits = [t for t in self._row.hits if t != self._at]
        self._row.save(update_fields=["hits"])


def _locked_row(bucket: str, key: str, now: float) -> RateWindow:
    rows = RateWindow.objects.select_for_update()
    row = rows.filter(bucket=bucket, key=key).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return RateWindow.objects.create(bucket=bucket, key=key, hits=[], expires_at=now)
    except IntegrityError:
        # Another request created the row first: wait for its lock like everyone else.
        return rows.get(bucket=bucket, key=key)


def _prune(now: float, keep: int) -> None:
    # Rows of addresses gone quiet; ones locked by a request in flight are skipped, never waited for.
    stale = list(RateWindow.objects.select_for_update(skip_locked=True).filter(expires_at__lt=now)
                 .exclude(pk=keep).values_list("pk", flat=True)[:_PRUNE_BATCH])
    if stale:
        RateWindow.objects.filter(pk__in=stale).delete()


@contextmanager
def slot(bucket: str, key: str, limit: int, window: int) -> Iterator[Slot]:
    """Reserve one of `limit` hits per `window` seconds for `key`, or raise Throttled; the body runs in the
    same transaction, so an exception in it returns the slot."""
    with transaction.atomic():
        now = time.time()
        row = _locked_row(bucket, key, now)
        hits = sorted(t for t in row.hits if t > now - window)
        if len(hits) >= limit:
            raise Throttled(max(int(hits[0] + window - now) + 1, 1))
        row.hits = [*hits, now]
        row.expires_at = now + window
        row.save(update_fields=["hits", "expires_at"])
        _prune(now, row.pk)
        yield Slot(row, now)


def used(bucket: str, key: str, window: int) -> int:
    """How many hits of `key` are inside the window now (for tests and the operator)."""
    row = RateWindow.objects.filter(bucket=bucket, key=key).first()
    now = time.time()
    return sum(1 for t in (row.hits if row else []) if t > now - window)


def too_many_message(seconds: int) -> str:
    minutes = max((seconds + 59) // 60, 1)
    return f"提交过于频繁，请约 {minutes} 分钟后再试。如需帮助，请致电政府信息公开工作机构。"
