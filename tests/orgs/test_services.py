"""The orgs write path: set-up of a fresh instance, agency and staff import, the older upsert services."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password

from gongkai.core.audit import history
from gongkai.core.errors import DomainError
from gongkai.orgs import services
from gongkai.orgs.models import Agency, AgencyKind, RoleGrant, StaffProfile
from gongkai.orgs.roles import Role
from gongkai.orgs.services import CREATED, UNCHANGED, UPDATED, AgencyData, StaffData
from tests import factories

User = get_user_model()
ROOT = factories.credit_code(1)
FINANCE = factories.credit_code(2)
CIVIL = factories.credit_code(3)


@pytest.fixture
def root(db):
    return services.set_up_instance("服务市人民政府", ROOT).agency


@pytest.fixture
def finance(root):
    return services.import_agency(AgencyData(FINANCE, "服务市财政局", parent=root))[0]


# ---------------------------------------------------------------------------------------------------------------
# set_up_instance

def test_set_up_creates_root_and_superuser_with_a_hashed_password(db):
    result = services.set_up_instance(" 服务市人民政府 ", ROOT.lower(), admin_email="admin@example.gov.cn")
    assert (result.agency_outcome, result.admin_outcome) == (CREATED, CREATED)
    root = Agency.objects.get(code=ROOT)
    assert (root.name, root.kind, root.parent) == ("服务市人民政府", AgencyKind.GOVERNMENT, None)
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.is_active
    assert admin.email == "admin@example.gov.cn"
    assert len(result.password) >= 16 and admin.check_password(result.password)
    assert result.password not in admin.password  # only the hash is stored
    assert RoleGrant.objects.filter(user=admin, agency=root, role=Role.ADMINISTRATOR,
                                    covers_subordinates=True).exists()
    assert StaffProfile.objects.get(user=admin).agency == root
    assert [e.action for e in history(root)] == ["create_agency"]
    assert result.password not in "".join(e.comment + str(e.data) for e in history(admin))


def test_set_up_again_keeps_the_password_and_writes_nothing(db):
    first = services.set_up_instance("服务市人民政府", ROOT)
    hashed = User.objects.get(username="admin").password
    again = services.set_up_instance("服务市人民政府", ROOT)
    assert (again.agency_outcome, again.admin_outcome, again.password) == (UNCHANGED, UNCHANGED, None)
    assert User.objects.get(username="admin").password == hashed
    assert first.agency.pk == again.agency.pk


def test_set_up_with_the_same_code_renames_the_root(db):
    services.set_up_instance("服务市人民政府", ROOT)
    result = services.set_up_instance("服务市人民政府（新）", ROOT)
    assert result.agency_outcome == UPDATED and result.password is None
    assert Agency.objects.get(code=ROOT).name == "服务市人民政府（新）"
    assert [e.action for e in history(result.agency)] == ["create_agency", "update_agency"]
    assert history(result.agency).last().data["changes"] == {"name": ["服务市人民政府", "服务市人民政府（新）"]}


def test_set_up_restores_the_admin_grant_without_touching_the_password(db):
    services.set_up_instance("服务市人民政府", ROOT)
    admin = User.objects.get(username="admin")
    RoleGrant.objects.filter(user=admin).delete()
    User.objects.filter(pk=admin.pk).update(is_superuser=False)
    result = services.set_up_instance("服务市人民政府", ROOT)
    assert result.admin_outcome == UPDATED and result.password is None
    admin.refresh_from_db()
    assert admin.is_superuser and RoleGrant.objects.filter(user=admin, role=Role.ADMINISTRATOR).exists()


def test_set_up_adopts_an_admin_made_by_createsuperuser(db):
    User.objects.create_superuser("admin", "", "chosen-pass-1")
    result = services.set_up_instance("服务市人民政府", ROOT)
    assert result.admin_outcome == UPDATED and result.password is None
    admin = User.objects.get(username="admin")
    assert admin.check_password("chosen-pass-1")
    assert admin.staff_profile.agency == result.agency
    assert RoleGrant.objects.filter(user=admin, agency=result.agency, role=Role.ADMINISTRATOR).exists()


def test_set_up_refuses_a_second_root(db):
    services.set_up_instance("服务市人民政府", ROOT)
    with pytest.raises(DomainError) as caught:
        services.set_up_instance("另一个市人民政府", CIVIL)
    assert "已有根机关“服务市人民政府”" in caught.value.message and ROOT in caught.value.message
    assert not Agency.objects.filter(code=CIVIL).exists()


@pytest.mark.parametrize(("code", "reason"), [
    ("12345678-9", "应为 18 位，现为 9 位"),
    ("", "不能为空"),
    (ROOT[:17] + ("0" if ROOT[17] != "0" else "1"), "校验位不正确"),
])
def test_set_up_requires_a_valid_credit_code(db, code, reason):
    with pytest.raises(DomainError) as caught:
        services.set_up_instance("服务市人民政府", code)
    assert caught.value.field == "code"
    assert "统一社会信用代码（--code）" in caught.value.message and reason in caught.value.message
    assert not Agency.objects.exists() and not User.objects.exists()


def test_set_up_refuses_a_code_that_is_a_subordinate(root):
    services.import_agency(AgencyData(FINANCE, "服务市财政局", parent=root))
    with pytest.raises(DomainError, match="下级机关“服务市财政局”"):
        services.set_up_instance("服务市财政局", FINANCE)


def test_set_up_rejects_a_bad_admin_username_before_writing(db):
    with pytest.raises(DomainError, match="用户名“bad name”"):
        services.set_up_instance("服务市人民政府", ROOT, admin_username="bad name")
    assert not Agency.objects.exists()


# ---------------------------------------------------------------------------------------------------------------
# import_agency

def test_import_agency_creates_updates_and_leaves_unchanged(root):
    data = AgencyData(FINANCE, "服务市财政局", parent=root, order=3, short_name="财政局", phone="0571-1")
    agency, outcome = services.import_agency(data)
    assert outcome == CREATED
    assert (agency.kind, agency.order, agency.short_name, agency.phone) == (AgencyKind.DEPARTMENT, 3, "财政局",
                                                                         "0571-1")
    assert services.import_agency(data)[1] == UNCHANGED
    assert [e.action for e in history(agency)] == ["create_agency"]
    agency, outcome = services.import_agency(AgencyData(FINANCE, "服务市财政局", parent=root, order=4))
    assert outcome == UPDATED
    # Fields left None keep what is stored.
    assert (agency.order, agency.short_name, agency.phone) == (4, "财政局", "0571-1")
    assert history(agency).last().data["changes"] == {"order": [3, 4]}


def test_import_agency_accepts_organisation_codes_and_existing_legacy_codes(root):
    agency, _ = services.import_agency(AgencyData("00728042-0", "服务市档案馆", parent=root))
    assert agency.code == "00728042-0"
    # A code stored before the check existed (the demo's, say) is matched as it is.
    legacy = factories.make_agency("11339900MB0000004D", "服务市旧局", parent=root)
    assert services.import_agency(AgencyData("11339900MB0000004D", "服务市旧局", parent=root, kind="department",
                                             order=100, short_name="", address="", phone=""))[1] == UNCHANGED
    assert legacy.pk == Agency.objects.get(code="11339900MB0000004D").pk


@pytest.mark.parametrize(("code", "reason"), [
    ("11339900MB0000004D", "校验位不正确"), ("ABC", "应为 18 位，现为 3 位"), ("", "不能为空"),
])
def test_import_agency_rejects_bad_new_codes(root, code, reason):
    with pytest.raises(DomainError) as caught:
        services.import_agency(AgencyData(code, "服务市新局", parent=root))
    assert caught.value.field == "code" and reason in caught.value.message


def test_import_agency_refuses_a_second_root_and_a_taken_name(root):
    with pytest.raises(DomainError, match="已有根机关“服务市人民政府”") as caught:
        services.import_agency(AgencyData(FINANCE, "服务市财政局"))
    assert caught.value.field == "parent_code"
    with pytest.raises(DomainError, match=f"名称“服务市人民政府”已被机构代码 {ROOT}") as caught:
        services.import_agency(AgencyData(FINANCE, "服务市人民政府", parent=root))
    assert caught.value.field == "name"


def test_import_agency_refuses_a_cycle(root, finance):
    centre, _ = services.import_agency(AgencyData(CIVIL, "服务市财政局结算中心", parent=finance))
    with pytest.raises(DomainError, match="会形成循环"):
        services.import_agency(AgencyData(FINANCE, "服务市财政局", parent=centre))
    with pytest.raises(DomainError, match="会形成循环"):
        services.import_agency(AgencyData(ROOT, "服务市人民政府", parent=centre))
    assert Agency.objects.get(code=FINANCE).parent == root


@pytest.mark.parametrize(("overrides", "field"), [
    ({"name": " "}, "name"), ({"name": "长" * 101}, "name"), ({"kind": "city"}, "kind"), ({"order": -1}, "order"),
    ({"phone": "1" * 51}, "phone"), ({"short_name": "简" * 51}, "short_name"),
])
def test_import_agency_names_the_bad_field(root, overrides, field):
    with pytest.raises(DomainError) as caught:
        services.import_agency(AgencyData(**{"code": FINANCE, "name": "服务市财政局", "parent": root, **overrides}))
    assert caught.value.field == field
    assert not Agency.objects.filter(code=FINANCE).exists()


# ---------------------------------------------------------------------------------------------------------------
# import_staff_user

def test_import_staff_user_creates_with_a_random_password(finance):
    result = services.import_staff_user(StaffData("zhangsan", "张三", finance, [Role.DRAFTER, Role.APPROVER],
                                                  email="zs@example.gov.cn", title="科员"))
    assert result.outcome == CREATED
    user = result.user
    assert user.check_password(result.password) and user.is_staff and not user.is_superuser
    assert (user.first_name, user.email, user.staff_profile.agency, user.staff_profile.title) == (
        "张三", "zs@example.gov.cn", finance, "科员")
    assert set(RoleGrant.objects.filter(user=user).values_list("agency", "role", "covers_subordinates")) == {
        (finance.pk, Role.DRAFTER, False), (finance.pk, Role.APPROVER, False)}
    other = services.import_staff_user(StaffData("lisi", "李四", finance, [Role.DRAFTER]))
    assert other.password != result.password


def test_import_staff_user_again_is_unchanged_and_keeps_the_password(finance):
    data = StaffData("zhangsan", "张三", finance, [Role.DRAFTER], email="zs@example.gov.cn")
    services.import_staff_user(data)
    hashed = User.objects.get(username="zhangsan").password
    again = services.import_staff_user(data)
    assert (again.outcome, again.password) == (UNCHANGED, None)
    assert User.objects.get(username="zhangsan").password == hashed
    assert [e.action for e in history(again.user)] == ["create_staff_user"]


def test_import_staff_user_replaces_roles_and_moves_agency(root, finance):
    services.import_staff_user(StaffData("zhangsan", "张三", finance, [Role.DRAFTER, Role.SIGNER], title="科员"))
    hashed = User.objects.get(username="zhangsan").password
    result = services.import_staff_user(StaffData("zhangsan", "张三丰", root, [Role.PUBLISHER],
                                                  covers_subordinates=True))
    assert result.outcome == UPDATED and result.password is None
    user = User.objects.get(username="zhangsan")
    assert user.password == hashed and user.first_name == "张三丰"
    assert user.staff_profile.agency == root and user.staff_profile.title == "科员"  # title not given: kept
    assert list(RoleGrant.objects.filter(user=user).values_list("agency", "role", "covers_subordinates")) == [
        (root.pk, Role.PUBLISHER, True)]
    assert history(user).last().action == "update_staff_user"


def test_root_administrator_covering_subordinates_is_superuser(root, finance):
    assert services.import_staff_user(StaffData("boss", "管", root, [Role.ADMINISTRATOR],
                                                covers_subordinates=True)).user.is_superuser
    assert not services.import_staff_user(StaffData("dept", "部", finance, [Role.ADMINISTRATOR],
                                                    covers_subordinates=True)).user.is_superuser
    assert not services.import_staff_user(StaffData("half", "半", root, [Role.ADMINISTRATOR])).user.is_superuser


def test_the_last_superuser_cannot_be_demoted_by_import(root):
    with pytest.raises(DomainError, match="唯一的超级管理员"):
        services.import_staff_user(StaffData("admin", "管理员", root, [Role.DRAFTER]))
    assert User.objects.get(username="admin").is_superuser
    services.import_staff_user(StaffData("boss", "管", root, [Role.ADMINISTRATOR], covers_subordinates=True))
    assert not services.import_staff_user(StaffData("admin", "管理员", root, [Role.DRAFTER])).user.is_superuser


@pytest.mark.parametrize(("overrides", "field", "text"), [
    ({"username": "bad name"}, "username", "只能包含"), ({"username": ""}, "username", "不能为空"),
    ({"full_name": ""}, "name", "姓名不能为空"), ({"roles": []}, "roles", "至少"),
    ({"roles": ["chef"]}, "roles", "未知角色"), ({"email": "not-an-address"}, "email", "格式不正确"),
    ({"title": "职" * 51}, "title", "不能超过 50"),
])
def test_import_staff_user_names_the_bad_field(finance, overrides, field, text):
    values = {"username": "zhangsan", "full_name": "张三", "agency": finance, "roles": [Role.DRAFTER], **overrides}
    with pytest.raises(DomainError) as caught:
        services.import_staff_user(StaffData(**values))
    assert caught.value.field == field and text in caught.value.message
    assert not User.objects.filter(username="zhangsan").exists()


def test_new_passwords_are_long_random_and_unambiguous():
    passwords = {services.new_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        assert len(password) == 19 and password.count("-") == 3
        assert not set(password) & set("0O1lI")
        validate_password(password)  # the password policy (orgs.passwords) holds for initial passwords too


# ---------------------------------------------------------------------------------------------------------------
# The older services, used by the demo, the factories and the benchmarks

def test_upsert_agency_and_create_staff_user_keep_their_behaviour(db):
    root = services.upsert_agency("OLD-ROOT", "旧市人民政府", kind="government")
    again = services.upsert_agency("OLD-ROOT", "旧市人民政府（改）", kind="government")
    assert again.pk == root.pk and again.name == "旧市人民政府（改）"
    user = services.create_staff_user("old", agency=root, full_name="旧", roles=[Role.ADMINISTRATOR],
                                      password="first-pass-1", covers_subordinates=True)
    assert user.is_superuser and user.check_password("first-pass-1")
    user = services.create_staff_user("old", agency=root, full_name="旧", roles=[Role.ADMINISTRATOR],
                                      password="second-pass-2", covers_subordinates=True)
    assert user.check_password("first-pass-1")  # an existing password is never reset
    with pytest.raises(DomainError, match="未知角色"):
        services.create_staff_user("x", agency=root, full_name="x", roles=["chef"], password="p")
