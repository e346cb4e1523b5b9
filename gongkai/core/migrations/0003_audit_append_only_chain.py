"""The audit log becomes tamper-evident (issue #9): origin fields, the SM3 chain over existing entries, then
triggers that refuse UPDATE and DELETE.

Runs after publishing 0003, whose backfill marks old audit rows with their review duty (an UPDATE the triggers
would refuse). A later migration that rebuilds this table on SQLite (most AlterField/AddField do) drops its
triggers with it: such a migration must recreate them (gongkai.core.auditchain.create_guards);
tests/core/test_auditchain.py checks that a migrated database has them. A later data migration that writes
audit entries must seal them with gongkai.core.auditchain (historical models do not).
"""

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

from gongkai.core import auditchain


def chain_existing(apps, schema_editor):
    """Link the entries written before this migration in id order (the order they were inserted in)."""
    AuditEntry = apps.get_model("core", "AuditEntry")
    entries = AuditEntry.objects.using(schema_editor.connection.alias).order_by("id")
    previous = auditchain.GENESIS
    for entry in entries.iterator(chunk_size=2000):
        entry.prev_hash = previous
        previous = auditchain.entry_hash(auditchain.values_of(entry))
        entries.filter(pk=entry.pk).update(prev_hash=entry.prev_hash, hash=previous)


def create_guards(apps, schema_editor):
    auditchain.create_guards(schema_editor.execute, schema_editor.connection.vendor)


def drop_guards(apps, schema_editor):
    auditchain.drop_guards(schema_editor.execute, schema_editor.connection.vendor)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_serial_counters_and_duties"),
        ("publishing", "0003_public_status_data"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="created_at",
            field=models.DateTimeField(db_index=True, default=timezone.now, editable=False, verbose_name="时间"),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="actor",
            field=models.ForeignKey(blank=True, null=True, on_delete=models.PROTECT, related_name="+",
                                    to=settings.AUTH_USER_MODEL, verbose_name="操作人"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="client_address",
            field=models.CharField(blank=True, help_text="请求的客户端地址；命令行写入为 cli，任务进程为 worker。",
                                   max_length=64, verbose_name="来源"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="user_agent",
            field=models.CharField(blank=True, max_length=256, verbose_name="浏览器标识"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="前一条哈希"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditentry",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="哈希（SM3）"),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="auditentry",
            constraint=models.UniqueConstraint(fields=("prev_hash",), name="audit_chain_unique_link"),
        ),
        migrations.RunPython(create_guards, drop_guards, elidable=False),
    ]
