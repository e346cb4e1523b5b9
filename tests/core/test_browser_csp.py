"""The Content-Security-Policy in a real browser: the pages people use load with no violation at all."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from gongkai.orgs.roles import Role
from tests import factories
from tests.browser import launch_chromium, login

pytestmark = pytest.mark.browser

# Runs before any page script (and outside the page's policy), so every blocked load or inline code is seen.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation',
    e => window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));
"""


@pytest.fixture
def site(transactional_db, live_server, fresh_search):
    root = factories.make_agency("11000000CSP00001X", "安全市人民政府", kind="government")
    agency = factories.make_agency("11000000CSP00002X", "安全市财政局", parent=root)
    team = factories.make_team(agency)
    document = factories.make_document(
        team, agency, title="关于公开财政预算的通知",
        body='<p>预算表如下。</p><img src="data:image/png;base64,iVBORw0KGgo=" alt="预算表">'
             '<img src="https://tracker.example/pixel.png" alt="外部图片">')
    get_user_model().objects.create_superuser("csp-admin", "admin@example.gov.cn", factories.PASSWORD)
    return live_server.url, team, document


def _watch(page) -> list[str]:
    messages: list[str] = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on("console", lambda m: messages.append(m.text) if "Content Security Policy" in m.text else None)
    return messages


def _violations(page, console: list[str]) -> list[str]:
    return [*page.evaluate("window.__cspViolations"), *console]


def test_public_staff_admin_and_api_docs_pages_load_with_no_csp_violation(site):
    base, team, document = site
    with launch_chromium() as browser:
        page = browser.new_page(locale="zh-CN")
        console = _watch(page)
        for path in ("/", f"/xxgk/documents/{document.pk}/", "/search/?q=预算", "/ysqgk/", "/staff/login/"):
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            assert _violations(page, console) == [], path
        assert "tracker.example" not in page.content()

        # The API docs: Swagger UI from the site's own static files renders the API's title.
        page.goto(base + "/api/v1/docs")
        page.locator(".swagger-ui .info .title").wait_for()
        assert "公开平台开放接口" in page.locator(".swagger-ui .info .title").inner_text()
        page.wait_for_load_state("networkidle")
        assert _violations(page, console) == [], "/api/v1/docs"

        # The admin: its login page, then its index and a change list after signing in.
        page.goto(base + "/admin/login/")
        assert _violations(page, console) == [], "/admin/login/"
        page.locator("#id_username").fill("csp-admin")
        page.locator("#id_password").fill(factories.PASSWORD)
        page.locator("input[type=submit]").click()
        page.wait_for_url("**/admin/")
        page.goto(base + "/admin/auth/user/")
        page.wait_for_load_state("networkidle")
        assert _violations(page, console) == [], "/admin/"

        # The back office: dashboard and the document form (with its attachment field).
        staff = login(browser, base, team[Role.DRAFTER].username, factories.PASSWORD)
        staff_console = _watch(staff)
        for path in ("/staff/", f"/staff/documents/{document.pk}/", "/staff/documents/new/"):
            staff.goto(base + path)
            staff.wait_for_load_state("networkidle")
            assert _violations(staff, staff_console) == [], path
