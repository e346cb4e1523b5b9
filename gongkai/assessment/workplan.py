"""The work plan (工作要点): the general office writes a year's tasks (one by one or from XLSX), the owner
agencies report them done with evidence, the general office confirms or returns them, and a daily job mails
reminders of tasks due soon or overdue. These functions are the only write path; each validates first, stores
in one transaction and audits what it did (state moves through the engine, states.TASK)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from io import BytesIO
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from gongkai.assessment import rules
from gongkai.assessment.access import office_agencies
from gongkai.assessment.models import TaskReminder, WorkPlan, WorkTask
from gongkai.assessment.rules import TaskState
from gongkai.assessment.states import HANDLERS, TASK
from gongkai.core.audit import record
from gongkai.core.errors import DomainError, PermissionDenied
from gongkai.core.forms import MAX_BOX
from gongkai.core.workdays import DueStatus, WorkCalendar, due_status
from gongkai.orgs.models import Agency, RoleGrant
from gongkai.orgs.permissions import agencies_for

_NOT_OFFICE = "工作要点由本级政府办公室（政务公开主管部门）的管理员或政府信息公开工作机构负责人制定。"
EVIDENCE_FIELD, LINKS_FIELD = "evidence_file", "evidence_links"
MAIL_PURPOSE = "workplan_reminder"


# -- who sees what --------------------------------------------------------------------------------------------

def handled_agencies(user) -> list[Agency]:
    """Agencies whose tasks `user` carries out (a handler role there, or above with covers_subordinates)."""
    ids: set[int] = set()
    for role in HANDLERS:
        ids.update(a.pk for a in agencies_for(user, role))
    return list(Agency.objects.filter(pk__in=ids))


def visible_tasks(user) -> QuerySet[WorkTask]:
    """The tasks `user` may see: all under the general office's agencies, and their own agencies' tasks."""
    ids = {a.pk for a in office_agencies(user)} | {a.pk for a in handled_agencies(user)}
    return WorkTask.objects.filter(agency_id__in=ids).select_related("plan", "agency")


def visible_plans(user) -> QuerySet[WorkPlan]:
    """Plans the user's office made, and plans holding a task of the user's agencies."""
    office = [a.pk for a in office_agencies(user)]
    mine = visible_tasks(user).values("plan_id")
    return WorkPlan.objects.filter(Q(agency_id__in=office) | Q(pk__in=mine)).distinct()


def is_office_for(user, plan: WorkPlan) -> bool:
    """Whether `user` is the general office over the agency that made `plan`."""
    return plan.agency in office_agencies(user)


def _require_office(user, plan: WorkPlan | None = None) -> list[Agency]:
    agencies = office_agencies(user)
    if not agencies or (plan is not None and plan.agency not in agencies):
        raise PermissionDenied(_NOT_OFFICE)
    return agencies


def plan_agencies(plan: WorkPlan) -> list[Agency]:
    """The agencies a task of `plan` may be given to: the plan's agency and every one below it."""
    return list(Agency.objects.filter(pk__in=plan.agency.descendant_ids()).order_by("order", "pk"))


# -- deadlines ------------------------------------------------------------------------------------------------

def warn_days() -> int:
    return settings.GONGKAI_WORKPLAN_REMIND_DAYS


def task_status(task: WorkTask, today: dt.date, calendar: WorkCalendar) -> DueStatus | None:
    """Where the task's deadline stands on `today`; None once it is confirmed done (nothing is due any more)."""
    if task.state == TaskState.CONFIRMED:
        return None
    return due_status(task.due_on, today, calendar, warn_days())


def is_overdue(task: WorkTask, today: dt.date) -> bool:
    """Overdue: the deadline has passed and the general office has not confirmed the task done."""
    return task.state != TaskState.CONFIRMED and today > task.due_on


def overdue_in_period(agency: Agency, start: dt.date, end: dt.date) -> list[WorkTask]:
    """Tasks of `agency` overdue on some day from `start` to `end`: due before that day, not confirmed by it."""
    found = []
    for task in WorkTask.objects.filter(agency=agency, due_on__lt=end).select_related("plan").order_by("due_on", "pk"):
        first_late_day = max(start, task.due_on + dt.timedelta(days=1))
        if first_late_day <= end and (task.confirmed_on is None or task.confirmed_on > first_late_day):
            found.append(task)
    return found


# -- plans and tasks ------------------------------------------------------------------------------------------

def public_document(address: str, field: str):
    """The library Document a link to its public page points at, if the public may see it; else DomainError."""
    from gongkai.publishing.visibility import public_document_at

    address = (address or "").strip()
    document = public_document_at(address)
    if document is None:
        raise DomainError(f"“{address[:80]}”不是本站已公开文件的网址（例如 /xxgk/documents/123/）。", field=field)
    return document


@transaction.atomic
def create_plan(user, *, year: int | str, title: str, source: str = "", agency: Agency | None = None) -> WorkPlan:
    """A new work plan of the general office's root agency (`agency`, default the first it covers), optionally
    tied to the published document it comes from."""
    agencies = _require_office(user)
    if agency is not None and (agency not in agencies or agency.parent_id is not None):
        raise PermissionDenied(_NOT_OFFICE)
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = ["请填写工作要点标题，例如“2026年政务公开工作要点”。"]
    elif len(title) > 200:
        errors["title"] = ["标题不能超过 200 个字。"]
    year_text = str(year or "").strip()
    if not (year_text.isdigit() and 2000 <= int(year_text) <= 2100):
        errors["year"] = ["年度须为 2000 至 2100 之间的四位数字。"]
    document = None
    if (source or "").strip():
        try:
            document = public_document(source, "source")
        except DomainError as exc:
            errors["source"] = [exc.message]
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    roots = sorted((a for a in agencies if a.parent_id is None), key=lambda a: (a.order, a.pk))
    plan = WorkPlan.objects.create(agency=agency or (roots[0] if roots else agencies[0]), year=int(year_text),
                                   title=title,
                                   source=document)
    record(user, "assessment.create_work_plan", plan, title=title, year=plan.year,
           source=document.pk if document else None)
    return plan


@dataclass(frozen=True)
class TaskData:
    """A task as typed or imported; agencies by name or code."""

    number: str
    text: str
    agency: str
    due_on: str | dt.date
    partners: tuple[str, ...] = ()


def _find_agency(value: str, by_key: dict[str, Agency]) -> Agency | None:
    return by_key.get((value or "").strip())


def _date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip().replace("/", "-").replace(".", "-")
    for suffix in ("日",):
        text = text.removesuffix(suffix)
    text = text.replace("年", "-").replace("月", "-")
    try:
        year, month, day = (int(p) for p in text.split("-"))
        return dt.date(year, month, day)
    except ValueError:
        return None


def _clean_task(data: TaskData, by_key: dict[str, Agency]) -> tuple[dict, dict[str, list[str]]]:
    """The task's values ready to store, or the message of each bad field."""
    errors: dict[str, list[str]] = {}
    text = (data.text or "").strip()
    if not text:
        errors["text"] = ["请填写工作任务。"]
    number = (data.number or "").strip()
    if len(number) > 30:
        errors["number"] = ["序号不能超过 30 个字。"]
    agency = _find_agency(data.agency, by_key)
    if not (data.agency or "").strip():
        errors["agency"] = ["请填写责任单位。"]
    elif agency is None:
        errors["agency"] = [f"责任单位“{str(data.agency).strip()[:40]}”不是本级政府所属的机关（请填写机关名称或机构代码）。"]
    partners = []
    for value in data.partners:
        if not str(value).strip():
            continue
        found = _find_agency(value, by_key)
        if found is None:
            errors.setdefault("partners", []).append(f"配合单位“{str(value).strip()[:40]}”不是本级政府所属的机关。")
        elif found != agency and found not in partners:
            partners.append(found)
    due_on = _date(data.due_on)
    if not str(data.due_on or "").strip():
        errors["due_on"] = ["请填写完成时限。"]
    elif due_on is None:
        errors["due_on"] = ["完成时限请按“年-月-日”填写，例如 2026-06-30。"]
    elif not 2000 <= due_on.year <= 2100:
        errors["due_on"] = ["完成时限的年份须在 2000 至 2100 之间。"]
    return {"number": number, "text": text, "agency": agency, "partners": partners, "due_on": due_on}, errors


def _keys(plan: WorkPlan) -> dict[str, Agency]:
    by_key: dict[str, Agency] = {}
    for agency in plan_agencies(plan):
        by_key[agency.name] = agency
        by_key[agency.code] = agency
    return by_key


def _store_task(user, plan: WorkPlan, clean: dict, order: int, how: str) -> WorkTask:
    task = WorkTask.objects.create(plan=plan, number=clean["number"], text=clean["text"], agency=clean["agency"],
                                   due_on=clean["due_on"], order=order)
    task.partners.set(clean["partners"])
    record(user, "assessment.create_work_task", task, plan=plan.pk, agency=task.agency.code,
           due_on=f"{task.due_on:%Y-%m-%d}", how=how)
    return task


@transaction.atomic
def add_task(user, plan: WorkPlan, data: TaskData) -> WorkTask:
    """Add one task to `plan`; DomainError with every bad field's message, nothing stored."""
    _require_office(user, plan)
    clean, errors = _clean_task(data, _keys(plan))
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    order = (plan.tasks.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    return _store_task(user, plan, clean, order, "form")


def _sheet_rows(upload: IO[bytes]) -> list[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 — any unreadable file gets the same answer
        raise DomainError("无法读取该文件，请上传 Excel（.xlsx）格式的任务清单。", field="file") from None
    rows = [(n, list(row)) for n, row in enumerate(book.active.iter_rows(values_only=True), start=1)]
    book.close()
    return rows


@transaction.atomic
def import_tasks(user, plan: WorkPlan, upload: IO[bytes]) -> list[WorkTask]:
    """Import tasks from XLSX (columns 序号, 工作任务, 责任单位, 完成时限; 配合单位 optional): all or nothing,
    with every bad row's Chinese message."""
    _require_office(user, plan)
    rows = _sheet_rows(upload)
    if not rows:
        raise DomainError("文件是空的。", field="file")
    header = [str(v or "").strip() for v in rows[0][1]]
    missing = [c for c in rules.TASK_COLUMNS if c not in header]
    if missing:
        raise DomainError(f"表头缺少“{'”“'.join(missing)}”列；第一行应为：{'、'.join(rules.TASK_COLUMNS)}（可加“配合单位”）。",
                          field="file")
    at = {name: header.index(name) for name in [*rules.TASK_COLUMNS, "配合单位"] if name in header}
    body = [(n, r) for n, r in rows[1:] if any(str(v or "").strip() for v in r)]
    if not body:
        raise DomainError("文件中没有任务（第二行起每行一项任务）。", field="file")
    if len(body) > rules.MAX_TASKS_PER_IMPORT:
        raise DomainError(f"一次最多导入 {rules.MAX_TASKS_PER_IMPORT} 项任务。", field="file")
    by_key = _keys(plan)
    cleaned, problems = [], []

    def cell(row: list, name: str):
        index = at.get(name)
        value = row[index] if index is not None and index < len(row) else None
        return value if isinstance(value, dt.date) else ("" if value is None else str(value))

    for n, row in body:
        partners = tuple(p for p in str(cell(row, "配合单位")).replace("，", ",").replace("、", ",").split(","))
        clean, errors = _clean_task(TaskData(cell(row, "序号"), cell(row, "工作任务"), cell(row, "责任单位"),
                                             cell(row, "完成时限"), partners), by_key)
        if errors:
            problems.append(f"第 {n} 行：" + "".join(m for messages in errors.values() for m in messages))
        cleaned.append(clean)
    if problems:
        raise DomainError("导入失败，未导入任何任务。" + " ".join(problems[:20])
                          + (f" 另有 {len(problems) - 20} 行有错误。" if len(problems) > 20 else ""),
                          field="file", errors={"file": problems})
    start = plan.tasks.order_by("-order").values_list("order", flat=True).first() or 0
    return [_store_task(user, plan, clean, start + i + 1, "import") for i, clean in enumerate(cleaned)]


# -- the workflow -----------------------------------------------------------------------------------------------

@transaction.atomic
def start_task(user, task: WorkTask) -> WorkTask:
    """The owner agency starts work on the task."""
    TASK.apply(user, task, "start_task")
    return task


@dataclass(frozen=True)
class EvidenceFile:
    name: str
    content: bytes


def _check_file(upload: EvidenceFile) -> tuple[str, str]:
    """(clean name, content type) of an acceptable evidence file, checked like the library's attachments."""
    from gongkai.publishing import extract

    name = extract.clean_name(upload.name) or "附件"
    if not upload.content:
        raise DomainError(f"文件“{name}”是空文件。", field=EVIDENCE_FIELD)
    if len(upload.content) > settings.GONGKAI_MAX_UPLOAD_BYTES:
        raise DomainError(f"文件“{name}”超过单个附件的大小上限。", field=EVIDENCE_FIELD)
    try:
        _, content_type = extract.check_file(name, upload.content[:16])
    except DomainError as exc:
        raise DomainError(exc.message, field=EVIDENCE_FIELD) from None
    return name, content_type


def report_task(user, task: WorkTask, *, text: str = "", links: str = "",
                upload: EvidenceFile | None = None) -> WorkTask:
    """The owner agency reports the task done with evidence: a text, links to public documents of the library
    and/or a file. Everything is checked first; the file is stored before the transaction and removed if it fails."""
    TASK.check(user, task, "report_task")
    text = (text or "").strip()
    errors: dict[str, list[str]] = {}
    documents = []
    for line in (links or "").splitlines():
        if line.strip():
            try:
                documents.append(public_document(line.rpartition("|")[2] if "|" in line else line, LINKS_FIELD))
            except DomainError as exc:
                errors.setdefault(LINKS_FIELD, []).append(exc.message)
    if len(documents) > rules.MAX_EVIDENCE_DOCUMENTS:
        errors.setdefault(LINKS_FIELD, []).append(f"佐证文件最多引用 {rules.MAX_EVIDENCE_DOCUMENTS} 件。")
    file_info = None
    if upload is not None:
        try:
            file_info = _check_file(upload)
        except DomainError as exc:
            errors.setdefault(EVIDENCE_FIELD, []).append(exc.message)
    if len(text) > MAX_BOX:
        errors.setdefault("evidence_text", []).append(f"完成情况不能超过 {MAX_BOX} 个字（现有 {len(text)} 个字）。")
    if not errors and not (text or documents or file_info):
        errors["evidence_text"] = ["报完成须附佐证：填写完成情况，或引用本站已公开的文件，或上传佐证附件。"]
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    stored = ""
    if file_info is not None:
        digest = hashlib.sha256(upload.content).hexdigest()[:16]
        ext = file_info[0].rsplit(".", 1)[-1].lower()
        stored = default_storage.save(f"assessment/evidence/{task.pk}/{timezone.now():%Y%m%d}-{digest}.{ext}",
                                      ContentFile(upload.content))
    try:
        with transaction.atomic():
            task = WorkTask.objects.select_for_update().get(pk=task.pk)
            task.evidence_text = text
            if stored:
                task.evidence_file, task.evidence_name, task.evidence_type = stored, file_info[0], file_info[1]
            task.reported_at, task.reported_by, task.return_reason = timezone.now(), user, ""
            TASK.apply(user, task, "report_task", evidence_text=text[:500],
                       documents=[d.pk for d in documents], file=file_info[0] if file_info else "")
            task.evidence_documents.set(documents)
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise
    return task


@transaction.atomic
def confirm_task(user, task: WorkTask) -> WorkTask:
    """The general office confirms the reported task done (someone other than who reported it)."""
    task = WorkTask.objects.select_for_update().select_related("agency").get(pk=task.pk)
    TASK.check(user, task, "confirm_task")
    task.confirmed_on, task.confirmed_by = timezone.localdate(), user
    TASK.apply(user, task, "confirm_task")
    return task


@transaction.atomic
def return_task(user, task: WorkTask, reason: str) -> WorkTask:
    """The general office returns the report with a reason; the task is in progress again."""
    task = WorkTask.objects.select_for_update().select_related("agency").get(pk=task.pk)
    reason = (reason or "").strip()
    TASK.check(user, task, "return_task")
    task.return_reason = reason
    TASK.apply(user, task, "return_task", comment=reason)
    return task


# -- export -----------------------------------------------------------------------------------------------------

def export_tasks(plan: WorkPlan, tasks: list[WorkTask], today: dt.date | None = None) -> bytes:
    """The tasks as XLSX: the import's columns, then status, overdue days and evidence."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    today = today or timezone.localdate()
    book = Workbook()
    sheet = book.active
    sheet.title = "工作任务"
    sheet.append([*rules.TASK_COLUMNS, "配合单位", "状态", "逾期天数", "完成情况", "佐证文件", "佐证附件", "确认日期"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    base = settings.GONGKAI_BASE_URL
    for task in tasks:
        sheet.append([task.number, task.text, task.agency.name, task.due_on,
                      "、".join(a.name for a in task.partners.all()), task.get_state_display(),
                      (today - task.due_on).days if is_overdue(task, today) else "",
                      task.evidence_text,
                      "\n".join(base + reverse("public-document", args=[d.pk]) for d in task.evidence_documents.all()),
                      task.evidence_name, task.confirmed_on or ""])
        sheet.cell(sheet.max_row, 4).number_format = "yyyy-mm-dd"
        sheet.cell(sheet.max_row, 11).number_format = "yyyy-mm-dd"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


# -- reminders --------------------------------------------------------------------------------------------------

def recipients(agency: Agency) -> list:
    """Who is reminded of an agency's tasks: its own disclosure officers and head (granted in the agency itself,
    so the offices above are not mailed for every agency below them), active staff with an e-mail address."""
    grants = (RoleGrant.objects.filter(agency=agency, role__in=HANDLERS, user__is_active=True, user__is_staff=True)
              .exclude(user__email="").select_related("user").order_by("user_id"))
    return list({g.user_id: g.user for g in grants}.values())


def _reminder_body(task: WorkTask, status: DueStatus) -> tuple[str, str]:
    from gongkai.orgs.site import site_name

    site = site_name()
    what = "已逾期" if status.overdue else "即将到期"
    late = f"，已逾期 {(status.today - task.due_on).days} 天" if status.overdue else f"，{status.label}"
    body = (f"您好：\n\n《{task.plan.title}》中由{task.agency.name}负责的工作任务{what}：\n\n"
            f"{task.number} {task.text}\n\n完成时限：{task.due_on:%Y-%m-%d}{late}；当前状态：{task.get_state_display()}。\n\n"
            f"请登录工作台办理并报完成：{settings.GONGKAI_BASE_URL}{reverse('staff-workplan-task', args=[task.pk])}\n\n"
            f"{site}\n")
    return f"【{site}】工作要点任务{what}：{task.number} {task.text[:30]}", body


def send_reminders(today: dt.date | None = None) -> int:
    """Queue a reminder for each open task due within the set working days or overdue, at most once per task
    per day (TaskReminder records it); return how many tasks were reminded about. Nothing when mail is off."""
    from gongkai.core import outbox

    if not outbox.mail_enabled():
        return 0
    today = today or timezone.localdate()
    calendar = WorkCalendar.load()
    reminded = 0
    candidates = (WorkTask.objects.filter(state__in=rules.OPEN_TASK_STATES)
                  .exclude(reminders__sent_on=today).select_related("plan", "agency").order_by("due_on", "pk"))
    for task in candidates:
        status = task_status(task, today, calendar)
        # A reported task waits for the general office, not for the agency: only an overdue one is chased.
        if status is None or not (status.overdue or (status.due_soon and task.state != TaskState.REPORTED)):
            continue
        people = recipients(task.agency)
        if not people:
            continue
        try:
            with transaction.atomic():
                TaskReminder.objects.create(task=task, sent_on=today, kind="overdue" if status.overdue else "due_soon",
                                            recipients=", ".join(u.email for u in people))
                subject, body = _reminder_body(task, status)
                for user in people:
                    outbox.queue_mail(user.email, subject, body, purpose=MAIL_PURPOSE)
        except IntegrityError:  # another worker reminded about it today already
            continue
        reminded += 1
    return reminded
