"""The second factor (orgs.twofactor): enrolment, codes once per step, recovery codes once, reset, at rest."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest
from django.db import connection
from freezegun import freeze_time

from gongkai.cli import main
from gongkai.core.errors import DomainError
from gongkai.core.models import AuditEntry
from gongkai.orgs import twofactor
from gongkai.orgs.models import TwoFactorDevice
from gongkai.orgs.roles import Role

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, 5, tzinfo=dt.UTC)


@pytest.fixture
def drafter(team):
    return team[Role.DRAFTER]


def enrol(user) -> tuple[str, list[str]]:
    """Enrol `user` at the current (frozen) time; return the secret and the recovery codes."""
    device = twofactor.start_enrolment(user)
    return device.secret, twofactor.confirm(user, pyotp.TOTP(device.secret).now())


def test_enrolment_needs_a_right_first_code_and_gives_recovery_codes(drafter):
    with freeze_time(START):
        device = twofactor.start_enrolment(drafter)
        assert twofactor.confirmed_device(drafter) is None
        with pytest.raises(DomainError, match="验证码不正确"):
            twofactor.confirm(drafter, "000000" if pyotp.TOTP(device.secret).now() != "000000" else "111111")
        codes = twofactor.confirm(drafter, pyotp.TOTP(device.secret).now())
    assert len(codes) == twofactor.RECOVERY_CODES and len(set(codes)) == len(codes)
    stored = twofactor.confirmed_device(drafter)
    assert stored is not None and all(code not in stored.recovery_codes for code in codes), "kept hashed"
    assert AuditEntry.objects.filter(action="启用两步验证").count() == 1
    assert "otpauth://totp/" in twofactor.provisioning_uri(stored)
    assert twofactor.qr_data_uri(stored).startswith("data:image/png;base64,")
    assert twofactor.grouped_secret(stored).replace(" ", "") == stored.secret


def test_the_secret_is_not_stored_in_plain_text(drafter):
    with freeze_time(START):
        secret, _ = enrol(drafter)
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM orgs_twofactordevice WHERE user_id = %s", [drafter.pk])
        raw = cursor.fetchone()[0]
    assert secret not in raw and raw != secret
    assert TwoFactorDevice.objects.get(user=drafter).secret == secret


def test_a_code_is_accepted_once_and_one_step_either_side(drafter):
    with freeze_time(START) as clock:
        secret, _ = enrol(drafter)  # the enrolment code's step is used up
        totp = pyotp.TOTP(secret)
        assert not twofactor.verify(drafter, totp.now()), "the code used to enrol is not accepted again"
        clock.tick(30)
        code = totp.now()
        assert twofactor.verify(drafter, code)
        assert not twofactor.verify(drafter, code), "replay in the same step is refused"
        clock.tick(30)
        assert twofactor.verify(drafter, totp.at(START + dt.timedelta(seconds=90))), "one step ahead (clock skew)"
        clock.tick(30)
        assert not twofactor.verify(drafter, code), "an older code is refused"
        clock.tick(120)
        assert not twofactor.verify(drafter, totp.at(START + dt.timedelta(seconds=60))), "two steps old"
        assert not twofactor.verify(drafter, "12345"), "not six digits"


def test_a_recovery_code_works_once(drafter):
    with freeze_time(START):
        _, codes = enrol(drafter)
    assert twofactor.verify(drafter, codes[0])
    assert not twofactor.verify(drafter, codes[0])
    assert len(twofactor.confirmed_device(drafter).recovery_codes) == twofactor.RECOVERY_CODES - 1
    assert AuditEntry.objects.filter(action="使用两步验证恢复码").count() == 1


def test_disabling_needs_a_current_code(drafter):
    with freeze_time(START) as clock:
        secret, _ = enrol(drafter)
        clock.tick(30)
        with pytest.raises(DomainError):
            twofactor.disable(drafter, "not-a-code")
        assert twofactor.confirmed_device(drafter) is not None
        twofactor.disable(drafter, pyotp.TOTP(secret).now())
    assert not TwoFactorDevice.objects.filter(user=drafter).exists()
    assert AuditEntry.objects.filter(action="停用两步验证").count() == 1


def test_an_enrolled_user_cannot_restart_enrolment(drafter):
    with freeze_time(START):
        enrol(drafter)
    with pytest.raises(DomainError, match="已启用两步验证"):
        twofactor.start_enrolment(drafter)


def _run(*argv: str) -> int:
    with pytest.raises(SystemExit) as exit_:
        main(list(argv))
    return exit_.value.code


def test_an_administrator_resets_a_device_from_the_command_line(drafter, capsys):
    with freeze_time(START):
        enrol(drafter)
    assert _run("users", "reset-2fa", drafter.username) == 0
    assert "已重置" in capsys.readouterr().out
    assert not TwoFactorDevice.objects.filter(user=drafter).exists()
    entry = AuditEntry.objects.get(action="重置两步验证")
    assert entry.data["username"] == drafter.username
    assert _run("users", "reset-2fa", drafter.username) == 1, "nothing to reset is a message"
    assert "没有启用两步验证" in capsys.readouterr().err
    assert _run("users", "reset-2fa", "nobody-here") == 1
