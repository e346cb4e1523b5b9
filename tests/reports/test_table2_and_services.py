"""Table 2 from the library and from entered figures; entering, importing and narratives through the services."""

from __future__ import annotations

import pytest
from django.utils import timezone
from openpyxl import Workbook

from gongkai.core.errors import DomainError
from gongkai.core.models import AuditEntry
from gongkai.orgs.roles import Role
from gongkai.publishing.services.lifecycle import set_validity
from gongkai.reports import annual, services
from gongkai.reports.models import EnteredFigure
from tests import factories


def test_rules_and_normative_documents_are_counted_from_the_library(city):
    finance = city["finance"]
    team = factories.make_team(finance)
    year = timezone.localdate().year
    factories.make_document(team, finance, doc_type="地方政府规章", title="示例市财政资金管理办法")
    repealed = factories.make_document(team, finance, doc_type="行政规范性文件", title="关于财政票据的规定",
                                       doc_number="测财规〔2026〕1号")
    factories.make_document(team, finance, doc_type="通知", title="关于放假的通知", doc_number="测财〔2026〕2号")
    set_validity(team[Role.PUBLISHER], repealed, "repealed", repealed_on=timezone.localdate())
    t2 = annual.annual_report(year, finance)["table2"]
    assert t2["rules"] == {"issued": 1, "repealed": 0, "in_force": 1}
    assert t2["normative"] == {"issued": 1, "repealed": 1, "in_force": 0}
    behind = annual.cell_records(year, finance, False, "table2", "normative", "repealed")
    assert [r["title"] for r in behind] == ["关于财政票据的规定"]
    aggregate = annual.annual_report(year, city["government"], aggregate=True)["table2"]
    assert aggregate["rules"]["issued"] == 1


def test_entered_figures_are_audited_summed_and_traceable(city):
    officer = city["teams"][city["finance"].pk]["officer"]
    services.record_figure(officer, city["finance"], 2026, "licensing", "120")
    services.record_figure(officer, city["health"], 2026, "licensing", 30)
    figure = services.record_figure(officer, city["finance"], 2026, "fees", "12.5")
    services.record_figure(officer, city["finance"], 2026, "fees", "13.25")  # a correction replaces the figure
    assert EnteredFigure.objects.filter(item="fees").count() == 1
    assert AuditEntry.objects.filter(action="reports.record_figure", object_id=str(figure.pk)).count() == 2
    t2 = annual.annual_report(2026, city["government"], aggregate=True)["table2"]
    assert t2["licensing"] == {"value": 150, "entered": 2}
    assert t2["fees"]["value"] == 13.25
    assert t2["penalty"] == {"value": None, "entered": 0}
    behind = annual.cell_records(2026, city["finance"], False, "table2", "licensing", "value")
    assert behind[0]["detail"].startswith("120（填报人：")
    with pytest.raises(DomainError, match="整数"):
        services.record_figure(officer, city["finance"], 2026, "penalty", "1.5")
    with pytest.raises(DomainError, match="不能填报"):
        services.record_figure(officer, city["finance"], 2026, "rules", "3")


def test_import_from_csv_and_xlsx_all_or_nothing(city, tmp_path):
    officer = city["teams"][city["finance"].pk]["officer"]
    good = tmp_path / "figures.csv"
    good.write_text(f"机关代码,年度,事项,数值\n{city['finance'].code},2026,行政处罚,7\n"
                    f"{city['health'].code},2026,行政强制,2\n", encoding="utf-8-sig")
    assert len(services.import_figures(officer, good)) == 2
    book = Workbook()
    book.active.append(["机关代码", "年度", "事项", "数值"])
    book.active.append([city["finance"].code, 2026, "行政事业性收费", 3.5])
    book.active.append(["NOPE", 2026, "行政许可", 1])
    bad = tmp_path / "figures.xlsx"
    book.save(bad)
    with pytest.raises(DomainError, match="第 3 行"):
        services.import_figures(officer, bad)
    assert not EnteredFigure.objects.filter(item="fees").exists()
    assert EnteredFigure.objects.get(item="penalty").source == "figures.csv"


def test_narratives_are_saved_per_section(city):
    officer = city["teams"][city["finance"].pk]["officer"]
    services.save_narrative(officer, city["finance"], 2025, "overview", "  2025年，本局认真贯彻落实条例。 ")
    assert annual.narratives(city["finance"], 2025)["overview"] == "2025年，本局认真贯彻落实条例。"
    assert annual.narratives(city["finance"], 2026)["overview"] == ""
    with pytest.raises(DomainError):
        services.save_narrative(officer, city["finance"], 2025, "nope", "x")
