"""The learned choice of the answer: which of the semantically re-ranked candidates is shown first.

The re-ranking (semantic.rerank) orders the best lexical candidates by their lexical score plus their closeness in
meaning; both were weighed by hand. A linear model over what is known of each candidate (the parts of its lexical
score, its closeness, its chapter and length, how close and how many its law's other candidates are) picks the
first one instead; the others keep the re-ranking's order, which keeps more laws among the first three.

The weights are learned by bench/qa_ranker.py from the evaluation sets (listwise: the right article, and less the
right law, should come first), each set's figures measured with weights learned without it, and written to
data/ranker.json. Without that file the re-ranking's first stays first.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

import numpy as np

WEIGHTS_FILE = Path(__file__).resolve().parent / "data" / "ranker.json"
FEATURES = ("lexical", "engine", "coverage", "standing", "kind", "meaning", "support", "similarity",
            "similarity_gap", "similarity_scaled", "general_provisions", "supplementary_provisions", "liability",
            "first_article", "length", "law_similarity_gap", "law_candidates", "law_coverage", "similarity_rank",
            "lexical_rank")
# Of the score's parts (services.retrieve), those the model reads.
PARTS = ("engine", "coverage", "standing", "kind", "meaning", "support")
# What the right law without the right article counts for in training, against the right article's 1.
LAW_CREDIT = 0.25
# How far training may move the weights from where it starts (the re-ranking's own weighing): strong, since the
# sets hold hundreds of questions and the features are many and related (chosen by leave-one-set-out, README).
L2 = 1.0
STEPS = 1500


def features(top: Sequence) -> np.ndarray:
    """The features of the re-ranked candidates `top` (ArticleMatch, in the re-ranking's order, each with its
    similarity); their lexical rank is read from their lexical scores."""
    sims = np.array([m.similarity for m in top], dtype=float)
    best, spread = sims.max(), float(sims.max() - sims.min()) or 1.0
    by_closeness = np.empty(len(top))
    by_closeness[np.argsort(-sims, kind="stable")] = np.arange(len(top))
    by_lexical = np.empty(len(top))
    by_lexical[np.argsort([-m.lexical for m in top], kind="stable")] = np.arange(len(top))
    law_sim: dict[int, float] = {}
    law_count: dict[int, int] = {}
    law_cov: dict[int, float] = {}
    for m, s in zip(top, sims, strict=True):
        law = m.article.document_id
        law_sim[law] = max(law_sim.get(law, -1.0), s)
        law_count[law] = law_count.get(law, 0) + 1
        law_cov[law] = max(law_cov.get(law, 0.0), m.coverage)
    rows = []
    for i, (m, s) in enumerate(zip(top, sims, strict=True)):
        chapter, law = m.article.chapter or "", m.article.document_id
        rows.append([m.lexical, *(m.features.get(part, 0.0) for part in PARTS), s, s - best, (s - best) / spread,
                     "总则" in chapter, "附则" in chapter, "责任" in chapter, m.article.number == 1 and not m.article.sub,
                     math.log1p(len(m.article.text)), law_sim[law] - best, math.log(law_count[law]), law_cov[law],
                     1 / (1 + by_closeness[i]), 1 / (1 + by_lexical[i])])
    return np.array(rows, dtype=float)


@cache
def weights() -> np.ndarray | None:
    """The learned weights (in FEATURES order), or None when there are none or they are for other features."""
    try:
        saved = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
        learned = np.array(saved["weights"], dtype=float)
        names = tuple(saved["features"])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # a damaged file: the re-ranking's first stays first rather than every question failing
    if names != FEATURES or learned.shape != (len(FEATURES),) or not np.isfinite(learned).all():
        return None
    return learned


def pick_first(matches: list, n: int, group: Callable | None = None, learned: np.ndarray | None = None) -> list:
    """`matches` with the candidate the model scores highest among the first `n` (all with their similarity) put
    first, the others in their order; with `group` (the local-first order), only among those of the first's
    group. Unchanged when there are no weights or a candidate lacks its similarity."""
    learned = weights() if learned is None else learned
    top = matches[:n]
    if learned is None or len(top) < 2 or any(m.similarity is None for m in top):
        return matches
    scores = features(top) @ learned
    eligible = [i for i, m in enumerate(top) if group is None or group(m) == group(top[0])]
    best = max(eligible, key=lambda i: (scores[i], -i))
    return [matches[best], *matches[:best], *matches[best + 1:]]


def train(questions: Sequence[tuple[np.ndarray, np.ndarray]], start: np.ndarray) -> np.ndarray:
    """Weights (raw scale) learned from `questions` (each: its candidates' features and their credit, 1 for the
    right article, LAW_CREDIT for another of the right law), starting from and drawn towards `start`."""
    usable = [(x, y / y.sum()) for x, y in questions if y.sum() > 0]
    if not usable:
        return start
    stacked = np.vstack([x for x, _ in usable])
    mean, scale = stacked.mean(axis=0), stacked.std(axis=0)
    varies = scale > 1e-9
    scale = np.where(varies, scale, 1.0)
    standard = [((x - mean) / scale, y) for x, y in usable]
    w0 = start * scale
    w, moment, second = w0.copy(), np.zeros_like(w0), np.zeros_like(w0)
    for step in range(1, STEPS + 1):  # Adam on the softmax cross-entropy of each question's candidates
        grad = L2 * (w - w0)
        for z, target in standard:
            s = z @ w
            e = np.exp(s - s.max())
            grad += z.T @ (e / e.sum() - target) / len(standard)
        grad *= varies  # a feature that never varies stays where it started
        moment = 0.9 * moment + 0.1 * grad
        second = 0.999 * second + 0.001 * grad * grad
        w -= 0.05 * (moment / (1 - 0.9 ** step)) / (np.sqrt(second / (1 - 0.999 ** step)) + 1e-8)
    return w / scale


def starting_weights(semantic_weight: float, temperature: float = 5.0) -> np.ndarray:
    """The re-ranking's own weighing as weights (lexical score plus semantic_weight times the scaled closeness),
    sharpened by `temperature` so the softmax starts from a confident choice."""
    start = np.zeros(len(FEATURES))
    start[FEATURES.index("lexical")] = temperature
    start[FEATURES.index("similarity_scaled")] = semantic_weight * temperature
    return start
