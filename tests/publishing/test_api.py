"""The read API: shapes, filters, paging, Chinese errors, OpenAPI."""

import pytest
from django.utils import timezone

from gongkai.orgs.roles import Role
from gongkai.publishing import services
from gongkai.publishing.models import DocumentKind
from gongkai.publishing.rules import RelationKind
from tests import factories


@pytest.fixture
def library(team, agency):
    docs = [factories.make_document(team, agency, title=f"文件{i}", doc_type="通知" if i % 2 else "意见",
                                    subject="综合政务\\政务公开" if i % 3 else "财政、金融、审计\\财政")
            for i in range(7)]
    return docs


def test_healthz(client, db):
    # Tasks run inline under the test settings, so there is no worker to report (tests/portal/test_views.py).
    assert client.get("/healthz").json()["status"] == "ok"


def test_agencies(client, agency):
    body = client.get("/api/v1/agencies").json()
    assert {"code": agency.code, "name": "测试市财政局", "parent": agency.parent.code} in body["results"]
    assert {"code": agency.parent.code, "name": "测试市人民政府", "parent": None} in body["results"]


def test_document_list_shape_and_paging(client, library):
    body = client.get("/api/v1/documents?page=2&page_size=3").json()
    assert body["count"] == 7
    assert len(body["results"]) == 3
    item = body["results"][0]
    assert set(item) == {"id", "index_no", "title", "issuer", "doc_number", "signed_on", "published_on",
                         "validity", "url", "versions"}
    assert item["versions"] == [], "a document alone has no other versions"
    assert item["issuer"] == "测试市财政局"
    assert item["url"].endswith(f"/xxgk/documents/{item['id']}/")
    assert client.get("/api/v1/documents?page=3&page_size=3").json()["results"].__len__() == 1


def test_document_filters(client, library, agency):
    assert client.get("/api/v1/documents?doc_type=意见").json()["count"] == 4
    assert client.get("/api/v1/documents?subject=财政、金融、审计").json()["count"] == 3
    assert client.get("/api/v1/documents?subject=综合政务\\政务公开").json()["count"] == 4
    assert client.get(f"/api/v1/documents?agency={agency.parent.code}").json()["count"] == 7
    assert client.get("/api/v1/documents?year=2025").json()["count"] == 0
    # The site's own date (Asia/Shanghai), as publishing stamps it, not the machine's local one.
    assert client.get(f"/api/v1/documents?year={timezone.localdate().year}").json()["count"] == 7
    assert client.get("/api/v1/documents?validity=repealed").json()["count"] == 0


@pytest.mark.parametrize(("query", "field"), [
    ("page=0", "page"), ("page_size=1000", "page_size"), ("page=abc", "page"), ("year=20x6", "year"),
    ("validity=bad", "validity"), ("agency=NOPE", "agency"), ("subject=不存在", "subject"),
])
def test_bad_parameters_get_400_with_chinese_field_messages(client, library, query, field):
    response = client.get(f"/api/v1/documents?{query}")
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"]
    assert all("\u4e00" <= ch <= "\u9fff" for ch in body["errors"][field][0][:2])


def test_document_detail_with_relations_and_interpretations(client, team, agency, library):
    target = library[0]
    interp = factories.make_document(team, agency, kind=DocumentKind.INTERPRETATION, title="解读文件",
                                     doc_type="政策解读", interpretation_format="text",
                                     relations=[(RelationKind.INTERPRETS, target.pk)])
    repealer = factories.make_document(team, agency, title="新文件", relations=[(RelationKind.REPEALS, target.pk)])
    body = client.get(f"/api/v1/documents/{target.pk}").json()
    assert body["validity"] == "repealed"
    assert body["interpretations"][0]["id"] == interp.pk
    assert {"id": repealer.pk, "relation": "repeals_by"}.items() <= body["relations"][0].items()
    assert "现将有关事项通知如下" in body["body_text"]
    back = client.get(f"/api/v1/documents/{repealer.pk}").json()
    assert back["relations"][0]["id"] == target.pk and back["relations"][0]["relation"] == "repeals"
    assert client.get("/api/v1/documents/999999").status_code == 404


def test_attachments_in_detail(client, team, agency):
    document = factories.make_document(team, agency, publish=False)
    file = services.add_attachment(team[Role.DRAFTER], document, "附件一.pdf", b"%PDF-1.4\n%%EOF")
    services.save_revision(team[Role.DRAFTER], document, factories.data(attachment_ids=[file.pk]))
    factories.advance(team, document)
    services.publish_document(team[Role.PUBLISHER], document)
    body = client.get(f"/api/v1/documents/{document.pk}").json()
    assert body["attachments"][0]["name"] == "附件一.pdf"
    download = client.get(body["attachments"][0]["url"].split("8000", 1)[1])
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_openapi_document(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert {"/api/v1/documents", "/api/v1/documents/{document_id}", "/api/v1/agencies"} <= set(spec["paths"])


def test_responses_are_utf8_not_escaped(client, library):
    assert "文件" in client.get("/api/v1/documents").content.decode("utf-8")
