"""The guard every staff page stands behind."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    """A 403 page in Chinese, for signed-in staff who lack a role."""
    return render(request, "portal/error.html", {"title": "没有权限", "message": message}, status=403)


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Send anonymous visitors to the login page and refuse signed-in users who are not staff."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (request.user.is_active and request.user.is_staff):
            return forbidden(request, "工作台仅供工作人员使用。")
        return view(request, *args, **kwargs)

    return wrapper


def agencies_required(agencies_of: Callable[[Any], list], message: str):
    """A staff page for people who work for some agencies: `agencies_of(user)` finds them (e.g. the disclosure
    office's), a user with none gets a 403 with `message`, and the view receives them after the request."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        @staff_required
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            agencies = agencies_of(request.user)
            if not agencies:
                return forbidden(request, message)
            return view(request, agencies, *args, **kwargs)

        return wrapper

    return decorate


def chosen_agency(agencies: list, code: str, user: Any = None):
    """The agency with `code` among the user's; 404 for any other, never a hint that it exists. With no code:
    the user's own agency (their staff profile's) when it is among them, else the highest of them (one whose
    parent is not in the list), so a general office opens on its government rather than the first department."""
    if not code:
        profile = getattr(user, "staff_profile", None) if user is not None else None
        own = next((a for a in agencies if profile is not None and a.pk == profile.agency_id), None)
        ids = {a.pk for a in agencies}
        return own or next((a for a in agencies if a.parent_id not in ids), agencies[0])
    for agency in agencies:
        if agency.code == code:
            return agency
    raise Http404("没有这个机关")


ALL_AGENCIES = "all"  # the agency choice of a list that shows every agency the user works for (全部机构)


def listed_agencies(agencies: list, code: str, user: Any = None) -> tuple[Any, list, str]:
    """(the agency new entries default to, the agencies a list shows, the choice as the page names it). A user
    of several agencies opens on all of them (全部机构): a general office sees every case it answers for, not an
    empty list of its own; ?agency=<code> narrows to one (404 for any other)."""
    home = chosen_agency(agencies, "", user)
    if code == ALL_AGENCIES or (not code and len(agencies) > 1):
        return home, list(agencies), ALL_AGENCIES
    agency = chosen_agency(agencies, code, user)
    return agency, [agency], agency.code

