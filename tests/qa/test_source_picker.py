"""The pair form's source picker: documents found by words of their title or their document number, only those a
pair may rest on; their articles to choose from; staff JSON with the pair form's rights, and a clear refusal."""

from __future__ import annotations

import pytest
from django.utils import timezone

from gongkai.orgs.roles import Role
from gongkai.publishing import services as publishing
from gongkai.publishing.rules import Validity
from gongkai.qa import pairs
from tests import factories
from tests.qa.test_ask import CONTRACT, DOGS
from tests.qa.test_pairs import ANSWER, QUESTION
from tests.test_visibility_leaks import MARKER, planted  # noqa: F401 - fixture

pytestmark = pytest.mark.usefixtures("fresh_search")


@pytest.fixture
def library(team, agency, django_capture_on_commit_callbacks):
    """Two sources a pair may rest on, and a draft, a withdrawn and a repealed document that share their words."""
    with django_capture_on_commit_callbacks(execute=True):
        contract = factories.make_document(team, agency, title="测试市劳动合同管理办法", body=CONTRACT,
                                           doc_number="测政发〔2026〕5号")
        dogs = factories.make_document(team, agency, title="测试市养犬管理规定", body=DOGS, doc_number="测政发〔2026〕6号")
        draft = factories.make_document(team, agency, publish=False, title="测试市劳动合同管理办法（草稿）",
                                        doc_number="测政发〔2026〕7号")
        withdrawn = factories.make_document(team, agency, title="测试市劳动合同管理办法（撤回）", body=CONTRACT,
                                            doc_number="测政发〔2026〕8号")
        publishing.withdraw_document(team[Role.PUBLISHER], withdrawn, "撤回")
        repealed = factories.make_document(team, agency, title="测试市劳动合同管理办法（废止）", body=CONTRACT,
                                           doc_number="测政发〔2026〕9号")
        publishing.set_validity(team[Role.PUBLISHER], repealed, Validity.REPEALED, repealed_on=timezone.localdate(),
                                comment="废止")
    return {"contract": contract, "dogs": dogs, "draft": draft, "withdrawn": withdrawn, "repealed": repealed}


def _ids(query: str) -> list[int]:
    return [d["id"] for d in pairs.find_sources(query)[0]]


def test_sources_are_found_by_title_words_document_number_or_their_own_number(library):
    contract, dogs = library["contract"], library["dogs"]
    assert _ids("劳动合同") == [contract.pk]
    assert _ids("测试市 管理办法") == [contract.pk]
    assert _ids("养犬") == [dogs.pk]
    # The document number as printed and as typed with other brackets; the exact number before its neighbours.
    assert _ids("测政发〔2026〕6号") == [dogs.pk]
    assert _ids("测政发[2026]6号") == [dogs.pk]
    assert _ids("测政发(2026)5号") == [contract.pk]
    assert set(_ids("测政发")) == {contract.pk, dogs.pk}
    assert _ids(str(dogs.pk))[0] == dogs.pk
    found = pairs.find_sources("养犬")[0][0]
    assert found == {"id": dogs.pk, "title": "测试市养犬管理规定", "doc_number": "测政发〔2026〕6号",
                     "agency": dogs.agency.name, "published_on": dogs.published_on.isoformat()}


def test_a_draft_withdrawn_or_repealed_document_is_never_offered(library):
    offered = set(_ids("测试市"))
    assert offered == {library["contract"].pk, library["dogs"].pk}
    for name in ("draft", "withdrawn", "repealed"):
        document = library[name]
        assert document.pk not in _ids(str(document.pk)) and pairs.usable_source(document.pk) is None
        assert _ids(f"测政发〔2026〕{ {'draft': 7, 'withdrawn': 8, 'repealed': 9}[name] }号") == []


def test_the_list_is_short_and_says_when_there_are_more(team, agency):
    for n in range(pairs.SOURCE_CHOICES + 2):
        factories.make_document(team, agency, title=f"测试市第{n}号通知", doc_number=f"测政发〔2026〕{100 + n}号")
    found, more = pairs.find_sources("通知")
    assert len(found) == pairs.SOURCE_CHOICES and more
    assert pairs.find_sources("通知", limit=50)[1] is False


def test_a_number_typed_with_other_brackets_is_found_among_many_neighbours(team, agency):
    """测政发[2026]1号 holds the pieces of 测政发〔2026〕11号, 21号 ... too: the document it names comes first even when
    more than a list's worth of newer neighbours match (it was cut off before being moved up)."""
    exact = factories.make_document(team, agency, title="测试市第一号通知", doc_number="测政发〔2026〕1号")
    for n in range(1, pairs.SOURCE_CHOICES + 3):
        factories.make_document(team, agency, title=f"测试市第{n}1号通知", doc_number=f"测政发〔2026〕{n}1号")
    assert _ids("测政发[2026]1号")[0] == exact.pk
    assert _ids("测政发(2026)1号")[0] == exact.pk


def test_a_sources_articles_are_listed_as_the_article_field_takes_them(library):
    articles, more = pairs.source_articles(pairs.usable_source(str(library["contract"].pk)))
    assert [(a["ref"], a["label"]) for a in articles] == [("1", "第一条"), ("5", "第五条"), ("6", "第六条")]
    assert articles[2]["text"].startswith("劳动者在试用期的工资") and len(articles[2]["text"]) <= pairs.ARTICLE_PREVIEW + 1
    assert more is False
    assert pairs.source_articles(pairs.usable_source(library["contract"].pk), limit=2) == (articles[:2], True)


# -- the endpoints ---------------------------------------------------------------------------------------------

def _sources(client, agency, **params):
    return client.get(f"/staff/qa/pairs/{agency.code}/sources/", params)


def _articles(client, agency, **params):
    return client.get(f"/staff/qa/pairs/{agency.code}/articles/", params)


def test_a_drafter_finds_sources_and_their_articles(client, team, agency, library):
    client.force_login(team[Role.DRAFTER])
    response = _sources(client, agency, q="劳动合同")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json() == {"documents": [pairs.source_choice(library["contract"])], "more": False}
    response = _articles(client, agency, source=str(library["contract"].pk))
    assert response.status_code == 200
    body = response.json()
    assert body["document"]["title"] == "测试市劳动合同管理办法" and body["more"] is False
    assert [a["label"] for a in body["articles"]] == ["第一条", "第五条", "第六条"]


def test_only_the_agencys_drafters_may_ask(client, team, agency, library):
    other = factories.make_agency("11000000TEST00003X", "测试市人社局", parent=agency.parent)
    elsewhere = factories.make_staff(other, Role.DRAFTER)
    source = str(library["contract"].pk)
    # Anonymous: said in JSON (a signed-out drafter's script is not handed the login page).
    for response in (_sources(client, agency, q="劳动"), _articles(client, agency, source=source)):
        assert response.status_code == 401 and "登录" in response.json()["detail"]
    client.force_login(elsewhere)  # a drafter, of another agency
    for response in (_sources(client, agency, q="劳动"), _articles(client, agency, source=source)):
        assert response.status_code == 404 and "documents" not in response.json()
    client.force_login(team[Role.APPROVER])  # reviews the agency's pairs, does not write them
    assert _sources(client, agency, q="劳动").status_code == 404
    client.force_login(team[Role.PUBLISHER])  # no pair role anywhere
    response = _sources(client, agency, q="劳动")
    assert response.status_code == 403 and response.json()["detail"] == "政策问答由起草人编写、审核人（分管领导）审核；您在任何机关都没有这两个角色。"
    client.force_login(team[Role.DRAFTER])
    assert client.post(f"/staff/qa/pairs/{agency.code}/sources/", {"q": "劳动"}).status_code == 405


@pytest.mark.parametrize(("params", "status", "said"), [
    ({}, 400, "请输入文件标题或文号中的字词。"),
    ({"q": "   "}, 400, "请输入文件标题或文号中的字词。"),
    ({"q": "劳" * 101}, 400, "查找的字词不能超过 100 个字。"),
])
def test_a_bad_search_is_refused_in_chinese(client, team, agency, library, params, status, said):
    client.force_login(team[Role.DRAFTER])
    response = _sources(client, agency, **params)
    assert (response.status_code, response.json()) == (status, {"detail": said})


@pytest.mark.parametrize(("source", "status", "said"), [
    ("", 400, "请填写依据文件编号。"),
    ("abc", 400, "依据文件编号应为数字"),
    ("9" * 30, 400, "依据文件编号应为数字"),
    ("-1", 400, "依据文件编号应为数字"),
    ("0", 404, "没有这个编号的可作依据的文件"),
    ("draft", 404, "没有这个编号的可作依据的文件"),
    ("withdrawn", 404, "没有这个编号的可作依据的文件"),
    ("repealed", 404, "没有这个编号的可作依据的文件"),
])
def test_a_bad_source_is_refused_in_chinese(client, team, agency, library, source, status, said):
    client.force_login(team[Role.DRAFTER])
    response = _articles(client, agency, source=str(library[source].pk) if source in library else source)
    assert response.status_code == status and response.json()["detail"].startswith(said)
    assert "articles" not in response.json()


def test_the_form_names_its_source_and_loads_the_picker_only_there(client, team, agency, library):
    client.force_login(team[Role.DRAFTER])
    url = f"/staff/qa/pairs/{agency.code}/0/"
    page = client.get(url).content.decode()
    assert "qa/source-picker.js" in page and 'id="source-picker"' in page and "查找依据文件" in page
    assert 'class="source-picker" id="source-picker"' in page and " hidden>" in page  # shown by the script only
    assert "qa/source-picker.js" not in client.get("/staff/qa/pairs/").content.decode()
    # Refused for another field: the number typed is named beside it.
    refused = client.post(url, {"question": "", "answer": ANSWER, "source": str(library["dogs"].pk)})
    assert refused.status_code == 200
    assert '<span class="source-title" id="f-source-title" aria-live="polite">测试市养犬管理规定（测政发〔2026〕6号）</span>' in (
        refused.content.decode())
    # A number that is no source names nothing (the error says why).
    refused = client.post(url, {"question": QUESTION, "answer": ANSWER, "source": str(library["repealed"].pk)})
    assert 'aria-live="polite"></span>' in refused.content.decode() and "已废止" in refused.content.decode()
    # An edit names the pair's source.
    pair = pairs.save_pair(team[Role.DRAFTER], agency, {"question": QUESTION, "answer": ANSWER,
                                                        "source": library["contract"].pk, "article": "6"})
    page = client.get(f"/staff/qa/pairs/{agency.code}/{pair.pk}/").content.decode()
    assert "测试市劳动合同管理办法（测政发〔2026〕5号）</span>" in page


def test_the_picker_offers_nothing_the_public_may_not_see(client, team, agency, planted):  # noqa: F811
    """Every non-public state (draft, in review, withheld, scheduled, withdrawn, an unapproved revision): never
    found by its marked title or number, nor by its own number, and its articles are not listed."""
    public, items = planted
    client.force_login(team[Role.DRAFTER])
    for query in (MARKER, f"{MARKER}〔2026〕1号", "正文"):
        response = _sources(client, agency, q=query)
        assert response.status_code == 200 and MARKER not in response.content.decode()
    for name, document in items.items():
        found = _sources(client, agency, q=str(document.pk)).json()["documents"]
        listed = _articles(client, agency, source=str(document.pk))
        if name == "pending_revision":  # public: its public version only
            assert listed.status_code == 200 and MARKER not in listed.content.decode()
            assert MARKER not in str(found)
        else:
            assert document.pk not in [d["id"] for d in found], name
            assert listed.status_code == 404, name
