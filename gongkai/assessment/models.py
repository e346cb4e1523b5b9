"""考评方案: a scheme of weighted indicators, each scored by one of the fixed formulas of rules.Formula; and the
yearly 工作要点 (work plan) with its tasks, tracked to completion."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from gongkai.assessment.rules import Formula, IndicatorCode, TaskState


class Scheme(models.Model):
    name = models.CharField("方案名称", max_length=100)
    year = models.PositiveIntegerField("年度")
    active = models.BooleanField("启用", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "考评方案"
        verbose_name_plural = verbose_name
        ordering = ["-year", "-active", "pk"]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    @property
    def full_marks(self):
        return sum((i.weight for i in self.indicators.all()), 0)


class SchemeIndicator(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="indicators")
    indicator = models.CharField("指标", max_length=30, choices=IndicatorCode.choices)
    weight = models.DecimalField("分值（满分）", max_digits=7, decimal_places=2)
    formula = models.CharField("扣分规则", max_length=20, choices=Formula.choices)
    points = models.DecimalField("每件扣分", max_digits=7, decimal_places=2, default=0)
    order = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "考评指标"
        verbose_name_plural = verbose_name
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["scheme", "indicator"], name="assessment_indicator_once")]

    def __str__(self) -> str:
        return self.get_indicator_display()


class WorkPlan(models.Model):
    """工作要点: the general office's yearly task list, kept at the root agency whose office made it."""

    agency = models.ForeignKey("orgs.Agency", on_delete=models.PROTECT, related_name="work_plans",
                               verbose_name="制定机关")
    year = models.PositiveIntegerField("年度")
    title = models.CharField("标题", max_length=200)
    source = models.ForeignKey("publishing.Document", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name="来源文件")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "工作要点"
        verbose_name_plural = verbose_name
        ordering = ["-year", "-pk"]

    def __str__(self) -> str:
        return self.title


class WorkTask(models.Model):
    """One task of a work plan: what, who owns it, by when, where it stands and the evidence of completion."""

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="tasks")
    number = models.CharField("序号", max_length=30, blank=True)
    text = models.TextField("工作任务")
    agency = models.ForeignKey("orgs.Agency", on_delete=models.PROTECT, related_name="work_tasks",
                               verbose_name="责任单位")
    partners = models.ManyToManyField("orgs.Agency", blank=True, related_name="+", verbose_name="配合单位")
    due_on = models.DateField("完成时限")
    state = models.CharField("状态", max_length=20, choices=TaskState.choices, default=TaskState.PENDING)
    order = models.PositiveIntegerField("顺序", default=0)
    evidence_text = models.TextField("完成情况", blank=True)
    evidence_documents = models.ManyToManyField("publishing.Document", blank=True, related_name="+",
                                                verbose_name="佐证文件")
    evidence_file = models.CharField("佐证附件（存储路径）", max_length=300, blank=True)
    evidence_name = models.CharField("佐证附件名称", max_length=200, blank=True)
    evidence_type = models.CharField("佐证附件类型", max_length=100, blank=True)
    reported_at = models.DateTimeField("报完成时间", null=True, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="报完成人")
    confirmed_on = models.DateField("确认完成日期", null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name="确认人")
    return_reason = models.TextField("退回理由", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "工作要点任务"
        verbose_name_plural = verbose_name
        ordering = ["plan", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.text[:40]}".strip()

    @property
    def done(self) -> bool:
        return self.state == TaskState.CONFIRMED


class TaskReminder(models.Model):
    """A reminder mailed about one task on one day: the record that keeps it to once a day."""

    task = models.ForeignKey(WorkTask, on_delete=models.CASCADE, related_name="reminders")
    sent_on = models.DateField("提醒日期")
    kind = models.CharField("提醒类型", max_length=20)  # due_soon / overdue
    recipients = models.TextField("收件人", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "工作要点提醒"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["task", "sent_on"], name="assessment_reminder_once_a_day")]

    def __str__(self) -> str:
        return f"{self.sent_on:%Y-%m-%d} {self.task}"
