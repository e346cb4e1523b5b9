"""The staff page of the timeliness figures: charts with the numbers as text, every figure linked to its rows,
the CSV read back (BOM, header, one line per counted case, no personal data), bad dates kept and explained."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from gongkai.core.workdays import WorkCalendar
from gongkai.disclosure import rules
from gongkai.reports import timeliness
from gongkai.reports.timeliness import BANDS, Period
from tests.disclosure_factories import CREDIT_CODE

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(city, case):
    calendar = WorkCalendar.load()
    finance = city["finance"]
    made = []
    for i, days in enumerate((3, BANDS[0], 8, rules.REPLY_WORKDAYS, rules.REPLY_WORKDAYS + 2)):
        received = D(2026, 3, 2) + dt.timedelta(days=7 * i)
        company = {"applicant_type": "legal_person", "organization_kind": "commercial", "name": "示例科技有限公司",
                   "id_number": CREDIT_CODE} if i == 1 else {}
        made.append(case(finance, received, calendar.add_workdays(received, days).due_on,
                         code="withheld.state_secret" if i == 2 else "granted", **company))
    case(city["health"], D(2026, 4, 1), D(2026, 4, 8))
    return made


def _csv(response) -> list[list[str]]:
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_page_shows_figures_with_links_and_charts(client, city, answered):
    finance = city["finance"]
    client.force_login(city["teams"][finance.pk]["officer"])
    page = client.get(reverse("staff-timeliness"), {"year": "2026", "agency": finance.code})
    assert page.status_code == 200
    html = page.content.decode()
    figures = page.context["figures"]
    assert figures.replied == len(answered)
    assert "<svg" in html and "role=\"img\"" in html
    assert "<script" not in html[html.index("<h1>"):]  # the chart is drawn on the server, no chart library
    # Every bar says its share and count as text, and links to its rows.
    rows_url = reverse("staff-timeliness-rows", args=[finance.code])
    for code in (f"within_{BANDS[0]}", "late", "granted", "withheld"):
        assert f"{figures.share(code)}%（{figures.counts[code]} 件）" in html
        assert f"{rows_url}?from=2026-01-01&amp;to=2026-12-31&amp;agency={finance.code}&amp;figure={code}" in html
    # The annual report links here.
    annual = client.get(reverse("staff-annual-report"), {"year": "2026", "agency": finance.code}).content.decode()
    assert reverse("staff-timeliness") + f"?year=2026&amp;agency={finance.code}" in annual


def test_every_figure_lists_its_rows_and_its_csv(client, city, answered):
    finance = city["finance"]
    client.force_login(city["teams"][finance.pk]["officer"])
    figures = timeliness.timeliness(finance, Period.year(2026))["figures"]
    rows_url = reverse("staff-timeliness-rows", args=[finance.code])
    csv_url = reverse("staff-timeliness-csv", args=[finance.code])
    for code in timeliness.figure_labels():
        params = {"year": "2026", "figure": code}
        listing = client.get(rows_url, params)
        assert listing.status_code == 200 and len(listing.context["rows"]) == figures.counts[code]
        lines = _csv(client.get(csv_url, params))
        assert lines[0] == timeliness.CSV_HEADER
        assert len(lines) - 1 == figures.counts[code], code
    everything = _csv(client.get(csv_url, {"year": "2026"}))
    by_case = {line[0]: dict(zip(everything[0], line, strict=True)) for line in everything[1:]}
    assert set(by_case) == {a.case_no for a in answered}
    last = by_case[answered[-1].case_no]
    assert last["用时（工作日）"] == str(rules.REPLY_WORKDAYS + 2) and last["是否超期"] == "是"
    assert by_case[answered[1].case_no]["申请人类型"] == "商业企业"
    assert by_case[answered[2].case_no]["答复类型（小计）"] == "不予公开"
    text = "\n".join(",".join(line) for line in everything)
    for personal in ("张三丰", "示例科技有限公司", CREDIT_CODE, "13812345678", "zhangsan@example.com"):
        assert personal not in text
    assert client.get(rows_url, {"year": "2026", "figure": "nonsense"}).status_code == 404


def test_aggregate_page_lists_each_agency(client, city, answered):
    from gongkai.orgs.roles import Role
    from tests import factories

    government = city["government"]
    head = factories.make_staff(government, Role.DISCLOSURE_HEAD, covers_subordinates=True)
    client.force_login(head)
    page = client.get(reverse("staff-timeliness"), {"year": "2026", "agency": government.code, "aggregate": "1"})
    assert page.status_code == 200
    assert page.context["figures"].replied == len(answered) + 1
    names = [name for name, _, _ in page.context["by_agency"]]
    assert names == [city["finance"].name, city["health"].name]
    lines = _csv(client.get(reverse("staff-timeliness-csv", args=[government.code]),
                            {"year": "2026", "aggregate": "1"}))
    assert len(lines) - 1 == len(answered) + 1
    assert {line[1] for line in lines[1:]} == {city["finance"].name, city["health"].name}


def test_date_range_and_bad_dates(client, city, answered):
    finance = city["finance"]
    client.force_login(city["teams"][finance.pk]["officer"])
    url = reverse("staff-timeliness")
    ranged = client.get(url, {"agency": finance.code, "from": "2026-03-01", "to": "2026-03-31"})
    assert ranged.status_code == 200
    expected = [a for a in answered if D(2026, 3, 1) <= a.decided_on <= D(2026, 3, 31)]
    assert ranged.context["figures"].replied == len(expected) and "2026-03-01 至 2026-03-31" in ranged.content.decode()
    bad = client.get(url, {"agency": finance.code, "year": "2026", "from": "2026-13-01", "to": "2026-03-31"})
    assert bad.status_code == 200
    html = bad.content.decode()
    assert "开始日期应为“年-月-日”格式的日期" in html and 'value="2026-13-01"' in html  # kept as typed
    assert bad.context["figures"].replied == len(answered)  # the year is shown instead
    backwards = client.get(url, {"agency": finance.code, "from": "2026-04-01", "to": "2026-03-01"})
    assert "结束日期不能早于开始日期。" in backwards.content.decode()
    other = client.get(url, {"year": "2026", "agency": city["health"].code})
    assert other.status_code == 404
