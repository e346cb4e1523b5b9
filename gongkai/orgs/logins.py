"""Failed-login throttling: a growing wait per user name and per client address, then a lock of the account.

Every attempt is counted as a failure *before* the password is checked (and taken back when it was right), so
parallel guesses cannot slip past the limit between the check and the count, and a waiting or locked name is
refused without its password being looked at. Rows are kept for names that match no account as well, so the
answers are the same whether an account exists or not.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from gongkai.core.audit import record
from gongkai.core.errors import DomainError
from gongkai.orgs.models import LoginThrottle

logger = logging.getLogger(__name__)

# A run of failures is forgotten after this long without another one (an unexpired lock is kept).
FORGET_AFTER = timedelta(days=1)
# The longest wait a client address is given: it is shared by everyone behind one office's gateway.
ADDRESS_MAX_WAIT = timedelta(hours=1)
_NOBODY = AnonymousUser()


def client_address(request: HttpRequest | None) -> str:
    """The client address login limits are kept for (trusted proxies honoured), "unknown" without a request."""
    from gongkai.core.clientip import client_ip

    return client_ip(request) if request is not None else "unknown"


def account_key(username: str) -> str:
    # Case-folded so that "Admin" and "admin" share one count whichever of them the database would accept.
    return username.strip().casefold()[:150]


class LoginRefused(Exception):
    """A login that must wait (or is locked): the message says for how long."""

    def __init__(self, seconds: int | None) -> None:
        self.seconds = seconds
        super().__init__(refusal_message(seconds))


def refusal_message(seconds: int | None) -> str:
    """The Chinese message for a wait of `seconds` (None: until an administrator unlocks)."""
    if seconds is None:
        return "登录失败次数过多，账户已锁定，请联系系统管理员解锁。"
    return f"登录失败次数过多，请 {max(math.ceil(seconds / 60), 1)} 分钟后再试。"


@dataclass
class Attempt:
    """One login attempt already counted as a failure; settle it with failed() or succeeded()."""

    username: str
    address: str
    account_failures: int
    address_failures: int
    locks: bool  # this attempt, if wrong, is the one that locks the account


def _wait(row: LoginThrottle, now: datetime) -> int | None:
    """Seconds this row still makes a login wait: 0 for none, None for a lock without an end."""
    if row.locked_at is not None and row.blocked_until is None:
        return None
    if row.blocked_until is not None and row.blocked_until > now:
        return math.ceil((row.blocked_until - now).total_seconds())
    return 0


def _longest(waits: list[int | None]) -> int | None:
    return None if None in waits else max(waits, default=0)


def _backoff(over: int, cap: timedelta) -> timedelta:
    """The wait after the `over`-th failure past the free ones: the base doubled each time, up to `cap`."""
    base = settings.GONGKAI_LOGIN_BACKOFF_SECONDS
    if over <= 0 or base <= 0:
        return timedelta(0)
    return min(timedelta(seconds=base * 2 ** min(over - 1, 30)), cap)


def _lock_length() -> timedelta | None:
    minutes = settings.GONGKAI_LOGIN_LOCK_MINUTES
    return timedelta(minutes=minutes) if minutes else None


def _row(kind: str, key: str) -> LoginThrottle:
    # get_or_create, then lock the row: concurrent attempts on one name or address count one after another.
    LoginThrottle.objects.get_or_create(kind=kind, key=key)
    return LoginThrottle.objects.select_for_update().get(kind=kind, key=key)


def _count(row: LoginThrottle, now: datetime) -> None:
    """Add one failure to a locked row and set the wait it now imposes."""
    if row.last_failure_at is not None and now - row.last_failure_at > FORGET_AFTER and _wait(row, now) == 0:
        row.failures, row.locked_at, row.blocked_until = 0, None, None
    row.failures += 1
    row.last_failure_at = now
    if row.kind == LoginThrottle.ACCOUNT:
        lock = _lock_length()
        cap = lock if lock is not None else ADDRESS_MAX_WAIT
        if row.failures >= settings.GONGKAI_LOGIN_MAX_FAILURES:
            row.locked_at = now
            row.blocked_until = now + lock if lock is not None else None
        else:
            wait = _backoff(row.failures - settings.GONGKAI_LOGIN_BACKOFF_AFTER + 1, cap)
            row.blocked_until = now + wait if wait else None
    else:
        wait = _backoff(row.failures - settings.GONGKAI_LOGIN_ADDRESS_FAILURES + 1, ADDRESS_MAX_WAIT)
        row.blocked_until = now + wait if wait else None
    row.save()


def begin(username: str, address: str) -> Attempt:
    """Count an attempt before its password is checked; raise LoginRefused while the name or address waits."""
    now = timezone.now()
    with transaction.atomic():
        account = _row(LoginThrottle.ACCOUNT, account_key(username))
        client = _row(LoginThrottle.ADDRESS, address)
        wait = _longest([_wait(account, now), _wait(client, now)])
        if wait != 0:
            logger.warning("登录被拒（等待中）：用户名 %s，地址 %s", username[:150], address)
            raise LoginRefused(wait)
        _count(account, now)
        _count(client, now)
    return Attempt(username=username[:150], address=address, account_failures=account.failures,
                   address_failures=client.failures, locks=account.locked_at == now)


def failed(attempt: Attempt, reason: str = "用户名或密码不正确") -> int | None:
    """Audit a wrong password or code (and the lock it caused); return the wait it imposes (0: none, None: locked)."""
    now = timezone.now()
    with transaction.atomic():
        # Rows an administrator cleared meanwhile come back empty (the failure stays audited).
        account = _row(LoginThrottle.ACCOUNT, account_key(attempt.username))
        client = _row(LoginThrottle.ADDRESS, attempt.address)
        record(_NOBODY, "登录失败", account, comment=reason, username=attempt.username,
               address=attempt.address, failures=attempt.account_failures,
               address_failures=attempt.address_failures)
        if attempt.locks:
            record(_NOBODY, "账户锁定", account,
                   comment=f"连续 {attempt.account_failures} 次登录失败", username=attempt.username,
                   address=attempt.address, failures=attempt.account_failures, until=account.blocked_until.isoformat() if account.blocked_until
                   else "")
        return _longest([_wait(account, now), _wait(client, now)])


def succeeded(attempt: Attempt) -> None:
    """Take back the failure counted for a right password: the account starts afresh, the address loses one."""
    with transaction.atomic():
        LoginThrottle.objects.filter(kind=LoginThrottle.ACCOUNT, key=account_key(attempt.username)).delete()
        client = _row(LoginThrottle.ADDRESS, attempt.address)
        client.failures = max(client.failures - 1, 0)
        if client.failures < settings.GONGKAI_LOGIN_ADDRESS_FAILURES:
            client.blocked_until = None
        client.save()


def locks() -> list[LoginThrottle]:
    """User names and client addresses now locked or waiting: accounts first, longest-standing first."""
    now = timezone.now()
    rows = LoginThrottle.objects.filter(failures__gt=0).order_by("kind", "last_failure_at", "id")
    return [row for row in rows if _wait(row, now) != 0]


def wait_of(row: LoginThrottle) -> int | None:
    """Seconds the row still makes its account wait (None: locked until unlocked)."""
    return _wait(row, timezone.now())


def unlock(actor, username: str = "", *, address: str = "") -> LoginThrottle:
    """Lift the lock and forget the failures of one user name, or of one client address (audited).

    DomainError if it has no failures on record."""
    kind, key = ((LoginThrottle.ADDRESS, address.strip()) if address
                 else (LoginThrottle.ACCOUNT, account_key(username)))
    with transaction.atomic():
        row = LoginThrottle.objects.select_for_update().filter(kind=kind, key=key).first()
        if row is None or (row.failures == 0 and row.locked_at is None):
            what = f"地址 {address}" if address else f"用户名“{username}”"
            raise DomainError(f"{what}没有被锁定，也没有登录失败记录。")
        record(actor, "解除登录锁定", row, username=username, address=address, failures=row.failures,
               was_locked=row.locked_at is not None)
        row.failures, row.locked_at, row.blocked_until, row.last_failure_at = 0, None, None, None
        row.save()
    return row
