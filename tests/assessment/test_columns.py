"""Blank and stale columns (国办秘函〔2019〕19号): kinds from item names, each period's boundary, judged at the
period's end, only public documents counted, the indicator in a scheme, the staff page and its permissions."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from gongkai.assessment import rules
from gongkai.assessment import services as assessment
from gongkai.assessment.columns import Column, agency_columns, failing_columns
from gongkai.assessment.indicators import Period, measure_agency
from gongkai.assessment.rules import ColumnKind, IndicatorCode, kind_from_names, stale_after
from gongkai.assessment.scoring import ranking
from gongkai.catalog import services as catalog
from gongkai.catalog.models import CatalogItem
from gongkai.orgs.roles import Role
from gongkai.publishing import services as publishing
from gongkai.publishing.models import Document
from gongkai.publishing.rules import DisclosureMode, WithholdingGround
from tests import factories
from tests.disclosure_factories import disclosure_team

pytestmark = pytest.mark.django_db


# -- rules: kinds and periods ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("names", "kind"), [
    (("工作动态", "其他"), ColumnKind.NEWS),
    (("", "要闻"), ColumnKind.NEWS),
    (("通知公告", "其他"), ColumnKind.NOTICES_POLICIES),
    (("", "规范性文件"), ColumnKind.NOTICES_POLICIES),
    (("", "规章"), ColumnKind.NOTICES_POLICIES),
    (("人事任免通知", "其他"), ColumnKind.PERSONNEL_PLANS),  # the more specific personnel keyword wins
    (("", "规划计划"), ColumnKind.PERSONNEL_PLANS),
    (("部门预算", "财政预决算"), ColumnKind.OTHER),
    (("", ""), ColumnKind.OTHER),
])
def test_kind_from_names(names, kind):
    assert kind_from_names(*names) == kind


def test_the_second_level_name_is_read_before_the_first():
    assert kind_from_names("工作动态", "规范性文件") == ColumnKind.NEWS


def column(kind, last_update, as_of):
    return Column("栏目", kind, "关键词", last_update, as_of, "/")


@pytest.mark.parametrize(("days", "stale"), [(13, False), (14, False), (15, True)])
def test_news_goes_stale_after_two_weeks(days, stale):
    as_of = dt.date(2026, 6, 30)
    c = column(ColumnKind.NEWS, as_of - dt.timedelta(days=days), as_of)
    assert (c.stale, c.blank, c.days_since) == (stale, False, days)


@pytest.mark.parametrize(("last", "as_of", "stale"), [
    (dt.date(2026, 1, 15), dt.date(2026, 7, 14), False),
    (dt.date(2026, 1, 15), dt.date(2026, 7, 15), False),  # exactly 6 months: not yet “超过”
    (dt.date(2026, 1, 15), dt.date(2026, 7, 16), True),
    (dt.date(2026, 8, 31), dt.date(2027, 2, 28), False),  # month end: 6 months on is the last day of February
    (dt.date(2026, 8, 31), dt.date(2027, 3, 1), True),
])
def test_notices_and_policies_go_stale_after_six_calendar_months(last, as_of, stale):
    assert column(ColumnKind.NOTICES_POLICIES, last, as_of).stale is stale


def test_personnel_and_plans_go_stale_after_a_year():
    assert stale_after(ColumnKind.PERSONNEL_PLANS, dt.date(2025, 3, 10)) == dt.date(2026, 3, 10)
    assert not column(ColumnKind.PERSONNEL_PLANS, dt.date(2025, 3, 10), dt.date(2026, 3, 10)).stale
    assert column(ColumnKind.PERSONNEL_PLANS, dt.date(2025, 3, 10), dt.date(2026, 3, 11)).stale
    assert stale_after(ColumnKind.PERSONNEL_PLANS, dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)


def test_a_column_without_a_period_only_fails_when_blank():
    assert not column(ColumnKind.OTHER, dt.date(2000, 1, 1), dt.date(2026, 6, 30)).failing
    blank = column(ColumnKind.OTHER, None, dt.date(2026, 6, 30))
    assert blank.blank and blank.failing and not blank.stale and "从未更新" in blank.detail
    assert column(ColumnKind.NEWS, None, dt.date(2026, 6, 30)).blank


def test_the_optional_indicator_leaves_the_default_scheme_at_100_marks():
    assert sum(int(w) for _, w, *_ in rules.DEFAULT_INDICATORS) == 100
    assert IndicatorCode.STALE_COLUMNS not in {c for c, *_ in rules.DEFAULT_INDICATORS}
    assert IndicatorCode.STALE_COLUMNS in {c for c, *_ in rules.OPTIONAL_INDICATORS}


# -- the columns of planted agencies --------------------------------------------------------------------------------

def publish_on(team, agency, published_on, **fields):
    document = publishing.create_document(team[Role.DRAFTER], agency, factories.data(**fields))
    factories.advance(team, document)
    return publishing.publish_document(team[Role.PUBLISHER], document, published_on=published_on)


@pytest.fixture
def site(db):
    """A government over a bureau whose public catalogue has a news, a notices, a personnel and a blank column."""
    today = timezone.localdate()
    government = factories.make_agency("11000000COL000001X", "栏目市人民政府", kind="government")
    bureau = factories.make_agency("11000000COL000002X", "栏目市民政局", parent=government)
    team, office = factories.make_team(bureau), disclosure_team(bureau)

    def item(category, subcategory, content, doc_type="", subject="", publish=True, **extra):
        saved = catalog.save_item(office["officer"], bureau, {
            "category": category, "subcategory": subcategory, "content": content, "basis": "《条例》第二十条",
            "doc_type": doc_type, "subject": subject, **extra})
        return catalog.publish_entry(office["head"], saved) if publish else saved

    items = {
        "news": item("other", "工作动态", "民政工作动态", doc_type="通报"),
        "notices": item("other", "通知公告", "民政通知公告", doc_type="通知"),
        "personnel": item("other", "人事任免", "人事任免信息", doc_type="决定"),
        "blank": item("budget", "部门预算", "部门预算", subject="财政、金融、审计\\财政"),
        "unmapped": item("functions", "", "机构职能"),  # shows its own text: not a library column
        "draft": item("other", "工作动态", "尚未审核的栏目", doc_type="批复", publish=False),
    }
    general = factories.make_staff(government, Role.DISCLOSURE_HEAD, covers_subordinates=True)
    return {"today": today, "government": government, "bureau": bureau, "team": team, "office": office,
            "items": items, "general": general}


def by_name(columns):
    return {c.name.split("：")[-1]: c for c in columns}


def test_the_columns_of_an_agency(site):
    as_of = site["today"]
    columns = by_name(agency_columns(site["bureau"], as_of))
    assert set(columns) == {"民政工作动态", "民政通知公告", "人事任免信息", "部门预算"}
    assert [columns[n].kind for n in ("民政工作动态", "民政通知公告", "人事任免信息", "部门预算")] == [
        ColumnKind.NEWS, ColumnKind.NOTICES_POLICIES, ColumnKind.PERSONNEL_PLANS, ColumnKind.OTHER]
    assert all(c.blank for c in columns.values())  # nothing published yet
    assert len(failing_columns(site["bureau"], as_of)) == 4


def test_news_at_each_boundary_in_the_database(site):
    team, bureau, end = site["team"], site["bureau"], site["today"] - dt.timedelta(days=1)
    period = Period(end - dt.timedelta(days=30), end)
    document = publish_on(team, bureau, end - dt.timedelta(days=15), title="民政动态一", doc_type="通报")
    news = by_name(agency_columns(bureau, period.as_of()))["民政工作动态"]
    assert (news.stale, news.days_since, news.last_update) == (True, 15, end - dt.timedelta(days=15))
    Document.objects.filter(pk=document.pk).update(published_on=end - dt.timedelta(days=14))
    assert not by_name(agency_columns(bureau, period.as_of()))["民政工作动态"].stale
    Document.objects.filter(pk=document.pk).update(published_on=end - dt.timedelta(days=13))
    assert not by_name(agency_columns(bureau, period.as_of()))["民政工作动态"].failing


def test_judged_at_the_period_end_not_today(site):
    team, bureau, today = site["team"], site["bureau"], site["today"]
    published = today - dt.timedelta(days=60)
    publish_on(team, bureau, published, title="民政动态二", doc_type="通报")
    then = Period(published - dt.timedelta(days=5), published + dt.timedelta(days=10))
    measure = measure_agency(bureau, then)[IndicatorCode.STALE_COLUMNS]
    assert "民政工作动态" not in " ".join(e.label for e in measure.evidence)  # 10 days old at that period's end
    now = Period(today - dt.timedelta(days=10), today)
    evidence = measure_agency(bureau, now)[IndicatorCode.STALE_COLUMNS].evidence
    assert any("民政工作动态" in e.label and "已 60 天" in e.detail for e in evidence)
    # A period ending before the first publication finds the column blank: later documents do not count.
    before = Period(published - dt.timedelta(days=30), published - dt.timedelta(days=1))
    assert by_name(agency_columns(bureau, before.as_of()))["民政工作动态"].blank


def test_non_public_documents_never_count(site):
    team, bureau, today = site["team"], site["bureau"], site["today"]
    factories.make_document(team, bureau, publish=False, title="未发布的通知", doc_type="通知")
    withdrawn = publish_on(team, bureau, today - dt.timedelta(days=3), title="已撤回的通知", doc_type="通知")
    publishing.withdraw_document(team[Role.PUBLISHER], withdrawn, "内容有误")
    factories.make_document(team, bureau, publish=False, title="不予公开的决定", doc_type="决定",
                            disclosure_mode=DisclosureMode.WITHHELD,
                            withholding_ground=WithholdingGround.INTERNAL_AFFAIRS, withholding_reason="内部管理")
    columns = by_name(agency_columns(bureau, today))
    assert columns["民政通知公告"].blank and columns["人事任免信息"].blank
    publish_on(team, bureau, today - dt.timedelta(days=3), title="公开的通知", doc_type="通知")
    assert not by_name(agency_columns(bureau, today))["民政通知公告"].failing


def test_a_staff_override_of_the_kind(site):
    office, bureau, team, today = site["office"], site["bureau"], site["team"], site["today"]
    publish_on(team, bureau, today - dt.timedelta(days=40), title="人事任免决定", doc_type="决定")
    assert not by_name(agency_columns(bureau, today))["人事任免信息"].failing  # a year's period
    catalog.save_item(office["officer"], bureau, {"column_kind": ColumnKind.NEWS}, site["items"]["personnel"])
    personnel = by_name(agency_columns(bureau, today))["人事任免信息"]
    assert (personnel.kind, personnel.kind_source, personnel.stale) == (ColumnKind.NEWS, "人工指定", True)
    # The override is not a public field: the item needs no new review for it.
    assert not CatalogItem.objects.get(pk=site["items"]["personnel"].pk).has_unpublished_changes


def test_a_bad_override_is_refused_in_chinese(client, site):
    office, bureau, item = site["office"], site["bureau"], site["items"]["personnel"]
    client.force_login(office["officer"])
    url = reverse("staff-catalog-entry", args=[bureau.code, "item", item.pk])
    form = {"category": "other", "subcategory": "人事任免", "content": "人事任免信息", "basis": "《条例》第二十条",
            "doc_type": "决定", "order": "100", "column_kind": "weekly"}
    response = client.post(url, form)
    assert response.status_code == 400 and "请选择栏目更新要求" in response.content.decode()
    assert CatalogItem.objects.get(pk=item.pk).column_kind == ""
    assert client.post(url, {**form, "column_kind": "news"}).status_code == 302
    assert CatalogItem.objects.get(pk=item.pk).column_kind == "news"


def test_the_root_government_carries_the_home_page_columns(site, settings):
    settings.GONGKAI_HOME_BLOCKS = ["news", "notices"]
    settings.GONGKAI_HOME_NEWS_TYPES, settings.GONGKAI_HOME_NOTICE_TYPES = ["公报"], ["通知", "公告"]
    team, bureau, today = site["team"], site["bureau"], site["today"]
    publish_on(team, bureau, today - dt.timedelta(days=200), title="民政通知", doc_type="通知")
    columns = {c.name: c for c in agency_columns(site["government"], today)}
    assert columns[rules.HOME_NEWS_COLUMN].blank
    assert columns[rules.HOME_NOTICES_COLUMN].stale  # a bureau's notice fills the home block; 200 days old
    assert rules.HOME_NEWS_COLUMN not in {c.name for c in agency_columns(bureau, today)}
    settings.GONGKAI_HOME_BLOCKS = ["search"]
    assert agency_columns(site["government"], today) == []


def test_the_indicator_scores_in_a_scheme_that_weighs_it(site):
    scheme = assessment.create_scheme(site["general"], "含栏目检查的方案", site["today"].year)
    indicators = {code: {"weight": w, "formula": f, "points": p} for code, w, f, p in rules.DEFAULT_INDICATORS}
    indicators[IndicatorCode.STALE_COLUMNS] = {"weight": "10", "formula": "per_item", "points": "2"}
    assessment.update_scheme(site["general"], scheme, name=scheme.name, year=scheme.year, active=True,
                             indicators=indicators)
    period = Period.month(site["today"].year, site["today"].month)
    line = ranking(scheme, [site["bureau"]], period)[0].line(IndicatorCode.STALE_COLUMNS)
    assert line.measure.count == 4 and line.deduction == 8
    assert {e.url for e in line.measure.evidence} >= {
        reverse("staff-catalog-entry", args=[site["bureau"].code, "item", site["items"]["blank"].pk])}


# -- the staff page and the dashboard --------------------------------------------------------------------------------

def test_the_page_lists_each_agency_with_a_total(client, site):
    publish_on(site["team"], site["bureau"], site["today"] - dt.timedelta(days=20), title="民政动态", doc_type="通报")
    client.force_login(site["general"])
    response = client.get(reverse("staff-assessment-columns"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "栏目市民政局" in page and "栏目市人民政府" in page
    assert "从未更新（空白栏目）" in page and "已 20 天" in page
    # The bureau: notices, personnel and budget blank, its news 20 days old; the government's home blocks (the
    # default GONGKAI_HOME_BLOCKS): news fed by the bureau's 通报, stale too, and notices blank.
    assert (response.context["total_blank"], response.context["total_stale"]) == (4, 2)
    assert "合计：空白栏目 4 个，不更新栏目 2 个，共 6 个" in page
    # A bad date keeps what was typed and says so, never a 500.
    bad = client.get(reverse("staff-assessment-columns") + "?start=2026-13-01&end=x")
    assert bad.status_code == 200 and "请按“年-月-日”填写开始日期" in bad.content.decode()
    assert 'value="2026-13-01"' in bad.content.decode()


def test_the_ranking_links_to_the_page(client, site):
    client.force_login(site["general"])
    page = client.get(reverse("staff-assessment") + "?month=2026-01").content.decode()
    assert reverse("staff-assessment-columns") in page


def test_only_the_general_office_sees_the_page(client, site):
    assert client.get(reverse("staff-assessment-columns")).status_code == 302
    client.force_login(site["office"]["head"])
    assert client.get(reverse("staff-assessment-columns")).status_code == 403


def test_the_dashboard_panel_counts_for_the_office(client, site):
    client.force_login(site["general"])
    page = client.get(reverse("staff-dashboard")).content.decode()
    assert "栏目空白与不更新" in page and "空白栏目 6 个，不更新栏目 0 个" in page
    client.force_login(site["office"]["head"])
    assert "栏目空白与不更新" not in client.get(reverse("staff-dashboard")).content.decode()


def test_last_updates_agree_with_the_catalogue_item_documents(site):
    """One aggregate query per agency gives each item the newest of catalog's own item_documents."""
    from gongkai.catalog.queries import item_documents

    office, bureau, team, today = site["office"], site["bureau"], site["team"], site["today"]
    whole = catalog.publish_entry(office["head"], catalog.save_item(office["officer"], bureau, {
        "category": "other", "subcategory": "政务公开文件", "content": "综合政务类文件", "basis": "《条例》第二十条",
        "subject": "综合政务"}))  # a first-level subject: every subject under it
    publish_on(team, bureau, today - dt.timedelta(days=9), title="综合政务的通知", doc_type="通知")
    publish_on(team, bureau, today - dt.timedelta(days=4), title="综合政务的决定", doc_type="决定")
    columns = by_name(agency_columns(bureau, today))
    for name, item in (("综合政务类文件", whole), ("民政通知公告", site["items"]["notices"]),
                       ("人事任免信息", site["items"]["personnel"]), ("部门预算", site["items"]["blank"])):
        docs = item_documents(bureau, item.published["doc_type"], item.published["subject"])
        newest = max((d.published_on for d in docs), default=None)
        assert columns[name].last_update == newest, name
    assert columns["综合政务类文件"].days_since == 4 and columns["民政通知公告"].days_since == 9
