"""The work plan (工作要点): states through the engine, separation of duties, evidence checks, overdue across
weekends and holidays, XLSX import errors and round trip, the overdue indicator, and who sees which pages."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gongkai.assessment import services as assessment
from gongkai.assessment import workplan
from gongkai.assessment.indicators import Period, work_tasks_overdue
from gongkai.assessment.models import WorkPlan, WorkTask
from gongkai.assessment.rules import IndicatorCode, TaskState
from gongkai.assessment.scoring import ranking
from gongkai.core.errors import DomainError, IllegalTransition, PermissionDenied
from gongkai.core.models import AuditEntry
from gongkai.core.workdays import WorkCalendar
from tests import factories
from tests.assessment.workplan_factories import build_city, plan_with_task, xlsx
from tests.samples import minimal_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(db):
    return build_city()


def _link(document) -> str:
    return reverse("public-document", args=[document.pk])


def test_a_task_goes_from_pending_to_confirmed_each_move_audited(city):
    today = timezone.localdate()
    _, task = plan_with_task(city, today + dt.timedelta(days=30))
    assert task.state == TaskState.PENDING
    workplan.start_task(city["officer"], task)
    task = workplan.report_task(city["officer"], WorkTask.objects.get(pk=task.pk), text="已公开部门预算。",
                                links=_link(city["document"]),
                                upload=workplan.EvidenceFile("说明.pdf", minimal_pdf("佐证")))
    assert task.state == TaskState.REPORTED and task.reported_by == city["officer"]
    assert list(task.evidence_documents.all()) == [city["document"]] and task.evidence_name == "说明.pdf"
    assert default_storage.exists(task.evidence_file)
    task = workplan.confirm_task(city["office2"], task)
    assert task.state == TaskState.CONFIRMED and task.confirmed_on == today
    moves = list(AuditEntry.objects.filter(object_id=str(task.pk), object_type="assessment.worktask")
                 .order_by("pk").values_list("action", "from_state", "to_state"))
    assert moves == [("assessment.create_work_task", "", ""), ("start_task", "pending", "in_progress"),
                     ("report_task", "in_progress", "reported"), ("confirm_task", "reported", "confirmed")]
    with pytest.raises(IllegalTransition):
        workplan.confirm_task(city["office"], task)


def test_return_needs_a_reason_and_puts_the_task_back_in_progress(city):
    _, task = plan_with_task(city, timezone.localdate() + dt.timedelta(days=30))
    workplan.report_task(city["officer"], task, text="已完成。")
    with pytest.raises(DomainError) as refused:
        workplan.return_task(city["office"], task, "  ")
    assert refused.value.field == "comment" and WorkTask.objects.get(pk=task.pk).state == TaskState.REPORTED
    task = workplan.return_task(city["office"], task, "请补充公开网址。")
    assert task.state == TaskState.IN_PROGRESS and task.return_reason == "请补充公开网址。"
    # Reported again (by the same officer) and confirmed by the office user who returned it: both allowed.
    workplan.report_task(city["head"], WorkTask.objects.get(pk=task.pk), links=_link(city["document"]))
    assert workplan.confirm_task(city["office"], task).state == TaskState.CONFIRMED


def test_the_reporter_never_confirms_and_only_the_office_confirms(city):
    _, task = plan_with_task(city, timezone.localdate() + dt.timedelta(days=30))
    # The general office's head holds the handler role over every bureau and may report ...
    workplan.report_task(city["office"], task, text="办公室代为报完成。")
    # ... but then someone else confirms: separation of duties as the engine does it.
    with pytest.raises(PermissionDenied) as refused:
        workplan.confirm_task(city["office"], task)
    assert "须由不同的人员完成" in refused.value.message
    for outsider in (city["head"], city["officer"], city["teacher"]):  # the bureau's own office cannot confirm
        with pytest.raises(PermissionDenied):
            workplan.confirm_task(outsider, task)
    assert workplan.confirm_task(city["office2"], task).confirmed_by == city["office2"]


def test_only_the_owner_agency_reports_and_only_the_office_plans(city):
    plan, task = plan_with_task(city, timezone.localdate() + dt.timedelta(days=30))
    with pytest.raises(PermissionDenied):
        workplan.report_task(city["teacher"], task, text="不是本局的任务。")
    with pytest.raises(PermissionDenied):
        workplan.create_plan(city["officer"], year=2026, title="财政局自己的要点")
    with pytest.raises(PermissionDenied):
        workplan.add_task(city["head"], plan, workplan.TaskData("二", "任务", city["finance"].name, "2026-06-30"))


def test_evidence_is_required_and_checked_nothing_stored_when_refused(city):
    _, task = plan_with_task(city, timezone.localdate() + dt.timedelta(days=30))
    with pytest.raises(DomainError) as refused:
        workplan.report_task(city["officer"], task)
    assert "须附佐证" in refused.value.message
    draft = factories.make_document({"drafter": city["drafter"]}, city["finance"], publish=False, title="未公开的草稿")
    for links, upload, field in ((_link(draft), None, "evidence_links"),
                                 ("https://elsewhere.example.com/xxgk/documents/1/", None, "evidence_links"),
                                 ("", workplan.EvidenceFile("病毒.exe", b"MZ\x90\x00"), "evidence_file"),
                                 ("", workplan.EvidenceFile("假的.pdf", b"not a pdf at all"), "evidence_file")):
        with pytest.raises(DomainError) as refused:
            workplan.report_task(city["officer"], task, text="已完成。", links=links, upload=upload)
        assert field in refused.value.errors, refused.value.errors
    task.refresh_from_db()
    assert task.state == TaskState.PENDING and not task.evidence_file and not task.evidence_text


def test_overdue_counts_calendar_days_and_due_soon_counts_working_days_across_the_national_day_holiday(city):
    calendar = WorkCalendar.load()
    _, task = plan_with_task(city, dt.date(2025, 9, 30))
    # 2025: 10月1日至8日 放假, 9月28日（周日）调休上班. Nine calendar days late, one working day (10-09).
    status = workplan.task_status(task, dt.date(2025, 10, 9), calendar)
    assert status.overdue and status.late_workdays == 1 and workplan.is_overdue(task, dt.date(2025, 10, 9))
    # On the deadline itself it is not overdue yet.
    assert not workplan.task_status(task, dt.date(2025, 9, 30), calendar).overdue
    # Due 10-09 seen on Friday 09-26: 09-28 (make-up Sunday), 09-29, 09-30, 10-09 — four working days: due soon.
    task.due_on = dt.date(2025, 10, 9)
    soon = workplan.task_status(task, dt.date(2025, 9, 26), calendar)
    assert soon.remaining == 4 and soon.due_soon
    # Seven calendar days before a deadline after a weekend only: 2025-06-13 (Fri) → 06-20 (Fri) is 5 days.
    task.due_on = dt.date(2025, 6, 20)
    assert workplan.task_status(task, dt.date(2025, 6, 13), calendar).remaining == 5
    assert not workplan.task_status(task, dt.date(2025, 6, 12), calendar).due_soon  # 6 working days
    # Confirmed tasks are never overdue.
    task.state = TaskState.CONFIRMED
    assert workplan.task_status(task, dt.date(2026, 1, 1), calendar) is None
    assert not workplan.is_overdue(task, dt.date(2026, 1, 1))


def test_overdue_indicator_counts_tasks_late_in_the_period_and_a_scheme_can_weigh_it(city):
    today = timezone.localdate()
    _, late = plan_with_task(city, today - dt.timedelta(days=10), text="逾期未完成的任务")
    _, on_time = plan_with_task(city, today + dt.timedelta(days=10), text="尚未到期的任务")
    _, late_done = plan_with_task(city, today - dt.timedelta(days=20), text="逾期后完成的任务")
    workplan.report_task(city["officer"], late_done, text="已完成。")
    workplan.confirm_task(city["office2"], late_done)
    period = Period(today - dt.timedelta(days=5), today)
    measure = work_tasks_overdue(city["finance"], period)
    # The task confirmed today was still overdue on the earlier days of the period.
    assert measure.count == 2 and {e.url for e in measure.evidence} == {
        reverse("staff-workplan-task", args=[late.pk]), reverse("staff-workplan-task", args=[late_done.pk])}
    # A period that starts after the late task was confirmed counts it no more.
    assert work_tasks_overdue(city["finance"], Period(today + dt.timedelta(days=1),
                                                      today + dt.timedelta(days=1))).count == 0
    assert work_tasks_overdue(city["education"], period).count == 0
    scheme = assessment.create_scheme(city["office"], "含工作要点的方案", today.year)
    values = {code: {"weight": str(i.weight), "formula": i.formula, "points": str(i.points)}
              for i in scheme.indicators.all() for code in [i.indicator]}
    values[IndicatorCode.WORK_TASKS_OVERDUE] = {"weight": "10", "formula": "per_item", "points": "3"}
    assessment.update_scheme(city["office"], scheme, name=scheme.name, year=today.year, active=False,
                             indicators=values)
    row = next(r for r in ranking(scheme, [city["finance"]], period) if r.agency == city["finance"])
    assert row.line(IndicatorCode.WORK_TASKS_OVERDUE).score == Decimal("4.00")


def test_the_default_scheme_still_has_100_marks_without_the_new_indicator(city):
    from gongkai.assessment.models import Scheme

    scheme = assessment.create_scheme(city["office"], "默认方案副本", 2026)
    assert scheme.full_marks == 100
    assert not scheme.indicators.filter(indicator=IndicatorCode.WORK_TASKS_OVERDUE).exists()
    seeded = Scheme.objects.filter(active=True).first()
    assert seeded is None or seeded.full_marks == 100


def test_xlsx_import_is_all_or_nothing_with_row_errors(city):
    plan, _ = plan_with_task(city, dt.date(2026, 6, 30))
    upload = xlsx([["序号", "工作任务", "责任单位", "完成时限"],
                   ["二、（一）", "公开教育收费标准", city["education"].name, "2026-05-31"],
                   ["二、（二）", "", city["finance"].code, "2026-05-31"],
                   ["二、（三）", "公开某项目", "不存在的局", "2026-05-31"],
                   ["二、（四）", "公开另一项目", city["finance"].name, "五月底"]])
    with pytest.raises(DomainError) as refused:
        workplan.import_tasks(city["office"], plan, upload)
    problems = refused.value.errors["file"]
    assert problems[0].startswith("第 3 行：") and "请填写工作任务" in problems[0]
    assert problems[1].startswith("第 4 行：") and "不存在的局" in problems[1]
    assert problems[2].startswith("第 5 行：") and "年-月-日" in problems[2]
    assert plan.tasks.count() == 1  # nothing of the file stored
    with pytest.raises(DomainError) as refused:
        workplan.import_tasks(city["office"], plan, xlsx([["任务", "单位"], ["a", "b"]]))
    assert "表头缺少" in refused.value.message
    with pytest.raises(DomainError):
        workplan.import_tasks(city["office"], plan, io.BytesIO(b"not an xlsx"))


def test_xlsx_round_trip_keeps_the_tasks_and_export_adds_status_and_evidence(city):
    plan = workplan.create_plan(city["office"], year=2026, title="2026年政务公开工作要点",
                                source=_link(city["document"]))
    assert plan.source == city["document"]
    made = workplan.import_tasks(city["office"], plan, xlsx([
        ["序号", "工作任务", "责任单位", "完成时限", "配合单位"],
        ["一、（一）", "公开财政预决算", city["finance"].code, dt.datetime(2026, 6, 30), city["education"].name],
        ["一、（二）", "公开教育收费", city["education"].name, "2026/9/30", ""]]))
    assert [t.agency for t in made] == [city["finance"], city["education"]]
    assert list(made[0].partners.all()) == [city["education"]] and made[1].due_on == dt.date(2026, 9, 30)
    workplan.report_task(city["officer"], made[0], text="已公开。", links=_link(city["document"]))
    content = workplan.export_tasks(plan, list(plan.tasks.all()), today=dt.date(2026, 7, 10))
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("序号", "工作任务", "责任单位", "完成时限", "配合单位", "状态")
    assert rows[1][5] == "已报完成" and rows[1][6] == 10 and rows[1][7] == "已公开。"
    assert rows[1][8].endswith(_link(city["document"])) and rows[2][6] in ("", None)
    copy = workplan.create_plan(city["office"], year=2026, title="副本")
    again = workplan.import_tasks(city["office"], copy, io.BytesIO(content))
    assert [(t.number, t.text, t.agency, t.due_on) for t in again] == \
        [(t.number, t.text, t.agency, t.due_on) for t in made]


def test_pages_show_the_office_everything_and_an_agency_only_its_own(client, city):
    plan, task = plan_with_task(city, timezone.localdate() - dt.timedelta(days=3))
    other = workplan.add_task(city["office"], plan, workplan.TaskData("二", "教育局的任务", city["education"].code,
                                                                      "2026-12-31"))
    client.force_login(city["office"])
    page = client.get(reverse("staff-workplan", args=[plan.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and "教育局的任务" in text and "已逾期 3 天" in text and 'class="overdue"' in text
    assert client.get(reverse("staff-workplan", args=[plan.pk]) + "?status=overdue").context["rows"][0]["task"] == task
    assert [r["task"] for r in client.get(reverse("staff-workplan", args=[plan.pk]) + "?agency="
                                          + city["education"].code).context["rows"]] == [other]
    dashboard = client.get(reverse("staff-dashboard")).content.decode()
    assert plan.title in dashboard and "逾期 1 项" in dashboard
    client.force_login(city["teacher"])
    page = client.get(reverse("staff-workplan", args=[plan.pk]))
    assert [r["task"] for r in page.context["rows"]] == [other]
    assert client.get(reverse("staff-workplan-task", args=[task.pk])).status_code == 404
    assert client.get(reverse("staff-workplan-new")).status_code == 403
    assert "教育局的任务" in client.get(reverse("staff-dashboard")).content.decode()
    client.force_login(city["drafter"])  # staff without a disclosure role
    assert client.get(reverse("staff-workplans")).status_code == 403


def test_forms_keep_what_was_typed_and_store_nothing_on_bad_input(client, city):
    plan, task = plan_with_task(city, dt.date(2026, 6, 30))
    client.force_login(city["office"])
    response = client.post(reverse("staff-workplan-task-new", args=[plan.pk]),
                           {"number": "三", "text": "保留的任务文字", "agency": city["finance"].code, "due_on": "明天"})
    assert response.status_code == 400 and "保留的任务文字" in response.content.decode()
    assert "年-月-日" in response.content.decode() and plan.tasks.count() == 1
    response = client.post(reverse("staff-workplan-new"), {"year": "20x6", "title": "我的要点", "source": ""})
    assert response.status_code == 400 and "我的要点" in response.content.decode()
    assert not WorkPlan.objects.filter(title="我的要点").exists()
    client.force_login(city["officer"])
    response = client.post(reverse("staff-workplan-task-action", args=[task.pk]),
                           {"action": "report_task", "evidence_text": "", "evidence_links": "/nope/"})
    assert response.status_code == 400 and "不是本站已公开文件" in response.content.decode()
    evidence = io.BytesIO(minimal_pdf("佐证"))
    evidence.name = "佐证.pdf"
    response = client.post(reverse("staff-workplan-task-action", args=[task.pk]),
                           {"action": "report_task", "evidence_text": "已完成。", "evidence_file": evidence})
    assert response.status_code == 302 and WorkTask.objects.get(pk=task.pk).state == TaskState.REPORTED
    download = client.get(reverse("staff-workplan-evidence", args=[task.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    # The officer may not confirm: the page says so and nothing moves.
    response = client.post(reverse("staff-workplan-task-action", args=[task.pk]), {"action": "confirm_task"},
                           follow=True)
    assert "政府办公室" in response.content.decode()
    assert WorkTask.objects.get(pk=task.pk).state == TaskState.REPORTED


def test_the_scheme_page_offers_the_indicator_at_zero_marks(client, city):
    client.force_login(city["office"])
    page = client.get(reverse("staff-assessment-scheme", args=[0]))
    assert "工作要点任务逾期" in page.content.decode()
    assert page.context["values"][f"weight_{IndicatorCode.WORK_TASKS_OVERDUE}"] == "0"
    data = page.context["values"] | {"name": "带工作要点的方案", f"weight_{IndicatorCode.WORK_TASKS_OVERDUE}": "5",
                                     "year": "2026"}
    assert client.post(reverse("staff-assessment-scheme", args=[0]), data).status_code == 302
    from gongkai.assessment.models import Scheme

    scheme = Scheme.objects.get(name="带工作要点的方案")
    assert scheme.full_marks == 105 and scheme.indicators.get(indicator=IndicatorCode.WORK_TASKS_OVERDUE).weight == 5


def test_a_report_longer_than_20000_characters_is_refused_at_the_field(client, city):
    _, task = plan_with_task(city, timezone.localdate() + dt.timedelta(days=30))
    text = "完" * 20002
    with pytest.raises(DomainError) as refused:
        workplan.report_task(city["office"], task, text=text)
    assert "20000" in refused.value.errors["evidence_text"][0]
    client.force_login(city["office"])
    response = client.post(reverse("staff-workplan-task-action", args=[task.pk]),
                           {"action": "report_task", "evidence_text": text})
    assert response.status_code == 400 and "不能超过 20000 个字" in response.content.decode()
    assert text in response.content.decode()
    task.refresh_from_db()
    assert task.state == TaskState.PENDING and not task.evidence_text
