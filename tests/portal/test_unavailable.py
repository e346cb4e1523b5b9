"""A database outage shows a Chinese 503 (JSON for the API) on every kind of page, never a stack trace."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PATHS = ["/", "/xxgk/documents/", "/search/?q=低保", "/ysqgk/", "/staff/", "/staff/applications/",
         "/admin/", "/api/v1/documents", "/healthz", "/feeds/latest.xml", "/sitemap.xml"]
# Without a session cookie these answer (a redirect to the login page) without asking the database.
NO_DATABASE_NEEDED = {"/staff/", "/staff/applications/", "/admin/"}
# Run in a separate process on the production settings: the outage must be real (a server that refuses
# connections, a database file that cannot be opened), not a patched function.
SCRIPT = textwrap.dedent("""
    import json, sys
    import django
    django.setup()
    from django.test import Client
    client = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1")
    out = []
    for path in json.loads(sys.argv[1]):
        r = client.get(path)
        out.append([path, r.status_code, r.headers.get("Content-Type", ""), r.headers.get("Retry-After"),
                    r.content.decode()])
    r = client.post("/api/v1/applications", data="{}", content_type="application/json")
    out.append(["POST /api/v1/applications", r.status_code, r.headers.get("Content-Type", ""),
                r.headers.get("Retry-After"), r.content.decode()])
    r = client.post("/staff/login/", {"username": "admin", "password": "x"})
    out.append(["POST /staff/login/", r.status_code, r.headers.get("Content-Type", ""),
                r.headers.get("Retry-After"), r.content.decode()])
    print(json.dumps(out, ensure_ascii=False))
""")


def _answers(tmp_path: Path, **env: str) -> list:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("GONGKAI_", "DATABASE_URL", "DJANGO_"))}
    base.update(DJANGO_SETTINGS_MODULE="gongkai.settings.prod", GONGKAI_DATA_DIR=str(tmp_path / "data"),
                GONGKAI_SECRET_KEY="x" * 50, GONGKAI_TASK_BACKEND="immediate", **env)
    done = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(PATHS)], cwd=ROOT, env=base,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def _check(answers: list) -> None:
    for path, status, content_type, retry_after, body in answers:
        assert "Traceback" not in body, path
        if path in NO_DATABASE_NEEDED:
            assert status in (200, 302), (path, status, body[:300])
            continue
        assert status == 503, (path, status, body[:300])
        assert retry_after or path == "/healthz", path
        assert "Traceback" not in body and "OperationalError" not in body, path
        if path == "/healthz":  # names the failed check for the monitoring
            assert content_type.startswith("application/json"), path
            assert "database" in json.loads(body)["failed"], path
        elif path.startswith(("/api/", "POST /api/")):
            assert content_type.startswith("application/json"), path
            assert "稍后再试" in json.loads(body)["detail"], path
        else:
            assert content_type.startswith("text/html"), path
            assert "服务暂时不可用" in body and "稍后再试" in body, path


def test_postgresql_server_refusing_connections(tmp_path):
    # Port 9 (discard) has no PostgreSQL behind it: every connection is refused.
    _check(_answers(tmp_path, DATABASE_URL="postgres://postgres@127.0.0.1:9/gongkai"))


def test_sqlite_file_that_cannot_be_opened(tmp_path):
    # The database path is a folder: SQLite cannot open it, as when the disk or its permissions fail.
    (tmp_path / "data" / "gongkai.sqlite3").mkdir(parents=True)
    _check(_answers(tmp_path))


@pytest.mark.django_db
def test_a_programming_error_stays_a_500_page(client, settings):
    """Only an outage is a 503: other failures keep the ordinary Chinese 500 page."""
    from gongkai.portal import views

    request = client.get("/").wsgi_request
    try:
        raise ValueError("a bug")
    except ValueError:
        response = views.server_error(request)
    assert response.status_code == 500
    assert "系统出现问题" in response.content.decode()
