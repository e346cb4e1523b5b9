"""The audit log as an SM3 chain behind append-only triggers (core.auditchain): tampering is refused or found."""

from __future__ import annotations

import hashlib
import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction

from gongkai.core import auditchain
from gongkai.core.audit import record
from gongkai.core.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db


def _entries(agency, count: int) -> list[AuditEntry]:
    return [record(None, f"step_{n}", agency, comment=f"第 {n} 步") for n in range(count)]


def _as_attacker(*statements: tuple[str, list]) -> None:
    """Someone with database access: drops the triggers, runs raw SQL, puts the triggers back."""
    with connection.cursor() as cursor:
        auditchain.drop_guards(cursor.execute, connection.vendor)
        for sql, params in statements:
            cursor.execute(sql, params)
        auditchain.create_guards(cursor.execute, connection.vendor)


def test_sm3_matches_the_standard_vector_in_both_implementations():
    # GB/T 32905-2016, example 1: SM3("abc").
    expected = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    from gmssl import func, sm3

    assert sm3.sm3_hash(func.bytes_to_list(b"abc")) == expected
    assert auditchain.sm3_hex(b"abc") == expected
    if "sm3" in hashlib.algorithms_available:
        assert hashlib.new("sm3", b"abc").hexdigest() == expected


def test_a_migrated_database_has_the_triggers():
    assert auditchain.guards_present(connection)


@pytest.mark.parametrize("sql", [
    "UPDATE core_auditentry SET comment = 'x' WHERE id = %s",
    "UPDATE core_auditentry SET actor_id = NULL WHERE id = %s",
    "DELETE FROM core_auditentry WHERE id = %s",
])
def test_raw_update_and_delete_are_refused_by_the_database(agency, sql):
    entry = record(None, "create", agency, comment="原文")
    with pytest.raises(DatabaseError, match="审计日志只能追加"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [entry.pk])
    entry.refresh_from_db()
    assert entry.comment == "原文"


def test_queryset_update_and_delete_are_refused_too(agency):
    record(None, "create", agency)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.update(comment="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.filter(comment="x").count() == 0


def test_entries_link_to_the_one_before(agency):
    first, second, third = _entries(agency, 3)
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert first.prev_hash == (AuditEntry.objects.filter(pk__lt=first.pk).order_by("-id")
                               .values_list("hash", flat=True).first() or auditchain.GENESIS)
    third.refresh_from_db()
    assert third.hash == auditchain.entry_hash(auditchain.values_of(third)), "what is read back hashes the same"


def test_hash_covers_time_in_utc_and_data_as_stored(agency):
    entry = record(None, "create", agency, numbers=(1, 2), nested={"b": 1, "a": "中文"}, big=1e20, half=0.5)
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.data == {"numbers": [1, 2], "nested": {"a": "中文", "b": 1}, "big": 1e20, "half": 0.5}
    assert auditchain.entry_hash(auditchain.values_of(stored)) == stored.hash
    text = auditchain.canonical(auditchain.values_of(stored)).decode()
    assert text.startswith('{"action":"create","actor_id":null,') and '+00:00"' in text


def test_a_clean_log_verifies(agency):
    _entries(agency, 4)
    result = auditchain.verify()
    assert result.broken is None
    assert result.count == AuditEntry.objects.count() and result.head == AuditEntry.objects.latest("id").hash


def test_an_entry_changed_behind_the_triggers_is_reported(agency):
    entries = _entries(agency, 5)
    _as_attacker(("UPDATE core_auditentry SET comment = %s WHERE id = %s", ["已批准", entries[2].pk]))
    broken = auditchain.verify().broken
    assert broken is not None and broken.entry_id == entries[2].pk
    assert "改动" in broken.problem
    assert auditchain.guards_present(connection)


def test_an_entry_changed_with_its_hash_recomputed_breaks_the_next_link(agency):
    entries = _entries(agency, 4)
    forged = auditchain.values_of(AuditEntry.objects.get(pk=entries[1].pk))
    forged["comment"] = "伪造的意见"
    _as_attacker(("UPDATE core_auditentry SET comment = %s, hash = %s WHERE id = %s",
                  ["伪造的意见", auditchain.entry_hash(forged), entries[1].pk]))
    broken = auditchain.verify().broken
    assert broken.entry_id == entries[2].pk
    assert str(entries[1].pk) in broken.problem


def test_a_deleted_middle_entry_is_reported(agency):
    entries = _entries(agency, 5)
    _as_attacker(("DELETE FROM core_auditentry WHERE id = %s", [entries[2].pk]))
    broken = auditchain.verify().broken
    assert broken.entry_id == entries[3].pk
    assert "删除" in broken.problem and str(entries[1].pk) in broken.problem


def test_a_cut_off_tail_is_found_only_against_an_anchor(agency):
    entries = _entries(agency, 4)
    anchor = entries[-1].hash
    assert auditchain.verify(anchor=anchor).anchor_found is True
    _as_attacker(("DELETE FROM core_auditentry WHERE id = %s", [entries[-1].pk]))
    result = auditchain.verify(anchor=anchor)
    assert result.broken is None and result.anchor_found is False


def test_an_entry_inserted_around_the_service_is_reported(agency):
    entries = _entries(agency, 2)
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO core_auditentry (created_at, actor_name, action, object_type, object_id, "
                       "from_state, to_state, comment, duty, duty_subject, data, client_address, user_agent, "
                       "prev_hash, hash) VALUES (%s, '', 'forged', 'x', '1', '', '', '', '', '', '{}', '', '', "
                       "%s, '')", [entries[-1].created_at, "f" * 64])
    broken = auditchain.verify().broken
    assert broken.entry_id > entries[-1].pk and "没有哈希" in broken.problem


def test_a_fork_is_refused_by_the_unique_link(agency):
    entry = record(None, "create", agency)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO core_auditentry (created_at, actor_name, action, object_type, object_id, "
                       "from_state, to_state, comment, duty, duty_subject, data, client_address, user_agent, "
                       "prev_hash, hash) VALUES (%s, '', 'fork', 'x', '1', '', '', '', '', '', '{}', '', '', "
                       "%s, %s)", [entry.created_at, entry.prev_hash, "e" * 64])


def test_a_user_who_acted_cannot_be_deleted_only_deactivated(agency):
    from django.db.models import ProtectedError

    actor = factories.make_staff(agency, "drafter", username="acted")
    idle = factories.make_staff(agency, "drafter", username="idle")
    record(actor, "create", agency)
    with pytest.raises(ProtectedError), transaction.atomic():
        actor.delete()
    idle.delete()
    actor.is_active = False
    actor.save()
    assert AuditEntry.objects.filter(actor=actor).exists() and auditchain.verify().broken is None


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain(agency):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers with its write lock; the advisory lock is PostgreSQL's")
    writers, per_writer = 6, 8
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            start.wait()
            for k in range(per_writer):
                with transaction.atomic():
                    record(None, f"writer_{n}", agency, k=k)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    result = auditchain.verify()
    assert result.broken is None
    assert AuditEntry.objects.filter(action__startswith="writer_").count() == writers * per_writer
    assert AuditEntry.objects.values("prev_hash").distinct().count() == AuditEntry.objects.count()
