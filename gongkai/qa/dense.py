"""The vector index: the semantic model's own vector of every article embedded so far (ArticleVector, see
gongkai.qa.semantic) in one matrix, searched whole, so a question finds the articles closest to it in meaning
among all of them, not only among the candidates its words found (我把车借给朋友开，他撞了人 → the article on
lending one's car; 孩子满多少岁才算大人 → 成年人).

The model's vectors are far better at this than the meaning index's means of word vectors (gongkai.qa.meaning),
but an article takes a quarter of a second to embed, so the index holds what the task worker has computed so far
(laws first, see semantic.unembedded) and grows as it goes: the worker writes the file again once STEP more
articles have a vector, once the last one is computed, or when the answering documents changed. The file sits in
the search folder beside the meaning index (float32, memory-mapped: the web processes share one copy). It only
proposes candidates: every one is read back through gongkai.qa.index.answering_articles, so a stale file never
shows what is no longer public.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings

from gongkai.qa import meaning, semantic
from gongkai.qa.index import answering_article_rows
from gongkai.search.backends import exclusive, index_dir

FILE = "qa-vectors.npz"
LOCK = "qa-vectors.lock"
# How many more (or fewer) embedded articles than the file holds make the worker write it again: each minute's
# batch is 64, and writing the national laws' 147,000 vectors takes seconds.
STEP = 1_000
CHUNK = 5_000


@dataclass
class VectorIndex:
    """The loaded index: article ids, their agencies, their unit vectors (memory-mapped); the answering
    documents' fingerprint it was built for."""

    ids: np.ndarray
    agencies: np.ndarray
    matrix: np.ndarray
    fingerprint: str


def depth() -> int:
    """How many articles the vector index proposes for a question (0: it is not used)."""
    return settings.GONGKAI_QA_VECTOR_DEPTH if semantic.depth() else 0


def index_path() -> Path:
    return Path(index_dir()) / FILE


def load() -> VectorIndex | None:
    """The vector index as last written, or None when there is none or it cannot be read."""
    return meaning.load_cached(index_path(), _read)


def _read(path: Path) -> VectorIndex:
    with np.load(path) as saved:
        matrix = np.load(path.parent / str(saved["matrix_file"]), mmap_mode="r")
        ids = saved["ids"]
        if matrix.shape != (len(ids), semantic.DIM):
            raise ValueError(f"the article vectors do not fit {path}")
        return VectorIndex(ids, saved["agencies"], matrix, str(saved["fingerprint"]))


def neighbours(question: str, limit: int, agencies: Sequence[int] = ()) -> list[tuple[int, float]]:
    """The `limit` embedded articles closest in meaning to `question` (article id, cosine similarity), closest
    first, of documents of `agencies` when given; empty when there is no index (the question is then not even
    embedded here)."""
    index = load()
    if index is None or limit < 1 or not len(index.ids):
        return []
    query = semantic.question_vector(question)
    return meaning.nearest(index.ids, index.agencies, index.matrix, query, limit, agencies)


def rebuild(doc_types: Sequence[str] = ()) -> int:
    """Write the index of every answering article that has a vector, of documents of `doc_types` when given (the
    evaluation's: see gongkai.qa.evaluation.embedded_levels), waiting for a rebuild under way; return how many it
    holds."""
    with exclusive(LOCK, wait=True):
        return _rebuild(doc_types)


def remove() -> None:
    """Remove the index (the evaluation's, when no level is wholly embedded); questions are then answered without."""
    with exclusive(LOCK, wait=True):
        for path in [index_path(), *index_path().parent.glob(f"{index_path().stem}-*.npy")]:
            path.unlink(missing_ok=True)


def rebuild_if_behind() -> int:
    """The task worker's minute: write the index again when it is behind (see behind) and no rebuild is under
    way; return how many articles it holds (0: not written)."""
    if not depth():
        return 0
    with exclusive(LOCK, wait=False) as mine:
        return _rebuild() if mine and behind() else 0


def _held() -> tuple[int, str] | None:
    """How many articles the file holds and the fingerprint it was built for (None: no readable file)."""
    try:
        with np.load(index_path()) as saved:
            if not (index_path().parent / str(saved["matrix_file"])).is_file():
                return None
            return len(saved["ids"]), str(saved["fingerprint"])
    except meaning.UNREADABLE:
        return None


def behind() -> bool:
    """Whether the file is missing, built for other answering documents, STEP or more articles away from those
    embedded, or short of them once every answering article is embedded."""
    held = _held()
    if held is None:
        return semantic.embedded_counts()[0] > 0
    count, mark = held
    if mark != meaning.fingerprint():
        return True
    done, total = semantic.embedded_counts()
    return abs(done - count) >= STEP or (done == total and done != count)


def _rebuild(doc_types: Sequence[str] = ()) -> int:
    mark = meaning.fingerprint()
    rows = answering_article_rows().filter(vector__isnull=False)
    if doc_types:
        rows = rows.filter(revision__doc_type__in=list(doc_types))
    rows = rows.order_by("pk").values_list("pk", "document__agency_id", "vector__vector")
    ids: list[int] = []
    agencies: list[int] = []
    vectors = bytearray()
    for pk, agency, raw in rows.iterator(chunk_size=CHUNK):
        ids.append(pk)
        agencies.append(agency or 0)
        vectors += bytes(raw)
    matrix = np.frombuffer(bytes(vectors), dtype=np.float16).astype(np.float32).reshape(len(ids), semantic.DIM)
    meaning.write_files(index_path(), matrix, ids=np.array(ids, dtype=np.int64),
                        agencies=np.array(agencies, dtype=np.int64), fingerprint=np.array(mark))
    return len(ids)
