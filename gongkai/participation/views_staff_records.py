"""Staff pages of meeting records (列席会议) and policy evaluations (政策评估): for the disclosure office of the
agency (or an office above it granted over subordinates) and superusers, as the consultation pages. Staff outside
every disclosure office get a 403; a record of an agency the user does not handle is not found (404)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gongkai.core.audit import history_rows
from gongkai.core.errors import DomainError
from gongkai.core.forms import MAX_ID, parse_number
from gongkai.disclosure.queries import handling_agencies
from gongkai.orgs.models import Agency
from gongkai.participation import forms, records, rules
from gongkai.participation.models import Attendee, Evaluation, Meeting
from gongkai.participation.states import EVALUATION, MEETING
from gongkai.publishing.models import Document
from gongkai.staff.decorators import chosen_agency, forbidden, staff_required

_NO_ROLE = "列席会议记录和政策评估由政府信息公开工作机构的工作人员管理。"


def _agencies(request: HttpRequest) -> list[Agency] | HttpResponse:
    agencies = handling_agencies(request.user)
    return agencies or forbidden(request, _NO_ROLE)


def _found(request: HttpRequest, model, pk: int, missing: str):
    agencies = _agencies(request)
    if isinstance(agencies, HttpResponse):
        return agencies
    found = model.objects.filter(pk=pk, agency__in=agencies).select_related("agency").first() if pk <= MAX_ID \
        else None
    if found is None:
        raise Http404(missing)
    return found


# -- meetings ------------------------------------------------------------------------------------------------------

@staff_required
def meetings(request: HttpRequest) -> HttpResponse:
    """The meeting records of one of the user's agencies."""
    agencies = _agencies(request)
    if isinstance(agencies, HttpResponse):
        return agencies
    agency = chosen_agency(agencies, request.GET.get("agency", "").strip())
    rows = Meeting.objects.filter(agency=agency).prefetch_related("attendees").order_by("-held_on", "-id")
    return render(request, "participation/staff/meetings.html", {
        "agencies": agencies, "agency": agency, "rows": rows, "source": rules.MEETING_SOURCE})


def _meeting_form(request, form, agency: Agency, title: str, meeting: Meeting | None, status: int):
    return render(request, "participation/staff/record_form.html", {
        "form": form, "agency": agency, "title": title, "back": "staff-meetings", "source": rules.MEETING_SOURCE,
        "obj_url": "staff-meeting", "obj": meeting}, status=status)


@staff_required
def meeting_new(request: HttpRequest, code: str) -> HttpResponse:
    agencies = _agencies(request)
    if isinstance(agencies, HttpResponse):
        return agencies
    agency = chosen_agency(agencies, code)
    title = f"登记列席会议（{agency.name}）"
    if request.method == "POST":
        form = forms.MeetingForm(request.POST)
        made = form.submit(lambda data: records.save_meeting(request.user, agency, data))
        if made is not None:
            messages.success(request, "会议记录已保存为草稿。请登记列席代表及其意见的采纳情况，再点“公开”。")
            return redirect("staff-meeting", pk=made.pk)
        return _meeting_form(request, form, agency, title, None, 400)
    return _meeting_form(request, forms.MeetingForm(), agency, title, None, 200)


def _not_editable(request: HttpRequest, record, title: str, label: str, page: str) -> HttpResponse:
    """A published record's edit page: why it cannot be edited and how (withdraw first), never a form that the
    service would refuse on save (a stale form posted here is refused the same way)."""
    return render(request, "participation/staff/record_not_editable.html", {
        "obj": record, "title": title, "label": label, "page": page, "agency": record.agency,
        "back": "staff-meetings" if page == "staff-meeting" else "staff-evaluations"},
        status=409 if request.method == "POST" else 200)


@staff_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    found = _found(request, Meeting, pk, "没有这条会议记录")
    if isinstance(found, HttpResponse):
        return found
    title = f"修改会议记录：{found.title}"
    if found.status not in records.EDITABLE:
        return _not_editable(request, found, title, "会议记录", "staff-meeting")
    if request.method == "POST":
        form = forms.MeetingForm(request.POST)
        if form.submit(lambda data: records.save_meeting(request.user, found.agency, data, found)) is not None:
            messages.success(request, "已保存。")
            return redirect("staff-meeting", pk=found.pk)
        return _meeting_form(request, form, found.agency, title, found, 400)
    initial = {name: getattr(found, name) for name in ("title", "held_on", "place", "topics", "summary")}
    return _meeting_form(request, forms.MeetingForm(initial=initial), found.agency, title, found, 200)


def _meeting_page(request, found: Meeting, attendee_form=None, status: int = 200) -> HttpResponse:
    editable = found.status in records.EDITABLE
    return render(request, "participation/staff/meeting.html", {
        "m": found, "agency": found.agency, "attendees": found.attendees.order_by("id"), "editable": editable,
        "actions": MEETING.available(request.user, found), "withdraw_form": forms.WithdrawForm(),
        "can_withdraw": MEETING.allows(request.user, found, "withdraw"),
        "refusal": records.meeting_refusal(found) if editable else None,
        "attendee_form": attendee_form or forms.AttendeeForm(), "history": history_rows(found, MEETING),
        "source": rules.MEETING_SOURCE}, status=status)


@staff_required
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """One meeting record: its representatives with their opinions and handling (contacts for staff only)."""
    found = _found(request, Meeting, pk, "没有这条会议记录")
    if isinstance(found, HttpResponse):
        return found
    return _meeting_page(request, found)


@require_POST
@staff_required
def meeting_attendee(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a representative with their opinion and how it was handled."""
    found = _found(request, Meeting, pk, "没有这条会议记录")
    if isinstance(found, HttpResponse):
        return found
    form = forms.AttendeeForm(request.POST)
    if form.submit(lambda data: records.save_attendee(request.user, found, data)) is not None:
        messages.success(request, "已登记列席代表。")
        return redirect("staff-meeting", pk=found.pk)
    return _meeting_page(request, found, form, 400)


@staff_required
def attendee_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a representative, e.g. fill in how their opinion was handled after the meeting."""
    agencies = _agencies(request)
    if isinstance(agencies, HttpResponse):
        return agencies
    attendee = (Attendee.objects.filter(pk=pk, meeting__agency__in=agencies).select_related("meeting__agency")
                .first() if pk <= MAX_ID else None)
    if attendee is None:
        raise Http404("没有这位列席代表")
    found = attendee.meeting
    title = f"修改列席代表：{attendee.name}"
    if found.status not in records.EDITABLE:
        return _not_editable(request, found, title, "会议记录", "staff-meeting")
    if request.method == "POST":
        form = forms.AttendeeForm(request.POST)
        if form.submit(lambda data: records.save_attendee(request.user, found, data, attendee)) is not None:
            messages.success(request, f"已保存列席代表“{attendee.name}”。")
            return redirect("staff-meeting", pk=found.pk)
        return _meeting_form(request, form, found.agency, title, found, 400)
    initial = {name: getattr(attendee, name) for name in records.ATTENDEE_FIELDS}
    return _meeting_form(request, forms.AttendeeForm(initial=initial), found.agency, title, found, 200)


@require_POST
@staff_required
def attendee_remove(request: HttpRequest, pk: int) -> HttpResponse:
    agencies = _agencies(request)
    if isinstance(agencies, HttpResponse):
        return agencies
    attendee = (Attendee.objects.filter(pk=pk, meeting__agency__in=agencies).first() if pk <= MAX_ID else None)
    if attendee is None:
        raise Http404("没有这位列席代表")
    try:
        records.remove_attendee(request.user, attendee)
        messages.success(request, f"已删除列席代表“{attendee.name}”。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("staff-meeting", pk=attendee.meeting_id)


def _publish_or_withdraw(request: HttpRequest, model, pk: int, missing: str, publish, withdraw,
                         done: tuple[str, str], page: str) -> HttpResponse:
    """Publish a meeting or evaluation record, or withdraw it with a reason; back to its page with the outcome."""
    found = _found(request, model, pk, missing)
    if isinstance(found, HttpResponse):
        return found
    name = request.POST.get("action", "")
    try:
        if name == "publish":
            publish(request.user, found)
            messages.success(request, done[0])
        elif name == "withdraw":
            withdraw(request.user, found, request.POST.get("comment", ""))
            messages.success(request, done[1])
        else:
            messages.error(request, "未知的操作。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(page, pk=found.pk)


@require_POST
@staff_required
def meeting_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish the record, or withdraw it with a reason."""
    return _publish_or_withdraw(request, Meeting, pk, "没有这条会议记录", records.publish_meeting,
                                records.withdraw_meeting, ("会议记录已公开。", "会议记录已撤回，公众不再能看到。"),
                                "staff-meeting")


# -- evaluations ---------------------------------------------------------------------------------------------------

def _year(request: HttpRequest) -> int:
    year = parse_number(request.GET.get("year"), 2100)
    return year if year and year >= 2000 else records.this_year()


@staff_required
def evaluations(request: HttpRequest) -> HttpResponse:
    """The evaluations of one of the user's agencies, and where it stands against the yearly minimum."""
    agencies = _agencies(request)
    if isinstance(agencies, HttpResponse):
        return agencies
    agency = chosen_agency(agencies, request.GET.get("agency", "").strip())
    year = records.this_year()
    rows = Evaluation.objects.filter(agency=agency).select_related("policy__latest_revision").order_by(
        "-completed_on", "-id")
    counts = {r.agency.pk: r for r in records.evaluation_counts([agency], year)}
    return render(request, "participation/staff/evaluations.html", {
        "agencies": agencies, "agency": agency, "rows": rows, "year": year, "count": counts.get(agency.pk),
        "minimum": rules.EVALUATIONS_PER_YEAR, "source": rules.EVALUATION_SOURCE})


@staff_required
def evaluation_minimum(request: HttpRequest) -> HttpResponse:
    """Policy-making agencies in the user's reach with fewer public evaluations in the year than the minimum."""
    agencies = _agencies(request)
    if isinstance(agencies, HttpResponse):
        return agencies
    year = _year(request)
    counts = records.evaluation_counts(agencies, year)
    return render(request, "participation/staff/evaluation_minimum.html", {
        "year": year, "counts": counts, "below": [r for r in counts if r.missing], "agencies": agencies,
        "minimum": rules.EVALUATIONS_PER_YEAR, "source": rules.EVALUATION_SOURCE,
        "years": range(records.this_year(), records.this_year() - 5, -1)})


def _evaluation_form(request, form, agency: Agency, title: str, evaluation: Evaluation | None, status: int):
    return render(request, "participation/staff/record_form.html", {
        "form": form, "agency": agency, "title": title, "back": "staff-evaluations",
        "source": rules.EVALUATION_SOURCE, "obj_url": "staff-evaluation", "obj": evaluation}, status=status)


def _evaluation_choices(agency: Agency) -> dict:
    return {"policies": records.evaluable_policies(agency).order_by("-published_on", "-id"),
            "documents": Document.objects.filter(agency=agency).select_related("latest_revision").order_by("-id")}


@staff_required
def evaluation_new(request: HttpRequest, code: str) -> HttpResponse:
    agencies = _agencies(request)
    if isinstance(agencies, HttpResponse):
        return agencies
    agency = chosen_agency(agencies, code)
    title = f"新建政策评估（{agency.name}）"
    choices = _evaluation_choices(agency)
    if request.method == "POST":
        form = forms.EvaluationForm(request.POST, **choices)
        made = form.submit(lambda data: records.save_evaluation(request.user, agency, data))
        if made is not None:
            messages.success(request, "政策评估已保存为草稿，核对后请点“公开”。")
            return redirect("staff-evaluation", pk=made.pk)
        return _evaluation_form(request, form, agency, title, None, 400)
    initial = {"policy": parse_number(request.GET.get("policy"))}
    return _evaluation_form(request, forms.EvaluationForm(initial=initial, **choices), agency, title, None, 200)


@staff_required
def evaluation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    found = _found(request, Evaluation, pk, "没有这项政策评估")
    if isinstance(found, HttpResponse):
        return found
    title = f"修改政策评估：{found.title}"
    if found.status not in records.EDITABLE:
        return _not_editable(request, found, title, "政策评估", "staff-evaluation")
    choices = _evaluation_choices(found.agency)
    if request.method == "POST":
        form = forms.EvaluationForm(request.POST, **choices)
        if form.submit(lambda data: records.save_evaluation(request.user, found.agency, data, found)) is not None:
            messages.success(request, "已保存。")
            return redirect("staff-evaluation", pk=found.pk)
        return _evaluation_form(request, form, found.agency, title, found, 400)
    initial = {name: getattr(found, name) for name in (*records.EVALUATION_FIELDS, *records.EVALUATION_DATES)}
    initial.update(policy=found.policy_id, report_document=found.report_document_id)
    return _evaluation_form(request, forms.EvaluationForm(initial=initial, **choices), found.agency, title, found,
                            200)


@staff_required
def evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    found = _found(request, Evaluation, pk, "没有这项政策评估")
    if isinstance(found, HttpResponse):
        return found
    editable = found.status in records.EDITABLE
    return render(request, "participation/staff/evaluation.html", {
        "e": found, "agency": found.agency, "editable": editable,
        "actions": EVALUATION.available(request.user, found), "withdraw_form": forms.WithdrawForm(),
        "can_withdraw": EVALUATION.allows(request.user, found, "withdraw"),
        "refusal": records.evaluation_refusal(found) if editable else None, "history": history_rows(found, EVALUATION)})


@require_POST
@staff_required
def evaluation_action(request: HttpRequest, pk: int) -> HttpResponse:
    return _publish_or_withdraw(request, Evaluation, pk, "没有这项政策评估", records.publish_evaluation,
                                records.withdraw_evaluation,
                                ("政策评估已公开，并显示在所评估政策的页面上。", "政策评估已撤回，公众不再能看到。"),
                                "staff-evaluation")
