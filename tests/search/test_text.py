"""The segmenter's word boundaries (text.word_bounds), which the Q&A's place names and everyday phrases must keep."""

from gongkai.search import text


def test_word_bounds_are_where_the_segmenters_words_start_and_end():
    question = "家中卫生间漏水"
    bounds = text.word_bounds(question)
    assert {0, len(question)} <= bounds
    # 中卫 (a city) starts inside 家中: no word begins there.
    assert question.index("中卫") not in bounds
    assert question.index("卫生间") in bounds


def test_word_bounds_of_nothing_is_the_start_only():
    assert text.word_bounds("") == {0}
