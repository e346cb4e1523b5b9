"""The staff shell: login (with the second step for enrolled users), logout, two-factor enrolment and the
dashboard frame that shows each app's panels."""

from __future__ import annotations

import time
from typing import Any

from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model, login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache

from gongkai.core.errors import DomainError
from gongkai.orgs import logins, twofactor
from gongkai.orgs.forms import ThrottledLoginMixin
from gongkai.orgs.permissions import agencies_for
from gongkai.orgs.site import site_name
from gongkai.staff.decorators import staff_required
from gongkai.staff.registry import landing_for, panels_for


class StaffLoginForm(ThrottledLoginMixin, AuthenticationForm):
    """Django's login form with Chinese punctuation after the labels, under the failed-login limits."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "：")
        super().__init__(*args, **kwargs)


class TwoStepLoginMixin:
    """After a right password, a user with a confirmed second factor is not signed in: the code step does that."""

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        # Not signed in yet on the two-step path: where the user lands is decided for this user (get_success_url).
        self.signing_in = user
        if twofactor.confirmed_device(user) is None:
            return super().form_valid(form)
        # Only the pending user's id is kept; login() is called by login_code once the code is right.
        self.request.session[PENDING] = {"user": user.pk, "backend": user.backend, "at": time.time(),
                                         "next": self.get_success_url()}
        return HttpResponseRedirect(reverse("staff-login-code"))


class StaffLoginView(TwoStepLoginMixin, LoginView):
    """Django's login view with the Chinese template; signed-in users go straight to where they land."""

    template_name = "staff/login.html"
    authentication_form = StaffLoginForm
    redirect_authenticated_user = True
    signing_in = None

    def get_default_redirect_url(self) -> str:
        """Without a safe ?next=: the page an app registered for users with only its roles (registry.landing_for),
        e.g. the case list for disclosure officers; the dashboard (LOGIN_REDIRECT_URL) for everyone else."""
        return landing_for(self.signing_in or self.request.user) or super().get_default_redirect_url()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # LoginView puts the request's host in `site_name`, which the page header shows as the site name.
        context["site_name"] = site_name()
        return context


class AdminTwoStepLoginView(TwoStepLoginMixin, LoginView):
    """The /admin/ login with the same second step, so the admin door cannot bypass it."""


@never_cache
@login_not_required
def admin_login(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
    """AdminSite.login (Django 5.2) with AdminTwoStepLoginView in place of LoginView."""
    from django.contrib import admin

    site = admin.site
    if request.method == "GET" and site.has_permission(request):
        return HttpResponseRedirect(reverse("admin:index", current_app=site.name))
    context = {**site.each_context(request), "title": "登录", "subtitle": None,
               "app_path": request.get_full_path(), "username": request.user.get_username()}
    if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
        context[REDIRECT_FIELD_NAME] = reverse("admin:index", current_app=site.name)
    context.update(extra_context or {})
    request.current_app = site.name
    return AdminTwoStepLoginView.as_view(extra_context=context, authentication_form=site.login_form,
                                         template_name=site.login_template or "admin/login.html")(request)


# The user who gave the right password and still owes a code, with when and where to go after it.
PENDING = "gongkai_2fa_pending"
PENDING_SECONDS = 300
CODE_EXPIRED = "验证已超时，请重新输入用户名和密码。"


def _pending_user(request: HttpRequest):
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None, None
    user = get_user_model().objects.filter(pk=pending.get("user"), is_active=True).first()
    return user, pending


def login_code(request: HttpRequest) -> HttpResponse:
    """The second login step: the authenticator's code (or a recovery code), under the failed-login limits."""
    user, pending = _pending_user(request)
    if user is None:
        request.session.pop(PENDING, None)
        messages.warning(request, CODE_EXPIRED)
        return redirect("staff-login")
    error = ""
    if request.method == "POST":
        code = request.POST.get("code", "").strip()[:64]
        try:
            attempt = logins.begin(user.get_username(), logins.client_address(request))
        except logins.LoginRefused as refused:
            error = str(refused)
        else:
            if code and twofactor.verify(user, code):
                logins.succeeded(attempt)
                del request.session[PENDING]
                login(request, user, backend=pending["backend"])
                target = pending.get("next") or reverse("staff-dashboard")
                if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
                    target = reverse("staff-dashboard")
                return HttpResponseRedirect(target)
            wait = logins.failed(attempt, reason="两步验证码不正确")
            error = logins.refusal_message(wait) if wait != 0 else twofactor.WRONG_CODE
    return render(request, "staff/login_code.html", {"error": error, "site_name": site_name()},
                  status=400 if error else 200)


@staff_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app (QR code, secret, first code, recovery codes once), or turn it off."""
    user, error, recovery = request.user, "", None
    if request.method == "POST":
        action, code = request.POST.get("action", ""), request.POST.get("code", "").strip()[:64]
        try:
            if action == "start":
                twofactor.start_enrolment(user)
            elif action == "confirm":
                recovery = twofactor.confirm(user, code)
                messages.success(request, "两步验证已启用。")
            elif action == "disable":
                twofactor.disable(user, code)
                messages.success(request, "两步验证已停用。")
                return redirect("staff-two-factor")
        except DomainError as problem:
            error = str(problem)
    device = twofactor.confirmed_device(user)
    pending = None if device else twofactor.pending_device(user)
    context = {"device": device, "pending": pending, "error": error, "recovery": recovery,
               "required": twofactor.required(user)}
    if pending is not None:
        context.update(qr=twofactor.qr_data_uri(pending), secret=twofactor.grouped_secret(pending))
    return render(request, "staff/two_factor.html", context, status=400 if error else 200)


@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The panels every app registered, each rendered with its own values for this user."""
    sections = [mark_safe(render_to_string(panel.template, context, request))  # noqa: S308 - our templates
                for panel, context in panels_for(request)]
    return render(request, "staff/dashboard.html", {"sections": sections, "agencies": agencies_for(request.user)})
