"""Table 2's entered figures on the staff page (form and upload, the signed-in user as enterer), their bounds
(no 1e20, NaN or year 1800 can be stored or break the report), and the command line's --by."""

from __future__ import annotations

import io

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from openpyxl import Workbook

from gongkai import cli
from gongkai.core.errors import DomainError
from gongkai.core.models import AuditEntry
from gongkai.reports import annual, services
from gongkai.reports.models import EnteredFigure


def _page(city):
    return reverse("staff-annual-report") + f"?year=2025&agency={city['finance'].code}"


def test_figures_are_entered_on_the_report_page_by_the_signed_in_user(client, city):
    finance, officer = city["finance"], city["teams"][city["finance"].pk]["officer"]
    client.force_login(officer)
    html = client.get(_page(city)).content.decode()
    assert 'name="figure_licensing"' in html and "从 CSV 或 XLSX 导入" in html
    url = reverse("staff-annual-report-figures", args=[finance.code])
    done = client.post(url, {"year": "2025", "figure_licensing": "120", "figure_fees": "12.5"})
    assert done.status_code == 302
    figure = EnteredFigure.objects.get(agency=finance, year=2025, item="licensing")
    assert figure.entered_by == officer and int(figure.value) == 120
    assert AuditEntry.objects.filter(action="reports.record_figure", actor=officer).count() == 2
    html = client.get(_page(city)).content.decode()
    assert 'value="120"' in html and "填报人：" + (officer.get_full_name() or officer.username) in html
    # Every bad value is reported at its field at once, the typed values stay, nothing is saved.
    refused = client.post(url, {"year": "2025", "figure_licensing": "1e30", "figure_penalty": "NaN",
                                "figure_coercion": "1.5", "figure_fees": "-3"})
    body = refused.content.decode()
    assert refused.status_code == 400
    assert body.count('aria-invalid="true"') == 4 and 'value="1e30"' in body and 'value="NaN"' in body
    assert "应为整数" in body and EnteredFigure.objects.filter(agency=finance, year=2025).count() == 2


def test_figures_are_imported_on_the_report_page_all_or_nothing(client, city):
    finance, health = city["finance"], city["health"]
    client.force_login(city["teams"][finance.pk]["officer"])
    url = reverse("staff-annual-report-figures-import", args=[finance.code])
    bad = io.BytesIO(f"机关代码,年度,事项,数值\n{finance.code},2025,行政许可,5\n{finance.code},1800,行政处罚,3\n"
                     f"{finance.code},2025,行政事业性收费,1e20\n{health.code},2025,行政强制,2\n".encode())
    bad.name = "f.csv"
    refused = client.post(url, {"year": "2025", "file": bad})
    body = refused.content.decode()
    assert refused.status_code == 400 and "第 3 行" in body and "第 4 行" in body and "第 5 行" in body
    assert "您不能填报" in body and not EnteredFigure.objects.exists()
    book = Workbook()
    book.active.append(["机关代码", "年度", "事项", "数值"])
    book.active.append([finance.code, 2025, "行政许可", 42])
    book.active.append([finance.code, 2025, "行政事业性收费", 3.25])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "f.xlsx"
    assert client.post(url, {"year": "2025", "file": data}).status_code == 302
    assert {f.item: str(f.value.normalize()) for f in EnteredFigure.objects.all()} == {"licensing": "42",
                                                                                        "fees": "3.25"}
    assert EnteredFigure.objects.get(item="licensing").entered_by == city["teams"][finance.pk]["officer"]


@pytest.mark.parametrize(("item", "value", "message"), [
    ("fees", "1e20", "非负数字"), ("licensing", "1e30", "非负数字"), ("licensing", "NaN", "非负数字"),
    ("penalty", "inf", "非负数字"), ("penalty", "-1", "非负数字"), ("licensing", "1000000001", "不能超过"),
    ("fees", "1000000001", "不能超过"), ("fees", "1.23456", "4 位小数"), ("coercion", "2.5", "整数")])
def test_out_of_bounds_figures_are_refused(city, item, value, message):
    with pytest.raises(DomainError, match=message):
        services.record_figure(None, city["finance"], 2025, item, value)


@pytest.mark.parametrize("year", [1800, 2007, 99999])
def test_years_without_an_annual_report_are_refused(city, year):
    with pytest.raises(DomainError, match="2008"):
        services.record_figure(None, city["finance"], year, "licensing", "1")


def test_the_database_refuses_what_validation_refuses(city):
    with pytest.raises(IntegrityError), transaction.atomic():
        EnteredFigure.objects.create(agency=city["finance"], year=2025, item="fees", value=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        EnteredFigure.objects.create(agency=city["finance"], year=1800, item="fees", value=1)


def test_a_stored_bad_figure_never_breaks_the_report(client, city):
    """A value stored before validation existed (SQLite keeps 1e20 in a numeric column) is shown as wrong."""
    finance = city["finance"]
    figure = services.record_figure(None, finance, 2025, "fees", "1")
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's numeric(14,4) never stored such a value")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA ignore_check_constraints = ON")
        cursor.execute("UPDATE reports_enteredfigure SET value = 1e20 WHERE id = %s", [figure.pk])
        cursor.execute("PRAGMA ignore_check_constraints = OFF")
    report = annual.annual_report(2025, finance)
    assert report["table2"]["fees"] == {"value": None, "entered": 0, "invalid": 1}
    records = annual.cell_records(2025, finance, False, "table2", "fees", "value")
    assert "数值有误" in records[0]["detail"]
    client.force_login(city["teams"][finance.pk]["officer"])
    assert client.get(_page(city)).status_code == 200
    # A correct figure replaces it.
    services.record_figure(None, finance, 2025, "fees", "2.5")
    assert annual.annual_report(2025, finance)["table2"]["fees"]["value"] == 2.5


def test_command_line_names_the_enterer_or_says_it_was_the_command_line(city, tmp_path, capsys):
    officer = city["teams"][city["finance"].pk]["officer"]
    path = tmp_path / "f.csv"
    path.write_text(f"机关代码,年度,事项,数值\n{city['finance'].code},2025,行政许可,42\n", encoding="utf-8")
    args = cli.build_parser().parse_args(["report", "figures", str(path), "--by", officer.username])
    assert args.func(args) == 0
    assert EnteredFigure.objects.get().entered_by == officer
    args = cli.build_parser().parse_args(["report", "figures", str(path)])
    assert args.func(args) == 0 and "未注明填报人" in capsys.readouterr().out
    records = annual.cell_records(2025, city["finance"], False, "table2", "licensing", "value")
    assert "命令行导入" in records[0]["detail"]
    path.write_text(f"机关代码,年度,事项,数值\n{city['finance'].code},2025,行政事业性收费,1e20\n", encoding="utf-8")
    args = cli.build_parser().parse_args(["report", "figures", str(path)])
    assert args.func(args) == 1 and "第 2 行" in capsys.readouterr().err


def test_report_command_refuses_a_year_out_of_range(db, capsys):
    args = cli.build_parser().parse_args(["report", "annual", "--year", "99999"])
    assert args.func(args) == 2 and "2008" in capsys.readouterr().err


def test_a_narrative_longer_than_20000_characters_is_refused_and_kept(client, city):
    finance = city["finance"]
    client.force_login(city["teams"][finance.pk]["officer"])
    text = "述" * 20002
    response = client.post(reverse("staff-annual-report-narrative", args=[finance.code]),
                           {"year": "2025", "section": "overview", "text": text})
    body = response.content.decode()
    assert response.status_code == 400 and "不能超过 20000 个字" in body and text in body
    assert 'aria-describedby="t-overview-error"' in body
    from gongkai.reports.models import Narrative

    assert not Narrative.objects.exists()


def test_pages_open_on_the_users_own_agency(client, db):
    """On a fresh site every agency has order 0 and a department may come first: the general office still opens
    on its own government."""
    from gongkai.orgs.roles import Role
    from tests import factories

    department = factories.make_agency("11000000OWN000002X", "甲市民政局")
    government = factories.make_agency("11000000OWN000001X", "甲市人民政府", kind="government")
    department.parent = government
    department.save()
    head = factories.make_staff(government, Role.DISCLOSURE_HEAD, covers_subordinates=True)
    client.force_login(head)
    assert client.get(reverse("staff-annual-report")).context["agency"] == government
    assert client.get(reverse("staff-catalog")).context["agency"] == government
