"""Shared by the benchmark scripts: machine facts and writing one named section of BENCHMARKS.md."""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import statistics
import time
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"
HEADER = "# Benchmarks\n\nFigures written by the scripts in `bench/`; each section says when and on what it was measured.\n"


def machine() -> str:
    """One line: date, CPU model, cores, memory, Python."""
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{dt.date.today():%Y-%m-%d} · {cpu} · {os.cpu_count()} cores · {mem_gb:.0f} GiB RAM · "
            f"Python {platform.python_version()}")


def cpu_reference(rounds: int = 5) -> float:
    """Milliseconds a fixed pure-Python loop takes (median of `rounds`): how fast this machine ran at the
    time, so that figures from different runs and machines can be compared."""
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        total = 0
        for i in range(2_000_000):
            total += i
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def write_section(name: str, body: str) -> None:
    """Replace (or append) the section between the markers for `name`, leaving the others as they are."""
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    text = BENCHMARKS.read_text(encoding="utf-8") if BENCHMARKS.exists() else HEADER
    block = f"{start}\n{body.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    BENCHMARKS.write_text(text, encoding="utf-8")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)
