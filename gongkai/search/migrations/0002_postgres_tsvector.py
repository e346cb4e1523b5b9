"""The PostgreSQL backend's full-text column: a tsvector with a GIN index (nothing happens on SQLite)."""

from django.db import migrations

FORWARD = [
    "ALTER TABLE search_entry ADD COLUMN IF NOT EXISTS tsv tsvector NOT NULL DEFAULT ''::tsvector",
    "CREATE INDEX IF NOT EXISTS search_entry_tsv ON search_entry USING gin (tsv)",
    "CREATE INDEX IF NOT EXISTS search_entry_published ON search_entry (published_on DESC, document_id DESC)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS search_entry_published",
    "DROP INDEX IF EXISTS search_entry_tsv",
    "ALTER TABLE search_entry DROP COLUMN IF EXISTS tsv",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)
    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
