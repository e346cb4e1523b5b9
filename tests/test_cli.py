"""The command line as a person runs it: a fresh data folder, demo data, the production server, the worker."""

import datetime as dt
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _env(data_dir: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(GONGKAI_DATA_DIR=str(data_dir), GONGKAI_TASK_BACKEND="sqlite", **extra)
    return env


def _gongkai(env: dict, *args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gongkai", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
    assert count == 12


def test_serve_runs_the_production_server(demo_dir):
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "gongkai", "serve", "--port", str(port), "--no-worker"],
                              env=_env(demo_dir), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                    assert r.read() == b'{"status": "ok"}'
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("server did not start")
        with urllib.request.urlopen(base + "/", timeout=5) as r:
            page = r.read().decode()
        assert "示例市最低生活保障工作实施办法" in page
        with urllib.request.urlopen(base + "/static/gongkai/site.css", timeout=5) as r:
            assert r.status == 200
        with urllib.request.urlopen(base + "/api/v1/documents", timeout=5) as r:
            assert b'"count": 8' in r.read()
    finally:
        server.terminate()
        out = server.communicate(timeout=20)[0].decode()
    assert "gunicorn" in out.lower() or "Booting worker" in out


def test_worker_publishes_a_scheduled_document(demo_dir):
    env = _env(demo_dir)
    at = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=3)).isoformat()
    script = (
        "import django, datetime as dt; django.setup();"
        "from django.contrib.auth.models import User;"
        "from gongkai.publishing.models import Document;"
        "from gongkai.publishing.services import schedule_document;"
        "doc = Document.objects.get(external_id='demo-ready');"
        f"schedule_document(User.objects.get(username='publisher'), doc, dt.datetime.fromisoformat('{at}'))"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                            env={**env, "DJANGO_SETTINGS_MODULE": "gongkai.settings.prod"}, timeout=60)
    assert result.returncode == 0, result.stderr
    assert _state(demo_dir, "demo-ready") == "scheduled"
    worker = subprocess.Popen([sys.executable, "-m", "gongkai", "worker"], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline and _state(demo_dir, "demo-ready") != "published":
            time.sleep(0.5)
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    assert _state(demo_dir, "demo-ready") == "published"


def test_bad_import_file_is_a_message_not_a_traceback(demo_dir):
    result = _gongkai(_env(demo_dir), "import", "documents", str(demo_dir / "missing.jsonl"))
    assert result.returncode == 1
    assert "找不到文件" in result.stderr and "Traceback" not in result.stderr
