"""Query understanding in isolation: normalisation, document numbers, synonyms, pinyin, typo
correction and highlighting."""

from __future__ import annotations

import re

import pytest

from gongkai.search import highlight, text
from gongkai.search.lexicon import Lexicon
from gongkai.search.query import analyze
from gongkai.search.searchlog import anonymise, anonymise_as_typed
from gongkai.search.synonyms import SynonymDictionary

DICTIONARY = SynonymDictionary([("低保", ["最低生活保障"], True), ("打官司", ["诉讼"], False),
                                ("信息公开", ["政府信息公开"], True)])


@pytest.mark.parametrize("written, key", [
    ("国办发〔2019〕14号", "国办发〔2019〕14"), ("国办发[2019]14号", "国办发〔2019〕14"),
    ("国办发(2019)14号", "国办发〔2019〕14"), ("国办发（2019）14号", "国办发〔2019〕14"),
    ("国办发【2019】14号", "国办发〔2019〕14"), ("国办发〔2019〕014号", "国办发〔2019〕14"),
    ("国办发 [2019] 14 号", "国办发〔2019〕14"), ("国办发〔2019〕14号文件", "国办发〔2019〕14"),
    ("国令第711号", "国令711"), ("国务院令第711号", "国令711"), ("中华人民共和国国务院令第711号", "国令711"),
    ("民政部令第14号", "民政部令14"),
    ("政府信息公开条例", None), ("2019年工作要点", None), ("", None),
])
def test_document_number_keys(written, key):
    assert text.doc_number_key(written) == key


def test_stored_numbers_answer_to_their_shorter_prefixes():
    assert "法发〔1993〕15" in text.doc_number_keys("高人民法院以法发〔1993〕15号")


def test_index_number_and_compaction():
    assert text.index_no_key(" 11441700007280420Y/2021-00050 ") == "11441700007280420y/2021-00050"
    assert text.index_no_key("关于/2021-00050") is None
    assert text.compact("《中华人民共和国 政府信息公开条例》") == "政府信息公开条例"
    assert text.compact("中华人民共和国") == "中华人民共和国"
    assert text.normalize("ＷＴＯ　规则") == "wto 规则"
    assert text.initials("政府信息公开") == "zfxxgk"
    assert text.initials("2024年预算") == "2024nys"


def test_analysis_units_phrases_and_question_words():
    analysis = analyze("低保怎么申请？", DICTIONARY)
    assert [[a.text for a in u.alternatives] for u in analysis.units] == [["低保", "最低生活保障"], ["申请"]]
    assert analysis.question and analysis.min_match == 1
    title = analyze("政府信息公开条例", DICTIONARY)
    assert not title.question and title.min_match == len(title.units)
    assert "政府信息公开条例" in title.phrases and "t:政府信息公开条例" in title.keys
    assert analyze("怎么办", DICTIONARY).units, "a query of stopwords still searches its words"
    assert analyze("国办发[2019]14号", DICTIONARY).keys == ["n:国办发〔2019〕14"]
    assert analyze("国办发[2019]14号", DICTIONARY, references=False).units


def test_dictionary_directions_and_longest_match():
    assert DICTIONARY.alternatives("最低生活保障") == ["低保"]
    assert DICTIONARY.alternatives("诉讼") == []
    matches = DICTIONARY.find("政府信息公开条例")
    assert [(m.term, m.alternatives) for m in matches] == [("政府信息公开", ("信息公开",))]


LEXICON = Lexicon({"政府": 50, "执法": 20, "信息": 40, "公开": 30, "条例": 80, "最低": 5, "生活": 10, "保障": 20,
                   "劳动": 15, "合同": 12, "法": 60, "野生": 3, "动物": 8, "保护": 30})


def test_pinyin_full_and_initials():
    assert LEXICON.from_pinyin("zhengfuxinxigongkai")[0].text == "政府信息公开"
    assert LEXICON.from_pinyin("zheng fu xin xi")[0].text == "政府信息"
    assert LEXICON.from_pinyin("zfxxgk")[0].text == "政府信息公开", "the more common reading of zf wins"
    assert LEXICON.from_pinyin("laodonghetongfa")[0].text == "劳动合同法"
    assert LEXICON.from_pinyin("qwzx") == []


@pytest.mark.parametrize("typed, fixed", [
    ("最底生活保障", "最低生活保障"),  # homophone
    ("劳动和同法", "劳动合同法"),  # homophone inside a phrase
    ("政府信息公看", "政府信息公开"),  # near miss (kan for kai)
    ("政府信息公开条利", "政府信息公开条例"),
])
def test_typo_readings(typed, fixed):
    readings = [c.text for c in LEXICON.corrections(typed)]
    assert fixed in readings[:3], readings


def test_correct_text_reads_best_as_typed():
    assert LEXICON.corrections("政府信息公开条例")[0].text == "政府信息公开条例"


def test_highlight_escapes_and_keeps_original_text():
    html = str(highlight.highlight("关于<script>的政府信息公开", ["政府信息公开"]))
    assert html == "关于&lt;script&gt;的<mark>政府信息公开</mark>"
    full_width = str(highlight.highlight("ＷＴＯ规则", ["wto"]))
    assert full_width == "<mark>ＷＴＯ</mark>规则", "matched after NFKC, shown as written"


def test_snippet_picks_the_passage_with_most_terms():
    body = "第一条 总则。" + "其他内容。" * 60 + "第三十三条 行政机关收到政府信息公开申请，能够当场答复的，应当当场予以答复。" + "其他。" * 60
    snippet = str(highlight.snippet(body, ["政府信息公开", "答复"]))
    assert "<mark>政府信息公开</mark>" in snippet and "<mark>答复</mark>" in snippet
    assert snippet.startswith("…") and snippet.endswith("…")
    assert len(snippet.replace("<mark>", "").replace("</mark>", "")) <= highlight.SNIPPET_CHARS + 2
    assert str(highlight.snippet("短正文", ["无关"])) == "短正文"


def test_anonymise():
    assert anonymise("我的身份证110101199003071234怎么办") == "我的身份证＊怎么办"
    assert anonymise("手机 13912345678") == "手机 ＊"
    assert anonymise("写信给 a.b@example.com") == "写信给 ＊"
    assert anonymise("国办发〔2019〕14号") == "国办发〔2019〕14号"
    assert anonymise("11441700007280420Y/2021-00050") == "11441700007280420y/2021-00050"


def test_parallel_analysis_keeps_order_and_results(monkeypatch):
    from gongkai.search import parallel
    from gongkai.search.backends.base import IndexDoc
    from gongkai.search.backends.embedded import analyse

    monkeypatch.setattr(parallel, "POOL_AFTER", 3)
    monkeypatch.setattr(parallel, "BATCH", 4)
    docs = [IndexDoc(id=i, revision_id=i, title=f"关于第{i}批住房公积金缴存的通知", body="职工住房公积金缴存基数。" * i,
                     keys=[], agency=1, issuers=["示例市"], subject="", doc_type="通知", validity="valid", kind="policy",
                     published_on=None) for i in range(1, 30)]
    pooled = list(parallel.analysed(docs, analyse, workers=2))
    assert [d.id for d, _ in pooled] == [d.id for d in docs]
    assert [fields for _, fields in pooled] == [analyse(d) for d in docs]
    assert list(parallel.analysed([], analyse, workers=2)) == []


@pytest.mark.parametrize("typed", [
    "110101 19900307 123X", "110101-1990-0307-123x", "身份证１１０１０１１９９００３０７１２３Ｘ查询",
    "138 1234 5678", "138-1234-5678", "+86 13812345678", "8613812345678", "电话13812345678地址",
    "x" * 95 + "13812345678",  # cut at 100 characters, the old log kept the first digits unmasked
])
def test_identity_and_mobile_numbers_are_masked_however_typed(typed):
    stored = anonymise(typed)
    assert "＊" in stored and not re.search(r"\d{4}", stored), stored
    shown = anonymise_as_typed(typed)
    assert "＊" in shown and not re.search(r"\d{4}", text.fold(shown)), shown


def test_a_query_kept_as_typed_is_masked_in_the_same_places_and_only_its_spaces_tidied():
    typed = "  ＥＴＣ卡　被扣费两次，电话１３８１２３４５６７８、邮箱 Li.Ming@Example.com\n怎么办？ "
    assert anonymise_as_typed(typed) == "ＥＴＣ卡 被扣费两次，电话＊、邮箱 ＊ 怎么办？"
    assert anonymise(typed) == "etc卡 被扣费两次,电话＊、邮箱 ＊ 怎么办?"
    assert anonymise_as_typed("11441700007280420Y/2021-00050") == "11441700007280420Y/2021-00050"


def test_masked_queries_are_what_reaches_the_search_log(db):
    from gongkai.search.models import SearchQueryStat
    from gongkai.search.searchlog import record_query, search_log

    record_query("张三 110101-19900307-123X 的申请 138 1234 5678", 0)
    search_log.flush()
    assert list(SearchQueryStat.objects.values_list("query", flat=True)) == ["张三 ＊ 的申请 ＊"]
