"""The compliance indicators on planted data, and the scores the formulas give them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from gongkai.assessment import rules
from gongkai.assessment.indicators import Period, measure_agency
from gongkai.assessment.rules import Formula, IndicatorCode
from gongkai.assessment.scoring import ranking
from gongkai.catalog import rules as rules_of_catalog

pytestmark = pytest.mark.django_db


def month_of(today):
    return Period.month(today.year, today.month)


def test_indicators_of_an_agency_with_every_lapse(city):
    measures = measure_agency(city["finance"], month_of(city["today"]))
    rate = measures[IndicatorCode.ON_TIME_RATE]
    assert (rate.total, rate.count, rate.rate) == (2, 1, 0.5)
    assert [e.url for e in rate.evidence] == [reverse("staff-document", args=[city["late"].pk])]
    overdue = measures[IndicatorCode.OVERDUE_DOCUMENTS]
    assert [e.url for e in overdue.evidence] == [reverse("staff-document", args=[city["overdue"].pk])]
    missing = measures[IndicatorCode.MISSING_INTERPRETATIONS]
    assert [e.label for e in missing.evidence] == ["考评迟发的政策文件"]
    cases = measures[IndicatorCode.CASES_OVERDUE]
    assert [e.url for e in cases.evidence] == [reverse("staff-application", args=[city["case"].pk])]
    catalog = measures[IndicatorCode.CATALOG_NOT_MET]
    assert catalog.count == 1 and "考评部门预算" in catalog.evidence[0].label
    guide = measures[IndicatorCode.GUIDE_STALE]
    assert guide.count == 2 and guide.evidence[0].url == reverse("staff-catalog-guide", args=[city["finance"].code])
    assert guide.evidence[1].detail == "尚未编制或尚未公开负面清单"


def test_indicators_of_a_clean_agency(city):
    measures = measure_agency(city["education"], month_of(city["today"]))
    assert all(m.count == 0 and not m.evidence for m in measures.values())
    assert measures[IndicatorCode.ON_TIME_RATE].rate == 1.0


def test_a_month_before_the_documents_counts_none_published(city):
    today = city["today"]
    earlier = Period.month(today.year - 1, today.month)
    assert measure_agency(city["finance"], earlier)[IndicatorCode.ON_TIME_RATE].total == 0


@pytest.mark.parametrize(("formula", "weight", "points", "count", "rate", "expected"), [
    (Formula.RATE, "30", "0", 1, 0.5, "15.00"),
    (Formula.RATE, "30", "0", 0, None, "30.00"),
    (Formula.RATE, "10", "0", 2, 1 / 3, "3.33"),
    (Formula.PER_ITEM, "20", "2", 3, None, "14.00"),
    (Formula.PER_ITEM, "20", "2", 15, None, "0.00"),  # floor at 0
    (Formula.ANY_ITEM, "5", "0", 0, None, "5.00"),
    (Formula.ANY_ITEM, "5", "0", 2, None, "0.00"),
])
def test_each_formula(formula, weight, points, count, rate, expected):
    assert rules.score(formula, Decimal(weight), Decimal(points), count, rate) == Decimal(expected)


def test_ranking_order_and_deductions_match_the_evidence(city):
    rows = ranking(city["scheme"], [city["government"], city["finance"], city["education"]],
                   month_of(city["today"]))
    assert [r.agency for r in rows] == [city["education"], city["government"], city["finance"]]
    assert [r.rank for r in rows] == [1, 2, 3]
    # Education: nothing missing. Government: no guide nor negative list (5), no catalogue (16 items of 第二十条
    # unmet: all 15 marks). Finance: half on time (15 of 30), one overdue document (2), one missing interpretation
    # (3), one catalogue item not met (1), one overdue case (5), stale guide and no negative list (5).
    assert [r.score for r in rows] == [Decimal(100), Decimal(80), Decimal(69)]
    finance = rows[2]
    for line in finance.lines:
        assert bool(line.deduction) is bool(line.measure.evidence)
    assert finance.line(IndicatorCode.CASES_OVERDUE).deduction == Decimal(5)


def test_equal_scores_share_a_rank(city):
    rows = ranking(city["scheme"], [city["education"], city["government"]], Period.month(2000, 1))
    # Judged at the end of January 2000 nothing was due or published yet; the government, which has no guide,
    # negative list or catalogue at all, loses those marks.
    assert [r.rank for r in rows] == [1, 2]
    city["scheme"].indicators.filter(indicator__in=[IndicatorCode.GUIDE_STALE,
                                                    IndicatorCode.CATALOG_NOT_MET]).update(weight=0)
    rows = ranking(city["scheme"], [city["education"], city["government"]], Period.month(2000, 1))
    assert [r.rank for r in rows] == [1, 1]


def test_the_catalogue_is_judged_as_the_library_stood_at_the_period_end(city):
    """An item met by a document published this month was not met a year earlier, when it was not yet public."""
    from gongkai.catalog import services as catalog

    office, finance, today = city["office"], city["finance"], city["today"]
    item = catalog.publish_entry(office["head"], catalog.save_item(office["officer"], finance, {
        "category": "other", "content": "考评通知公告", "basis": "《条例》第二十条", "doc_type": "通知"}))

    def unmet(period):
        return [e.label for e in measure_agency(finance, period)[IndicatorCode.CATALOG_NOT_MET].evidence]

    assert str(item) not in unmet(month_of(today))
    assert str(item) in unmet(Period.month(today.year - 1, today.month))


def test_no_catalogue_or_negative_list_is_marked_down_with_evidence(city):
    """An agency that built no catalogue never beats one that did (issue: 办公室 tied first with 100)."""
    measures = measure_agency(city["government"], month_of(city["today"]))
    catalog = measures[IndicatorCode.CATALOG_NOT_MET]
    assert catalog.count == len(rules_of_catalog.DEFAULT_ITEMS) and catalog.evidence[0].label == "尚未编制主动公开目录"
    guide = measures[IndicatorCode.GUIDE_STALE]
    assert [e.label for e in guide.evidence] == ["政府信息公开指南", "不予主动公开清单（负面清单）"]
    rows = ranking(city["scheme"], [city["government"], city["education"]], month_of(city["today"]))
    assert rows[0].agency == city["education"] and rows[1].score < rows[0].score


def test_a_department_is_not_marked_down_for_items_it_cannot_produce(city):
    """The default catalogue has no 规章 for a department; a 规章 item already in one is not counted, nor an item
    of another 公开层级."""
    from gongkai.catalog import services as catalog

    office, finance = city["office"], city["finance"]
    catalog.save_item(office["officer"], finance, {"category": "rules", "content": "规章", "basis": "第二十条",
                                                   "doc_type": "地方政府规章"})
    catalog.save_item(office["officer"], finance, {"category": "other", "content": "村务公开", "basis": "第二十条",
                                                   "level_local": True})
    evidence = [e.label for e in measure_agency(finance, month_of(city["today"]))[IndicatorCode.CATALOG_NOT_MET]
                .evidence]
    assert len(evidence) == 1 and "考评部门预算" in evidence[0]
