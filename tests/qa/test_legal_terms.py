"""The table of everyday words and the laws' words for them (data/legal_terms.tsv): each everyday phrase once, and
every word it gives one the laws really use, so no entry sends the search after a word no article holds."""

from __future__ import annotations

import gzip
import json

import pytest

from gongkai.qa import services
from gongkai.search import text
from gongkai.search.evaluation import DEFAULT_CORPUS


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
