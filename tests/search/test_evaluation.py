"""The search quality gate: the evaluation set over the real laws corpus must stay above the thresholds
kept in gongkai/search/eval/thresholds.json (raise them as quality improves)."""

from __future__ import annotations

from collections import Counter

import pytest

from gongkai.search import evaluation
from gongkai.search.evaluation import (
    AS_TYPED_KINDS,
    DEFAULT_CORPUS,
    KINDS,
    load_queries,
    load_thresholds,
)

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not DEFAULT_CORPUS.is_file(),
                       reason=f"laws corpus not found at {DEFAULT_CORPUS} (../shared/corpus/laws.jsonl.gz beside the project)"),
]


def test_evaluation_set_is_large_and_covers_every_kind():
    queries = load_queries()
    kinds = Counter(q.kind for q in queries)
    assert len(queries) >= 150
    assert set(kinds) == set(KINDS) and min(kinds.values()) >= 15, kinds
    assert set(load_thresholds()) == set(KINDS)
    assert all(q.hits for q in queries if q.kind not in AS_TYPED_KINDS)
    assert kinds["no_correction"] >= 100, "at least 100 everyday words that must be searched as typed"
    assert load_thresholds()["no_correction"] == {"top1": 1.0, "top3": 1.0, "mrr": 1.0}
    assert len({(q.kind, q.query) for q in queries}) == len(queries), "no duplicate queries"


def test_as_typed_kind_scores_only_queries_left_alone():
    queries = [evaluation.EvalQuery("no_correction", "低保", []), evaluation.EvalQuery("no_correction", "外卖", []),
               evaluation.EvalQuery("no_correction", "彩礼", ["婚约财产规定"])]
    outcomes = {"低保": (["最低生活保障条例"], None), "外卖": (["对外贸易法"], "外贸"), "彩礼": (["婚约财产规定"], None)}
    score = evaluation.evaluate(queries, outcomes.__getitem__)["no_correction"]
    assert score.queries == 3 and score.top3 == score.top1 == score.mrr == 2 / 3
    assert score.misses == [("外卖", ["已改为 外贸", "对外贸易法"])]


def test_versions_kind_misses_when_one_document_fills_the_top_three():
    queries = [evaluation.EvalQuery("versions", "公司法", ["公司法"]), evaluation.EvalQuery("versions", "慈善法", ["慈善法"])]
    outcomes = {"公司法": ["公司法", "公司法", "公司登记管理条例"], "慈善法": ["慈善法", "慈善组织认定办法"]}
    score = evaluation.evaluate(queries, outcomes.__getitem__)["versions"]
    assert score.queries == 2 and score.top1 == score.top3 == score.mrr == 1 / 2
    assert score.misses == [("公司法", ["公司法", "公司法", "公司登记管理条例"])]
