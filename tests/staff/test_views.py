"""The staff shell (staff.views): login, logout, the guard and the dashboard frame."""

from __future__ import annotations

import pytest

from gongkai.orgs.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def drafter(team):
    return team[Role.DRAFTER]


def test_anonymous_is_sent_to_the_chinese_login_page(client):
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response.url == "/staff/login/?next=/staff/"
    page = client.get(response.url)
    assert "工作人员登录" in page.content.decode()


def test_login_and_logout(client, drafter):
    response = client.post("/staff/login/", {"username": drafter.username, "password": factories.PASSWORD},
                           follow=True)
    assert response.redirect_chain[-1][0] == "/staff/"
    assert "工作台" in response.content.decode()
    assert "退出登录" in response.content.decode()
    client.post("/staff/logout/")
    assert client.get("/staff/").status_code == 302


def test_wrong_password_gets_a_chinese_error(client, drafter):
    response = client.post("/staff/login/", {"username": drafter.username, "password": "wrong-password"})
    assert response.status_code == 200
    assert "密码" in response.context["form"].non_field_errors()[0]
    assert "role=\"alert\"" in response.content.decode()


def test_non_staff_user_is_refused(client, django_user_model):
    user = django_user_model.objects.create_user("citizen", password=factories.PASSWORD)
    client.force_login(user)
    response = client.get("/staff/")
    assert response.status_code == 403
    assert "仅供工作人员使用" in response.content.decode()


def test_the_dashboard_shows_each_apps_panel_to_those_it_concerns(client, team, agency):
    from tests.disclosure_factories import disclosure_team

    client.force_login(disclosure_team(agency)["officer"])
    page = client.get("/staff/").content.decode()
    assert 'id="ysq-h"' in page and 'href="/staff/applications/"' in page
    assert 'id="inbox-h"' not in page and 'href="/staff/documents/"' not in page, "no document work for them"
    client.force_login(team[Role.DRAFTER])
    page = client.get("/staff/").content.decode()
    assert 'id="inbox-h"' in page and 'href="/staff/documents/new/"' in page
    assert 'id="ysq-h"' not in page and 'href="/staff/applications/"' not in page


def test_a_signed_in_staff_member_without_roles_sees_a_plain_dashboard(client, django_user_model):
    user = django_user_model.objects.create_user("newcomer", password=factories.PASSWORD, is_staff=True)
    client.force_login(user)
    page = client.get("/staff/").content.decode()
    assert "暂无角色授权" in page and "您目前没有需要在工作台办理的事项" in page


def test_superusers_find_the_administration_in_the_menu(client, team, agency):
    admin = factories.make_staff(agency.parent, Role.ADMINISTRATOR, covers_subordinates=True)
    client.force_login(admin)
    assert 'href="/admin/"' in client.get("/staff/").content.decode()
    client.force_login(team[Role.PUBLISHER])
    assert 'href="/admin/"' not in client.get("/staff/").content.decode()


def _sign_in(client, user, **extra):
    return client.post("/staff/login/", {"username": user.username, "password": factories.PASSWORD, **extra})


def test_disclosure_officers_land_on_their_case_list_everyone_else_on_the_dashboard(client, team, agency):
    from tests.disclosure_factories import disclosure_team

    office = disclosure_team(agency)
    for user in (office["officer"], office["head"]):
        response = _sign_in(client, user)
        assert response.status_code == 302 and response.url == "/staff/applications/"
        client.post("/staff/logout/")
    response = _sign_in(client, team[Role.DRAFTER])
    assert response.status_code == 302 and response.url == "/staff/"
    client.post("/staff/logout/")
    # An officer who also drafts has more than cases to do: the dashboard shows both.
    both = factories.make_staff(agency, Role.DISCLOSURE_OFFICER, Role.DRAFTER)
    assert _sign_in(client, both).url == "/staff/"


def test_an_officer_with_a_second_factor_lands_on_the_case_list_after_the_code(client, agency):
    import pyotp

    from gongkai.orgs import twofactor
    from tests.disclosure_factories import disclosure_team

    officer = disclosure_team(agency)["officer"]
    device = twofactor.start_enrolment(officer)
    recovery = twofactor.confirm(officer, pyotp.TOTP(device.secret).now())
    assert _sign_in(client, officer).url == "/staff/login/code/"
    # A recovery code: the enrolment code was just used, and a code is accepted once.
    response = client.post("/staff/login/code/", {"code": recovery[0]})
    assert response.status_code == 302 and response.url == "/staff/applications/"


def test_an_explicit_next_wins_over_the_landing_page(client, agency):
    from tests.disclosure_factories import disclosure_team

    officer = disclosure_team(agency)["officer"]
    response = _sign_in(client, officer, next="/staff/two-factor/")
    assert response.status_code == 302 and response.url == "/staff/two-factor/"
    client.post("/staff/logout/")
    # A foreign ?next= is ignored, as before: the officer lands where officers land.
    response = _sign_in(client, officer, next="https://evil.example/")
    assert response.url == "/staff/applications/"
    # Already signed in, the login page sends the officer to the same place.
    assert client.get("/staff/login/").url == "/staff/applications/"
