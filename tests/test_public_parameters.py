"""Every public query parameter, fed huge, negative, non-numeric, overlong and malformed values: never a 5xx.

Staff list filters get the same treatment with a signed-in officer; the pages answer with the values ignored
or a Chinese error, never a stack trace.
"""

from __future__ import annotations

import pytest

from gongkai.orgs.roles import Role
from tests import factories
from tests.disclosure_factories import disclosure_team

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_search", "fresh_cache")]

NASTY = ["99999999999999999999", "9223372036854775808", "-1", "-99999999999999999999", "0", "abc", "1e400",
         "3.5", "２０２６", "\x00", "%", "' OR 1=1 --", "<script>alert(1)</script>", "9" * 5000, "长" * 3000]

LISTING = ["page", "agency", "subject", "year", "doc_type", "validity", "kind", "issuing_agencies"]
SEARCH = [*LISTING, "q", "page_size", "issuer", "tag", "sort", "correct"]
PUBLIC = [
    ("/xxgk/documents/", LISTING),
    ("/api/v1/documents", [*LISTING, "page_size"]),
    ("/search/", SEARCH),
    ("/api/v1/search", SEARCH),
    ("/api/v1/suggest", ["q"]),
    ("/api/v1/search/hot", ["days"]),
    ("/api/v1/agencies", ["page"]),
    ("/xxgk/", ["page", "agency"]),
    ("/", ["page", "q"]),
    ("/feeds/latest.xml", ["page", "agency"]),
    ("/sitemap.xml", ["p", "page"]),
    ("/ysqgk/track/", ["code", "token"]),
    ("/zfxxgk/", ["agency"]),
    ("/zfxxgk/ml/", ["agency"]),
    ("/hdjl/yjzj/", ["status", "page"]),
    ("/hdjl/zdjcml/", ["page", "year"]),
    ("/hdjl/", ["page"]),
    ("/api/v1/consultations", ["status", "page", "page_size"]),
    ("/hdjl/lxhy/", ["page"]),
    ("/hdjl/zcpg/", ["page"]),
    ("/hdjl/jyta/", ["type", "year", "page"]),
]


@pytest.mark.parametrize(("url", "param"), [(url, p) for url, params in PUBLIC for p in params])
def test_public_query_parameters_never_give_a_5xx(client, published, url, param):
    for value in NASTY:
        response = client.get(url, {param: value})
        assert response.status_code < 500, (url, param, value[:30], response.status_code)
        if url.startswith("/api/") and response.status_code == 400:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["detail"])


UNUSABLE = [("sort", "foo"), ("year", "19"), ("validity", "maybe"), ("agency", "NOPE"), ("kind", "news"),
            ("doc_type", "诗歌")]


@pytest.mark.parametrize("url", ["/xxgk/documents/", "/search/"])
def test_public_pages_ignore_values_they_cannot_apply_the_same_way(client, published, url):
    """The library and the search page treat an unknown value alike (issue #11): ignored with a Chinese reason,
    the page still answers with the rest of the request; only the JSON APIs answer 400."""
    title = published.live_revision.title
    for param, value in UNUSABLE:
        response = client.get(url, {"q": title, param: value})
        assert response.status_code == 200, (url, param)
        page = response.content.decode()
        assert "无法使用的条件已忽略" in page and title in page, (url, param)
    for api in ("/api/v1/documents", "/api/v1/search"):
        bad = client.get(api, {"q": title, "sort": "foo"})
        assert bad.status_code == 400 and "排序只能是" in bad.json()["detail"]


@pytest.mark.parametrize("path", [
    "/xxgk/documents/99999999999999999999/", "/api/v1/documents/99999999999999999999",
    "/api/v1/documents/-1", "/xxgk/attachments/99999999999999999999/a.pdf",
    "/xxgk/agencies/" + "x" * 3000 + "/", "/api/v1/applications/" + "Y" * 5000,
    "/ysqgk/track/" + "9" * 40 + "/", "/zfxxgk/zn/" + "x" * 3000 + "/",
    "/zfxxgk/ndbg/11000000TEST00002X/99999999999999999999/", "/zfxxgk/ndbg/x/99999999999999999999/hz/report.pdf",
    "/zfxxgk/ndbg/" + "x" * 3000 + "/2025/",
    "/hdjl/yjzj/99999999999999999999/", "/hdjl/yjzj/99999999999999999999/yj/",
    "/hdjl/yjzj/99999999999999999999/fk/", "/api/v1/consultations/99999999999999999999",
    "/api/v1/consultations/-1", "/api/v1/consultations/99999999999999999999/feedback",
    "/hdjl/lxhy/99999999999999999999/", "/hdjl/zcpg/99999999999999999999/",
])
def test_public_paths_with_huge_ids_are_404(client, db, path):
    assert client.get(path).status_code == 404


STAFF = [
    ("/staff/applications/", ["state", "due", "agency", "q", "page", "format"]),
    ("/staff/applications/report/", ["year", "agency"]),
    ("/staff/documents/", ["state", "agency", "page"]),
    ("/staff/search/", ["days"]),
    ("/staff/documents/new/", ["kind", "interprets"]),
    ("/staff/catalog/", ["agency"]),
    ("/staff/reports/annual/", ["year", "agency", "aggregate"]),
    ("/staff/participation/", ["agency"]),
    ("/staff/participation/meetings/", ["agency"]),
    ("/staff/participation/evaluations/", ["agency"]),
    ("/staff/participation/evaluations/minimum/", ["year"]),
]


@pytest.mark.parametrize(("url", "param"), [(url, p) for url, params in STAFF for p in params])
def test_staff_list_parameters_never_give_a_5xx(client, agency, url, param):
    # The disclosure officer for the case pages, a drafter for the document pages.
    if url.startswith(("/staff/applications/", "/staff/catalog/", "/staff/reports/", "/staff/participation/")):
        client.force_login(disclosure_team(agency)["officer"])
    else:
        client.force_login(factories.make_staff(agency, Role.DRAFTER))
    for value in NASTY:
        assert client.get(url, {param: value}).status_code < 500, (url, param, value[:30])


@pytest.mark.parametrize("path", [
    "/staff/applications/99999999999999999999/", "/staff/applications/99999999999999999999/applicant/",
    "/staff/applications/99999999999999999999/letter.pdf", "/staff/documents/99999999999999999999/",
    "/staff/documents/99999999999999999999/edit/", "/staff/attachments/99999999999999999999/",
    "/staff/catalog/11000000TEST00002X/item/99999999999999999999/",
    "/staff/catalog/11000000TEST00002X/ledger/99999999999999999999/",
    "/staff/reports/annual/11000000TEST00002X/revisions/99999999999999999999/",
    "/staff/reports/annual/11000000TEST00002X/revisions/99999999999999999999/report.pdf",
    "/staff/participation/c/99999999999999999999/", "/staff/participation/c/99999999999999999999/edit/",
    "/staff/participation/c/99999999999999999999/feedback/",
    "/staff/participation/c/99999999999999999999/comments.csv",
])
def test_staff_paths_with_huge_ids_are_404(client, agency, path):
    client.force_login(disclosure_team(agency)["officer"])
    # Revealing the applicant is a POST (it is audited); everything else is a page.
    fetch = client.post if path.endswith("/applicant/") else client.get
    assert fetch(path).status_code == 404
