"""Search never shows, counts, facets or suggests a non-public item, even from an index that holds every
planted non-public document and whose change log says it is up to date (the worst stale index)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from gongkai.publishing.models import Document
from gongkai.publishing.visibility import public_documents
from gongkai.search import services
from gongkai.search.backends import get_backend
from gongkai.search.backends.base import IndexDoc
from gongkai.search.indexing import keys_for, rebuild_index, sync_index
from gongkai.search.models import HotRuleKind, HotSearchRule, IndexChange
from tests import factories
from tests.test_visibility_leaks import MARKER, planted  # noqa: F401 - the fixture plants every state

pytestmark = pytest.mark.usefixtures("fresh_search")


def _everything() -> list[IndexDoc]:
    """Every document with its latest (possibly unapproved) revision, as a corrupted index might hold it."""
    out = []
    for doc in Document.objects.select_related("latest_revision", "agency"):
        rev = doc.latest_revision
        out.append(IndexDoc(id=doc.pk, revision_id=rev.pk, title=rev.title, body=rev.body_text,
                            keys=keys_for(rev.title, rev.doc_number, doc.index_no), agency=doc.agency_id,
                            issuers=[doc.agency.name], subject=rev.subject, doc_type=rev.doc_type,
                            validity=doc.validity, kind=doc.kind, published_on=doc.published_on))
    return out


def test_worst_stale_index_leaks_nothing(client, planted):  # noqa: F811
    public, items = planted
    high = max(IndexChange.objects.values_list("pk", flat=True))
    get_backend().rebuild(_everything(), high)  # claims to be up to date: no pending change to exclude
    assert len(get_backend().indexed_ids()) > 5
    for n in range(5):  # searched by many, and pinned: hot searches must still never offer it
        services.record_query(MARKER, 4, f"client{n}")
    HotSearchRule.objects.create(query=MARKER, kind=HotRuleKind.PIN,
                                 created_by=factories.make_staff(factories.make_agency()))
    visible = set(public_documents().values_list("pk", flat=True))
    for q in (MARKER[:4], MARKER[4:], "标记", f"{MARKER[2:]}〔2026〕1号", "文件", "修订"):
        body = client.get("/api/v1/search", {"q": q, "page_size": 100}).content.decode()
        assert MARKER not in body, q
        data = client.get("/api/v1/search", {"q": q}).json()
        assert {r["id"] for r in data["results"]} <= visible, q
        assert data["count"] == len(data["results"]), f"{q}: only public items are counted"
        assert sum(b["count"] for b in data["facets"].get("kind", [])) == data["count"]
        page = client.get("/search/", {"q": q}).content.decode()
        assert MARKER not in page, q
    for prefix in (MARKER[:2], "文件", "标记", "jmbj"):
        assert MARKER not in client.get("/api/v1/suggest", {"q": prefix}).content.decode()
    assert MARKER not in client.get("/api/v1/search/hot").content.decode()
    assert MARKER not in client.get("/search/").content.decode()


def test_verified_result_sets_are_checked_again_when_the_index_changes(team, agency):
    docs = [factories.make_document(team, agency, title=f"关于第{i}批高龄津贴发放的通知") for i in range(12)]
    rebuild_index()
    first = services.search(services.SearchParams(q="高龄津贴", page_size=5), record=False)
    assert first.count == 12, "every id of the small result set was checked against the database"
    # A change behind the outbox's back (no signal, no change row): the next index change re-checks.
    Document.objects.filter(pk=docs[0].pk).update(live_revision=None, withdrawn_at=timezone.now())
    factories.make_document(team, agency, title="关于做好防汛工作的通知")
    sync_index()
    again = services.search(services.SearchParams(q="高龄津贴", page_size=5), record=False)
    assert again.count == 11 and docs[0].pk not in {r.id for r in again.results}
