"""The Atom feed's links all start with GONGKAI_BASE_URL, whatever Host header the request carried."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tests.publishing.conftest import BASE

ATOM = "{http://www.w3.org/2005/Atom}"


def test_feed_links_come_from_the_base_url_not_the_host_header(client, published, any_host):
    response = client.get("/feeds/latest.xml", HTTP_HOST="evil.example")
    assert response.status_code == 200
    body = response.content.decode()
    assert "evil.example" not in body
    feed = ET.fromstring(body)
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links == {"alternate": f"{BASE}/xxgk/", "self": f"{BASE}/feeds/latest.xml"}
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}link").get("href") for e in entries] == [f"{BASE}/xxgk/documents/{published.pk}/"]
    # The ids (guids) are the entries' permanent addresses: a reader's Host header must not change them.
    ids = [feed.find(f"{ATOM}id").text] + [e.find(f"{ATOM}id").text for e in entries]
    assert ids == [f"{BASE}/xxgk/", f"{BASE}/xxgk/documents/{published.pk}/"]
    hrefs = [el.get("href") for el in feed.iter() if el.get("href")]
    assert hrefs and all(h.startswith(BASE + "/") for h in hrefs)
