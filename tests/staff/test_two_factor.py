"""The second login step and enrolment in the staff shell (staff.views, staff.middleware) and at /admin/."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest
from freezegun import freeze_time

from gongkai.core.models import AuditEntry
from gongkai.orgs import twofactor
from gongkai.orgs.roles import Role
from gongkai.staff.middleware import EXPIRED_PASSWORD
from gongkai.staff.views import PENDING
from tests import factories

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, 5, tzinfo=dt.UTC)


@pytest.fixture
def drafter(team):
    return team[Role.DRAFTER]


@pytest.fixture
def root(django_user_model, agency):
    return django_user_model.objects.create_superuser("root", password=factories.PASSWORD)


def _enrol(user) -> tuple[str, list[str]]:
    device = twofactor.start_enrolment(user)
    return device.secret, twofactor.confirm(user, pyotp.TOTP(device.secret).now())


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _password(client, user, path="/staff/login/", **extra):
    return client.post(path, {"username": user.username, "password": factories.PASSWORD, **extra})


def test_a_staff_member_without_a_device_signs_in_with_the_password_as_before(client, drafter):
    response = _password(client, drafter)
    assert response.status_code == 302 and response.url == "/staff/"
    assert _signed_in(client)


def test_the_password_alone_does_not_sign_in_an_enrolled_user(client, drafter):
    # Failed before the second step existed: the password alone signed in.
    with freeze_time(START) as clock:
        secret, _ = _enrol(drafter)
        response = _password(client, drafter, next="/staff/documents/")
        assert response.status_code == 302 and response.url == "/staff/login/code/"
        assert not _signed_in(client) and client.session[PENDING]["user"] == drafter.pk
        assert client.get("/staff/").status_code == 302, "nothing is reachable with only the password"
        page = client.get("/staff/login/code/")
        assert page.status_code == 200 and "6 位验证码" in page.content.decode()
        clock.tick(30)
        response = client.post("/staff/login/code/", {"code": pyotp.TOTP(secret).now()})
        assert response.status_code == 302 and response.url == "/staff/documents/"
        assert _signed_in(client) and PENDING not in client.session
        assert client.get("/staff/").status_code == 200


def test_the_admin_door_asks_for_the_code_too(client, root):
    with freeze_time(START) as clock:
        secret, _ = _enrol(root)
        response = _password(client, root, path="/admin/login/?next=/admin/", next="/admin/")
        assert response.status_code == 302 and response.url == "/staff/login/code/"
        assert not _signed_in(client)
        assert client.get("/admin/").status_code == 302
        clock.tick(30)
        response = client.post("/staff/login/code/", {"code": pyotp.TOTP(secret).now()})
        assert response.status_code == 302 and response.url == "/admin/"
        assert client.get("/admin/").status_code == 200


def test_wrong_codes_count_as_failed_logins_and_are_audited(client, drafter, limits):
    with freeze_time(START) as clock:
        secret, _ = _enrol(drafter)
        _password(client, drafter)
        wrong = "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"
        for _ in range(2):
            response = client.post("/staff/login/code/", {"code": wrong})
            assert response.status_code == 400 and "验证码不正确" in response.content.decode()
        response = client.post("/staff/login/code/", {"code": wrong})
        assert "登录失败次数过多，请 1 分钟后再试。" in response.content.decode()
        # While the name waits even the right code is refused, so codes cannot be guessed quickly.
        clock.tick(5)
        response = client.post("/staff/login/code/", {"code": pyotp.TOTP(secret).now()})
        assert "登录失败次数过多" in response.content.decode() and not _signed_in(client)
        failures = AuditEntry.objects.filter(action="登录失败")
        assert failures.count() == 3 and failures.first().comment == "两步验证码不正确"
        clock.tick(60)
        client.post("/staff/login/code/", {"code": pyotp.TOTP(secret).now()})
        assert _signed_in(client)


def test_a_replayed_code_is_refused(client, drafter):
    with freeze_time(START) as clock:
        secret, _ = _enrol(drafter)
        clock.tick(30)
        code = pyotp.TOTP(secret).now()
        _password(client, drafter)
        client.post("/staff/login/code/", {"code": code})
        assert _signed_in(client)
        other = client.__class__()
        _password(other, drafter)
        response = other.post("/staff/login/code/", {"code": code})
        assert response.status_code == 400 and "_auth_user_id" not in other.session


def test_a_recovery_code_signs_in_once(client, drafter):
    with freeze_time(START):
        _, codes = _enrol(drafter)
    _password(client, drafter)
    client.post("/staff/login/code/", {"code": codes[0]})
    assert _signed_in(client)
    client.post("/staff/logout/")
    _password(client, drafter)
    assert client.post("/staff/login/code/", {"code": codes[0]}).status_code == 400
    assert not _signed_in(client)


def test_the_code_step_expires_and_needs_a_password_first(client, drafter):
    assert client.get("/staff/login/code/").url == "/staff/login/"
    with freeze_time(START) as clock:
        secret, _ = _enrol(drafter)
        _password(client, drafter)
        clock.tick(301)
        response = client.post("/staff/login/code/", {"code": pyotp.TOTP(secret).now()})
        assert response.url == "/staff/login/" and not _signed_in(client)
        assert "验证已超时" in client.get(response.url).content.decode()


def test_enrolment_in_the_staff_shell_shows_the_qr_then_the_recovery_codes_once(client, drafter):
    client.force_login(drafter)
    page = client.get("/staff/two-factor/").content.decode()
    assert "两步验证尚未启用" in page and 'href="/staff/two-factor/"' in page, "a menu entry"
    page = client.post("/staff/two-factor/", {"action": "start"}).content.decode()
    assert 'src="data:image/png;base64,' in page
    secret = twofactor.pending_device(drafter).secret
    assert " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)) in page
    response = client.post("/staff/two-factor/", {"action": "confirm", "code": "12"})
    assert response.status_code == 400 and "验证码不正确" in response.content.decode()
    assert twofactor.confirmed_device(drafter) is None
    page = client.post("/staff/two-factor/", {"action": "confirm", "code": pyotp.TOTP(secret).now()}).content.decode()
    assert "恢复码只显示这一次" in page and 'id="recovery-codes"' in page
    page = client.get("/staff/two-factor/").content.decode()
    assert "两步验证已启用" in page and 'id="recovery-codes"' not in page


def test_disabling_in_the_shell_needs_a_code(client, drafter):
    with freeze_time(START) as clock:
        secret, _ = _enrol(drafter)
        client.force_login(drafter)
        assert client.post("/staff/two-factor/", {"action": "disable", "code": "x"}).status_code == 400
        clock.tick(30)
        response = client.post("/staff/two-factor/", {"action": "disable", "code": pyotp.TOTP(secret).now()})
        assert response.status_code == 302 and twofactor.confirmed_device(drafter) is None


def test_required_2fa_sends_an_administrator_to_enrolment_until_enrolled(client, root, settings):
    settings.GONGKAI_REQUIRE_2FA = True
    _password(client, root)
    assert _signed_in(client)
    for path in ("/staff/", "/admin/", "/admin/auth/user/"):
        response = client.get(path)
        assert response.status_code == 302 and response.url == "/staff/two-factor/", path
    page = client.get("/staff/two-factor/").content.decode()
    assert "管理员必须启用两步验证" in page
    client.post("/staff/two-factor/", {"action": "start"})
    client.post("/staff/two-factor/", {"action": "confirm",
                                       "code": pyotp.TOTP(twofactor.pending_device(root).secret).now()})
    assert client.get("/admin/").status_code == 200


def test_an_expired_password_is_changed_first_then_enrolment(client, root, settings):
    settings.GONGKAI_REQUIRE_2FA = True
    _password(client, root)
    session = client.session
    session[EXPIRED_PASSWORD] = root.password  # as the login stamps it for a password past its age
    session.save()
    assert client.get("/staff/").url == "/admin/password_change/"
    assert client.get("/admin/password_change/").status_code == 200, "no redirect loop between the two"
    session = client.session
    del session[EXPIRED_PASSWORD]
    session.save()
    assert client.get("/staff/").url == "/staff/two-factor/"


def test_required_2fa_leaves_ordinary_staff_free_and_is_off_by_default(client, drafter, root, settings):
    settings.GONGKAI_REQUIRE_2FA = True
    _password(client, drafter)
    assert client.get("/staff/").status_code == 200
    settings.GONGKAI_REQUIRE_2FA = False
    client.force_login(root)
    assert client.get("/admin/").status_code == 200


def test_an_administrator_resets_a_device_in_the_admin(client, drafter, root):
    with freeze_time(START):
        _enrol(drafter)
    client.force_login(root)
    device = twofactor.confirmed_device(drafter)
    page = client.get("/admin/orgs/twofactordevice/").content.decode()
    assert drafter.username in page and device.secret not in page
    response = client.post("/admin/orgs/twofactordevice/", {"action": "reset", "_selected_action": [device.pk]})
    assert response.status_code == 302 and twofactor.confirmed_device(drafter) is None
    assert AuditEntry.objects.get(action="重置两步验证").data["username"] == drafter.username
