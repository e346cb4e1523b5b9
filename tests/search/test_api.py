"""Search as citizens and staff use it: the API, the search page, suggestions, hot and related searches,
the anonymised log and the staff report, and the synonym dictionary edited without a deploy."""

from __future__ import annotations

import re

import pytest
from django.db import DatabaseError

from gongkai.search import searchlog, services, synonyms
from gongkai.search.api import SearchOut
from gongkai.search.indexing import rebuild_index
from gongkai.search.models import SearchQueryStat, Synonym
from tests import factories
from tests.search.test_backends import make_library

pytestmark = pytest.mark.usefixtures("fresh_search")


@pytest.fixture
def library(team, agency):
    child = factories.make_agency("11000000TEST00003X", "测试市住房公积金中心", parent=agency)
    docs = make_library(team, agency, child)
    rebuild_index()
    return docs


def test_search_api_shape(client, library):
    body = client.get("/api/v1/search", {"q": "最低生活保障", "page_size": 2}).json()
    assert set(body) == {"count", "query", "corrected_query", "reference_not_found", "message", "matched_all", "results", "facets",
                         "facet_totals"}
    assert body["reference_not_found"] is None and body["message"] is None
    assert body["facet_totals"]["validity"] == len(body["facets"]["validity"])
    assert body["count"] == 3 and len(body["results"]) == 2
    assert body["query"] == "最低生活保障" and body["corrected_query"] is None
    first = body["results"][0]
    assert {"id", "title", "doc_number", "url", "snippet", "score"} <= set(first)
    assert first["url"].endswith(f"/xxgk/documents/{first['id']}/")
    assert "<mark>" in first["snippet"] and first["score"] > 0
    assert set(body["facets"]) == {"agency", "issuer", "subject", "doc_type", "year", "validity", "kind", "tag"}
    assert {"value": "repealed", "label": "废止", "count": 1} in body["facets"]["validity"]
    # The response is rendered without re-validation, so check here that it is what the schema documents.
    checked = SearchOut.model_validate(body).model_dump(mode="json")
    assert checked == body and "published_on" in first and first["published_on"][:2] == "20"
    assert "最低生活保障" in client.get("/api/v1/search", {"q": "最低生活保障"}).content.decode(), "no \\u escapes"


def test_a_document_number_that_matches_nothing_is_reported_in_chinese(client, library):
    body = client.get("/api/v1/search", {"q": "市场监管总局令第9999号"}).json()
    assert body["count"] == 0 and body["results"] == []
    assert body["reference_not_found"] == "国家市场监督管理总局令第9999号"
    assert body["message"] == "未找到文号为“国家市场监督管理总局令第9999号”的文件。"
    assert SearchOut.model_validate(body).model_dump(mode="json") == body
    page = client.get("/search/", {"q": "市场监管总局令第9999号"}).content.decode()
    assert "未找到文号为“国家市场监督管理总局令第9999号”的文件。" in page and "核对文号" in page
    found = client.get("/api/v1/search", {"q": "国务院第711号令"}).json()
    assert [r["title"] for r in found["results"]] == ["中华人民共和国政府信息公开条例"] and found["message"] is None


def test_search_api_filters_sort_and_correction(client, library):
    body = client.get("/api/v1/search", {"q": "最低生活保障", "validity": "repealed"}).json()
    assert [r["title"] for r in body["results"]] == ["关于最低生活保障资金管理的旧规定"]
    by_date = client.get("/api/v1/search", {"q": "通知", "sort": "date"}).json()
    assert by_date["results"][0]["title"] == "关于调整住房公积金缴存基数的通知"
    corrected = client.get("/api/v1/search", {"q": "zfxxgk"}).json()
    assert corrected["corrected_query"] == "政府信息公开"
    assert corrected["results"][0]["title"] == "中华人民共和国政府信息公开条例"
    as_typed = client.get("/api/v1/search", {"q": "zfxxgk", "correct": "false"}).json()
    assert as_typed["corrected_query"] is None and as_typed["count"] == 0


@pytest.mark.parametrize("params, field", [
    ({"q": "x", "page_size": 0}, "page_size"), ({"q": "x", "page": 0}, "page"), ({"q": "x", "sort": "hot"}, "sort"),
    ({"q": "x", "year": "19"}, "year"), ({"q": "x", "validity": "maybe"}, "validity"),
    ({"q": "x", "agency": "NOPE"}, "agency"), ({"q": "x", "kind": "news"}, "kind"),
    ({"q": "x", "doc_type": "诗歌"}, "doc_type"),
])
def test_search_api_rejects_bad_parameters_in_chinese(client, db, params, field):
    response = client.get("/api/v1/search", params)
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"]
    assert re.search(r"[\u4e00-\u9fff]", body["errors"][field][0])


def test_suggest_as_you_type(client, library):
    suggestions = client.get("/api/v1/suggest", {"q": "住房公积"}).json()["suggestions"]
    assert "关于调整住房公积金缴存基数的通知" in suggestions
    pinyin = client.get("/api/v1/suggest", {"q": "zfxxgk"}).json()["suggestions"]
    assert "中华人民共和国政府信息公开条例" in pinyin
    assert client.get("/api/v1/suggest", {"q": ""}).json() == {"suggestions": []}


def test_hot_searches_only_offer_queries_that_find_public_documents(client, library, settings):
    settings.GONGKAI_HOT_MIN_CLIENTS = 2
    for n in range(4):
        client.get("/api/v1/search", {"q": "住房公积金"}, REMOTE_ADDR=f"10.9.0.{n}")
    for n in range(2):
        client.get("/api/v1/search", {"q": "最低生活保障"}, REMOTE_ADDR=f"10.9.0.{n}")
        client.get("/api/v1/search", {"q": "不存在的词语甲乙丙"}, REMOTE_ADDR=f"10.9.0.{n}")
        # Counted with results by several clients, but no public document has it.
        services.record_query("只在草稿里的词", 5, f"client{n}")
    services.clear_caches()
    hot = client.get("/api/v1/search/hot").json()["queries"]
    assert hot[:2] == ["住房公积金", "最低生活保障"]
    assert "不存在的词语甲乙丙" not in hot and "只在草稿里的词" not in hot
    assert "住房公积金缴存基数" in client.get("/api/v1/suggest", {"q": "住房"}).json()["suggestions"] or \
        "住房公积金" in client.get("/api/v1/suggest", {"q": "住房"}).json()["suggestions"]


def test_search_log_is_anonymised_and_counts_zero_results(client, library):
    client.get("/api/v1/search", {"q": "住房公积金"}, REMOTE_ADDR="10.1.2.3")
    client.get("/api/v1/search", {"q": "住房公积金", "page": 2})  # paging is not a new search
    client.get("/api/v1/search", {"q": "我的手机13912345678怎么查"})
    client.get("/api/v1/search", {"q": "联系 someone@example.com"})
    client.get("/api/v1/search", {"q": "查无此词丁戊"})
    stats = {s.query: s for s in SearchQueryStat.objects.all()}
    assert stats["住房公积金"].searches == 1 and stats["住房公积金"].zero_results == 0
    assert "我的手机＊怎么查" in stats and "联系 ＊" in stats
    assert not any("13912345678" in q or "example.com" in q for q in stats)
    assert stats["查无此词丁戊"].zero_results == 1
    fields = {f.name for f in SearchQueryStat._meta.get_fields()}
    assert fields == {"id", "day", "query", "searches", "zero_results", "last_count"}, "no IP, user or time"
    assert [r.query for r in searchlog.zero_result_queries()] == ["查无此词丁戊"] or \
        "查无此词丁戊" in [r.query for r in searchlog.zero_result_queries()]
    assert searchlog.top_queries()[0].searches == 1


def test_search_log_is_buffered_and_written_in_one_batch(client, library, settings):
    settings.GONGKAI_SEARCH_LOG_FLUSH_SECONDS = 3600
    searchlog.search_log.flush()
    for _ in range(3):
        client.get("/api/v1/search", {"q": "住房公积金"})
    client.get("/api/v1/search", {"q": "查无此词丁戊"})
    assert not SearchQueryStat.objects.filter(query="住房公积金").exists(), "the search did not wait for a write"
    searchlog.search_log.flush()
    stats = {s.query: s for s in SearchQueryStat.objects.all()}
    assert stats["住房公积金"].searches == 3 and stats["住房公积金"].last_count > 0
    assert stats["查无此词丁戊"].zero_results == 1
    client.get("/api/v1/search", {"q": "住房公积金"})
    assert searchlog.top_queries()[0].searches == 4, "the staff report counts what is still in memory"


def test_staff_report_shows_top_and_zero_result_queries(client, library, team):
    services.record_query("住房公积金", 3)
    services.record_query("查无此词丁戊", 0)
    assert client.get("/staff/search/").status_code == 302, "anonymous visitors are sent to log in"
    staff = factories.make_staff(factories.make_agency(), "drafter")
    client.force_login(staff)
    page = client.get("/staff/search/").content.decode()
    assert "住房公积金" in page and "查无此词丁戊" in page and "已索引文件" in page


def test_search_page(client, library):
    page = client.get("/search/", {"q": "最底生活保障"}).content.decode()
    assert "已为您搜索“<strong>最低生活保障</strong>”" in page
    assert "仍搜索“<a href=\"/search/?q=%E6%9C%80%E5%BA%95" in page
    assert "<mark>最低生活保障</mark>" in page
    assert "按分类筛选" in page and "废止" in page
    filtered = client.get("/search/", {"q": "最低生活保障", "validity": "repealed"}).content.decode()
    assert "资金管理的旧规定" in filtered and "关于做好城乡居民" not in filtered
    assert "清除全部筛选" in filtered
    empty = client.get("/search/", {"q": "查无此词丁戊"}).content.decode()
    assert "没有找到相关的公开信息" in empty
    # A value that cannot be applied is ignored with a Chinese reason, the rest of the search still answers
    # (as the policy library does); only the JSON API answers 400.
    bad = client.get("/search/", {"q": "最低生活保障", "year": "19", "sort": "foo"})
    assert bad.status_code == 200
    bad_page = bad.content.decode()
    assert "年份应为四位数字" in bad_page and "排序只能是" in bad_page and "无法使用的条件已忽略" in bad_page
    assert "资金管理的旧规定" in bad_page


def test_search_page_past_the_last_page_shows_the_last_page(client, library):
    last = client.get("/search/", {"q": "最低生活保障", "page": "2"})
    text = last.content.decode()
    assert last.status_code == 200 and "第 2 页不存在（共 1 页），已显示最后一页。" in text
    assert "第 1 / 1 页" in text and "关于做好城乡居民" in text
    deep = client.get("/search/", {"q": "最低生活保障", "page": "99999"})
    assert deep.status_code == 200 and "第 99999 页不存在" in deep.content.decode()


def test_search_page_offers_hot_and_related_searches(client, library, settings):
    settings.GONGKAI_HOT_MIN_CLIENTS = 2
    for n in range(2):
        services.record_query("住房公积金", 2, f"client{n}")
    services.clear_caches()
    landing = client.get("/search/").content.decode()
    assert "热门搜索" in landing and "住房公积金" in landing
    related = client.get("/search/", {"q": "低保"}).content.decode()
    assert "相关搜索" in related and "最低生活保障" in related


def test_header_search_box_on_every_page(client, library):
    home = client.get("/").content.decode()
    assert 'action="/search/"' in home and 'role="search"' in home


def test_synonyms_edited_in_the_back_office_apply_at_once(client, library, admin_user):
    assert client.get("/api/v1/search", {"q": "办事指南甲"}).json()["count"] == 0
    client.force_login(admin_user)
    response = client.post("/admin/search/synonym/add/", {
        "term": "办事指南甲", "equivalents": "住房公积金", "kind": "plain", "two_way": "on", "enabled": "on"})
    assert response.status_code == 302, response.content.decode()[:500]
    assert Synonym.objects.filter(term="办事指南甲").exists()
    body = client.get("/api/v1/search", {"q": "办事指南甲"}).json()
    assert body["results"][0]["title"] == "关于调整住房公积金缴存基数的通知"


def test_starter_dictionary_is_installed(db):
    assert Synonym.objects.count() >= 40
    dictionary = synonyms.dictionary()
    assert "最低生活保障" in dictionary.alternatives("低保")
    assert "低保" in dictionary.alternatives("最低生活保障"), "两向"
    assert "诉讼" in dictionary.alternatives("打官司")
    assert "打官司" not in dictionary.alternatives("诉讼"), "colloquial phrases are one-way"


def test_search_log_keeps_counts_when_the_database_refuses_a_batch(db, settings, monkeypatch):
    settings.GONGKAI_SEARCH_LOG_FLUSH_SECONDS = 3600
    log = searchlog.SearchLog()
    log.add("住房公积金", 5)

    def refuse(*args):
        log.add("住房公积金", 0)  # another thread searches while the batch is being written, finding nothing
        raise DatabaseError("database is locked")

    monkeypatch.setattr(searchlog, "_write", refuse)
    log.flush()
    monkeypatch.undo()
    log.flush()
    stat = SearchQueryStat.objects.get(query="住房公积金")
    assert (stat.searches, stat.zero_results, stat.last_count) == (2, 1, 0), "the newer result size wins"
