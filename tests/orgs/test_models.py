"""Agency hierarchy: ancestors nearest first, descendants at any depth."""

from gongkai.orgs.models import Agency
from tests import factories


def _tree():
    root = factories.make_agency("TREE-ROOT", "树根市人民政府", kind="government")
    finance = factories.make_agency("TREE-FIN", "树根市财政局", parent=root)
    centre = factories.make_agency("TREE-FIN-C", "树根市财政局结算中心", parent=finance)
    town = factories.make_agency("TREE-TOWN", "树根市青山镇", parent=root, kind="township")
    return root, finance, centre, town


def test_ancestors_nearest_first_up_to_the_root(db):
    root, finance, centre, town = _tree()
    assert centre.ancestors() == [finance, root]
    assert town.ancestors() == [root]
    assert root.ancestors() == []


def test_ancestors_stop_on_a_cycle_rather_than_loop(db):
    root, finance, centre, _ = _tree()
    # A cycle cannot be made through the services; written behind their back it must still not hang.
    Agency.objects.filter(pk=root.pk).update(parent=centre)
    chain = Agency.objects.get(pk=centre.pk).ancestors()
    assert [a.pk for a in chain] == [finance.pk, root.pk]


def test_descendant_ids_include_itself_and_every_level(db):
    root, finance, centre, town = _tree()
    assert root.descendant_ids() == {root.pk, finance.pk, centre.pk, town.pk}
    assert finance.descendant_ids() == {finance.pk, centre.pk}
    assert town.descendant_ids() == {town.pk}


def test_str_is_the_name(db):
    root, *_ = _tree()
    assert str(root) == "树根市人民政府"


def test_the_site_is_named_after_the_root_agency_unless_configured(db, settings):
    from gongkai.orgs import site

    settings.GONGKAI_SITE_NAME = ""
    site._forget()
    assert site.site_name() == site.FALLBACK
    factories.make_agency(name="某县人民政府", kind="government")
    assert site.site_name() == "某县人民政府", "a new root agency is named at once"
    settings.GONGKAI_SITE_NAME = "某县政府信息公开"
    assert site.site_name() == "某县政府信息公开"
