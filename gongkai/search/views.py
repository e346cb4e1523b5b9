"""The public search page (/search/), the staff search report (/staff/search/) and hot-search settings
(/staff/search/hot/)."""

from __future__ import annotations

import dataclasses

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from gongkai.core.clientip import client_ip
from gongkai.core.errors import DomainError, PermissionDenied
from gongkai.core.forms import CHOICE_ERRORS, ServiceForm, parse_number
from gongkai.search import hot, searchlog, services
from gongkai.search.asides import asides_for
from gongkai.search.backends import get_backend
from gongkai.search.indexing import stale_ids
from gongkai.search.models import HotRuleKind, HotSearchRule, IndexChange
from gongkai.staff.decorators import forbidden, staff_required

PAGE_SIZE = 10
FILTERS = ("agency", "subject", "doc_type", "year", "validity", "kind", "issuer", "tag")


def _params(request: HttpRequest) -> services.SearchParams:
    g = request.GET
    try:
        page = max(1, int(g.get("page", "1")))
    except ValueError:
        page = 1
    return services.SearchParams(
        q=g.get("q", "").strip()[:200], page=page, page_size=PAGE_SIZE, sort=g.get("sort", "relevance"),
        correct=g.get("correct", "1") != "0", **{name: g.get(name, "").strip() for name in FILTERS})


FACET_SHOWN = 10


def _link(params: services.SearchParams, **changes: str) -> str:
    """A search page URL for `params` with some parameters changed (empty values are left out)."""
    values = {"q": params.q, "sort": params.sort if params.sort != "relevance" else "",
              "correct": "" if params.correct else "0", **{name: getattr(params, name) for name in FILTERS}}
    values.update(changes)
    return reverse("search") + "?" + urlencode({k: v for k, v in values.items() if v})


def _ignore_unusable(params: services.SearchParams) -> dict[str, list[str]]:
    """Reset the parameters that cannot be applied to their defaults, as the policy library does, and say why
    in Chinese: a public page answers with what it can, never with a bare 400 (the JSON API keeps its 400)."""
    errors = params.errors()
    errors.pop("page", None)  # a page past the last is shown as the last page, with its own notice
    defaults = {f.name: f.default for f in dataclasses.fields(services.SearchParams)}
    for name in errors:
        setattr(params, name, defaults[name])
    return {name: [message] for name, message in errors.items()}


def search_page(request: HttpRequest) -> HttpResponse:
    params = _params(request)
    context: dict = {"params": params, "sorts": services.SORTS, "facet_labels": services.FACET_LABELS,
                     "errors": _ignore_unusable(params)}
    if params.q or any(getattr(params, name) for name in FILTERS):
        # A page past the deepest one shown is read as the last page (a link kept from a larger result set).
        asked_page = params.page
        params.page = min(params.page, services.MAX_RESULTS // params.page_size)
        try:
            found = services.search(params, client=searchlog.client_key(client_ip(request)))
            if found.count and params.page > found.pages:
                params.page = found.pages
                found = services.search(params, record=False)
        except DomainError as exc:  # a rule params.errors() does not know yet: still the page, with the reason
            context["errors"] = {**context["errors"], **exc.errors}
            return render(request, "search/search.html", context)
        if params.page != asked_page:
            context["page_notice"] = f"第 {asked_page} 页不存在（共 {found.pages} 页），已显示最后一页。"
        # Each facet: its top FACET_SHOWN values, the rest folded under 更多 (<details>, no script needed) and
        # the number of values in all.
        facets = []
        for name, values in found.facets.items():
            if not values:
                continue
            linked = [(value, _link(params, **{name: "" if value.selected else value.value})) for value in values]
            facets.append((name, services.FACET_LABELS[name], linked[:FACET_SHOWN], linked[FACET_SHOWN:],
                           len(values)))
        context.update(
            found=found, facets=facets,
            related=services.related_searches(found.corrected_query or params.q) if params.q else [],
            original_link=_link(params, correct="0") if found.corrected_query else "",
            sort_links=[(key, label, _link(params, sort=key if key != "relevance" else "")) for key, label
                        in services.SORTS.items()],
            previous_link=_link(params, page=str(params.page - 1)) if params.page > 1 else "",
            next_link=_link(params, page=str(params.page + 1)) if params.page < found.pages else "",
            clear_link=_link(params, **dict.fromkeys(FILTERS, "")),
            any_filter=any(getattr(params, name) for name in FILTERS),
            first_number=(params.page - 1) * params.page_size + 1,
            asides=asides_for(request, params, found),
        )
    else:
        context["hot"] = services.hot_searches()
    return render(request, "search/search.html", context)


@staff_required
def staff_report(request: HttpRequest) -> HttpResponse:
    """Top and zero-result queries (anonymised counts) and the state of the index, for staff."""
    try:
        days = int(request.GET.get("days", "30"))
    except ValueError:
        days = 30
    days = days if days in (7, 30, 90, 365) else 30
    backend = get_backend()
    applied = backend.applied_change()
    return render(request, "search/staff_report.html", {
        "days": days, "top": searchlog.top_queries(days), "zero": searchlog.zero_result_queries(days),
        "backend": backend.name, "stats": backend.stats(), "applied": applied,
        "pending": IndexChange.objects.filter(pk__gt=max(applied, 0)).values("document_id").distinct().count(),
        "stale": len(stale_ids(backend)),
    })


class HotRuleForm(ServiceForm):
    query = forms.CharField(label="检索词", max_length=hot.MAX_QUERY, error_messages={"required": "请填写检索词。"},
                            help_text="屏蔽词：凡含有该词的检索词都不会出现在热门搜索和输入提示中。")
    kind = forms.ChoiceField(label="处理方式", choices=HotRuleKind.choices, error_messages=CHOICE_ERRORS)
    note = forms.CharField(label="说明", max_length=200, required=False)


@staff_required
def staff_hot(request: HttpRequest) -> HttpResponse:
    """What the public 热门搜索 shows and why, with pin/hide/block for the site's administrators."""
    manage = hot.may_manage(request.user)
    form = HotRuleForm()
    if request.method == "POST":
        if not manage:
            return forbidden(request, "只有门户网站的管理员可以设置热门搜索。")
        try:
            if "remove" in request.POST:
                try:
                    hot.remove_hot_rule(request.user, parse_number(request.POST.get("remove")) or 0)
                except DomainError as exc:
                    if isinstance(exc, PermissionDenied):
                        raise
                    messages.error(request, exc.message)
                else:
                    messages.success(request, "已撤销该设置。")
                return redirect("staff-search-hot")
            form = HotRuleForm(request.POST)
            if form.is_valid():
                rule = hot.set_hot_rule(request.user, form.cleaned_data["query"], form.cleaned_data["kind"],
                                        form.cleaned_data["note"])
                messages.success(request, f"已将“{rule.query}”设为{rule.get_kind_display()}。")
                return redirect("staff-search-hot")
        except PermissionDenied as exc:
            return forbidden(request, exc.message)
        except DomainError as exc:
            form.apply_domain_error(exc)
    status = 400 if form.errors else 200
    searchlog.search_log.flush()  # staff see what has been counted so far, not only what was written
    return render(request, "search/staff_hot.html", {
        "candidates": services.hot_candidates(), "rules": HotSearchRule.objects.select_related("created_by"),
        "form": form, "manage": manage, "min_clients": settings.GONGKAI_HOT_MIN_CLIENTS,
        "days": settings.GONGKAI_HOT_DAYS, "kinds": HotRuleKind,
    }, status=status)
