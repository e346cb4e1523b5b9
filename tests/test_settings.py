"""ALLOWED_HOSTS and CSRF_TRUSTED_ORIGINS follow GONGKAI_BASE_URL unless the operator lists hosts."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from gongkai import conf
from tests.test_cli import DEADLINE_SECONDS, ROOT, _env

LOOPBACK = ["127.0.0.1", "localhost", "[::1]"]


@pytest.fixture
def base_url(monkeypatch):
    """Set GONGKAI_BASE_URL for conf's readers, with GONGKAI_ALLOWED_HOSTS unset."""
    monkeypatch.delenv("GONGKAI_ALLOWED_HOSTS", raising=False)
    return lambda url: monkeypatch.setenv("GONGKAI_BASE_URL", url)


def test_allowed_hosts_default_to_the_base_url_host_and_loopback(base_url):
    base_url("https://xxgk.example.gov.cn/")
    assert conf.base_url() == "https://xxgk.example.gov.cn"
    assert conf.allowed_hosts() == ["xxgk.example.gov.cn", *LOOPBACK]
    assert conf.base_origin() == "https://xxgk.example.gov.cn"
    base_url("http://Gov.Example:8080/gongkai")
    assert conf.allowed_hosts() == ["gov.example", *LOOPBACK]
    assert conf.base_origin() == "http://gov.example:8080"
    base_url("http://[::1]:8799")
    assert conf.allowed_hosts() == ["[::1]", "127.0.0.1", "localhost"]


def test_explicit_allowed_hosts_win(base_url, monkeypatch):
    base_url("https://xxgk.example.gov.cn")
    monkeypatch.setenv("GONGKAI_ALLOWED_HOSTS", "xxgk.example.gov.cn, .example.gov.cn")
    assert conf.allowed_hosts() == ["xxgk.example.gov.cn", ".example.gov.cn"]
    monkeypatch.setenv("GONGKAI_ALLOWED_HOSTS", "*")
    assert conf.allowed_hosts() == ["*"]


@pytest.mark.parametrize("url", ["xxgk.example.gov.cn", "ftp://xxgk.example.gov.cn", "http://", "http://a:port",
                                 "https://xxgk.example.gov.cn/?x=1", "http://[::1"])
def test_a_base_url_that_is_not_an_address_is_a_chinese_error(base_url, url):
    base_url(url)
    with pytest.raises(ImproperlyConfigured, match="GONGKAI_BASE_URL 应为完整的网址"):
        conf.allowed_hosts()


def test_the_test_settings_refuse_a_forged_host_with_a_chinese_400(client, published):
    # The default GONGKAI_BASE_URL is http://127.0.0.1:8000 (pytest-django adds "testserver").
    for host in ("127.0.0.1:8000", "127.0.0.1", "localhost:8000", "[::1]:8000"):
        assert client.get("/sitemap.xml", HTTP_HOST=host).status_code == 200, host
    for path in ("/sitemap.xml", "/feeds/latest.xml", "/", "/api/v1/documents"):
        response = client.get(path, HTTP_HOST="evil.example")
        assert response.status_code == 400, path
        assert "请求有误" in response.content.decode() and "evil.example" not in response.content.decode()


PROBE = """
import django, json
django.setup()
from django.conf import settings
from django.test import Client
client = Client()
statuses = {host: client.get("/healthz", HTTP_HOST=host).status_code
            for host in ("xxgk.example.gov.cn", "127.0.0.1:8000", "localhost", "[::1]:8000", "evil.example",
                         "xxgk.example.gov.cn.evil.example")}
print(json.dumps({"allowed": settings.ALLOWED_HOSTS, "origins": settings.CSRF_TRUSTED_ORIGINS,
                  "base": settings.GONGKAI_BASE_URL, "statuses": statuses}))
"""


def test_production_settings_serve_the_base_url_host_and_loopback_only(tmp_path):
    # Tasks inline: no worker runs here, and /healthz would rightly answer 503 for that (not the host).
    env = {**_env(tmp_path / "data", GONGKAI_BASE_URL="https://xxgk.example.gov.cn/"),
           "DJANGO_SETTINGS_MODULE": "gongkai.settings.prod", "GONGKAI_TASK_BACKEND": "immediate"}
    result = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=ROOT, capture_output=True, text=True,
                            timeout=DEADLINE_SECONDS)
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout)
    assert probe["allowed"] == ["xxgk.example.gov.cn", *LOOPBACK]
    assert probe["origins"] == ["https://xxgk.example.gov.cn"]
    assert probe["base"] == "https://xxgk.example.gov.cn"
    assert probe["statuses"] == {"xxgk.example.gov.cn": 200, "127.0.0.1:8000": 200, "localhost": 200,
                                 "[::1]:8000": 200, "evil.example": 400, "xxgk.example.gov.cn.evil.example": 400}


HARDENING = """
import django, json
django.setup()
from django.conf import settings
print(json.dumps({name: getattr(settings, name, None) for name in (
    "SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE", "SECURE_CONTENT_TYPE_NOSNIFF", "X_FRAME_OPTIONS", "SECURE_REFERRER_POLICY")}))
"""


def _production(tmp_path, script: list[str], **extra) -> subprocess.CompletedProcess:
    env = {**_env(tmp_path / "data", **extra), "DJANGO_SETTINGS_MODULE": "gongkai.settings.prod"}
    return subprocess.run([sys.executable, *script], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=DEADLINE_SECONDS)


def test_an_https_site_behind_a_trusted_proxy_gets_hsts_redirects_and_secure_cookies(tmp_path):
    result = _production(tmp_path, ["-c", HARDENING], GONGKAI_BASE_URL="https://xxgk.example.gov.cn",
                         GONGKAI_TRUSTED_PROXIES="127.0.0.1, 10.0.0.0/8")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"], "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000, "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True, "X_FRAME_OPTIONS": "DENY", "SECURE_REFERRER_POLICY": "same-origin"}


def test_forwarded_https_is_not_believed_without_a_trusted_proxy_and_http_sites_are_not_redirected(tmp_path):
    result = _production(tmp_path, ["-c", HARDENING], GONGKAI_BASE_URL="https://xxgk.example.gov.cn",
                         GONGKAI_HSTS_SECONDS="600")
    settings = json.loads(result.stdout)
    assert settings["SECURE_PROXY_SSL_HEADER"] is None and settings["SECURE_HSTS_SECONDS"] == 600
    result = _production(tmp_path, ["-c", HARDENING], GONGKAI_BASE_URL="http://127.0.0.1:8000")
    settings = json.loads(result.stdout)
    assert settings["SECURE_SSL_REDIRECT"] is False and settings["SECURE_HSTS_SECONDS"] == 0
    assert settings["SESSION_COOKIE_SECURE"] is False


def test_a_trusted_proxy_that_is_not_an_address_is_a_chinese_error(tmp_path):
    result = _production(tmp_path, ["-c", HARDENING], GONGKAI_TRUSTED_PROXIES="proxy.local")
    assert result.returncode != 0 and "GONGKAI_TRUSTED_PROXIES 应为逗号分隔的 IP 地址或网段" in result.stderr


def test_check_deploy_has_nothing_left_to_fix_on_production_like_settings(tmp_path):
    result = _production(tmp_path, ["-m", "django", "check", "--deploy"],
                         GONGKAI_BASE_URL="https://xxgk.example.gov.cn", GONGKAI_TRUSTED_PROXIES="127.0.0.1",
                         GONGKAI_SECRET_KEY="k" * 20 + "-production-like-secret-key-with-enough-variety-0123456789")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr
LOGIN_PROBE = """
import django, json, re
django.setup()
from django.conf import settings
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth.models import User
User.objects.create_user("zhang", password="Correct-horse-9", is_staff=True)
from django.test import Client
client = Client(enforce_csrf_checks=True, HTTP_HOST="xxgk.example.gov.cn")
# Through the proxy over https (an http request would be redirected there first).
page = client.get("/staff/login/", secure=True).content.decode()
token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
# Behind the TLS-terminating proxy the browser sends its https origin.
response = client.post("/staff/login/", {"csrfmiddlewaretoken": token, "username": "zhang",
                                         "password": "Correct-horse-9"}, HTTP_ORIGIN="https://xxgk.example.gov.cn",
                       secure=True)
cookie = response.cookies.get("sessionid")
print(json.dumps({"status": response.status_code, "to": response.get("Location", ""),
                  "secure": bool(cookie and cookie["secure"]), "httponly": bool(cookie and cookie["httponly"]),
                  "samesite": cookie["samesite"] if cookie else "", "csrf_secure": settings.CSRF_COOKIE_SECURE}))
"""


def test_staff_login_works_with_a_trailing_slash_in_the_https_base_url(tmp_path):
    # The first settings put GONGKAI_BASE_URL into CSRF_TRUSTED_ORIGINS as written, so "https://host/" never
    # matched the browser's Origin and every login POST behind the proxy got 403 (fixed since 592051c by
    # conf.base_origin; this keeps it so end to end). The session cookie is Secure on an https site.
    env = {**_env(tmp_path / "data", GONGKAI_BASE_URL="https://xxgk.example.gov.cn/"),
           "DJANGO_SETTINGS_MODULE": "gongkai.settings.prod"}
    result = subprocess.run([sys.executable, "-c", LOGIN_PROBE], env=env, cwd=ROOT, capture_output=True, text=True,
                            timeout=DEADLINE_SECONDS)
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert (probe["status"], probe["to"]) == (302, "/staff/")
    assert probe["secure"] and probe["httponly"] and probe["samesite"] == "Lax" and probe["csrf_secure"]


def test_cookies_are_not_secure_on_a_plain_http_site(settings):
    # The test settings use the default http://127.0.0.1:8000: a Secure cookie would never come back.
    assert not settings.SESSION_COOKIE_SECURE and not settings.CSRF_COOKIE_SECURE
    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
