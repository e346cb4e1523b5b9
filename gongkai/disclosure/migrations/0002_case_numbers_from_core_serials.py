"""Case numbers come from the core serial allocator (one allocator for every yearly series)."""

from django.db import migrations


def forwards(apps, schema_editor):
    CaseCounter = apps.get_model("disclosure", "CaseCounter")
    SerialCounter = apps.get_model("core", "SerialCounter")
    for counter in CaseCounter.objects.all():
        SerialCounter.objects.update_or_create(series=f"disclosure.case_no:{counter.agency_id}", year=counter.year,
                                               defaults={"last": counter.last})


def backwards(apps, schema_editor):
    CaseCounter = apps.get_model("disclosure", "CaseCounter")
    SerialCounter = apps.get_model("core", "SerialCounter")
    for counter in SerialCounter.objects.filter(series__startswith="disclosure.case_no:"):
        CaseCounter.objects.update_or_create(agency_id=int(counter.series.split(":")[1]), year=counter.year,
                                             defaults={"last": counter.last})


class Migration(migrations.Migration):

    dependencies = [
        ('disclosure', '0001_initial'),
        ('core', '0002_serial_counters_and_duties'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(
            name='CaseCounter',
        ),
    ]
