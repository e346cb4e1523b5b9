"""Public site pages: column, filters, paging, detail metadata table, invalid-document marks, feed, sitemap."""

import datetime as dt

from gongkai.publishing.models import DocumentKind
from gongkai.publishing.rules import RelationKind
from tests import factories


def test_home_and_column(client, published):
    for url in ("/", "/xxgk/", f"/xxgk/agencies/{published.agency.code}/"):
        page = client.get(url).content.decode()
        assert "关于做好测试工作的通知" in page
        assert '<html lang="zh-CN">' in page and 'href="#main"' in page


def test_detail_metadata_table(client, published):
    page = client.get(f"/xxgk/documents/{published.pk}/").content.decode()
    for label in ("索引号", "主题分类", "发文机关", "成文日期", "标题", "发文字号", "发布日期", "有效性"):
        assert f'<th scope="row">{label}</th>' in page
    assert published.index_no in page and "测政发〔2026〕1号" in page and "2026-03-02" in page


def test_repealed_document_is_visibly_marked(client, team, agency, published):
    factories.make_document(team, agency, title="新办法", effective_on=dt.date(2026, 4, 1),
                            relations=[(RelationKind.REPEALS, published.pk)])
    page = client.get(f"/xxgk/documents/{published.pk}/").content.decode()
    assert "本文件已于 2026-04-01 废止" in page
    assert "本文件已被废止，废止文件" in page and "新办法" in page
    listing = client.get("/xxgk/documents/?validity=repealed").content.decode()
    assert "badge-repealed" in listing and "关于做好测试工作的通知" in listing


def test_interpretation_links_both_ways(client, team, agency, published):
    interp = factories.make_document(team, agency, kind=DocumentKind.INTERPRETATION, title="图解测试工作",
                                     doc_type="政策解读", interpretation_format="graphic",
                                     relations=[(RelationKind.INTERPRETS, published.pk)])
    policy_page = client.get(f"/xxgk/documents/{published.pk}/").content.decode()
    assert "相关解读" in policy_page and f"/xxgk/documents/{interp.pk}/" in policy_page
    interp_page = client.get(f"/xxgk/documents/{interp.pk}/").content.decode()
    assert "本文是对以下文件的解读" in interp_page and f"/xxgk/documents/{published.pk}/" in interp_page


def test_list_filters_and_paging(client, team, agency):
    for i in range(23):
        factories.make_document(team, agency, title=f"第{i}号通知")
    first = client.get("/xxgk/documents/").content.decode()
    assert "共 23 条" in first and "第 1 / 2 页" in first
    second = client.get("/xxgk/documents/?page=2").content.decode()
    assert second.count('<td data-label="发文机关" class="library-issuer">测试市财政局</td>') == 3
    assert "共 0 条" in client.get("/xxgk/documents/?doc_type=批复").content.decode()


def test_bad_filter_values_show_a_message_not_an_error(client, published):
    response = client.get("/xxgk/documents/?year=abcd&validity=x&page=zz")
    assert response.status_code == 200
    page = response.content.decode()
    assert "年份应为四位数字" in page and "有效性只能是" in page


def test_feed_and_sitemap(client, published):
    feed = client.get("/feeds/latest.xml")
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert "关于做好测试工作的通知" in feed.content.decode()
    sitemap = client.get("/sitemap.xml").content.decode()
    assert f"/xxgk/documents/{published.pk}/" in sitemap


def test_unknown_page_is_a_chinese_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
