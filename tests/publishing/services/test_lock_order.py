"""Lock order on PostgreSQL: an audit entry takes the audit chain's lock until commit, so a step must lock every
row it will change before it records. Publishing a repeal locks the repealed document first; a service working
on that document at the same time (lock the row, then record) waits instead of deadlocking."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connection, connections, transaction

from gongkai.core import audit
from gongkai.orgs.roles import Role
from gongkai.publishing import services
from gongkai.publishing.models import Document
from gongkai.publishing.rules import RelationKind, Validity
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)
DEADLINE_SECONDS = 120


def _waiting_on_a_lock(exclude: set[int]) -> bool:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")
        return any(pid not in exclude for (pid,) in cursor.fetchall())


def test_publishing_a_repeal_while_the_target_is_being_changed_does_not_deadlock(agency):
    if connection.vendor != "postgresql":
        pytest.skip("the audit chain's lock is PostgreSQL's (SQLite serialises writers with its write lock)")
    team = factories.make_team(agency)
    target = factories.make_document(team, agency, title="旧办法", doc_number="测政发〔2020〕1号")
    source = factories.make_document(team, agency, publish=False, title="新办法", relations=[
        (RelationKind.REPEALS, target.pk)], effective_on=dt.date(2026, 4, 1))
    factories.advance(team, source)
    _publish_while_changed(team, target, source)
    assert Document.objects.get(pk=target.pk).validity == Validity.REPEALED
    assert Document.objects.get(pk=source.pk).live_revision_id is not None


def test_publishing_a_newer_version_while_the_older_one_is_being_changed_does_not_deadlock(agency):
    if connection.vendor != "postgresql":
        pytest.skip("the audit chain's lock is PostgreSQL's (SQLite serialises writers with its write lock)")
    team = factories.make_team(agency)
    rule = dict(title="测试市物业管理办法", doc_type="地方政府规章", doc_number="")
    older = factories.advance(team, factories.make_document(team, agency, publish=False, **rule))
    services.publish_document(team[Role.PUBLISHER], older, published_on=dt.date(2020, 1, 1))
    newer = factories.advance(team, factories.make_document(team, agency, publish=False, **rule))
    # Publishing the newer version marks the older one 已修订 (services.versions), so it locks it first.
    _publish_while_changed(team, older, newer)
    older.refresh_from_db()
    assert older.validity == Validity.AMENDED and older.superseded
    assert Document.objects.get(pk=newer.pk).live_revision_id is not None


def _publish_while_changed(team, target: Document, source: Document, **publish) -> None:
    """Publish `source` while another transaction holds `target`'s row lock and is about to record."""
    errors: list[BaseException] = []
    locked, go = threading.Event(), threading.Event()
    pids: set[int] = set()

    def change_target() -> None:
        # What a service on the target does: lock its row, then record (which takes the chain lock).
        try:
            with transaction.atomic():
                Document.objects.select_for_update().get(pk=target.pk)
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    pids.add(cursor.fetchone()[0])
                locked.set()
                go.wait(DEADLINE_SECONDS)
                audit.record(team[Role.PUBLISHER], "note", target, comment="同时办理")
        except BaseException as exc:  # noqa: BLE001 — reported by the test below
            errors.append(exc)
        finally:
            connection.close()

    def publish_source() -> None:
        try:
            services.publish_document(team[Role.PUBLISHER], source, **publish)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    first = threading.Thread(target=change_target)
    first.start()
    assert locked.wait(DEADLINE_SECONDS)
    second = threading.Thread(target=publish_source)
    second.start()
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not _waiting_on_a_lock(pids):  # publishing has reached the target's row lock and waits there
        assert time.monotonic() < deadline, "publishing never waited on the target"
        time.sleep(0.05)
    go.set()
    first.join(DEADLINE_SECONDS)
    second.join(DEADLINE_SECONDS)
    assert not errors, errors
