"""Public status apart from review state (issue #8): `withdrawn` is no longer a review state, relations carry
whether they are in effect, and index numbers come from the core serial allocator."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def forwards(apps, schema_editor):
    Document = apps.get_model("publishing", "Document")
    Relation = apps.get_model("publishing", "Relation")
    IndexCounter = apps.get_model("publishing", "IndexCounter")
    SerialCounter = apps.get_model("core", "SerialCounter")
    AuditEntry = apps.get_model("core", "AuditEntry")
    for counter in IndexCounter.objects.all():
        SerialCounter.objects.update_or_create(series=f"publishing.index_no:{counter.agency_id}", year=counter.year,
                                               defaults={"last": counter.last})
    # A withdrawn document was published, then taken down: its latest revision went through review.
    for document in Document.objects.filter(state="withdrawn"):
        entry = (AuditEntry.objects.filter(object_type="publishing.document", object_id=str(document.pk),
                                           action="withdraw").order_by("-created_at").first())
        document.state = "published"
        document.withdrawn_at = entry.created_at if entry else document.updated_at
        document.save(update_fields=["state", "withdrawn_at"])
    # Other documents edited after a withdrawal keep their review state; they too are no longer public.
    for entry in AuditEntry.objects.filter(object_type="publishing.document", action="withdraw"):
        Document.objects.filter(pk=int(entry.object_id), live_revision__isnull=True,
                                withdrawn_at__isnull=True).update(withdrawn_at=entry.created_at)
    # Relations of revisions that were ever published took effect then (the old rule applied them at once).
    published = AuditEntry.objects.filter(object_type="publishing.document",
                                          action__in=["publish", "publish_scheduled", "imported_as_published"])
    for entry in published:
        number = (entry.data or {}).get("revision")
        relations = Relation.objects.filter(revision__document_id=int(entry.object_id))
        if number is not None:
            relations = relations.filter(revision__number=number)
        relations.update(status="effective")
    Relation.objects.filter(revision_id__in=Document.objects.exclude(live_revision=None)
                            .values("live_revision_id")).update(status="effective")


def backwards(apps, schema_editor):
    Document = apps.get_model("publishing", "Document")
    Document.objects.filter(live_revision__isnull=True, withdrawn_at__isnull=False,
                            state="published").update(state="withdrawn")


class Migration(migrations.Migration):

    dependencies = [
        ('publishing', '0001_initial'),
        ('core', '0002_serial_counters_and_duties'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='document',
            name='withdrawn_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='撤销发布时间'),
        ),
        migrations.AddField(
            model_name='relation',
            name='decided_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='确认时间'),
        ),
        migrations.AddField(
            model_name='relation',
            name='decided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='确认人'),
        ),
        migrations.AddField(
            model_name='relation',
            name='decision_comment',
            field=models.TextField(blank=True, verbose_name='确认意见'),
        ),
        migrations.AddField(
            model_name='relation',
            name='status',
            field=models.CharField(choices=[('declared', '随文件发布生效'), ('pending', '待对方机关确认'), ('effective', '已生效'), ('declined', '对方机关未同意')], db_index=True, default='declared', max_length=20, verbose_name='状态'),
        ),
        migrations.AlterField(
            model_name='document',
            name='state',
            field=models.CharField(choices=[('draft', '草稿'), ('secrecy_review', '待保密审查'), ('approval', '待审核'), ('signoff', '待签发'), ('ready', '待发布'), ('scheduled', '定时发布'), ('published', '已发布'), ('filed', '已签发（不主动公开）')], db_index=True, default='draft', help_text='最新版本在审核流程中的位置；是否公开见“已公开版本”。', max_length=20, verbose_name='审核状态'),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(
            name='IndexCounter',
        ),
    ]
