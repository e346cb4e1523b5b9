"""The vector index: the semantic model's own vector of every article embedded so far (ArticleVector, see
gongkai.qa.semantic) in one matrix, searched whole, so a question finds the articles closest to it in meaning
among all of them, not only among the candidates its words found (我把车借给朋友开，他撞了人 → the article on
lending one's car; 孩子满多少岁才算大人 → 成年人).

The model's vectors are far better at this than the meaning index's means of word vectors (gongkai.qa.meaning),
but an article takes a quarter of a second to embed, so the index holds what the task worker has computed so far
(laws first, see semantic.unembedded) and grows as it goes: the worker writes the file again once STEP vectors
were computed since, once the last one is, or when the answering documents changed. The file sits in
the search folder beside the meaning index (float32, memory-mapped: the web processes share one copy). It only
proposes candidates: every one is read back through gongkai.qa.index.answering_articles, so a stale file never
shows what is no longer public.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from django.conf import settings

from gongkai.qa import meaning, semantic
from gongkai.qa.index import answering_article_rows
from gongkai.qa.models import Article, ArticleVector
from gongkai.search.backends import exclusive, index_dir

FILE = "qa-vectors.npz"
LOCK = "qa-vectors.lock"
# How many vectors computed since the file was written make the worker write it again: each minute's batch is 64,
# and writing the national laws' 147,000 vectors takes seconds.
STEP = 1_000
# Fewer are written in once the file is this many seconds old.
REWRITE_AFTER = 3600
CHUNK = 5_000
VECTOR_BYTES = semantic.DIM * 2  # float16, as semantic.embed stores them
log = logging.getLogger(__name__)


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
        ids, matrix = meaning.read_vectors(path, saved)
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
    stem = index_path().stem
    with exclusive(LOCK, wait=True):
        for path in [index_path(), *index_path().parent.glob(f"{stem}-*.npy"),
                     *index_path().parent.glob(f".{stem}-*.npz")]:
            path.unlink(missing_ok=True)


def rebuild_if_behind() -> int:
    """The task worker's minute: write the index again when it is behind (see behind) and no rebuild is under
    way; return how many articles it holds (0 too when not written)."""
    if not depth():
        return 0
    with exclusive(LOCK, wait=False) as mine:
        return _rebuild() if mine and behind() else 0


def _held() -> tuple[str, float] | None:
    """The fingerprint the file was built for and when it was built (None: no readable file)."""
    held = meaning.header(index_path(), "fingerprint", "built")
    return (held[0], float(held[1])) if held else None


def behind() -> bool:
    """Whether the file is missing, built for other answering documents, or behind the vectors computed since it
    was built (new ones, and those computed again for changed text): STEP or more of them, or any once every
    answering article is embedded or the file is older than REWRITE_AFTER (an article that cannot be embedded
    must not keep the last ones out for good)."""
    held = _held()
    if held is None:
        return semantic.embedded_counts()[0] > 0
    mark, built = held
    if mark != meaning.fingerprint():
        return True
    since = ArticleVector.objects.filter(created_at__gt=datetime.fromtimestamp(built, tz=UTC)).count()
    if since >= STEP:
        return True
    if not since:
        return False
    done, total = semantic.embedded_counts()
    return done == total or time.time() - built > REWRITE_AFTER


def _rebuild(doc_types: Sequence[str] = ()) -> int:
    # Taken first: a vector written while the file is written counts as new next minute.
    built = time.time()
    mark = meaning.fingerprint()
    rows = answering_article_rows().filter(vector__isnull=False)
    if doc_types:
        rows = rows.filter(revision__doc_type__in=list(doc_types))
    pks = list(rows.order_by("pk").values_list("pk", flat=True))
    ids: list[int] = []
    agencies: list[int] = []
    vectors = bytearray()
    # In chunks of keys: on PostgreSQL an iterator outside a transaction would hold every row at once.
    for start in range(0, len(pks), CHUNK):
        for pk, agency, raw in (Article.objects.filter(pk__in=pks[start:start + CHUNK]).order_by("pk")
                                .values_list("pk", "document__agency_id", "vector__vector")):
            raw = bytes(raw)
            if len(raw) != VECTOR_BYTES:
                log.warning("the stored vector of article %s is not one of the model's, left out", pk)
                continue
            ids.append(pk)
            agencies.append(agency or 0)
            vectors += raw
    matrix = np.frombuffer(vectors, dtype=np.float16).astype(np.float32).reshape(len(ids), semantic.DIM)
    meaning.write_files(index_path(), matrix, ids=np.array(ids, dtype=np.int64),
                        agencies=np.array(agencies, dtype=np.int64), fingerprint=np.array(mark),
                        built=np.array(built))
    return len(ids)
