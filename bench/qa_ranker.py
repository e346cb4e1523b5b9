"""Learn the Q&A's order of the answers (gongkai.qa.ranker) from the evaluation sets and measure it: every set's
figures with a model learned from the other sets (leave one set out), against the re-ranking's own order.

    .venv/bin/gongkai qa eval --data-dir DIR        # imports the corpus and indexes it, once
    .venv/bin/python bench/qa_ranker.py --data-dir DIR [--print-only]

Writes gongkai/qa/data/ranker.txt (the model learned from every set) and the "qa-ranker" section of BENCHMARKS.md,
unless --print-only. Run without the vector index (GONGKAI_QA_VECTOR_DEPTH=0), as `gongkai qa eval` on a fresh
folder runs. Not a test: nothing here asserts a figure.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.qa_vector_eval import SETS, _setup  # noqa: E402
from bench.report import machine, write_section  # noqa: E402

METRICS = ("law top-1", "law top-3", "article top-1", "article top-3")


@dataclass
class Case:
    """One answerable question: its re-ranked candidates (to the re-ranking's depth, then the rest), their
    features and grades, and the local-first order's groups (None when not asked for a local fact)."""

    law: str
    article: str
    matches: list
    features: np.ndarray
    grades: np.ndarray
    group: object


def collect(questions) -> list[Case]:
    """The cases of `questions`' answerable ones, retrieved as ask() retrieves them, without the learned order."""
    from gongkai.qa import ranker, semantic, services
    from gongkai.qa.evaluation import same_law

    cases = []
    for item in questions:
        if item.kind == "unanswerable":
            continue
        question = services.clean_question(item.question)
        local = services.wants_local(question, services.about_the_world_as_judged(question))
        found = services.retrieve(question, local_first=local, limit=services.RELATED + 1 + semantic.depth(),
                                  learned=False)
        top = found.matches[:semantic.depth()]
        if len(top) < 2 or any(m.similarity is None for m in top):
            continue  # not re-ranked: the learned order does nothing either
        grades = np.array([(ranker.RIGHT_ARTICLE if m.article.anchor == f"art-{item.article}" else ranker.RIGHT_LAW)
                           if same_law(m.title, item.law) else 0 for m in top])
        group = services.local_first_order(services.values_asked(question)) if local else None
        cases.append(Case(item.law, item.article, found.matches, ranker.features(top), grades, group))
    return cases


def figures(cases: list[Case], model, recall: bool = True) -> np.ndarray:
    """Law and article top-1 and top-3 of `cases` ordered by `model` (None: the re-ranking's order); without
    `recall`, the model does not see the recall index's closeness (as when the index is off or behind)."""
    from gongkai.qa import ranker, semantic
    from gongkai.qa.evaluation import same_law

    hits = np.zeros(4)
    for case in cases:
        held = {id(m): m.features.pop("recall") for m in case.matches if not recall and "recall" in m.features}
        order = case.matches if model is None else ranker.order(case.matches, semantic.depth(), case.group, model)
        for m in case.matches:
            if id(m) in held:
                m.features["recall"] = held[id(m)]
        found = [(m.title, m.article.anchor) for m in order[:3]]
        law = next((i for i, (title, _) in enumerate(found) if same_law(title, case.law)), None)
        article = next((i for i, (title, anchor) in enumerate(found)
                        if same_law(title, case.law) and anchor == f"art-{case.article}"), None)
        hits += [law == 0, law is not None, article == 0, article is not None]
    return hits / max(len(cases), 1)


def _order_time(case: Case, model) -> float:
    """Seconds the learned order takes for `case`'s candidates."""
    from gongkai.qa import ranker, semantic

    started = time.perf_counter()
    ranker.order(case.matches, semantic.depth(), case.group, model)
    return time.perf_counter() - started


def _row(name: str, count: int, values: np.ndarray) -> str:
    return f"| {name} | {count} | " + " | ".join(f"{v:.3f}" for v in values) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True, help="the folder `gongkai qa eval --data-dir` prepared")
    parser.add_argument("--print-only", action="store_true", help="print, leave ranker.txt and BENCHMARKS.md alone")
    args = parser.parse_args()
    if not (Path(args.data_dir) / "gongkai.sqlite3").exists():
        raise SystemExit(f"no evaluation folder at {args.data_dir}: run gongkai qa eval --data-dir {args.data_dir}")
    _setup(args.data_dir)
    from django.conf import settings

    from gongkai.qa import evaluation, ranker, semantic

    settings.GONGKAI_QA_VECTOR_DEPTH = 0
    sets = {name: evaluation.load_questions(evaluation.EVAL_DIR / f"{name}.jsonl") for name in SETS}
    started = time.monotonic()
    everything = [q for questions in sets.values() for q in questions]
    evaluation.warm_recall()
    evaluation.warm_vectors(everything)
    cases = {name: collect(questions) for name, questions in sets.items()}
    rows, before, after, unrecalled = [], np.zeros(4), np.zeros(4), np.zeros(4)
    for name, held_out in cases.items():
        learned = ranker.train([(c.features, c.grades) for other, own in cases.items() if other != name
                                for c in own])
        plain, picked = figures(held_out, None), figures(held_out, learned)
        before += plain * len(held_out)
        after += picked * len(held_out)
        unrecalled += figures(held_out, learned, recall=False) * len(held_out)
        rows += [_row(f"{name} (re-ranking)", len(held_out), plain), _row(f"{name} (learned order)", len(held_out),
                                                                          picked)]
        print(rows[-2], rows[-1], sep="\n", flush=True)
    total = sum(len(c) for c in cases.values())
    rows += [_row("all (re-ranking)", total, before / total), _row("all (learned order)", total, after / total),
             _row("all (learned order, not shown the recall closeness)", total, unrecalled / total)]
    final = ranker.train([(c.features, c.grades) for own in cases.values() for c in own])
    inside = sum(figures(own, final) * len(own) for own in cases.values()) / total
    rows.append(_row("all (learned from every set, in-sample)", total, inside))
    took = sorted(_order_time(case, final) for own in cases.values() for case in own)
    table = "\n".join(rows)
    body = f"""## Policy Q&A: the learned order of the answers

Measured {machine()}; the evaluation folder of `gongkai qa eval` (the 3,419-law corpus, SQLite), with the recall
index and without the vector index. The answerable questions of every set in `gongkai/qa/eval` that were
semantically re-ranked; each set's "learned order" row uses a model learned from the other sets only
(gongkai.qa.ranker.train, LightGBM LambdaMART), ordering the first {semantic.depth()} re-ranked candidates with the
best of a third law in third place; the "re-ranking" row keeps the re-ranking's order. The row "not shown the recall
closeness" gives the same models the same candidates without the recall index's features (as when the index is off or
behind; the candidates themselves would then differ too). The model shipped
(data/ranker.txt) is learned from every set; its in-sample row is shown for comparison, not as a measurement.
{time.monotonic() - started:.0f} seconds in all. What the order adds to a question (its features and the model's
scores, `ranker.order`): median {took[len(took) // 2] * 1000:.3f} ms, p95 {took[int(len(took) * 0.95)] * 1000:.3f} ms
over the {len(took)} questions.

| set | questions | {" | ".join(METRICS)} |
|---|---|---|---|---|---|
{table}
"""
    print(body)
    if not args.print_only:
        final.save_model(str(ranker.MODEL_FILE))
        write_section("qa-ranker", body)


if __name__ == "__main__":
    main()
