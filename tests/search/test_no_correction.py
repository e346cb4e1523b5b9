"""Right words are never "corrected" into wrong ones (issue 11, item 1), and suggestions find everyday
words, their pinyin and their initials (item 7)."""

from __future__ import annotations

import pytest

from gongkai.search import services
from gongkai.search.indexing import rebuild_index
from tests import factories

pytestmark = pytest.mark.usefixtures("fresh_search")

# Titles that hold the wrong "corrections" seen with the real corpus (担保, 外贸, 铁路, 地图 …), and bodies
# that use the everyday words as residents type them.
DOCUMENTS = [
    ("中华人民共和国海关事务担保条例", "<p>海关事务担保的范围和方式。</p>"),
    ("中华人民共和国对外贸易法", "<p>国家实行统一的对外贸易制度。</p>"),
    ("中华人民共和国铁路法", "<p>铁路运输企业应当保证旅客和货物运输的安全。</p>"),
    ("地图管理条例", "<p>编制地图应当执行国家有关地图编制标准。</p>"),
    ("关于做好城乡居民最低生活保障工作的通知", "<p>申请低保的家庭应当如实申报收入，最低生活保障标准逐年调整。</p>"),
    ("关于规范网络餐饮外卖配送的通知", "<p>外卖平台应当落实食品安全责任，外卖骑手纳入职业伤害保障。</p>"),
    ("关于办理套路贷刑事案件的意见", "<p>套路贷是以非法占有为目的的违法犯罪活动，与民间借贷不同。</p>"),
    ("机动车交通事故责任强制保险条例", "<p>交强险在责任限额内赔偿，交强险的赔偿限额由国务院规定。</p>"),
    ("关于优化生育政策的决定", "<p>实施三孩生育政策，二胎、三孩家庭享受育儿补贴。</p>"),
    ("关于规范摆地摊等临时经营活动的通知", "<p>允许在指定区域摆地摊，不得占用消防通道。</p>"),
    ("关于完善医疗保险门诊共济保障机制的意见", "<p>职工医保个人账户可以用于家庭成员的医疗费用。</p>"),
    ("中华人民共和国个人所得税法", "<p>居民个人从中国境内和境外取得的所得，依照本法缴纳个人所得税。</p>"),
    ("道路交通安全条例", "<p>机动车驾驶人应当遵守道路交通安全法律。</p>"),
]


@pytest.fixture
def laws(team, agency):
    docs = [factories.make_document(team, agency, title=title, body=body) for title, body in DOCUMENTS]
    rebuild_index()
    return docs


def run(q: str, **kwargs) -> services.SearchResponse:
    return services.search(services.SearchParams(q=q, **kwargs), record=False)


@pytest.mark.parametrize("typed", ["低保", "交强险赔多少", "外卖", "套路贷", "二胎", "摆地摊", "医保", "三孩", "彩礼"])
def test_known_words_are_searched_as_typed(laws, typed):
    found = run(typed)
    assert found.corrected_query is None, f"{typed} became {found.corrected_query}"


def test_known_words_find_their_documents(laws):
    assert run("低保").results[0].title == "关于做好城乡居民最低生活保障工作的通知"
    assert run("外卖").results[0].title == "关于规范网络餐饮外卖配送的通知"
    assert run("套路贷").results[0].title == "关于办理套路贷刑事案件的意见"


@pytest.mark.parametrize("typed, reading", [("yibao", "医保"), ("dibao", "低保")])
def test_pinyin_prefers_the_everyday_word(laws, typed, reading):
    found = run(typed)
    assert found.corrected_query == reading and found.correction_kind == "pinyin"


def test_real_typos_are_still_corrected(laws):
    found = run("最底生活保障")
    assert found.corrected_query == "最低生活保障" and found.correction_kind == "typo"
    assert run("个人所得睡法").corrected_query == "个人所得税法"


def test_known_word_rule(db, fresh_search):
    from gongkai.search import synonyms
    from gongkai.search.lexicon import Lexicon

    dictionary = synonyms.dictionary()
    lex = Lexicon({"担保": 5})
    for word in ("低保", "外卖", "宅基地", "担保"):
        assert services.known_word(word, dictionary, lex, set()), word
    assert services.known_word("某某热词", dictionary, lex, {"某某热词"}), "a hot public query is known"
    for word in ("最底", "公看", "低", "铁路贷"):
        assert not services.known_word(word, dictionary, lex, set()), word


@pytest.mark.parametrize("typed, expected", [
    ("医保", "医疗保险"), ("grsds", "个人所得税"), ("dibao", "低保"), ("yibao", "医保"),
])
def test_suggestions_find_everyday_words_pinyin_and_initials(laws, typed, expected):
    suggestions = services.suggest(typed)
    assert expected in suggestions, suggestions


def test_suggestions_for_initials_read_off_titles(laws):
    suggestions = services.suggest("dljt")
    assert any("道路交通" in s for s in suggestions), suggestions
    assert services.suggest("dlj"), "initials of a title's words always suggest something"


def test_the_little_words_of_a_sentence_are_not_typos(team, agency):
    """一 and 就 of 老公一喝酒就打我 standing alone are not typos of 益 and 驾 (公益, 酒驾 are title words)."""
    for title, body in (("中华人民共和国公益事业捐赠法", "<p>公益事业捐赠应当自愿。</p>"),
                        ("关于严厉查处酒驾醉驾的通知", "<p>酒驾醉驾依法从严查处。</p>"),
                        ("中华人民共和国反家庭暴力法", "<p>禁止任何形式的家庭暴力。</p>")):
        factories.make_document(team, agency, title=title, body=body)
    rebuild_index()
    from gongkai.search import synonyms
    from gongkai.search.backends import get_backend

    for typed in ("老公一喝酒就打我", "他一喝酒就打人"):
        assert run(typed).corrected_query is None
        # Nor is it offered as a reading (on the whole corpus, 老公益喝酒驾打我 found enough documents to be searched).
        assert services._correction(services.analyze(typed, synonyms.dictionary()), get_backend(), {}, set()) is None
    # A real typo inside such a sentence is still read.
    assert run("反家庭抱力法").corrected_query == "反家庭暴力法"


def test_a_reading_does_not_take_half_of_a_known_word():
    # 药 → 预 would make 预算 out of 药 and the 算 of 算是; 事顾 → 事故 splits no known word.
    assert services._splits_a_word("啥样的药算是假药", "啥样的预算是假药")
    assert not services._splits_a_word("交通事顾怎么赔", "交通事故怎么赔")
    assert not services._splits_a_word("最底生活保障", "最低生活保障")
