"""The staff pages: who sees them, the ranking and its evidence links, the XLSX read back, editing a scheme."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gongkai.assessment.models import Scheme, SchemeIndicator
from gongkai.assessment.rules import DEFAULT_INDICATORS, Formula, IndicatorCode
from gongkai.assessment.xlsx import EVIDENCE_SHEET, RANKING_SHEET
from gongkai.core.models import AuditEntry
from gongkai.orgs.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.force_login(user)
    return client


def query(city):
    return f"?month={city['today']:%Y-%m}&scheme={city['scheme'].pk}"


def test_only_the_general_office_assesses(client, city):
    assert client.get(reverse("staff-assessment")).status_code == 302  # to the login page
    for user in (city["office"]["head"],  # the bureau's own disclosure office
                 factories.make_staff(city["government"], Role.ADMINISTRATOR),  # root, without subordinates
                 factories.make_staff(city["finance"], Role.DISCLOSURE_HEAD, covers_subordinates=True)):
        response = signed_in(client, user).get(reverse("staff-assessment"))
        assert response.status_code == 403 and "考评仅供" in response.content.decode()
    admin = factories.make_staff(city["government"], Role.ADMINISTRATOR, covers_subordinates=True)
    assert signed_in(client, admin).get(reverse("staff-assessment") + query(city)).status_code == 200


def test_ranking_page_links_each_deduction_to_its_evidence(client, city):
    response = signed_in(client, city["general"]).get(reverse("staff-assessment") + query(city))
    assert response.status_code == 200
    names = [row.agency.name for row in response.context["rows"]]
    assert names == ["考评市教育局", "考评市人民政府", "考评市财政局"]
    page = response.content.decode()
    evidence_url = reverse("staff-assessment-evidence", args=[city["finance"].code, IndicatorCode.ON_TIME_RATE])
    assert evidence_url in page and "考评" in page
    evidence = client.get(evidence_url + response.context["query"])
    text = evidence.content.decode()
    assert "考评迟发的政策文件" in text and reverse("staff-document", args=[city["late"].pk]) in text
    assert "考评按时发布的通知" not in text
    cases = client.get(reverse("staff-assessment-evidence", args=[city["finance"].code, IndicatorCode.CASES_OVERDUE])
                       + response.context["query"]).content.decode()
    assert reverse("staff-application", args=[city["case"].pk]) in cases
    # An agency outside the general office's reach is not found, never hinted at.
    stranger = factories.make_agency("11000000ASM000009X", "别市财政局")
    assert client.get(reverse("staff-assessment-evidence", args=[stranger.code, "on_time_rate"])).status_code == 404
    assert client.get(reverse("staff-assessment-evidence", args=[city["finance"].code, "nope"])).status_code == 404


def test_bad_period_falls_back_to_this_month_with_a_message(client, city):
    response = signed_in(client, city["general"]).get(reverse("staff-assessment") + "?start=2026-13-01&end=x")
    assert response.status_code == 200
    assert "请按“年-月-日”填写开始日期" in response.content.decode()
    assert response.context["typed"]["start"] == "2026-13-01"


@pytest.mark.parametrize("query_string", ["?month=1800-01", "?month=99999-01", "?start=1800-01-01&end=1800-01-31"])
def test_a_period_before_the_regulation_is_refused_with_a_message(client, city, query_string):
    response = signed_in(client, city["general"]).get(reverse("staff-assessment") + query_string)
    assert response.status_code == 200 and "2008 年（《条例》施行）" in response.content.decode()
    assert response.context["period"].start.year == city["today"].year


def test_xlsx_has_the_ranking_and_the_evidence(client, city):
    response = signed_in(client, city["general"]).get(reverse("staff-assessment-export") + query(city))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [RANKING_SHEET, EVIDENCE_SHEET]
    ranking = list(book[RANKING_SHEET].iter_rows(min_row=3, values_only=True))
    assert [(r[0], r[1], r[2]) for r in ranking] == [(1, "考评市教育局", 100), (2, "考评市人民政府", 80),
                                                     (3, "考评市财政局", 69)]
    headers = [c.value for c in book[RANKING_SHEET][2]]
    assert headers[:4] == ["名次", "机关", "总分", "扣分"] and "主动公开按时发布率（30.00 分）" in headers
    evidence = list(book[EVIDENCE_SHEET].iter_rows(min_row=2, values_only=True))
    finance = [r for r in evidence if r[0] == "考评市财政局"]
    assert {r[1] for r in finance} == {IndicatorCode(code).label for code, *_ in DEFAULT_INDICATORS}
    assert ("考评市财政局", IndicatorCode.ON_TIME_RATE.label, 15, "考评迟发的政策文件") in [r[:4] for r in finance]
    # Each indicator's deduction once (not repeated on every evidence row), links absolute.
    guide_rows = [r for r in finance if r[1] == IndicatorCode.GUIDE_STALE.label]
    assert [r[2] for r in guide_rows] == [5, None]
    assert sum(r[2] or 0 for r in finance) == 100 - 69
    assert all(r[5].startswith("http://testserver/staff/") for r in evidence if r[5])
    assert {r[1] for r in evidence if r[0] == "考评市人民政府"} == {IndicatorCode.GUIDE_STALE.label,
                                                                   IndicatorCode.CATALOG_NOT_MET.label}


def form_of(scheme):
    data = {"name": scheme.name, "year": str(scheme.year), "active": "on"}
    for i in scheme.indicators.all():
        data.update({f"weight_{i.indicator}": str(i.weight), f"formula_{i.indicator}": i.formula,
                     f"points_{i.indicator}": str(i.points)})
    return data


def test_editing_a_scheme_is_audited_and_changes_the_scores(client, city):
    scheme = city["scheme"]
    data = form_of(scheme) | {"weight_cases_overdue": "40", "points_cases_overdue": "50"}
    response = signed_in(client, city["general"]).post(reverse("staff-assessment-scheme", args=[scheme.pk]), data)
    assert response.status_code == 302
    line = SchemeIndicator.objects.get(scheme=scheme, indicator=IndicatorCode.CASES_OVERDUE)
    assert (line.weight, line.points) == (Decimal(40), Decimal(50))
    assert AuditEntry.objects.filter(action="assessment.update_scheme", object_id=str(scheme.pk)).exists()
    page = client.get(reverse("staff-assessment") + query(city))
    finance = next(r for r in page.context["rows"] if r.agency == city["finance"])
    assert finance.line(IndicatorCode.CASES_OVERDUE).score == 0  # one case × 50 points, floored at 0


@pytest.mark.parametrize(("field", "value", "message"), [
    ("weight_on_time_rate", "三十", "分值须为数字。"),
    ("weight_guide_stale", "-5", "分值不能为负数。"),
    ("formula_cases_overdue", "__import__('os')", "请从列表中选择扣分规则。"),
    ("formula_guide_stale", Formula.RATE, "只适用于按比率计算的指标"),
    ("points_overdue_documents", "abc", "每件扣分须为数字。"),
])
def test_bad_input_keeps_what_was_typed_and_stores_nothing(client, city, field, value, message):
    scheme = city["scheme"]
    before = list(SchemeIndicator.objects.filter(scheme=scheme).values_list("indicator", "weight", "formula", "points"))
    data = form_of(scheme) | {"name": "改过的名称", field: value}
    response = signed_in(client, city["general"]).post(reverse("staff-assessment-scheme", args=[scheme.pk]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "改过的名称" in page
    assert response.context["values"][field] == value
    assert list(SchemeIndicator.objects.filter(scheme=scheme).values_list(
        "indicator", "weight", "formula", "points")) == before
    assert Scheme.objects.get(pk=scheme.pk).name == "测试考评方案"


def test_a_new_scheme_starts_from_the_defaults(client, city):
    count = Scheme.objects.count()
    page = signed_in(client, city["general"]).get(reverse("staff-assessment-scheme", args=[0]))
    assert page.status_code == 200 and page.context["values"]["weight_on_time_rate"] == "30"
    bad = client.post(reverse("staff-assessment-scheme", args=[0]), page.context["values"] | {"name": ""})
    assert bad.status_code == 400 and "请填写方案名称。" in bad.content.decode() and Scheme.objects.count() == count
    bad = client.post(reverse("staff-assessment-scheme", args=[0]),
                      page.context["values"] | {"name": "新方案", "weight_cases_overdue": "-1"})
    assert bad.status_code == 400 and "分值不能为负数。" in bad.content.decode() and Scheme.objects.count() == count
    response = client.post(reverse("staff-assessment-scheme", args=[0]),
                           page.context["values"] | {"name": "新方案", "active": "on"})
    assert response.status_code == 302 and Scheme.objects.count() == count + 1
    assert Scheme.objects.get(name="新方案").active and not Scheme.objects.get(pk=city["scheme"].pk).active


def test_every_bad_field_of_a_scheme_shows_at_once(client, city):
    page = signed_in(client, city["general"]).get(reverse("staff-assessment-scheme", args=[0]))
    bad = client.post(reverse("staff-assessment-scheme", args=[0]), page.context["values"] | {
        "name": "", "year": "20x6", "weight_on_time_rate": "abc", "weight_guide_stale": "-5"})
    body = bad.content.decode()
    assert bad.status_code == 400
    for message in ("年度须为四位数字。", "请填写方案名称。", "分值须为数字。", "分值不能为负数。"):
        assert message in body, message


def test_menu_shows_the_assessment_to_the_general_office_only(client, city):
    assert "staff/assessment/" in signed_in(client, city["general"]).get(reverse("staff-dashboard")).content.decode()
    client.logout()
    assert "staff/assessment/" not in signed_in(client, city["office"]["head"]).get(
        reverse("staff-dashboard")).content.decode()
