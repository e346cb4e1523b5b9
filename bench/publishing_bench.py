"""Publishing benchmark: import the real laws corpus through `gongkai import documents`, then measure the
public pages and read API served by `gongkai serve` (gunicorn) on loopback.

    .venv/bin/python bench/publishing_bench.py [--corpus ../shared/corpus/laws.jsonl.gz] [--requests 300]

Writes the "publishing" section of BENCHMARKS.md. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import random
import resource
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.report import machine, percentile, write_section  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _env(data_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(GONGKAI_DATA_DIR=str(data_dir), GONGKAI_TASK_BACKEND="immediate")
    return env


def _timed(cmd: list[str], env: dict) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MiB) of the child and its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    result = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    if result.returncode not in (0, 1):
        raise SystemExit(result.stderr)
    return wall, peak, result.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as r:
        r.read()
    return (time.perf_counter() - start) * 1000


def _latency(urls: list[str], concurrency: int) -> dict[str, float]:
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        start = time.perf_counter()
        times = list(pool.map(_get, urls))
        wall = time.perf_counter() - start
    return {"p50": percentile(times, 50), "p95": percentile(times, 95), "p99": percentile(times, 99),
            "rps": len(urls) / wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus" / "laws.jsonl.gz"))
    parser.add_argument("--requests", type=int, default=300, help="requests per endpoint and concurrency")
    args = parser.parse_args()
    if not Path(args.corpus).exists():
        raise SystemExit(f"corpus not found: {args.corpus}")
    data_dir = Path(tempfile.mkdtemp(prefix="gongkai-bench-"))
    env = _env(data_dir)
    py = [sys.executable, "-m", "gongkai"]
    try:
        subprocess.run([*py, "demo"], env=env, cwd=ROOT, check=True, capture_output=True)
        first, peak1, out1 = _timed([*py, "import", "documents", args.corpus, "--mapping", "laws"], env)
        again, peak2, out2 = _timed([*py, "import", "documents", args.corpus, "--mapping", "laws"], env)
        print(out1.strip().splitlines()[-1], "|", out2.strip().splitlines()[-1])
        docs = sum(1 for _ in __import__("gzip").open(args.corpus))
        db_mb = (data_dir / "gongkai.sqlite3").stat().st_size / 2**20

        port = _free_port()
        server = subprocess.Popen([*py, "serve", "--port", str(port), "--no-worker", "--workers", "2"],
                                  env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    _get(base + "/healthz")
                    break
                except OSError:
                    time.sleep(0.2)
            rng = random.Random(42)
            with sqlite3.connect(data_dir / "gongkai.sqlite3") as db:
                ids = [pk for (pk,) in db.execute(
                    "SELECT id FROM publishing_document WHERE live_revision_id IS NOT NULL AND state = 'published'")]
            endpoints = {
                "GET /api/v1/documents (page 1–50, 20 a page)":
                    lambda: f"{base}/api/v1/documents?page={rng.randint(1, 50)}",
                "GET /api/v1/documents?year=…&doc_type=…":
                    lambda: f"{base}/api/v1/documents?year={rng.randint(2000, 2024)}&doc_type=%E8%A1%8C%E6%94%BF%E6%B3%95%E8%A7%84",
                "GET /api/v1/documents/{id}": lambda: f"{base}/api/v1/documents/{rng.choice(ids)}",
                "GET /xxgk/documents/ (list page)": lambda: f"{base}/xxgk/documents/?page={rng.randint(1, 50)}",
                "GET /xxgk/documents/{id}/ (detail page)": lambda: f"{base}/xxgk/documents/{rng.choice(ids)}/",
            }
            rows = []
            for label, make in endpoints.items():
                for concurrency in (1, 4):
                    urls = [make() for _ in range(args.requests)]
                    _latency(urls[:20], concurrency)  # warm-up
                    stats = _latency(urls, concurrency)
                    rows.append(f"| {label} | {concurrency} | {stats['p50']:.1f} | {stats['p95']:.1f} | "
                                f"{stats['p99']:.1f} | {stats['rps']:.0f} |")
                    print(rows[-1])
        finally:
            server.terminate()
            server.wait(timeout=20)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)

    body = f"""## Publishing: import and the public read path

Measured {machine()}; SQLite (embedded default), `gongkai serve` with 2 gunicorn workers × 4 threads,
requests from the same machine over loopback ({args.requests} per row after a warm-up).

| import of the laws corpus ({docs:,} documents, `--mapping laws`) | wall s | documents/s | peak RSS MiB |
|---|---|---|---|
| first import (creates, publishes and indexes for search) | {first:.1f} | {docs / first:.0f} | {peak1:.0f} |
| re-import (every line unchanged) | {again:.1f} | {docs / again:.0f} | {peak2:.0f} |

SQLite database after import: {db_mb:.0f} MiB.

| endpoint | concurrency | p50 ms | p95 ms | p99 ms | requests/s |
|---|---|---|---|---|---|
""" + "\n".join(rows)
    write_section("publishing", body)
    print("BENCHMARKS.md updated")


if __name__ == "__main__":
    main()
