"""Everyday words residents type that the starter dictionary lacked and that search "corrected" into
other words (交强险 → 交抢险, 年假 → 年节, 套路贷 → 铁路贷): as dictionary terms they are known words,
never corrected (see gongkai.search.services.known_word), and they find the formal wording.

Like 0003, this only adds entries that are missing, so staff edits are kept.
"""

from django.db import migrations

NOTE = "初始词典"
# (term, equivalents, kind, two_way); one-way: the formal word does not drag in the colloquial one.
EVERYDAY = [
    ("交强险", "机动车交通事故责任强制保险", "abbreviation", False),
    ("年假", "年休假、带薪年休假", "plain", False),
    ("套路贷", "诈骗、非法放贷", "plain", False),
    ("廉租房", "廉租住房", "plain", False),
    ("公租房", "公共租赁住房", "plain", False),
    ("新农合", "新型农村合作医疗", "abbreviation", False),
]


def add_everyday(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for term, equivalents, kind, two_way in EVERYDAY:
        Synonym.objects.get_or_create(term=term, defaults={"equivalents": equivalents, "kind": kind,
                                                           "two_way": two_way, "note": NOTE})


def remove_everyday(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    Synonym.objects.filter(note=NOTE, term__in=[t for t, *_ in EVERYDAY]).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0004_search_entry_tags")]
    operations = [migrations.RunPython(add_everyday, remove_everyday)]
