"""The annual report's entered parts: table 2 figures kept outside the platform, and the narrative sections."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from gongkai.orgs.models import Agency
from gongkai.reports.rules import FIRST_YEAR, MAX_COUNT, MAX_FEES, Section, Table2Item
from gongkai.reports.states import ReportState


class EnteredFigure(models.Model):
    """One figure of table 2 entered or imported by staff (行政许可, 行政处罚, 行政强制, 行政事业性收费)."""

    agency = models.ForeignKey(Agency, verbose_name="机关", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField("年度")
    item = models.CharField("事项", max_length=20, choices=Table2Item.choices)
    value = models.DecimalField("数值", max_digits=14, decimal_places=4)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField("填报时间", auto_now=True)
    source = models.CharField("来源", max_length=200, blank=True)  # the imported file's name, or empty

    class Meta:
        verbose_name = verbose_name_plural = "年度报告填报数据"
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "item"], name="reports_figure_unique"),
            # The bounds of gongkai.reports.rules, kept by the database too: a bad figure can never be stored.
            models.CheckConstraint(condition=models.Q(value__gte=0, value__lte=max(MAX_COUNT, MAX_FEES)),
                                   name="reports_figure_value_range"),
            models.CheckConstraint(condition=models.Q(year__gte=FIRST_YEAR, year__lte=2100),
                                   name="reports_figure_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_item_display()} {self.value}"


class Narrative(models.Model):
    """The text of one section of one agency's report for one year."""

    agency = models.ForeignKey(Agency, verbose_name="机关", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField("年度")
    section = models.CharField("部分", max_length=20, choices=Section.choices)
    text = models.TextField("正文", blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="编辑人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField("编辑时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "年度报告正文"
        constraints = [models.UniqueConstraint(fields=["agency", "year", "section"],
                                               name="reports_narrative_unique")]

    def __str__(self) -> str:
        return f"{self.year} {self.get_section_display()}"


class AnnualReport(models.Model):
    """One revision of the annual report of an agency (or of a government with all below it) for a year.

    `snapshot` is the computed report with its narratives, frozen when the revision is drafted; review and
    release move the state only, so the released text never changes. The public sees the latest released
    revision of each agency, year and scope (gongkai.reports.visibility)."""

    agency = models.ForeignKey(Agency, verbose_name="机关", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField("年度")
    aggregate = models.BooleanField("汇总下属机关", default=False)
    revision = models.PositiveIntegerField("版本", default=1)
    state = models.CharField("状态", max_length=20, choices=ReportState.choices, default=ReportState.DRAFTED,
                             db_index=True)
    snapshot = models.JSONField("报告内容", default=dict, editable=False)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="起草人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    drafted_at = models.DateTimeField("起草时间", auto_now_add=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发布人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    released_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "政府信息公开工作年度报告"
        ordering = ["-year", "agency__order", "agency_id", "aggregate", "-revision"]
        constraints = [models.UniqueConstraint(fields=["agency", "year", "aggregate", "revision"],
                                               name="reports_annual_revision_unique")]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        name = self.snapshot.get("agency_name") or self.agency.name
        return f"{name}{self.year}年政府信息公开工作年度报告"
