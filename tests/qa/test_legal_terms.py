"""The table of everyday words and the laws' words for them (data/legal_terms.tsv): each everyday phrase once, and
every word it gives one the laws really use, so no entry sends the search after a word no article holds."""

from __future__ import annotations

import gzip
import json

import pytest

from gongkai.qa import services
from gongkai.search import text
from gongkai.search.backends.base import Unit
from gongkai.search.evaluation import DEFAULT_CORPUS
from gongkai.search.query import alternative


def test_each_everyday_phrase_is_listed_once_with_the_laws_words_for_it():
    rows = services.legal_term_rows()
    seen: dict[str, int] = {}
    for term, _ in rows:
        seen[text.compact(term)] = seen.get(text.compact(term), 0) + 1
    assert [t for t, n in seen.items() if n > 1] == []
    assert [term for term, others in rows if not others] == []


def test_every_word_the_table_gives_is_used_by_the_laws():
    if not DEFAULT_CORPUS.is_file():
        pytest.skip("没有法律法规语料（../shared/corpus/laws.jsonl.gz）")
    wanted = {other for _, others in services.legal_term_rows() for other in others}
    found: set[str] = set()
    with gzip.open(DEFAULT_CORPUS, "rt", encoding="utf-8") as handle:
        for line in handle:
            body = json.loads(line).get("body") or ""
            found.update(w for w in wanted - found if w in body)
    assert sorted(wanted - found) == []


def test_a_phrase_is_found_with_an_aspect_particle_inside_and_counted_once():
    # 撞了人 is the table's 撞人 with 了 between the verb and its object; 喝了酒 is listed itself and is not
    # counted again as 喝酒.
    table = {"撞人": ["交通事故"], "喝酒": ["饮酒"], "喝了酒": ["饮酒"], "打人": ["殴打"]}
    assert services._phrases_in("他喝了酒撞了人", table) == ["喝了酒", "撞人"]
    assert services._phrases_in("人撞了", table) == []
    # Only where the spelling starts and ends between the segmenter's words, and only with 了 (found in review:
    # 卖了家里 is no 卖家, 多了大概 no 多大, 不过退钱 no 不退钱, 走过人行道 no 走人).
    table = {"卖家": ["经营者"], "多大": ["周岁"], "不退钱": ["退款"], "走人": ["解除劳动合同"], "打人": ["殴打"]}
    assert services._phrases_in("卖了家里的宅基地 多了大概一百 不过退钱 我走过人行道", table) == []
    assert services._phrases_in("他打了人要拘留吗", table) == ["打人"]
    units = services.with_legal_terms([Unit([alternative("撞了人")])], "撞了人")
    assert [[a.text for a in u.alternatives] for u in units] == [["撞人", "交通事故", "造成人身伤亡"]]
    units = services.with_legal_terms([Unit([alternative("喝了酒")])], "喝了酒")
    assert [[a.text for a in u.alternatives] for u in units] == [["喝了酒", "饮酒"]]
