"""Backup and restore (gongkai/ops/backup.py): a populated instance is backed up online, restored by the real
command into a fresh data folder and a fresh database, and every table row and file byte is compared."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import os
import sqlite3
import stat
import subprocess
import sys
import tarfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper

from gongkai.core.errors import DomainError
from gongkai.disclosure import services as disclosure_services
from gongkai.ops.backup import KEYS_WARNING, backup, read_archive, restore
from gongkai.orgs.models import Agency
from gongkai.orgs.roles import Role
from gongkai.publishing import services
from tests import factories
from tests.disclosure_factories import disclosure_team, make_application
from tests.samples import minimal_pdf

ROOT = Path(__file__).resolve().parent.parent.parent
# Generous: bounds a wait for a condition on a loaded machine, it does not time anything.
DEADLINE_SECONDS = 120
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
_NOT_INHERITED = ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "GONGKAI_BASE_URL", "GONGKAI_ALLOWED_HOSTS",
                  "GONGKAI_SECRET_KEY")


def _env(data_dir: Path, database_url: str | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
    env.update(GONGKAI_DATA_DIR=str(data_dir), GONGKAI_TASK_BACKEND="immediate")
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _gongkai(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gongkai", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


def _pg_params(settings_dict: dict) -> dict:
    return {k: v for k, v in {"dbname": settings_dict["NAME"], "user": settings_dict["USER"],
                              "password": settings_dict["PASSWORD"], "host": settings_dict["HOST"],
                              "port": settings_dict["PORT"]}.items() if v}


@contextmanager
def _fresh_database() -> Iterator[str | None]:
    """None on SQLite (the restore makes its own in the new data folder); a throw-away database on PostgreSQL."""
    if connection.vendor == "sqlite":
        yield None
        return
    import psycopg

    name = f"gongkai_restore_{uuid.uuid4().hex[:12]}"
    settings_dict = connection.settings_dict
    admin = {**_pg_params(settings_dict), "dbname": "postgres"}
    with psycopg.connect(autocommit=True, **admin) as pg:
        pg.execute(f'CREATE DATABASE "{name}"')
    try:
        params = {**_pg_params(settings_dict), "dbname": name}
        auth = params.get("user", "") + (f":{params['password']}" if params.get("password") else "")
        yield f"postgres://{auth}@{params.get('host', '127.0.0.1')}:{params.get('port', 5432)}/{name}"
    finally:
        with psycopg.connect(autocommit=True, **admin) as pg:
            pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _open(settings_dict: dict | None = None, *, sqlite_path: Path | None = None, pg_url: str | None = None):
    """A plain DB-API connection (no Django type conversion) to the test database or to a restored one."""
    if sqlite_path is not None:
        return sqlite3.connect(sqlite_path)
    if pg_url is not None:
        import psycopg

        return psycopg.connect(pg_url)
    if connection.vendor == "sqlite":
        return sqlite3.connect(settings_dict["NAME"], uri=True)
    import psycopg

    return psycopg.connect(**_pg_params(settings_dict))


def _all_rows(conn, vendor: str) -> dict[str, list[tuple]]:
    """Every row of every table, all columns, in a stable order (django_migrations' timestamps excepted)."""
    if vendor == "sqlite":
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                            "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    else:
        names = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname='public' "
                                            "ORDER BY tablename")]
    tables = {}
    for name in names:
        if name == "django_migrations":
            continue
        rows = conn.execute(f'SELECT * FROM "{name}"').fetchall()
        tables[name] = sorted(rows, key=repr)
    return tables


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def instance(settings, tmp_path, agency, team, fresh_search):
    """A data folder of the test's own with a published document carrying an attachment, a decided case with
    its reply letter, and key files."""
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)
    settings.DATA_DIR = data_dir
    settings.MEDIA_ROOT = str(data_dir / "media")
    (data_dir / "secret_key").write_text("k" * 60)
    (data_dir / "data_key").write_bytes(os.urandom(32))
    document = factories.make_document(team, agency, publish=False, title="关于开展养老服务补贴发放工作的通知")
    attachment = services.add_attachment(team[Role.DRAFTER], document, "补贴标准.pdf", minimal_pdf("补贴标准"))
    services.save_revision(team[Role.DRAFTER], document,
                           factories.data(title="关于开展养老服务补贴发放工作的通知", attachment_ids=[attachment.pk]))
    factories.advance(team, document)
    services.publish_document(team[Role.PUBLISHER], document)
    application, _ = make_application(agency, received_on=dt.date(2026, 3, 2))
    disclosure_services.decide_application(disclosure_team(agency)["officer"], application, "granted",
                                           reason="获取方式：请于工作日到本机关政府信息公开受理点查阅。",
                                           decided_on=dt.date(2026, 3, 20))
    assert application.letters.count() == 1
    return data_dir


@pytest.mark.django_db(transaction=True)
def test_restore_gives_back_every_row_and_every_file_and_search_finds_the_document(instance, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    summary = backup(archive)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert sorted(summary.keys) == ["data_key", "secret_key"] and not summary.warnings
    assert summary.tables["publishing_attachment"] == 1 and summary.tables["disclosure_replyletter"] == 1
    assert summary.files == 3  # the attachment, the letter's DOCX and PDF
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]

    restored = tmp_path / "restored"
    with _fresh_database() as database_url:
        env = _env(restored, database_url)
        if database_url is None:
            # A data folder some command has already set up (migrated, no data) counts as empty too.
            assert _gongkai(env, "manage", "migrate", "-v", "0").returncode == 0
        done = _gongkai(env, "restore", str(archive))
        assert done.returncode == 0, done.stderr
        assert "恢复完成" in done.stdout and "检索索引已重建（1 份公开文件）" in done.stdout

        original = _open(connection.settings_dict)
        copy = _open(sqlite_path=restored / "gongkai.sqlite3") if database_url is None else _open(pg_url=database_url)
        with original, copy:
            before, after = _all_rows(original, connection.vendor), _all_rows(copy, connection.vendor)
        assert before.keys() == after.keys()
        for table in before:
            assert before[table] == after[table], table
        assert before["publishing_attachment"] and before["disclosure_replyletter"]

        assert _files(instance / "media") == _files(restored / "media")
        for key in ("secret_key", "data_key"):
            assert (restored / key).read_bytes() == (instance / key).read_bytes()
            assert stat.S_IMODE((restored / key).stat().st_mode) == 0o600

        found = subprocess.run(
            [sys.executable, "-c", "from gongkai.runtime import setup_django; setup_django(migrate=False); "
             "from gongkai.search import services; "
             "print([r.title for r in services.search(services.SearchParams(q='养老服务补贴'), record=False).results])"],
            env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert "关于开展养老服务补贴发放工作的通知" in found.stdout, found.stderr

        again = _gongkai(env, "restore", str(archive))
        assert again.returncode == 1 and "只能恢复到空的数据目录和空数据库" in again.stderr


@pytest.mark.django_db(transaction=True)
def test_writers_keep_working_while_a_backup_holds_its_snapshot(agency, settings, tmp_path):
    """Another connection inserts and commits while the backup is between tables; the archive holds the
    database as it was when the backup began."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    if connection.vendor == "sqlite":
        # The test database lives in memory; the backup of a live file in WAL mode is what production runs.
        live = tmp_path / "live.sqlite3"
        with sqlite3.connect(connection.settings_dict["NAME"], uri=True) as source, sqlite3.connect(live) as target:
            source.backup(target)
            target.execute("PRAGMA journal_mode=WAL")
        # Made here rather than registered in settings.DATABASES: Django's test case allows only its own aliases.
        database = SQLiteWrapper({**connection.settings_dict, "NAME": str(live)}, alias="live")

        def writer_connection():
            return sqlite3.connect(live, timeout=DEADLINE_SECONDS)
    else:
        import psycopg

        database = connection

        def writer_connection():
            return psycopg.connect(**_pg_params(connection.settings_dict))

    def count(conn) -> int:
        return conn.execute("SELECT count(*) FROM search_indexchange").fetchone()[0]

    with writer_connection() as conn:
        rows_before = count(conn)
    outcome: list[object] = []

    def write() -> None:
        try:
            with writer_connection() as conn:
                conn.execute("INSERT INTO search_indexchange (document_id, created_at) VALUES (424242, %s)"
                             .replace("%s", "?" if database.vendor == "sqlite" else "%s"),
                             ["2026-03-02 10:00:00" if database.vendor == "sqlite" else dt.datetime.now(dt.UTC)])
                conn.commit()
            outcome.append("committed")
        except Exception as exc:  # the failure itself is what the test reports
            outcome.append(exc)

    def progress(table: str, rows: int) -> None:
        if not outcome:
            writer = threading.Thread(target=write)
            writer.start()
            writer.join(DEADLINE_SECONDS)
            if writer.is_alive():
                outcome.append("still waiting for a lock")

    try:
        archive = tmp_path / "during-writes.tar.gz"
        backup(archive, database=database, progress=progress)
    finally:
        if database is not connection:
            database.close()
    assert outcome == ["committed"]
    with writer_connection() as conn:
        assert count(conn) == rows_before + 1
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        dump = tar.extractfile("db/search_indexchange.jsonl").read().decode().splitlines()
    assert manifest["tables"]["search_indexchange"] == rows_before == len(dump) - 1


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_has_data(instance, tmp_path):
    archive = tmp_path / "b.tar.gz"
    backup(archive)
    agencies = Agency.objects.count()
    with pytest.raises(DomainError, match="只能恢复到空的数据目录和空数据库（数据库已有数据、数据目录中已有附件）"):
        restore(archive)
    assert Agency.objects.count() == agencies


def _rewrite(archive: Path, change) -> None:
    """Rebuild the archive with `change(name, data)` applied to each member's bytes."""
    members = []
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            members.append((member, change(member.name, tar.extractfile(member).read())))
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for member, data in members:
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
    archive.write_bytes(gzip.compress(buffer.getvalue()))


@pytest.mark.django_db(transaction=True)
def test_a_damaged_archive_is_refused_before_anything_changes(instance, tmp_path):
    archive = tmp_path / "b.tar.gz"
    backup(archive)
    _rewrite(archive, lambda name, data: data.replace(b"%PDF", b"%PDX") if name.startswith("media/") else data)
    with pytest.raises(DomainError, match="已损坏.*SHA-256"):
        read_archive(archive, tmp_path / "unpacked")
    _rewrite(archive, lambda name, data: data)
    archive.write_bytes(archive.read_bytes()[:200])
    with pytest.raises(DomainError, match="无法读取"):
        read_archive(archive, tmp_path / "unpacked2")


def test_an_archive_with_a_path_outside_its_folders_is_refused(tmp_path):
    archive = tmp_path / "evil.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo("../outside")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(DomainError, match="不应出现的内容"):
        read_archive(archive, tmp_path / "unpacked")
    assert not (tmp_path / "outside").exists()


@pytest.mark.django_db
def test_backup_into_a_missing_folder_or_onto_a_folder_says_so(tmp_path):
    with pytest.raises(DomainError, match="目录不存在"):
        backup(tmp_path / "missing" / "b.tar.gz")
    with pytest.raises(DomainError, match="是目录"):
        backup(tmp_path)


def test_the_commands_round_trip_an_instance_and_warn_about_keys(tmp_path):
    """`gongkai backup` and `gongkai restore` as an operator runs them, on the embedded default."""
    source = _env(tmp_path / "a")
    assert _gongkai(source, "manage", "migrate", "-v", "0").returncode == 0
    archive = tmp_path / "nightly.tar.gz"
    done = _gongkai(source, "backup", str(archive))
    assert done.returncode == 0, done.stderr
    assert "备份完成" in done.stdout and KEYS_WARNING in done.stdout
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    restored = _gongkai(_env(tmp_path / "b"), "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert (tmp_path / "b" / "secret_key").read_bytes() == (tmp_path / "a" / "secret_key").read_bytes()
    missing = _gongkai(_env(tmp_path / "c"), "restore", str(tmp_path / "nothing.tar.gz"))
    assert missing.returncode == 1 and "找不到备份文件" in missing.stderr


@pytest.mark.django_db(transaction=True)
def test_force_replaces_the_data_and_keeps_the_old_files_aside(instance, tmp_path):
    archive = tmp_path / "b.tar.gz"
    backup(archive)
    files_then = _files(instance / "media")
    agencies_then = set(Agency.objects.values_list("code", flat=True))
    factories.make_agency("11000000LATE00001X", "备份之后新建的机关")
    (instance / "media" / "later.txt").write_text("备份之后的文件")
    summary = restore(archive, force=True)
    assert set(Agency.objects.values_list("code", flat=True)) == agencies_then
    assert _files(instance / "media") == files_then
    (aside,) = instance.glob("media.before-restore-*")
    assert (aside / "later.txt").read_text() == "备份之后的文件"
    assert summary.indexed == 1 and any(str(aside) in note for note in summary.notes)
    assert stat.S_IMODE((instance / "media").stat().st_mode) == 0o700
