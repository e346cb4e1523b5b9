import datetime as dt

from gongkai.disclosure import services as disclosure
from gongkai.disclosure.models import Application
from gongkai.reports import annual, rules
from tests.disclosure_factories import CREDIT_CODE

D = dt.date


def _straddling(city, case):
    """2025 and 2026 cases of the finance bureau whose handling crosses the year boundary."""
    finance = city["finance"]
    return {
        "old_closed": case(finance, D(2025, 11, 3), D(2025, 11, 20)),  # 2025 only
        "carried": case(finance, D(2025, 12, 22), D(2026, 1, 12)),  # carried over into 2026, answered in it
        "new_done": case(finance, D(2026, 3, 2), D(2026, 3, 16), code="withheld.state_secret"),
        "forward": case(finance, D(2026, 12, 21)),  # still open at the end of 2026
        "company": case(finance, D(2026, 4, 1), D(2026, 4, 10), code="partially_granted",
                        applicant_type="legal_person", organization_kind="commercial", name="示例科技有限公司",
                        id_number=CREDIT_CODE),
    }


def test_table3_across_the_year_boundary(city, case):
    cases = _straddling(city, case)
    t3 = annual.annual_report(2026, city["finance"])["table3"]
    assert t3["new"]["total"] == 3 and t3["new"]["natural_person"] == 2 and t3["new"]["legal_person.commercial"] == 1
    assert t3["carried_over"]["total"] == 1
    assert t3["total_processed"]["total"] == 3
    assert t3["carried_forward"]["total"] == 1
    assert t3["granted"]["natural_person"] == 1
    assert t3["withheld"]["total"] == 1 and t3["withheld.state_secret"]["total"] == 1
    assert t3["partially_granted"]["legal_person.commercial"] == 1
    assert set(t3) == {code for code, _, _ in rules.table3_rows()}
    behind = annual.cell_records(2026, city["finance"], False, "table3", "carried_over", "total")
    assert [r["title"] for r in behind] == [cases["carried"].case_no]
    t3_2025 = annual.annual_report(2025, city["finance"])["table3"]
    assert t3_2025["new"]["total"] == 2 and t3_2025["carried_forward"]["total"] == 1
    assert t3_2025["carried_forward"] == t3["carried_over"]
    assert annual.annual_report(2026, city["finance"])["identity_violations"] == []


def test_table3_agrees_with_the_disclosure_office_page(city, case):
    from gongkai.disclosure import stats

    _straddling(city, case)
    rows = {r.key: r.counts["total"] for r in stats.table3(list(Application.objects.all()), 2026)}
    t3 = annual.annual_report(2026, city["finance"])["table3"]
    for key, n in rows.items():
        code = rules.STATS_ROW_CODES.get(key, key)
        if code in t3:
            assert t3[code]["total"] == n, code


def test_aggregate_is_the_sum_of_its_agencies(city, case):
    _straddling(city, case)
    health, government = city["health"], city["government"]
    case(health, D(2025, 12, 30))
    case(health, D(2026, 6, 1), D(2026, 6, 5), code="unable.needs_creation")
    case(government, D(2026, 2, 2), D(2026, 2, 20), code="not_processed.repeated")
    application = case(government, D(2026, 5, 6), D(2026, 5, 20), code="granted")
    disclosure.record_review(city["teams"][government.pk]["officer"], application, filed_on=D(2026, 6, 1))
    aggregate = annual.annual_report(2026, government, aggregate=True)
    parts = [annual.annual_report(2026, a) for a in (government, city["finance"], city["health"])]
    assert annual.sum_of([aggregate]) == annual.sum_of(parts)
    assert aggregate["table3"]["new"]["total"] == 6
    assert aggregate["table4"]["review"] == {"maintained": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1}
    assert aggregate["deadline"] == "2027-03-31"
    assert parts[1]["deadline"] == "2027-01-31"


def test_identity_violation_names_the_cases(city, case):
    cases = _straddling(city, case)
    # A case answered before it was received (an import error): counted as new, never as processed or open.
    Application.objects.filter(pk=cases["new_done"].pk).update(decided_on=D(2025, 12, 1))
    report = annual.annual_report(2026, city["finance"])
    assert [v["case_no"] for v in report["identity_violations"]] == [cases["new_done"].case_no]
    t3 = report["table3"]
    assert t3["new"]["total"] + t3["carried_over"]["total"] != (t3["total_processed"]["total"]
                                                                 + t3["carried_forward"]["total"])


def test_table4_and_fees(city, case):
    finance = city["finance"]
    officer = city["teams"][finance.pk]["officer"]
    a = case(finance, D(2026, 3, 2), D(2026, 3, 10))
    disclosure.record_review(officer, a, filed_on=D(2026, 4, 1), outcome="maintained", concluded_on=D(2026, 6, 1))
    disclosure.record_litigation(officer, a, route="direct", filed_on=D(2026, 5, 1), outcome="corrected",
                                 concluded_on=D(2027, 2, 1))  # concluded after the year: still pending in it
    disclosure.record_litigation(officer, a, route="after_review", filed_on=D(2026, 7, 1), outcome="other",
                                 concluded_on=D(2026, 9, 1))
    t4 = annual.annual_report(2026, finance)["table4"]
    assert t4["review"]["maintained"] == 1 and t4["direct"]["pending"] == 1 and t4["after_review"]["other"] == 1
    assert sum(g["total"] for g in t4.values()) == 3
    assert len(annual.cell_records(2026, finance, False, "table4", "direct", "pending")) == 1
    assert annual.annual_report(2026, finance)["fees"] == {"count": 0, "amount_yuan": 0}
