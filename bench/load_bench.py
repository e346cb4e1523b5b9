"""Load benchmark: a bounded mixed load (browse, list, read, search, apply, track) from many concurrent
users over loopback against `gongkai serve` with several app processes, on PostgreSQL and on the embedded
default (SQLite), with the real laws corpus loaded.

    .venv/bin/python bench/load_bench.py [--users 50 200] [--iterations 6] [--workers 4] [--backends postgres sqlite]

Each virtual user runs `--iterations` rounds of the mix below one request after another (a person reading,
not a flood), so the load is bounded by request count, not by time. Writes the "load" section of
BENCHMARKS.md: requests/s, p50/p95/p99 per kind, errors, and whether the applications stored afterwards
equal the applications the server accepted. Not a test: nothing here asserts a time.

The load generator runs on the same 2-core machine as the server, so the figures are what one such machine
serves while also generating its own load: a lower bound for a real deployment.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.report import cpu_reference, machine, percentile, write_section  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
# Words residents type (everyday terms, document numbers, a question), so search does its real work.
QUERIES = ["低保", "医保", "个人所得税", "劳动合同", "国务院令第608号", "食品安全", "社会保险法", "养老金怎么领",
           "公司登记", "环境保护", "yibao", "消费者权益保护", "失业保险金", "道路交通安全", "住房公积金"]
KINDS = ("browse", "list", "read", "search", "apply", "track")
HTTP_TIMEOUT_SECONDS = 120


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(data_dir: Path, database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GONGKAI_", "DJANGO_", "DATABASE_URL"))}
    env.update(GONGKAI_DATA_DIR=str(data_dir), GONGKAI_TASK_BACKEND="sqlite",
               # Every virtual user comes from 127.0.0.1: lift the per-address intake limit so the bench
               # measures serving, not the anti-abuse rule (which has its own tests).
               GONGKAI_APPLICATION_RATE_LIMIT="1000000/3600")
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


class Recorder:
    """Latencies and outcomes per request kind, shared by the user threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.samples: list[str] = []
        self.accepted: list[tuple[str, str]] = []

    def add(self, kind: str, ms: float, ok: bool, note: str = "") -> None:
        with self.lock:
            self.times[kind].append(ms)
            if not ok:
                self.errors[kind] += 1
                if len(self.samples) < 5:
                    self.samples.append(f"{kind}: {note[:200]}")


def _request(url: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _timed(rec: Recorder, kind: str, url: str, data: bytes | None = None, headers: dict | None = None,
           expect: int = 200) -> bytes | None:
    started = time.perf_counter()
    try:
        status, body = _request(url, data, headers)
    except OSError as exc:  # refused, reset, timed out: an error the user saw
        rec.add(kind, (time.perf_counter() - started) * 1000, False, repr(exc))
        return None
    rec.add(kind, (time.perf_counter() - started) * 1000, status == expect, f"{status} {body[:300].decode(errors='replace')}")
    return body if status == expect else None


def _id_number(n: int) -> str:
    """A well-formed resident identity number (GB 11643 check digit) that differs per application."""
    body = f"11010119900307{n % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def _application(n: int, agency: str) -> bytes:
    return json.dumps({
        "applicant_type": "natural_person", "name": f"压测申请人{n}", "id_number": _id_number(n),
        "phone": "13800138000", "email": f"load{n}@example.com", "address": "示例市东城区和平路1号",
        "description": f"请公开本机关2025年度第{n}号行政许可决定书及其依据。", "delivery": "electronic",
        "agency": agency}, ensure_ascii=False).encode()


def _track(rec: Recorder, base: str, code: str, token: str) -> None:
    _timed(rec, "track", f"{base}/api/v1/applications/{code}", headers={"X-Access-Token": token}) \
        if _TRACK_BY_HEADER else _timed(rec, "track", f"{base}/api/v1/applications/{code}?token={token}")


_TRACK_BY_HEADER = True


def _user(rec: Recorder, base: str, ids: list[int], agency: str, seed: int, iterations: int) -> None:
    rng = random.Random(seed)
    mine: list[tuple[str, str]] = []
    for i in range(iterations):
        _timed(rec, "browse", f"{base}/")
        _timed(rec, "list", f"{base}/xxgk/documents/?page={rng.randint(1, 50)}")
        _timed(rec, "read", f"{base}/xxgk/documents/{rng.choice(ids)}/")
        q = urllib.request.quote(rng.choice(QUERIES))
        _timed(rec, "search", f"{base}/search/?q={q}")
        if i % 3 == 0:  # one application every third round: people read far more than they apply
            body = _timed(rec, "apply", f"{base}/api/v1/applications", _application(seed * 1000 + i, agency),
                          {"Content-Type": "application/json"}, expect=201)
            if body:
                created = json.loads(body)
                mine.append((created["tracking_code"], created["access_token"]))
                with rec.lock:
                    rec.accepted.append(mine[-1])
        if mine:
            _track(rec, base, *rng.choice(mine))


def _wait_healthy(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if _request(base + "/healthz")[0] in (200, 503):
                return
        except OSError:
            pass
        if server.poll() is not None:
            raise SystemExit("server exited")
        time.sleep(0.3)
    raise SystemExit("server did not start")


def _django(env: dict, script: str) -> str:
    done = subprocess.run([sys.executable, "-c", "import django; django.setup()\n" + script], env={
        **env, "DJANGO_SETTINGS_MODULE": "gongkai.settings.prod"}, cwd=ROOT, capture_output=True, text=True,
        check=True)
    return done.stdout.strip()


def run_backend(backend: str, corpus: Path, users: list[int], iterations: int, workers: int) -> list[str]:
    """Set up one instance with the corpus, run each load level, return the table rows."""
    data_dir = Path(tempfile.mkdtemp(prefix="gongkai-load-"))
    db_name = f"gongkai_load_{os.getpid()}"
    database_url = f"postgres://postgres@127.0.0.1:5432/{db_name}" if backend == "postgres" else ""
    if backend == "postgres":
        _pg(f'CREATE DATABASE "{db_name}"')
    env = _env(data_dir, database_url)
    py = [sys.executable, "-m", "gongkai"]
    rows: list[str] = []
    try:
        subprocess.run([*py, "demo"], env=env, cwd=ROOT, check=True, capture_output=True)
        subprocess.run([*py, "import", "documents", str(corpus), "--mapping", "laws"], env=env, cwd=ROOT,
                       check=True, capture_output=True)
        ids = json.loads(_django(env, (
            "import json\nfrom gongkai.publishing.visibility import public_documents\n"
            "print(json.dumps(list(public_documents().values_list('id', flat=True))))")))
        agency = _django(env, "from gongkai.orgs.models import Agency\n"
                              "print(Agency.objects.filter(parent__isnull=True).first().code)")
        for level in users:
            before = int(_django(env, "from gongkai.disclosure.models import Application\n"
                                      "print(Application.objects.count())"))
            port = _free_port()
            server = subprocess.Popen([*py, "serve", "--port", str(port), "--workers", str(workers)],
                                      env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            base = f"http://127.0.0.1:{port}"
            try:
                _wait_healthy(base, server)
                warm = Recorder()
                _user(warm, base, ids, agency, 0, 1)
                rec = Recorder()
                threads = [threading.Thread(target=_user, args=(rec, base, ids, agency, seed + 1, iterations))
                           for seed in range(level)]
                reference = cpu_reference(3)
                started = time.perf_counter()
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                wall = time.perf_counter() - started
            finally:
                server.terminate()
                server.wait(timeout=60)
            after = int(_django(env, "from gongkai.disclosure.models import Application\n"
                                     "print(Application.objects.count())"))
            stored = after - before - len(warm.accepted)
            total = sum(len(v) for v in rec.times.values())
            errors = sum(rec.errors.values())
            every = [t for v in rec.times.values() for t in v]
            rows.append(f"| {backend} | {level} | all | {total} | {total / wall:.1f} | {percentile(every, 50):.0f} | "
                        f"{percentile(every, 95):.0f} | {percentile(every, 99):.0f} | {errors} | "
                        f"{len(rec.accepted)} accepted / {stored} stored |")
            for kind in KINDS:
                times = rec.times.get(kind, [])
                if times:
                    rows.append(f"| | | {kind} | {len(times)} | | {percentile(times, 50):.0f} | "
                                f"{percentile(times, 95):.0f} | {percentile(times, 99):.0f} | {rec.errors[kind]} | |")
            print("\n".join(rows[-(1 + len(KINDS)):]), f"(wall {wall:.0f} s, cpu reference {reference:.0f} ms)",
                  *rec.samples, sep="\n", flush=True)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
        if backend == "postgres":
            _pg(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus" / "laws.jsonl.gz"))
    parser.add_argument("--users", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--iterations", type=int, default=6, help="rounds of the mix per virtual user")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--docs", type=int, default=0, help="import only the first N corpus lines (a quick trial)")
    parser.add_argument("--backends", nargs="+", default=["postgres", "sqlite"], choices=["postgres", "sqlite"])
    args = parser.parse_args()
    corpus = Path(args.corpus)
    if not corpus.exists():
        raise SystemExit(f"corpus not found: {corpus}")
    if args.docs:
        trial = Path(tempfile.mkdtemp(prefix="gongkai-load-corpus-")) / "corpus.jsonl.gz"
        with gzip.open(corpus) as src, gzip.open(trial, "wb") as dst:
            for line in itertools.islice(src, args.docs):
                dst.write(line)
        corpus = trial
    docs = sum(1 for _ in gzip.open(corpus))
    rows: list[str] = []
    for backend in args.backends:
        rows += run_backend(backend, corpus, args.users, args.iterations, args.workers)
    body = f"""## Load: mixed public traffic on PostgreSQL and on the embedded default

Measured {machine()}. `gongkai serve --workers {args.workers}` (gunicorn, each worker with threads; the task
worker beside it) with the laws corpus ({docs:,} documents) imported; the load generator (`bench/load_bench.py`,
one thread per virtual user) runs on the same machine over loopback. Each user runs {args.iterations} rounds of:
home page, a list page, a document page, a search (words residents type), and every third round an
application through `POST /api/v1/applications` followed each round by a tracking look-up of one of its own
applications. Bounded by request count, not time; the per-address intake limit is lifted for the run
(all users share 127.0.0.1). "stored" counts the applications in the database afterwards.

| database | users | request | requests | requests/s | p50 ms | p95 ms | p99 ms | errors | applications |
|---|---|---|---|---|---|---|---|---|---|
""" + "\n".join(rows)
    write_section("load", body)
    print("BENCHMARKS.md updated")


if __name__ == "__main__":
    main()
