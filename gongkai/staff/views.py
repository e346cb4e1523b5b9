"""The staff shell: login, logout and the dashboard frame that shows each app's panels."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from gongkai.orgs.forms import ThrottledLoginMixin
from gongkai.orgs.permissions import agencies_for
from gongkai.orgs.site import site_name
from gongkai.staff.decorators import staff_required
from gongkai.staff.registry import panels_for


class StaffLoginForm(ThrottledLoginMixin, AuthenticationForm):
    """Django's login form with Chinese punctuation after the labels, under the failed-login limits."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "：")
        super().__init__(*args, **kwargs)


class StaffLoginView(LoginView):
    """Django's login view with the Chinese template; signed-in users go straight to the dashboard."""

    template_name = "staff/login.html"
    authentication_form = StaffLoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # LoginView puts the request's host in `site_name`, which the page header shows as the site name.
        context["site_name"] = site_name()
        return context


@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The panels every app registered, each rendered with its own values for this user."""
    sections = [mark_safe(render_to_string(panel.template, context, request))  # noqa: S308 - our templates
                for panel, context in panels_for(request)]
    return render(request, "staff/dashboard.html", {"sections": sections, "agencies": agencies_for(request.user)})
