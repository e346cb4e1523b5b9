"""Policy Q&A quality with the vector index: the articles of the four national levels (laws, administrative
regulations, rules, judicial interpretations) embedded in the evaluation folder, then every set in gongkai/qa/eval
evaluated with the vector index and without it, on the same folder.

    .venv/bin/gongkai qa eval --data-dir DIR        # imports the corpus and indexes it, once
    .venv/bin/python bench/qa_vector_eval.py --data-dir DIR [--processes 2]

Embedding the national levels' 59,000 articles takes about 90 minutes in two processes on two cores (done once:
what has a vector is kept in the folder's database). Writes the "qa-vectors" section of BENCHMARKS.md (unless
--print-only). Not a test: nothing here asserts a figure.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.report import machine, write_section  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SETS = ("questions", "heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6", "heldout7")
BATCH = 256


def _setup(data_dir: str) -> None:
    os.environ["GONGKAI_DATA_DIR"] = data_dir
    os.environ["GONGKAI_SEARCH_BACKEND"] = "embedded"
    os.environ.pop("DATABASE_URL", None)
    from gongkai.runtime import setup_django

    setup_django(migrate=False)


def _missing(part: int, parts: int) -> list[int]:
    """This process's share of the national levels' articles without a vector, level by level (laws first), so
    whatever is stopped half-way leaves the first levels whole."""
    from gongkai.qa.index import RANK_BY_TYPE, answering_article_rows

    ids: list[int] = []
    for level in RANK_BY_TYPE:
        # Shared out by key, not by position: the others' first batches may already be written.
        ids += [pk for pk in answering_article_rows().filter(vector__isnull=True, revision__doc_type=level)
                .order_by("pk").values_list("pk", flat=True) if pk % parts == part]
    return ids


def embed_part(part: int, parts: int) -> None:
    """One process's share of the embedding (run by main in `parts` processes)."""
    from gongkai.qa import semantic

    ids = _missing(part, parts)
    started = time.monotonic()
    for start in range(0, len(ids), BATCH):
        semantic.embed_articles(ids[start:start + BATCH])
        done = min(start + BATCH, len(ids))
        print(f"[{part + 1}/{parts}] {done} / {len(ids)}，{time.monotonic() - started:.0f} 秒", flush=True)


def _row(name: str, scores) -> str:
    refusal = f"{scores.refusal:.3f}" if scores.unanswerable else "—"  # a set may hold no unanswerable question
    return (f"| {name} | {scores.answerable + scores.unanswerable} | {scores.law_top1:.3f} | {scores.law_top3:.3f} | "
            f"{scores.article_top1:.3f} | {scores.article_top3:.3f} | {scores.false_refusal:.3f} | {refusal} |")


def _national_vectors() -> int:
    from gongkai.qa.index import RANK_BY_TYPE, answering_article_rows

    return answering_article_rows().filter(revision__doc_type__in=list(RANK_BY_TYPE), vector__isnull=False).count()


def _together(results: list) -> object:
    """The figures of several sets' questions taken together, from each set's figures and counts."""
    from gongkai.qa.evaluation import Scores

    total = Scores(answerable=sum(r.answerable for r in results), unanswerable=sum(r.unanswerable for r in results))
    for name in ("law_top1", "law_top3", "article_top1", "article_top3", "false_refusal"):
        setattr(total, name, sum(getattr(r, name) * r.answerable for r in results) / max(total.answerable, 1))
    total.refusal = sum(r.refusal * r.unanswerable for r in results) / max(total.unanswerable, 1)
    return total


def evaluate_sets() -> tuple[str, str]:
    """The table of every set (and all together) without the vector index and with it, and what it held."""
    from django.conf import settings

    from gongkai.qa import evaluation

    note = evaluation.vector_index_note()
    sets = {name: evaluation.load_questions(evaluation.EVAL_DIR / f"{name}.jsonl") for name in SETS}
    everything = [q for questions in sets.values() for q in questions]
    depth = settings.GONGKAI_QA_VECTOR_DEPTH
    rows = []
    for label, value in (("without", 0), ("with", depth)):
        settings.GONGKAI_QA_VECTOR_DEPTH = value
        # The candidates found through the index need their vectors too before re-ranking uses them all.
        evaluation.warm_vectors(everything)
        results = []
        for name, questions in sets.items():
            results.append(evaluation.evaluate(questions, evaluation.qa_outcome))
            rows.append(_row(f"{name} ({label})", results[-1]))
            print(rows[-1], flush=True)
        rows.append(_row(f"all ({label})", _together(results)))
        print(rows[-1], flush=True)
    settings.GONGKAI_QA_VECTOR_DEPTH = depth
    return note, "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True, help="the folder `gongkai qa eval --data-dir` prepared")
    parser.add_argument("--processes", type=int, default=2, help="embedding processes (one core each)")
    parser.add_argument("--part", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--print-only", action="store_true", help="print the section, leave BENCHMARKS.md alone")
    args = parser.parse_args()
    if not (Path(args.data_dir) / "gongkai.sqlite3").exists():
        raise SystemExit(f"no evaluation folder at {args.data_dir}: run gongkai qa eval --data-dir {args.data_dir}")
    _setup(args.data_dir)
    from gongkai.qa import dense

    if not dense.depth():
        raise SystemExit("the vector index is off (GONGKAI_QA_VECTOR_DEPTH or GONGKAI_QA_RERANK_DEPTH is 0)")
    if args.part is not None:
        embed_part(args.part, args.processes)
        return
    before, started = _national_vectors(), time.monotonic()
    # One thread each: the processes share the cores between them.
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    workers = [subprocess.Popen([sys.executable, __file__, "--data-dir", args.data_dir, "--processes",
                                 str(args.processes), "--part", str(part)], env=env)
               for part in range(args.processes)]
    if any([worker.wait() for worker in workers]):  # a list: every worker is waited for
        raise SystemExit("embedding failed")
    embedding, computed = time.monotonic() - started, _national_vectors() - before
    if not computed:
        done = "all before this run"
    else:
        done = f"{computed} of them this run, in {embedding / 60:.0f} minutes in {args.processes} processes"
        done += "; the others before" if before else ""
    note, table = evaluate_sets()
    body = f"""## Policy Q&A: quality with the vector index

Measured {machine()}; the evaluation folder of `gongkai qa eval` (the 3,419-law corpus, SQLite), the articles of
the four national levels embedded ({done}), every set of `gongkai/qa/eval` from articles alone, without the vector index
(GONGKAI_QA_VECTOR_DEPTH=0) and with it (the default). {note}

| set | questions | law top-1 | law top-3 | article top-1 | article top-3 | false refusal | refusal |
|---|---|---|---|---|---|---|---|
{table}
"""
    print(body)
    if not args.print_only:
        write_section("qa-vectors", body)


if __name__ == "__main__":
    main()
