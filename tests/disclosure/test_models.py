"""Applicants' personal data at rest: sealed in the database file and its WAL, read back transparently, found
by keyed hash; the data folder and what is created in it are owner-only; the migration seals old rows."""

import json
import os
import stat
import subprocess
import sys
import textwrap

import pytest
from django.db import connection

from gongkai.core import crypto
from gongkai.disclosure import queries, services
from gongkai.disclosure.models import Application
from tests.disclosure_factories import RESIDENT_ID, make_application, resident_id
from tests.paths import ROOT

PLAIN = {"name": "张三丰", "id_number": RESIDENT_ID, "phone": "13812345678", "email": "zhangsan@example.com",
         "address": "示例市东城区和平路1号"}


def _raw(application: Application) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, id_number, phone, email, address FROM disclosure_application WHERE id = %s",
                       [application.pk])
        return dict(zip(PLAIN, cursor.fetchone(), strict=True))


def test_personal_fields_are_sealed_in_the_column_and_read_back_plain(agency):
    application, _ = make_application(agency)
    raw = _raw(application)
    for name, value in PLAIN.items():
        assert value not in raw[name] and raw[name].startswith("gk1:sm4:")
    fresh = Application.objects.get(pk=application.pk)
    assert {name: getattr(fresh, name) for name in PLAIN} == PLAIN
    assert fresh.applicant_key and fresh.phone_hash and fresh.email_hash
    assert RESIDENT_ID not in fresh.applicant_key


def test_lookups_and_duplicate_detection_use_the_keyed_hash(agency):
    first, _ = make_application(agency)
    # The same person typed differently: lower-case x, +86 and dashes, capitals in the e-mail.
    second, _ = make_application(agency, id_number=RESIDENT_ID.lower(), phone="+86 138-1234-5678",
                                 email="ZhangSan@Example.com")
    other, _ = make_application(agency, id_number=resident_id(7), phone="13900000000", email="li@example.com")
    assert second.applicant_key == first.applicant_key and second.phone_hash == first.phone_hash
    assert services.nth_application_in_month(second) == 2
    assert services.nth_application_in_month(other) == 1
    for term in (RESIDENT_ID, "138 1234 5678", "zhangsan@example.com"):
        assert set(Application.objects.filter(queries.applicant_match(term))) == {first, second}
    assert not Application.objects.filter(queries.applicant_match("1381234")).exists()


def test_staff_list_and_admin_find_a_case_by_phone(client, agency, staff, django_user_model):
    application, _ = make_application(agency)
    other, _ = make_application(agency, id_number=resident_id(7), phone="13900000000", email="li@example.com")
    client.force_login(staff["officer"])
    page = client.get("/staff/applications/", {"q": "13812345678"}).content.decode()
    assert application.case_no in page and other.case_no not in page
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "Pw-123456789")
    client.force_login(admin)
    page = client.get("/admin/disclosure/application/", {"q": RESIDENT_ID}).content.decode()
    assert application.case_no in page and other.case_no not in page


def test_a_wrong_data_key_is_a_clear_error(agency, settings):
    application, _ = make_application(agency)
    settings.GONGKAI_DATA_KEY = crypto.new_key()
    with pytest.raises(crypto.DataKeyError, match="请设置正确的 GONGKAI_DATA_KEY"):
        Application.objects.get(pk=application.pk)


_SCRIPT = """
import json, os, shutil, sys
from pathlib import Path
from gongkai.runtime import setup_django
setup_django()
from tests.factories import make_agency
from tests.disclosure_factories import make_application
agency = make_agency("11000000TEST00002X", "测试市财政局")
application, token = make_application(agency)
data = Path(os.environ["GONGKAI_DATA_DIR"])
snapshot = Path(sys.argv[1])
# Copied while the connection is open, so the WAL is still there.
for name in ("gongkai.sqlite3", "gongkai.sqlite3-wal"):
    if (data / name).exists():
        shutil.copy(data / name, snapshot / name)
print(json.dumps({"wal": (data / "gongkai.sqlite3-wal").exists()}))
"""


def test_the_database_file_and_its_wal_hold_no_plain_personal_data_and_are_owner_only(tmp_path):
    data, snapshot = tmp_path / "data", tmp_path / "snapshot"
    snapshot.mkdir()
    data.mkdir(mode=0o755)
    (data / "old-report.txt").write_text("made before the upgrade")
    (data / "old-report.txt").chmod(0o644)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "GONGKAI_DATA_KEY")}
    env.update(GONGKAI_DATA_DIR=str(data), DJANGO_SETTINGS_MODULE="gongkai.settings.prod")
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(_SCRIPT), str(snapshot)], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "已生成个人信息加密密钥" in result.stderr  # no key set: a development key, and it says so
    assert json.loads(result.stdout.splitlines()[-1])["wal"]
    raw = b"".join(p.read_bytes() for p in snapshot.iterdir())
    for value in PLAIN.values():
        assert value.encode() not in raw, value
    assert b"gk1:sm4:" in raw
    # Owner-only: the folder (even one made open before), and everything created in it.
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    for name in ("gongkai.sqlite3", "data_key", "secret_key", "old-report.txt"):
        assert stat.S_IMODE((data / name).stat().st_mode) == 0o600, name
    assert crypto.parse_key((data / "data_key").read_text())
