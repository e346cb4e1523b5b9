"""The annual report's entered parts: table 2 figures kept outside the platform, and the narrative sections."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from gongkai.orgs.models import Agency
from gongkai.reports.rules import Section, Table2Item


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
        constraints = [models.UniqueConstraint(fields=["agency", "year", "item"], name="reports_figure_unique")]

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
