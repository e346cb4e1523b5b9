"""The sitemap's <loc>s all start with GONGKAI_BASE_URL, whatever Host header the request carried."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tests.publishing.conftest import BASE

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_sitemap_locations_come_from_the_base_url_not_the_host_header(client, published, any_host):
    response = client.get("/sitemap.xml", HTTP_HOST="evil.example")
    assert response.status_code == 200
    body = response.content.decode()
    assert "evil.example" not in body
    locations = [loc.text for loc in ET.fromstring(body).iter(f"{SITEMAP}loc")]
    assert locations == [f"{BASE}/", f"{BASE}/xxgk/", f"{BASE}/xxgk/documents/", f"{BASE}/wzdt/",
                         f"{BASE}/xxgk/documents/{published.pk}/",
                         # the 政府信息公开 column's fixed pages (gongkai/catalog/sitemaps.py)
                         *(f"{BASE}/zfxxgk/{page}" for page in ("", "zn/", "ml/", "fmqd/", "ndbg/"))]


def test_a_base_url_with_a_path_keeps_it(client, published, any_host, settings):
    settings.GONGKAI_BASE_URL = "http://gov.example:8080/gongkai"
    body = client.get("/sitemap.xml", HTTP_HOST="evil.example").content.decode()
    assert f"<loc>http://gov.example:8080/gongkai/xxgk/documents/{published.pk}/</loc>" in body
