"""Policy Q&A benchmark: the laws corpus imported and indexed (documents and articles) as `gongkai qa eval`
leaves it, then POST /api/v1/qa/ask with the evaluation set's questions, served by `gongkai serve` (gunicorn)
on loopback.

    .venv/bin/python bench/qa_bench.py [--corpus ../shared/corpus/laws.jsonl.gz] [--data-dir DIR] [--requests 200]

Writes the "qa" section of BENCHMARKS.md (unless --print-only). Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.report import cpu_reference, machine, percentile, write_section  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "gongkai" / "qa" / "eval" / "questions.jsonl"
UNSEEN = [ROOT / "gongkai" / "qa" / "eval" / name for name in ("heldout2.jsonl", "heldout3.jsonl")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ask(url: str, question: str) -> float:
    body = json.dumps({"question": question}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as r:
        r.read()
    return (time.perf_counter() - start) * 1000


def _latency(url: str, questions: list[str], concurrency: int) -> dict[str, float]:
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        start = time.perf_counter()
        times = list(pool.map(lambda q: _ask(url, q), questions))
        wall = time.perf_counter() - start
    return {"p50": percentile(times, 50), "p95": percentile(times, 95), "p99": percentile(times, 99),
            "rps": len(questions) / wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus" / "laws.jsonl.gz"))
    parser.add_argument("--data-dir", default=None, help="a data folder to reuse (default: gongkai qa eval's)")
    parser.add_argument("--requests", type=int, default=200, help="questions per concurrency level")
    parser.add_argument("--print-only", action="store_true", help="print the section, leave BENCHMARKS.md alone")
    args = parser.parse_args()
    if not Path(args.corpus).exists():
        raise SystemExit(f"corpus not found: {args.corpus}")
    py = [sys.executable, "-m", "gongkai"]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    data_dir = args.data_dir or str(Path(tempfile.gettempdir()) / "gongkai-qa-bench")
    env.update(GONGKAI_DATA_DIR=data_dir, GONGKAI_TASK_BACKEND="immediate", GONGKAI_SEARCH_BACKEND="embedded")
    # Imports the corpus if the folder has none, indexes documents and articles, publishes the curated pairs of
    # eval/pairs.jsonl (an office answers with both) and prints the quality figures.
    subprocess.run([*py, "qa", "eval", "--corpus", args.corpus, "--data-dir", data_dir, "--pairs"], env=env,
                   cwd=ROOT, check=True)
    status = subprocess.run([*py, "qa", "status"], env=env, cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout.splitlines()
    vector_note = next((line for line in status if line.startswith("向量索引")), "向量索引：未启用")
    recall_note = next((line for line in status if line.startswith("召回索引")), "召回索引：未启用")
    cpu_before = cpu_reference()
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(14)
    port = _free_port()
    server = subprocess.Popen([*py, "serve", "--port", str(port), "--no-worker", "--workers", "2"],
                              env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/api/v1/qa/ask"
    table = []
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).read()
                break
            except OSError:
                time.sleep(0.2)
        for concurrency in (1, 4):
            questions = [rng.choice(rows)["question"] for _ in range(args.requests)]
            _latency(url, questions[:20], concurrency)  # warm-up (each process segments articles once)
            stats = _latency(url, questions, concurrency)
            table.append(f"| POST /api/v1/qa/ask | {concurrency} | {stats['p50']:.1f} | {stats['p95']:.1f} | "
                         f"{stats['p99']:.1f} | {stats['rps']:.1f} |")
            print(table[-1], flush=True)
        # Questions never asked before (the held-out sets, each once), after the runs above: the processes' caches
        # hold what the common questions needed, not these questions' own articles.
        unseen = [json.loads(line)["question"] for path in UNSEEN for line in path.read_text(encoding="utf-8")
                  .splitlines() if line.strip()]
        stats = _latency(url, unseen, 1)
        table.append(f"| POST /api/v1/qa/ask (each question asked once) | 1 | {stats['p50']:.1f} | "
                     f"{stats['p95']:.1f} | {stats['p99']:.1f} | {stats['rps']:.1f} |")
        print(table[-1], flush=True)
    finally:
        server.terminate()
        server.wait(timeout=20)
    cpu_after = cpu_reference()
    body = f"""## Policy Q&A: asking over the laws corpus

Measured {machine()}; SQLite (embedded default), the 3,419-law corpus with its articles indexed, `gongkai serve`
with 2 gunicorn workers × 4 threads, questions drawn at random from `gongkai/qa/eval/questions.jsonl`, sent
from the same machine over loopback ({args.requests} per row after a warm-up of 20). Target (issue #14): p95 ≤ 200 ms.
Questions repeat (drawn from 185), so each process's caches of article rows and word sets are warm for most of them;
the last row asks the 175 questions of heldout2.jsonl and heldout3.jsonl once each, after the others.
Semantic re-ranking as configured (GONGKAI_QA_RERANK_DEPTH={os.environ.get("GONGKAI_QA_RERANK_DEPTH", "20 (the default)")});
the candidates' article vectors are those the data folder holds (`gongkai qa eval` computes them for its questions);
the vector index (GONGKAI_QA_VECTOR_DEPTH={os.environ.get("GONGKAI_QA_VECTOR_DEPTH", "20 (the default)")}) holds the
levels whose articles all have a vector ({vector_note});
the recall index (GONGKAI_QA_RECALL_DEPTH={os.environ.get("GONGKAI_QA_RECALL_DEPTH", "40 (the default)")}) holds every
answering article ({recall_note}; `gongkai qa eval` builds it whole);
the 40 curated pairs of `gongkai/qa/eval/pairs.jsonl` are published (`gongkai qa eval --pairs`), so each question is
also matched against them. CPU reference loop {cpu_before:.0f} ms before, {cpu_after:.0f} ms after (how fast this
machine was while measuring; compare figures across machines by it).

| endpoint | concurrency | p50 ms | p95 ms | p99 ms | requests/s |
|---|---|---|---|---|---|
{chr(10).join(table)}
"""
    print(body)
    if not args.print_only:
        write_section("qa", body)


if __name__ == "__main__":
    main()
