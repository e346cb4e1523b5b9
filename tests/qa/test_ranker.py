"""The learned choice of the first answer (gongkai.qa.ranker): its features of the re-ranked candidates, the pick
of the first by the weights (the others kept in the re-ranking's order, the local-first grouping respected), its
training, and its place in services.retrieve on a real library with the real model."""

from __future__ import annotations

import json

import numpy as np
import pytest

from gongkai.qa import ranker, semantic, services
from gongkai.qa.models import Article
from gongkai.qa.services import ArticleMatch
from tests.qa.test_semantic import QUESTION, make_library


def _match(pk: int, document: int, similarity: float, lexical: float, number: int = 2, chapter: str = "",
           coverage: float = 0.5) -> ArticleMatch:
    article = Article(pk=pk, document_id=document, number=number, chapter=chapter, text="某某。" * pk)
    return ArticleMatch(article, f"法规{document}", lexical, coverage, similarity=similarity, lexical=lexical,
                        features={"coverage": coverage})


def _weights(name: str, value: float = 1.0) -> np.ndarray:
    weights = np.zeros(len(ranker.FEATURES))
    weights[ranker.FEATURES.index(name)] = value
    return weights


def test_the_features_describe_each_candidate_against_the_others():
    top = [_match(1, 10, 0.90, 2.0), _match(2, 10, 0.80, 1.5, chapter="第一章 总则"),
           _match(3, 20, 0.95, 1.0, number=1, coverage=0.9)]
    x = ranker.features(top)
    assert x.shape == (3, len(ranker.FEATURES))
    column = {name: x[:, i].tolist() for i, name in enumerate(ranker.FEATURES)}
    assert column["similarity_gap"] == pytest.approx([-0.05, -0.15, 0.0])
    assert column["similarity_scaled"] == pytest.approx([-1 / 3, -1.0, 0.0])
    assert column["similarity_rank"] == [0.5, 1 / 3, 1.0] and column["lexical_rank"] == [1.0, 0.5, 1 / 3]
    assert column["general_provisions"] == [0, 1, 0] and column["first_article"] == [0, 0, 1]
    # The law's best closeness and coverage, and how many of its articles are among the candidates.
    assert column["law_similarity_gap"] == pytest.approx([-0.05, -0.05, 0.0])
    assert column["law_coverage"] == [0.5, 0.5, 0.9]
    assert column["law_candidates"] == pytest.approx([np.log(2), np.log(2), 0.0])


def test_the_pick_puts_the_best_scored_first_and_keeps_the_others_in_order():
    matches = [_match(1, 10, 0.90, 2.0), _match(2, 10, 0.80, 1.5), _match(3, 20, 0.95, 1.0), _match(4, 30, 0.99, 0.5)]
    picked = ranker.pick_first(matches, 3, learned=_weights("similarity"))
    # The closest among the first three: the fourth was not re-ranked and is not a candidate.
    assert [m.article.pk for m in picked] == [3, 1, 2, 4]
    # Among the first's group only (the local-first order: here, the first two candidates, of document 10).
    # The longest of all is the third; of the group, the second.
    assert [m.article.pk for m in ranker.pick_first(matches, 3, learned=_weights("length"))] == [3, 1, 2, 4]
    grouped = ranker.pick_first(matches, 3, group=lambda m: m.article.document_id != 10, learned=_weights("length"))
    assert [m.article.pk for m in grouped] == [2, 1, 3, 4]
    # A candidate without its similarity (not re-ranked): nothing is picked.
    matches[1].similarity = None
    assert ranker.pick_first(matches, 3, learned=_weights("similarity")) == matches


def test_training_learns_what_marks_the_right_candidate():
    rng = np.random.default_rng(7)

    def question() -> tuple[np.ndarray, np.ndarray]:
        x = rng.normal(size=(20, len(ranker.FEATURES)))
        right = int(rng.integers(20))
        x[right, ranker.FEATURES.index("law_coverage")] += 5.0  # the right one stands out on this feature only
        credit = np.zeros(20)
        credit[right] = 1.0
        return x, credit

    learned = ranker.train([question() for _ in range(200)], np.zeros(len(ranker.FEATURES)))
    strongest = int(np.argmax(np.abs(learned)))
    assert ranker.FEATURES[strongest] == "law_coverage" and learned[strongest] > 0
    unseen = [question() for _ in range(50)]
    right = sum(int(np.argmax(x @ learned)) == int(np.argmax(credit)) for x, credit in unseen)
    assert right >= 48
    # Questions where no candidate is right teach nothing: the start is returned.
    start = ranker.starting_weights(0.7)
    assert np.array_equal(ranker.train([(np.ones((3, len(ranker.FEATURES))), np.zeros(3))], start), start)


@pytest.mark.parametrize("content", ["", "[1, 2]", '{"features": []}', '{"weights": [1.0]}',
                                     '{"features": ["lexical"], "weights": [1.0]}'])
def test_a_damaged_weights_file_leaves_the_re_ranking_as_it_is(tmp_path, monkeypatch, content):
    saved = tmp_path / "ranker.json"
    saved.write_text(content)
    monkeypatch.setattr(ranker, "WEIGHTS_FILE", saved)
    ranker.weights.cache_clear()
    try:
        assert ranker.weights() is None
        shorter = json.dumps({"features": list(ranker.FEATURES), "weights": [1.0]})
        saved.write_text(shorter)
        ranker.weights.cache_clear()
        assert ranker.weights() is None
    finally:
        ranker.weights.cache_clear()


def test_the_shipped_weights_are_for_these_features():
    ranker.weights.cache_clear()
    shipped = json.loads(ranker.WEIGHTS_FILE.read_text(encoding="utf-8"))
    assert ranker.weights() is not None and len(ranker.weights()) == len(ranker.FEATURES)
    assert shipped["questions"] > 500


@pytest.mark.usefixtures("fresh_search")
def test_retrieve_shows_the_learned_first_and_the_same_candidates(team, agency, tmp_path, monkeypatch):
    make_library(team, agency)
    services.ask(QUESTION, record=False)  # computes the candidates' vectors (inline worker in tests)
    plain = services.retrieve(QUESTION, limit=10, learned=False)
    assert all(m.similarity is not None for m in plain.matches[:semantic.depth()])
    # Weights that want the shortest article first.
    saved = tmp_path / "ranker.json"
    saved.write_text(json.dumps({"features": list(ranker.FEATURES), "weights": _weights("length", -1.0).tolist()}))
    monkeypatch.setattr(ranker, "WEIGHTS_FILE", saved)
    ranker.weights.cache_clear()
    try:
        learned = services.retrieve(QUESTION, limit=10)
    finally:
        ranker.weights.cache_clear()
    shortest = min(plain.matches, key=lambda m: len(m.article.text))
    assert learned.matches[0].article.pk == shortest.article.pk
    assert [m.article.pk for m in learned.matches[1:]] == [
        m.article.pk for m in plain.matches if m.article.pk != shortest.article.pk]
    # Whether it is answered is not the model's to decide.
    assert (learned.closeness, learned.lead.article.pk) == (plain.closeness, plain.lead.article.pk)
