"""The catalogue through /api/v1/catalog: what the public column shows, as JSON."""

from gongkai.catalog import services
from gongkai.catalog.models import CatalogItem
from tests import factories
from tests.catalog.test_services import GUIDE
from tests.catalog.test_views import _public_catalogue


def test_an_agency_catalogue_lists_its_public_items_with_their_documents(client, office):
    agency = office["agency"]
    assert client.get(f"/api/v1/catalog/{agency.code}").json() == {
        "agency": {"code": agency.code, "name": agency.name}, "count": 0, "results": []}
    _public_catalogue(office)
    body = client.get(f"/api/v1/catalog/{agency.code}").json()
    assert body["count"] == CatalogItem.objects.filter(agency=agency).count() == len(body["results"])
    normative = next(i for i in body["results"] if i["category"] == "normative")
    assert normative["category_label"].startswith("规范性文件") and normative["basis"]
    assert normative["document_count"] == 1 and normative["documents"][0]["title"] == "目录市财政局行政规范性文件"
    assert normative["documents"][0]["url"].endswith(f"/xxgk/documents/{normative['documents'][0]['id']}/")
    assert "/xxgk/documents/?agency=" in normative["documents_url"]


def test_guide_and_negative_list_are_the_reviewed_snapshots(client, office):
    agency = office["agency"]
    assert client.get(f"/api/v1/catalog/{agency.code}/guide").status_code == 404
    services.publish_entry(office["head"], services.save_guide(office["officer"], agency, GUIDE))
    services.save_guide(office["officer"], agency, {**GUIDE, "office_hours": "尚未审核的时间"})
    body = client.get(f"/api/v1/catalog/{agency.code}/guide").json()
    assert body["fields"]["office_hours"] == GUIDE["office_hours"] and body["url"].endswith(f"/zfxxgk/zn/{agency.code}/")
    entry = services.save_negative_entry(office["officer"], agency, {"category": "内部事务", "content": "内部管理信息",
                                                                       "basis": "《条例》第十六条"})
    assert client.get(f"/api/v1/catalog/{agency.code}/negative-list").json()["count"] == 0
    services.publish_entry(office["head"], entry)
    listed = client.get(f"/api/v1/catalog/{agency.code}/negative-list").json()
    assert listed["results"] == [{"category": "内部事务", "content": "内部管理信息", "basis": "《条例》第十六条"}]


def test_unknown_agency_is_a_chinese_404(client, db):
    response = client.get("/api/v1/catalog/NOPE")
    assert response.status_code == 404 and "没有这个机关" in response.json()["detail"]
    factories.make_agency("11000000CAT000009X", "目录市另一局")
    assert client.get("/api/v1/catalog/11000000CAT000009X/negative-list").json()["count"] == 0
