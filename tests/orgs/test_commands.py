"""A fresh instance set up from the command line alone: setup → agencies → users → documents, and mail."""

import email
import email.policy
import json
import re
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth.hashers import check_password

from tests import factories
from tests.smtp import smtp_server
from tests.test_cli import _env, _free_port, _gongkai

ROOT, FIN, FIN_CENTRE, TOWN, OFFICE, HEALTH = (factories.credit_code(n, "11330200MB") for n in range(1, 7))
PASSWORD = re.compile(r"[A-Za-z2-9]{4}(?:-[A-Za-z2-9]{4}){3}")

AGENCIES_CSV = f"""机构代码,名称,上级机构代码,类型,排序
{FIN_CENTRE},新市财政局结算中心,{FIN},其他,1
{FIN},新市财政局,{ROOT},部门,2
{TOWN},新市青山镇人民政府,{ROOT},镇街,3
BADCODE,新市坏代码局,{ROOT},部门,4
"""
USERS_CSV = f"""用户名,姓名,机构代码,角色,邮箱,含下级
zhangsan,张三,{FIN},起草人、保密审查人,zs@example.gov.cn,否
lisi,李四,{ROOT},审核人；签发人；发布人,,是
"""


@pytest.fixture(autouse=True)
def pbkdf2(settings):
    # The commands hash with the production hasher; the test settings list only a fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]


def _db(data_dir: Path, sql: str, *params):
    with sqlite3.connect(data_dir / "gongkai.sqlite3") as db:
        return db.execute(sql, params).fetchall()


def _hashes(data_dir: Path) -> dict[str, str]:
    return dict(_db(data_dir, "SELECT username, password FROM auth_user"))


def _files(tmp_path: Path) -> dict[str, Path]:
    agencies = tmp_path / "机关.csv"
    agencies.write_bytes(AGENCIES_CSV.encode("gbk"))  # as Excel on Chinese Windows saves it
    workbook = openpyxl.Workbook()
    for row in [["code", "name", "parent_code", "kind", "order"], [HEALTH, "新市卫生健康局", OFFICE, "部门", 2],
                [OFFICE, "新市人民政府办公室", ROOT, "部门", 1]]:
        workbook.active.append(row)
    xlsx = tmp_path / "机关2.xlsx"
    workbook.save(xlsx)
    users = tmp_path / "人员.csv"
    users.write_text(USERS_CSV, encoding="utf-8-sig")
    documents = tmp_path / "documents.jsonl"
    documents.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"external_id": "new-1", "title": "新市关于做好首次部署工作的通知", "body": "各有关单位：现将有关事项通知如下。"},
        {"external_id": "new-2", "title": "新市财政局关于预算公开的通知", "body": "预算公开。", "agency": FIN,
         "status": "published", "published_on": "2026-01-05"},
    ]) + "\n", encoding="utf-8")
    return {"agencies": agencies, "xlsx": xlsx, "users": users, "documents": documents}


def test_fresh_instance_from_the_command_line(tmp_path):
    data_dir, files = tmp_path / "data", _files(tmp_path)
    env = _env(data_dir)

    before = _gongkai(env, "import", "documents", str(files["documents"]))
    assert before.returncode == 1 and "请先运行 gongkai setup" in before.stdout

    setup = _gongkai(env, "setup", "--name", "新市人民政府", "--code", ROOT, "--admin-email", "admin@example.gov.cn")
    assert setup.returncode == 0, setup.stderr
    assert "已创建根机关：新市人民政府" in setup.stdout and "已创建管理员账号：admin" in setup.stdout
    admin_password = PASSWORD.search(setup.stdout).group()
    assert check_password(admin_password, _hashes(data_dir)["admin"])

    agencies = _gongkai(env, "agencies", "import", str(files["agencies"]))
    assert agencies.returncode == 1  # one bad line
    assert "第 5 行：机构代码“BADCODE”无效" in agencies.stdout
    assert "导入完成：新建 3，更新 0，未变 0，失败 1" in agencies.stdout
    assert "Traceback" not in agencies.stderr
    xlsx = _gongkai(env, "agencies", "import", str(files["xlsx"]))
    assert xlsx.returncode == 0, xlsx.stdout + xlsx.stderr
    assert "新建 2" in xlsx.stdout
    assert dict(_db(data_dir, "SELECT a.code, p.code FROM orgs_agency a LEFT JOIN orgs_agency p ON a.parent_id = p.id")) == {
        ROOT: None, FIN: ROOT, FIN_CENTRE: FIN, TOWN: ROOT, OFFICE: ROOT, HEALTH: OFFICE}

    listing = _gongkai(env, "agencies", "list")
    assert listing.returncode == 0
    assert re.search(rf"{FIN_CENTRE}\s+新市财政局结算中心\s+新市财政局\s+其他单位", listing.stdout)
    assert "共 6 个机关。" in listing.stdout

    users = _gongkai(env, "users", "import", str(files["users"]))
    assert users.returncode == 0, users.stdout + users.stderr
    assert "导入完成：新建 2，更新 0，未变 0，失败 0" in users.stdout
    shown = dict(re.findall(rf"^(zhangsan|lisi)\s.*?({PASSWORD.pattern})\s*$", users.stdout, re.M))
    hashes = _hashes(data_dir)
    assert set(shown) == {"zhangsan", "lisi"}
    assert all(check_password(shown[name], hashes[name]) for name in shown)
    assert not any(shown[name] in hashes[name] for name in shown)

    documents = _gongkai(env, "import", "documents", str(files["documents"]))
    assert documents.returncode == 0, documents.stdout + documents.stderr
    assert "新建 2，更新 0，未变 0，失败 0" in documents.stdout
    assert dict(_db(data_dir, "SELECT d.external_id, a.code FROM publishing_document d "
                              "JOIN orgs_agency a ON d.agency_id = a.id")) == {"new-1": ROOT, "new-2": FIN}

    # Everything again: nothing changes, no password is reset or shown.
    again = _gongkai(env, "setup", "--name", "新市人民政府", "--code", ROOT)
    assert again.returncode == 0 and "根机关已存在，未作修改" in again.stdout and "密码未重置" in again.stdout
    assert not PASSWORD.search(again.stdout)
    assert "未变 3" in _gongkai(env, "agencies", "import", str(files["agencies"])).stdout
    assert "新建 0，更新 0，未变 2，失败 0" in _gongkai(env, "agencies", "import", str(files["xlsx"])).stdout
    users_again = _gongkai(env, "users", "import", str(files["users"]))
    assert users_again.returncode == 0 and "新建 0，更新 0，未变 2，失败 0" in users_again.stdout
    assert not PASSWORD.search(users_again.stdout)
    assert _hashes(data_dir) == hashes

    renamed = _gongkai(env, "setup", "--name", "新市人民政府（更名）", "--code", ROOT)
    assert renamed.returncode == 0 and "已更新根机关：新市人民政府（更名）" in renamed.stdout
    assert _hashes(data_dir)["admin"] == hashes["admin"]


def test_setup_refusals_are_chinese_messages_with_exit_code_1(tmp_path):
    env = _env(tmp_path / "data")
    bad = _gongkai(env, "setup", "--name", "新市人民政府", "--code", "12345")
    assert bad.returncode == 1
    assert "统一社会信用代码（--code）“12345”无效：应为 18 位，现为 5 位" in bad.stderr
    assert "Traceback" not in bad.stderr
    assert _gongkai(env, "setup", "--name", "新市人民政府", "--code", ROOT).returncode == 0
    other = _gongkai(env, "setup", "--name", "别市人民政府", "--code", FIN)
    assert other.returncode == 1 and "系统中已有根机关“新市人民政府”" in other.stderr
    assert "Traceback" not in other.stderr
    assert _db(tmp_path / "data", "SELECT code FROM orgs_agency") == [(ROOT,)]


def test_import_file_problems_are_messages_not_tracebacks(tmp_path):
    env = _env(tmp_path / "data")
    missing = _gongkai(env, "agencies", "import", str(tmp_path / "none.csv"))
    assert missing.returncode == 1 and "找不到文件" in missing.stderr
    no_columns = tmp_path / "x.csv"
    no_columns.write_text("甲,乙\n1,2\n", encoding="utf-8")
    result = _gongkai(env, "users", "import", str(no_columns))
    assert result.returncode == 1 and "文件缺少必需的列：用户名（username）" in result.stderr
    assert "Traceback" not in result.stderr
    empty = _gongkai(env, "agencies", "list")
    assert empty.returncode == 0 and "请先运行 gongkai setup" in empty.stdout


@pytest.fixture
def smtp():
    with smtp_server() as server:
        yield server


def test_send_mail_delivers_initial_passwords_in_chinese(tmp_path, smtp):
    controller, inbox = smtp
    data_dir, files = tmp_path / "data", _files(tmp_path)
    env = _env(data_dir, GONGKAI_SMTP_HOST="127.0.0.1", GONGKAI_SMTP_PORT=str(controller.port),
               GONGKAI_MAIL_FROM="公开平台 <xxgk@example.gov.cn>", GONGKAI_SITE_NAME="新市人民政府",
               GONGKAI_BASE_URL="https://xxgk.example.gov.cn")
    assert _gongkai(env, "setup", "--name", "新市人民政府", "--code", ROOT).returncode == 0
    _gongkai(env, "agencies", "import", str(files["agencies"]))
    result = _gongkai(env, "users", "import", "--send-mail", str(files["users"]))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "已向 1 位新用户发送初始密码邮件" in result.stdout

    assert len(inbox.messages) == 1
    envelope = inbox.messages[0]
    assert envelope.rcpt_tos == ["zs@example.gov.cn"] and envelope.mail_from == "xxgk@example.gov.cn"
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    # The stdlib folds a long encoded subject onto a continuation line; readers drop the fold's space.
    assert message["Subject"].strip() == "【新市人民政府】工作台账号已开通"
    body = message.get_content()
    assert "张三，您好" in body and "用户名：zhangsan" in body
    assert "登录地址：https://xxgk.example.gov.cn/staff/login/" in body
    mailed = re.search(rf"初始密码：({PASSWORD.pattern})", body).group(1)
    hashes = _hashes(data_dir)
    assert check_password(mailed, hashes["zhangsan"])
    # No address: the password is shown on screen instead, with the reason; the mailed one is not.
    assert mailed not in result.stdout and "zhangsan" not in result.stdout.split("初始密码只显示这一次")[-1]
    row = re.search(rf"^lisi\s.*?({PASSWORD.pattern})\s+未填写邮箱\s*$", result.stdout, re.M)
    assert row and check_password(row.group(1), hashes["lisi"])

    again = _gongkai(env, "users", "import", "--send-mail", str(files["users"]))
    assert again.returncode == 0 and "未变 2" in again.stdout and len(inbox.messages) == 1


def test_send_mail_without_a_server_writes_nothing(tmp_path):
    data_dir, files = tmp_path / "data", _files(tmp_path)
    env = _env(data_dir)
    assert _gongkai(env, "setup", "--name", "新市人民政府", "--code", ROOT).returncode == 0
    _gongkai(env, "agencies", "import", str(files["agencies"]))
    result = _gongkai(env, "users", "import", "--send-mail", str(files["users"]))
    assert result.returncode == 1 and "GONGKAI_SMTP_HOST" in result.stderr and "未导入任何用户" in result.stderr
    assert set(_hashes(data_dir)) == {"admin"}


def test_unreachable_mail_server_still_hands_over_the_passwords(tmp_path):
    data_dir, files = tmp_path / "data", _files(tmp_path)
    env = _env(data_dir, GONGKAI_SMTP_HOST="127.0.0.1", GONGKAI_SMTP_PORT=str(_free_port()))
    assert _gongkai(env, "setup", "--name", "新市人民政府", "--code", ROOT).returncode == 0
    _gongkai(env, "agencies", "import", str(files["agencies"]))
    result = _gongkai(env, "users", "import", "--send-mail", str(files["users"]))
    assert result.returncode == 0
    row = re.search(rf"^zhangsan\s.*?({PASSWORD.pattern})\s+无法连接邮件服务器", result.stdout, re.M)
    assert row and check_password(row.group(1), _hashes(data_dir)["zhangsan"])


def test_combined_duties_are_set_from_the_command_line_with_a_reason(tmp_path):
    """A one-person township office relaxes 一事一审 only with a stated reason, and the change is audited."""
    env = _env(tmp_path / "data")
    assert _gongkai(env, "setup", "--name", "新市人民政府", "--code", ROOT).returncode == 0
    shown = _gongkai(env, "agencies", "duties", ROOT)
    assert shown.returncode == 0 and "不允许一人兼任" in shown.stdout
    refused = _gongkai(env, "agencies", "duties", ROOT, "--allow")
    assert refused.returncode == 1 and "请说明" in refused.stderr
    done = _gongkai(env, "agencies", "duties", ROOT, "--allow", "--reason", "本镇政务公开专职人员仅一人")
    assert done.returncode == 0 and "允许一人兼任" in done.stdout
    assert _db(tmp_path / "data", "SELECT combined_duties_allowed FROM orgs_agency") == [(1,)]
    audited = _db(tmp_path / "data", "SELECT action, comment FROM core_auditentry WHERE action LIKE '%combined%'")
    assert audited == [("allow_combined_duties", "本镇政务公开专职人员仅一人")]
    unknown = _gongkai(env, "agencies", "duties", "NOPE", "--forbid", "--reason", "x")
    assert unknown.returncode == 1 and "没有机构代码" in unknown.stderr
