"""Agency and staff lists from CSV (UTF-8, BOM, GBK) and XLSX: parents in any order, per-line errors, re-import."""

import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model

from gongkai.core.errors import DomainError
from gongkai.core.importing import LineRejected
from gongkai.orgs import services
from gongkai.orgs.importer import (
    AGENCY_COLUMNS,
    AGENCY_REQUIRED,
    LABELS,
    import_agencies,
    import_users,
    parse_bool,
    parse_kind,
    parse_roles,
    read_table,
)
from gongkai.orgs.models import Agency, AgencyKind, RoleGrant
from gongkai.orgs.roles import Role
from tests import factories

User = get_user_model()
ROOT, FIN, FIN_CENTRE, TOWN, OFFICE = (factories.credit_code(n) for n in range(1, 6))

AGENCIES_CSV = f"""机构代码,名称,上级机构代码,类型,排序,简称,办公地址,联系电话
{FIN_CENTRE},导入市财政局结算中心,{FIN},其他,1,,,
{FIN},导入市财政局,{ROOT},部门,2,财政局,导入市人民路1号,0571-1234567
{TOWN},导入市青山镇人民政府,{ROOT},镇（街道）,3,,,
{OFFICE},导入市人民政府办公室,{ROOT},政府部门,1,,,
"""


@pytest.fixture
def root(db):
    return services.set_up_instance("导入市人民政府", ROOT).agency


def _write(tmp_path, name: str, text: str, encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _xlsx(tmp_path, name: str, rows: list[list]):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def _tree() -> dict[str, str | None]:
    return {a.code: a.parent.code if a.parent else None for a in Agency.objects.select_related("parent")}


# ---------------------------------------------------------------------------------------------------------------
# Reading files

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_every_encoding_excel_saves(tmp_path, encoding):
    path = _write(tmp_path, "a.csv", AGENCIES_CSV, encoding)
    table = read_table(path, AGENCY_COLUMNS, AGENCY_REQUIRED, LABELS)
    assert [r.line for r in table.rows] == [2, 3, 4, 5]
    assert table.rows[1].values["name"] == "导入市财政局"
    assert table.rows[2].values["kind"] == "镇（街道）"


def test_headers_in_english_with_notes_and_unknown_columns(tmp_path):
    text = f"\n Code ,名称（全称）*,parent_code,备注\n{FIN},导入市财政局,{ROOT},无\n\n"
    table = read_table(_write(tmp_path, "a.csv", text), AGENCY_COLUMNS, AGENCY_REQUIRED, LABELS)
    assert table.ignored == ["备注"]
    assert [(r.line, r.values) for r in table.rows] == [(3, {"code": FIN, "name": "导入市财政局",
                                                            "parent_code": ROOT})]


def test_a_quoted_cell_over_two_lines_keeps_line_numbers_true(tmp_path):
    text = f'code,name,address\n{FIN},导入市财政局,"人民路1号\n2楼"\n{TOWN},导入市青山镇,\n'
    table = read_table(_write(tmp_path, "a.csv", text), AGENCY_COLUMNS, AGENCY_REQUIRED, LABELS)
    assert [r.line for r in table.rows] == [2, 4]
    assert table.rows[0].values["address"] == "人民路1号\n2楼"


@pytest.mark.parametrize(("text", "message"), [
    ("名称,上级机构代码\n导入市财政局,X\n", "缺少必需的列：机构代码（code）"),
    ("", "文件是空的"),
    ("code,机构代码,name\n", "重复"),
])
def test_file_level_problems_are_domain_errors(tmp_path, text, message):
    with pytest.raises(DomainError, match=message):
        read_table(_write(tmp_path, "a.csv", text), AGENCY_COLUMNS, AGENCY_REQUIRED, LABELS)


def test_unreadable_files_say_why(tmp_path):
    with pytest.raises(DomainError, match="编码"):
        read_table(_write(tmp_path, "a.csv", "code,name\n", "utf-16"), AGENCY_COLUMNS, AGENCY_REQUIRED, LABELS)
    with pytest.raises(DomainError, match="xls"):
        read_table(_write(tmp_path, "a.xls", "x"), AGENCY_COLUMNS, AGENCY_REQUIRED, LABELS)
    with pytest.raises(DomainError, match="无法读取 XLSX"):
        read_table(_write(tmp_path, "a.xlsx", "not a workbook"), AGENCY_COLUMNS, AGENCY_REQUIRED, LABELS)
    with pytest.raises(FileNotFoundError):
        read_table(tmp_path / "missing.csv", AGENCY_COLUMNS, AGENCY_REQUIRED, LABELS)


def test_xlsx_cells_read_as_people_see_them(tmp_path):
    path = _xlsx(tmp_path, "a.xlsx", [["机构代码", "名称", "排序", "联系电话"], [FIN, "导入市财政局", 2.0, 571123],
                                      [None, None, None, None]])
    table = read_table(path, AGENCY_COLUMNS, AGENCY_REQUIRED, LABELS)
    assert [(r.line, r.values) for r in table.rows] == [
        (2, {"code": FIN, "name": "导入市财政局", "order": "2", "phone": "571123"})]


def test_kinds_roles_and_yes_no():
    assert parse_kind("政府") == parse_kind("人民政府") == parse_kind("Government") == AgencyKind.GOVERNMENT
    assert parse_kind("镇街") == parse_kind("镇(街道)") == AgencyKind.TOWNSHIP
    assert parse_kind("部门") == AgencyKind.DEPARTMENT and parse_kind("其他") == AgencyKind.OTHER
    assert parse_kind(" ") is None
    with pytest.raises(LineRejected, match="未知的类型“市”"):
        parse_kind("市")
    assert parse_roles("起草人、审核人(分管领导)，签发人；publisher;Drafter") == [
        Role.DRAFTER, Role.APPROVER, Role.SIGNER, Role.PUBLISHER]
    assert parse_roles("依申请公开经办人,政府信息公开工作机构负责人") == [Role.DISCLOSURE_OFFICER, Role.DISCLOSURE_HEAD]
    with pytest.raises(LineRejected, match="未知角色“厨师”"):
        parse_roles("起草人、厨师")
    with pytest.raises(LineRejected, match="缺少角色"):
        parse_roles("、")
    assert [parse_bool(v, "含下级") for v in ("是", "YES", "1", "true")] == [True] * 4
    assert [parse_bool(v, "含下级") for v in ("否", "no", "0", "", None)] == [False] * 5
    with pytest.raises(LineRejected, match="含下级应填“是”或“否”"):
        parse_bool("也许", "含下级")


# ---------------------------------------------------------------------------------------------------------------
# Agencies

def test_parents_after_children_are_resolved(root, tmp_path):
    out = io.StringIO()
    summary = import_agencies(_write(tmp_path, "a.csv", AGENCIES_CSV), out=out)
    assert (summary.created, summary.failed) == (4, 0), out.getvalue()
    assert _tree() == {ROOT: None, FIN: ROOT, FIN_CENTRE: FIN, TOWN: ROOT, OFFICE: ROOT}
    finance = Agency.objects.get(code=FIN)
    assert (finance.kind, finance.order, finance.short_name, finance.address, finance.phone) == (
        AgencyKind.DEPARTMENT, 2, "财政局", "导入市人民路1号", "0571-1234567")
    assert Agency.objects.get(code=TOWN).kind == AgencyKind.TOWNSHIP
    assert out.getvalue().endswith("导入完成：新建 4，更新 0，未变 0，失败 0\n")


def test_reimport_is_unchanged_then_updates_only_what_changed(root, tmp_path):
    path = _write(tmp_path, "a.csv", AGENCIES_CSV)
    import_agencies(path)
    again = import_agencies(_write(tmp_path, "b.csv", AGENCIES_CSV, "gbk"))
    assert (again.created, again.updated, again.unchanged, again.failed) == (0, 0, 4, 0)
    edited = AGENCIES_CSV.replace("导入市青山镇人民政府,", "导入市青山镇,").replace(f"{FIN_CENTRE},导入市财政局结算中心,{FIN}",
                                                                        f"{FIN_CENTRE},导入市财政局结算中心,{ROOT}")
    third = import_agencies(_write(tmp_path, "c.csv", edited))
    assert (third.updated, third.unchanged) == (2, 2)
    assert Agency.objects.get(code=TOWN).name == "导入市青山镇" and _tree()[FIN_CENTRE] == ROOT


def test_bad_lines_are_reported_with_numbers_and_the_rest_imports(root, tmp_path):
    text = AGENCIES_CSV + "\n".join([
        f"{factories.credit_code(10)},导入市无上级局,{factories.credit_code(99)},部门,1",  # line 6
        "BADCODE,导入市坏代码局,,部门,1",  # line 7
        f"{factories.credit_code(11)},导入市坏类型局,{ROOT},市,1",  # line 8
        f"{factories.credit_code(12)},导入市坏排序局,{ROOT},部门,第一",  # line 9
        f"{FIN},导入市财政局（重复）,{ROOT},部门,1",  # line 10
        f"{factories.credit_code(13)},,{ROOT},部门,1",  # line 11
        f"{factories.credit_code(14)},导入市人民政府办公室,{ROOT},部门,1",  # line 12: name taken by line 5
        f"{factories.credit_code(15)},导入市无名下属,{factories.credit_code(10)},部门,1",  # line 13: parent failed
    ]) + "\n"
    out = io.StringIO()
    summary = import_agencies(_write(tmp_path, "a.csv", text), out=out)
    assert summary.created == 4
    reasons = {e.line: e.reason for e in summary.errors}
    assert sorted(reasons) == [6, 7, 8, 9, 10, 11, 12, 13]
    assert "既不在本文件中，也不在系统中" in reasons[6]
    assert "BADCODE" in reasons[7] and "18 位" in reasons[7]
    assert "未知的类型“市”" in reasons[8]
    assert "排序应为整数" in reasons[9]
    assert "与第 3 行重复" in reasons[10]
    assert reasons[11] == "缺少名称。"
    assert "已被机构代码" in reasons[12]
    assert "第 6 行）未能导入" in reasons[13]
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("第 6 行：") and lines[-1] == "导入完成：新建 4，更新 0，未变 0，失败 8"
    assert Agency.objects.count() == 5


def test_a_cycle_in_the_file_is_an_error_on_each_of_its_lines(root, tmp_path):
    a, b, c = (factories.credit_code(n) for n in (20, 21, 22))
    text = (f"code,name,parent_code\n{a},甲,{b}\n{b},乙,{a}\n{c},丙,{a}\n{FIN},导入市财政局,{ROOT}\n")
    summary = import_agencies(_write(tmp_path, "a.csv", text))
    reasons = {e.line: e.reason for e in summary.errors}
    assert "上级机构形成循环：甲 → 乙 → 甲" in reasons[2] and "循环" in reasons[3]
    assert "未能导入" in reasons[4]
    assert summary.created == 1 and not Agency.objects.filter(code__in=[a, b, c]).exists()


def test_a_cycle_through_the_platform_is_refused(root, tmp_path):
    import_agencies(_write(tmp_path, "a.csv", AGENCIES_CSV))
    summary = import_agencies(_write(tmp_path, "b.csv", f"code,name,parent_code\n{FIN},导入市财政局,{FIN_CENTRE}\n"))
    assert "循环" in summary.errors[0].reason and _tree()[FIN] == ROOT


def test_moving_a_branch_below_its_former_child_works_in_one_file(root, tmp_path):
    import_agencies(_write(tmp_path, "a.csv", AGENCIES_CSV))
    # The centre leaves the finance bureau for the root and the bureau moves below it: final tree is acyclic.
    text = f"code,name,parent_code\n{FIN},导入市财政局,{FIN_CENTRE}\n{FIN_CENTRE},导入市财政局结算中心,{ROOT}\n"
    summary = import_agencies(_write(tmp_path, "b.csv", text))
    assert (summary.updated, summary.failed) == (2, 0), summary.errors
    assert _tree()[FIN] == FIN_CENTRE and _tree()[FIN_CENTRE] == ROOT


def test_without_a_root_the_file_may_bring_one_but_only_one(db, tmp_path):
    other = factories.credit_code(30)
    text = f"code,name,kind\n{ROOT},导入市人民政府,政府\n{other},另一个市人民政府,政府\n"
    summary = import_agencies(_write(tmp_path, "a.csv", text))
    assert summary.created == 1 and "已有根机关“导入市人民政府”" in summary.errors[0].reason
    assert Agency.objects.get(code=ROOT).kind == AgencyKind.GOVERNMENT


def test_xlsx_agencies_with_parent_after_child(root, tmp_path):
    path = _xlsx(tmp_path, "a.xlsx", [["code", "name", "parent_code", "kind", "order"],
                                      [FIN_CENTRE, "导入市财政局结算中心", FIN, "other", 1],
                                      [FIN, "导入市财政局", ROOT, "department", 2],
                                      ["", "导入市无代码局", ROOT, "department", 3]])
    summary = import_agencies(path)
    assert summary.created == 2 and [(e.line, e.reason) for e in summary.errors] == [(4, "缺少机构代码。")]
    assert _tree()[FIN_CENTRE] == FIN and Agency.objects.get(code=FIN).order == 2


# ---------------------------------------------------------------------------------------------------------------
# Users

USERS_CSV = f"""用户名,姓名,机构代码,角色,邮箱,含下级,职务
zhangsan,张三,{FIN},起草人、审核人（分管领导）,zs@example.gov.cn,否,科员
lisi,李四,{ROOT},保密审查人；发布人,,是,
wangwu,王五,{FIN},厨师,,,
zhaoliu,赵六,{factories.credit_code(99)},起草人,,,
zhangsan,张三二,{FIN},起草人,,,
"""


@pytest.fixture
def agencies(root, tmp_path):
    import_agencies(_write(tmp_path, "agencies.csv", AGENCIES_CSV))


def test_users_with_chinese_role_labels_and_per_line_errors(agencies, tmp_path):
    out = io.StringIO()
    summary, created = import_users(_write(tmp_path, "u.csv", USERS_CSV, "gbk"), out=out)
    assert (summary.created, summary.failed) == (2, 3)
    reasons = {e.line: e.reason for e in summary.errors}
    assert "未知角色“厨师”" in reasons[4]
    assert f"机构代码“{factories.credit_code(99)}”不在系统中" in reasons[5]
    assert "与第 2 行重复" in reasons[6]
    assert [a.user.username for a in created] == ["zhangsan", "lisi"]
    zhang = User.objects.get(username="zhangsan")
    assert zhang.check_password(created[0].password) and zhang.email == "zs@example.gov.cn"
    assert set(RoleGrant.objects.filter(user=zhang).values_list("role", flat=True)) == {Role.DRAFTER, Role.APPROVER}
    li = User.objects.get(username="lisi")
    assert set(RoleGrant.objects.filter(user=li).values_list("role", "covers_subordinates")) == {
        (Role.SECRECY_REVIEWER, True), (Role.PUBLISHER, True)}
    assert "第 4 行：未知角色" in out.getvalue() and out.getvalue().endswith("失败 3\n")


def test_reimport_of_users_is_unchanged_and_resets_no_password(agencies, tmp_path):
    path = _write(tmp_path, "u.csv", USERS_CSV)
    import_users(path)
    hashes = dict(User.objects.values_list("username", "password"))
    summary, created = import_users(path)
    assert (summary.created, summary.updated, summary.unchanged, created) == (0, 0, 2, [])
    assert dict(User.objects.values_list("username", "password")) == hashes


def test_optional_columns_left_out_keep_stored_values(agencies, tmp_path):
    import_users(_write(tmp_path, "u.csv", USERS_CSV))
    summary, _ = import_users(_write(tmp_path, "v.csv", f"username,name,agency_code,roles\nzhangsan,张三,{FIN},"
                                                       "起草人、审核人\n"))
    assert summary.unchanged == 1
    zhang = User.objects.get(username="zhangsan")
    assert zhang.email == "zs@example.gov.cn" and zhang.staff_profile.title == "科员"


def test_xlsx_users(agencies, tmp_path):
    path = _xlsx(tmp_path, "u.xlsx", [["用户名", "姓名", "机构代码", "角色", "含下级"],
                                      ["chen", "陈七", ROOT, "管理员", True],
                                      ["zhou", "周八", TOWN, "drafter", "否"],
                                      ["wu", "吴九", TOWN, "drafter", "可能"]])
    summary, created = import_users(path)
    assert summary.created == 2 and [(e.line, e.reason) for e in summary.errors] == [
        (4, "含下级应填“是”或“否”：“可能”。")]
    assert User.objects.get(username="chen").is_superuser
    assert not User.objects.get(username="zhou").is_superuser
