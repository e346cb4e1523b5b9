"""Versions of one document (历史版本): a version group on each document, and which public version is current.

The backfill gives every public document its group (publishing.versions.version_key over its live revision),
flags public documents that have a newer public version as `superseded`, and marks those still 有效 as 已修订
where the newer version is dated later (or they carry no date), as the publishing services do from now on.
Changed documents are queued for reindexing. Works the same on SQLite and PostgreSQL (plain ORM).
"""

import datetime as dt

from django.db import migrations, models

from gongkai.publishing.models import issuer_names
from gongkai.publishing.versions import version_key

PROACTIVE = "proactive"
CHUNK = 1000


def backfill(apps, schema_editor):
    Document = apps.get_model("publishing", "Document")
    Revision = apps.get_model("publishing", "Revision")
    through = Revision.issuing_agencies.through
    public = Document.objects.filter(live_revision__isnull=False, live_revision__disclosure_mode=PROACTIVE)
    groups: dict[str, list[tuple]] = {}
    last = 0
    while True:
        rows = list(public.filter(pk__gt=last).order_by("pk").values_list(
            "pk", "kind", "published_on", "validity", "live_revision_id", "live_revision__title",
            "live_revision__doc_type", "live_revision__doc_number", "live_revision__other_issuers")[:CHUNK])
        if not rows:
            break
        names: dict[int, list[str]] = {}
        for revision_id, name in (through.objects.filter(revision_id__in=[r[4] for r in rows])
                                  .order_by("agency__order", "agency_id").values_list("revision_id", "agency__name")):
            names.setdefault(revision_id, []).append(name)
        for pk, kind, published_on, validity, revision_id, title, doc_type, doc_number, others in rows:
            key = version_key(title=title, issuers=issuer_names(names.get(revision_id, []), others),
                              doc_type=doc_type, doc_number=doc_number, kind=kind)
            if key:
                Document.objects.filter(pk=pk).update(version_group=key)
                groups.setdefault(key, []).append((pk, published_on, validity))
        last = rows[-1][0]
    changed = []
    for members in groups.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda m: (m[1] is not None, m[1] or dt.date.min, m[0]), reverse=True)
        newest = members[0]
        for pk, published_on, validity in members[1:]:
            update = {"superseded": True}
            older = published_on is None or (newest[1] is not None and published_on < newest[1])
            if validity == "valid" and older:
                update["validity"] = "amended"
                changed.append(pk)
            Document.objects.filter(pk=pk).update(**update)
    if changed:
        IndexChange = apps.get_model("search", "IndexChange")
        IndexChange.objects.bulk_create([IndexChange(document_id=pk) for pk in changed], batch_size=CHUNK)


class Migration(migrations.Migration):
    dependencies = [
        ("publishing", "0007_clear_invented_import_dates"),
        ("search", "0004_search_entry_tags"),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="version_group",
            field=models.CharField(blank=True, db_index=True, default="", editable=False, max_length=32,
                                   verbose_name="版本组"),
        ),
        migrations.AddField(
            model_name="document",
            name="superseded",
            field=models.BooleanField(db_index=True, default=False, editable=False,
                                      help_text="同一文件有更新的公开版本：只在现行版本下作为历史版本列出。",
                                      verbose_name="已有新版本"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
