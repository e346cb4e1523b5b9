"""The public ask page (/wdk/) and the staff list of unanswered questions."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongkai.core.errors import DomainError
from gongkai.core.forms import MAX_ID, parse_number
from gongkai.core.middleware import takes_uploads
from gongkai.core.models import AuditEntry
from gongkai.orgs.models import Agency
from gongkai.orgs.permissions import agencies_for
from gongkai.orgs.roles import Role
from gongkai.qa import pairs, semantic, services
from gongkai.qa.models import Feedback, QAPair, UnansweredQuestion
from gongkai.qa.states import REVIEW, PairState, publishable_among
from gongkai.staff.decorators import forbidden, staff_required

# The answers this visitor has rated (question key and source), so one visitor counts once per answer.
SESSION_RATED = "qa_rated"
# The unanswered questions this visitor has asked, counted on the staff work list once each.
SESSION_ASKED = "qa_asked"
RATED_KEPT = 50
PAIRS_PER_PAGE = 50
UNANSWERED_PER_PAGE = 100


@require_http_methods(["GET", "POST"])
def ask_page(request: HttpRequest) -> HttpResponse:
    """Ask a question (GET ?q=) and rate the answer (POST)."""
    if request.method == "POST":
        question = request.POST.get("q", "")
        source = request.POST.get("source", "")
        rated = request.session.get(SESSION_RATED, [])
        key = f"{services.question_key(question)}|{source}"
        if key in rated:
            messages.success(request, "您已评价过这个答复，感谢您的评价。")
        else:
            try:
                services.record_feedback(question, source, request.POST.get("helpful") == "1")
                request.session[SESSION_RATED] = [*rated, key][-RATED_KEPT:]
                messages.success(request, "感谢您的评价。")
            except DomainError as exc:
                messages.error(request, exc.message)
        return redirect(reverse("qa-ask") + "?" + urlencode({"q": question}))
    question = request.GET.get("q", "").strip()
    context = {"q": question, "hotline": settings.GONGKAI_QA_HOTLINE, "mailbox": _mailbox_link(question)}
    # Only spaces typed (the box's `required` lets them through) is told to write a question, not shown nothing.
    if question or request.GET.get("q"):
        try:
            context["answer"] = answer = services.ask(question, record=False)
            asked = request.session.get(SESSION_ASKED, [])
            key = services.question_key(answer.question)
            # Counted once per visitor: reloading the page or coming back to it is not asking again. Only a
            # question put on the staff list is said to be recorded (not 你好, asdfgh or 123456: note_unanswered).
            if answer.answered:
                services.note_answered(answer.question)
            else:
                # Asked before by this visitor and still on the list: not counted again. Taken off since (handled,
                # or answered for a while), it is listed again rather than only said to be.
                context["listed"] = (key in asked and services.is_listed(answer.question)) or services.note_unanswered(
                    answer.question, answer.units, answer.about_the_world)
                if context["listed"] and key not in asked:
                    request.session[SESSION_ASKED] = [*asked, key][-RATED_KEPT:]
            context["rated"] = f"{services.question_key(answer.question)}|{answer.rated_as}" in request.session.get(
                SESSION_RATED, [])
        except DomainError as exc:
            context["error"] = exc.message
    return render(request, "qa/ask.html", context)


def _mailbox_link(question: str) -> str:
    """GONGKAI_QA_MAILBOX_URL, with the question to fill in when it is this site's own mailbox (another site's
    form would not know the parameter)."""
    mailbox = settings.GONGKAI_QA_MAILBOX_URL
    parts = urlsplit(mailbox)
    if not question or parts.scheme or parts.netloc or parts.path != reverse("mailbox"):
        return mailbox
    return f"{mailbox}{'&' if parts.query else '?'}{urlencode({'content': question})}"


def search_aside(request: HttpRequest, params, found) -> dict | None:
    """On the search page's first page, for a query that is a question: the Q&A's answer, when it has one (an
    unanswered question is not put on the staff list here: the visitor searched, and got the results)."""
    if params.page != 1 or not services.looks_like_question(params.q):
        return None
    try:
        answer = services.ask(params.q, params.agency, record=False)
    except DomainError:
        return None
    if not answer.answered:
        return None
    return {"answer": answer, "ask_link": f"{reverse('qa-ask')}?{urlencode({'q': params.q})}"}


def _tally(rows, key) -> list[dict]:
    """Feedback counts (有帮助 / 没有帮助) grouped by `key`, the most often unhelpful first."""
    counts: dict = {}
    for row in rows:
        entry = counts.setdefault(key(row), {"helpful": 0, "unhelpful": 0, "row": row})
        entry["helpful" if row["helpful"] else "unhelpful"] += row["n"]
    return sorted(counts.values(), key=lambda r: (-r["unhelpful"], -r["helpful"]))[:50]


@require_http_methods(["GET", "POST"])
@staff_required
def staff_unanswered(request: HttpRequest) -> HttpResponse:
    """Questions the knowledge base could not answer, most asked first, and how answers were rated: per answer
    and per question, each answer described as the public saw it (《法规》第X条, or the pair's question)."""
    if request.method == "POST":
        try:
            raw = request.POST.get("pk", "")
            pk = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else 0
            move = request.POST.get("move")
            if move in ("policy", "world"):
                services.move_unanswered(request.user, pk, about_the_world=move == "world")
                messages.success(request, "已移到“与政策无关的问题”。" if move == "world" else "已移到“政策问题”。")
            else:
                services.resolve_unanswered(request.user, pk)
                messages.success(request, "已标为已处理。")
        except DomainError as exc:
            messages.error(request, exc.message)
        # Back on the tab and page the row was on.
        query = urlencode({k: v for k, v in (("list", "world" if request.POST.get("list") == "world" else ""),
                                             ("page", _later_page(request.POST))) if v})
        return redirect(_with_query(reverse("staff-qa-unanswered"), query))
    # Questions about the world (weather, timetables) are listed apart: no pair or document answers them.
    world = request.GET.get("list") == "world"
    listed = UnansweredQuestion.objects.filter(resolved=False)
    counts = dict(listed.values_list("about_the_world").annotate(n=Count("pk")).order_by())
    # A page at a time: the first 200 only were shown, under a tab counting them all, and nothing said so.
    page_obj = Paginator(listed.filter(about_the_world=world), UNANSWERED_PER_PAGE).get_page(
        parse_number(request.GET.get("page"), 100000) or 1)
    rows = page_obj.object_list
    grouped = list(Feedback.objects.values("source", "helpful").annotate(n=Count("pk")).order_by())
    by_question = list(Feedback.objects.values("question_key", "source", "helpful")
                       .annotate(n=Count("pk"), question=Max("question")).order_by())
    ratings = _tally(grouped, lambda r: r["source"])
    questions = _tally(by_question, lambda r: (r["question_key"], r["source"]))
    drafting, working = _pair_agencies(request.user, (Role.DRAFTER,)), _pair_agencies(request.user)
    described = services.describe_sources([r["row"]["source"] for r in ratings + questions],
                                          drafting={a.pk for a in drafting}, listed={a.pk for a in working})
    for entry in ratings + questions:
        entry["text"], entry["url"] = described[entry["row"]["source"]]
    return render(request, "qa/staff_unanswered.html", {
        "rows": rows, "page_obj": page_obj, "querystring": "list=world" if world else "", "world": world,
        "policy_count": counts.get(False, 0), "world_count": counts.get(True, 0),
        "ratings": ratings, "questions": questions, "vectors": semantic.progress_note(),
        "drafting": drafting, "can_resolve": bool(working)})


# -- curated pairs (staff) ----------------------------------------------------------------------------------------

PAIR_ROLES = (Role.DRAFTER, Role.APPROVER)
_NO_PAIR_ROLE = "政策问答由起草人编写、审核人（分管领导）审核；您在任何机关都没有这两个角色。"


def _pair_agencies(user, roles=PAIR_ROLES) -> list[Agency]:
    found: dict[int, Agency] = {}
    for role in roles:
        found.update({a.pk: a for a in agencies_for(user, role)})
    return list(found.values())


def _scope(request: HttpRequest, code: str, roles=PAIR_ROLES) -> Agency | HttpResponse:
    """The agency `code` if the user holds one of `roles` there; 404 for other staff who work on pairs, else 403."""
    if not _pair_agencies(request.user):
        return forbidden(request, _NO_PAIR_ROLE)
    agency = next((a for a in _pair_agencies(request.user, roles) if a.code == code), None)
    if agency is None:
        raise Http404("没有这个机关")
    return agency


@staff_required
def staff_pairs(request: HttpRequest) -> HttpResponse:
    """The pairs of every agency where the user writes or reviews them, with the actions they may take."""
    agencies = _pair_agencies(request.user)
    if not agencies:
        return forbidden(request, _NO_PAIR_ROLE)
    # Filtered by state (an approver looks for 待审核) and by words of the question, a page at a time: an agency
    # with a few hundred imported pairs made a page of megabytes, cut at 500 rows without saying so.
    state, q = _list_filters(request.GET)
    found = QAPair.objects.filter(agency__in=agencies).select_related("agency", "source__live_revision", "revises")
    if state:
        found = found.filter(state=state)
    if q:
        found = found.filter(question__icontains=q)
    page_obj = Paginator(found, PAIRS_PER_PAGE).get_page(parse_number(request.GET.get("page"), 100000) or 1)
    rows = list(page_obj.object_list)
    drafting = _pair_agencies(request.user, (Role.DRAFTER,))
    # The answer and its source are shown to everyone here (the approver reviews them on this page); only the
    # agency's drafters are offered the edit page.
    editable = {a.pk for a in drafting}
    returned = _return_comments(rows)
    # A draft or a pair in review whose source was repealed or withdrawn since is offered no 提交审核 / 审核通过:
    # the row says why (the approver saw only 退回修改 and no reason). So does a pair approved so before the
    # guard existed: 已公开 here, it is shown nowhere.
    valid = set(pairs.valid_sources().filter(pk__in={p.source_id for p in rows}).values_list("pk", flat=True))
    blocked = {p.pk: pairs.source_problem(p, valid) for p in rows
               if p.source_id not in valid and p.state != PairState.FLAGGED}
    # Read for the page at once (roles per agency, review steps in one query, the sources' validity as read above):
    # row by row, 8 rows took 55 queries and 50 took 157.
    actions = dict(zip((p.pk for p in rows), REVIEW.available_for(request.user, rows, publishable_among(valid)),
                       strict=True))
    # One holding both roles who drafted a pair is offered no 审核通过 (一事一审): the row says so, not nothing.
    unexplained = [p for p in rows if not actions[p.pk] and p.pk not in blocked and p.state == PairState.REVIEW]
    for p, refusal in zip(unexplained, REVIEW.duty_refusals_for(request.user, unexplained), strict=True):
        blocked[p.pk] = refusal or ""
    # A public (or flagged) pair's revision under way, linked from its row: listed elsewhere (another page, or
    # filtered out under 已公开), it was not found from the pair.
    listing = _list_query(request.GET)
    revisions = {r.revises_id: (r, _revision_link(r, r.agency_id in editable, listing)) for r in QAPair.objects.filter(
        revises__in=rows).only("pk", "revises_id", "state", "question", "agency", "agency__code").select_related("agency")}
    # A revision's row links the public pair it revises the same way (修改稿：问答 N).
    pairs.label_citations([*rows, *(p.revises for p in rows if p.revises_id)])
    return render(request, "qa/staff_pairs.html", {
        "rows": [(p, actions[p.pk], p.agency_id in editable, pairs.source_of(p)["url"],
                  returned.get(p.pk, ""), blocked.get(p.pk, ""), *revisions.get(p.pk, (None, "")),
                  pairs.list_row(p.revises) if p.revises_id else "") for p in rows],
        "drafting": drafting, "agencies": agencies, "page_obj": page_obj, "state": state, "q": q,
        "states": PairState.choices, "querystring": _list_query(request.GET, page=False), "listing": listing})


def _revision_link(revision: QAPair, editable: bool, listing: str) -> str:
    """Where a public pair's row sends one looking for its revision: a drafter to edit it while it is a draft;
    otherwise its own row on the list, where it is reviewed (a revision under review opened for editing sent the
    drafter back to the list they came from, filtered to 已公开 and without it, saying only 不能修改; an approver,
    who edits nothing, was given no way to it)."""
    if editable and revision.state != PairState.REVIEW:
        return _edit_link(revision.agency.code, revision.pk, listing)
    return pairs.list_row(revision)


def _list_filters(params) -> tuple[str, str]:
    """The list's state (one of PairState, else all) and words of the question, as sent."""
    state = params.get("state", "")
    return state if state in PairState.values else "", params.get("q", "").strip()[:100]


def _list_query(params, page: bool = True) -> str:
    """The list's filters (and page) in `params` as a query string, rebuilt from those alone (never a given
    address)."""
    state, q = _list_filters(params)
    return urlencode({k: v for k, v in (("state", state), ("q", q), ("page", _later_page(params) if page else ""))
                      if v})


def _later_page(params) -> int | str:
    """The page number in `params` when past the first, else "" (the first page is the address without one)."""
    page = parse_number(params.get("page"), 100000)
    return page if page and page > 1 else ""


def _edit_link(code: str, pk: int, listing: str) -> str:
    """A pair's edit page, carrying the list's filters and page (`listing`) it is to go back to."""
    return _with_query(reverse("staff-qa-pair-edit", args=[code, pk]),
                       urlencode({"list": listing}) if listing else "")


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


def _return_comments(rows) -> dict[int, str]:
    """The approver's comment on each draft whose last review step was 退回修改: the drafter had no way to read why."""
    drafts = {str(p.pk): p.pk for p in rows if p.state == PairState.DRAFT}
    last: dict[int, AuditEntry] = {}
    for entry in AuditEntry.objects.filter(object_type=QAPair._meta.label_lower, object_id__in=list(drafts),
                                           action__in=list(REVIEW.labels())).order_by("created_at", "id"):
        last[drafts[entry.object_id]] = entry
    return {pk: entry.comment for pk, entry in last.items() if entry.action == "return"}


@require_GET
@staff_required
def staff_pair_new(request: HttpRequest) -> HttpResponse:
    """A new pair for the agency chosen on the work list (?agency=code&question=…): the form of that agency."""
    agency = _scope(request, request.GET.get("agency", ""), (Role.DRAFTER,))
    if isinstance(agency, HttpResponse):
        return agency
    question = request.GET.get("question", "")[:pairs.MAX_QUESTION]
    return redirect(_with_query(reverse("staff-qa-pair-edit", args=[agency.code, 0]), urlencode({"question": question})))


@staff_required
def staff_pair_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Write a new pair (pk 0) or edit one; editing a public pair takes it back to draft for review."""
    agency = _scope(request, code, (Role.DRAFTER,))
    if isinstance(agency, HttpResponse):
        return agency
    # The list's filters and page the drafter came from (the 修改 link carries them): saving or 返回 goes back there.
    listing = _list_query(QueryDict(request.POST.get("list", "") if request.method == "POST"
                                    else request.GET.get("list", "")))
    back = _with_query(reverse("staff-qa-pairs"), listing)
    pair = None
    if pk:
        pair = QAPair.objects.filter(pk=pk, agency=agency).first() if pk <= MAX_ID else None
        revised = parse_number(request.POST.get("revises")) if request.method == "POST" else None
        if pair is None and revised:
            # A revision approved (and so removed) while its form was open: the edit goes to the pair it revised,
            # checked against what the form showed (the drafter's text was lost on a 404 page).
            pair = QAPair.objects.filter(pk=revised, agency=agency).first()
        if pair is None:
            raise Http404("没有这条问答")
        revision = pairs.edited_in(pair)
        if revision != pair and request.method == "GET":
            if revision.state == PairState.REVIEW:
                # Said once, not "以下是修改稿的内容" and then the list with "不能修改".
                messages.error(request, f"问答 {pair.pk} 的修改稿（问答 {revision.pk}）正在审核，不能修改；"
                                        "如需修改，请审核人先退回修改。")
                return redirect(back)
            # A public pair's revision under way is where its edits go (a form sent from before it existed is
            # checked against it by save_pair: neither drafter's edit is silently dropped).
            messages.info(request, f"问答 {pair.pk} 已有修改稿（问答 {revision.pk}），以下是修改稿的内容；"
                                   f"{_original_meanwhile(pair)}")
            return redirect(_edit_link(agency.code, revision.pk, listing))
        if pair.state == PairState.REVIEW and request.method == "GET":
            messages.error(request, pairs.REVIEW_LOCKED)
            return redirect(back)
    values = {"question": pair.question, "answer": pair.answer, "source": pair.source_id, "article": pair.article,
              "tags": pair.tags} if pair else {"question": request.GET.get("question", "")[:pairs.MAX_QUESTION]}
    shown = pair
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in ("question", "answer", "source", "article", "tags")}
        # Only a public pair: a flagged one must be saved through the checks of its source (flagged → draft).
        if pair is not None and pair.state == PairState.PUBLISHED and pairs.unchanged(pair, values):
            # Saved without a change: a public pair stays public (saving would take it back to draft for review).
            messages.success(request, f"未作修改，问答仍为“{pair.get_state_display()}”。")
            return redirect(back)
        try:
            saved = pairs.save_pair(request.user, agency, values, pair, seen=request.POST.get("seen") or None)
            messages.success(request, f"已保存为修改稿；{_original_meanwhile(saved.revises)}" if saved.revises_id
                             else "已保存，提交审核后公开。")
            state, _ = _list_filters(QueryDict(listing))
            if state and saved.state != state:
                # Back at the list filtered by another state (a flagged pair saved is a draft now): it is not there.
                messages.info(request, f"问答 {saved.pk} 现为“{saved.get_state_display()}”，不在当前筛选的列表中；"
                                       "请选“全部状态”或该状态查看。")
            return redirect(back)
        except pairs.StaleEdit as exc:
            # The form keeps what this drafter typed; the row as it is now is shown beside it, and the next save,
            # stamped with it, goes through.
            errors, shown = exc.errors, exc.current
        except DomainError as exc:
            # Submitted by a colleague while the form was open: said above the form, which keeps what was typed (a
            # redirect to the list lost it).
            errors = ({"locked": [exc.message]} if exc.message == pairs.REVIEW_LOCKED
                      else exc.errors or {"question": [exc.message]})
    # The chosen source's title beside its number, so the drafter sees what the number means (the picker's script
    # writes it as a source is chosen; this is it on an edit, after a refusal, and without the script).
    chosen = pairs.usable_source(values.get("source"))
    if shown:
        pairs.label_citations([shown])
    return render(request, "qa/staff_pair_form.html", {
        "agency": agency, "pair": shown, "values": values, "errors": errors, "listing": listing, "back": back,
        "source_choice": chosen and pairs.source_choice(chosen), "seen": pairs.edit_stamp(shown) if shown else "",
        "history": pairs.pair_history(shown) if shown else []})


@require_GET
@staff_required
def staff_pair_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A pair read-only with its history (修改与审核记录), for staff who write or review the agency's pairs: the
    approver, who edits nothing, had no way to read who wrote and returned what; a drafter, while it is in review."""
    agencies = _pair_agencies(request.user)
    if not agencies:
        return forbidden(request, _NO_PAIR_ROLE)
    pair = (QAPair.objects.filter(pk=pk, agency__in=agencies).select_related("agency", "source__live_revision",
                                                                             "revises").first()
            if pk <= MAX_ID else None)
    if pair is None:
        raise Http404("没有这条问答")
    listing = _list_query(QueryDict(request.GET.get("list", "")))
    pairs.label_citations([pair])
    return render(request, "qa/staff_pair_form.html", {
        "agency": pair.agency, "pair": pair, "readonly": True, "listing": listing,
        "back": _with_query(reverse("staff-qa-pairs"), listing), "source_url": pairs.source_of(pair)["url"],
        "history": pairs.pair_history(pair)})


def _original_meanwhile(original: QAPair) -> str:
    """What the pair a revision revises does until the revision is approved: still public, or still hidden."""
    if original.state == PairState.FLAGGED:
        return f"原问答已暂停公开（{original.flag_reason or '依据变化'}），修改稿审核通过后替换它并恢复公开。"
    return "原问答在修改稿审核通过前仍然公开，通过后由修改稿替换。"


def _json(data: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def _drafter_json(view):
    """A JSON endpoint of the pair form: the pair form's rights (a drafter of the agency in the URL), each refusal
    said in Chinese as JSON (a signed-out drafter's script would otherwise be handed the login page)."""

    @wraps(view)
    def wrapper(request: HttpRequest, code: str) -> HttpResponse:
        if not request.user.is_authenticated:
            return _json({"detail": "登录已失效，请重新登录后再查找。"}, 401)
        if not (request.user.is_active and request.user.is_staff):
            return _json({"detail": "工作台仅供工作人员使用。"}, 403)
        if not _pair_agencies(request.user):
            return _json({"detail": _NO_PAIR_ROLE}, 403)
        agency = next((a for a in _pair_agencies(request.user, (Role.DRAFTER,)) if a.code == code), None)
        if agency is None:
            return _json({"detail": "没有这个机关，或您不是该机关的起草人。"}, 404)
        return view(request, agency)

    return require_GET(wrapper)


@_drafter_json
def staff_pair_sources(request: HttpRequest, agency: Agency) -> HttpResponse:
    """The documents a pair may rest on whose title or document number holds the words of ?q= (the form's picker)."""
    try:
        found, more = pairs.find_sources(request.GET.get("q", ""))
    except DomainError as exc:
        return _json({"detail": exc.message}, 400)
    return _json({"documents": found, "more": more})


@_drafter_json
def staff_pair_articles(request: HttpRequest, agency: Agency) -> HttpResponse:
    """The articles of the source ?source= (its number), to choose the one the pair cites."""
    raw = request.GET.get("source", "").strip()
    if not raw:
        return _json({"detail": "请填写依据文件编号。"}, 400)
    if parse_number(raw) is None:
        return _json({"detail": "依据文件编号应为数字（已公开文件页面地址中的数字）。"}, 400)
    document = pairs.usable_source(raw)
    if document is None:
        return _json({"detail": "没有这个编号的可作依据的文件（须为已公开、现行有效的文件）。"}, 404)
    articles, more = pairs.source_articles(document)
    return _json({"document": pairs.source_choice(document), "articles": articles, "more": more})


@require_POST
@staff_required
def staff_pair_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit, review (publish) or return a pair."""
    agencies = _pair_agencies(request.user)
    if not agencies:
        return forbidden(request, _NO_PAIR_ROLE)
    pair = QAPair.objects.filter(pk=pk, agency__in=agencies).first() if pk <= MAX_ID else None
    if pair is None:
        raise Http404("没有这条问答")
    name = request.POST.get("action", "")
    if name not in ("submit", "publish", "return"):
        messages.error(request, "未知的操作。")
        return redirect("staff-qa-pairs")
    try:
        pairs.move_pair(request.user, pair, name, request.POST.get("comment", ""))
        messages.success(request, {"submit": "已提交审核。", "publish": "已审核通过并公开。", "return": "已退回修改。"}[name])
    except DomainError as exc:
        messages.error(request, exc.message)
    # Back at the filters and page the step was taken from: an approver working down 待审核 on page 2 was sent to
    # page 1 of every state after each approval.
    return redirect(_with_query(reverse("staff-qa-pairs"), _list_query(QueryDict(request.POST.get("list", "")))))


@staff_required
def staff_pairs_export(request: HttpRequest, code: str) -> HttpResponse:
    """The agency's pairs as XLSX (the import's columns)."""
    agency = _scope(request, code)
    if isinstance(agency, HttpResponse):
        return agency
    response = HttpResponse(pairs.export_xlsx(QAPair.objects.filter(agency=agency).select_related("source")),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="qa-pairs-{agency.code}.xlsx"'
    return response


# An agency's spreadsheet of a few hundred pairs with long answers passes 1 MB, the limit of a form without files
# (it went to the generic 413 page); the staff upload limit applies, as to a document's attachments.
@takes_uploads
@require_POST
@staff_required
def staff_pairs_import(request: HttpRequest, code: str) -> HttpResponse:
    """Import pairs from XLSX as drafts (rows with a pair's number edit it); bad rows are reported by number."""
    agency = _scope(request, code, (Role.DRAFTER,))
    if isinstance(agency, HttpResponse):
        return agency
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise DomainError("请选择要导入的 XLSX 文件。", field="file")
        result = pairs.import_xlsx(request.user, agency, upload.read())
        messages.success(request, f"新增 {result.created} 条、修改 {result.updated} 条（均为草稿，审核后公开），"
                                  f"未改动 {result.unchanged} 条。")
        for error in result.errors[:20]:
            messages.error(request, str(error))
        if len(result.errors) > 20:
            # Said, not dropped: the rows past the twentieth were not imported either.
            messages.error(request, f"另有 {len(result.errors) - 20} 行有误、未导入（第 {result.errors[20].line} 行起），"
                                    "请先改正以上各行后再导入。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("staff-qa-pairs")
