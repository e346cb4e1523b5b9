"""Clear the dates the importer used to invent for records whose source gives none.

Before 0006 an undated record imported as already published got the import day as its 发布日期
(Document.published_on) and 形成或变更日期 (Revision.formed_on), so it topped the newest lists and `sort=date`.
The invented dates are told from real ones by what the importer wrote: the document came from an import
(external_id), went live by `imported_as_published`, its 发布日期 is the day of that entry, and its revisions
written that day carry no 成文日期 and a 形成或变更日期 of that same day. A real source date that happens to
equal the import day with no 成文日期 beside it would match too; no record of the laws corpus is dated that way
(its dated records all carry a 成文日期 or a date years old). The documents are queued for reindexing.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations


def clear_invented_dates(apps, schema_editor):
    Document = apps.get_model("publishing", "Document")
    Revision = apps.get_model("publishing", "Revision")
    AuditEntry = apps.get_model("core", "AuditEntry")
    zone = ZoneInfo(settings.TIME_ZONE)
    imported = {}
    for object_id, created_at in (AuditEntry.objects.filter(object_type="publishing.document",
                                                            action="imported_as_published")
                                  .order_by("created_at", "id").values_list("object_id", "created_at")):
        imported.setdefault(object_id, created_at)
    changed = []
    for document in Document.objects.filter(external_id__isnull=False, published_on__isnull=False).only(
            "pk", "published_on", "live_revision_id"):
        went_live = imported.get(str(document.pk))
        if went_live is None:
            continue
        day = went_live.astimezone(zone).date() if went_live.tzinfo else went_live.date()
        if document.published_on != day:
            continue
        revisions = list(Revision.objects.filter(document_id=document.pk).only(
            "pk", "signed_on", "formed_on", "created_at"))
        live = next((r for r in revisions if r.pk == document.live_revision_id), None)
        if live is None or live.signed_on is not None or live.formed_on != day:
            continue
        Revision.objects.filter(pk__in=[r.pk for r in revisions if r.signed_on is None and r.formed_on == day]
                                ).update(formed_on=None)
        Document.objects.filter(pk=document.pk).update(published_on=None)
        changed.append(document.pk)
    if changed:
        IndexChange = apps.get_model("search", "IndexChange")
        IndexChange.objects.bulk_create([IndexChange(document_id=pk) for pk in changed])


class Migration(migrations.Migration):
    dependencies = [
        ("publishing", "0006_revision_formed_on_nullable"),
        ("core", "0005_outgoing_mail_attachments"),
        ("search", "0004_search_entry_tags"),
    ]

    operations = [migrations.RunPython(clear_invented_dates, migrations.RunPython.noop)]
