"""The learned order of the answers: which of the semantically re-ranked candidates are shown first.

The re-ranking (semantic.rerank, recall.rerank) orders the best lexical candidates by their lexical score plus their
closeness in meaning; both were weighed by hand. A ranking model (LightGBM's LambdaMART: gradient-boosted trees,
trained to put the right article, and less the right law, first) scores each candidate from what is known of it and
of the others (the parts of its lexical score, its closeness by both models, its chapter and length, how close and
how many its law's other candidates are) and orders them; the third place goes to the best-scored candidate of a law
not among the first two, so the first three name at least two laws where the candidates hold them (the right law
is more often among three laws than the right article among one law's third best: README, twenty-seventh session).

The model is learned by bench/qa_ranker.py from the evaluation sets, each set's figures measured with a model
learned without it, and written to data/ranker.txt (LightGBM's text format). Without that file, or with one for
other features, the re-ranking's order stays.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import lightgbm

log = logging.getLogger(__name__)

MODEL_FILE = Path(__file__).resolve().parent / "data" / "ranker.txt"
FEATURES = ("lexical", "engine", "coverage", "standing", "kind", "meaning", "support", "similarity",
            "similarity_gap", "similarity_scaled", "general_provisions", "supplementary_provisions", "liability",
            "first_article", "length", "law_similarity_gap", "law_candidates", "law_coverage", "similarity_rank",
            "lexical_rank", "recall_scaled", "recall_rank", "law_recall_gap")
RECALL_COLUMNS = [FEATURES.index(name) for name in ("recall_scaled", "recall_rank", "law_recall_gap")]
# Of the score's parts (services.retrieve), those the model reads.
PARTS = ("engine", "coverage", "standing", "kind", "meaning", "support")
# The relevance grades training aims at: the right article, another article of the right law, any other.
RIGHT_ARTICLE, RIGHT_LAW = 4, 1
# Small trees, few of them, and many questions behind each leaf: the eight sets hold 799 answerable questions, and each
# set's figures are measured with a model learned from the others (README, twenty-seventh session).
PARAMS = {"objective": "lambdarank", "learning_rate": 0.05, "num_leaves": 7, "min_data_in_leaf": 20,
          "num_threads": 1, "deterministic": True, "force_row_wise": True, "seed": 7, "verbosity": -1}
ROUNDS = 200


def features(top: Sequence) -> np.ndarray:
    """The features of the re-ranked candidates `top` (ArticleMatch, in the re-ranking's order, each with its
    similarity); their lexical rank is read from their lexical scores."""
    sims = np.array([m.similarity for m in top], dtype=float)
    best, spread = sims.max(), float(sims.max() - sims.min()) or 1.0
    by_closeness = np.empty(len(top))
    by_closeness[np.argsort(-sims, kind="stable")] = np.arange(len(top))
    by_lexical = np.empty(len(top))
    by_lexical[np.argsort([-m.lexical for m in top], kind="stable")] = np.arange(len(top))
    # The recall index's closeness (gongkai.qa.recall.rerank), when it re-ranked them all; else missing (NaN), which
    # the model was also trained on (train): the index may be off, or still being built on a new instance.
    recalled = np.full(len(top), np.nan)
    by_recall = np.full(len(top), np.nan)
    if all("recall" in m.features for m in top):
        recalled = np.array([m.features["recall"] for m in top], dtype=float)
        by_recall[np.argsort(-recalled, kind="stable")] = np.arange(len(top))
    recall_best, recall_spread = recalled.max(), float(recalled.max() - recalled.min()) or 1.0
    law_sim: dict[int, float] = {}
    law_recall: dict[int, float] = {}
    law_count: dict[int, int] = {}
    law_cov: dict[int, float] = {}
    for i, (m, s) in enumerate(zip(top, sims, strict=True)):
        law = m.article.document_id
        law_sim[law] = max(law_sim.get(law, -1.0), s)
        law_recall[law] = np.fmax(law_recall.get(law, -1.0), recalled[i])
        law_count[law] = law_count.get(law, 0) + 1
        law_cov[law] = max(law_cov.get(law, 0.0), m.coverage)
    rows = []
    for i, (m, s) in enumerate(zip(top, sims, strict=True)):
        chapter, law = m.article.chapter or "", m.article.document_id
        rows.append([m.lexical, *(m.features.get(part, 0.0) for part in PARTS), s, s - best, (s - best) / spread,
                     "总则" in chapter, "附则" in chapter, "责任" in chapter, m.article.number == 1 and not m.article.sub,
                     math.log1p(len(m.article.text)), law_sim[law] - best, math.log(law_count[law]), law_cov[law],
                     1 / (1 + by_closeness[i]), 1 / (1 + by_lexical[i]), (recalled[i] - recall_best) / recall_spread,
                     1 / (1 + by_recall[i]), law_recall[law] - recall_best])
    return np.array(rows, dtype=float)


@cache
def model() -> lightgbm.Booster | None:
    """The shipped model, or None when there is none, it is damaged or it reads other features."""
    return load(MODEL_FILE)


def load(path: Path) -> lightgbm.Booster | None:
    """The model in `path`, or None (missing, damaged, for other features, or LightGBM cannot load: its OpenMP
    library libgomp1 missing), when the re-ranking's order stays rather than every question failing."""
    try:
        import lightgbm  # imported when first needed (about 0.4 s), and only the Q&A needs it
    except Exception:  # noqa: BLE001 - a missing libgomp1 raises OSError from ctypes, a missing library Exception
        log.exception("LightGBM cannot be loaded: the answers keep the re-ranking's order")
        return None
    try:
        booster = lightgbm.Booster(model_str=path.read_text(encoding="utf-8"))
    except (OSError, ValueError, lightgbm.basic.LightGBMError):
        return None
    return booster if tuple(booster.feature_name()) == FEATURES else None


def order(matches: list, n: int, group: Callable | None = None, learned: lightgbm.Booster | None = None) -> list:
    """`matches` with the first `n` (all with their similarity) ordered by the model's scores, the best-scored of a
    third law moved up to third place; with `group` (the local-first order), the groups keep their order. Unchanged
    when there is no model or a candidate lacks its similarity."""
    learned = model() if learned is None else learned
    top = matches[:n]
    if learned is None or len(top) < 2 or any(m.similarity is None for m in top):
        return matches
    scores = learned.predict(features(top), num_threads=1)
    ranked = sorted(range(len(top)), key=lambda i: (group(top[i]) if group else 0, -scores[i], i))
    laws = {top[i].article.document_id for i in ranked[:2]}
    third = next((i for i in ranked[2:] if top[i].article.document_id not in laws), None)
    if third is not None and (group is None or group(top[third]) == group(top[ranked[2]])):
        ranked.remove(third)
        ranked.insert(2, third)
    return [top[i] for i in ranked] + matches[n:]


def train(questions: Sequence[tuple[np.ndarray, np.ndarray]]) -> lightgbm.Booster | None:
    """A model learned from `questions` (each: its candidates' features and grades, RIGHT_ARTICLE, RIGHT_LAW or 0),
    or None when no candidate of any is right."""
    import lightgbm

    usable = [(x, y) for x, y in questions if y.sum() > 0]
    if not usable:
        return None
    # Each question once more without the recall index's closeness, as features() gives it when the index is off or
    # behind: the trees learn that case too rather than meeting values they never saw.
    usable += [(_without_recall(x), y) for x, y in usable if not np.isnan(x[:, RECALL_COLUMNS]).all()]
    data = lightgbm.Dataset(np.vstack([x for x, _ in usable]), np.concatenate([y for _, y in usable]),
                            group=[len(x) for x, _ in usable], feature_name=list(FEATURES), free_raw_data=False)
    return lightgbm.train(PARAMS, data, num_boost_round=ROUNDS)


def _without_recall(x: np.ndarray) -> np.ndarray:
    missing = x.copy()
    missing[:, RECALL_COLUMNS] = np.nan
    return missing
