"""/healthz: the database, the task worker's heartbeat and the queue, 503 naming what failed."""

import time

import huey
import pytest

from gongkai.core.heartbeat import KEY, PendingClock, heartbeat_interval, write_heartbeat


@pytest.fixture
def worker_expected(settings):
    """Settings as in production: tasks go to a queue that a worker must drain (the tests run them inline)."""
    from huey.contrib.djhuey import HUEY

    settings.HUEY = {**settings.HUEY, "immediate": False}
    settings.GONGKAI_WORKER_STALE_SECONDS = 120
    HUEY.delete(KEY)
    yield
    HUEY.delete(KEY)


def test_healthz_is_ok_without_a_worker_when_tasks_run_inline(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "failed": [], "checks": {"database": {"status": "ok"}}}


def test_a_stale_heartbeat_is_a_503_naming_the_worker(client, db, worker_expected):
    write_heartbeat(pid=4242, at=time.time() - 600, oldest_pending_since=None)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail" and body["failed"] == ["worker"]
    assert body["checks"]["database"] == {"status": "ok"}
    worker = body["checks"]["worker"]
    assert worker["status"] == "fail" and worker["pid"] == 4242 and worker["heartbeat_age_seconds"] >= 600
    assert "没有心跳" in worker["detail"]


def test_no_heartbeat_at_all_is_a_503(client, db, worker_expected):
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["failed"] == ["worker"]
    assert "任务进程未运行" in response.json()["checks"]["worker"]["detail"]


def test_a_fresh_heartbeat_is_ok_and_reports_the_queue(client, db, worker_expected):
    write_heartbeat(pid=4242, at=time.time(), oldest_pending_since=None)
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    checks = response.json()["checks"]
    assert checks["worker"]["status"] == "ok" and checks["worker"]["pid"] == 4242
    assert checks["tasks"] == {"status": "ok", "pending": 0, "oldest_pending_seconds": 0}


def test_the_pending_clock_keeps_the_first_time_a_task_was_seen_waiting():
    queue = huey.MemoryHuey("pending-clock", immediate=False)

    @queue.task()
    def job():
        return 1

    clock = PendingClock()
    assert clock.oldest(queue, now=100.0) is None
    job()
    assert clock.oldest(queue, now=200.0) == 200.0
    job()
    assert clock.oldest(queue, now=300.0) == 200.0  # still the first one
    queue.execute(queue.dequeue())
    assert clock.oldest(queue, now=400.0) == 300.0  # the first ran; the second has waited since 300
    queue.execute(queue.dequeue())
    assert clock.oldest(queue, now=500.0) is None


def test_beats_come_six_times_within_the_threshold(settings):
    settings.GONGKAI_WORKER_STALE_SECONDS = 120
    assert heartbeat_interval() == 20
    settings.GONGKAI_WORKER_STALE_SECONDS = 3
    assert heartbeat_interval() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("path, data", [
    ("/wdk/", {"q": "试用期最长多久", "source": "article:1", "helpful": "1"}),  # rating an answer
    ("/staff/login/", {"username": "someone", "password": "x"}),
])
def test_a_failed_csrf_check_is_a_page_of_the_site_in_plain_chinese(path, data):
    # Found by the trial of 2026-12-02: a form posted without the CSRF cookie (cookies blocked) got Django's own
    # page: "403 Forbidden", "CSRF验证失败. 请求被中断." and an explanation in technical terms.
    from django.test import Client

    from gongkai.portal.views import CSRF_MESSAGE

    response = Client(enforce_csrf_checks=True).post(path, data)
    page = response.content.decode()
    assert response.status_code == 403
    assert CSRF_MESSAGE in page and "提交没有完成" in page and "CSRF" not in page and "Forbidden" not in page
