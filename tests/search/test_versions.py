"""Search ranks only the current version of a document; its older public versions come with it (历史版本), on
the page and in the API, and counts count documents. Over the real corpus: one 民法典 with its 编 distinct, and
no judicial interpretation filling the top three with its own versions."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.orgs.roles import Role
from gongkai.publishing import services as publishing
from gongkai.search import services
from gongkai.search.api import SearchOut
from gongkai.search.indexing import rebuild_index, sync_index
from tests import factories

RULE = dict(title="测试市养犬管理办法", doc_type="地方政府规章", doc_number="", body="<p>犬只登记与免疫。</p>")


def _publish(team, agency, on: dt.date, **overrides):
    document = factories.make_document(team, agency, publish=False, **{**RULE, **overrides})
    factories.advance(team, document)
    return publishing.publish_document(team[Role.PUBLISHER], document, published_on=on)


@pytest.mark.usefixtures("fresh_search")
def test_only_the_current_version_ranks_and_carries_the_older_ones(client, team, agency):
    old = _publish(team, agency, dt.date(2016, 1, 1))
    middle = _publish(team, agency, dt.date(2020, 1, 1))
    new = _publish(team, agency, dt.date(2024, 1, 1))
    draft = factories.make_document(team, agency, publish=False, **RULE)
    factories.make_document(team, agency, title="测试市犬只免疫规定", doc_type="地方政府规章", doc_number="",
                            body="<p>犬只免疫。</p>")
    rebuild_index()
    found = services.search(services.SearchParams(q="犬只", facets=True), record=False)
    assert found.count == 2 and {r.title for r in found.results} == {"测试市养犬管理办法", "测试市犬只免疫规定"}
    first, other = sorted(found.results, key=lambda r: r.title != "测试市养犬管理办法")
    assert first.id == new.pk
    assert [(v.id, v.published_on, v.validity) for v in first.versions] == [
        (middle.pk, dt.date(2020, 1, 1), "amended"), (old.pk, dt.date(2016, 1, 1), "amended")]
    assert draft.pk not in [v.id for v in first.versions]
    assert other.versions == []
    assert sum(v.count for v in found.facets["doc_type"]) == 2  # facets count documents, not versions

    body = client.get("/api/v1/search", {"q": "养犬管理办法"}).json()
    assert SearchOut.model_validate(body).model_dump(mode="json") == body
    assert body["count"] == 1
    versions = body["results"][0]["versions"]
    assert [v["id"] for v in versions] == [middle.pk, old.pk]
    assert versions[0]["url"].endswith(f"/xxgk/documents/{middle.pk}/") and versions[0]["published_on"] == "2020-01-01"

    page = client.get("/search/", {"q": "养犬管理办法"}).content.decode()
    assert "共找到 <strong>1</strong> 条结果" in page and "历史版本（2）" in page
    assert f'href="/xxgk/documents/{old.pk}/"' in page and "2016年01月01日" in page


@pytest.mark.usefixtures("fresh_search")
def test_withdrawing_the_current_version_puts_the_previous_one_back_in_search(team, agency):
    old = _publish(team, agency, dt.date(2016, 1, 1))
    new = _publish(team, agency, dt.date(2024, 1, 1))
    rebuild_index()
    assert [r.id for r in services.search(services.SearchParams(q="养犬"), record=False).results] == [new.pk]
    publishing.withdraw_document(team[Role.PUBLISHER], new, "发现差错")
    sync_index()
    found = services.search(services.SearchParams(q="养犬"), record=False)
    assert [r.id for r in found.results] == [old.pk] and found.results[0].versions == []

