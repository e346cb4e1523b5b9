"""The task worker's heartbeat: the worker writes it, /healthz reads it (liveness and the oldest pending task).

It lives in the task queue's own key-value store (the tasks file in the data folder, or Redis), which the
worker and every web process already share and which, unlike a cache, never evicts it.
"""

from __future__ import annotations

import logging
import os
import time

from django.conf import settings
from huey.consumer import Consumer, Scheduler
from huey.contrib.djhuey import HUEY

KEY = "gongkai:worker-heartbeat"
# Enough ids to find the oldest waiting task without reading a long backlog every beat.
PENDING_SCAN_LIMIT = 1000

logger = logging.getLogger(__name__)


def heartbeat_interval() -> float:
    """Seconds between beats: six beats fit in the staleness threshold, so one slow beat is no alarm."""
    return max(1.0, settings.GONGKAI_WORKER_STALE_SECONDS / 6)


def write_heartbeat(*, pid: int, at: float, oldest_pending_since: float | None) -> None:
    HUEY.put(KEY, {"pid": pid, "at": at, "oldest_pending_since": oldest_pending_since})


def read_heartbeat() -> dict | None:
    return HUEY.get(KEY, peek=True)


def worker_expected() -> bool:
    """True unless tasks run inline (the immediate backend): then there is no worker to watch."""
    return settings.HUEY.get("immediate") is False


class PendingClock:
    """When each pending task was first seen waiting; queues keep no enqueue time of their own."""

    def __init__(self) -> None:
        self.first_seen: dict[str, float] = {}

    def oldest(self, huey, now: float) -> float | None:
        ids = [task.id for task in huey.pending(limit=PENDING_SCAN_LIMIT)]
        self.first_seen = {task_id: self.first_seen.get(task_id, now) for task_id in ids}
        return min(self.first_seen.values(), default=None)


class HeartbeatScheduler(Scheduler):
    """Huey's scheduler (it moves due tasks into the queue) that also beats: a stuck or dead consumer stops
    both, so the heartbeat shows whether scheduled publishing can happen."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._next_beat = 0.0
        self._pending = PendingClock()

    def loop(self, now=None):
        if time.monotonic() >= self._next_beat:
            self._next_beat = time.monotonic() + heartbeat_interval()
            at = time.time()
            try:
                oldest = self._pending.oldest(self.huey, at)
            except Exception:  # an unreadable queue entry must not silence the heartbeat itself
                logger.exception("读取排队任务失败")
                oldest = None
            try:
                write_heartbeat(pid=os.getpid(), at=at, oldest_pending_since=oldest)
            except Exception:  # a full disk or an unreachable cache must not stop the scheduler itself
                logger.exception("任务进程心跳写入失败")
        return super().loop(now)


class HeartbeatConsumer(Consumer):
    scheduler_class = HeartbeatScheduler


def worker_health(now: float | None = None) -> dict[str, dict]:
    """The checks /healthz reports about tasks: worker liveness and the queue; each has a status ok/fail."""
    now = time.time() if now is None else now
    stale_after = settings.GONGKAI_WORKER_STALE_SECONDS
    try:
        beat = read_heartbeat()
        pending = HUEY.pending_count()
    except Exception:  # the broker (Redis, the tasks file) is unreachable: a failed check, not a 500
        logger.exception("读取任务队列失败")
        return {"tasks": {"status": "fail", "detail": "任务队列无法连接，无法确认任务进程的状态。"}}
    if beat is None:
        worker = {"status": "fail", "detail": "没有收到任务进程的心跳，任务进程未运行。"}
    else:
        age = max(0.0, now - beat["at"])
        worker = {"status": "ok" if age <= stale_after else "fail", "pid": beat["pid"],
                  "heartbeat_age_seconds": round(age, 1), "stale_after_seconds": stale_after}
        if age > stale_after:
            worker["detail"] = f"任务进程已有 {int(age)} 秒没有心跳（上限 {stale_after} 秒），可能已停止。"
    since = beat.get("oldest_pending_since") if beat and pending else None
    tasks = {"status": "ok", "pending": pending,
             "oldest_pending_seconds": round(max(0.0, now - since), 1) if since is not None else 0}
    return {"worker": worker, "tasks": tasks}
