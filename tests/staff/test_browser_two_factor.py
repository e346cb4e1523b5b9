"""Two-factor enrolment and the second login step in a real browser (Chromium), under the site's strict CSP."""

from __future__ import annotations

import time

import pyotp
import pytest
from playwright.sync_api import expect

from gongkai.orgs.roles import Role
from tests import factories
from tests.browser import login, server_errors

pytestmark = pytest.mark.browser


def _next_code(secret: str) -> str:
    # The code of the step after the current one: one step of skew is accepted, and it is newer than the
    # enrolment code, so it is not refused as a replay however fast the test runs.
    return pyotp.TOTP(secret).at(time.time() + 30)


def test_enrol_then_sign_in_with_a_code(browser, live_server, transactional_db):
    agency = factories.make_agency("11000000TOTP00001X", "验证市人民政府", kind="government")
    drafter = factories.make_team(agency)[Role.DRAFTER]
    page = login(browser, live_server.url, drafter.username, factories.PASSWORD)
    errors = server_errors(page)
    page.get_by_role("link", name="两步验证").click()
    page.get_by_role("button", name="启用两步验证").click()
    qr = page.locator("#two-factor-qr")
    expect(qr).to_be_visible()
    assert page.evaluate("document.getElementById('two-factor-qr').naturalWidth") > 0, "the data: QR loads"
    secret = page.locator("#two-factor-secret").inner_text().replace(" ", "")
    page.get_by_label("验证码：").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="确认启用").click()
    expect(page.locator("#recovery-codes li")).to_have_count(8)
    page.get_by_role("button", name="退出登录").click()

    page.goto("/staff/login/")
    page.get_by_label("用户名").fill(drafter.username)
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/staff/login/code/")
    page.get_by_label("验证码或恢复码：").fill(_next_code(secret))
    page.get_by_role("button", name="验证并登录").click()
    page.wait_for_url("**/staff/")
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()
    assert errors == []
