"""The audit log as a hash chain (SM3, GB/T 32905) guarded by database triggers: append-only, and provably so.

Each entry stores the hash of the entry before it (`prev_hash`) and its own `hash`: SM3 over a canonical
serialisation of its content, prev_hash included. Changing, removing or reordering an entry breaks the chain at
that point; `verify()` finds the first break. Triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL),
so the application cannot alter the log and an attacker must first drop them (which verify then exposes).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import connections
from gmssl import func, sm3

# The hash the first entry points back to.
GENESIS = "0" * 64

# The content each hash covers; every stored field but the id and the hash itself.
CHAINED_FIELDS = ("created_at", "actor_id", "actor_name", "action", "object_type", "object_id", "from_state",
                  "to_state", "comment", "duty", "duty_subject", "data", "client_address", "user_agent",
                  "prev_hash")

# Any fixed 64-bit number: the PostgreSQL advisory lock that serialises appends to the chain.
CHAIN_LOCK = 0x676F6E676B6169  # "gongkai"

TABLE = "core_auditentry"
TRIGGERS = {
    "sqlite": [
        f"CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
        "BEGIN SELECT RAISE(ABORT, '审计日志只能追加，不能修改'); END",
        f"CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
        "BEGIN SELECT RAISE(ABORT, '审计日志只能追加，不能删除'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION gongkai_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        # No percent sign: the statement goes through parameter formatting.
        "BEGIN RAISE EXCEPTION USING MESSAGE = '审计日志只能追加，不能修改或删除（' || TG_OP || '）'; END $$",
        f"CREATE TRIGGER {TABLE}_no_change BEFORE UPDATE OR DELETE ON {TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION gongkai_audit_append_only()",
        f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
        "FOR EACH STATEMENT EXECUTE FUNCTION gongkai_audit_append_only()",
    ],
}
DROP_TRIGGERS = {
    "sqlite": [f"DROP TRIGGER IF EXISTS {TABLE}_no_update", f"DROP TRIGGER IF EXISTS {TABLE}_no_delete"],
    "postgresql": [f"DROP TRIGGER IF EXISTS {TABLE}_no_change ON {TABLE}",
                   f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}",
                   "DROP FUNCTION IF EXISTS gongkai_audit_append_only()"],
}


def _plain(value: Any) -> Any:
    # PostgreSQL's jsonb gives 1e20 back as the integer 100000000000000000000: whole floats hash as integers.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def canonical(values: dict[str, Any]) -> bytes:
    """The bytes an entry's hash covers: its chained fields as JSON, keys sorted, time in UTC (ISO 8601)."""
    content = {name: values[name] for name in CHAINED_FIELDS}
    content["data"] = _plain(content["data"])
    content["created_at"] = values["created_at"].astimezone(dt.UTC).isoformat(timespec="microseconds")
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sm3_hex(data: bytes) -> str:
    """SM3 digest in hex: OpenSSL's when it has SM3 (a thousand times faster), else gmssl's pure Python."""
    if "sm3" in hashlib.algorithms_available:
        return hashlib.new("sm3", data).hexdigest()
    return sm3.sm3_hash(func.bytes_to_list(data))


def entry_hash(values: dict[str, Any]) -> str:
    """SM3 of the canonical serialisation, 64 hex digits."""
    return sm3_hex(canonical(values))


def values_of(entry: Any) -> dict[str, Any]:
    """The chained fields of a model instance (current or historical)."""
    return {name: getattr(entry, name) for name in CHAINED_FIELDS}


def seal(entry: Any, using: str) -> None:
    """Link a new entry to the head of the chain and set its hash; call inside the inserting transaction.

    On PostgreSQL an advisory lock held to commit serialises appends, so two writers never read the same head.
    On SQLite the transaction already holds the write lock (Django opens it with BEGIN IMMEDIATE, see
    settings), so the head read here cannot go stale before the insert. The unique prev_hash is the backstop:
    a fork fails instead of being stored.

    Because the lock is held to commit, a service should lock the rows it needs before its first record():
    one that records and then locks a row another transaction holds while waiting to record deadlocks
    (PostgreSQL detects it and aborts one of the two)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
    # What the database will give back: JSON round-tripped (tuples become lists, keys strings).
    entry.data = json.loads(json.dumps(entry.data or {}))
    head = type(entry).objects.using(using).order_by("-id").values_list("hash", flat=True).first()
    entry.prev_hash = head or GENESIS
    entry.hash = entry_hash(values_of(entry))


def guards_present(connection) -> bool:
    """Whether the append-only triggers exist in this database."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = %s",
                           [f"{TABLE}_no_delete"])
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = %s", [f"{TABLE}_no_change"])
        else:
            return False
        return cursor.fetchone() is not None


def create_guards(execute, vendor: str) -> None:
    """Create the append-only triggers with `execute` (a cursor's or schema editor's)."""
    for statement in TRIGGERS.get(vendor, []):
        execute(statement)


def drop_guards(execute, vendor: str) -> None:
    """Drop the append-only triggers (migrating back, or flushing a test database)."""
    for statement in DROP_TRIGGERS.get(vendor, []):
        execute(statement)


@dataclass
class Break:
    """The first broken link: which entry, when it was written, and what does not match."""

    entry_id: int
    created_at: dt.datetime
    problem: str


@dataclass
class Verification:
    """The outcome of walking the chain: entries checked, the head hash, and the first break if any."""

    count: int
    head: str
    broken: Break | None = None
    anchor_found: bool | None = None


def verify(using: str = "default", anchor: str | None = None) -> Verification:
    """Walk the chain in id order and return the first entry whose hash or link does not match.

    `anchor`, a head hash recorded elsewhere earlier, must still be in the chain: rewriting the whole tail
    (hashes recomputed) or cutting it off is detectable only against such an outside record."""
    from gongkai.core.models import AuditEntry

    entries = AuditEntry.objects.using(using).order_by("id")
    expected, previous_id, count = GENESIS, None, 0
    anchor_found = None if anchor is None else False
    for row in entries.values("id", "hash", *CHAINED_FIELDS).iterator(chunk_size=2000):
        problem = None
        if not row["hash"]:
            problem = "该记录没有哈希，未经审计服务写入（可能由他人直接插入数据库）"
        elif entry_hash(row) != row["hash"]:
            problem = "记录内容与其哈希不符：该记录写入后被改动"
        elif row["prev_hash"] != expected:
            problem = _link_problem(entries, row, previous_id)
        if problem:
            return Verification(count, expected, Break(row["id"], row["created_at"], problem), anchor_found)
        expected, previous_id, count = row["hash"], row["id"], count + 1
        if anchor is not None and row["hash"] == anchor.strip().lower():
            anchor_found = True
    return Verification(count, expected, None, anchor_found)


def _link_problem(entries, row: dict[str, Any], previous_id: int | None) -> str:
    """Why an entry's prev_hash does not name the entry before it, in words an auditor can act on."""
    if previous_id is None:
        return "第一条记录的前一哈希不是链首：更早的记录被删除"
    named = entries.filter(hash=row["prev_hash"]).values_list("id", flat=True).first()
    if named is None:
        return (f"前一哈希指向的记录已不存在：编号 {previous_id} 与 {row['id']} 之间的记录被删除，"
                f"或编号 {previous_id} 的记录被改动后重算了哈希")
    return f"前一哈希指向编号 {named} 的记录，而不是紧邻的编号 {previous_id}：记录顺序被改动"
