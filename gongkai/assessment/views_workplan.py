"""Staff pages of the work plan (工作要点): the plans, a plan's tasks with filters and progress, a task with its
evidence and history, and the forms that create, import, report, confirm and return. The general office sees
every task under it; an agency's staff see their own agency's tasks only."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gongkai.assessment import workplan
from gongkai.assessment.access import office_agencies
from gongkai.assessment.models import WorkPlan, WorkTask
from gongkai.assessment.rules import TaskState
from gongkai.assessment.states import TASK
from gongkai.core.audit import history
from gongkai.core.errors import DomainError
from gongkai.core.middleware import takes_uploads
from gongkai.core.workdays import WorkCalendar
from gongkai.staff.decorators import forbidden, staff_required

_NO_ROLE = "工作要点仅供本级政府办公室（政务公开主管部门）和各机关的政府信息公开工作人员使用。"
_NOT_OFFICE = "工作要点由本级政府办公室（政务公开主管部门）的管理员或政府信息公开工作机构负责人制定。"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ID = 2**31 - 1


def _allowed(user) -> bool:
    return bool(office_agencies(user) or workplan.handled_agencies(user))


def _plan(request: HttpRequest, pk: int) -> WorkPlan:
    plan = workplan.visible_plans(request.user).filter(pk=pk).first() if pk <= MAX_ID else None
    if plan is None:
        raise Http404("没有这份工作要点")
    return plan


def _task(request: HttpRequest, pk: int) -> WorkTask:
    task = workplan.visible_tasks(request.user).filter(pk=pk).first() if pk <= MAX_ID else None
    if task is None:
        raise Http404("没有这项任务")
    return task


def _rows(tasks, today, calendar) -> list[dict]:
    rows = []
    for task in tasks:
        status = workplan.task_status(task, today, calendar)
        rows.append({"task": task, "status": status, "overdue": bool(status and status.overdue),
                     "late_days": (today - task.due_on).days if status and status.overdue else 0})
    return rows


@staff_required
def plans(request: HttpRequest) -> HttpResponse:
    """The work plans the user sees, with each one's progress."""
    if not _allowed(request.user):
        return forbidden(request, _NO_ROLE)
    visible = workplan.visible_tasks(request.user)
    items = []
    for plan in workplan.visible_plans(request.user):
        tasks = list(visible.filter(plan=plan))
        done = sum(1 for t in tasks if t.done)
        items.append({"plan": plan, "total": len(tasks), "done": done,
                      "percent": round(done * 100 / len(tasks)) if tasks else 0})
    return render(request, "assessment/workplan/plans.html", {"items": items,
                                                              "office": bool(office_agencies(request.user))})


@staff_required
def plan_new(request: HttpRequest) -> HttpResponse:
    """Create a work plan; bad input keeps what was typed and stores nothing."""
    if not office_agencies(request.user):
        return forbidden(request, _NOT_OFFICE)
    values = {"year": str(timezone.localdate().year), "title": "", "source": ""}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values}
        try:
            plan = workplan.create_plan(request.user, **values)
        except DomainError as exc:
            errors = exc.errors or {"__all__": [exc.message]}
        else:
            messages.success(request, f"已创建“{plan.title}”，请添加或导入工作任务。")
            return redirect("staff-workplan", pk=plan.pk)
    return render(request, "assessment/workplan/plan_form.html", {
        "values": values, "errors": errors, "general_errors": errors.get("__all__", [])},
                  status=400 if errors else 200)


def _task_values(request: HttpRequest | None = None) -> dict:
    keys = ("number", "text", "agency", "due_on")
    if request is None:
        return {k: "" for k in keys} | {"partners": []}
    return {k: request.POST.get(k, "") for k in keys} | {"partners": request.POST.getlist("partners")}


@staff_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A plan's tasks, filterable by status and owner agency, with its progress; the office's forms below."""
    if not _allowed(request.user):
        return forbidden(request, _NO_ROLE)
    plan = _plan(request, pk)
    return _render_plan(request, plan)


def _render_plan(request: HttpRequest, plan: WorkPlan, *, values: dict | None = None, errors: dict | None = None,
                 import_errors: list[str] | None = None, status: int = 200) -> HttpResponse:
    today, calendar = timezone.localdate(), WorkCalendar.load()
    tasks = workplan.visible_tasks(request.user).filter(plan=plan).prefetch_related("partners")
    all_rows = _rows(tasks, today, calendar)
    state, agency = request.GET.get("status", ""), request.GET.get("agency", "")
    rows = all_rows
    if state == "overdue":
        rows = [r for r in rows if r["overdue"]]
    elif state in TaskState.values:
        rows = [r for r in rows if r["task"].state == state]
    if agency:
        rows = [r for r in rows if r["task"].agency.code == agency]
    done = sum(1 for r in all_rows if r["task"].done)
    office = workplan.is_office_for(request.user, plan)
    agencies = sorted({r["task"].agency for r in all_rows}, key=lambda a: (a.order, a.pk))
    return render(request, "assessment/workplan/plan.html", {
        "plan": plan, "rows": rows, "total": len(all_rows), "done": done,
        "percent": round(done * 100 / len(all_rows)) if all_rows else 0,
        "overdue": sum(1 for r in all_rows if r["overdue"]), "office": office,
        "states": TaskState.choices, "state": state, "agency": agency, "agencies": agencies,
        "choices": workplan.plan_agencies(plan) if office else [],
        "values": values or _task_values(), "errors": errors or {}, "import_errors": import_errors or []},
        status=status)


@staff_required
def task_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a task to a plan (the form is on the plan page); GET goes there."""
    if not office_agencies(request.user):
        return forbidden(request, _NOT_OFFICE)
    plan = _plan(request, pk)
    if not workplan.is_office_for(request.user, plan):
        return forbidden(request, _NOT_OFFICE)
    if request.method != "POST":
        return redirect(reverse("staff-workplan", args=[plan.pk]) + "#new-task")
    values = _task_values(request)
    try:
        task = workplan.add_task(request.user, plan, workplan.TaskData(
            values["number"], values["text"], values["agency"], values["due_on"], tuple(values["partners"])))
    except DomainError as exc:
        return _render_plan(request, plan, values=values, errors=exc.errors or {"__all__": [exc.message]},
                            status=400)
    messages.success(request, f"已添加任务 {task.number}。")
    return redirect("staff-workplan", pk=plan.pk)


@require_POST
@takes_uploads
@staff_required
def task_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Import tasks from XLSX: all or nothing, each bad row named."""
    if not office_agencies(request.user):
        return forbidden(request, _NOT_OFFICE)
    plan = _plan(request, pk)
    if not workplan.is_office_for(request.user, plan):
        return forbidden(request, _NOT_OFFICE)
    upload = request.FILES.get("file")
    if upload is None:
        return _render_plan(request, plan, import_errors=["请选择要导入的 Excel（.xlsx）文件。"], status=400)
    try:
        made = workplan.import_tasks(request.user, plan, upload)
    except DomainError as exc:
        problems = (exc.errors or {}).get("file") or [exc.message]
        return _render_plan(request, plan, import_errors=problems, status=400)
    messages.success(request, f"已导入 {len(made)} 项任务。")
    return redirect("staff-workplan", pk=plan.pk)


@staff_required
def plan_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The tasks the user sees in the plan as XLSX, with status and evidence."""
    if not _allowed(request.user):
        return forbidden(request, _NO_ROLE)
    plan = _plan(request, pk)
    tasks = list(workplan.visible_tasks(request.user).filter(plan=plan).prefetch_related("partners",
                                                                                          "evidence_documents"))
    response = HttpResponse(workplan.export_tasks(plan, tasks), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(plan.title + '.xlsx')}"
    return response


def _render_task(request: HttpRequest, task: WorkTask, *, values: dict | None = None, errors: dict | None = None,
                 status: int = 200) -> HttpResponse:
    today, calendar = timezone.localdate(), WorkCalendar.load()
    labels = TASK.labels()
    entries = [{"entry": e, "label": labels.get(e.action, {"assessment.create_work_task": "创建任务"}.get(e.action, e.action)),
                "from": TASK.state_label(e.from_state) if e.from_state else "",
                "to": TASK.state_label(e.to_state) if e.to_state else ""}
               for e in history(task).select_related("actor")]
    return render(request, "assessment/workplan/task.html", {
        "task": task, "plan": task.plan, "row": _rows([task], today, calendar)[0],
        "can_start": TASK.allows(request.user, task, "start_task"),
        "can_report": TASK.allows(request.user, task, "report_task"),
        "can_confirm": TASK.allows(request.user, task, "confirm_task"),
        "can_return": TASK.allows(request.user, task, "return_task"),
        "duty_refusal": TASK.duty_refusal(request.user, task),
        "documents": list(task.evidence_documents.all()), "history": entries,
        "values": values or {"evidence_text": task.evidence_text, "evidence_links": "", "comment": ""},
        "errors": errors or {}}, status=status)


@staff_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One task: deadline, state, evidence, history, and the forms the user may use now."""
    if not _allowed(request.user):
        return forbidden(request, _NO_ROLE)
    return _render_task(request, _task(request, pk))


@require_POST
@takes_uploads
@staff_required
def task_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Start, report (with evidence), confirm or return a task. A refusal is shown on the task page; bad evidence
    re-shows the form with what was typed."""
    if not _allowed(request.user):
        return forbidden(request, _NO_ROLE)
    task = _task(request, pk)
    name = request.POST.get("action", "")
    values = {"evidence_text": request.POST.get("evidence_text", ""),
              "evidence_links": request.POST.get("evidence_links", ""), "comment": request.POST.get("comment", "")}
    try:
        if name == "start_task":
            workplan.start_task(request.user, task)
        elif name == "report_task":
            upload = request.FILES.get("evidence_file")
            workplan.report_task(request.user, task, text=values["evidence_text"], links=values["evidence_links"],
                                 upload=workplan.EvidenceFile(upload.name, upload.read()) if upload else None)
        elif name == "confirm_task":
            workplan.confirm_task(request.user, task)
        elif name == "return_task":
            workplan.return_task(request.user, task, values["comment"])
        else:
            raise Http404("没有这个操作")
    except DomainError as exc:
        if exc.errors or exc.field:  # what was typed is wrong, not who typed it: show the form again
            return _render_task(request, task, values=values, errors=exc.errors or {exc.field: [exc.message]},
                                status=400)
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已完成“{TASK.transition(name).label}”。")
    return redirect("staff-workplan-task", pk=task.pk)


@staff_required
def evidence_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The evidence file attached to a task's report."""
    if not _allowed(request.user):
        return forbidden(request, _NO_ROLE)
    task = _task(request, pk)
    if not task.evidence_file:
        raise Http404("没有佐证附件")
    response = FileResponse(default_storage.open(task.evidence_file, "rb"), as_attachment=True,
                            filename=task.evidence_name, content_type=task.evidence_type or None)
    return response

