"""The one permission question: roles held in an agency, reaching subordinates only when granted so."""

import pytest
from django.contrib.auth.models import AnonymousUser

from gongkai.core.errors import PermissionDenied
from gongkai.orgs.permissions import agencies_for, has_role, require_role, roles_of
from gongkai.orgs.roles import Role
from tests import factories


@pytest.fixture
def tree(db):
    root = factories.make_agency("PERM-ROOT", "权限市人民政府", kind="government")
    finance = factories.make_agency("PERM-FIN", "权限市财政局", parent=root)
    centre = factories.make_agency("PERM-FIN-C", "权限市财政局结算中心", parent=finance)
    civil = factories.make_agency("PERM-CIV", "权限市民政局", parent=root)
    return {"root": root, "finance": finance, "centre": centre, "civil": civil}


def test_role_in_its_own_agency_only(tree):
    user = factories.make_staff(tree["finance"], Role.DRAFTER)
    assert has_role(user, Role.DRAFTER, tree["finance"])
    assert not has_role(user, Role.DRAFTER, tree["centre"])
    assert not has_role(user, Role.DRAFTER, tree["root"])
    assert not has_role(user, Role.APPROVER, tree["finance"])


def test_covers_subordinates_reaches_every_level_below_but_not_siblings_or_above(tree):
    user = factories.make_staff(tree["finance"], Role.APPROVER, covers_subordinates=True)
    assert has_role(user, Role.APPROVER, tree["finance"])
    assert has_role(user, Role.APPROVER, tree["centre"])
    assert not has_role(user, Role.APPROVER, tree["civil"])
    assert not has_role(user, Role.APPROVER, tree["root"])


def test_inactive_and_anonymous_users_hold_nothing(tree):
    user = factories.make_staff(tree["root"], Role.PUBLISHER, covers_subordinates=True)
    user.is_active = False
    user.save()
    assert not has_role(user, Role.PUBLISHER, tree["root"])
    assert not has_role(AnonymousUser(), Role.PUBLISHER, tree["root"])
    assert not has_role(None, Role.PUBLISHER, tree["root"])
    assert agencies_for(AnonymousUser()) == [] and agencies_for(None) == []


def test_superuser_holds_every_role_everywhere(tree):
    admin = factories.make_staff(tree["root"], Role.ADMINISTRATOR, covers_subordinates=True)
    assert admin.is_superuser
    assert roles_of(admin, tree["centre"]) == set(Role.values)
    assert {a.pk for a in agencies_for(admin, Role.DRAFTER)} == {a.pk for a in tree.values()}


def test_agencies_for_expands_only_covering_grants(tree):
    user = factories.make_staff(tree["finance"], Role.DRAFTER, covers_subordinates=True)
    factories.make_staff(tree["civil"], Role.SIGNER, username=user.username)  # same user, second grant
    assert {a.pk for a in agencies_for(user, Role.DRAFTER)} == {tree["finance"].pk, tree["centre"].pk}
    assert {a.pk for a in agencies_for(user, Role.SIGNER)} == {tree["civil"].pk}
    assert {a.pk for a in agencies_for(user)} == {tree["finance"].pk, tree["centre"].pk, tree["civil"].pk}
    assert agencies_for(user, Role.PUBLISHER) == []


def test_roles_of_lists_inherited_and_own_roles(tree):
    user = factories.make_staff(tree["finance"], Role.DRAFTER, Role.SECRECY_REVIEWER, covers_subordinates=True)
    factories.make_staff(tree["centre"], Role.PUBLISHER, username=user.username)
    assert roles_of(user, tree["centre"]) == {Role.DRAFTER, Role.SECRECY_REVIEWER, Role.PUBLISHER}
    assert roles_of(user, tree["finance"]) == {Role.DRAFTER, Role.SECRECY_REVIEWER}
    assert roles_of(user, tree["civil"]) == set()


def test_require_role_names_agency_and_role_in_chinese(tree):
    user = factories.make_staff(tree["civil"], Role.DRAFTER)
    require_role(user, Role.DRAFTER, tree["civil"])
    with pytest.raises(PermissionDenied) as caught:
        require_role(user, Role.SIGNER, tree["civil"])
    assert caught.value.message == "您没有在“权限市民政局”担任“签发人（主要领导）”的权限。"


def test_a_staff_account_turned_off_exercises_no_role(db):
    agency = factories.make_agency()
    user = factories.make_staff(agency, Role.PUBLISHER)
    assert has_role(user, Role.PUBLISHER, agency) and agencies_for(user) == [agency]
    user.is_staff = False
    user.save()
    assert not has_role(user, Role.PUBLISHER, agency) and agencies_for(user) == []
