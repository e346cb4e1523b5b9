"""Demo cases of disclosure on application, in every state, dated relative to today. Loading is idempotent."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from gongkai.core.workdays import WorkCalendar
from gongkai.disclosure import services
from gongkai.disclosure.models import Application
from gongkai.disclosure.privacy import resident_id_check
from gongkai.disclosure.rules import PauseKind
from gongkai.disclosure.services import ApplicantData
from gongkai.orgs.models import Agency

HOUSING = "11339900MB0000007G"
FINANCE = "11339900MB0000004D"
CIVIL = "11339900MB0000005E"


def _id(n: int) -> str:
    first17 = f"33990019850612{n:03d}"
    return first17 + resident_id_check(first17)


def _applicant(n: int, agency: str, name: str, description: str, **extra) -> ApplicantData:
    values = dict(applicant_type="natural_person", name=name, id_number=_id(n), phone=f"1380000{n:04d}",
                  email=f"applicant{n}@example.com", address="示例市东城区和平路1号", delivery="email",
                  description=description, agency=agency)
    values.update(extra)
    return ApplicantData(**values)


CASES = [
    ("demo-ysq-new", 1, HOUSING, "陈小明", "申请公开东城街道2026年老旧小区改造项目的资金预算和施工单位。"),
    ("demo-ysq-correction", 2, CIVIL, "林晓红", "申请公开有关低保的文件。"),
    ("demo-ysq-consultation", 3, HOUSING, "示例物业服务有限公司", "申请公开2025年度物业服务质量评价结果及评分明细。"),
    ("demo-ysq-due-soon", 4, FINANCE, "周建国", "申请公开2025年度市级一般公共预算支出决算表。"),
    ("demo-ysq-answered", 5, FINANCE, "吴丽", "申请公开2025年度政府采购意向公开情况。"),
    ("demo-ysq-withheld", 6, HOUSING, "郑强", "申请公开老旧小区改造项目评审会议记录。"),
]


def load_demo_applications() -> int:
    """Create the demo cases that do not exist yet; return how many demo cases there are."""
    User = get_user_model()
    officer, head = User.objects.get(username="officer"), User.objects.get(username="head")
    calendar = WorkCalendar.load()
    today = timezone.localdate()

    def workdays_ago(n: int) -> dt.date:
        day, counted = today, 0
        while counted < n:
            day -= dt.timedelta(days=1)
            counted += calendar.is_workday(day)
        return day

    existing = set(Application.objects.filter(external_id__startswith="demo-ysq-").values_list("external_id", flat=True))
    for key, n, agency_code, name, description in CASES:
        if key in existing or not Agency.objects.filter(code=agency_code).exists():
            continue
        extra = {}
        if key == "demo-ysq-consultation":
            extra = dict(applicant_type="legal_person", organization_kind="commercial", id_number="91350100M000100Y43")
        data = _applicant(n, agency_code, name, description, **extra)
        received = {"demo-ysq-new": workdays_ago(1), "demo-ysq-correction": workdays_ago(3),
                    "demo-ysq-consultation": workdays_ago(8), "demo-ysq-due-soon": workdays_ago(18),
                    "demo-ysq-answered": workdays_ago(25), "demo-ysq-withheld": workdays_ago(30)}[key]
        application, _ = services.submit_application(data, received_on=received, external_id=key)
        if key == "demo-ysq-correction":
            services.request_correction(officer, application, "请写明所需文件的名称、发文年份或文号。")
        elif key == "demo-ysq-consultation":
            services.accept_application(officer, application)
            services.start_consultation(officer, application, PauseKind.THIRD_PARTY, party="示例物业管理协会",
                                        started_on=workdays_ago(5))
        elif key == "demo-ysq-due-soon":
            services.accept_application(officer, application)
            services.request_extension(officer, application, 10, "需要向多个预算单位核实数据。")
        elif key == "demo-ysq-answered":
            services.accept_application(officer, application)
            services.decide_application(officer, application, "granted",
                                        reason="获取方式：请于工作日到本机关政府信息公开受理点查阅。", decided_on=workdays_ago(8),
                                        subject="财政、金融、审计\\财政")
            services.deliver_reply(officer, application, delivered_on=workdays_ago(7), method="电子邮件")
        elif key == "demo-ysq-withheld":
            services.accept_application(officer, application)
            services.approve_extension(head, application, days=5, reason="涉及多个部门意见。",
                                       approved_on=workdays_ago(12))
            services.decide_application(officer, application, "withheld.process_information",
                                        reason="所申请的会议记录属于讨论过程中形成的过程性信息。",
                                        decided_on=workdays_ago(6),
                                        subject="城乡建设、环境保护\\城乡建设（含住房）")
            services.deliver_reply(officer, application, delivered_on=workdays_ago(5), method="邮寄")
            services.record_review(officer, application, filed_on=workdays_ago(2), authority="示例市人民政府")
    return Application.objects.filter(external_id__startswith="demo-ysq-").count()
