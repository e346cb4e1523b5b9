"""Splitting a text into articles, with chapter context, and anchoring them on the document page."""

from __future__ import annotations

from gongkai.publishing.articles import add_anchors, split_articles, to_chinese

LAW = """第一章 总则
第一条 为了保护劳动者的合法权益，制定本法。
第二条 本法适用于中华人民共和国境内的企业。
第二章 劳动合同的订立
第一节 一般规定
第十九条 劳动合同期限三个月以上不满一年的，试用期不得超过一个月。
同一用人单位与同一劳动者只能约定一次试用期。
第十九条之一 试用期包含在劳动合同期限内。
第三章 附则
第一百零五条 本法自2008年1月1日起施行。"""


def test_articles_carry_number_chapter_and_further_paragraphs():
    articles = split_articles(LAW)
    assert [(a.number, a.sub, a.label) for a in articles] == [
        (1, 0, "第一条"), (2, 0, "第二条"), (19, 0, "第十九条"), (19, 1, "第十九条之一"), (105, 0, "第一百零五条")]
    nineteenth = articles[2]
    assert nineteenth.chapter == "第二章 劳动合同的订立 第一节 一般规定"
    assert nineteenth.text.endswith("只能约定一次试用期。"), "a further paragraph belongs to its article"
    assert articles[4].chapter == "第三章 附则", "a new chapter drops the section of the one before"
    assert [a.anchor for a in articles] == ["art-1", "art-2", "art-19", "art-19-1", "art-105"]


def test_a_notice_without_numbered_items_is_cited_by_its_paragraphs_and_a_repeated_number_keeps_the_first():
    text = ("防汛工作\n各区人民政府：\n汛期自6月1日起至9月30日止，各区应当在汛前完成隐患排查。\n请认真落实。\n特此通知。\n"
            "2026年5月6日")
    # A heading, the salutation and the closing are no paragraphs.
    assert [(a.label, a.anchor, a.text) for a in split_articles(text)] == [
        ("第一段", "art-1", "汛期自6月1日起至9月30日止，各区应当在汛前完成隐患排查。"), ("第二段", "art-2", "请认真落实。")]
    assert split_articles("防汛工作") == []
    repeated = split_articles("第一条 原文。\n第二条 将第十条修改为：\n第一条 被引用的条文。")
    assert [a.text for a in repeated] == ["原文。", "将第十条修改为："]


NOTICE = """关于调整城乡居民最低生活保障标准的通知
各乡镇人民政府：
现将有关事项通知如下。
一、调整标准
自2026年7月1日起，城乡居民最低生活保障标准为每人每月800元。
（一）城市低保对象按新标准补差发放。
二、资金来源
三、工作要求
1. 各地要按时发放。
五、其他事项"""


def test_a_notice_without_articles_is_cited_by_its_numbered_items():
    items = split_articles(NOTICE)
    assert [(a.number, a.label, a.anchor) for a in items] == [
        (1, "第一项", "art-1"), (2, "第二项", "art-2"), (3, "第三项", "art-3")]
    assert items[0].text == "调整标准\n自2026年7月1日起，城乡居民最低生活保障标准为每人每月800元。\n（一）城市低保对象按新标准补差发放。"
    # 五、 out of sequence is a line of the third item, and the preamble is no item.
    assert items[2].text.endswith("五、其他事项") and "通知如下" not in " ".join(a.text for a in items)
    # The closing (特此通知, 感谢…, the date) is no part of the last item.
    closing = split_articles("一、补助标准为每部电梯20万元。\n感谢您对住房和城乡建设工作的关心和支持。\n2026年3月2日")
    assert [a.text for a in closing] == ["补助标准为每部电梯20万元。"]
    # A law's own lists (一、 inside an article) stay inside their article.
    assert [a.label for a in split_articles("第一条 下列情形：\n一、甲；\n二、乙。")] == ["第一条"]


def test_article_numbers_in_chinese():
    assert [to_chinese(n) for n in (1, 10, 11, 20, 105, 110, 1079)] == [
        "一", "十", "十一", "二十", "一百零五", "一百一十", "一千零七十九"]


def test_anchors_land_on_the_paragraph_that_begins_an_article():
    html = add_anchors('<h2>第一章 总则</h2><p>第一条 目的。</p><p>续段。</p><p><strong>第二条之一</strong> 补充。</p>'
                       '<p>第一条 重复。</p>')
    assert '<p id="art-1">第一条 目的。</p>' in html
    assert '<p id="art-2-1"><strong>第二条之一</strong>' in html
    assert html.count('id="art-1"') == 1


def test_anchors_land_on_a_notices_numbered_items_only_when_it_has_no_articles():
    html = add_anchors('<p>现将有关事项通知如下。</p><p>一、调整标准</p><p>（一）城市</p><p><strong>二、</strong>资金</p>'
                       '<p>四、乱序</p><p>三、要求</p>')
    assert '<p id="art-1">一、调整标准</p>' in html and '<p id="art-2"><strong>二、</strong>' in html
    assert '<p>四、乱序</p>' in html and '<p id="art-3">三、要求</p>' in html
    assert add_anchors("<p>第一条 目的。</p><p>一、列表</p>") == '<p id="art-1">第一条 目的。</p><p>一、列表</p>'


def test_anchors_land_on_a_plain_notices_paragraphs_by_their_text():
    html = add_anchors("<p>各部门：</p><h2>预算公开</h2><p>部门预算批准后<strong>20日内</strong>向社会公开。</p>"
                       "<ul><li>列表里的一行，也是一句话。</li></ul><p>请认真落实。</p><p>特此通知。</p>")
    assert '<p>各部门：</p>' in html and '<p id="art-1">部门预算批准后<strong>20日内</strong>' in html
    # The list's line is the second paragraph of the text, with no <p> to carry its id; the next keeps its number.
    assert '<p id="art-3">请认真落实。</p>' in html and '<p>特此通知。</p>' in html


def test_anchors_follow_the_units_the_text_is_cut_into_when_they_are_set_in_headings():
    """Items set as headings are anchored there, not on the paragraphs below them (which counted as paragraphs gave
    art-2 to the first item's second paragraph); articles set in headings give no paragraph an item's id."""
    html = add_anchors("<h3>一、调整标准</h3><p>标准为每人每月800元。</p><p>按月发放到户。</p>"
                       "<h3>二、工作要求</h3><p>各地要按时足额发放。</p>")
    assert '<h3 id="art-1">一、调整标准</h3>' in html and '<h3 id="art-2">二、工作要求</h3>' in html
    assert "<p>标准为每人每月800元。</p><p>按月发放到户。</p>" in html
    assert 'id=' not in add_anchors("<h4>第一条</h4><p>为了规范管理，制定本办法。</p><p>一、甲。</p>")
