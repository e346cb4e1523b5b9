"""The policy library: keyword in title / full text / 发文字号, sorts, counts on every filter, issuers by name."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from dataclasses import replace

import pytest

from gongkai import cli
from gongkai.orgs.roles import Role
from gongkai.publishing import library, services
from gongkai.publishing.models import Document
from gongkai.publishing.rules import DisclosureMode, WithholdingGround
from gongkai.search import services as search_services
from gongkai.search.indexing import rebuild_index
from tests import factories
from tests.paths import CORPUS

pytestmark = pytest.mark.usefixtures("fresh_search")

URL = "/xxgk/documents/"


@pytest.fixture
def shelf(team, agency):
    """Four public documents (one a national law filed under our agency, one undated) and a withheld one."""
    docs = {
        "dibao_title": factories.make_document(
            team, agency, title="关于调整城乡低保标准的通知", body="<p>自下月起执行新的保障标准。</p>",
            doc_number="测民发〔2025〕7号", signed_on=dt.date(2025, 5, 1), subject="民政、扶贫、救灾\\社会福利"),
        "dibao_body": factories.make_document(
            team, agency, title="关于做好就业援助工作的通知", body="<p>对享受低保的就业困难人员给予帮扶。</p>",
            doc_number="测人社发〔2024〕3号", signed_on=dt.date(2024, 9, 1)),
        "law": factories.make_document(
            team, agency, title="中华人民共和国行政许可法", body="<p>为了规范行政许可的设定和实施。</p>",
            doc_number="", other_issuers="全国人民代表大会常务委员会", signed_on=dt.date(2003, 8, 27),
            doc_type="法律", subject="综合政务\\其他"),
        "undated": factories.make_document(
            team, agency, title="测试市低保办理指南", body="<p>办理流程。</p>", doc_number="", signed_on=None),
    }
    Document.objects.filter(pk=docs["undated"].pk).update(published_on=None)
    Document.objects.filter(pk=docs["law"].pk).update(published_on=dt.date(2019, 4, 23))
    Document.objects.filter(pk=docs["dibao_title"].pk).update(published_on=dt.date(2025, 5, 8))
    Document.objects.filter(pk=docs["dibao_body"].pk).update(published_on=dt.date(2025, 1, 2))
    docs["withheld"] = factories.advance(team, factories.make_document(
        team, agency, publish=False, title="内部低保核查名单", other_issuers="保密委员会",
        disclosure_mode=DisclosureMode.WITHHELD, withholding_ground=WithholdingGround.PROCESS_INFORMATION,
        withholding_reason="过程性信息"))
    factories.make_document(team, agency, publish=False, title="低保草稿", doc_type="批复")
    rebuild_index()
    return docs


def _titles(page: str) -> list[str]:
    return re.findall(r'<td class="library-title"><a href="[^"]+">([^<]+)</a>', page)


def _breadcrumbs(page: str) -> str:
    return re.search(r'<nav class="breadcrumbs".*?</nav>', page, re.S).group()


def test_keyword_in_title_full_text_or_number(client, shelf):
    assert set(_titles(client.get(URL, {"q": "低保", "scope": "title"}).content.decode())) == {
        "关于调整城乡低保标准的通知", "测试市低保办理指南"}
    full = _titles(client.get(URL, {"q": "低保"}).content.decode())
    assert set(full) == {"关于调整城乡低保标准的通知", "关于做好就业援助工作的通知", "测试市低保办理指南"}
    # 发文字号 in another bracket style matches by its key; a part of a number matches as typed.
    assert _titles(client.get(URL, {"q": "测民发(2025)7号", "scope": "number"}).content.decode()) == [
        "关于调整城乡低保标准的通知"]
    assert set(_titles(client.get(URL, {"q": "〔2024〕", "scope": "number"}).content.decode())) == {
        "关于做好就业援助工作的通知"}
    assert _titles(client.get(URL, {"q": "测民发〔2025〕8号", "scope": "number"}).content.decode()) == []


def test_keyword_is_read_as_the_site_search_reads_it(client, shelf):
    """Pinyin and initials in the library box are read by the search's own query understanding (issue #11)."""
    expected = {"关于调整城乡低保标准的通知", "关于做好就业援助工作的通知", "测试市低保办理指南"}
    reading = search_services.plan(search_services.SearchParams(q="dibao"))
    assert reading.corrected == "低保"
    page = client.get(URL, {"q": "dibao"}).content.decode()
    assert set(_titles(page)) == expected
    assert "已按“<strong>低保</strong>”查找（由拼音转换）" in page
    assert 'href="?q=dibao&amp;correct=0"' in page
    title_only = client.get(URL, {"q": "dibao", "scope": "title"}).content.decode()
    assert set(_titles(title_only)) == {"关于调整城乡低保标准的通知", "测试市低保办理指南"}
    # As typed on request; a right word is never "corrected".
    as_typed = client.get(URL, {"q": "dibao", "correct": "0"}).content.decode()
    assert _titles(as_typed) == [] and "已按“" not in as_typed
    plain = client.get(URL, {"q": "低保"}).content.decode()
    assert set(_titles(plain)) == expected and "已按“" not in plain
    api = client.get("/api/v1/documents", {"q": "dibao"}).json()
    assert api["corrected_query"] == "低保" and api["count"] == 3
    assert client.get("/api/v1/documents", {"q": "dibao", "correct": "false"}).json()["count"] == 0


def test_sorts_and_undated_last(client, shelf):
    assert _titles(client.get(URL, {"sort": "published"}).content.decode()) == [
        "关于调整城乡低保标准的通知", "关于做好就业援助工作的通知", "中华人民共和国行政许可法", "测试市低保办理指南"]
    by_signed = _titles(client.get(URL, {"sort": "signed"}).content.decode())
    assert by_signed[:3] == ["关于调整城乡低保标准的通知", "关于做好就业援助工作的通知", "中华人民共和国行政许可法"]
    assert by_signed[-1] == "测试市低保办理指南"
    page = client.get(URL, {"sort": "signed"}).content.decode()
    assert page.count('<td data-label="成文日期" class="library-date">未注明</td>') == 1
    assert page.count('<td data-label="发布日期" class="library-date">未注明</td>') == 1
    # Relevance is offered only with a keyword.
    assert '<option value="relevance"' not in page
    assert '<option value="relevance" selected>' in client.get(URL, {"q": "低保"}).content.decode()


def test_columns_and_the_issuer_of_a_reference_law(client, shelf, agency):
    page = client.get(URL).content.decode()
    for column in ("标题", "发文字号", "发文机关", "成文日期", "发布日期"):
        assert f'<th scope="col">{column}</th>' in page
    assert '<td data-label="发文机关" class="library-issuer">全国人民代表大会常务委员会</td>' in page
    assert '<option value="全国人民代表大会常务委员会">全国人民代表大会常务委员会（1）</option>' in page
    only_law = client.get(URL, {"issuer": "全国人民代表大会常务委员会"}).content.decode()
    assert _titles(only_law) == ["中华人民共和国行政许可法"]
    detail = client.get(f"/xxgk/documents/{shelf['law'].pk}/").content.decode()
    assert "<td>全国人民代表大会常务委员会</td>" in detail
    # Not filed under the city's agency in the breadcrumbs; our own documents still are.
    assert f'/xxgk/agencies/{agency.code}/' not in _breadcrumbs(detail) and "政策文件库" in _breadcrumbs(detail)
    own = client.get(f"/xxgk/documents/{shelf['dibao_title'].pk}/").content.decode()
    assert f'/xxgk/agencies/{agency.code}/' in _breadcrumbs(own)


def test_counts_follow_the_other_filters_and_never_count_non_public_items(client, shelf, agency):
    found = library.matches(library.LibraryQuery())
    counts = {name: {o.value: o.count for o in options}
              for name, options in library.facets(library.LibraryQuery(), found).items()}
    assert counts["doc_type"] == {"通知": 3, "法律": 1}  # the withheld 通知 and the draft 批复 are not counted
    assert counts["issuer"] == {"测试市财政局": 3, "全国人民代表大会常务委员会": 1}
    assert counts["agency"][agency.code] == 4 and counts["agency"][agency.parent.code] == 4
    assert counts["year"] == {"2025": 2, "2019": 1}
    assert "保密委员会" not in counts["issuer"]
    # With 法律 chosen, the other filters count within it, while 公文种类 still offers every type.
    query, errors = library.parse({"doc_type": "法律"})
    assert not errors
    chosen = {name: {o.value: o.count for o in options}
              for name, options in library.facets(query, library.matches(query)).items()}
    assert chosen["issuer"] == {"全国人民代表大会常务委员会": 1}
    assert chosen["doc_type"] == {"通知": 3, "法律": 1}
    # A keyword narrows every count.
    query, _ = library.parse({"q": "低保", "scope": "title"})
    keyword = {o.value: o.count for o in library.facets(query, library.matches(query))["doc_type"]}
    assert keyword == {"通知": 2}
    page = client.get(URL, {"q": "低保"}).content.decode()
    assert "内部低保核查名单" not in page and "低保草稿" not in page and "保密委员会" not in page


def test_every_count_is_what_choosing_that_option_lists(shelf, agency):
    """The counts come from one grouped query and are summed in Python: each equals the number of documents the
    library lists when that option is chosen on top of the rest of the request."""
    requests = [{}, {"doc_type": "通知"}, {"q": "低保"}, {"issuer": "测试市财政局"}, {"subject": "民政、扶贫、救灾"},
                {"agency": agency.code, "year": "2025"}, {"q": "低保", "validity": "valid", "kind": "policy"},
                {"subject": "民政、扶贫、救灾\\社会福利", "agency": agency.parent.code}]
    for params in requests:
        query, errors = library.parse(params)
        assert not errors, errors
        found = library.matches(query)
        for name, options in library.facets(query, found).items():
            for option in options:
                chosen = replace(query, filters=replace(query.filters, **{name: option.value}))
                assert len(list(library.ordered(chosen, found))) == option.count, (params, name, option)


@pytest.mark.parametrize(("params", "message"), [
    ({"sort": "oldest"}, "排序只能是"),
    ({"scope": "body"}, "检索范围只能是"),
    ({"q": "低" * 201}, "关键词不能超过 200 个字"),
    ({"page": "999"}, "第 999 页不存在（共 1 页）"),
    ({"page": "zz"}, "页码应为正整数"),
    ({"sort": "relevance"}, "按相关度排序需要先输入关键词"),
    ({"year": "abcd"}, "年份应为四位数字"),
])
def test_bad_parameters_get_a_chinese_message(client, shelf, params, message):
    response = client.get(URL, params)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert len(_titles(page)) == 4  # the rest of the request still answers


def test_api_takes_the_same_keyword_scope_and_sort(client, shelf):
    body = client.get("/api/v1/documents", {"q": "低保", "scope": "title", "sort": "signed"}).json()
    assert [r["title"] for r in body["results"]] == ["关于调整城乡低保标准的通知", "测试市低保办理指南"]
    assert body["count"] == 2
    law = client.get("/api/v1/documents", {"issuer": "全国人民代表大会常务委员会"}).json()
    assert [r["issuer"] for r in law["results"]] == ["全国人民代表大会常务委员会"]
    number = client.get("/api/v1/documents", {"q": "测民发[2025]7号", "scope": "number"}).json()
    assert number["count"] == 1
    bad = client.get("/api/v1/documents", {"sort": "oldest"})
    assert bad.status_code == 400 and "排序只能是" in bad.json()["detail"]


def test_withdrawn_document_leaves_the_keyword_results(client, team, shelf):
    services.withdraw_document(team[Role.PUBLISHER], shelf["dibao_title"], "撤回")
    page = client.get(URL, {"q": "低保", "scope": "title"}).content.decode()
    assert _titles(page) == ["测试市低保办理指南"]


@pytest.mark.skipif(not CORPUS.is_file(), reason=f"laws corpus not found at {CORPUS}")
def test_imported_national_laws_show_their_real_issuers(client, agency, tmp_path, capsys):
    """A sample of the real corpus filed under the city government: the library names 国务院 and the NPC's
    standing committee as issuers, never the city government they were filed under."""
    wanted = {"行政法规": 3, "行政法": 3}
    sample = []
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if wanted.get(record.get("category"), 0) > 0:
                wanted[record["category"]] -= 1
                sample.append(line)
            if not any(wanted.values()):
                break
    path = tmp_path / "sample.jsonl"
    path.write_text("".join(sample), encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["import", "documents", str(path), "--mapping", "laws", "--agency", agency.parent.code])
    assert exit_info.value.code == 0, capsys.readouterr().out[-2000:]
    rebuild_index()
    page = client.get(URL).content.decode()
    issuers = re.findall(r'<td data-label="发文机关" class="library-issuer">([^<]+)</td>', page)
    assert sorted(issuers) == ["全国人民代表大会常务委员会"] * 3 + ["国务院"] * 3
    assert agency.parent.name not in issuers
    assert '<option value="国务院">国务院（3）</option>' in page
    state_council = client.get(URL, {"issuer": "国务院"}).content.decode()
    assert len(_titles(state_council)) == 3
