"""网站地图 (/wzdt/): an HTML page listing the site's columns and sections, linked from every page's footer, with
counts and topics from public documents only; /sitemap.xml stays for crawlers (issue #11)."""

from __future__ import annotations

from gongkai.publishing.rules import DisclosureMode, WithholdingGround
from tests import factories


def test_footer_links_the_html_site_map_which_lists_every_column(client, team, agency):
    factories.make_document(team, agency, title="关于调整城乡低保标准的通知", subject="民政、扶贫、救灾\\社会福利",
                            tags=["民生保障"])
    factories.advance(team, factories.make_document(
        team, agency, publish=False, title="内部文件", subject="国防\\其他", tags=["内部专题"],
        disclosure_mode=DisclosureMode.WITHHELD, withholding_ground=WithholdingGround.PROCESS_INFORMATION,
        withholding_reason="过程性信息"))
    home = client.get("/").content.decode()
    assert '<a href="/wzdt/">网站地图</a>' in home and '<a href="/sitemap.xml">网站地图</a>' not in home
    response = client.get("/wzdt/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "<h1>网站地图</h1>" in page
    for heading in ("首页与检索", "政府信息公开", "按主题分类", "按机关", "依申请公开", "专题专栏", "订阅与数据"):
        assert f">{heading}</h2>" in page, heading
    for link in ("/search/", "/xxgk/", "/xxgk/documents/", "/ysqgk/", "/ysqgk/track/", "/feeds/latest.xml",
                 "/api/v1/docs", "/sitemap.xml", f"/xxgk/agencies/{agency.code}/", f"/xxgk/agencies/{agency.parent.code}/"):
        assert f'href="{link}"' in page, link
        assert client.get(link).status_code == 200, link
    # Counts and topics through the visibility rule: the withheld document adds nothing.
    assert '民政、扶贫、救灾 <span class="count">（1 件）</span></a>' in page
    assert "国防" not in page and "内部专题" not in page and "民生保障" in page
    assert "<loc>" in client.get("/sitemap.xml").content.decode()
