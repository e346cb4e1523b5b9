"""Demo data of the work plan: this year's 工作要点 of the demo city with tasks in every state — one not started,
one overdue, one reported, one confirmed — and a disclosure officer of the civil affairs bureau to report."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from gongkai.assessment import workplan
from gongkai.assessment.models import WorkPlan
from gongkai.orgs import services as org_services
from gongkai.orgs.models import Agency
from gongkai.orgs.roles import Role

ROOT, OFFICE, FINANCE, CIVIL, HOUSING = ("11339900MB0000001A", "11339900MB0000002B", "11339900MB0000004D",
                                         "11339900MB0000005E", "11339900MB0000007G")
# (number, task, owner, days from today to the deadline)
TASKS = (
    ("一、（一）", "做好财政预决算和政府债务信息公开，细化到功能分类项级科目。", FINANCE, 60),
    ("一、（二）", "公开最低生活保障和临时救助的政策、标准和办理流程。", CIVIL, -10),
    ("二、（一）", "对本年度出台的社会救助政策文件同步开展政策解读。", CIVIL, 20),
    ("三、（一）", "年度复核并更新政府信息公开指南。", OFFICE, -30),
    ("三、（二）", "公开保障性住房分配政策和分配结果。", HOUSING, 4),
)


def load_demo_workplan(password: str) -> None:
    """This year's plan, made once by the general office's head; running it again changes nothing."""
    root = Agency.objects.filter(code=ROOT).first()
    today = timezone.localdate()
    title = f"{today.year}年示例市政务公开工作要点"
    if root is None or WorkPlan.objects.filter(agency=root, title=title).exists():
        return
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["head", "officer", "admin"])}
    if len(users) < 3:
        return
    civil = Agency.objects.get(code=CIVIL)
    mz_officer = org_services.create_staff_user("mz_officer", agency=civil, full_name="钱民政", password=password,
                                                roles=[Role.DISCLOSURE_OFFICER], email="mz_officer@example.gov.cn")
    plan = workplan.create_plan(users["head"], year=today.year, title=title, agency=root)
    tasks = [workplan.add_task(users["head"], plan, workplan.TaskData(
        number, text, code, f"{today + dt.timedelta(days=days):%Y-%m-%d}")) for number, text, code, days in TASKS]
    workplan.start_task(mz_officer, tasks[1])  # in progress and past its deadline: overdue
    workplan.report_task(mz_officer, tasks[2], text="已在政策文件库同步发布解读材料和图解。")
    workplan.report_task(users["officer"], tasks[3], text="指南已复核更新并重新公开。")
    workplan.confirm_task(users["head"], tasks[3])
