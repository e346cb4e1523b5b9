"""Long questions and keyword lists: merging the strict ranking with plain ranking over all terms."""

from __future__ import annotations

from gongkai.search import longquery
from gongkai.search.backends.base import EngineQuery, Hit
from gongkai.search.query import analyze
from gongkai.search.synonyms import SynonymDictionary

DICTIONARY = SynonymDictionary([("个税", ["个人所得税"], True)])


def test_long_means_several_concepts_and_never_a_number():
    assert longquery.is_long(analyze("年终奖和工资加起来一年超过十万块钱要交多少个人所得税", DICTIONARY))
    assert longquery.is_long(analyze("公积金 贷款 买房", DICTIONARY))
    assert not longquery.is_long(analyze("个人所得税", DICTIONARY))
    assert not longquery.is_long(analyze("国务院令第五九〇号", DICTIONARY))


def test_terms_query_lets_any_unit_match():
    analysis = analyze("年终奖和工资加起来一年超过十万块钱要交多少个人所得税", DICTIONARY)
    strict = EngineQuery(units=analysis.units, min_match=analysis.min_match, phrases=analysis.phrases)
    plain = longquery.terms_query(strict)
    assert plain.min_match == 1 and all(u.required for u in plain.units)
    assert [u.alternatives for u in plain.units] == [u.alternatives for u in strict.units]
    assert plain.phrases == strict.phrases


def test_merge_keeps_strict_scores_and_discounts_what_only_plain_ranking_found():
    strict = [Hit(1, 10.0), Hit(2, 8.0)]
    plain = [Hit(3, 80.0), Hit(1, 10.0), Hit(4, 20.0), Hit(2, 8.0)]
    merged = longquery.merge(strict, plain, penalty=0.3)
    assert [h.id for h in merged] == [3, 1, 2, 4]
    assert merged[0].score == 80.0 * 0.3 and merged[1].score == 10.0
    assert [h.id for h in longquery.merge(strict, [], penalty=0.3)] == [1, 2]


def test_plain_units_are_the_words_without_stopwords_or_synonyms():
    units = longquery.plain_units("我想知道个人所得税怎么算")
    assert [[a.text for a in u.alternatives] for u in units] == [["个人所得税"]]
