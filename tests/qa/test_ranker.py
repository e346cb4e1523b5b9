"""The learned order of the answers (gongkai.qa.ranker): its features of the re-ranked candidates, the order by a
real LightGBM model (a third law's best in third place, the local-first grouping respected), its training, and its
place in services.retrieve on a real library with the real semantic model."""

from __future__ import annotations

import builtins

import lightgbm
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


def _model_preferring(name: str, low: float, high: float, sign: float = 1.0):
    """A real model trained on questions whose candidates are the better the higher (sign 1) or lower (-1) they are
    on feature `name`, drawn evenly between low and high (the best four graded); the other features are noise."""
    rng = np.random.default_rng(7)
    column = ranker.FEATURES.index(name)
    questions = []
    for _ in range(300):
        x = rng.normal(size=(20, len(ranker.FEATURES)))
        x[:, column] = rng.uniform(low, high, size=20)
        grades = np.zeros(20, dtype=int)
        grades[np.argsort(-sign * x[:, column])[:4]] = [ranker.RIGHT_ARTICLE, 3, 2, ranker.RIGHT_LAW]
        questions.append((x, grades))
    return ranker.train(questions)


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


def test_without_the_recall_closeness_its_features_are_missing():
    top = [_match(1, 10, 0.90, 2.0), _match(2, 20, 0.80, 1.5), _match(3, 30, 0.95, 1.0)]
    for m, recalled in zip(top, (0.5, 0.7, 0.6), strict=True):
        m.features["recall"] = recalled
    column = {name: ranker.features(top)[:, i].tolist() for i, name in enumerate(ranker.FEATURES)}
    assert column["recall_scaled"] == pytest.approx([-1.0, 0.0, -0.5])
    assert column["recall_rank"] == [1 / 3, 1.0, 0.5]
    assert column["law_recall_gap"] == pytest.approx([-0.2, 0.0, -0.1])
    # One candidate not re-ranked by the recall index (it is off or behind): missing for every candidate, as the
    # model learned that case (train), not values it would read as "the closest".
    del top[1].features["recall"]
    x = ranker.features(top)
    assert np.isnan(x[:, ranker.RECALL_COLUMNS]).all()
    assert not np.isnan(np.delete(x, ranker.RECALL_COLUMNS, axis=1)).any()


def test_the_order_follows_the_model_and_gives_third_place_to_a_third_law():
    matches = [_match(1, 10, 0.88, 2.0), _match(2, 10, 0.65, 1.8), _match(3, 20, 0.95, 1.6),
               _match(4, 20, 0.80, 1.4), _match(5, 30, 0.60, 1.2), _match(6, 40, 0.99, 0.5)]
    closest = _model_preferring("similarity", 0.5, 1.0)
    # By closeness among the first five (the sixth was not re-ranked): 3, 1, 4, 2, 5. The first two are of laws 20
    # and 10, so law 30's best comes third.
    assert [m.article.pk for m in ranker.order(matches, 5, learned=closest)] == [3, 1, 5, 4, 2, 6]
    # The local-first groups (here: laws 10 and 20 first) keep their order: the third law's best does not jump
    # ahead of its group.
    local = [m.article.pk for m in ranker.order(matches, 5, group=lambda m: m.article.document_id not in (10, 20),
                                                learned=closest)]
    assert local == [3, 1, 4, 2, 5, 6]
    # A group the model ranks last still comes first (law 30 alone first here), the others ordered after it.
    first_group = [m.article.pk for m in ranker.order(matches, 5, group=lambda m: m.article.document_id != 30,
                                                      learned=closest)]
    assert first_group == [5, 3, 1, 4, 2, 6]
    # Without the recall closeness the model still orders (it learned that case too).
    assert [m.article.pk for m in ranker.order(matches, 5, learned=closest)] == [3, 1, 5, 4, 2, 6]
    matches[0].features["recall"] = 0.9
    assert [m.article.pk for m in ranker.order(matches, 5, learned=closest)] == [3, 1, 5, 4, 2, 6]
    # A candidate without its similarity (not re-ranked): the order stays.
    matches[1].similarity = None
    assert ranker.order(matches, 5, learned=closest) == matches


def test_training_learns_what_marks_the_right_candidate():
    learned = _model_preferring("law_coverage", 0.0, 1.0)
    importance = learned.feature_importance(importance_type="gain")
    assert ranker.FEATURES[int(np.argmax(importance))] == "law_coverage"
    rng = np.random.default_rng(11)
    right = 0
    for _ in range(50):
        x = rng.normal(size=(20, len(ranker.FEATURES)))
        x[:, ranker.FEATURES.index("law_coverage")] = rng.uniform(0.0, 1.0, size=20)
        right += int(np.argmax(learned.predict(x))) == int(np.argmax(x[:, ranker.FEATURES.index("law_coverage")]))
    assert right >= 45
    # It learned the case without the recall closeness too (each question repeated without it): the same choice.
    x = rng.normal(size=(20, len(ranker.FEATURES)))
    x[:, ranker.FEATURES.index("law_coverage")] = rng.uniform(0.0, 1.0, size=20)
    missing = x.copy()
    missing[:, ranker.RECALL_COLUMNS] = np.nan
    assert int(np.argmax(learned.predict(missing))) == int(np.argmax(x[:, ranker.FEATURES.index("law_coverage")]))
    # Questions where no candidate is right teach nothing.
    assert ranker.train([(np.ones((3, len(ranker.FEATURES))), np.zeros(3, dtype=int))]) is None


@pytest.mark.parametrize("content", ["", "[1, 2]", "tree\nversion=v4\n", "not a model"])
def test_a_damaged_model_file_leaves_the_re_ranking_as_it_is(tmp_path, content):
    saved = tmp_path / "ranker.txt"
    saved.write_text(content)
    assert ranker.load(saved) is None
    assert ranker.load(tmp_path / "missing.txt") is None


def test_without_lightgbm_loadable_the_re_ranking_order_stays(tmp_path, monkeypatch, caplog):
    saved = tmp_path / "ranker.txt"
    _model_preferring("similarity", 0.5, 1.0).save_model(str(saved))
    real_import = builtins.__import__

    def no_openmp(name, *args, **kwargs):
        if name == "lightgbm":  # what ctypes raises when libgomp.so.1 is missing
            raise OSError("libgomp.so.1: cannot open shared object file: No such file or directory")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_openmp)
    assert ranker.load(saved) is None
    assert "LightGBM cannot be loaded" in caplog.text


def test_a_model_for_other_features_is_not_used(tmp_path):
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(40, 2)), np.tile([ranker.RIGHT_ARTICLE] + [0] * 9, 4)
    other = lightgbm.train({**ranker.PARAMS, "min_data_in_leaf": 1}, lightgbm.Dataset(x, y, group=[10] * 4,
                                                                                      feature_name=["a", "b"]), 5)
    saved = tmp_path / "ranker.txt"
    other.save_model(str(saved))
    assert ranker.load(saved) is None
    _model_preferring("similarity", 0.5, 1.0).save_model(str(saved))
    assert ranker.load(saved) is not None


def test_the_shipped_model_is_for_these_features():
    ranker.model.cache_clear()
    assert ranker.model() is not None
    assert tuple(ranker.model().feature_name()) == ranker.FEATURES


@pytest.mark.usefixtures("fresh_search")
def test_retrieve_shows_the_learned_order_and_the_same_candidates(team, agency, tmp_path, monkeypatch):
    make_library(team, agency)
    services.ask(QUESTION, record=False)  # computes the candidates' vectors (inline worker in tests)
    plain = services.retrieve(QUESTION, limit=10, learned=False)
    assert all(m.similarity is not None for m in plain.matches[:semantic.depth()])
    # A model that wants the shortest article first.
    saved = tmp_path / "ranker.txt"
    _model_preferring("length", 1.0, 7.0, sign=-1.0).save_model(str(saved))
    monkeypatch.setattr(ranker, "MODEL_FILE", saved)
    ranker.model.cache_clear()
    try:
        learned = services.retrieve(QUESTION, limit=10)
    finally:
        ranker.model.cache_clear()
    shortest = min(plain.matches, key=lambda m: len(m.article.text))
    assert learned.matches[0].article.pk == shortest.article.pk
    assert {m.article.pk for m in learned.matches} == {m.article.pk for m in plain.matches}
    # Whether it is answered is not the model's to decide.
    assert (learned.closeness, learned.lead.article.pk) == (plain.closeness, plain.lead.article.pk)
