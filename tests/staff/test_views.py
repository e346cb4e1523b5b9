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
