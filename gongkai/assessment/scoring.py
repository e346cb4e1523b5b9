"""The monthly ranking: each agency's indicators scored by the scheme's formulas, the deductions with their
evidence, and the agencies ranked by score (equal scores share a rank)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from gongkai.assessment import rules
from gongkai.assessment.indicators import Measure, Period, measure_all
from gongkai.assessment.models import Scheme, SchemeIndicator
from gongkai.orgs.models import Agency


@dataclass
class Line:
    """One indicator of one agency under the scheme: its measure, marks earned and deducted."""

    indicator: SchemeIndicator
    measure: Measure
    score: Decimal

    @property
    def deduction(self) -> Decimal:
        return self.indicator.weight - self.score


@dataclass
class Row:
    agency: Agency
    lines: list[Line] = field(default_factory=list)
    rank: int = 0

    @property
    def score(self) -> Decimal:
        return sum((line.score for line in self.lines), Decimal(0))

    @property
    def deduction(self) -> Decimal:
        return sum((line.deduction for line in self.lines), Decimal(0))

    def line(self, code: str) -> Line | None:
        return next((line for line in self.lines if line.indicator.indicator == code), None)


def active_scheme(year: int) -> Scheme | None:
    """The active scheme of `year`, else the newest active one of an earlier year."""
    return Scheme.objects.filter(active=True, year__lte=year).order_by("-year", "-pk").first() or \
        Scheme.objects.filter(active=True).order_by("year", "pk").first()


def score_line(indicator: SchemeIndicator, measure: Measure) -> Line:
    return Line(indicator, measure, rules.score(indicator.formula, indicator.weight, indicator.points,
                                                measure.count, measure.rate))


def ranking(scheme: Scheme, agencies: list[Agency], period: Period) -> list[Row]:
    """Every agency scored under `scheme` for `period`, highest score first (ties share a rank)."""
    indicators = list(scheme.indicators.all())
    measures = measure_all(agencies, period)
    rows = [Row(agency, [score_line(i, measures[agency.pk][i.indicator]) for i in indicators])
            for agency in agencies]
    rows.sort(key=lambda r: (-r.score, r.agency.order, r.agency.pk))
    for n, row in enumerate(rows):
        row.rank = rows[n - 1].rank if n and rows[n - 1].score == row.score else n + 1
    return rows
