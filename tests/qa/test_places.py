"""Where a local rule applies (gongkai.qa.places) and what that does to the Q&A's ranking: a rule of a place the
question is not about comes after the national law; of the place it names, or of the deployment's own
(GONGKAI_QA_PLACES), it answers as before."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from gongkai.qa import places, services
from gongkai.qa.index import rebuild_articles
from gongkai.search.indexing import rebuild_index
from tests import factories


@pytest.mark.parametrize(("title", "code"), [
    ("上海市养犬管理条例", "310000"),
    ("中国（浙江）自由贸易试验区条例", "330000"),
    ("深圳经济特区物业管理条例", "440300"),
    ("广西壮族自治区水利工程管理条例", "450000"),
    ("开封古城保护条例", "410200"),  # a title names its place formally, even one that is an everyday word
])
def test_a_rule_is_placed_by_the_division_its_title_names_first(title, code):
    assert code in places.of_rule(title)


def test_a_title_naming_no_division_applies_everywhere():
    assert places.of_rule("关于议案的若干暂行规定") == frozenset()
    assert places.applies("关于议案的若干暂行规定", places.named("北京"))


@pytest.mark.parametrize(("question", "code"), [
    ("在宁波骑电瓶车没戴头盔要罚多少", "330200"),
    ("我们鄞州区的低保标准", "330212"),
    ("在北京饭馆里抽烟罚多少", "110000"),
    ("新疆的最低工资是多少", "650000"),
    ("广西的最低工资是多少", "450000"),  # an autonomous region by its short name
    ("黔东南的彩礼一般多少", "522600"),
    ("在重庆打工被拖欠工资", "500000"),  # Chongqing's, not the Sichuan city the register held before 1997
    ("海口的房子怎么过户", "460100"),
    ("杭州市民卡丢了怎么补", "330100"),  # a full name running on into the next word counts by its short one
])
def test_a_question_names_provinces_and_cities_by_short_names_and_counties_by_full_ones(question, code):
    assert code in places.named(question)


@pytest.mark.parametrize("question", ["食品开封后还能退吗", "白银首饰的发票丢了", "大同小异的两份合同", "家中卫生间漏水",
                                      "确保定期体检", "新乡村建设的补贴", "淮河南岸的堤坝", "隆重庆祝的活动",
                                      "老城区改造", "沿海城市的海域", "合作市场的摊位", "挡住我家日照"])
def test_everyday_words_are_not_taken_for_places(question):
    assert places.named(question) == frozenset()


def test_a_provinces_rule_holds_for_its_cities_and_a_citys_for_its_province():
    assert places.applies("浙江省电动自行车管理条例", places.named("在宁波骑电瓶车"))
    assert places.applies("宁波市养犬管理条例", places.named("浙江养狗"))
    assert not places.applies("北京市养犬管理规定", places.named("在宁波养狗"))
    assert not places.applies("杭州市养犬管理条例", places.named("在宁波养狗"))
    assert not places.applies("四川省物业管理条例", places.named("在重庆买房"))
    assert places.applies("重庆市物业管理条例", places.named("在重庆买房"))


def test_a_question_naming_no_place_is_about_the_deployments_own(settings):
    settings.GONGKAI_QA_PLACES = "浙江省宁波市"
    assert "330200" in places.asked_of("养狗要办证吗") and "330000" not in places.asked_of("养狗要办证吗")
    assert places.applies("宁波市养犬管理条例", places.asked_of("养狗要办证吗"))
    assert places.applies("浙江省电动自行车管理条例", places.asked_of("养狗要办证吗"))
    # Ningbo is in Zhejiang, but Wenzhou's rules do not hold there.
    assert not places.applies("温州市养犬管理条例", places.asked_of("养狗要办证吗"))
    # A place the question names comes before the deployment's.
    assert not places.applies("宁波市养犬管理条例", places.asked_of("在北京养狗要办证吗"))
    settings.GONGKAI_QA_PLACES = ""
    assert places.asked_of("养狗要办证吗") == frozenset()


def test_the_setting_must_name_a_division():
    with pytest.raises(ImproperlyConfigured, match="GONGKAI_QA_PLACES"):
        places.check_setting("我们这里")
    # A mistyped city is named, not silently read as its province.
    with pytest.raises(ImproperlyConfigured, match="宁坡市"):
        places.check_setting("浙江省宁坡市")
    places.check_setting("浙江省宁波市鄞州区")
    places.check_setting("广西")
    places.check_setting("")


def test_a_process_with_a_misspelt_place_does_not_start(tmp_path):
    env = {**os.environ, "GONGKAI_QA_PLACES": "浙江省宁坡市", "GONGKAI_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    run = subprocess.run([sys.executable, "-m", "gongkai", "check"], env=env, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode != 0 and "宁坡市" in run.stderr


DOG_RULE = ("<p>第一条 为了规范养犬行为，制定本条例。</p>"
            "<p>第十条 养犬人携犬出户时，应当为犬只束犬链，犬链长度不得超过一点五米，并由成年人牵领。</p>")
# The law says less of what is asked than the cities' rules: without ELSEWHERE_PENALTY they come first.
LAW = ("<p>第一条 为了保护动物，制定本法。</p>"
       "<p>第五条 饲养犬只的，应当防止犬只伤人。</p>")


@pytest.fixture
def dog_rules(team, agency):
    factories.make_document(team, agency, title="测试动物保护法", doc_type="法律", doc_number="测主席令第1号", body=LAW)
    factories.make_document(team, agency, title="北京市养犬管理条例", doc_type="地方性法规", doc_number="测京人大1号",
                            body=DOG_RULE)
    factories.make_document(team, agency, title="宁波市养犬管理条例", doc_type="地方性法规", doc_number="测甬人大1号",
                            body=DOG_RULE)
    rebuild_index()
    rebuild_articles()


def test_without_the_penalty_the_rules_of_elsewhere_would_come_first(dog_rules, settings, monkeypatch):
    settings.GONGKAI_QA_PLACES = ""
    monkeypatch.setattr(services, "ELSEWHERE_PENALTY", 0.0)
    found = services.retrieve("遛狗出门要不要拴犬链，犬链多长", rerank=False).matches
    assert found[0].title != "测试动物保护法"


def _titles(question: str) -> list[str]:
    return [m.title for m in services.retrieve(question, rerank=False).matches]


def test_a_rule_of_elsewhere_comes_after_the_law_and_the_named_places_rule(dog_rules, settings):
    settings.GONGKAI_QA_PLACES = ""
    question = "遛狗出门要不要拴犬链，犬链多长"
    # Asked from nowhere in particular: both cities' rules hold elsewhere; the national law comes first.
    assert _titles(question)[0] == "测试动物保护法"
    # Asked of Beijing: Beijing's rule holds, Ningbo's comes after it and after the law.
    titles = _titles("在北京" + question)
    assert titles.index("北京市养犬管理条例") < titles.index("宁波市养犬管理条例")
    assert titles.index("测试动物保护法") < titles.index("宁波市养犬管理条例")
    # Deployed in Ningbo, asked of no place: Ningbo's rule holds as the law does, Beijing's after both.
    settings.GONGKAI_QA_PLACES = "浙江省宁波市"
    titles = _titles(question)
    assert titles.index("宁波市养犬管理条例") < titles.index("北京市养犬管理条例")
    assert titles.index("测试动物保护法") < titles.index("北京市养犬管理条例")
    # A rule of elsewhere is still found when nothing else answers: it is listed, only later.
    assert "北京市养犬管理条例" in titles
