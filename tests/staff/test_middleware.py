"""Session limits (staff.middleware): idle sign-out, a cap on a session's age, cookies that die with the browser."""

from __future__ import annotations

import time

import pytest
from django.utils import timezone

from gongkai.orgs.roles import Role
from gongkai.staff.middleware import LAST_SEEN, LOGIN_AT
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, team):
    response = client.post("/staff/login/", {"username": team[Role.DRAFTER].username,
                                             "password": factories.PASSWORD})
    assert response.status_code == 302
    return client


def _age(client, key: str, seconds: float) -> None:
    """Move one of the session's stamps `seconds` into the past (as if that much time had passed)."""
    session = client.session
    session[key] = time.time() - seconds
    session.save()


def test_staff_are_signed_out_after_the_idle_minutes_with_a_chinese_notice(signed_in, settings):
    # Failed on the old code: an idle session stayed signed in for 14 days.
    settings.GONGKAI_STAFF_IDLE_MINUTES = 30
    _age(signed_in, LAST_SEEN, 29 * 60)
    assert signed_in.get("/staff/").status_code == 200
    assert time.time() - signed_in.session[LAST_SEEN] < 60, "each request renews the idle clock"
    _age(signed_in, LAST_SEEN, 30 * 60 + 1)
    response = signed_in.get("/staff/documents/")
    assert response.status_code == 302 and response.url == "/staff/login/?next=/staff/documents/"
    page = signed_in.get(response.url).content.decode()
    assert "您已超过 30 分钟没有操作，为保护账户安全已自动退出登录，请重新登录。" in page
    assert "_auth_user_id" not in signed_in.session
    assert signed_in.get("/staff/").status_code == 302


def test_the_idle_time_is_a_setting(signed_in, settings):
    settings.GONGKAI_STAFF_IDLE_MINUTES = 5
    _age(signed_in, LAST_SEEN, 5 * 60 + 1)
    assert signed_in.get("/staff/").status_code == 302


def test_a_session_ends_after_its_maximum_age_even_when_in_use(signed_in, settings):
    settings.GONGKAI_SESSION_MAX_HOURS = 12
    _age(signed_in, LOGIN_AT, 12 * 3600 - 60)
    assert signed_in.get("/staff/").status_code == 200
    _age(signed_in, LOGIN_AT, 12 * 3600 + 1)
    response = signed_in.get("/staff/")
    assert response.status_code == 302
    assert "本次登录已超过 12 小时" in signed_in.get(response.url).content.decode()


def test_an_api_call_after_the_idle_time_is_answered_as_anonymous(signed_in):
    _age(signed_in, LAST_SEEN, 24 * 3600)
    assert signed_in.get("/api/v1/documents").status_code == 200
    assert "_auth_user_id" not in signed_in.session


def test_session_cookies_die_with_the_browser_and_the_server_caps_their_life(client, team):
    # Failed on the old code: a persistent cookie and a server-side session of 14 days.
    response = client.post("/staff/login/", {"username": team[Role.DRAFTER].username,
                                             "password": factories.PASSWORD})
    cookie = response.cookies["sessionid"]
    assert not cookie["expires"] and not cookie["max-age"], "a browser-session cookie"
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    lifetime = client.session.get_expiry_date() - timezone.now()
    assert lifetime.total_seconds() <= 12 * 3600
