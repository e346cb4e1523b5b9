"""Document numbers as people write them (issue #11 search item 2): parsing, keys and ordering."""

from __future__ import annotations

import pytest

from gongkai.search import docnumbers


@pytest.mark.parametrize("written, keys", [
    ("国务院令第462号", ["国令462"]), ("国令第462号", ["国令462"]), ("国务院第462号令", ["国令462"]),
    ("国务院462号令", ["国令462"]), ("国务院 462 号令", ["国令462"]), ("国务院令（第462号）", ["国令462"]),
    ("《国务院令第462号》", ["国令462"]), ("国务院令第462号文件", ["国令462"]), ("国务院令462", ["国令462"]),
    ("462号令", ["令462"]), ("第462号令", ["令462"]), ("令第462号", ["令462"]), ("三十号令", ["令30"]),
    ("国务院令第五九〇号", ["国令590"]), ("国务院令第五九零号", ["国令590"]), ("国务院令第五百九十号", ["国令590"]),
    ("国务院令第五百九号", ["国令590"]), ("国务院第六百零八号令", ["国令608"]),
    ("市场监管总局令第20号", ["国家市场监督管理总局令20"]), ("国家市场监督管理总局令第20号", ["国家市场监督管理总局令20"]),
    ("中央军委令第608号", ["中央军事委员会令608"]), ("中华人民共和国中央军事委员会令第608号", ["中央军事委员会令608"]),
    ("国务院、中央军委令第608号", ["国令608", "中央军事委员会令608"]),
    # Joint issuers written one after the other, as gov.cn lists some orders.
    ("国务院中央军委令第608号", ["国令608", "中央军事委员会令608"]),
    ("国务院 中央军委令第608号", ["国令608", "中央军事委员会令608"]),
    ("中华人民共和国国务院、中华人民共和国中央军事委员会令第608号", ["国令608", "中央军事委员会令608"]),
    ("中华人民共和国主席令第七十三号", ["主席令73"]), ("主席令第73号", ["主席令73"]),
    ("人社部令第5号", ["人力资源和社会保障部令5"]),
    ("国办发〔2019〕14号", ["国办发〔2019〕14"]), ("国办发2019年第14号", ["国办发〔2019〕14"]),
    ("国办发〔二〇一九〕十四号", ["国办发〔2019〕14"]),
])
def test_colloquial_forms_read_into_keys(written, keys):
    parsed = docnumbers.parse(written)
    assert parsed is not None and parsed.keys() == keys


@pytest.mark.parametrize("written", ["禁令三", "政府信息公开条例", "2019年工作要点", "交强险", "", "号令", "国务院令"])
def test_words_are_not_numbers(written):
    assert docnumbers.parse(written) is None


@pytest.mark.parametrize("written, number", [
    ("590", 590), ("五九〇", 590), ("五九零", 590), ("五百九十", 590), ("五百九", 590), ("六百零八", 608),
    ("一千零二", 1002), ("一千二", 1200), ("十", 10), ("十五", 15), ("二十", 20), ("两百", 200), ("二〇一九", 2019),
    ("十百", None), ("五十五十", None), ("五a", None),
])
def test_chinese_numerals(written, number):
    assert docnumbers.chinese_number(written) == number


def test_labels_write_the_number_out_as_understood():
    assert docnumbers.parse("市场监管总局令第20号").label() == "国家市场监督管理总局令第20号"
    assert docnumbers.parse("国务院、中央军委第608号令").label() == "国务院、中央军事委员会令第608号"
    assert docnumbers.parse("462号令").label() == "第462号令"
    assert docnumbers.parse("国办发[2019]14号").label() == "国办发〔2019〕14号"
    assert docnumbers.not_found_message("国务院令第9999号") == "未找到文号为“国务院令第9999号”的文件。"


def test_short_names_are_one_table_of_real_names():
    table = docnumbers.short_names()
    assert table["市场监管总局"] == "国家市场监督管理总局" and table["中央军委"] == "中央军事委员会"
    assert all(short != full and full not in table for short, full in table.items()), \
        "a short name maps straight to a full name"


def test_stored_orders_answer_to_the_bare_number_and_each_joint_issuer():
    joint = docnumbers.index_keys("中华人民共和国中央军事委员会令第608号", ["国务院", "中央军事委员会"])
    assert set(joint) == {"中央军事委员会令608", "国令608", "令608"}
    single = docnumbers.index_keys("国家市场监督管理总局令第20号", ["国家市场监督管理总局"])
    assert set(single) == {"国家市场监督管理总局令20", "令20"}
    # Issuers that do not include the order's own are not co-issuers of it.
    assert "国令5" not in docnumbers.index_keys("公安部令第5号", ["国务院", "财政部"])
    assert "法发〔1993〕15" in docnumbers.index_keys("高人民法院以法发〔1993〕15号")
    assert docnumbers.index_keys("") == [] and docnumbers.index_keys("462号令") == []


def test_match_strength_orders_documents_sharing_a_number():
    bare = docnumbers.parse("20号令")
    assert docnumbers.match_strength(bare, "中华人民共和国国务院令第20号", ["国务院"]) > \
        docnumbers.match_strength(bare, "国家市场监督管理总局令第20号", ["国家市场监督管理总局"])
    joint = docnumbers.parse("国务院、中央军委令第608号")
    assert docnumbers.match_strength(joint, "中央军事委员会令第608号", ["国务院", "中央军事委员会"]) == 2
    assert docnumbers.match_strength(joint, "国务院令第608号", ["国务院"]) == 1
