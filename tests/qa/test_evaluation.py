"""The Q&A evaluation's scoring (a law is the corpus's law, whichever of its parts the import named apart), and its
sets checked against the corpus."""

from __future__ import annotations

import gzip
import json

import pytest

from gongkai.publishing.articles import split_articles
from gongkai.qa import evaluation
from gongkai.qa.evaluation import EvalQuestion, Outcome
from gongkai.search.evaluation import DEFAULT_CORPUS


def test_a_part_of_a_code_is_the_code_the_corpus_files_it_under():
    assert evaluation.same_law("中华人民共和国民法典（侵权责任编）", "中华人民共和国民法典")
    assert evaluation.same_law("中华人民共和国民法典（侵权责任编）", "中华人民共和国民法典（侵权责任编）")
    assert not evaluation.same_law("中华人民共和国民法典（合同编）", "中华人民共和国民法典（侵权责任编）")
    assert not evaluation.same_law("中华人民共和国民法典", "中华人民共和国民法典（侵权责任编）")
    # A title that only begins like another law is another law.
    assert not evaluation.same_law("中华人民共和国劳动法（2018修正）", "中华人民共和国劳动法")


def test_scores_count_the_right_article_of_a_code_asked_by_the_codes_title():
    questions = [EvalQuestion("answerable", "狗咬人谁赔钱", "中华人民共和国民法典", "1245"),
                 EvalQuestion("answerable", "离婚冷静期几天", "中华人民共和国民法典", "1077"),
                 EvalQuestion("unanswerable", "明天下雨吗")]
    found = {"狗咬人谁赔钱": Outcome([("中华人民共和国民法典（侵权责任编）", "1247"),
                                   ("中华人民共和国民法典（侵权责任编）", "1245")], True),
             "离婚冷静期几天": Outcome([("中华人民共和国民法典（婚姻家庭编）", "1076")], True),
             "明天下雨吗": Outcome([], False)}
    scores = evaluation.evaluate(questions, found.__getitem__)
    assert (scores.law_top1, scores.article_top1, scores.article_top3, scores.refusal) == (1.0, 0.0, 0.5, 1.0)


def _code_of(law: str) -> str:
    """The corpus's title of `law`: a part of a code as the import names it (X（总则编）) is filed under X."""
    return law.partition("（")[0] if law.endswith("编）") else law


def test_every_evaluation_question_names_a_law_and_an_article_of_the_corpus():
    """Each answerable question of every set names a law the corpus holds, and an article of that law. The corpus
    holds a code's parts as records of the code's title; a set may name a part as the import does (民法典（总则编）)."""
    if not DEFAULT_CORPUS.is_file():
        pytest.skip("没有法律法规语料（../shared/corpus/laws.jsonl.gz）")
    anchors: dict[str, set[str]] = {}
    with gzip.open(DEFAULT_CORPUS, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            anchors.setdefault(row["title"], set()).update(
                a.anchor.removeprefix("art-") for a in split_articles(row.get("body") or ""))
    sets = sorted(p for p in evaluation.EVAL_DIR.glob("*.jsonl") if p != evaluation.PAIRS)
    assert len(sets) >= 7
    wrong = [f"{path.name}: {q.law} 第{q.article}条（{q.question}）" for path in sets
             for q in evaluation.load_questions(path)
             if q.kind == "answerable" and q.article not in anchors.get(_code_of(q.law), set())]
    assert wrong == []
