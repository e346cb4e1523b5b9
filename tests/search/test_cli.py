"""Search from the command line and the real server: `gongkai search rebuild|sync`, and a document
imported as published is found through the HTTP API once the task worker beside `gongkai serve` has run."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.parse
import urllib.request

from tests.test_cli import DEADLINE_SECONDS, HTTP_TIMEOUT_SECONDS, ROOT, _env, _free_port, _gongkai


def _get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=HTTP_TIMEOUT_SECONDS) as response:
            return response.status, response.read().decode()
    except OSError:
        return 0, ""


def test_search_commands_and_the_worker_keep_search_current(tmp_path):
    env = _env(tmp_path / "data")
    assert _gongkai(env, "demo").returncode == 0
    rebuilt = _gongkai(env, "search", "rebuild")
    assert rebuilt.returncode == 0 and "检索索引已重建" in rebuilt.stdout, rebuilt.stderr
    synced = _gongkai(env, "search", "sync")
    assert synced.returncode == 0 and "检索索引已同步" in synced.stdout, synced.stderr

    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "gongkai", "serve", "--port", str(port)], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + DEADLINE_SECONDS
        while _get(port, "/healthz")[0] != 200:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.3)
        status, body = _get(port, "/api/v1/search?" + urllib.parse.urlencode({"q": "低保"}))
        assert status == 200 and json.loads(body)["count"] >= 1
        status, page = _get(port, "/search/?" + urllib.parse.urlencode({"q": "dibao"}))
        assert status == 200 and "已为您搜索" in page

        line = {"external_id": "search-cli-1", "title": "关于发放独生子女父母奖励金的通知",
                "body": "独生子女父母奖励金按年发放。", "status": "published"}
        source = tmp_path / "new.jsonl"
        source.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
        assert _gongkai(env, "import", "documents", str(source)).returncode == 0
        query = "/api/v1/search?" + urllib.parse.urlencode({"q": "独生子女父母奖励金"})
        deadline = time.monotonic() + DEADLINE_SECONDS  # generous: this checks the path, it does not time it
        while True:
            titles = [r["title"] for r in json.loads(_get(port, query)[1] or '{"results": []}')["results"]]
            if titles:
                break
            assert time.monotonic() < deadline, "the published document never reached search"
            time.sleep(0.5)
        assert titles == ["关于发放独生子女父母奖励金的通知"]
    finally:
        server.terminate()
        server.wait(timeout=DEADLINE_SECONDS)
