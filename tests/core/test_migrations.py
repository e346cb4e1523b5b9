"""Upgrading to the tamper-evident audit log (core 0003): old entries are chained in id order, the triggers
arrive after publishing's backfill, and going back removes them."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.loader import MigrationLoader

from gongkai.core import auditchain
from tests.migrating import latest, migrate_to

BEFORE = [("core", "0002_serial_counters_and_duties"), ("publishing", "0003_public_status_data")]


def test_the_chain_migration_runs_after_the_backfill_that_updates_audit_rows():
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    plan = graph.forwards_plan(("core", "0003_audit_append_only_chain"))
    assert ("publishing", "0003_public_status_data") in plan


@pytest.mark.django_db(transaction=True)
def test_old_entries_are_chained_and_the_triggers_come_and_go():
    old = migrate_to(BEFORE)
    try:
        assert not auditchain.guards_present(connection)
        AuditEntry = old.get_model("core", "AuditEntry")
        User = old.get_model("auth", "User")
        clerk = User.objects.create(username="old-clerk")
        made = [AuditEntry.objects.create(action=f"old_{n}", object_type="x.y", object_id=str(n),
                                          actor=clerk if n % 2 else None, data={"n": n}) for n in range(5)]
        migrate_to(latest())
        assert auditchain.guards_present(connection)
        result = auditchain.verify()
        assert result.broken is None and result.count == 5
        from gongkai.core.models import AuditEntry as Current

        chained = list(Current.objects.order_by("id"))
        assert [e.pk for e in chained] == [e.pk for e in made]
        assert chained[0].prev_hash == auditchain.GENESIS and chained[1].prev_hash == chained[0].hash
        with pytest.raises(DatabaseError), transaction.atomic():
            Current.objects.filter(pk=made[0].pk).update(comment="改")
        migrate_to(BEFORE)
        assert not auditchain.guards_present(connection)
    finally:
        migrate_to(latest())
