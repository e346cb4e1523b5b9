"""The public ask page (/wdk/) and the staff list of unanswered questions."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from gongkai.core.errors import DomainError
from gongkai.qa import services
from gongkai.qa.models import Feedback, UnansweredQuestion
from gongkai.staff.decorators import staff_required


@require_http_methods(["GET", "POST"])
def ask_page(request: HttpRequest) -> HttpResponse:
    """Ask a question (GET ?q=) and rate the answer (POST)."""
    if request.method == "POST":
        question = request.POST.get("q", "")
        try:
            services.record_feedback(question, request.POST.get("source", ""), request.POST.get("helpful") == "1")
            messages.success(request, "感谢您的评价。")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect(reverse("qa-ask") + "?" + urlencode({"q": question}))
    question = request.GET.get("q", "").strip()
    context = {"q": question, "hotline": settings.GONGKAI_QA_HOTLINE, "mailbox": settings.GONGKAI_QA_MAILBOX_URL}
    if question:
        try:
            context["answer"] = services.ask(question)
        except DomainError as exc:
            context["error"] = exc.message
    return render(request, "qa/ask.html", context)


@staff_required
def staff_unanswered(request: HttpRequest) -> HttpResponse:
    """Questions the knowledge base could not answer, most asked first, and how answers were rated."""
    rows = UnansweredQuestion.objects.filter(resolved=False)[:200]
    counts: dict[str, dict[str, int]] = {}
    for source, helpful, n in Feedback.objects.values_list("source", "helpful").annotate(n=Count("pk")).order_by():
        counts.setdefault(source, {"source": source, "helpful": 0, "unhelpful": 0})["helpful" if helpful else "unhelpful"] = n
    ratings = sorted(counts.values(), key=lambda r: (-r["unhelpful"], -r["helpful"]))[:50]
    return render(request, "qa/staff_unanswered.html", {"rows": rows, "ratings": ratings})
