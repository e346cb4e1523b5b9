"""Upgrading a database that ran the code before issue #8: withdrawn documents, relations, review steps and
counters come through as the new model means them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.migrating import latest, migrate_to

# The schema as the old code left it.
BEFORE = [("core", "0001_initial"), ("orgs", "0002_disclosure_head_role"), ("publishing", "0001_initial"),
          ("disclosure", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_an_old_database_upgrades_to_public_status_apart_from_review():
    old = migrate_to(BEFORE)
    try:
        ids = _old_data(old)
        new = migrate_to(latest())
        _check(new, ids)
    finally:
        migrate_to(latest())


def _old_data(apps) -> dict[str, int]:
    Agency = apps.get_model("orgs", "Agency")
    Document = apps.get_model("publishing", "Document")
    Revision = apps.get_model("publishing", "Revision")
    Relation = apps.get_model("publishing", "Relation")
    IndexCounter = apps.get_model("publishing", "IndexCounter")
    AuditEntry = apps.get_model("core", "AuditEntry")
    User = apps.get_model("auth", "User")
    ours = Agency.objects.create(code="11000000MIGRATE01X", name="迁移市财政局")
    theirs = Agency.objects.create(code="11000000MIGRATE02X", name="迁移市民政局")
    reviewer = User.objects.create(username="old-reviewer", is_staff=True)
    IndexCounter.objects.create(agency=ours, year=2026, last=7)
    now = timezone.now()

    def document(agency, index_no, state):
        return Document.objects.create(agency=agency, index_no=index_no, state=state)

    def revision(doc, number, title, at):
        rev = Revision.objects.create(document=doc, number=number, title=title, formed_on=dt.date(2026, 3, 2),
                                      subject="综合政务\\政务公开", body_html="<p>正文</p>")
        Revision.objects.filter(pk=rev.pk).update(created_at=at)
        return rev

    def entry(doc, action, at, **data):
        made = AuditEntry.objects.create(action=action, object_type="publishing.document", object_id=str(doc.pk),
                                         actor=reviewer if action == "pass_secrecy_review" else None, data=data)
        AuditEntry.objects.filter(pk=made.pk).update(created_at=at)

    target = document(theirs, "T/2026-00001", "published")
    target_rev = revision(target, 1, "民政局的办法", now - dt.timedelta(days=30))
    Document.objects.filter(pk=target.pk).update(live_revision=target_rev, latest_revision=target_rev)

    withdrawn = document(ours, "M/2026-00001", "withdrawn")
    withdrawn_rev = revision(withdrawn, 1, "已撤回的通知", now - dt.timedelta(days=20))
    Document.objects.filter(pk=withdrawn.pk).update(latest_revision=withdrawn_rev)
    entry(withdrawn, "publish", now - dt.timedelta(days=19), revision=1)
    entry(withdrawn, "withdraw", now - dt.timedelta(days=18), revision=1)

    # Imported as published (old entries name no revision), then a draft that repeals the other agency's
    # document is half-way through review when the upgrade runs.
    imported = document(ours, "M/2026-00002", "secrecy_review")
    first = revision(imported, 1, "导入的办法", now - dt.timedelta(days=10))
    Relation.objects.create(revision=first, kind="interprets", target=target)
    entry(imported, "imported_as_published", now - dt.timedelta(days=9))
    second = revision(imported, 2, "导入的办法（修订）", now - dt.timedelta(days=5))
    pending = Relation.objects.create(revision=second, kind="repeals", target=target)
    entry(imported, "save_revision", now - dt.timedelta(days=5), revision=2)
    entry(imported, "pass_secrecy_review", now - dt.timedelta(days=4), revision=2)
    Document.objects.filter(pk=imported.pk).update(live_revision=first, latest_revision=second)
    return {"withdrawn": withdrawn.pk, "imported": imported.pk, "first": first.pk, "second": second.pk,
            "pending": pending.pk, "agency": ours.pk, "reviewer": reviewer.pk}


def _check(apps, ids: dict[str, int]) -> None:
    Document = apps.get_model("publishing", "Document")
    Relation = apps.get_model("publishing", "Relation")
    SerialCounter = apps.get_model("core", "SerialCounter")
    AuditEntry = apps.get_model("core", "AuditEntry")
    withdrawn = Document.objects.get(pk=ids["withdrawn"])
    assert withdrawn.state == "published" and withdrawn.live_revision_id is None
    assert withdrawn.withdrawn_at is not None
    imported = Document.objects.get(pk=ids["imported"])
    assert imported.state == "secrecy_review" and imported.live_revision_id == ids["first"]
    assert imported.withdrawn_at is None
    assert Relation.objects.get(revision_id=ids["first"]).status == "effective"
    assert Relation.objects.get(pk=ids["pending"]).status == "declared", \
        "a relation of a revision never published waits for its publication (and the other agency)"
    review = AuditEntry.objects.get(action="pass_secrecy_review", object_id=str(ids["imported"]))
    assert (review.duty, review.duty_subject) == ("secrecy_review", f"publishing.revision:{ids['second']}")
    drafted = AuditEntry.objects.get(action="save_revision", object_id=str(ids["imported"]))
    assert drafted.duty == "draft"
    assert SerialCounter.objects.get(series=f"publishing.index_no:{ids['agency']}", year=2026).last == 7


@pytest.mark.django_db(transaction=True)
def test_the_versions_migration_groups_public_versions_and_marks_older_ones():
    from tests import factories
    agency = factories.make_agency("11000000MIGRATE08X", "迁移市人民政府", kind="government")
    old = migrate_to([("publishing", "0007_clear_invented_import_dates")])
    try:
        Document = old.get_model("publishing", "Document")
        Revision = old.get_model("publishing", "Revision")

        def make(n, title, published_on, *, issuer="迁移市人民代表大会常务委员会", mode="proactive", live=True):
            document = Document.objects.create(agency_id=agency.pk, index_no=f"V/2026-{n:05d}",
                                               published_on=published_on)
            revision = Revision.objects.create(document=document, number=1, title=title, doc_type="地方性法规",
                                               subject="其他\\其他", body_html="<p>x</p>", other_issuers=issuer,
                                               disclosure_mode=mode)
            Document.objects.filter(pk=document.pk).update(latest_revision=revision,
                                                           live_revision=revision if live else None)
            return document.pk

        first = make(1, "迁移市 养犬管理条例", dt.date(2015, 6, 1))
        undated = make(2, "迁移市养犬管理条例", None)
        current = make(3, "迁移市养犬管理条例", dt.date(2024, 3, 1))
        withdrawn = make(4, "迁移市养犬管理条例", dt.date(2025, 1, 1), live=False)
        other_issuer = make(5, "迁移市养犬管理条例", dt.date(2010, 1, 1), issuer="迁移市人民政府")
        new = migrate_to(latest())
        Document = new.get_model("publishing", "Document")
        docs = {d.pk: d for d in Document.objects.all()}
        assert docs[first].version_group == docs[undated].version_group == docs[current].version_group != ""
        assert docs[other_issuer].version_group not in ("", docs[current].version_group)
        assert not docs[current].superseded and docs[current].validity == "valid"
        for pk in (first, undated):
            assert docs[pk].superseded and docs[pk].validity == "amended"
        # Not public: no group, never the current version; a lone document is current.
        assert docs[withdrawn].version_group == "" and not docs[other_issuer].superseded
        assert new.get_model("search", "IndexChange").objects.filter(document_id=first).exists()
    finally:
        migrate_to(latest())
