"""Hot searches and suggestions cannot be planted: they count distinct clients over a window, only queries
that found public documents (as searched, after correction), and staff can pin, hide and block."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongkai.core.models import AuditEntry
from gongkai.orgs.roles import Role
from gongkai.search import hot, searchlog, services
from gongkai.search.models import HotRuleKind, HotSearchRule, SearchQueryClient
from tests import factories
from tests.search.test_api import library  # noqa: F401 - the same small library of public documents

pytestmark = pytest.mark.usefixtures("fresh_search", "library")


@pytest.fixture
def site_admin(agency):
    return factories.make_staff(agency.parent, Role.ADMINISTRATOR)


def search_from(client, query: str, addresses) -> None:
    for address in addresses:
        client.get("/api/v1/search", {"q": query}, REMOTE_ADDR=address)


def hot_now(client) -> list[str]:
    services.clear_hot_cache()
    return client.get("/api/v1/search/hot").json()["queries"]


def test_one_client_repeating_a_query_does_not_make_it_hot(client, settings):
    settings.GONGKAI_HOT_MIN_CLIENTS = 3
    search_from(client, "住房公积金", ["10.0.0.1"] * 10)
    assert hot_now(client) == []
    search_from(client, "住房公积金", ["10.0.0.2", "10.0.0.3"])
    assert hot_now(client) == ["住房公积金"]
    assert "住房公积金" in client.get("/api/v1/suggest", {"q": "住房"}).json()["suggestions"]


def test_a_misspelling_is_counted_as_what_was_searched_after_correction(client, settings):
    settings.GONGKAI_HOT_MIN_CLIENTS = 3
    search_from(client, "最底生活保障", ["10.0.1.1", "10.0.1.2", "10.0.1.3", "10.0.1.4"])
    assert hot_now(client) == ["最低生活保障"]
    assert "最底生活保障" not in client.get("/api/v1/suggest", {"q": "最底"}).json()["suggestions"]
    # A query that found nothing, or found documents only after words were dropped, is never hot.
    search_from(client, "查无此词丁戊", ["10.0.2.1", "10.0.2.2", "10.0.2.3"])
    search_from(client, "住房公积金 查无此词丁戊", ["10.0.2.1", "10.0.2.2", "10.0.2.3"])
    assert hot_now(client) == ["最低生活保障"]


def test_clients_are_kept_as_keys_only_within_the_window(client, settings):
    settings.GONGKAI_HOT_MIN_CLIENTS = 2
    settings.GONGKAI_HOT_DAYS = 30
    search_from(client, "住房公积金", ["192.0.2.7", "192.0.2.8"])
    keys = set(SearchQueryClient.objects.values_list("client", flat=True))
    assert keys == {searchlog.client_key("192.0.2.7"), searchlog.client_key("192.0.2.8")}
    assert not any("192.0.2" in key for key in keys), "no address is stored"
    SearchQueryClient.objects.filter(client=searchlog.client_key("192.0.2.7")).update(
        last_day=timezone.localdate() - dt.timedelta(days=30))
    assert hot_now(client) == [], "a search 30 days ago is outside a 30-day window"
    searchlog.search_log._pruned = None
    search_from(client, "最低生活保障", ["192.0.2.9"])
    assert not SearchQueryClient.objects.filter(client=searchlog.client_key("192.0.2.7")).exists(), "pruned"


def test_staff_pin_hide_and_block(client, settings, site_admin):
    settings.GONGKAI_HOT_MIN_CLIENTS = 2
    search_from(client, "住房公积金", ["10.0.3.1", "10.0.3.2"])
    search_from(client, "最低生活保障", ["10.0.3.1", "10.0.3.2", "10.0.3.3"])
    assert hot_now(client) == ["最低生活保障", "住房公积金"]
    hot.set_hot_rule(site_admin, "政府信息公开", HotRuleKind.PIN, "本月重点")
    assert hot_now(client) == ["政府信息公开", "最低生活保障", "住房公积金"], "pinned first, even unsearched"
    hot.set_hot_rule(site_admin, "最低生活保障", HotRuleKind.HIDE)
    assert hot_now(client) == ["政府信息公开", "住房公积金"]
    hot.set_hot_rule(site_admin, "公积金", HotRuleKind.BLOCK)
    assert hot_now(client) == ["政府信息公开"]
    # Pinning a hidden query replaces the hide; a pin still needs a public document behind it.
    hot.set_hot_rule(site_admin, "最低生活保障", HotRuleKind.PIN)
    assert not HotSearchRule.objects.filter(query="最低生活保障", kind=HotRuleKind.HIDE).exists()
    hot.set_hot_rule(site_admin, "只在草稿里的词", HotRuleKind.PIN)
    assert "只在草稿里的词" not in hot_now(client)
    actions = list(AuditEntry.objects.filter(action="hot_rule_set").values_list("data__query", flat=True))
    assert "政府信息公开" in actions and "公积金" in actions


def test_rules_refuse_bad_input_and_the_unauthorised(agency, site_admin):
    with pytest.raises(hot.DomainError) as refused:
        hot.set_hot_rule(site_admin, "  ", HotRuleKind.PIN)
    assert refused.value.errors == {"query": ["请填写检索词。"]}
    with pytest.raises(hot.DomainError) as refused:
        hot.set_hot_rule(site_admin, "低保", "promote")
    assert "kind" in refused.value.errors
    hot.set_hot_rule(site_admin, "低保", HotRuleKind.PIN)
    with pytest.raises(hot.DomainError, match="已经设为置顶"):
        hot.set_hot_rule(site_admin, "低保", HotRuleKind.PIN)
    department_admin = factories.make_staff(agency, Role.ADMINISTRATOR)
    with pytest.raises(hot.PermissionDenied):
        hot.set_hot_rule(department_admin, "低保", HotRuleKind.HIDE)
    with pytest.raises(hot.PermissionDenied):
        hot.remove_hot_rule(department_admin, HotSearchRule.objects.get().pk)


def test_staff_page(client, agency, site_admin, settings):
    settings.GONGKAI_HOT_MIN_CLIENTS = 2
    search_from(client, "住房公积金", ["10.0.4.1"])
    drafter = factories.make_staff(agency, Role.DRAFTER)
    client.force_login(drafter)
    page = client.get("/staff/search/hot/").content.decode()
    assert "住房公积金" in page and "访客数未达 2" in page and "<form" not in page.split("候选检索词")[1]
    refused = client.post("/staff/search/hot/", {"query": "低保", "kind": "pin"})
    assert refused.status_code == 403 and not HotSearchRule.objects.exists()
    client.force_login(site_admin)
    bad = client.post("/staff/search/hot/", {"query": "", "kind": "pin", "note": "我写的说明"})
    assert bad.status_code == 400 and "请填写检索词。" in bad.content.decode() and "我写的说明" in bad.content.decode()
    done = client.post("/staff/search/hot/", {"query": "住房公积金", "kind": "pin"}, follow=True)
    assert "已将“住房公积金”设为置顶。" in done.content.decode()
    assert hot_now(client) == ["住房公积金"]
    rule = HotSearchRule.objects.get()
    client.post("/staff/search/hot/", {"remove": str(rule.pk)})
    assert not HotSearchRule.objects.exists() and hot_now(client) == []
    gone = client.post("/staff/search/hot/", {"remove": str(rule.pk)}, follow=True)
    assert "该设置不存在或已被撤销" in gone.content.decode()
    assert client.post("/staff/search/hot/", {"remove": "x"}).status_code == 302, "a bad id is no 500"
