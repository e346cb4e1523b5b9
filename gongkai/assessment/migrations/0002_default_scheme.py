"""Seed the default 考评方案 (rules.DEFAULT_INDICATORS: 100 marks), active for the year it is installed."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

from gongkai.assessment.rules import DEFAULT_INDICATORS, DEFAULT_NAME


def seed(apps, schema_editor):
    Scheme = apps.get_model("assessment", "Scheme")
    SchemeIndicator = apps.get_model("assessment", "SchemeIndicator")
    if Scheme.objects.exists():
        return
    scheme = Scheme.objects.create(name=DEFAULT_NAME, year=dt.date.today().year, active=True)
    for order, (code, weight, formula, points) in enumerate(DEFAULT_INDICATORS):
        SchemeIndicator.objects.create(scheme=scheme, indicator=code, weight=Decimal(weight), formula=formula,
                                       points=Decimal(points), order=order)


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
