"""Issue #11 item 5: a record without dates keeps none. Imported as public it is neither dated the import day
(发布日期, 形成或变更日期) nor shown as such: pages say 未注明 and every newest-first list puts it last."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from gongkai.publishing.importer import import_file
from gongkai.publishing.models import Document
from gongkai.publishing.visibility import public_documents
from gongkai.search.indexing import rebuild_index
from tests.migrating import latest, migrate_to


def _write(tmp_path: Path, lines: list[dict]) -> Path:
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    return path


LINES = [
    {"external_id": "undated-1", "title": "上海市专利保护条例", "body": "第一条 为了保护专利权。", "status": "published",
     "issuer": "上海市人民代表大会常务委员会"},
    {"external_id": "dated-1", "title": "关于做好最低生活保障工作的通知", "body": "第一条 低保。", "status": "published",
     "signed_on": "2019-06-03", "published_on": "2019-06-10"},
    {"external_id": "published-only", "title": "关于公布目录的公告", "body": "目录。", "status": "published",
     "published_on": "2020-01-05"},
]


@pytest.fixture
def imported(agency, tmp_path):
    summary = import_file(_write(tmp_path, LINES))
    assert summary.failed == 0
    return {d.external_id: d for d in Document.objects.select_related("live_revision")}


def test_an_undated_record_keeps_no_date(imported):
    undated = imported["undated-1"]
    assert undated.live_revision_id is not None
    assert undated.published_on is None
    assert undated.live_revision.signed_on is None
    assert undated.live_revision.formed_on is None
    # A record public already takes its own 发布日期 as 形成或变更日期, never the import day.
    assert imported["published-only"].live_revision.formed_on == dt.date(2020, 1, 5)
    assert imported["dated-1"].live_revision.formed_on == dt.date(2019, 6, 3)
    assert timezone.localdate() not in {d.published_on for d in imported.values()}


def test_a_drafted_document_still_starts_its_clock_on_the_day_it_is_saved(agency, tmp_path):
    import_file(_write(tmp_path, [{"external_id": "draft-1", "title": "关于某项工作的通知", "body": "正文。"}]))
    draft = Document.objects.select_related("latest_revision").get(external_id="draft-1")
    assert draft.latest_revision.formed_on == timezone.localdate()


def test_reimporting_an_undated_record_is_unchanged(imported, tmp_path):
    summary = import_file(_write(tmp_path, LINES))
    assert summary.unchanged == len(LINES)
    assert Document.objects.get(external_id="undated-1").published_on is None


def test_pages_say_not_stated_and_list_undated_last(imported, client, any_host):
    undated = imported["undated-1"]
    page = client.get(reverse("public-document", args=[undated.pk])).content.decode()
    assert page.count("未注明") >= 2 and "1970" not in page
    assert f"{timezone.localdate():%Y-%m-%d}" not in page
    home = client.get("/").content.decode()
    assert home.index("关于做好最低生活保障工作的通知") < home.index("上海市专利保护条例")
    ordered = list(public_documents().order_by(*Document._meta.ordering).values_list("external_id", flat=True))
    assert ordered[-1] == "undated-1"
    api = client.get(f"/api/v1/documents/{undated.pk}").json()
    assert api["published_on"] is None and api["signed_on"] is None


def test_sort_by_date_puts_undated_last(imported, settings, fresh_search):
    from gongkai.search import services
    rebuild_index()
    found = services.search(services.SearchParams(sort="date", doc_type="", q="", kind="policy"), record=False)
    assert [r.title for r in found.results][-1] == "上海市专利保护条例"
    assert found.results[0].title == "关于公布目录的公告"


@pytest.mark.django_db(transaction=True)
def test_the_migration_clears_dates_the_importer_invented():
    from tests import factories
    agency = factories.make_agency("11000000MIGRATE09X", "迁移市人民政府", kind="government")
    old = migrate_to([("publishing", "0005_disclosure_period")])
    try:
        Document = old.get_model("publishing", "Document")
        Revision = old.get_model("publishing", "Revision")
        from gongkai.core.models import AuditEntry  # the current model: it computes the SM3 chain
        imported_at = timezone.now() - dt.timedelta(days=3)
        import_day = timezone.localdate(imported_at)

        def make(n, *, published_on, signed_on, formed_on, external=True):
            document = Document.objects.create(agency_id=agency.pk, index_no=f"X/2026-{n:05d}", published_on=published_on,
                                               external_id=f"law-{n}" if external else None,
                                               last_published_at=imported_at)
            revision = Revision.objects.create(document=document, number=1, title=f"条例{n}", signed_on=signed_on,
                                               formed_on=formed_on, subject="其他\\其他", body_html="<p>x</p>")
            Document.objects.filter(pk=document.pk).update(live_revision=revision, latest_revision=revision)
            AuditEntry.objects.create(action="imported_as_published", object_type="publishing.document",
                                      object_id=str(document.pk), created_at=imported_at)
            return document.pk

        invented = make(1, published_on=import_day, signed_on=None, formed_on=import_day)
        real = make(2, published_on=dt.date(2019, 6, 10), signed_on=dt.date(2019, 6, 3), formed_on=dt.date(2019, 6, 3))
        signed = make(3, published_on=import_day, signed_on=dt.date(2019, 6, 3), formed_on=dt.date(2019, 6, 3))
        new = migrate_to(latest())
        Document = new.get_model("publishing", "Document")
        Revision = new.get_model("publishing", "Revision")
        assert Document.objects.get(pk=invented).published_on is None
        assert Revision.objects.get(document_id=invented).formed_on is None
        assert Document.objects.get(pk=real).published_on == dt.date(2019, 6, 10)
        assert Document.objects.get(pk=signed).published_on == import_day
        assert new.get_model("search", "IndexChange").objects.filter(document_id=invented).exists()
    finally:
        migrate_to(latest())
