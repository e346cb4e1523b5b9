"""The PostgreSQL backend's full-text columns: title and body tsvectors with GIN indexes (nothing happens
on SQLite). They are separate so that title matches, phrase checks and ranking never read a long body."""

from django.db import migrations

from gongkai.search.migrations._postgres import on_postgres

FORWARD = [
    "ALTER TABLE search_entry ADD COLUMN IF NOT EXISTS tsv_title tsvector NOT NULL DEFAULT ''::tsvector",
    "ALTER TABLE search_entry ADD COLUMN IF NOT EXISTS tsv tsvector NOT NULL DEFAULT ''::tsvector",
    "CREATE INDEX IF NOT EXISTS search_entry_tsv_title ON search_entry USING gin (tsv_title)",
    "CREATE INDEX IF NOT EXISTS search_entry_tsv ON search_entry USING gin (tsv)",
    "CREATE INDEX IF NOT EXISTS search_entry_published ON search_entry (published_on DESC, document_id DESC)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS search_entry_published",
    "DROP INDEX IF EXISTS search_entry_tsv",
    "DROP INDEX IF EXISTS search_entry_tsv_title",
    "ALTER TABLE search_entry DROP COLUMN IF EXISTS tsv",
    "ALTER TABLE search_entry DROP COLUMN IF EXISTS tsv_title",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(on_postgres(FORWARD), on_postgres(BACKWARD))]
