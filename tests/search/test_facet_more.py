"""Issue #11 item 8: a long facet is not cut with no sign: the top values show, the rest fold under 更多
(a <details> element, no script needed), and the heading gives the true number of values."""

from __future__ import annotations

import json

from gongkai.publishing.importer import import_file
from gongkai.search.indexing import rebuild_index
from gongkai.search.views import FACET_SHOWN

ISSUERS = 60  # more than the old cut of 50


def _many_issuers(tmp_path, settings) -> None:
    settings.GONGKAI_SEARCH_BACKEND = "embedded"
    settings.ALLOWED_HOSTS = ["*"]
    lines = [{"external_id": f"facet-{n}", "title": f"关于第{n}项补贴的通知", "body": "补贴发放。", "status": "published",
              "published_on": "2024-01-02", "issuer": f"测试第{n:02d}号委员会"} for n in range(ISSUERS)]
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    assert import_file(path).failed == 0
    rebuild_index()


def test_long_issuer_facet_folds_under_more_with_its_total(agency, tmp_path, settings, fresh_search, client):
    _many_issuers(tmp_path, settings)
    page = client.get("/search/", {"q": "补贴"}).content.decode()
    assert f"共 {ISSUERS} 项" in page
    assert "<details" in page and "更多发文机关" in page
    assert f"另有 {ISSUERS - FACET_SHOWN} 项" in page
    for n in range(ISSUERS):
        assert f"测试第{n:02d}号委员会" in page


def test_the_api_lists_the_top_facet_values_with_their_true_total(agency, tmp_path, settings, fresh_search, client):
    from gongkai.search.api import API_FACET_VALUES

    _many_issuers(tmp_path, settings)
    body = client.get("/api/v1/search", {"q": "补贴"}).json()
    assert len(body["facets"]["issuer"]) == API_FACET_VALUES and body["facet_totals"]["issuer"] == ISSUERS
