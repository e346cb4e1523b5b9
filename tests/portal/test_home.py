"""The home page's configurable blocks, the footer the national website norms ask for, and dates as
2019年06月10日 on public pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template

from gongkai import conf
from gongkai.orgs.roles import Role
from gongkai.publishing import services
from gongkai.publishing.models import DocumentKind
from gongkai.publishing.rules import RelationKind
from tests import factories


def _headings(html: str) -> list[str]:
    return re.findall(r'<h2 id="[a-z-]+h"[^>]*>([^<]+)</h2>', html)


def test_default_blocks_in_order_filled_from_public_documents_only(client, team, agency):
    notice = factories.make_document(team, agency, title="关于开展春季植树活动的通知", doc_type="通知")
    factories.make_document(team, agency, title="2025年国民经济和社会发展统计公报", doc_type="公报",
                            tags=["统计数据"])
    factories.make_document(team, agency, title="关于春季植树活动的解读", doc_type="政策解读",
                            kind=DocumentKind.INTERPRETATION, interpretation_format="text",
                            relations=[(RelationKind.INTERPRETS, notice.pk)])
    factories.make_document(team, agency, publish=False, title="尚未发布的通知草稿", doc_type="通知",
                            tags=["未公开专题"])
    withdrawn = factories.make_document(team, agency, title="已撤回的公报", doc_type="公报", tags=["撤回专题"])
    services.withdraw_document(team[Role.PUBLISHER], withdrawn, "撤回")

    html = client.get("/").content.decode()
    assert _headings(html) == ["站内搜索", "要闻动态", "通知公告", "最新政策文件", "政策解读", "政府信息公开",
                               "依申请公开", "专题专栏"]
    news = html[html.index("要闻动态"):html.index("通知公告")]
    assert "统计公报" in news and "植树活动的通知" not in news
    notices = html[html.index("通知公告"):html.index("最新政策文件")]
    assert "关于开展春季植树活动的通知" in notices and "统计公报" not in notices
    assert "尚未发布" not in html and "已撤回" not in html
    assert "未公开专题" not in html and "撤回专题" not in html
    assert '<a href="/search/?tag=%E7%BB%9F%E8%AE%A1%E6%95%B0%E6%8D%AE">统计数据' in html
    assert 'href="/ysqgk/"' in html and 'href="/ysqgk/track/"' in html and 'href="/xxgk/"' in html
    # The home page has its own search box (with suggestions): the header's is left out there.
    assert html.count('role="search"') == 1 and 'id="search-q"' in html


def test_empty_blocks_say_so_and_topics_without_documents_are_hidden(client, db):
    html = client.get("/").content.decode()
    assert "暂无要闻动态。" in html and "暂无通知公告。" in html and "暂无政策解读。" in html
    assert "专题专栏" not in html
    # Empty lists come after the blocks that have something to offer, in the configured order among each.
    assert _headings(html) == ["站内搜索", "政府信息公开", "依申请公开", "要闻动态", "通知公告", "最新政策文件", "政策解读"]


def test_blocks_with_content_come_before_empty_ones(client, team, agency):
    """A site holding only laws (no 公报 or 通知): its first blocks are documents, not two 暂无 (issue #11)."""
    factories.make_document(team, agency, title="中华人民共和国行政许可法", doc_type="法律")
    html = client.get("/").content.decode()
    assert _headings(html) == ["站内搜索", "最新政策文件", "政府信息公开", "依申请公开", "要闻动态", "通知公告", "政策解读"]
    assert html.index("中华人民共和国行政许可法") < html.index("暂无要闻动态。")


def test_blocks_follow_the_setting(client, settings, team, agency):
    factories.make_document(team, agency, title="乡村振兴补贴的通知", tags=["乡村振兴", "惠民政策"])
    settings.GONGKAI_HOME_BLOCKS = ["topics", "ysqgk"]
    settings.GONGKAI_HOME_TOPICS = ["惠民政策", "没有文件的专题"]
    html = client.get("/").content.decode()
    assert _headings(html) == ["专题专栏", "依申请公开"]
    assert "惠民政策" in html and "乡村振兴" not in html and "没有文件的专题" not in html
    # Without the search block the header keeps its own search box.
    assert 'id="site-search-q"' in html


def test_home_blocks_setting_is_checked(monkeypatch):
    monkeypatch.setenv("GONGKAI_HOME_BLOCKS", "news， notices,search,news")
    assert conf.home_blocks() == ["news", "notices", "search"]
    monkeypatch.setenv("GONGKAI_HOME_BLOCKS", "news,weather")
    with pytest.raises(ImproperlyConfigured, match="“weather”不是"):
        conf.home_blocks()


def test_error_report_target(monkeypatch):
    monkeypatch.setenv("GONGKAI_ERROR_REPORT_URL", "")
    monkeypatch.setenv("GONGKAI_SITE_EMAIL", "")
    assert conf.error_report_url() == ""
    monkeypatch.setenv("GONGKAI_SITE_EMAIL", "webmaster@example.gov.cn")
    assert conf.error_report_url() == "mailto:webmaster@example.gov.cn"
    monkeypatch.setenv("GONGKAI_ERROR_REPORT_URL", "/participation/errors/")
    assert conf.error_report_url() == "/participation/errors/"
    monkeypatch.setenv("GONGKAI_ERROR_REPORT_URL", "javascript:alert(1)")
    with pytest.raises(ImproperlyConfigured, match="GONGKAI_ERROR_REPORT_URL"):
        conf.error_report_url()


def test_footer_carries_the_configured_identifiers(client, settings, db):
    settings.GONGKAI_SITE_SPONSOR = "测试市人民政府办公室"
    settings.GONGKAI_SITE_CODE = "1100000099"
    settings.GONGKAI_SITE_ICP = "京ICP备12345678号"
    settings.GONGKAI_SITE_PSB = "京公网安备 11010502000001号"
    settings.GONGKAI_SITE_CONAC_URL = "https://conac.example/sitename?id=1"
    settings.GONGKAI_SITE_CONTACT = "电话：010-12345678"
    settings.GONGKAI_SITE_EMAIL = "xxgk@example.gov.cn"
    settings.GONGKAI_ERROR_REPORT_URL = "mailto:zhaocuo@example.gov.cn"
    html = client.get("/xxgk/").content.decode()
    footer = html[html.index('<footer class="site-footer">'):]
    assert "主办单位：测试市人民政府办公室" in footer and "网站标识码：1100000099" in footer
    assert '<meta name="SiteIDCode" content="1100000099">' in html
    assert '<a href="https://beian.miit.gov.cn/" rel="noopener">京ICP备12345678号</a>' in footer
    assert 'href="https://beian.mps.gov.cn/#/query/webSearch?code=11010502000001"' in footer
    assert 'href="https://conac.example/sitename?id=1"' in footer and 'alt="党政机关网站标识"' in footer
    assert '<a href="mailto:zhaocuo@example.gov.cn">我为政府网站找错</a>' in footer
    assert "电话：010-12345678" in footer and "mailto:xxgk@example.gov.cn" in footer


def test_unset_identifiers_are_left_out_and_the_sponsor_is_the_site(client, settings, agency):
    settings.GONGKAI_SITE_NAME = ""
    for name in ("SPONSOR", "CODE", "ICP", "PSB", "CONAC_URL", "CONTACT", "EMAIL"):
        setattr(settings, f"GONGKAI_SITE_{name}", "")
    settings.GONGKAI_ERROR_REPORT_URL = ""
    footer = client.get("/").content.decode().split('<footer class="site-footer">')[1]
    assert "主办单位：测试市人民政府" in footer
    assert "网站标识码" not in footer and "备" not in footer and "党政机关" not in footer and "找错" not in footer


def test_favicon(client, db):
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/gongkai/favicon.svg" type="image/svg+xml">' in html
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == "/static/gongkai/favicon.svg"


@pytest.mark.parametrize(("value", "shown"), [(dt.date(2019, 6, 10), "2019年06月10日"),
                                              (dt.date(2026, 12, 1), "2026年12月01日"), (None, "未注明")])
def test_dates_read_the_chinese_way(value, shown):
    template = Template('{% load dates %}{{ day|cndate|default:"未注明" }}')
    assert template.render(Context({"day": value})) == shown


def test_public_pages_show_dates_the_chinese_way(client, team, agency):
    document = factories.make_document(team, agency, title="日期格式的通知", signed_on=dt.date(2019, 6, 10))
    detail = client.get(f"/xxgk/documents/{document.pk}/").content.decode()
    assert "2019年06月10日" in detail and "2019-06-10" not in detail
    published = document.published_on
    home = client.get("/").content.decode()
    assert f"{published.year}年{published.month:02d}月{published.day:02d}日" in home
    assert published.isoformat() not in re.sub(r'datetime="[^"]*"', "", home)
