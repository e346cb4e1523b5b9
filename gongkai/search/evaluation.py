"""Search quality evaluation: top-1, top-3 and MRR per kind of query over the real laws corpus.

The evaluation set (eval/queries.jsonl) holds one query a line: {"kind", "query", "hits": [titles that
count as a hit]}. eval/thresholds.json holds the minimum figures CI accepts; raise them as quality improves.

The kind `no_correction` holds everyday words residents type (低保, 外卖, 交强险 …) that must be searched as
typed: such a query scores 1 when the search did not rewrite it (and, if it lists hits, one of them is in
the top three), else 0; its top-1, top-3 and MRR are all that share.

The kind `versions` holds laws the corpus has in several versions (or parts, like the 编 of the 民法典): a query
finds its hit only when no two of the top three results are versions of one document (the same title).
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
from urllib.parse import unquote, urlsplit, urlunsplit

EVAL_DIR = Path(__file__).resolve().parent / "eval"
QUERIES = EVAL_DIR / "queries.jsonl"
THRESHOLDS = EVAL_DIR / "thresholds.json"
DEFAULT_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "laws.jsonl.gz"
CORPUS_AGENCY = ("11000000CORPUS001X", "语料市人民政府")
KINDS = {
    "exact_title": "完整标题", "partial_title": "部分标题", "doc_number": "发文字号", "typo": "错别字",
    "pinyin_full": "全拼", "pinyin_initials": "拼音首字母", "plain_language": "通俗说法",
    "long_question": "长句提问", "no_correction": "不应纠错", "versions": "多版本归并",
    "keyword_list": "关键词列表", "doc_number_colloquial": "口语文号",
}
# Kinds scored on whether the query was left as typed rather than on the rank of a hit.
AS_TYPED_KINDS = {"no_correction"}
# Kinds whose top three must not repeat a title (versions of one document are listed under the current one).
DISTINCT_KINDS = {"versions"}
DEPTH = 10


@dataclass
class EvalQuery:
    kind: str
    query: str
    hits: list[str]


@dataclass
class KindScore:
    kind: str
    queries: int = 0
    top1: float = 0.0
    top3: float = 0.0
    mrr: float = 0.0
    misses: list[tuple[str, list[str]]] = field(default_factory=list)


def load_queries(path: Path = QUERIES) -> list[EvalQuery]:
    with open(path, encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return [EvalQuery(r["kind"], r["query"], list(r["hits"])) for r in rows]


def load_thresholds(path: Path = THRESHOLDS) -> dict[str, dict[str, float]]:
    return json.loads(path.read_text(encoding="utf-8"))


def evaluate(queries: list[EvalQuery], titles_for: Callable[[str], list[str] | tuple[list[str], str | None]]
             ) -> dict[str, KindScore]:
    """Score every query: `titles_for(query)` returns result titles, best first, or (titles, the corrected
    query or None); a query of an AS_TYPED_KINDS kind counts as found only when it was not corrected."""
    scores: dict[str, KindScore] = {}
    for item in queries:
        score = scores.setdefault(item.kind, KindScore(item.kind))
        found = titles_for(item.query)
        titles, corrected = found if isinstance(found, tuple) else (found, None)
        titles = titles[:DEPTH]
        wanted = set(item.hits)
        rank = next((i + 1 for i, title in enumerate(titles) if title in wanted), None)
        if item.kind in AS_TYPED_KINDS:
            rank = None if corrected is not None or (wanted and (rank or DEPTH) > 3) else 1
            titles = [f"已改为 {corrected}"] + titles if corrected is not None else titles
        if item.kind in DISTINCT_KINDS and len(set(titles[:3])) < len(titles[:3]):
            rank = None
        score.queries += 1
        if rank == 1:
            score.top1 += 1
        if rank is not None and rank <= 3:
            score.top3 += 1
        else:
            score.misses.append((item.query, titles[:3]))
        score.mrr += 1 / rank if rank else 0.0
    for score in scores.values():
        score.top1 /= score.queries
        score.top3 /= score.queries
        score.mrr /= score.queries
    return scores


def overall(scores: dict[str, KindScore]) -> KindScore:
    total = KindScore("all", sum(s.queries for s in scores.values()))
    for s in scores.values():
        total.top1 += s.top1 * s.queries / total.queries
        total.top3 += s.top3 * s.queries / total.queries
        total.mrr += s.mrr * s.queries / total.queries
    return total


def table(scores: dict[str, KindScore]) -> str:
    rows = ["| 类型 kind | 查询数 | top-1 | top-3 | MRR |", "|---|---:|---:|---:|---:|"]
    for kind in [k for k in KINDS if k in scores] + [k for k in scores if k not in KINDS]:
        s = scores[kind]
        rows.append(f"| {KINDS.get(kind, kind)} `{kind}` | {s.queries} | {s.top1:.3f} | {s.top3:.3f} | {s.mrr:.3f} |")
    t = overall(scores)
    rows.append(f"| 合计 all | {t.queries} | {t.top1:.3f} | {t.top3:.3f} | {t.mrr:.3f} |")
    return "\n".join(rows)


def below_thresholds(scores: dict[str, KindScore], thresholds: dict[str, dict[str, float]]) -> list[str]:
    """Messages for every figure under its threshold."""
    failures = []
    for kind, limits in thresholds.items():
        score = scores.get(kind)
        if score is None:
            failures.append(f"{kind}: no queries of this kind")
            continue
        for metric, minimum in limits.items():
            value = getattr(score, metric)
            if value + 1e-9 < minimum:
                failures.append(f"{kind} {metric} = {value:.3f} < {minimum:.3f}")
    return failures


def search_titles(query: str) -> list[str]:
    """Result titles for `query` through the real search service (not recorded in the search log)."""
    return search_outcome(query)[0]


def search_outcome(query: str) -> tuple[list[str], str | None]:
    """Result titles for `query` and the query searched instead (None when it was searched as typed)."""
    from gongkai.search.services import SearchParams, search

    response = search(SearchParams(q=query, page_size=DEPTH, facets=False), record=False)
    return [r.title for r in response.results], response.corrected_query


def plain_outcome(query: str) -> tuple[list[str], None]:
    """Result titles for `query` ranked plainly over its terms (BM25 over the segmenter's words, any of
    them may be missing; no synonyms, phrases, correction or number recognition): the baseline that long
    questions and keyword lists must never fall below (issue #11)."""
    from gongkai.publishing.visibility import public_documents
    from gongkai.search.backends import get_backend
    from gongkai.search.backends.base import EngineQuery
    from gongkai.search.longquery import plain_units

    result = get_backend().search(EngineQuery(units=plain_units(query), min_match=1, limit=DEPTH))
    ids = [hit.id for hit in result.hits]
    titles = dict(public_documents().filter(pk__in=ids).values_list("pk", "live_revision__title"))
    return [titles[pk] for pk in ids if pk in titles], None


def prepare_corpus(corpus: Path, out=sys.stdout) -> int:
    """Import the corpus if the database holds no document yet, then rebuild the index; return the
    number of public documents indexed."""
    from gongkai.orgs import services as org_services
    from gongkai.publishing.importer import import_file
    from gongkai.publishing.models import Document
    from gongkai.search.indexing import rebuild_index

    if not Document.objects.exists():
        org_services.upsert_agency(*CORPUS_AGENCY, parent=None, kind="government")
        started = time.monotonic()
        print(f"正在导入语料 {corpus} ……", file=out, flush=True)
        summary = import_file(corpus, mapping="laws")
        print(f"导入完成：{summary}，用时 {time.monotonic() - started:.0f} 秒。", file=out, flush=True)
    return rebuild_index()


def ensure_database(url: str) -> str | None:
    """Create the evaluation's PostgreSQL database when it does not exist yet; a Chinese reason when that
    cannot be done (no server there, no right to create it)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = unquote(parts.path.lstrip("/"))
    if not name:
        return f"{url} 没有指明数据库名。"
    server = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(server, autocommit=True) as conn:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as exc:
        return f"无法连接 PostgreSQL 或创建评测数据库 {name}：{str(exc).strip()}"
    return None


def run_eval_command(args: argparse.Namespace, setup: Callable[..., None]) -> int:
    """`gongkai search eval`: import the corpus into a throw-away data folder (reused between runs),
    index it, and print top-1, top-3 and MRR per kind."""
    corpus = Path(args.corpus or DEFAULT_CORPUS).resolve()
    if not corpus.is_file():
        print(f"错误：找不到语料 {corpus}", file=sys.stderr)
        return 1
    stamp = hashlib.sha256(f"{corpus}:{corpus.stat().st_mtime_ns}".encode()).hexdigest()[:12]
    data_dir = Path(args.data_dir or Path(tempfile.gettempdir()) / f"gongkai-search-eval-{stamp}")
    data_dir.mkdir(parents=True, exist_ok=True)
    # The evaluation never touches the real data folder or database.
    os.environ["GONGKAI_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ["GONGKAI_SEARCH_BACKEND"] = "embedded"
    if getattr(args, "postgres", None):
        # The PostgreSQL backend, on a database given over to the evaluation (the corpus is imported
        # into it once and reused).
        os.environ["DATABASE_URL"] = args.postgres
        os.environ["GONGKAI_SEARCH_BACKEND"] = "postgres"
        problem = ensure_database(args.postgres)
        if problem:
            print(f"错误：{problem}", file=sys.stderr)
            return 1
    setup()
    indexed = prepare_corpus(corpus)
    queries = load_queries(Path(args.queries) if args.queries else QUERIES)
    started = time.monotonic()
    scores = evaluate(queries, search_outcome)
    elapsed = time.monotonic() - started
    print(f"语料：{indexed} 份公开文件；评测集：{len(queries)} 条查询，平均每条 {elapsed / len(queries) * 1000:.0f} 毫秒。")
    print(table(scores))
    if getattr(args, "plain", False):
        print("\n对照：按检索词普通排序（plain BM25，任一词命中即可）")
        print(table(evaluate(queries, plain_outcome)))
    if args.verbose:
        for score in scores.values():
            for query, titles in score.misses:
                print(f"  未进前三 [{score.kind}] {query} → {' | '.join(titles) or '（无结果）'}")
    if args.check:
        failures = below_thresholds(scores, load_thresholds())
        for failure in failures:
            print(f"低于阈值：{failure}", file=sys.stderr)
        return 1 if failures else 0
    return 0
