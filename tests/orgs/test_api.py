"""/api/v1/agencies: every agency with its parent's code, in the configured order."""

from gongkai.orgs.services import AgencyData, import_agency
from tests import factories


def test_empty_platform_lists_nothing(client, db):
    assert client.get("/api/v1/agencies").json() == {"results": []}


def test_agencies_in_order_with_parent_codes(client, db):
    root = factories.make_agency("API-ROOT", "接口市人民政府", kind="government")
    b, a = factories.credit_code(2), factories.credit_code(1)
    import_agency(AgencyData(b, "接口市乙局", parent=root, order=2, phone="0571-1234567"))
    import_agency(AgencyData(a, "接口市甲局", parent=root, order=1))
    body = client.get("/api/v1/agencies").json()
    assert body["results"] == [
        {"code": a, "name": "接口市甲局", "parent": "API-ROOT"},
        {"code": b, "name": "接口市乙局", "parent": "API-ROOT"},
        {"code": "API-ROOT", "name": "接口市人民政府", "parent": None},
    ]
