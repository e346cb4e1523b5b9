"""The public search page (/search/) and the staff search report (/staff/search/)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from gongkai.core.errors import DomainError
from gongkai.search import searchlog, services
from gongkai.search.backends import get_backend
from gongkai.search.indexing import stale_ids
from gongkai.search.models import IndexChange
from gongkai.staff.decorators import staff_required

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


def search_page(request: HttpRequest) -> HttpResponse:
    params = _params(request)
    context: dict = {"params": params, "sorts": services.SORTS, "facet_labels": services.FACET_LABELS}
    if params.q or any(getattr(params, name) for name in FILTERS):
        try:
            found = services.search(params)
        except DomainError as exc:
            context["errors"] = exc.errors
            return render(request, "search/search.html", context, status=400)
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
