"""`gongkai audit verify|protect` (core.commands): OK with the count, or the first broken link and exit code 1."""

from __future__ import annotations

import pytest
from django.db import connection

from gongkai.cli import build_parser
from gongkai.core import auditchain
from gongkai.core.audit import record
from gongkai.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _run(*argv: str) -> int:
    args = build_parser().parse_args(["audit", *argv])
    return args.func(args)


def test_a_clean_log_is_reported_ok_with_its_count_and_head(agency, capsys):
    entries = [record(None, "create", agency) for _ in range(3)]
    assert _run("verify") == 0
    out = capsys.readouterr().out
    assert f"共 {AuditEntry.objects.count()} 条记录" in out and entries[-1].hash in out
    assert _run("verify", "--anchor", entries[1].hash) == 0


def test_a_tampered_entry_is_named_with_its_time_and_exit_code_1(agency, capsys):
    entries = [record(None, "approve", agency, comment="同意") for _ in range(3)]
    with connection.cursor() as cursor:
        auditchain.drop_guards(cursor.execute, connection.vendor)
        cursor.execute("UPDATE core_auditentry SET actor_name = %s WHERE id = %s", ["别人", entries[1].pk])
        auditchain.create_guards(cursor.execute, connection.vendor)
    assert _run("verify") == 1
    err = capsys.readouterr().err
    assert f"第一处断点在编号 {entries[1].pk} 的记录" in err and "写入时间" in err and "被改动" in err


def test_a_missing_anchor_fails(agency, capsys):
    record(None, "create", agency)
    assert _run("verify", "--anchor", "a" * 64) == 1
    assert "被截去" in capsys.readouterr().err


def test_dropped_triggers_fail_verification_until_protect_rebuilds_them(agency, capsys):
    record(None, "create", agency)
    with connection.cursor() as cursor:
        auditchain.drop_guards(cursor.execute, connection.vendor)
    assert _run("verify") == 1
    assert "缺少禁止修改和删除的触发器" in capsys.readouterr().err
    assert _run("protect") == 0
    assert auditchain.guards_present(connection)
    assert _run("verify") == 0
