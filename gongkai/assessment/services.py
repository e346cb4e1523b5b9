"""The only way to write schemes: create one from the defaults, edit its name, year, state and indicators.
Each validates everything before it stores anything, runs in one transaction and writes the audit entry."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction

from gongkai.assessment import rules
from gongkai.assessment.access import office_agencies
from gongkai.assessment.models import Scheme, SchemeIndicator
from gongkai.core.audit import record
from gongkai.core.errors import DomainError, PermissionDenied

_NOT_OFFICE = "考评方案由本级政府办公室（政务公开主管部门）的管理员或政府信息公开工作机构负责人维护。"


def _require_office(user) -> None:
    if not office_agencies(user):
        raise PermissionDenied(_NOT_OFFICE)


def _decimal(value, field: str, errors: dict[str, list[str]], label: str) -> Decimal | None:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.setdefault(field, []).append(f"{label}须为数字。")
        return None
    if not number.is_finite():
        errors.setdefault(field, []).append(f"{label}须为数字。")
        return None
    if number < 0:
        errors.setdefault(field, []).append(f"{label}不能为负数。")
        return None
    if number > rules.MAX_WEIGHT:
        errors.setdefault(field, []).append(f"{label}不能超过 {rules.MAX_WEIGHT} 分。")
        return None
    if number != number.quantize(rules.TWO_PLACES):
        errors.setdefault(field, []).append(f"{label}最多保留两位小数。")
        return None
    return number


def validate_indicators(rows: dict[str, dict]) -> tuple[dict[str, tuple[Decimal, str, Decimal]], dict[str, list[str]]]:
    """Check each indicator's weight, formula and points; field names are `weight_<code>` and so on."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, tuple[Decimal, str, Decimal]] = {}
    for code, row in rows.items():
        if code not in rules.IndicatorCode.values:
            errors.setdefault("__all__", []).append(f"未知的考评指标：{code}")
            continue
        weight = _decimal(row.get("weight", ""), f"weight_{code}", errors, "分值")
        points = _decimal(row.get("points", "0") or "0", f"points_{code}", errors, "每件扣分")
        formula = row.get("formula", "")
        if formula not in rules.Formula.values:
            errors.setdefault(f"formula_{code}", []).append("请从列表中选择扣分规则。")
        elif formula == rules.Formula.RATE and code not in rules.RATE_INDICATORS:
            errors.setdefault(f"formula_{code}", []).append("“满分 × 达标率”只适用于按比率计算的指标。")
        elif formula == rules.Formula.PER_ITEM and points is not None and points == 0:
            errors.setdefault(f"points_{code}", []).append("按件扣分时，每件扣分须大于 0。")
        if weight is not None and points is not None and formula in rules.Formula.values:
            clean[code] = (weight, formula, points)
    if not errors and not any(weight > 0 for weight, _, _ in clean.values()):
        errors.setdefault("__all__", []).append("至少有一项指标的分值须大于 0。")
    return clean, errors


@transaction.atomic
def create_scheme(user, name: str, year: int) -> Scheme:
    """A new, inactive scheme of `year` with the default indicators and weights."""
    _require_office(user)
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写方案名称。", field="name")
    scheme = Scheme.objects.create(name=name[:100], year=year)
    for order, (code, weight, formula, points) in enumerate(rules.DEFAULT_INDICATORS):
        SchemeIndicator.objects.create(scheme=scheme, indicator=code, weight=Decimal(weight), formula=formula,
                                       points=Decimal(points), order=order)
    record(user, "assessment.create_scheme", scheme, name=scheme.name, year=year)
    return scheme


@transaction.atomic
def update_scheme(user, scheme: Scheme, *, name: str, year: int, active: bool,
                  indicators: dict[str, dict]) -> Scheme:
    """Store the scheme's name, year, state and each indicator's weight, formula and points, or nothing at all
    (DomainError with the message of every bad field). Activating it deactivates the other schemes of its year."""
    _require_office(user)
    clean, errors = validate_indicators(indicators)
    name = (name or "").strip()
    if not name:
        errors.setdefault("name", []).append("请填写方案名称。")
    if not 2000 <= year <= 2100:
        errors.setdefault("year", []).append("年度须在 2000 至 2100 之间。")
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(first, errors=errors)
    before = {i.indicator: [str(i.weight), i.formula, str(i.points)] for i in scheme.indicators.all()}
    scheme.name, scheme.year, scheme.active = name[:100], year, active
    scheme.save()
    if active:
        Scheme.objects.filter(year=year, active=True).exclude(pk=scheme.pk).update(active=False)
    order = {code: n for n, (code, *_rest) in enumerate(rules.DEFAULT_INDICATORS + rules.OPTIONAL_INDICATORS)}
    for code, (weight, formula, points) in clean.items():
        SchemeIndicator.objects.update_or_create(
            scheme=scheme, indicator=code,
            defaults={"weight": weight, "formula": formula, "points": points, "order": order.get(code, 99)})
    after = {code: [str(w), f, str(p)] for code, (w, f, p) in clean.items()}
    record(user, "assessment.update_scheme", scheme, name=scheme.name, year=year, active=active,
           before=before, after=after)
    return scheme
