"""Signed-in sessions end after GONGKAI_STAFF_IDLE_MINUTES idle or GONGKAI_SESSION_MAX_HOURS in all; an expired
password must be changed before anything else; under GONGKAI_REQUIRE_2FA an administrator must enrol first."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

# Unix times kept in the session.
LOGIN_AT = "gongkai_login_at"
LAST_SEEN = "gongkai_last_seen"
# The password hash that was too old at login: while the user still has it, every page asks for a new one.
EXPIRED_PASSWORD = "gongkai_expired_password"

IDLE_NOTICE = "您已超过 {minutes} 分钟没有操作，为保护账户安全已自动退出登录，请重新登录。"
EXPIRED_NOTICE = "本次登录已超过 {hours} 小时，为保护账户安全已自动退出登录，请重新登录。"


@receiver(user_logged_in)
def _stamp_login(sender, request: HttpRequest | None, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT] = request.session[LAST_SEEN] = time.time()
        from gongkai.orgs.passwords import expired

        if expired(user):
            request.session[EXPIRED_PASSWORD] = user.password


def ended(session) -> str:
    """The Chinese notice if this signed-in session has run out (idle or in all), else ""."""
    now = time.time()
    started, seen = session.get(LOGIN_AT), session.get(LAST_SEEN)
    if isinstance(started, int | float) and now - started > settings.GONGKAI_SESSION_MAX_HOURS * 3600:
        return EXPIRED_NOTICE.format(hours=settings.GONGKAI_SESSION_MAX_HOURS)
    if isinstance(seen, int | float) and now - seen > settings.GONGKAI_STAFF_IDLE_MINUTES * 60:
        return IDLE_NOTICE.format(minutes=settings.GONGKAI_STAFF_IDLE_MINUTES)
    return ""


class SessionTimeoutMiddleware:
    """Sign out a session that was idle or open too long, and send a page request to the login page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            notice = ended(request.session)
            if notice:
                logout(request)
                if request.path.startswith("/api/"):
                    # The API answers for an anonymous caller; a redirect would only confuse a script.
                    return self.get_response(request)
                messages.warning(request, notice)
                return redirect_to_login(request.get_full_path())
            now = time.time()
            # A session from before these stamps existed starts its clocks now.
            request.session.setdefault(LOGIN_AT, now)
            request.session[LAST_SEEN] = now
        return self.get_response(request)


PASSWORD_NOTICE = "您的密码已超过 {days} 天未更换，请先修改密码，然后才能继续使用。"
# Reachable with an expired password: the change itself, signing out, and what those pages load.
PASSWORD_PATHS = ("/admin/password_change/", "/admin/logout/", "/staff/logout/", "/admin/jsi18n/", "/static/")


class PasswordExpiryMiddleware:
    """Send a user whose password was too old at login to the change-password page until it is changed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        stale = request.session.get(EXPIRED_PASSWORD) if request.user.is_authenticated else None
        if stale:
            if stale != request.user.password:
                del request.session[EXPIRED_PASSWORD]  # changed since: nothing more to ask
            elif not request.path.startswith(PASSWORD_PATHS):
                messages.warning(request, PASSWORD_NOTICE.format(days=settings.GONGKAI_PASSWORD_MAX_AGE_DAYS))
                return HttpResponseRedirect(reverse("admin:password_change"))
        return self.get_response(request)


TWO_FACTOR_NOTICE = "按本平台的安全要求，管理员须先启用两步验证，然后才能继续使用。"
# Reachable before enrolling: the enrolment page, and what an expired password needs first (else the two
# middlewares would send each other's pages back and forth).
TWO_FACTOR_PATHS = ("/staff/two-factor/", *PASSWORD_PATHS)


class TwoFactorRequiredMiddleware:
    """Under GONGKAI_REQUIRE_2FA, send a superuser without a confirmed device to enrolment until enrolled."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (settings.GONGKAI_REQUIRE_2FA and request.user.is_authenticated and request.user.is_superuser
                and not request.path.startswith(TWO_FACTOR_PATHS)):
            from gongkai.orgs.twofactor import required

            if required(request.user):
                if request.path.startswith("/api/"):
                    return HttpResponse(TWO_FACTOR_NOTICE, status=403, content_type="text/plain; charset=utf-8")
                messages.warning(request, TWO_FACTOR_NOTICE)
                return HttpResponseRedirect(reverse("staff-two-factor"))
        return self.get_response(request)
