"""Case numbers come from the core serial allocator (one allocator for every yearly series)."""

from django.db import migrations


def forwards(apps, schema_editor):
    CaseCounter = apps.get_model("disclosure", "CaseCounter")
    SerialCounter = apps.get_model("core", "SerialCounter")
    for counter in CaseCounter.objects.all():
        SerialCounter.objects.update_or_create(series=f"disclosure.case_no:{counter.agency_id}", year=counter.year,
                                               defaults={"last": counter.last})


class Migration(migrations.Migration):

    dependencies = [
        ('disclosure', '0001_initial'),
        ('core', '0002_serial_counters_and_duties'),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.DeleteModel(
            name='CaseCounter',
        ),
    ]
