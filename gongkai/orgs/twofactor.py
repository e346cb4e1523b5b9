"""The second factor: an authenticator app (TOTP, RFC 6238: 30 s, 6 digits, one step either side) per user.

The secret is sealed at rest (EncryptedTextField); the step of the last accepted code is kept so that a code
cannot be used twice; one-time recovery codes are kept only as password hashes.
"""

from __future__ import annotations

import secrets
import time

import pyotp
import segno
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone

from gongkai.core.audit import record
from gongkai.core.errors import DomainError
from gongkai.orgs.models import TwoFactorDevice

ISSUER = "政务公开平台"
RECOVERY_CODES = 8
RECOVERY_DIGITS = 10
STEP = 30
WRONG_CODE = "验证码不正确或已使用过，请输入验证器当前显示的 6 位数字。"


def confirmed_device(user) -> TwoFactorDevice | None:
    """The user's enrolled device, or None (also for anonymous users)."""
    if not getattr(user, "pk", None):
        return None
    return TwoFactorDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def required(user) -> bool:
    """True when this user must enrol before doing anything (an administrator under GONGKAI_REQUIRE_2FA)."""
    return bool(settings.GONGKAI_REQUIRE_2FA and user.is_authenticated and user.is_superuser
                and confirmed_device(user) is None)


def start_enrolment(user) -> TwoFactorDevice:
    """A fresh, unconfirmed secret for `user` (replacing an unconfirmed one); DomainError if already enrolled."""
    with transaction.atomic():
        device = TwoFactorDevice.objects.select_for_update().filter(user=user).first()
        if device is not None and device.confirmed_at is not None:
            raise DomainError("已启用两步验证；如需更换手机，请先停用再重新启用。")
        if device is None:
            device = TwoFactorDevice(user=user)
        device.secret, device.last_step, device.recovery_codes = pyotp.random_base32(), None, []
        device.save()
    return device


def pending_device(user) -> TwoFactorDevice | None:
    """The unconfirmed device being enrolled, if any."""
    return TwoFactorDevice.objects.filter(user=user, confirmed_at__isnull=True).first()


def provisioning_uri(device: TwoFactorDevice) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(name=device.user.get_username(), issuer_name=ISSUER)


def qr_data_uri(device: TwoFactorDevice) -> str:
    """The enrolment QR code as a data: PNG (the CSP allows data: images, no inline styles)."""
    return segno.make(provisioning_uri(device), error="m").png_data_uri(scale=5, border=2)


def grouped_secret(device: TwoFactorDevice) -> str:
    """The secret in groups of four, for typing into the app by hand."""
    return " ".join(device.secret[i:i + 4] for i in range(0, len(device.secret), 4))


def _matching_step(secret: str, code: str, now: float) -> int | None:
    """The time step (within one of now) whose code is `code`, or None."""
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return None
    totp, current = pyotp.TOTP(secret), int(now // STEP)
    for step in (current, current - 1, current + 1):
        if secrets.compare_digest(totp.at(step * STEP), code):
            return step
    return None


def _new_recovery_codes() -> tuple[list[str], list[str]]:
    codes = [f"{secrets.randbelow(10 ** RECOVERY_DIGITS):0{RECOVERY_DIGITS}d}" for _ in range(RECOVERY_CODES)]
    return codes, [make_password(c) for c in codes]


def confirm(user, code: str) -> list[str]:
    """Enable the device being enrolled with its first code; return the recovery codes (shown only once)."""
    with transaction.atomic():
        device = TwoFactorDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=True).first()
        if device is None:
            raise DomainError("请先开始启用两步验证。")
        step = _matching_step(device.secret, code, time.time())
        if step is None:
            raise DomainError(WRONG_CODE)
        codes, hashes = _new_recovery_codes()
        device.confirmed_at, device.last_step, device.recovery_codes = timezone.now(), step, hashes
        device.save()
        record(user, "启用两步验证", user)
    return codes


def verify(user, code: str) -> bool:
    """True for the current code not used before, or for an unused recovery code (which is then spent)."""
    with transaction.atomic():
        device = (TwoFactorDevice.objects.select_for_update()
                  .filter(user=user, confirmed_at__isnull=False).first())
        if device is None:
            return False
        step = _matching_step(device.secret, code, time.time())
        if step is not None:
            # A step at or before the last accepted one is a replay (or an older code seen over a shoulder).
            if device.last_step is not None and step <= device.last_step:
                return False
            device.last_step = step
            device.save(update_fields=["last_step"])
            return True
        plain = "".join(code.split()).replace("-", "")
        # Only a recovery code's shape is hashed and compared: each comparison is a slow password hash.
        if len(plain) != RECOVERY_DIGITS or not plain.isdigit():
            return False
        for index, hashed in enumerate(device.recovery_codes):
            if check_password(plain, hashed):
                device.recovery_codes = device.recovery_codes[:index] + device.recovery_codes[index + 1:]
                device.save(update_fields=["recovery_codes"])
                record(user, "使用两步验证恢复码", user, left=len(device.recovery_codes))
                return True
    return False


def disable(user, code: str) -> None:
    """Turn off the user's own second factor; a current code (or recovery code) is needed."""
    if confirmed_device(user) is None:
        raise DomainError("尚未启用两步验证。")
    if not verify(user, code):
        raise DomainError(WRONG_CODE)
    TwoFactorDevice.objects.filter(user=user).delete()
    record(user, "停用两步验证", user)


def reset(actor, user) -> None:
    """An administrator removes another user's device (a lost phone); audited. DomainError if there is none."""
    with transaction.atomic():
        deleted, _ = TwoFactorDevice.objects.filter(user=user).delete()
        if not deleted:
            raise DomainError(f"用户“{user.get_username()}”没有启用两步验证。")
        record(actor, "重置两步验证", user, username=user.get_username())
