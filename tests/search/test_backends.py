"""One contract for every search backend: the same tests run on the embedded index and on PostgreSQL.

Documents are made through the publishing services and indexed through gongkai.search.indexing, the
same paths as in production; only the PostgreSQL class needs DATABASE_URL (CI's PostgreSQL pass).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from django.db import connection

from gongkai.orgs.roles import Role
from gongkai.publishing import services as publishing
from gongkai.publishing.models import Document, DocumentKind
from gongkai.publishing.rules import RelationKind
from gongkai.search import parallel, services, synonyms
from gongkai.search.backends import get_backend, pgfacets, postgres
from gongkai.search.backends.base import Alternative, EngineQuery, Unit
from gongkai.search.indexing import rebuild_index, stale_ids, sync_index
from gongkai.search.query import analyze
from tests import factories

ON_POSTGRES = connection.vendor == "postgresql"


def make_library(team, agency, child) -> dict[str, Document]:
    """A small public library with distinct titles, numbers, subjects, types, years and validity."""
    child_team = factories.make_team(child)
    docs = {
        "low_income": factories.make_document(
            team, agency, title="关于做好城乡居民最低生活保障工作的通知", doc_number="示民发〔2024〕3号",
            subject="民政、扶贫、救灾\\社会福利", tags=["民生保障", "惠民政策"],
            body="<p>各区要做好最低生活保障审核确认工作，申请低保的家庭应当如实申报收入。</p>"),
        "regulation": factories.make_document(
            team, agency, title="中华人民共和国政府信息公开条例", doc_number="中华人民共和国国务院令第711号",
            doc_type="行政法规", subject="综合政务\\政务公开",
            body="<p>第一条 为了保障公民、法人和其他组织依法获取政府信息，提高政府工作的透明度，制定本条例。</p>"
                 "<p>第三十三条 行政机关收到政府信息公开申请，能够当场答复的，应当当场予以答复。</p>"),
        "housing_fund": factories.make_document(
            child_team, child, title="关于调整住房公积金缴存基数的通知", doc_number="示房金〔2025〕7号",
            subject="城乡建设、环境保护\\城乡建设（含住房）", body="<p>职工住房公积金缴存基数按上一年度月平均工资确定。</p>"),
        "labour": factories.make_document(
            team, agency, title="关于印发劳动合同管理办法的通知", doc_number="示人社发〔2023〕12号",
            subject="劳动、人事、监察\\劳动就业", body="<p>用人单位解除劳动合同的，应当依法向劳动者支付经济补偿。</p>"),
        "body_only": factories.make_document(
            team, agency, title="关于印发工作要点的通知", doc_number="示政办发〔2024〕1号",
            body="<p>年度要点中写明：全面推进政务公开，做好政府信息公开申请办理工作。</p>"),
    }
    docs["interpretation"] = factories.make_document(
        team, agency, kind=DocumentKind.INTERPRETATION, title="图解城乡居民最低生活保障政策", doc_type="政策解读",
        interpretation_format="text", relations=[(RelationKind.INTERPRETS, docs["low_income"].pk)],
        body="<p>一图读懂最低生活保障怎么申请。</p>")
    docs["repealed"] = factories.make_document(
        team, agency, title="关于最低生活保障资金管理的旧规定", doc_number="示民发〔2019〕8号",
        subject="民政、扶贫、救灾\\社会福利", body="<p>最低生活保障资金专款专用。</p>")
    publishing.set_validity(team[Role.PUBLISHER], docs["repealed"], "repealed", repealed_on=dt.date(2024, 1, 1))
    years = {"low_income": 2024, "regulation": 2019, "housing_fund": 2025, "labour": 2023, "body_only": 2024,
             "interpretation": 2024, "repealed": 2019}
    for key, year in years.items():
        # Backdating publication (as imports of archives do) to spread the library over several years.
        Document.objects.filter(pk=docs[key].pk).update(published_on=dt.date(year, 3, 1 + len(key)))
    return {key: Document.objects.get(pk=doc.pk) for key, doc in docs.items()}


@pytest.fixture
def child(agency):
    return factories.make_agency("11000000TEST00003X", "测试市住房公积金中心", parent=agency)


@pytest.fixture
def library(team, agency, child):
    docs = make_library(team, agency, child)
    rebuild_index()
    return docs


def titles(response: services.SearchResponse) -> list[str]:
    return [r.title for r in response.results]


def run(q: str = "", **kwargs) -> services.SearchResponse:
    return services.search(services.SearchParams(q=q, **kwargs), record=False)


class BackendContract:
    backend = ""

    @pytest.fixture(autouse=True)
    def _use_backend(self, settings, fresh_search):
        settings.GONGKAI_SEARCH_BACKEND = self.backend

    def test_only_public_documents_are_indexed(self, team, agency, library):
        draft = factories.make_document(team, agency, publish=False, title="最低生活保障草稿")
        rebuild_index()
        indexed = get_backend().indexed_ids()
        assert indexed == {d.pk for d in library.values()}
        assert draft.pk not in indexed

    def test_a_large_rebuild_analyses_in_worker_processes_with_the_same_result(self, library, monkeypatch):
        before = {q: titles(run(q)) for q in ("最低生活保障", "政府信息公开", "住房公积金", "zfxxgk")}
        # Switch to the worker pool after two documents, in batches of two, as a large rebuild does.
        monkeypatch.setattr(parallel, "POOL_AFTER", 2)
        monkeypatch.setattr(parallel, "BATCH", 2)
        assert rebuild_index() == len(library)
        services.clear_caches()
        assert get_backend().indexed_ids() == {d.pk for d in library.values()}
        assert {q: titles(run(q)) for q in before} == before

    def test_a_title_typed_in_part_is_searched_in_one_pass(self, library, monkeypatch):
        """A long query that is part of a title (城乡居民最低生活保障工作) is answered by its strict match: the
        plain-ranking pass of long questions would not change its first result, so it is not run."""
        passes = []
        plain = services._plain_query
        monkeypatch.setattr(services, "_plain_query", lambda query: passes.append(query) or plain(query))
        found = run("城乡居民最低生活保障工作")
        assert titles(found)[0] == "关于做好城乡居民最低生活保障工作的通知" and passes == []
        run("申请低保的家庭怎么申报收入")  # a question does get both
        assert len(passes) == 1

    def test_title_and_body_match_with_title_weighted(self, library):
        found = run("政府信息公开")
        assert titles(found)[0] == "中华人民共和国政府信息公开条例"
        assert "关于印发工作要点的通知" in titles(found), "a body-only match is found too"
        assert titles(found).index("关于印发工作要点的通知") > 0

    def test_exact_and_partial_titles(self, library):
        assert titles(run("中华人民共和国政府信息公开条例"))[0] == "中华人民共和国政府信息公开条例"
        assert titles(run("住房公积金缴存基数"))[0] == "关于调整住房公积金缴存基数的通知"

    @pytest.mark.parametrize("number", ["示民发〔2024〕3号", "示民发[2024]3号", "示民发(2024)3号", "示民发（2024）3号",
                                        "示民发2024年3号"])
    def test_document_number_in_any_bracket_style(self, library, number):
        found = run(number)
        assert titles(found)[0] == "关于做好城乡居民最低生活保障工作的通知"

    @pytest.mark.parametrize("number", ["国令第711号", "国务院令第711号", "中华人民共和国国务院令第711号", "国令711号"])
    def test_order_number_shorthand(self, library, number):
        assert titles(run(number)) == ["中华人民共和国政府信息公开条例"]

    @pytest.fixture
    def orders(self, team, agency):
        """National orders as the laws corpus stores them: 发文字号 with the country's name, a joint order under
        its last issuer's number with both issuers named, and two bodies' orders sharing a number."""
        rows = {
            "traffic": ("机动车交通事故责任强制保险条例", "中华人民共和国国务院令第462号", "国务院"),
            "housing": ("国有土地上房屋征收与补偿条例", "中华人民共和国国务院令第590号", "国务院"),
            "gifts": ("国家行政机关及其工作人员在国内公务活动中不得赠送和接受礼品的规定", "中华人民共和国国务院令第20号", "国务院"),
            "complaints": ("市场监督管理投诉举报处理暂行办法", "国家市场监督管理总局令第20号", "国家市场监督管理总局"),
            "veterans": ("退役士兵安置条例", "中华人民共和国中央军事委员会令第608号", "国务院、中央军事委员会"),
        }
        docs = {key: factories.make_document(team, agency, title=title, doc_number=number, other_issuers=issuers,
                                             doc_type="行政法规", body=f"<p>{title}全文。</p>")
                for key, (title, number, issuers) in rows.items()}
        rebuild_index()
        return docs

    @pytest.mark.parametrize("number, title", [
        ("国务院第462号令", "机动车交通事故责任强制保险条例"), ("国务院462号令", "机动车交通事故责任强制保险条例"),
        ("462号令", "机动车交通事故责任强制保险条例"), ("国务院令第五九〇号", "国有土地上房屋征收与补偿条例"),
        ("国务院令第五百九十号", "国有土地上房屋征收与补偿条例"), ("国令第590号", "国有土地上房屋征收与补偿条例"),
        ("市场监管总局令第20号", "市场监督管理投诉举报处理暂行办法"), ("中央军委令第608号", "退役士兵安置条例"),
        ("国务院、中央军委令第608号", "退役士兵安置条例"), ("国务院中央军委令第608号", "退役士兵安置条例"),
        ("国务院令第608号", "退役士兵安置条例"),
    ])
    def test_document_numbers_as_people_write_them(self, orders, number, title):
        found = run(number)
        assert titles(found) == [title] and found.reference_not_found is None

    def test_a_bare_order_number_lists_every_body_state_council_first(self, orders):
        assert titles(run("20号令")) == [orders["gifts"].live_revision.title, "市场监督管理投诉举报处理暂行办法"]
        assert titles(run("20号令", page_size=1, page=2)) == ["市场监督管理投诉举报处理暂行办法"]

    @pytest.mark.parametrize("number, label", [("国务院令第9999号", "国务院令第9999号"),
                                               ("市场监管总局令第462号", "国家市场监督管理总局令第462号"),
                                               ("示民发〔2030〕3号", "示民发〔2030〕3号")])
    def test_a_number_that_matches_nothing_says_so(self, orders, number, label):
        found = run(number)
        assert found.count == 0 and found.results == [] and found.reference_not_found == label
        assert found.reference_message == f"未找到文号为“{label}”的文件。"

    def test_keyword_list_ranks_the_document_with_the_rarest_topic_first(self, team, agency):
        fund = factories.make_document(team, agency, title="住房公积金管理条例",
                                       body="<p>缴存住房公积金的职工可以申请住房公积金贷款。</p>")
        for n in range(3):
            factories.make_document(team, agency, title=f"关于规范房地产市场第{n + 1}号的通知",
                                    body="<p>买房贷款应当如实申报，商业贷款利率按规定执行。</p>")
        rebuild_index()
        assert titles(run("公积金 贷款 买房"))[0] == fund.live_revision.title

    def test_the_law_ranks_before_the_interpretations_that_name_it(self, team, agency):
        # As BM25 weighs a match by the length of its field: the short title that is the topic wins.
        for n in range(3):
            factories.make_document(team, agency, doc_number="",
                                    title=f"最高人民法院关于适用《中华人民共和国示范法》第{n + 1}编若干问题的解释",
                                    body="<p>为正确审理案件，根据《中华人民共和国示范法》，结合审判实践，制定本解释。</p>")
        law = factories.make_document(team, agency, doc_number="", title="中华人民共和国示范法",
                                      body="<p>为了规范示范活动，制定本法。</p>")
        rebuild_index()
        assert titles(run("示范法"))[0] == law.live_revision.title

    def test_a_body_that_keeps_using_the_words_ranks_first(self, team, agency):
        # As BM25 counts occurrences: the body that keeps using 物业 before a shorter one that has it once.
        once = factories.make_document(team, agency, doc_number="", title="关于做好甲类管理工作的通知",
                                       body="<p>物业服务企业应当公开内容，标准由业主决定。</p>")
        often = factories.make_document(team, agency, doc_number="", title="关于做好乙类管理工作的通知",
                                        body="<p>道路、绿化、照明、排水和物业服务企业应当公开物业服务内容，物业标准由业主决定。</p>")
        rebuild_index()
        assert titles(run("物业 管理"))[:2] == [often.live_revision.title, once.live_revision.title]

    def test_index_number(self, library):
        index_no = library["labour"].index_no
        assert titles(run(index_no)) == ["关于印发劳动合同管理办法的通知"]
        assert titles(run(index_no.lower())) == ["关于印发劳动合同管理办法的通知"]

    def test_filters(self, library, agency, child):
        assert set(titles(run("最低生活保障", subject="民政、扶贫、救灾"))) == {
            "关于做好城乡居民最低生活保障工作的通知", "关于最低生活保障资金管理的旧规定"}
        assert titles(run("最低生活保障", validity="repealed")) == ["关于最低生活保障资金管理的旧规定"]
        assert titles(run("最低生活保障", kind="interpretation")) == ["图解城乡居民最低生活保障政策"]
        assert titles(run("通知", year="2025")) == ["关于调整住房公积金缴存基数的通知"]
        assert titles(run("条例", doc_type="行政法规")) == ["中华人民共和国政府信息公开条例"]
        assert titles(run("通知", agency=child.code)) == ["关于调整住房公积金缴存基数的通知"]
        assert "关于调整住房公积金缴存基数的通知" in titles(run("通知", agency=agency.code)), \
            "an agency filter includes its subordinate agencies"
        assert set(titles(run("最低生活保障", subject="民政、扶贫、救灾\\社会福利"))) == {
            "关于做好城乡居民最低生活保障工作的通知", "关于最低生活保障资金管理的旧规定"}
        assert titles(run("住房公积金", issuer="测试市住房公积金中心")) == ["关于调整住房公积金缴存基数的通知"]

    def test_policy_tags_retrieve_filter_and_facet(self, library):
        assert titles(run("惠民政策")) == ["关于做好城乡居民最低生活保障工作的通知"]
        assert titles(run("最低生活保障", tag="民生保障")) == ["关于做好城乡居民最低生活保障工作的通知"]
        tags = {v.value: v.count for v in run("最低生活保障").facets["tag"]}
        assert tags == {"民生保障": 1, "惠民政策": 1}

    def test_filters_alone_browse_the_library(self, library):
        found = run(year="2024")
        assert found.count == 3 and found.results[0].title == "图解城乡居民最低生活保障政策", "newest first"
        assert run().count == 0, "no query and no filter: nothing to search"

    def test_facets_count_the_result_set(self, library, agency, child):
        found = run("最低生活保障")
        facets = {name: {v.value: v.count for v in values} for name, values in found.facets.items()}
        assert found.count == 3
        assert facets["validity"] == {"valid": 2, "repealed": 1}
        assert facets["kind"] == {"policy": 2, "interpretation": 1}
        assert facets["year"] == {"2024": 2, "2019": 1}
        assert facets["agency"] == {agency.code: 3}
        assert facets["subject"]["民政、扶贫、救灾"] == 2
        labels = {v.value: v.label for v in found.facets["validity"]}
        assert labels == {"valid": "有效", "repealed": "废止"}

    def test_sort_by_date_and_paging(self, library):
        by_date = run("通知", sort="date", page_size=2)
        assert by_date.count == 4
        assert titles(by_date) == ["关于调整住房公积金缴存基数的通知", "关于做好城乡居民最低生活保障工作的通知"]
        second = run("通知", sort="date", page_size=2, page=2)
        assert titles(second) == ["关于印发工作要点的通知", "关于印发劳动合同管理办法的通知"]
        assert not set(titles(by_date)) & set(titles(second))

    def test_sort_by_date_puts_undated_documents_last(self, library):
        # An imported record whose source gives no date keeps none (issue #11 item 5): it sorts after every
        # dated one, never first as if published today.
        Document.objects.filter(pk=library["regulation"].pk).update(published_on=None)
        rebuild_index()
        found = run("", sort="date", kind="policy", page_size=20)
        assert [r.title for r in found.results][-1] == "中华人民共和国政府信息公开条例"
        assert found.results[-1].published_on is None
        assert found.results[0].published_on is not None

    def test_highlighted_title_and_snippet_without_stray_spaces(self, library):
        hit = run("最低生活保障").results[0]
        assert "<mark>最低生活保障</mark>" in hit.title_html
        assert "<mark>" in hit.snippet
        plain = hit.snippet.replace("<mark>", "").replace("</mark>", "")
        assert " " not in plain.strip("…"), "segmentation must not leave spaces in the snippet"

    def test_synonyms_everyday_words(self, library):
        found = run("低保怎么申请")
        assert titles(found)[0] in {"关于做好城乡居民最低生活保障工作的通知", "图解城乡居民最低生活保障政策"}

    def test_pinyin_full_and_initials(self, library):
        full = run("zhengfuxinxigongkai")
        assert full.corrected_query == "政府信息公开" and full.correction_kind == "pinyin"
        assert titles(full)[0] == "中华人民共和国政府信息公开条例"
        initials = run("zfxxgk")
        assert initials.corrected_query == "政府信息公开"
        assert titles(initials)[0] == "中华人民共和国政府信息公开条例"

    def test_typo_is_corrected_and_can_be_refused(self, library):
        found = run("最底生活保障")
        assert found.corrected_query == "最低生活保障" and found.correction_kind == "typo"
        assert "关于做好城乡居民最低生活保障工作的通知" in titles(found)
        as_typed = run("最底生活保障", correct=False)
        assert as_typed.corrected_query is None

    def test_correct_query_is_left_alone(self, library):
        assert run("政府信息公开条例").corrected_query is None
        assert run("住房公积金").corrected_query is None

    def test_sync_applies_publication_edit_and_withdrawal(self, team, agency, library):
        new = factories.make_document(team, agency, title="关于开展养老服务补贴申领的通知", body="<p>养老服务补贴。</p>")
        assert run("养老服务补贴").count == 0
        assert sync_index() >= 1
        assert titles(run("养老服务补贴")) == ["关于开展养老服务补贴申领的通知"]
        publishing.save_revision(team[Role.DRAFTER], new, factories.data(title="关于开展高龄津贴申领的通知",
                                                                          body="<p>高龄津贴。</p>"))
        factories.advance(team, new)
        publishing.publish_document(team[Role.PUBLISHER], new)
        sync_index()
        assert titles(run("高龄津贴")) == ["关于开展高龄津贴申领的通知"]
        assert run("养老服务补贴").count == 0
        publishing.withdraw_document(team[Role.PUBLISHER], new, "内容有误")
        sync_index()
        assert run("高龄津贴").count == 0
        assert new.pk not in get_backend().indexed_ids()

    def test_stale_index_never_shows_counts_or_facets_a_withdrawn_document(self, team, library):
        """Withdraw without syncing: the index still holds the document, search must not."""
        doc = library["low_income"]
        publishing.withdraw_document(team[Role.PUBLISHER], doc, "撤回")
        assert doc.pk in get_backend().indexed_ids(), "the index is stale on purpose"
        assert stale_ids() == {doc.pk}
        found = run("最低生活保障")
        assert "关于做好城乡居民最低生活保障工作的通知" not in titles(found)
        assert found.count == 2
        assert sum(v.count for v in found.facets["validity"]) == 2
        assert "关于做好城乡居民最低生活保障工作的通知" not in services.suggest("关于做好城乡")
        sync_index()
        assert stale_ids() == set()
        assert run("最低生活保障").count == 2

    def test_hit_check_drops_documents_the_outbox_missed(self, team, library):
        """A change made behind the services' back (no outbox row) is caught when the hit is read."""
        doc = library["housing_fund"]
        Document.objects.filter(pk=doc.pk).update(live_revision=None)
        found = run("住房公积金")
        assert found.results == [] and found.count == 0
        assert not found.facets.get("kind"), "nor is it counted in a facet"

    def test_engine_query_interface(self, library):
        backend = get_backend()
        unit = Unit([Alternative("公积金", ["公积", "公积金"])])
        result = backend.search(EngineQuery(units=[unit], min_match=1, limit=5, facets=True))
        assert [h.id for h in result.hits] == [library["housing_fund"].pk]
        assert result.facet_counts()["doc_type"] == [("通知", 1)]
        title_only = backend.search(EngineQuery(units=[Unit([Alternative("政务公开", ["政务", "公开"])])],
                                                min_match=1, title_only=True))
        assert title_only.count == 0
        assert backend.doc_freq("公积金") == 1
        assert "公积金" in backend.vocabulary() or "住房公积金" in backend.vocabulary()
        assert backend.search(EngineQuery(initials="zfxxgk")).count == 1

    def test_a_count_may_stop_at_its_limit(self, library):
        backend = get_backend()
        units = [Unit([Alternative(w, [w])]) for w in ("政府", "公开")]
        exact = backend.search(EngineQuery(units=units, min_match=2, count_only=True)).count
        assert exact >= 2
        # A count at or past its limit may stop there; one below it is exact.
        assert backend.search(EngineQuery(units=units, min_match=2, count_only=True, count_limit=2)).count >= 2
        assert backend.search(EngineQuery(units=units, min_match=2, count_only=True, count_limit=exact + 5)).count \
            == exact
        excluded = {h.id for h in backend.search(EngineQuery(units=units, min_match=2, limit=100)).hits}
        assert backend.search(EngineQuery(units=units, min_match=2, count_only=True, count_limit=1,
                                          exclude_ids=excluded)).count == 0

    def test_analysis_is_backend_independent(self, library):
        analysis = analyze("国办发[2019]14号", synonyms.dictionary())
        assert analysis.keys == ["n:国办发〔2019〕14"] and analysis.reference
        joint = analyze("国务院、中央军委第608号令", synonyms.dictionary())
        assert joint.keys == ["n:国令608", "n:中央军事委员会令608"] and joint.reference_label == "国务院、中央军事委员会令第608号"


class TestEmbeddedBackend(BackendContract):
    backend = "embedded"

    # Embedded only for now: the merge weighs scores, and the PostgreSQL backend's scale (its own IDF over
    # unit match counts) is being reworked separately; its quality figures are measured on the eval set.
    def test_long_question_is_never_lost_to_everyday_words(self, team, agency):
        tax = factories.make_document(team, agency, title="中华人民共和国个人所得税法", doc_type="行政法规",
                                      body="<p>工资、薪金所得，适用百分之三至百分之四十五的超额累进税率，缴纳个人所得税。</p>")
        chatter = factories.make_document(
            team, agency, title="关于做好职工福利发放工作的通知",
            body="<p>年终奖和工资加起来，一年超过十万的职工，福利另行发放。</p>")
        rebuild_index()
        found = run("年终奖和工资加起来一年超过十万块钱要交多少个人所得税")
        assert titles(found)[0] == tax.live_revision.title
        assert chatter.live_revision.title in titles(found) and found.count == len(found.results) == 2
        # Only one has every word: the page says so, and the facets count that one.
        assert found.matched_all in (0, 1) and sum(v.count for v in found.facets["kind"]) == found.matched_all
        short = run("年终奖要交多少个人所得税")
        assert titles(short)[0] == tax.live_revision.title

    def test_a_stale_hit_is_reindexed(self, library):
        doc = library["housing_fund"]
        Document.objects.filter(pk=doc.pk).update(live_revision=None)
        assert doc.pk in get_backend().indexed_ids()
        run("住房公积金")
        # The stale hit was queued for reindexing; with tasks run inline the index has already healed.
        assert doc.pk not in get_backend().indexed_ids()


@pytest.mark.skipif(not ON_POSTGRES, reason="the PostgreSQL backend needs DATABASE_URL=postgres://… (CI's PostgreSQL pass)")
class TestPostgresBackend(BackendContract):
    backend = "postgres"


def _rows(sql: str, params: list | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall()


def _side_ids() -> dict[str, set[int]]:
    return {table: {pk for (pk,) in _rows(f"SELECT document_id FROM {table}")}
            for table in ("search_entry", "search_title", "search_body")}


def _term_counts() -> dict[str, int]:
    return {term: n for term, n in _rows("SELECT term, ndoc FROM search_term WHERE ndoc <> 0 AND term NOT LIKE '#%%'")}


def _lengths_consistent() -> bool:
    """The cached sums of title and body lengths equal what the side tables hold, and every body's length
    is its number of distinct words (its w: lexemes; h: marks the words it uses often)."""
    sums = dict(_rows("SELECT term, ndoc FROM search_term WHERE term LIKE '#len:%%'"))
    ((body, words, title),) = _rows(
        "SELECT (SELECT coalesce(sum(n), 0) FROM search_body), (SELECT count(*) FROM search_body, "
        "unnest(tsvector_to_array(tsv)) AS lexeme WHERE lexeme LIKE 'w:%%'), (SELECT coalesce(sum(char_length(core)), 0) "
        "FROM search_title)")
    return sums.get("#len:body", 0) == body == words and sums.get("#len:title", 0) == title and body > 0


def _recounted_terms() -> dict[str, int]:
    """The document frequencies counted afresh from the side tables (what search_term must hold)."""
    return {term: n for term, n in _rows(
        "SELECT lexeme, count(*) FROM (SELECT unnest(tsvector_to_array(tsv)) AS lexeme FROM search_body UNION ALL "
        "SELECT lexeme FROM search_title, unnest(tsvector_to_array(tsv)) AS lexeme WHERE lexeme NOT LIKE 'k:%%') x "
        "GROUP BY lexeme")}


def _outcome(backend, query: EngineQuery) -> tuple:
    """What a search tells: its count, the count of a count-only probe, the scored page and the facets."""
    found = backend.search(query)
    counted = backend.search(replace(query, count_only=True, facets=False)).count
    return (found.count, counted, [(h.id, round(h.score, 6)) for h in found.hits],
            {k: sorted(v) for k, v in found.facets.items()})


@pytest.mark.skipif(not ON_POSTGRES, reason="the PostgreSQL backend needs DATABASE_URL=postgres://… (CI's PostgreSQL pass)")
class TestPostgresStorage:
    """The PostgreSQL backend's narrow layout: search_entry (filters, facets) and its title and body side tables
    hold the same documents after every write, and the cached word frequencies match them."""

    @pytest.fixture(autouse=True)
    def _use_backend(self, settings, fresh_search):
        settings.GONGKAI_SEARCH_BACKEND = "postgres"

    def test_rebuild_fills_every_table_alike_and_is_idempotent(self, library):
        public = {d.pk for d in library.values()}
        assert _side_ids() == {table: public for table in ("search_entry", "search_title", "search_body")}
        assert _term_counts() == _recounted_terms() and _lengths_consistent()
        before = {q: titles(run(q)) for q in ("最低生活保障", "政府信息公开", "zfxxgk", "示民发〔2024〕3号")}
        terms = _term_counts()
        assert rebuild_index() == len(public)
        assert rebuild_index() == len(public)
        services.clear_caches()
        assert _side_ids() == {table: public for table in ("search_entry", "search_title", "search_body")}
        assert _term_counts() == terms
        assert {q: titles(run(q)) for q in before} == before
        # The swapped-in tables keep their names and indexes; nothing of the build is left behind.
        tables = {name for (name,) in _rows("SELECT tablename FROM pg_tables WHERE tablename LIKE 'search_%%'")}
        assert {"search_title", "search_body"} <= tables and not {t for t in tables if t.endswith("_new")}
        indexes = {name for (name,) in _rows(
            "SELECT indexname FROM pg_indexes WHERE tablename IN ('search_title', 'search_body')")}
        assert indexes == {"search_title_pkey", "search_title_tsv", "search_body_pkey", "search_body_tsv"}

    def test_apply_keeps_side_tables_and_frequencies_consistent(self, team, agency, library):
        new = factories.make_document(team, agency, title="关于开展养老服务补贴申领的通知", body="<p>养老服务补贴。</p>")
        sync_index()
        assert all(new.pk in ids for ids in _side_ids().values())
        assert _rows("SELECT core FROM search_title WHERE document_id = %s", [new.pk]) == [("关于开展养老服务补贴申领的通知",)]
        assert _term_counts() == _recounted_terms() and _lengths_consistent()
        publishing.save_revision(team[Role.DRAFTER], new, factories.data(title="关于开展高龄津贴申领的通知",
                                                                          body="<p>高龄津贴。</p>"))
        factories.advance(team, new)
        publishing.publish_document(team[Role.PUBLISHER], new)
        sync_index()
        assert _rows("SELECT core FROM search_title WHERE document_id = %s", [new.pk]) == [("关于开展高龄津贴申领的通知",)]
        assert _term_counts() == _recounted_terms() and _lengths_consistent()
        assert _term_counts().get("w:养老") is None, "the old revision's words are taken away"
        publishing.withdraw_document(team[Role.PUBLISHER], new, "内容有误")
        sync_index()
        assert not any(new.pk in ids for ids in _side_ids().values())
        assert _term_counts() == _recounted_terms() and _lengths_consistent()
        assert _side_ids()["search_title"] == _side_ids()["search_entry"] == {d.pk for d in library.values()}

    def test_a_title_phrase_is_matched_exactly(self, library):
        backend = get_backend()
        # Every bigram of 生活保障工作 is in the title of low_income, in order; 保障生活 has them out of order.
        assert backend.search(EngineQuery(units=[Unit([Alternative("生活保障工作", [])])], title_only=True)).count == 1
        assert backend.search(EngineQuery(units=[Unit([Alternative("障生活保", [])])], title_only=True)).count == 0
        assert backend.search(EngineQuery(units=[Unit([Alternative("劳", [])])], title_only=True)).count == 1

    def test_filters_and_facets_agree_with_the_count(self, library, agency):
        found = run("最低生活保障")
        for name in ("validity", "kind", "year", "agency"):
            assert sum(v.count for v in found.facets[name]) == found.count
        for value in found.facets["validity"]:
            assert run("最低生活保障", validity=value.value).count == value.count
        issuers = {v.value: v.count for v in run("通知").facets["issuer"]}
        assert sum(issuers.values()) >= run("通知").count

    def test_one_search_is_a_few_statements(self, library, django_assert_max_num_queries):
        backend = get_backend()
        query = EngineQuery(units=[Unit([Alternative("最低生活保障", ["最低", "生活", "保障"])])], facets=True,
                            phrases=["最低生活保障"], filters={"validity": ["valid"]})
        backend.search(query)  # reads the facet columns of this index generation once (pgfacets)
        # The planner settings with the word frequencies, the join settings (the filter reads the entries of
        # a match that is large for this small library), the search (hits, count and the ids the facets
        # count) and the settings reset.
        with django_assert_max_num_queries(4):
            result = backend.search(query)
        assert result.count == 2 and result.facets["validity"] == [("valid", 2)]

    def test_facets_counted_in_memory_equal_counting_in_sql(self, team, agency, library):
        query = EngineQuery(units=[Unit([Alternative("通知", ["通知"])])], facets=True, limit=1)

        def in_sql() -> dict[str, dict[str, int]]:
            ids = [hit.id for hit in get_backend().search(replace(query, facets=False, limit=1000)).hits]
            counted: dict[str, dict[str, int]] = {}
            for name, column in pgfacets.SINGLE + pgfacets.MULTI:
                for (value,) in _rows(f"SELECT {column} FROM search_entry WHERE document_id = ANY(%s)", [ids]):
                    for one in (value or "").split("\n") if name in ("issuer", "tag") else [value]:
                        if one:
                            counted.setdefault(name, {})[one] = counted.setdefault(name, {}).get(one, 0) + 1
            return counted

        def in_memory() -> dict[str, dict[str, int]]:
            return {name: dict(values) for name, values in get_backend().search(query).facets.items() if values}

        assert in_memory() == in_sql() and in_memory()["agency"]
        # A write moves the index generation on, so the columns are read again (even within one transaction).
        factories.make_document(team, agency, title="关于新增一项工作的通知", body="<p>通知正文。</p>", doc_number="")
        sync_index()
        assert in_memory() == in_sql()

    def test_top_only_ranks_the_best_like_the_whole_ranking(self, library, monkeypatch):
        units = [Unit([Alternative(w, [w])]) for w in ("最低", "生活", "保障", "通知")]
        whole = [h.id for h in get_backend().search(EngineQuery(units=units, min_match=1, limit=5)).hits]
        best = get_backend().search(EngineQuery(units=units, min_match=1, limit=5, top_only=True))
        assert [h.id for h in best.hits] == whole and best.count == len(best.hits)
        # As if the library were large: only the rarest side finds candidates, the others only add to the
        # scores of those (read from their own title and body), so the best come first as before.
        monkeypatch.setattr(postgres, "COMMON_FLOOR", 0)
        best = [h.id for h in get_backend().search(EngineQuery(units=units, min_match=1, limit=5, top_only=True)).hits]
        assert best and best == whole[:len(best)]

    @pytest.mark.parametrize(("words", "need"), [
        (("最低", "生活", "保障"), 3), (("城乡", "保障", "通知"), 3), (("乡居", "保障"), 2), (("住房", "公积金"), 2),
        (("通知", "印发"), 2), (("政府", "公开", "条例"), 3), (("最低", "生活", "保障", "公积金"), 3),
        (("乡居", "住房", "通知"), 2), (("政府", "公开", "条例", "劳动", "合同"), 2), (("乡居民", "审核"), 2),
        (("乡居民", "申请"), 2)])
    def test_an_anchored_search_finds_and_scores_as_reading_every_row(self, library, monkeypatch, words, need):
        """Anchored on the rarest units every match must have one of (the others' body rows read only where an
        anchor is too), a search needing several units finds, counts, scores and facets as when every row is
        read; 乡居民 is in titles only (a substring across the words 城乡 and 居民), so documents having an anchor by
        title alone are covered too (审核 and 申请 are in those documents' bodies only)."""
        units = [Unit([Alternative(w, [w])]) for w in words]
        query = EngineQuery(units=units, min_match=need, limit=20, facets=True)
        backend = get_backend()

        assert "br AS MATERIALIZED" in backend.statement(query)[0]  # the anchored path is the one tested
        anchored = _outcome(backend, query)
        monkeypatch.setattr(postgres.PostgresBackend, "_anchors", lambda self, *args: None)
        assert anchored == _outcome(backend, query)
        assert anchored[0] == anchored[1] > 0

    @pytest.mark.parametrize("q", ["通知", "最低生活保障", "关于调整住房公积金缴存基数的通知", "公积金"])
    @pytest.mark.parametrize("filtered", [False, True])
    def test_one_unit_is_summed_by_a_join_as_grouping_would(self, library, monkeypatch, q, filtered):
        """A search with one unit sums its body rows with its title, heavy-body and exact-key rows by a hash
        full join instead of grouping every row (a common word's tens of thousands): it finds, counts,
        scores, pages and facets as the grouping did, with a filter too."""
        backend = get_backend()
        query = services.plan(services.SearchParams(q=q, page_size=3)).query
        query = replace(query, units=query.units[:1], min_match=1, facets=True,
                        filters={"validity": ["valid"]} if filtered else {})

        assert "FULL JOIN" in backend.statement(query)[0]  # the joined path is the one tested
        joined = _outcome(backend, query)
        monkeypatch.setattr(postgres.PostgresBackend, "_one_unit", staticmethod(lambda *args: None))
        assert "GROUP BY document_id) o" not in backend.statement(query)[0]
        assert joined == _outcome(backend, query)
        assert joined[0] == joined[1] > 0

    @pytest.fixture
    def side_tables_emptied(self):
        """After a test that commits: the backend's own tables emptied, as Django's flush empties the models'
        (it does not know these; another test that reads every table, the backup's, would find their rows)."""
        yield
        with connection.cursor() as cursor:
            # As migrated: no rows, and the length sums (#len:…) at zero.
            cursor.execute("TRUNCATE search_title, search_body; DELETE FROM search_term WHERE term NOT LIKE '#len:%%'; "
                           "UPDATE search_term SET ndoc = 0")

    @pytest.mark.django_db(transaction=True)
    def test_a_long_question_ranks_plainly_beside_its_strict_pass(self, library, monkeypatch, side_tables_emptied):
        """Outside a transaction, a long question's plain-ranking pass runs in a pass thread on its own
        connection while the strict pass runs: the same page as running both in line."""
        started = []
        submit = services._passes.submit
        monkeypatch.setattr(services._passes, "submit", lambda *args: started.append(args) or submit(*args))
        try:
            beside = services.search(services.SearchParams(q="申请低保的家庭怎么申报收入"), record=False)
        finally:
            services.close_pass_connections()
        assert len(started) == 1 + services.PASS_THREADS  # the pass, then closing the threads' connections
        monkeypatch.setattr(postgres.PostgresBackend, "concurrent_passes", False)
        in_line = services.search(services.SearchParams(q="申请低保的家庭怎么申报收入"), record=False)
        assert beside.count == in_line.count > 0
        assert [(r.id, r.score) for r in beside.results] == [(r.id, r.score) for r in in_line.results]

    @pytest.mark.parametrize("q", ["通知", "最低生活保障", "关于调整住房公积金缴存基数的通知", "公积金", "劳动合同"])
    @pytest.mark.parametrize(("offset", "limit"), [(0, 3), (2, 2), (0, 0)])
    def test_a_common_word_is_answered_from_held_postings_as_by_the_statement(self, library, monkeypatch, q,
                                                                                offset, limit):
        """A search for one common unit, unfiltered and by relevance, is answered from the unit's postings held
        in the process and its title and key matches: the same count, scores, page (after the phrase and
        optional-word boosts) and facets as the one statement, with an excluded document too. (As if the library
        were large: here every word counts as common.)"""
        for name in ("COMMON_WORD", "COMMON", "COMMON_FLOOR"):
            monkeypatch.setattr(postgres, name, 0)
        backend = get_backend()
        planned = services.plan(services.SearchParams(q=q)).query
        query = replace(planned, units=[replace(planned.units[0], required=True),
                                        *(replace(u, required=False) for u in planned.units[1:])],
                        min_match=1, facets=True, offset=offset, limit=limit,
                        exclude_ids={library["repealed"].pk})
        calls = []
        common_word = postgres.PostgresBackend._common_word
        monkeypatch.setattr(postgres.PostgresBackend, "_common_word",
                            lambda self, *args: calls.append(1) or common_word(self, *args))
        held = _outcome(backend, query)
        assert len(calls) == 2 and held[0] > 0  # both the search and the count were answered from the postings
        monkeypatch.setattr(postgres.PostgresBackend, "_common_word", lambda self, *args: None)
        assert held == _outcome(backend, query)

    def test_held_postings_follow_every_write(self, team, agency, library, monkeypatch):
        for name in ("COMMON_WORD", "COMMON", "COMMON_FLOOR"):
            monkeypatch.setattr(postgres, name, 0)
        calls = []
        common_word = postgres.PostgresBackend._common_word
        monkeypatch.setattr(postgres.PostgresBackend, "_common_word",
                            lambda self, *args: calls.append(1) or common_word(self, *args))
        query = EngineQuery(units=[Unit([Alternative("保障", ["保障"])])], limit=5)
        before = get_backend().search(query).count
        factories.make_document(team, agency, title="关于养老服务的通知", body="<p>养老保障服务。</p>", doc_number="")
        sync_index()
        after = get_backend().search(query)
        assert before > 0 and after.count == before + 1 and len(calls) == 2
        assert "关于养老服务的通知" in {Document.objects.get(pk=h.id).live_revision.title for h in after.hits}

    def test_title_reach_reads_the_cached_title_counts(self, library):
        """A unit's reach among titles comes from the cached title lexemes (the query asked for them): with
        none read, every title side looked rare and found candidates, however common (the slowest long
        questions at 100,000 documents)."""
        query = EngineQuery(units=[Unit([Alternative("通知", ["通知"])])], min_match=1, limit=5, top_only=True)
        backend = get_backend()
        total, freqs, _ = backend._frequencies(query)
        title, column = backend._units(query)[0][0][:2]
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM search_title WHERE tsv @@ %s::tsquery", [title[0]])
            titles = cursor.fetchone()[0]
        assert titles > 0 and backend._title_reach(title, column, freqs, total) == titles

    def test_frequencies_read_once_follow_every_write(self, team, agency, library, django_assert_max_num_queries):
        backend = get_backend()
        backend.applied_change()
        before = backend.doc_freq("养老")
        with django_assert_max_num_queries(0):
            assert backend.doc_freq("养老") == before  # read once per index version
        factories.make_document(team, agency, title="关于养老服务的通知", body="<p>养老服务。</p>", doc_number="")
        sync_index()
        assert backend.doc_freq("养老") == before + 1
        # Another process's write moves the state row on; the next search's first read notices it.
        with connection.cursor() as cursor:
            cursor.execute("UPDATE search_term SET ndoc = ndoc + 5 WHERE term = 'w:养老'")
            cursor.execute("UPDATE search_searchstate SET applied_change = applied_change WHERE name = 'postgres'")
        backend.applied_change()
        assert backend.doc_freq("养老") == before + 6
