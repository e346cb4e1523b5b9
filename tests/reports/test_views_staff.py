"""The staff page of the annual report: tables with cells that open their records, narratives."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from gongkai.reports import services

D = dt.date


def test_page_cells_and_narratives(client, city, case):
    finance = city["finance"]
    officer = city["teams"][finance.pk]["officer"]
    carried = case(finance, D(2025, 12, 22), D(2026, 1, 12))
    case(finance, D(2026, 3, 2))
    services.save_narrative(officer, finance, 2025, "overview", "上一年度的总体情况。")
    client.force_login(officer)
    page = client.get(reverse("staff-annual-report"), {"year": "2026", "agency": finance.code})
    assert page.status_code == 200
    html = page.content.decode()
    assert "三、收到和处理政府信息公开申请情况" in html and "结转下年度继续办理" in html
    assert "上一年度的总体情况。" in html and "已填入上一年度的内容" in html  # last year's text offered
    cell = reverse("staff-annual-report-cell", args=[finance.code])
    assert f'{cell}?year=2026&amp;agency={finance.code}&amp;table=table3&amp;row=carried_over&amp;column=total' in html
    listing = client.get(cell, {"year": "2026", "table": "table3", "row": "carried_over", "column": "total"})
    assert listing.status_code == 200 and carried.case_no in listing.content.decode()
    saved = client.post(reverse("staff-annual-report-narrative", args=[finance.code]),
                        {"year": "2026", "section": "problems", "text": "存在的问题。"})
    assert saved.status_code == 302
    again = client.get(reverse("staff-annual-report"), {"year": "2026", "agency": finance.code}).content.decode()
    assert "存在的问题。" in again
    other = client.get(reverse("staff-annual-report"), {"year": "2026", "agency": city["health"].code})
    assert other.status_code == 404  # not the officer's agency


def test_aggregate_page_for_the_government(client, city, case):
    from gongkai.orgs.roles import Role
    from tests import factories

    case(city["finance"], D(2026, 3, 2))
    case(city["health"], D(2026, 4, 1))
    head = factories.make_staff(city["government"], Role.DISCLOSURE_HEAD, covers_subordinates=True)
    client.force_login(head)
    page = client.get(reverse("staff-annual-report"), {"year": "2026", "agency": city["government"].code,
                                                      "aggregate": "1"})
    assert page.status_code == 200
    assert page.context["report"]["table3"]["new"]["total"] == 2
    assert "（汇总）" in page.content.decode()


def test_downloads_open_in_their_readers(client, city, case):
    import io

    from docx import Document
    from openpyxl import load_workbook

    finance = city["finance"]
    case(finance, D(2026, 3, 2))
    client.force_login(city["teams"][finance.pk]["head"])
    got = client.get(reverse("staff-annual-report-download", args=[finance.code, "xlsx"]), {"year": "2026"})
    assert got.status_code == 200 and "attachment" in got["Content-Disposition"]
    assert load_workbook(io.BytesIO(got.content))["表三 申请情况"]["A1"].value.startswith("三、")
    got = client.get(reverse("staff-annual-report-download", args=[finance.code, "docx"]), {"year": "2026"})
    assert Document(io.BytesIO(got.content)).paragraphs[0].text.endswith("政府信息公开工作年度报告")
    got = client.get(reverse("staff-annual-report-download", args=[finance.code, "pdf"]), {"year": "2026"})
    assert got.status_code == 200 and got.content.startswith(b"%PDF")
    assert client.get(reverse("staff-annual-report-download", args=[finance.code, "odt"])).status_code == 404


def test_dashboard_shows_last_years_deadline(client, city):
    from django.utils import timezone

    from gongkai.reports import rules

    finance = city["finance"]
    officer = city["teams"][finance.pk]["officer"]
    year = timezone.localdate().year - 1
    services.save_narrative(officer, finance, year, "overview", "总体情况。")
    client.force_login(officer)
    html = client.get(reverse("staff-dashboard")).content.decode()
    assert f"{year} 年政府信息公开工作年度报告" in html
    assert f"应于 {rules.deadline(year, False).isoformat()} 前公布" in html
    assert "正文已填写 1/6 部分" in html
