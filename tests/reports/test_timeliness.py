"""Timeliness and outcome figures: working days used as the reply clock counts them (pauses and corrections left
out, extensions allowed), bands at their exact edges, the year boundary, and aggregates."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.core.workdays import WorkCalendar
from gongkai.disclosure import rules, services
from gongkai.disclosure.rules import PauseKind
from gongkai.reports import annual, timeliness
from gongkai.reports.timeliness import BANDS, Period
from tests.disclosure_factories import CREDIT_CODE

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def calendar():
    return WorkCalendar.load()


@pytest.fixture
def handled(city):
    """A factory of accepted cases, handed to `steps(officer, head, application)` before the decision."""
    from tests.disclosure_factories import make_application

    def make(agency, received_on: dt.date, decided_on=None, code: str = "granted", steps=None, **applicant):
        team = city["teams"][agency.pk]
        application, _ = make_application(agency, received_on=received_on, **applicant)
        services.accept_application(team["officer"], application)
        if steps:
            steps(team["officer"], team["head"], application)
            application.refresh_from_db()
        if decided_on is not None:
            decided = decided_on(application) if callable(decided_on) else decided_on
            services.decide_application(team["officer"], application, code, decided_on=decided,
                                        reason="获取方式：请于工作日到本机关政府信息公开受理点查阅。")
        application.refresh_from_db()
        return application

    return make


def _row(application, year: int = 2026):
    rows = timeliness.case_rows(application.agency, Period.year(year))
    return next(r for r in rows if r.id == application.pk)


def test_bands_at_their_exact_edges(city, handled, calendar):
    finance = city["finance"]
    received = D(2026, 3, 2)
    cases = {}
    for days in (*BANDS, *(d + 1 for d in BANDS)):
        cases[days] = handled(finance, received, calendar.add_workdays(received, days).due_on)
    for days, application in cases.items():
        row = _row(application)
        assert row.workdays_used == days and row.paused_workdays == 0
        for band in BANDS:
            assert (f"within_{band}" in row.codes()) is (days <= band), (days, band)
    # Answered on the clock's own due date is in time; one working day later is late.
    assert not _row(cases[rules.REPLY_WORKDAYS]).late
    assert cases[rules.REPLY_WORKDAYS].decided_on == cases[rules.REPLY_WORKDAYS].due_on
    assert _row(cases[rules.REPLY_WORKDAYS + 1]).late
    figures = timeliness.timeliness(finance, Period.year(2026))["figures"]
    assert figures.counts["timed"] == len(cases) == figures.replied
    assert figures.counts[f"within_{BANDS[0]}"] == 1  # only the case on day 5
    assert figures.counts[f"within_{rules.REPLY_WORKDAYS}"] == len(BANDS) * 2 - 1
    assert figures.share("late") == round(100 / len(cases), 1)
    used = sorted(cases)
    assert figures.median_workdays == (used[3] + used[4]) / 2
    assert figures.average_workdays == round(sum(used) / len(used), 1)


def test_a_consultation_is_left_out_of_the_days_used(city, handled, calendar):
    finance = city["finance"]
    received = D(2026, 4, 1)
    started = calendar.add_workdays(received, 3).due_on
    ended = calendar.add_workdays(started, 4).due_on

    def consult(officer, head, application):
        pause = services.start_consultation(officer, application, PauseKind.THIRD_PARTY, party="某公司",
                                            started_on=started)
        services.end_consultation(officer, pause, ended_on=ended, outcome="不同意公开")

    # Replying on the clock's due date uses exactly the statutory period: the consultation does not count.
    application = handled(finance, received, lambda a: a.due_on, steps=consult)
    due = rules.reply_deadline(received, pauses=[(started, ended)], calendar=calendar).due_on
    assert application.decided_on == due
    row = _row(application)
    assert row.workdays_used == rules.REPLY_WORKDAYS and not row.late
    assert row.paused_workdays == calendar.workdays_between(started - dt.timedelta(days=1), ended)
    assert row.workdays_used + row.paused_workdays == calendar.workdays_between(received, due)
    # 会商 with the legal adviser does not stop the clock, so it is not left out either.
    legal = handled(finance, received, lambda a: calendar.add_workdays(received, 10).due_on,
                    steps=lambda o, h, a: services.start_consultation(o, a, PauseKind.LEGAL, party="法律顾问",
                                                                      started_on=started))
    assert _row(legal).workdays_used == 10 and _row(legal).paused_workdays == 0


def test_a_correction_restarts_the_count_and_the_wait_is_paused(city, handled, calendar):
    finance = city["finance"]
    received = D(2026, 5, 6)
    asked = calendar.add_workdays(received, 2).due_on
    corrected = calendar.add_workdays(asked, 6).due_on

    def correct(officer, head, application):
        services.request_correction(officer, application, "请写明文件名称", requested_on=asked)
        services.receive_correction(officer, application, corrected_on=corrected)

    application = handled(finance, received, calendar.add_workdays(corrected, 7).due_on, steps=correct)
    row = _row(application)
    assert row.workdays_used == 7
    assert row.paused_workdays == calendar.workdays_between(received, corrected)


def test_never_corrected_counts_in_the_outcomes_but_is_not_timed(city, handled, calendar):
    finance = city["finance"]
    received = D(2026, 5, 6)
    asked = calendar.add_workdays(received, 2).due_on

    def ask(officer, head, application):
        services.request_correction(officer, application, "请写明文件名称", requested_on=asked)

    application = handled(finance, received, lambda a: a.correction_due_on + dt.timedelta(days=1),
                          code="other.correction_overdue", steps=ask)
    row = _row(application)
    assert row.workdays_used is None and row.codes() == {"replied", "other", "untimed"}
    figures = timeliness.timeliness(finance, Period.year(2026))["figures"]
    assert figures.counts["untimed"] == 1 and figures.timed == 0 and figures.average_workdays is None
    assert figures.share("other") == 100.0 and figures.share(f"within_{rules.REPLY_WORKDAYS}") is None


def test_answered_within_an_extension(city, handled, calendar):
    finance = city["finance"]
    received = D(2026, 6, 1)
    extra = rules.MAX_EXTENSION_WORKDAYS // 2

    def extend(officer, head, application):
        services.request_extension(officer, application, extra, "涉及档案较多，需要检索")
        services.approve_extension(head, application, approved_on=calendar.add_workdays(received, 15).due_on)

    application = handled(finance, received, lambda a: a.due_on, steps=extend)
    assert application.decided_on == rules.reply_deadline(received, extended=True, extension_days=extra,
                                                          calendar=calendar).due_on
    row = _row(application)
    assert row.workdays_used == rules.REPLY_WORKDAYS + extra
    assert {"extended", "extension_approved"} <= row.codes() and "late" not in row.codes()
    assert f"within_{rules.REPLY_WORKDAYS}" not in row.codes()
    # An extension approved but not needed: answered within the period, counted as approved only.
    quick = handled(finance, received, calendar.add_workdays(received, 16).due_on, steps=extend)
    assert "extended" not in _row(quick).codes() and "extension_approved" in _row(quick).codes()


def test_cases_straddling_the_year_boundary(city, case, calendar):
    finance = city["finance"]
    received = D(2025, 12, 22)
    replied = calendar.add_workdays(received, 12).due_on
    assert replied.year == 2026  # the count crosses 元旦
    straddling = case(finance, received, replied)
    in_2025 = case(finance, D(2025, 11, 3), D(2025, 11, 10))
    open_case = case(finance, D(2025, 12, 29))
    rows_2026 = {r.id: r for r in timeliness.case_rows(finance, Period.year(2026))}
    rows_2025 = {r.id for r in timeliness.case_rows(finance, Period.year(2025))}
    assert set(rows_2026) == {straddling.pk} and rows_2025 == {in_2025.pk}
    assert rows_2026[straddling.pk].workdays_used == 12
    assert open_case.pk not in rows_2025 | set(rows_2026)
    # A date range across the boundary holds both.
    rows = timeliness.case_rows(finance, Period(D(2025, 11, 1), D(2026, 1, 31)))
    assert {r.id for r in rows} == {straddling.pk, in_2025.pk}


def test_figures_match_table3_and_the_aggregate_is_the_sum_of_its_agencies(city, case, calendar):
    finance, health, government = city["finance"], city["health"], city["government"]
    codes = ["granted", "partially_granted", "withheld.state_secret", "withheld.internal_affairs",
             "not_processed.publication", "granted", "unable.needs_creation"]
    for i, code in enumerate(codes):
        agency = (finance, health, government)[i % 3]
        received = D(2026, 2, 2) + dt.timedelta(days=7 * i)
        company = {"applicant_type": "legal_person", "organization_kind": "research", "name": "示例研究院",
                   "id_number": CREDIT_CODE} if i % 2 else {}
        case(agency, received, calendar.add_workdays(received, 3 + 3 * i).due_on, code=code, **company)
    case(finance, D(2026, 3, 2))  # open: no figure counts it
    result = timeliness.timeliness(government, Period.year(2026), aggregate=True)
    table3 = annual.annual_report(2026, government, aggregate=True)["table3"]
    assert result["figures"].replied == table3["total_processed"]["total"] == len(codes)
    for group in rules.DecisionGroup:
        assert result["figures"].counts[group.value] == table3[group.value]["total"]
    assert {a["name"] for a in result["agencies"]} == {finance.name, health.name, government.name}
    for code, total in result["figures"].counts.items():
        assert total == sum(a["figures"].counts[code] for a in result["agencies"]), code
    for a in result["agencies"]:
        agency = {finance.code: finance, health.code: health, government.code: government}[a["code"]]
        assert a["figures"].counts == timeliness.timeliness(agency, Period.year(2026))["figures"].counts
    shares = [result["figures"].share(g.value) for g in rules.DecisionGroup]
    assert sum(shares) == pytest.approx(100, abs=0.3)
    alone = timeliness.timeliness(government, Period.year(2026))["figures"]
    assert alone.replied < result["figures"].replied  # without aggregate: the government's own cases only


def test_fee_notice_until_payment_is_left_out(city, handled, calendar):
    from gongkai.disclosure.rules import FeeBasis

    finance = city["finance"]
    received = D(2026, 7, 1)
    issued = calendar.add_workdays(received, 5).due_on
    paid = calendar.add_workdays(issued, 6).due_on

    def charge(officer, head, application):
        notice = services.issue_fee_notice(officer, application, FeeBasis.PER_PAGE, pages=300, issued_on=issued,
                                           served_by="online", received_on=issued)
        services.record_payment(officer, notice, paid_on=paid)

    application = handled(finance, received, lambda a: a.due_on, steps=charge, delivery="paper")
    row = _row(application)
    assert row.workdays_used == rules.REPLY_WORKDAYS and not row.late
    assert row.paused_workdays == calendar.workdays_between(issued - dt.timedelta(days=1), paid)
