"""Failed-login limits (orgs.logins) at the staff login and /admin/: back-off, lock, audit, unlock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from freezegun import freeze_time

from gongkai.cli import main
from gongkai.core.models import AuditEntry
from gongkai.orgs import logins
from gongkai.orgs.models import LoginThrottle
from gongkai.orgs.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def drafter(team):
    return team[Role.DRAFTER]


def _login(client, username, password, path="/staff/login/", address="127.0.0.1"):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


def _errors(response) -> list[str]:
    return list(response.context["form"].non_field_errors())


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _audits(action):
    return AuditEntry.objects.filter(action=action, object_type="orgs.loginthrottle")


@pytest.mark.parametrize("path", ["/staff/login/", "/admin/login/"])
def test_forty_wrong_passwords_then_the_right_one_is_refused(client, team, path, django_user_model):
    # Failed on the old code: the 41st attempt, with the right password, signed in at both doors.
    user = django_user_model.objects.create_superuser("root", password=factories.PASSWORD)
    for _ in range(40):
        _login(client, user.username, "wrong-password", path)
    response = _login(client, user.username, factories.PASSWORD, path)
    assert response.status_code == 200 and not _signed_in(client)
    assert "登录失败次数过多，请" in _errors(response)[0] and "分钟后再试" in _errors(response)[0]
    assert "登录失败次数过多" in response.content.decode()


def test_the_wait_grows_then_the_account_locks_and_every_failure_is_audited(client, drafter, limits):
    with freeze_time(START) as clock:
        for _ in range(2):  # free attempts: the ordinary message, no wait
            assert "登录失败次数过多" not in _errors(_login(client, drafter.username, "wrong"))[0]
        # The third failure in a row makes the name wait 30 s, then 60 s, 120 s, ...
        assert _errors(_login(client, drafter.username, "wrong")) == ["登录失败次数过多，请 1 分钟后再试。"]
        # While waiting even the right password is refused, and nothing is counted.
        assert _errors(_login(client, drafter.username, factories.PASSWORD)) == ["登录失败次数过多，请 1 分钟后再试。"]
        assert not _signed_in(client)
        clock.tick(31)
        assert _errors(_login(client, drafter.username, "wrong")) == ["登录失败次数过多，请 1 分钟后再试。"]
        clock.tick(61)
        assert _errors(_login(client, drafter.username, "wrong")) == ["登录失败次数过多，请 2 分钟后再试。"]
        clock.tick(121)
        assert _errors(_login(client, drafter.username, "wrong")) == ["登录失败次数过多，请 30 分钟后再试。"]
        assert _audits("登录失败").count() == 6
        lock = _audits("账户锁定").get()
        assert lock.data["username"] == drafter.username and lock.data["failures"] == 6
        assert _audits("登录失败").first().data["address"] == "127.0.0.1"
        clock.tick(20 * 60)  # the message carries the real remaining time
        assert _errors(_login(client, drafter.username, factories.PASSWORD)) == ["登录失败次数过多，请 10 分钟后再试。"]
        clock.tick(10 * 60 + 1)
        _login(client, drafter.username, factories.PASSWORD)
        assert _signed_in(client)
        assert not LoginThrottle.objects.filter(kind=LoginThrottle.ACCOUNT).exists(), "a success starts afresh"
        assert _audits("登录失败").count() == 6


def test_a_waiting_account_is_refused_before_its_password_is_checked(client, drafter, limits):
    with freeze_time(START):
        for _ in range(4):
            _login(client, drafter.username, "wrong")
        before = (_audits("登录失败").count(), LoginThrottle.objects.get(kind="account").failures)
        right = _login(client, drafter.username, factories.PASSWORD)
        wrong = _login(client, drafter.username, "wrong")
        # The same answer for the right and a wrong password: a locked account cannot be probed.
        assert _errors(right) == _errors(wrong)
        assert (_audits("登录失败").count(), LoginThrottle.objects.get(kind="account").failures) == before


def test_answers_do_not_reveal_whether_an_account_exists(client, drafter, limits):
    answers = {}
    for name in (drafter.username, "nobody-here"):
        with freeze_time(START) as clock:
            answers[name] = []
            for _ in range(6):
                clock.tick(3600)
                answers[name].append(_errors(_login(client, name, "wrong"))[0])
    assert answers[drafter.username] == answers["nobody-here"]
    assert answers["nobody-here"][-1] == "登录失败次数过多，请 30 分钟后再试。"


def test_a_lock_without_an_end_lasts_until_unlocked(client, drafter, limits, capsys):
    limits.GONGKAI_LOGIN_LOCK_MINUTES = 0
    with freeze_time(START) as clock:
        for _ in range(6):
            clock.tick(3600)
            response = _login(client, drafter.username, "wrong")
        assert _errors(response) == ["登录失败次数过多，账户已锁定，请联系系统管理员解锁。"]
        clock.tick(dt.timedelta(days=30))
        assert _errors(_login(client, drafter.username, factories.PASSWORD))[0].startswith("登录失败次数过多")
        with pytest.raises(SystemExit) as exit_:
            main(["users", "locks"])
        out = capsys.readouterr().out
        assert exit_.value.code == 0 and drafter.username in out and "锁定" in out and "直到解锁" in out
        with pytest.raises(SystemExit) as exit_:
            main(["users", "unlock", drafter.username.upper()])
        assert exit_.value.code == 0 and "已解除" in capsys.readouterr().out
        assert _audits("解除登录锁定").get().data["failures"] == 6
        _login(client, drafter.username, factories.PASSWORD)
        assert _signed_in(client)
    with pytest.raises(SystemExit) as exit_:
        main(["users", "unlock", drafter.username])
    assert exit_.value.code == 1 and "没有被锁定" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["users", "locks"])
    assert "没有被锁定或限速" in capsys.readouterr().out


def test_one_address_trying_many_names_is_slowed_down_and_others_are_not(client, drafter, limits):
    limits.GONGKAI_LOGIN_ADDRESS_FAILURES = 5
    with freeze_time(START):
        answers = [_errors(_login(client, f"name{n}", "wrong", address="203.0.113.9"))[0] for n in range(5)]
        assert "登录失败次数过多" not in answers[3] and answers[4] == "登录失败次数过多，请 1 分钟后再试。"
        assert _errors(_login(client, "name9", "wrong", address="203.0.113.9"))[0].startswith("登录失败次数过多")
        _login(client, drafter.username, factories.PASSWORD, address="198.51.100.7")
        assert _signed_in(client)


def test_the_admin_action_lifts_a_lock(client, drafter, limits, django_user_model):
    with freeze_time(START):
        for _ in range(6):
            _login(client, drafter.username, "wrong")
        admin = django_user_model.objects.create_superuser("root", password=factories.PASSWORD)
        client.force_login(admin)
        page = client.get("/admin/orgs/loginthrottle/")
        assert page.status_code == 200 and drafter.username in page.content.decode()
        row = LoginThrottle.objects.get(kind="account")
        response = client.post("/admin/orgs/loginthrottle/", {"action": "lift", "_selected_action": [row.pk]},
                               follow=True)
        assert "已解除 1 项登录锁定" in response.content.decode()
        assert logins.locks() == [] and _audits("解除登录锁定").get().actor == admin
        client.logout()
        _login(client, drafter.username, factories.PASSWORD)
        assert _signed_in(client)


def test_each_attempt_is_counted_before_the_password_is_checked(drafter, limits):
    # Parallel guesses cannot slip between the check and the count: an unsettled attempt already counts.
    with freeze_time(START):
        attempts = [logins.begin(drafter.username, "127.0.0.1") for _ in range(3)]
        assert [a.account_failures for a in attempts] == [1, 2, 3]
        with pytest.raises(logins.LoginRefused):
            logins.begin(drafter.username, "127.0.0.1")
        assert LoginThrottle.objects.get(kind="account").blocked_until > timezone.now()


@pytest.mark.browser
def test_the_staff_login_page_tells_in_chinese_how_long_to_wait(browser, live_server, transactional_db, settings):
    from playwright.sync_api import expect

    settings.GONGKAI_LOGIN_BACKOFF_AFTER, settings.GONGKAI_LOGIN_BACKOFF_SECONDS = 1, 120
    agency = factories.make_agency("11000000LOCK00001X", "锁定市人民政府", kind="government")
    user = factories.make_staff(agency, Role.DRAFTER)
    page = browser.new_context(locale="zh-CN", base_url=live_server.url).new_page()
    page.goto("/staff/login/")
    for password, alert in (("wrong-password", "登录失败次数过多，请 2 分钟后再试。"),
                            (factories.PASSWORD, "登录失败次数过多，请 2 分钟后再试。")):
        page.get_by_label("用户名").fill(user.username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_role("alert")).to_have_text(alert)
    assert "/staff/login/" in page.url
