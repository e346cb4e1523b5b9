"""房东 (landlord) also means 房屋租赁: 房东不退押金怎么办 found safety and overseas-Chinese regulations that happen to
mention 押金, not the tenancy regulations (issue #11, user trial). Installs whose starter entry is unchanged get the
new equivalents; an entry staff have edited is left alone."""

from django.db import migrations

OLD, NEW = "出租人", "出租人、房屋租赁"


def widen(apps, schema_editor):
    apps.get_model("search", "Synonym").objects.filter(term="房东", equivalents=OLD, note="初始词典").update(equivalents=NEW)


def narrow(apps, schema_editor):
    apps.get_model("search", "Synonym").objects.filter(term="房东", equivalents=NEW, note="初始词典").update(equivalents=OLD)


class Migration(migrations.Migration):
    dependencies = [("search", "0009_postgres_lengths")]
    operations = [migrations.RunPython(widen, narrow)]
