"""考评方案: a scheme of weighted indicators, each scored by one of the fixed formulas of rules.Formula."""

from __future__ import annotations

from django.db import models

from gongkai.assessment.rules import Formula, IndicatorCode


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
