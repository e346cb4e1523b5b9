"""The one helper of the PostgreSQL-only search migrations (the module name starts with _, so Django does not
load it as a migration)."""


def on_postgres(statements: list[str]):
    """A RunPython function that executes `statements` on PostgreSQL and does nothing on SQLite, where the
    embedded index keeps its own files."""
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)
    return run
