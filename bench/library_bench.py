"""Policy library benchmark: the counts beside every filter option (library.facets) and the whole list page, on a
data folder that holds the laws corpus.

    gongkai setup --name 语料市人民政府 --code 11330100MB0000001R      # in a fresh GONGKAI_DATA_DIR
    gongkai import documents ../shared/corpus/laws.jsonl.gz --mapping laws
    .venv/bin/python bench/library_bench.py --data-dir DIR [--rounds 15] [--write]

Prints a table (median and p95 ms, SQL queries per call); --write puts it in the "library" section of
BENCHMARKS.md. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.report import cpu_reference, machine, percentile, write_section  # noqa: E402

CASES = [
    ("no keyword, no filter", {}),
    ("filter 公文种类=地方性法规", {"doc_type": "地方性法规"}),
    ("filters 公文种类 + 发布年份", {"doc_type": "地方性法规", "year": "2021"}),
    ("keyword 劳动 (全文)", {"q": "劳动"}),
    ("keyword 条例 (标题) + 有效性", {"q": "条例", "scope": "title", "validity": "valid"}),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True, type=Path)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--write", action="store_true", help="write the table into BENCHMARKS.md")
    args = parser.parse_args()
    os.environ["GONGKAI_DATA_DIR"] = str(args.data_dir)
    os.environ.pop("DATABASE_URL", None)
    from gongkai.runtime import setup_django

    setup_django(migrate=False)
    from django.conf import settings
    from django.db import connection
    from django.test.client import Client

    from gongkai.publishing import library
    from gongkai.publishing.visibility import public_documents

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    total = public_documents().count()
    client = Client()
    statements: list[str] = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    rows = []
    for label, params in CASES:
        query, _ = library.parse(params)
        found = library.matches(query)
        library.facets(query, found)  # warm-up
        statements.clear()
        with connection.execute_wrapper(count):
            library.facets(query, found)
        queries = list(statements)
        timings = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            library.facets(query, found)
            timings.append((time.perf_counter() - started) * 1000)
        page = []
        for _ in range(max(3, args.rounds // 3)):
            started = time.perf_counter()
            assert client.get("/xxgk/documents/", params).status_code == 200
            page.append((time.perf_counter() - started) * 1000)
        rows.append((label if found.ids is None else f"{label} ({len(found.ids):,} keyword matches)", statistics.median(timings), percentile(timings, 95), len(queries),
                     statistics.median(page)))
    table = [f"Measured {machine()}; SQLite, {total:,} public documents (the laws corpus); "
             f"CPU reference loop {cpu_reference():.0f} ms; {args.rounds} rounds a row, in process.", "",
             "| library request | facets median ms | facets p95 ms | SQL queries for the facets | whole page median ms |",
             "|---|---|---|---|---|"]
    table += [f"| {label} | {median:.1f} | {p95:.1f} | {count} | {whole:.1f} |"
              for label, median, p95, count, whole in rows]
    body = "## Policy library: counts beside the filter options\n\n" + "\n".join(table)
    print(body)
    if args.write:
        write_section("library", body)


if __name__ == "__main__":
    main()
