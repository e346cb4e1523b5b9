"""Django's flush, able to empty the append-only audit log: its triggers are lifted for the flush only.

Emptying the whole database is an operator's deliberate act (and what test teardown does); the triggers stop
the application from editing the log, not the database owner from starting over.
"""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections

from gongkai.core import auditchain


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        guarded = auditchain.guards_present(connection)
        if not guarded:
            return super().handle(**options)
        with connection.cursor() as cursor:
            auditchain.drop_guards(cursor.execute, connection.vendor)
        try:
            return super().handle(**options)
        finally:
            with connection.cursor() as cursor:
                auditchain.create_guards(cursor.execute, connection.vendor)
