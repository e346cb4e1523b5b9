"""Headers on every response, HTTPS behind a trusted proxy only, and bounded request bodies."""

from __future__ import annotations

import ipaddress
import json
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.disclosure.models import Application
from gongkai.orgs.roles import Role
from gongkai.publishing.models import Document
from tests.publishing.test_views_staff import form_data

GONGKAI = Path(__file__).resolve().parent.parent.parent / "gongkai"
MB = 1024 * 1024


def _csp(response) -> dict[str, str]:
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
            for part in (p.strip() for p in response["Content-Security-Policy"].split(";")) if part}


@pytest.mark.django_db
def test_every_kind_of_response_carries_the_security_headers(client, published):
    paths = ["/", f"/xxgk/documents/{published.pk}/", "/staff/login/", "/admin/login/", "/api/v1/docs",
             "/api/v1/documents", "/healthz", "/no-such-page/", "/ysqgk/"]
    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        assert _csp(response) == {
            "default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "img-src": "'self' data:",
            "font-src": "'self'", "connect-src": "'self'", "object-src": "'none'", "base-uri": "'self'",
            "form-action": "'self'", "frame-ancestors": "'none'"}, path
        policy = response["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
            assert feature in policy, (path, feature)
        assert response["X-Frame-Options"] == "DENY", path
        assert response["X-Content-Type-Options"] == "nosniff", path
        assert response["Referrer-Policy"] == "same-origin", path


def test_templates_have_no_inline_scripts_styles_or_handlers():
    """The policy allows no inline code: every script and style comes from a static file."""
    # The reply letter and the annual report's PDF are rendered by WeasyPrint, never served to a browser.
    templates = [p for p in GONGKAI.rglob("templates/**/*.html") if p.name not in ("letter.html", "report_pdf.html")]
    assert len(templates) > 20
    for template in templates:
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), template
        assert not re.search(r"<style\b", text), template
        assert not re.search(r"\son[a-z]+\s*=", text), template
        assert not re.search(r"\sstyle\s*=", text), template
        assert "javascript:" not in text, template


@pytest.mark.django_db
def test_the_api_docs_load_nothing_from_another_host(client):
    page = client.get("/api/v1/docs").content.decode()
    urls = re.findall(r"""(?:src|href)=["']([^"']+)""", page)
    assert any(u.endswith("swagger-ui-bundle.js") for u in urls), urls
    assert all(u.startswith("/") and not u.startswith("//") for u in urls), urls
    assert "cdn" not in page.lower() and "http://" not in page and "https://" not in page
    # The static files it names are served.
    for url in urls:
        if url.startswith("/static/"):
            assert client.get(url).status_code == 200, url


@pytest.fixture
def behind_proxy(settings):
    """HTTPS site behind a proxy at 10.0.0.1 (as GONGKAI_BASE_URL=https://… and GONGKAI_TRUSTED_PROXIES set)."""
    settings.GONGKAI_TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.1/32")]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000


@pytest.mark.django_db
def test_https_is_believed_only_from_the_trusted_proxy(client, behind_proxy):
    response = client.get("/ysqgk/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    # Anyone else claiming HTTPS is sent to it instead.
    response = client.get("/ysqgk/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301 and response["Location"].startswith("https://")
    plain = client.get("/ysqgk/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_PROTO="http")
    assert plain.status_code == 301
    # A health probe on plain HTTP is answered, not redirected.
    assert client.get("/healthz", REMOTE_ADDR="127.0.0.1").status_code == 200


# --- request bodies ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_oversized_form_post_is_a_chinese_413_and_stores_nothing(client, agency):
    response = client.post("/ysqgk/", {"content": "查" * (MB // 2)})
    assert response.status_code == 413
    page = response.content.decode()
    assert "提交的内容过大" in page and "1 MB" in page
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_an_oversized_api_body_is_a_chinese_413(client, agency):
    body = json.dumps({"content": "x" * (2 * MB)})
    response = client.post("/api/v1/applications", body, content_type="application/json")
    assert response.status_code == 413
    assert "提交的内容过大" in response.json()["detail"]
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_anonymous_files_get_the_small_limit_even_on_an_upload_form(client, agency):
    upload = SimpleUploadedFile("图.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (2 * MB))
    assert client.post("/ysqgk/", {"attachment": upload}).status_code == 413
    upload.seek(0)
    assert client.post(reverse("staff-document-new"), {"attachments": upload}).status_code == 413


@pytest.mark.django_db
def test_staff_attachments_keep_their_own_limit(client, team, agency, settings):
    client.force_login(team[Role.DRAFTER])
    picture = b"\x89PNG\r\n\x1a\n" + b"\0" * (3 * MB)
    response = client.post(reverse("staff-document-new"),
                           form_data(agency, attachments=SimpleUploadedFile("图.png", picture)))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Document.objects.get().latest_revision.attachments.get().size == len(picture)
    # A form carrying more than the whole-request allowance for attachments is refused before it is read.
    settings.GONGKAI_MAX_UPLOAD_REQUEST_BYTES = 2 * MB
    response = client.post(reverse("staff-document-new"),
                           form_data(agency, attachments=SimpleUploadedFile("图2.png", picture)))
    assert response.status_code == 413
    assert "附件总量过大" in response.content.decode()
    assert Document.objects.count() == 1
