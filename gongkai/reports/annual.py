"""The annual report's figures (pure reads): tables 2, 3 and 4 and the fees of section 六, for one agency,
one government with every agency under it, or the whole platform; every cell can list the records behind it.

Table 3's rows per case come from disclosure.stats (the same counting as the disclosure office's own page).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import CharField, Q
from django.db.models.functions import Cast

from gongkai.disclosure import stats
from gongkai.disclosure.models import ApplicantType, Application, FeeNotice, Remedy
from gongkai.orgs.models import Agency, AgencyKind
from gongkai.publishing.models import Document
from gongkai.publishing.rules import Validity
from gongkai.reports import rules
from gongkai.reports.models import EnteredFigure, Narrative
from gongkai.reports.rules import ENTERED_ITEMS, MAX_COUNT, MAX_FEES, TABLE2_DOC_TYPES, Table2Item

_APPLICATION_FIELDS = ("id", "case_no", "agency_id", "received_on", "decided_on", "decision", "applicant_type",
                       "organization_kind", "request_kind")


@dataclass(frozen=True)
class Scope:
    """Which agencies a report covers: one agency, one with all below it (aggregate), or all (agency None)."""

    agency: Agency | None
    aggregate: bool = False

    def agency_ids(self) -> set[int] | None:
        if self.agency is None:
            return None
        return self.agency.descendant_ids() if self.aggregate else {self.agency.pk}

    def filter(self, queryset, field: str = "agency_id"):
        ids = self.agency_ids()
        return queryset if ids is None else queryset.filter(**{f"{field}__in": ids})

    @property
    def label(self) -> str:
        if self.agency is None:
            return "全部机关"
        return f"{self.agency.name}（汇总）" if self.aggregate else self.agency.name


def _bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def column_of(application: Application) -> str:
    """The table 3 column code of an application."""
    if application.applicant_type == ApplicantType.NATURAL_PERSON:
        return "natural_person"
    return f"legal_person.{stats.column_of(application)}"


def _applications(scope: Scope, year: int):
    _, end = _bounds(year)
    return scope.filter(Application.objects.filter(received_on__lte=end)).only(*_APPLICATION_FIELDS)


def table3_cells(scope: Scope, year: int) -> dict[str, dict[str, list[int]]]:
    """Table 3 as row code → column code → ids of the applications counted there."""
    cells: dict[str, dict[str, list[int]]] = {r: {c: [] for c, _ in rules.TABLE3_COLUMNS}
                                               for r, _, _ in rules.table3_rows()}
    for a in _applications(scope, year).order_by("received_on", "id"):
        column = column_of(a)
        for key in stats.table3_rows_of(a, year):
            row = cells.get(rules.STATS_ROW_CODES.get(key, key))
            if row is not None:
                row[column].append(a.pk)
                row["total"].append(a.pk)
    return cells


def identity_violations(scope: Scope, year: int) -> list[dict]:
    """Cases breaking new + carried_over = total_processed + carried_forward (e.g. answered before received),
    each with what it adds to either side; empty when the identity holds."""
    found = []
    for a in _applications(scope, year).order_by("received_on", "id"):
        keys = set(stats.table3_rows_of(a, year))
        received = ("new" in keys) + ("carried_in" in keys)
        settled = ("results_total" in keys) + ("carried_out" in keys)
        if received != settled:
            found.append({"id": a.pk, "case_no": a.case_no, "received_on": a.received_on.isoformat(),
                          "decided_on": a.decided_on.isoformat() if a.decided_on else None,
                          "decision": a.decision, "received_side": received, "settled_side": settled})
    return found


def table4_cells(scope: Scope, year: int) -> dict[str, dict[str, list[int]]]:
    """Table 4 as group (review, direct, after_review) → outcome column → ids of the remedies counted there."""
    start, end = _bounds(year)
    cells = {g: {c: [] for c, _ in rules.TABLE4_COLUMNS} for g, _ in rules.TABLE4_GROUPS}
    remedies = scope.filter(Remedy.objects.filter(filed_on__range=(start, end)), "application__agency_id")
    for remedy in remedies.order_by("filed_on", "id"):
        cell = stats.table4_cell_of(remedy, year)
        if cell:
            cells[cell[0]][cell[1]].append(remedy.pk)
            cells[cell[0]]["total"].append(remedy.pk)
    return cells


def _documents(scope: Scope, year: int, item: str, column: str):
    start, end = _bounds(year)
    docs = scope.filter(Document.objects.filter(live_revision__isnull=False,
                                                live_revision__doc_type__in=TABLE2_DOC_TYPES[item]))
    if column == "issued":
        return docs.filter(published_on__range=(start, end))
    if column == "repealed":
        return docs.filter(repealed_on__range=(start, end))
    # In force at the end of the year: published by then, and neither repealed nor expired by then.
    return docs.filter(published_on__lte=end).filter(
        Q(validity=Validity.VALID)
        | Q(validity=Validity.REPEALED, repealed_on__gt=end) | Q(validity=Validity.EXPIRED, expires_on__gt=end))


def table2(scope: Scope, year: int) -> dict[str, dict]:
    """Table 2: 规章 and 行政规范性文件 counted from the library; the entered rows summed over the scope."""
    table: dict[str, dict] = {}
    for item in TABLE2_DOC_TYPES:
        table[item.value] = {c: _documents(scope, year, item, c).count() for c, _ in rules.TABLE2_DOCUMENT_COLUMNS}
    for item in ENTERED_ITEMS:
        figures = scope.filter(EnteredFigure.objects.filter(year=year, item=item))
        values = [v for _, v in figure_values(figures)]
        good = [v for v in values if v is not None]
        total = sum(good, Decimal(0))
        table[item.value] = {"value": _number(total) if good else None, "entered": len(good)}
        if len(values) > len(good):
            table[item.value]["invalid"] = len(values) - len(good)
    return table


def figure_values(figures) -> list[tuple[int, Decimal | None]]:
    """(id, value) of entered figures, None where the stored value is out of bounds (stored before entries were
    validated, e.g. 1e20): read as text, so a value the Decimal field cannot hold never breaks the report."""
    rows = figures.annotate(text=Cast("value", CharField())).values_list("pk", "text")
    found = []
    for pk, text in rows:
        try:
            number = Decimal(str(text).strip())
        except (InvalidOperation, ValueError):
            number = None
        if number is not None and (not number.is_finite() or number < 0 or number > max(MAX_COUNT, MAX_FEES)):
            number = None
        found.append((pk, number))
    return found


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def fees(scope: Scope, year: int) -> dict:
    """Processing fees paid in the year (section 六): how many notices and how many yuan."""
    start, end = _bounds(year)
    paid = scope.filter(FeeNotice.objects.filter(paid_on__range=(start, end), voided_on__isnull=True),
                        "application__agency_id")
    return {"count": paid.count(), "amount_yuan": sum(paid.values_list("amount_yuan", flat=True))}


def annual_report(year: int, agency: Agency | None = None, aggregate: bool = False) -> dict:
    """The whole report as JSON-ready data: table3[row][column], table2[item][column], table4[group][column]."""
    scope = Scope(agency, aggregate)
    t3 = table3_cells(scope, year)
    t4 = table4_cells(scope, year)
    is_government = agency is None or agency.kind == AgencyKind.GOVERNMENT
    return {
        "year": year,
        "agency": agency.code if agency else None,
        "agency_name": scope.label,
        "aggregate": aggregate,
        "deadline": rules.deadline(year, is_government).isoformat(),
        "table2": table2(scope, year),
        "table3": {row: {col: len(ids) for col, ids in cols.items()} for row, cols in t3.items()},
        "table4": {g: {col: len(ids) for col, ids in cols.items()} for g, cols in t4.items()},
        "fees": fees(scope, year),
        "identity_violations": identity_violations(scope, year),
        "narrative": narratives(agency, year) if agency else {},
    }


def gaps(report: dict) -> list[str]:
    """What a report (computed or a snapshot) leaves blank: table 2 figures never entered (shown as 未填报, never as
    0: the platform cannot tell “none” from “not reported”) and empty narrative sections."""
    found = [f"表二“{item.label}”未填报" for item in ENTERED_ITEMS
             if (report.get("table2") or {}).get(item.value, {}).get("value") is None]
    narrative = report.get("narrative") or {}
    found += [f"“{section.label}”正文为空" for section in rules.Section if not (narrative.get(section.value) or "").strip()]
    return found


def narratives(agency: Agency, year: int) -> dict[str, str]:
    """Section code → text of `agency`'s report for `year` (empty where not written)."""
    saved = dict(Narrative.objects.filter(agency=agency, year=year).values_list("section", "text"))
    return {s.value: saved.get(s.value, "") for s in rules.Section}


def cell_records(year: int, agency: Agency | None, aggregate: bool, table: str, row: str,
                 column: str) -> list[dict]:
    """The records behind one cell: applications (table 3), remedies (table 4), documents or entered figures
    (table 2), paid fee notices (fees)."""
    scope = Scope(agency, aggregate)
    if table == "table3":
        ids = table3_cells(scope, year).get(row, {}).get(column, [])
        found = Application.objects.filter(pk__in=ids).select_related("agency").only(
            *_APPLICATION_FIELDS, "agency__name").order_by("received_on", "id")
        return [{"kind": "application", "id": a.pk, "title": a.case_no, "agency": a.agency.name,
                 "date": a.received_on.isoformat(), "detail": a.get_decision_display() if a.decision else "办理中"}
                for a in found]
    if table == "table4":
        ids = table4_cells(scope, year).get(row, {}).get(column, [])
        found = Remedy.objects.filter(pk__in=ids).select_related("application__agency").order_by("filed_on", "id")
        return [{"kind": "remedy", "id": r.pk, "title": r.application.case_no, "agency": r.application.agency.name,
                 "date": r.filed_on.isoformat(), "detail": f"{r.get_kind_display()} {r.get_outcome_display()}"}
                for r in found]
    if table == "table2" and row in TABLE2_DOC_TYPES:
        docs = _documents(scope, year, Table2Item(row), column).select_related("agency", "live_revision")
        return [{"kind": "document", "id": d.pk, "title": d.live_revision.title, "agency": d.agency.name,
                 "date": d.published_on.isoformat() if d.published_on else "", "detail": d.get_validity_display()}
                for d in docs.order_by("published_on", "id")]
    if table == "table2" and row in ENTERED_ITEMS:
        figures = scope.filter(EnteredFigure.objects.filter(year=year, item=row))
        values = dict(figure_values(figures))
        figures = figures.select_related("agency", "entered_by").defer("value")
        return [{"kind": "figure", "id": f.pk, "title": f.get_item_display(), "agency": f.agency.name,
                 "date": f.entered_at.date().isoformat(),
                 "detail": (f"{_number(values[f.pk])}" if values.get(f.pk) is not None else "数值有误，请重新填报")
                           + f"（填报人：{_figure_user(f)}）"} for f in figures.order_by("id")]
    if table == "fees":
        start, end = _bounds(year)
        paid = scope.filter(FeeNotice.objects.filter(paid_on__range=(start, end), voided_on__isnull=True),
                            "application__agency_id").select_related("application__agency")
        return [{"kind": "fee", "id": f.pk, "title": f.application.case_no, "agency": f.application.agency.name,
                 "date": f.paid_on.isoformat(), "detail": f"{f.amount_yuan} 元"} for f in paid.order_by("paid_on")]
    return []


def _user(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else "系统"


def format_figure(value: Decimal) -> str:
    """An entered figure as typed: 120, 12.5."""
    return str(_number(value))


def figure_entered_by(figure: EnteredFigure) -> str:
    """Who entered a figure, for the staff pages."""
    return _figure_user(figure)


def _figure_user(figure: EnteredFigure) -> str:
    # Only `gongkai report figures` without --by enters a figure with nobody signed in.
    if figure.entered_by:
        return _user(figure.entered_by)
    return "命令行导入（未注明填报人）"


def sum_of(reports: list[dict]) -> dict:
    """Cell-by-cell sum of the tables of several reports (for checking an aggregate against its parts)."""
    total: dict = {"table3": defaultdict(lambda: defaultdict(int)), "table4": defaultdict(lambda: defaultdict(int))}
    for report in reports:
        for table in ("table3", "table4"):
            for row, cols in report[table].items():
                for col, n in cols.items():
                    total[table][row][col] += n
    return {t: {r: dict(c) for r, c in rows.items()} for t, rows in total.items()}
