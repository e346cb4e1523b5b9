"""Backup and restore of a whole instance: the database, the uploaded files and reply letters, the key files.

The archive is a tar.gz holding `db/<table>.jsonl` (a header line, then one JSON array per row, read from
one consistent snapshot: a deferred read transaction on SQLite in WAL mode, a REPEATABLE READ READ ONLY
transaction on PostgreSQL, so writers are never blocked), `media/...` (MEDIA_ROOT), `keys/...` (every
`*key*` file at the top of the data folder) and `manifest.json` (format and app version, migration state,
row counts, a SHA-256 per member and a fingerprint of the non-secret settings). Column values are stored as
the database returned them (ciphertext stays ciphertext), so a restore writes back exactly what was read.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import hashlib
import io
import ipaddress
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from gongkai.core.errors import DomainError

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper

FORMAT = "gongkai-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
ROWS_PER_BATCH = 500
# Rows that `migrate` itself writes into a new database; a database holding only these is still empty.
FILLED_BY_MIGRATE = frozenset({"django_content_type", "auth_permission", "search_synonym", "assessment_scheme",
                               "assessment_schemeindicator"})
KEYS_WARNING = ("注意：备份文件含有密钥（secret_key 等），持有它即可伪造登录、解密数据；"
                "请与数据库同等保管（仅限管理员可读、异地加密存放），不要放在网站目录或共享盘中。")

Progress = Callable[[str, int], None]


@dataclass
class BackupSummary:
    path: Path
    tables: dict[str, int]
    files: int
    keys: list[str]
    size: int
    warnings: list[str] = field(default_factory=list)


@dataclass
class RestoreSummary:
    tables: dict[str, int]
    files: int
    keys: list[str]
    indexed: int
    settings_match: bool
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Table:
    name: str
    pk: str
    columns: tuple[str, ...]
    kinds: tuple[str, ...]


# ---------------------------------------------------------------------------------------------- values


def _encode(value: Any) -> Any:
    """A database value as JSON; types JSON lacks are tagged so they come back as the same Python type."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$b": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, dt.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$d": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$t": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"$td": [value.days, value.seconds, value.microseconds]}
    if isinstance(value, decimal.Decimal):
        return {"$n": str(value)}
    if isinstance(value, uuid.UUID):
        return {"$u": str(value)}
    if isinstance(value, dict | list):
        return {"$j": value}
    if isinstance(value, ipaddress.IPv4Address | ipaddress.IPv6Address | ipaddress.IPv4Network
                  | ipaddress.IPv6Network | ipaddress.IPv4Interface | ipaddress.IPv6Interface):
        return {"$s": str(value)}
    raise TypeError(f"不支持备份的数据库值类型：{type(value).__name__}")


def _decode(value: Any, vendor: str) -> Any:
    if not isinstance(value, dict):
        return value
    (tag, raw), = value.items()
    if tag == "$b":
        return base64.b64decode(raw)
    if tag == "$dt":
        return dt.datetime.fromisoformat(raw)
    if tag == "$d":
        return dt.date.fromisoformat(raw)
    if tag == "$t":
        return dt.time.fromisoformat(raw)
    if tag == "$td":
        return dt.timedelta(days=raw[0], seconds=raw[1], microseconds=raw[2])
    if tag == "$n":
        return decimal.Decimal(raw)
    if tag == "$u":
        return uuid.UUID(raw)
    if tag == "$j":
        if vendor == "postgresql":
            from psycopg.types.json import Jsonb

            return Jsonb(raw)
        return json.dumps(raw, ensure_ascii=False)
    if tag == "$s":
        return raw
    raise DomainError(f"备份文件中有无法识别的值标记 {tag}。")


# --------------------------------------------------------------------------------------------- helpers


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _strip_password(url: str) -> str:
    """A URL without the password in its user part (DATABASE_URL, GONGKAI_REDIS_URL)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "?"
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}@{host}"))


def _is_secret(name: str) -> bool:
    return any(word in name for word in ("SECRET", "PASSWORD", "KEY"))


# Where the data folder lives is not configuration a restore should match: a new host often has another path.
_NOT_FINGERPRINTED = {"GONGKAI_DATA_DIR"}


def non_secret_settings() -> dict[str, str]:
    """Every declared setting's value except secrets (passwords in URLs removed)."""
    from gongkai.conf import SETTINGS, env

    values = {}
    for setting in SETTINGS:
        if _is_secret(setting.name) or setting.name in _NOT_FINGERPRINTED:
            continue
        value = env(setting.name)
        values[setting.name] = _strip_password(value) if "://" in value else value
    return values


def settings_fingerprint() -> str:
    """SHA-256 of the non-secret settings: tells whether a restored instance runs with the same configuration."""
    text = json.dumps(non_secret_settings(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _tables(connection: BaseDatabaseWrapper) -> list[_Table]:
    """Every table our models (and their many-to-many links) store rows in, by name."""
    from django.apps import apps

    existing = set(connection.introspection.table_names())
    found: dict[str, _Table] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.managed or meta.proxy or meta.db_table not in existing:
            continue
        fields = meta.concrete_fields
        found[meta.db_table] = _Table(meta.db_table, meta.pk.column, tuple(f.column for f in fields),
                                      tuple(f.get_internal_type() for f in fields))
    return [found[name] for name in sorted(found)]


def _key_files(data_dir: Path) -> list[Path]:
    return sorted(p for p in data_dir.iterdir() if p.is_file() and "key" in p.name.lower())


def _media_files(media_root: Path) -> Iterator[Path]:
    if media_root.is_dir():
        for path in sorted(media_root.rglob("*")):
            if path.is_file() and not path.is_symlink():
                yield path


@contextmanager
def _snapshot(connection: BaseDatabaseWrapper) -> Iterator[Callable[[str, Any], Any]]:
    """A read-only view of the whole database at one moment, on a connection of its own; yields `execute`.

    SQLite in WAL mode: a deferred transaction's first read fixes what it sees, and writers carry on.
    PostgreSQL: REPEATABLE READ READ ONLY, which takes no lock a writer waits for."""
    if connection.vendor == "sqlite":
        raw = sqlite3.connect(connection.settings_dict["NAME"], uri=True, isolation_level=None, timeout=30)
        try:
            raw.execute("BEGIN DEFERRED")
            raw.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot starts here
            yield raw.execute
        finally:
            raw.close()
    elif connection.vendor == "postgresql":
        import psycopg

        params = {k: v for k, v in connection.get_connection_params().items()
                  if k not in ("cursor_factory", "context", "prepare_threshold", "pool")}
        with psycopg.connect(autocommit=True, **params) as raw:
            raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                yield raw.execute
            finally:
                raw.execute("ROLLBACK")
    else:
        raise DomainError(f"不支持备份 {connection.vendor} 数据库。")


def _migration_state(execute: Callable[[str, Any], Any]) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in execute("SELECT app, name FROM django_migrations ORDER BY app, name", ()).fetchall():
        applied.setdefault(app, []).append(name)
    return applied


def _pending_migrations(applied: dict[str, list[str]]) -> list[str]:
    """Migrations of this program the snapshot's database has not applied."""
    from django.db.migrations.loader import MigrationLoader

    done = {(app, name) for app, names in applied.items() for name in names}
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    return sorted(f"{app}.{name}" for app, name in graph.nodes if (app, name) not in done)


class _HashingReader:
    """Hands a file to tarfile while hashing exactly the bytes that go into the archive."""

    def __init__(self, f: IO[bytes]):
        self.f = f
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.f.read(size)
        self.digest.update(data)
        return data


def _add_file(tar: tarfile.TarFile, name: str, path: Path) -> dict:
    with path.open("rb") as f:
        info = tar.gettarinfo(fileobj=f, arcname=name)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        info.mode = 0o600
        reader = _HashingReader(f)
        tar.addfile(info, reader)
    return {"sha256": reader.digest.hexdigest(), "size": info.size}


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(dt.datetime.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


# ---------------------------------------------------------------------------------------------- backup


def backup(target: str | os.PathLike, *, database: BaseDatabaseWrapper | None = None,
           progress: Progress | None = None) -> BackupSummary:
    """Write a consistent archive of the database (default: Django's default connection), MEDIA_ROOT and the
    data folder's key files to `target`; it appears only once complete and is readable by its owner only."""
    from django.conf import settings
    from django.db import connection as default_connection

    import gongkai

    target = Path(target).expanduser().resolve()
    if target.is_dir():
        raise DomainError(f"{target} 是目录，请给出备份文件名，例如 {target / 'gongkai-backup.tar.gz'}。")
    if not target.parent.is_dir():
        raise DomainError(f"备份文件所在的目录不存在：{target.parent}")
    database = database or default_connection
    if "django_migrations" not in database.introspection.table_names():
        raise DomainError("数据库尚未初始化，没有可备份的数据（请确认 GONGKAI_DATA_DIR 和 DATABASE_URL 指向在用的实例）。")
    data_dir = Path(settings.DATA_DIR)
    media_root = Path(settings.MEDIA_ROOT)
    tables = _tables(database)
    vendor = database.vendor
    manifest: dict[str, Any] = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "app_version": gongkai.__version__,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "database": vendor,
        "settings_fingerprint": settings_fingerprint(), "settings_names": sorted(non_secret_settings()),
        "tables": {}, "migrations": {}, "files": {}, "keys": [],
    }
    referenced: set[str] = set()
    fd, partial = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.fchmod(fd, 0o600)
    try:
        with os.fdopen(fd, "wb") as raw_out, tempfile.TemporaryDirectory(prefix="gongkai-backup-") as work:
            with tarfile.open(fileobj=raw_out, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
                with _snapshot(database) as execute:
                    manifest["migrations"] = _migration_state(execute)
                    pending = _pending_migrations(manifest["migrations"])
                    if pending:
                        raise DomainError("数据库尚未升级到当前程序的版本（待执行的迁移：" + "、".join(pending[:5]) +
                                          "）。请用写入这些数据的程序版本备份，或运行 gongkai manage migrate 后再备份。")
                    for table in tables:
                        dump = Path(work) / f"{table.name}.jsonl"
                        rows = _dump_table(execute, table, dump, referenced, vendor)
                        name = f"db/{table.name}.jsonl"
                        manifest["files"][name] = _add_file(tar, name, dump)
                        manifest["tables"][table.name] = rows
                        dump.unlink()
                        if progress:
                            progress(table.name, rows)
                # Stored files are written once under a new name before the row naming them commits, so every
                # file the snapshot refers to is already there.
                for path in _media_files(media_root):
                    name = "media/" + path.relative_to(media_root).as_posix()
                    manifest["files"][name] = _add_file(tar, name, path)
                for path in _key_files(data_dir):
                    name = f"keys/{path.name}"
                    manifest["files"][name] = _add_file(tar, name, path)
                    manifest["keys"].append(path.name)
                _add_bytes(tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
            raw_out.flush()
            os.fsync(raw_out.fileno())
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)
    missing = sorted(name for name in referenced if f"media/{name}" not in manifest["files"])
    warnings = [f"数据库引用的文件不在数据目录中，未能备份：{name}" for name in missing]
    return BackupSummary(target, manifest["tables"], sum(1 for n in manifest["files"] if n.startswith("media/")),
                         manifest["keys"], target.stat().st_size, warnings)


def _dump_table(execute: Callable[[str, Any], Any], table: _Table, dump: Path, referenced: set[str],
                vendor: str) -> int:
    """Write the table's header and rows (in primary-key order) to `dump`; return the row count."""
    columns = ", ".join(_quote(c) for c in table.columns)
    cursor = execute(f"SELECT {columns} FROM {_quote(table.name)} ORDER BY {_quote(table.pk)}", ())
    file_columns = [i for i, kind in enumerate(table.kinds) if kind in ("FileField", "ImageField")]
    # PostgreSQL hands JSON columns over decoded (a JSON string arrives as a str): mark them all as JSON.
    json_columns = {i for i, kind in enumerate(table.kinds) if kind == "JSONField"} if vendor == "postgresql" else set()
    count = 0
    with dump.open("w", encoding="utf-8") as out:
        header = {"table": table.name, "pk": table.pk, "columns": table.columns, "kinds": table.kinds}
        out.write(json.dumps(header, ensure_ascii=False) + "\n")
        while batch := cursor.fetchmany(ROWS_PER_BATCH):
            for row in batch:
                referenced.update(row[i] for i in file_columns if row[i])
                values = [{"$j": v} if i in json_columns and v is not None else _encode(v) for i, v in enumerate(row)]
                out.write(json.dumps(values, ensure_ascii=False) + "\n")
            count += len(batch)
    return count


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --------------------------------------------------------------------------------------------- restore


def read_archive(source: str | os.PathLike, into: Path) -> dict:
    """Unpack the archive into `into` and check it against its manifest; return the manifest.

    Raise DomainError (in Chinese) when it is not a backup of ours, is damaged or names unexpected paths."""
    source = Path(source).expanduser()
    if not source.is_file():
        raise DomainError(f"找不到备份文件：{source}")
    try:
        with tarfile.open(source, mode="r:gz") as tar:
            for member in tar.getmembers():
                if not (member.isfile() and (member.name == MANIFEST or member.name.startswith(("db/", "media/", "keys/")))):
                    raise DomainError(f"备份文件中有不应出现的内容：{member.name}")
            # The "data" filter refuses absolute paths, "..", links and device files.
            tar.extractall(into, filter="data")
    except (tarfile.TarError, EOFError, OSError, UnicodeDecodeError) as exc:
        raise DomainError(f"备份文件无法读取（不是完整的 tar.gz 备份）：{exc}") from exc
    try:
        manifest = json.loads((into / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DomainError("备份文件缺少有效的 manifest.json，不是本平台的备份。") from exc
    if manifest.get("format") != FORMAT:
        raise DomainError("不是本平台的备份文件（manifest.json 的格式标记不符）。")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise DomainError(f"备份格式版本为 {manifest.get('format_version')}，本程序只能恢复版本 {FORMAT_VERSION}。")
    present = {p.relative_to(into).as_posix() for p in into.rglob("*") if p.is_file()} - {MANIFEST}
    listed = set(manifest["files"])
    if present != listed:
        extra, missing = sorted(present - listed), sorted(listed - present)
        raise DomainError("备份文件与清单不符：" + "；".join(
            ([f"多出 {', '.join(extra[:3])}"] if extra else []) + ([f"缺少 {', '.join(missing[:3])}"] if missing else [])))
    for name, entry in sorted(manifest["files"].items()):
        if _sha256(into / name) != entry["sha256"]:
            raise DomainError(f"备份文件已损坏：{name} 的 SHA-256 校验值与清单不符，未做任何恢复。")
    return manifest


def _database_is_empty(using: str) -> bool:
    from django.db import connections

    connection = connections[using]
    with connection.cursor() as cursor:
        for table in connection.introspection.django_table_names(only_existing=True):
            if table in FILLED_BY_MIGRATE:
                continue
            cursor.execute(f"SELECT 1 FROM {_quote(table)} LIMIT 1")
            if cursor.fetchone():
                return False
    return True


def restore(source: str | os.PathLike, *, force: bool = False, using: str = "default") -> RestoreSummary:
    """Restore an archive made by `backup` into an empty database and data folder (or over them with `force`).

    The archive is checked in full before anything changes; the rows go in within one transaction at the
    migration state they were taken at, then the database is migrated to this version and the index rebuilt."""
    from django.conf import settings
    from django.db import connections

    data_dir = Path(settings.DATA_DIR)
    media_root = Path(settings.MEDIA_ROOT)
    connection = connections[using]
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=data_dir) as work:
        staging = Path(work)
        staging.chmod(0o700)
        manifest = read_archive(source, staging)
        if manifest["database"] != connection.vendor:
            raise DomainError(f"备份来自 {manifest['database']} 数据库，不能恢复到 {connection.vendor}；"
                              "请恢复到同类数据库。")
        targets = _migration_targets(manifest["migrations"], using)
        media_used = any(True for _ in _media_files(media_root))
        db_used = not _database_is_empty(using)
        if (media_used or db_used) and not force:
            where = "、".join((["数据库已有数据"] if db_used else []) + (["数据目录中已有附件"] if media_used else []))
            raise DomainError(f"只能恢复到空的数据目录和空数据库（{where}）。"
                              "确认要用备份覆盖现有数据时，加 --force 重新执行。")
        _load_database(staging, manifest, targets, using)
        from django.core.management import call_command

        call_command("migrate", database=using, interactive=False, verbosity=0)
        if media_used:
            aside = data_dir / f"media.before-restore-{dt.datetime.now():%Y%m%d%H%M%S}"
            media_root.rename(aside)
            notes.append(f"原有附件已移到 {aside}，确认无误后可删除。")
        elif media_root.exists():
            shutil.rmtree(media_root)  # only empty folders are left in it
        if (staging / "media").is_dir():
            (staging / "media").rename(media_root)
        else:
            media_root.mkdir()
        for path in [media_root, *media_root.rglob("*")]:
            path.chmod(0o700 if path.is_dir() else 0o600)
        for name in manifest["keys"]:
            os.replace(staging / "keys" / name, data_dir / name)
            (data_dir / name).chmod(0o600)
    from gongkai.search.indexing import rebuild_index

    indexed = rebuild_index()
    files = sum(1 for n in manifest["files"] if n.startswith("media/"))
    same = manifest["settings_fingerprint"] == settings_fingerprint()
    if any(k == "secret_key" for k in manifest["keys"]) and os.environ.get("GONGKAI_SECRET_KEY"):
        notes.append("已恢复 secret_key 文件，但当前由环境变量 GONGKAI_SECRET_KEY 提供密钥；请确认与备份时一致。")
    return RestoreSummary(manifest["tables"], files, manifest["keys"], indexed, same, notes)


def _migration_targets(archived: dict[str, list[str]], using: str) -> list[tuple[str, str]]:
    """The newest archived migration of each app; refuse an archive made by a newer version of the program."""
    from django.db import connections
    from django.db.migrations.loader import MigrationLoader

    graph = MigrationLoader(connections[using], ignore_no_migrations=True).graph
    unknown = [f"{app}.{name}" for app, names in archived.items() for name in names if (app, name) not in graph.nodes]
    if unknown:
        raise DomainError("备份来自更新版本的程序（本程序不认识这些迁移：" + "、".join(unknown[:5]) +
                          "）。请先升级程序再恢复。")
    targets = []
    for app, names in archived.items():
        applied = {(app, n) for n in names}
        # The archived leaf: an applied migration that no other applied migration of the app depends on.
        leaves = [node for node in applied
                  if not any(child in applied for child in graph.node_map[node].children)]
        targets += sorted(leaves)
    return targets


def _load_database(staging: Path, manifest: dict, targets: list[tuple[str, str]], using: str) -> None:
    """Bring the schema to the archive's migration state, then replace every archived table's rows at once."""
    from django.core.management.color import no_style
    from django.db import connections, transaction
    from django.db.migrations.executor import MigrationExecutor

    from gongkai.core import auditchain

    connection = connections[using]
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    tables = sorted(manifest["tables"])
    with transaction.atomic(using=using):
        guarded = auditchain.guards_present(connection)
        if guarded:
            # The audit log's append-only triggers refuse the flush; a restore replaces the whole log with the
            # archived chain, so they are lifted inside this transaction and put back before it commits.
            with connection.cursor() as cursor:
                auditchain.drop_guards(cursor.execute, connection.vendor)
        # Foreign keys are deferred to the commit on both SQLite and PostgreSQL, so table order does not matter.
        connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables, allow_cascade=False))
        with connection.cursor() as cursor:
            for table in tables:
                loaded = _load_table(cursor, staging / "db" / f"{table}.jsonl", connection.vendor)
                if loaded != manifest["tables"][table]:
                    raise DomainError(f"表 {table} 的行数与清单不符（{loaded} ≠ {manifest['tables'][table]}）。")
            if connection.vendor == "postgresql":
                for table in tables:
                    _reset_sequence(cursor, staging / "db" / f"{table}.jsonl")
            if guarded:
                auditchain.create_guards(cursor.execute, connection.vendor)


def _load_table(cursor, path: Path, vendor: str) -> int:
    with path.open(encoding="utf-8") as f:
        header = json.loads(f.readline())
        columns = ", ".join(_quote(c) for c in header["columns"])
        marks = ", ".join(["%s"] * len(header["columns"]))
        sql = f"INSERT INTO {_quote(header['table'])} ({columns}) VALUES ({marks})"
        count = 0
        batch: list[list[Any]] = []
        for line in f:
            batch.append([_decode(v, vendor) for v in json.loads(line)])
            if len(batch) == ROWS_PER_BATCH:
                cursor.executemany(sql, batch)
                count, batch = count + len(batch), []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _reset_sequence(cursor, path: Path) -> None:
    """Let new rows continue after the restored ones (PostgreSQL keeps the counter outside the table)."""
    with path.open(encoding="utf-8") as f:
        header = json.loads(f.readline())
    table, pk = _quote(header["table"]), _quote(header["pk"])
    cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, header["pk"]])
    (sequence,) = cursor.fetchone()
    if sequence:
        cursor.execute(f"SELECT setval(%s, COALESCE(MAX({pk}), 1), MAX({pk}) IS NOT NULL) FROM {table}", [sequence])
