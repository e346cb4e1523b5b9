"""NUL characters are refused with a Chinese 400 wherever they arrive (PostgreSQL cannot store or compare them)."""

import json

import pytest

from gongkai.disclosure.models import Application
from gongkai.portal.guard import MESSAGE


@pytest.mark.django_db
@pytest.mark.parametrize("method, path, kwargs", [
    ("get", "/xxgk/documents/", {"data": {"agency": "a\x00"}}),
    ("get", "/search/", {"data": {"q": "低保\x00"}}),
    ("get", "/ysqgk/track/a%00b/", {}),
    ("post", "/ysqgk/track/", {"data": {"code": "\x00", "token": "x"}}),
    ("post", "/ysqgk/", {"data": {"name": "张\x00三"}}),
])
def test_pages_refuse_nul(client, method, path, kwargs):
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == 400
    assert MESSAGE in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("body", ['{"name": "张\\u0000三"}', '{"name": "张\\U0000三"}'])
def test_api_refuses_nul_in_json(client, body):
    response = client.post("/api/v1/applications", body, content_type="application/json")
    assert response.status_code == 400
    assert json.loads(response.content)["detail"] == MESSAGE
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_ordinary_requests_pass(client):
    assert client.get("/search/", {"q": "低保"}).status_code == 200
