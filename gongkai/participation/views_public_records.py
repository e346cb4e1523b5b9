"""Public pages of section 3 of 互动交流 (/hdjl/): meetings attended by public representatives (lxhy/), policy
evaluations (zcpg/) and the replies to deputies' suggestions and members' proposals (jyta/). Everything shown
comes through participation.visibility."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from gongkai.core.forms import MAX_ID, parse_number
from gongkai.participation import rules
from gongkai.participation.visibility import (
    public_attendees,
    public_documents,
    public_evaluations,
    public_meetings,
    public_motion_replies,
)
from gongkai.publishing.rules import MOTION_REPLY_TYPES

PER_PAGE = 20


def _page(request: HttpRequest, found):
    return Paginator(found, PER_PAGE).get_page(parse_number(request.GET.get("page"), 100000) or 1)


def meetings(request: HttpRequest) -> HttpResponse:
    """公众代表列席会议: the published records, newest first."""
    page = _page(request, public_meetings().order_by("-held_on", "-id"))
    return render(request, "participation/public/meetings.html", {"page_obj": page, "source": rules.MEETING_SOURCE})


def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """One meeting: topics, representatives (name, category, affiliation), their opinions and the handling."""
    found = public_meetings().filter(pk=pk).first() if pk <= MAX_ID else None
    if found is None:
        raise Http404("没有这条会议记录")
    return render(request, "participation/public/meeting.html", {"m": found, "attendees": public_attendees(found)})


def evaluations(request: HttpRequest) -> HttpResponse:
    """政策执行效果评估: the published evaluations of public policies, newest first."""
    page = _page(request, public_evaluations().order_by("-completed_on", "-id"))
    return render(request, "participation/public/evaluations.html", {"page_obj": page,
                                                                      "source": rules.EVALUATION_SOURCE})


def evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    found = public_evaluations().filter(pk=pk).first() if pk <= MAX_ID else None
    if found is None:
        raise Http404("没有这项政策评估")
    report = public_documents().filter(pk=found.report_document_id).first() if found.report_document_id else None
    return render(request, "participation/public/evaluation.html", {"e": found, "report": report})


def motion_replies(request: HttpRequest) -> HttpResponse:
    """建议提案办理结果: the public replies, filtered by kind (建议 / 提案) and year of publication."""
    found = public_motion_replies().order_by("-published_on", "-id")
    kind = request.GET.get("type", "")
    kind = kind if kind in MOTION_REPLY_TYPES else ""
    if kind:
        found = found.filter(live_revision__doc_type=kind)
    years = sorted({d.year for d in public_motion_replies().dates("published_on", "year")}, reverse=True)
    year = parse_number(request.GET.get("year"), 2100)
    year = year if year in years else None
    if year:
        found = found.filter(published_on__year=year)
    query = urlencode([(k, v) for k, v in (("type", kind), ("year", year)) if v])
    return render(request, "participation/public/motion_replies.html", {
        "page_obj": _page(request, found), "kind": kind, "kinds": MOTION_REPLY_TYPES, "year": year, "years": years,
        "querystring": query, "source": rules.MOTION_SOURCE})
