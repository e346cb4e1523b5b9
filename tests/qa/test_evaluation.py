"""The Q&A evaluation's scoring: a law is the corpus's law, whichever of its parts the import named apart."""

from __future__ import annotations

from gongkai.qa import evaluation
from gongkai.qa.evaluation import EvalQuestion, Outcome


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
