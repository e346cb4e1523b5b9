"""The command line as a person runs it: a fresh data folder, demo data, the production server, the worker."""

import datetime as dt
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from gongkai.cli import _default_base_url

ROOT = Path(__file__).resolve().parent.parent
# Generous: these deadlines bound a wait for a condition on a loaded machine, they do not time anything.
DEADLINE_SECONDS = 120
HTTP_TIMEOUT_SECONDS = 60
# The commands choose their own address and allowed hosts unless a test says otherwise, whatever the shell exported.
_NOT_INHERITED = ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "GONGKAI_BASE_URL", "GONGKAI_ALLOWED_HOSTS")


def _env(data_dir: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
    env.update(GONGKAI_DATA_DIR=str(data_dir), GONGKAI_TASK_BACKEND="sqlite", **extra)
    return env


def _gongkai(env: dict, *args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gongkai", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _fetch(url: str, host: str | None = None) -> tuple[int, str]:
    """GET url (optionally naming another Host header); return the status and the body, also for 4xx/5xx."""
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@contextmanager
def _serving(env: dict, port: int, log: Path, *options: str) -> Iterator[str]:
    """Run `gongkai serve --port port` (output into log) until the block ends; yield its address once it answers."""
    with log.open("wb") as out:
        server = subprocess.Popen([sys.executable, "-m", "gongkai", "serve", "--port", str(port), *options],
                                  env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + DEADLINE_SECONDS
            while True:
                try:
                    _fetch(base + "/healthz")
                    break
                except OSError:  # not listening yet
                    if server.poll() is not None:
                        pytest.fail(f"gongkai serve exited with {server.returncode}:\n{log.read_text()}")
                    if time.monotonic() > deadline:
                        pytest.fail(f"server did not start:\n{log.read_text()}")
                    time.sleep(0.2)
            yield base
        finally:
            server.terminate()
            server.wait(timeout=DEADLINE_SECONDS)


def _django(env: dict, script: str) -> subprocess.CompletedProcess:
    """Run a Python script with Django set up on the production settings and the data folder of env."""
    return subprocess.run([sys.executable, "-c", "import django; django.setup()\n" + textwrap.dedent(script)],
                          cwd=ROOT, capture_output=True, text=True, timeout=DEADLINE_SECONDS,
                          env={**env, "DJANGO_SETTINGS_MODULE": "gongkai.settings.prod"})


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("data")
    env = _env(data_dir)
    first = _gongkai(env, "demo")
    assert first.returncode == 0, first.stderr
    second = _gongkai(env, "demo")  # idempotent
    assert second.returncode == 0, second.stderr
    assert first.stdout == second.stdout
    return data_dir


def _state(data_dir: Path, external_id: str) -> str:
    with sqlite3.connect(data_dir / "gongkai.sqlite3") as db:
        return db.execute("SELECT state FROM publishing_document WHERE external_id = ?", (external_id,)).fetchone()[0]


def test_demo_creates_every_role_and_state(demo_dir):
    with sqlite3.connect(demo_dir / "gongkai.sqlite3") as db:
        roles = {r for (r,) in db.execute("SELECT DISTINCT role FROM orgs_rolegrant")}
        states = {s for (s,) in db.execute("SELECT DISTINCT state FROM publishing_document")}
        count = db.execute("SELECT COUNT(*) FROM publishing_document").fetchone()[0]
    assert {"drafter", "secrecy_reviewer", "approver", "signer", "publisher", "disclosure_officer",
            "administrator"} <= roles
    assert {"draft", "secrecy_review", "ready", "published", "filed"} <= states
    # 12 of the library, the two drafts the demo consultations are on, and the two replies to a suggestion and a
    # proposal (participation section 3)
    assert count == 16


def test_serve_runs_the_production_server(demo_dir, tmp_path):
    log = tmp_path / "serve.log"
    with _serving(_env(demo_dir), _free_port(), log, "--no-worker") as base:
        # No task worker runs beside it (nor separately), so the health check says so.
        status, health = _fetch(base + "/healthz")
        assert status == 503 and json.loads(health)["failed"] == ["worker"]
        status, page = _fetch(base + "/")
        assert status == 200 and "示例市最低生活保障工作实施办法" in page
        assert _fetch(base + "/static/gongkai/site.css")[0] == 200
        # The demo's public documents: eight, the two drafts put out for comment and the two replies to a
        # suggestion and a proposal (participation).
        assert '"count": 12' in _fetch(base + "/api/v1/documents")[1]
    out = log.read_text()
    assert "gunicorn" in out.lower() or "Booting worker" in out


def test_serve_starts_as_many_web_processes_as_workers_asks(demo_dir, tmp_path):
    """`--workers N` behind a reverse proxy: gunicorn boots N processes, each answering on the one port."""
    log = tmp_path / "serve.log"
    with _serving(_env(demo_dir), _free_port(), log, "--no-worker", "--workers", "3", "--threads", "2") as base:
        deadline = time.monotonic() + DEADLINE_SECONDS
        while log.read_text().count("Booting worker") < 3:
            if time.monotonic() > deadline:
                pytest.fail(f"three workers did not boot:\n{log.read_text()}")
            time.sleep(0.2)
        status, body = _fetch(base + "/healthz")
        # The web processes answer; with --no-worker the task worker is (rightly) reported missing.
        assert status == 503 and json.loads(body)["checks"]["database"]["status"] == "ok", body
        assert json.loads(body)["failed"] == ["worker"], body
    assert log.read_text().count("Booting worker") == 3


def test_serve_links_follow_its_own_port_and_it_refuses_other_hosts(demo_dir, tmp_path):
    """Without GONGKAI_BASE_URL, links carry the port `serve` listens on; a forged Host gets a Chinese 400."""
    env = _env(demo_dir)
    port = _free_port()
    log = tmp_path / "serve.log"
    with _serving(env, port, log, "--no-worker") as base:
        own = f"http://127.0.0.1:{port}/"
        documents = json.loads(_fetch(base + "/api/v1/documents")[1])["results"]
        assert documents and all(d["url"] == f"{own}xxgk/documents/{d['id']}/" for d in documents)
        detail = json.loads(_fetch(f"{base}/api/v1/documents/{documents[0]['id']}")[1])
        assert detail["url"] == documents[0]["url"]
        for path in ("/sitemap.xml", "/feeds/latest.xml"):
            status, body = _fetch(base + path)
            assert status == 200 and documents[0]["url"] in body, path
        assert _fetch(base + "/", host=f"localhost:{port}")[0] == 200
        for path in ("/", "/sitemap.xml", "/feeds/latest.xml", "/api/v1/documents"):
            status, body = _fetch(base + path, host="evil.example")
            assert status == 400, path
            assert "请求有误" in body and "evil.example" not in body and "Traceback" not in body, path
    out = log.read_text()
    assert f"公开平台已启动：http://127.0.0.1:{port}/" in out
    # The refusals are logged one line each, without a stack trace that would read like a fault.
    assert "Invalid HTTP_HOST header: 'evil.example'" in out and "Traceback" not in out


@pytest.mark.parametrize(("host", "url"), [
    ("127.0.0.1", "http://127.0.0.1:8799"), ("xxgk.local", "http://xxgk.local:8799"), ("::1", "http://[::1]:8799"),
    # Bind-all addresses are not an address a browser can use; on this host it is reached on loopback.
    ("0.0.0.0", "http://127.0.0.1:8799"), ("::", "http://127.0.0.1:8799"),
])
def test_serve_takes_its_address_from_host_and_port(host, url):
    assert _default_base_url(host, 8799) == url


def test_worker_publishes_a_scheduled_document(demo_dir, tmp_path):
    env = _env(demo_dir)
    # Scheduled through the service, an hour ahead: far enough that no machine is slow enough to reach it.
    at = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    result = _django(env, f"""
        import datetime as dt
        from django.contrib.auth.models import User
        from gongkai.publishing.models import Document
        from gongkai.publishing.services import schedule_document
        doc = Document.objects.get(external_id='demo-ready')
        schedule_document(User.objects.get(username='publisher'), doc, dt.datetime.fromisoformat('{at}'))
    """)
    assert result.returncode == 0, result.stderr
    assert _state(demo_dir, "demo-ready") == "scheduled"

    # The hour passes. No service moves a schedule into the past (schedule_document refuses a past time),
    # so the test writes the elapsed time into the row itself, then queues the task that publishes due
    # documents, as the schedule's own task (eta = the scheduled time) would run at that hour.
    result = _django(env, """
        import datetime as dt
        from django.utils import timezone
        from gongkai.publishing.models import Document
        from gongkai.publishing.tasks import publish_when_due
        moved = Document.objects.filter(external_id='demo-ready', state='scheduled').update(
            scheduled_at=timezone.now() - dt.timedelta(minutes=1))
        assert moved == 1
        publish_when_due()  # the task backend is not immediate here: this only enqueues it for the worker
    """)
    assert result.returncode == 0, result.stderr
    assert _state(demo_dir, "demo-ready") == "scheduled", "only the worker publishes it"

    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        worker = subprocess.Popen([sys.executable, "-m", "gongkai", "worker"], env=env, cwd=ROOT,
                                  stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + DEADLINE_SECONDS
            while _state(demo_dir, "demo-ready") != "published":
                assert worker.poll() is None, f"the worker exited:\n{log.read_text()}"
                assert time.monotonic() < deadline, f"not published in time:\n{log.read_text()}"
                time.sleep(0.5)
        finally:
            worker.terminate()
            worker.wait(timeout=DEADLINE_SECONDS)
    assert _state(demo_dir, "demo-ready") == "published"


def _health(base: str) -> tuple[int, dict]:
    status, body = _fetch(base + "/healthz")
    return status, json.loads(body)


def _wait_for(condition, what: str, log: Path):
    """Poll condition() until it returns something true; fail after the generous deadline."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not (result := condition()):
        assert time.monotonic() < deadline, f"{what}:\n{log.read_text()}"
        time.sleep(0.3)
    return result


def test_serve_restarts_a_killed_worker_and_reports_it_in_healthz(tmp_path):
    """The worker beside `gongkai serve` is killed: it is started again, and scheduled publishing goes on."""
    data_dir = tmp_path / "data"
    env = _env(data_dir, GONGKAI_WORKER_STALE_SECONDS="6")
    assert _gongkai(env, "demo").returncode == 0
    log = tmp_path / "serve.log"
    with _serving(env, _free_port(), log) as base:
        def worker_pid(other_than: int | None = None) -> int | None:
            status, health = _health(base)
            pid = health["checks"]["worker"].get("pid")
            return pid if status == 200 and pid and pid != other_than else None

        first = _wait_for(worker_pid, "the worker never reported", log)
        os.kill(first, signal.SIGKILL)

        # While the worker is down, a document's scheduled time comes (as in
        # test_worker_publishes_a_scheduled_document: scheduled ahead, then the time moved into the past).
        at = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
        result = _django(env, f"""
            import datetime as dt
            from django.contrib.auth.models import User
            from django.utils import timezone
            from gongkai.publishing.models import Document
            from gongkai.publishing.services import schedule_document
            from gongkai.publishing.tasks import publish_when_due
            doc = Document.objects.get(external_id='demo-ready')
            schedule_document(User.objects.get(username='publisher'), doc, dt.datetime.fromisoformat('{at}'))
            Document.objects.filter(pk=doc.pk).update(scheduled_at=timezone.now() - dt.timedelta(minutes=1))
            publish_when_due()
        """)
        assert result.returncode == 0, result.stderr

        second = _wait_for(lambda: worker_pid(other_than=first), "the worker was not restarted", log)
        assert second != first
        _wait_for(lambda: _state(data_dir, "demo-ready") == "published", "the new worker did not publish", log)
    assert f"任务进程（pid {first}）已停止（被信号 {signal.SIGKILL.value} 终止" in log.read_text() \
        or f"任务进程（pid {first}）已停止（退出码 0" in log.read_text()


def test_bad_import_file_is_a_message_not_a_traceback(demo_dir):
    result = _gongkai(_env(demo_dir), "import", "documents", str(demo_dir / "missing.jsonl"))
    assert result.returncode == 1
    assert "找不到文件" in result.stderr and "Traceback" not in result.stderr


def test_the_access_log_holds_no_token_and_no_personal_number(demo_dir, tmp_path):
    log = tmp_path / "serve.log"
    with _serving(_env(demo_dir), _free_port(), log, "--no-worker", "--access-log") as base:
        _fetch(base + "/search/?q=%E7%94%B5%E8%AF%9D13812345678")
        _fetch(base + "/ysqgk/track/?code=YSQ-ABCD-EFGH&token=SECRETTOKEN1")
        _fetch(base + "/api/v1/applications/YSQ-ABCD-EFGH?token=SECRETTOKEN2")
        deadline = time.monotonic() + DEADLINE_SECONDS
        while "applications/YSQ-ABCD-EFGH" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)  # the access line is written after the response
    out = log.read_text()
    assert "/ysqgk/track/?code=YSQ-ABCD-EFGH&token=*" in out and "applications/YSQ-ABCD-EFGH?token=*" in out
    assert "SECRETTOKEN" not in out and "13812345678" not in out
