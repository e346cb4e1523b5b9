"""Consultation benchmark: many residents commenting on one open consultation at the same moment, through
POST /api/v1/consultations/{id}/comments, against `gongkai serve` on PostgreSQL over loopback.

    .venv/bin/python bench/participation_bench.py [--commenters 200] [--comments 5] [--workers 4] [--threads 4]
                                                   [--postgres postgres://postgres@127.0.0.1:5432]
                                                   [--database gk_bench_participation]

The database is made afresh (dropped first if it exists), loaded with the demo (which has one open
consultation) and dropped again at the end. Every commenter is a thread that waits at a common start line and
then sends its comments one after another. The figures: comments/s over the wall time, p50/p95/p99 latency of
the accepted posts, errors, and the check that nothing is lost: the comments stored on the consultation
afterwards equal the posts the server accepted with 201. Writes the "participation" section of BENCHMARKS.md
(unless --print-only). Not a test: nothing here asserts a time.

Each commenter is a resident at an address of its own: the server trusts 127.0.0.1 as its reverse proxy
(GONGKAI_TRUSTED_PROXIES) and every commenter sends X-Forwarded-For with its own address, as a proxy in front of
a real deployment would; the per-address comment limit (GONGKAI_COMMENT_RATE_LIMIT) keeps its default.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.report import cpu_reference, machine, percentile, write_section  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
HTTP_TIMEOUT_SECONDS = 120


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _env(data_dir: Path, database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GONGKAI_", "DJANGO_", "DATABASE_URL"))}
    env.update(GONGKAI_DATA_DIR=str(data_dir), GONGKAI_TASK_BACKEND="sqlite", DATABASE_URL=database_url,
               GONGKAI_TRUSTED_PROXIES="127.0.0.1")
    return env


def _django(env: dict, script: str) -> str:
    done = subprocess.run([sys.executable, "-c", "import django; django.setup()\n" + script], env={
        **env, "DJANGO_SETTINGS_MODULE": "gongkai.settings.prod"}, cwd=ROOT, capture_output=True, text=True,
        check=True)
    return done.stdout.strip()


def _wait_healthy(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as r:
                r.read()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            pass
        if server.poll() is not None:
            raise SystemExit("server exited")
        time.sleep(0.3)
    raise SystemExit("server did not start")


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: list[float] = []
        self.accepted = 0
        self.errors: dict[str, int] = {}
        self.samples: list[str] = []

    def add(self, ms: float, status: int | str, note: str = "") -> None:
        with self.lock:
            if status == 201:
                self.times.append(ms)
                self.accepted += 1
                return
            self.errors[str(status)] = self.errors.get(str(status), 0) + 1
            if len(self.samples) < 5:
                self.samples.append(f"{status}: {note[:200]}")


def _address(n: int) -> str:
    """The n-th commenter's own address (10.x.y.z), as the trusted proxy reports it."""
    return f"10.{n // 62500 % 256}.{n // 250 % 250}.{n % 250 + 1}"


def _post(rec: Recorder, url: str, body: bytes, address: str) -> None:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json",
                                                              "X-Forwarded-For": address})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:
            response.read()
            status, note = response.status, ""
    except urllib.error.HTTPError as error:
        status, note = error.code, error.read().decode(errors="replace")
    except OSError as exc:  # refused, reset, timed out: a comment the resident saw fail
        status, note = type(exc).__name__, repr(exc)
    rec.add((time.perf_counter() - started) * 1000, status, note)


def _commenter(rec: Recorder, url: str, n: int, comments: int, paragraphs: int, start: threading.Barrier) -> None:
    start.wait()
    for i in range(comments):
        payload = {"content": f"压测意见：第{n}位居民的第{i + 1}条意见，建议明确集中停放场所的建设标准和费用分担办法。"}
        if paragraphs and i % 2:
            payload["paragraph"] = (n + i) % paragraphs + 1
        if i == 0:
            payload.update(name=f"居民{n}", contact=f"1380000{n:04d}")
        _post(rec, url, json.dumps(payload, ensure_ascii=False).encode(), _address(n))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commenters", type=int, default=200, help="concurrent commenters (threads)")
    parser.add_argument("--comments", type=int, default=5, help="comments each commenter sends, one after another")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="gk_bench_participation")
    parser.add_argument("--print-only", action="store_true", help="print the section, leave BENCHMARKS.md alone")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="gongkai-participation-bench-"))
    _pg(args.postgres, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
    _pg(args.postgres, f'CREATE DATABASE "{args.database}"')
    env = _env(data_dir, f"{args.postgres}/{args.database}")
    py = [sys.executable, "-m", "gongkai"]
    try:
        subprocess.run([*py, "demo"], env=env, cwd=ROOT, check=True, capture_output=True)
        found = json.loads(_django(env, (
            "import json\nfrom django.utils import timezone\n"
            "from gongkai.participation.visibility import public_consultations\n"
            "from gongkai.participation.services import paragraphs\n"
            "c = [c for c in public_consultations() if c.accepting()][0]\n"
            "print(json.dumps({'id': c.pk, 'comments': c.comments.count(), 'paragraphs': len(paragraphs(c.document))}))")))
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([*py, "serve", "--port", str(port), "--workers", str(args.workers),
                                   "--threads", str(args.threads), "--no-worker"],
                                  env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"{base}/api/v1/consultations/{found['id']}/comments"
        try:
            _wait_healthy(base, server)
            warm = Recorder()
            for i in range(args.workers * 4):  # each process opens its database connection and loads its code
                _post(warm, url, json.dumps({"content": f"预热意见{i}"}, ensure_ascii=False).encode(),
                      _address(args.commenters + i))
            rec = Recorder()
            start = threading.Barrier(args.commenters + 1)
            threads = [threading.Thread(target=_commenter, args=(rec, url, n, args.comments, found["paragraphs"],
                                                                 start)) for n in range(args.commenters)]
            for t in threads:
                t.start()
            reference = cpu_reference(3)
            load = os.getloadavg()
            start.wait()
            started = time.perf_counter()
            for t in threads:
                t.join()
            wall = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=60)
        stored = int(_django(env, "from gongkai.participation.models import Comment\n"
                                  f"print(Comment.objects.filter(consultation_id={found['id']}).count())"))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
        _pg(args.postgres, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
    new = stored - found["comments"] - warm.accepted
    sent = args.commenters * args.comments
    errors = ", ".join(f"{k}: {v}" for k, v in sorted(rec.errors.items())) or "0"
    row = (f"| {args.commenters} | {sent} | {rec.accepted} | {errors} | {rec.accepted / wall:.1f} | "
           f"{percentile(rec.times, 50):.0f} | {percentile(rec.times, 95):.0f} | {percentile(rec.times, 99):.0f} | "
           f"{new} | {'yes' if new == rec.accepted else 'NO'} |")
    print(row, f"(wall {wall:.1f} s, cpu reference {reference:.0f} ms, load before {load[0]:.2f})", *rec.samples,
          sep="\n", flush=True)
    shared = (f" The machine was shared with other work during the run (a load average of {load[0]:.1f} on "
              f"{os.cpu_count()} cores before it started), so these are lower figures than an idle machine gives."
              if load[0] > 1 else "")
    body = f"""## Participation: concurrent comments on one consultation

Measured {machine()}; load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1 / 5 / 15 min) just before
the run, CPU reference loop {reference:.0f} ms (`bench.report.cpu_reference`). PostgreSQL on 127.0.0.1 (a fresh
database `{args.database}` with the demo loaded), `gongkai serve --workers {args.workers} --threads {args.threads}
--no-worker` (gunicorn gthread); `bench/participation_bench.py` runs on the same machine over loopback.
{args.commenters} commenters (one thread each) wait at a common start line, then each sends {args.comments}
comments one after another to `POST /api/v1/consultations/{{id}}/comments` on the demo's open consultation (whole
draft or one paragraph; the first with a name and contact, which are encrypted), each from an address of its own
(X-Forwarded-For through the trusted proxy 127.0.0.1, so the per-address limit GONGKAI_COMMENT_RATE_LIMIT keeps its
default and its row is locked and written on every post, as in production). Each comment takes a shared lock on
the consultation row (closed means closed: the clock check and the insert are ordered against closing, which
locks the row for update; comments do not wait for one another) and appends to the audit log, whose hash chain
takes one writer at a time. comments/s = accepted ÷ wall time from the start line to
the last answer; latencies are of the accepted posts; "stored" counts the consultation's comments in the
database afterwards, less those there before and the {args.workers * 4} warm-up posts.{shared}

| commenters | posts | accepted (201) | errors | comments/s | p50 ms | p95 ms | p99 ms | stored | stored = accepted |
|---|---|---|---|---|---|---|---|---|---|
{row}

With {args.commenters} commenters always waiting, a post spends on average about commenters ÷ comments/s =
{args.commenters / (rec.accepted / wall):.1f} s in the system (Little's law): the latencies are mostly the wait
for the server's {args.workers * args.threads} request threads and the audit chain's one writer at a time, not
the cost of one comment.
"""
    print(body)
    if not args.print_only:
        write_section("participation", body)


if __name__ == "__main__":
    main()
