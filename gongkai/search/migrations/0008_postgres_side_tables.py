"""The PostgreSQL backend's narrow layout (issue #11): the title and body text move out of `search_entry`
into `search_title` and `search_body`, tsvectors without positions stored out of line, so that a GIN
lookup, a count and the facets read only small rows (nothing happens on SQLite).

The old tsvectors cannot be turned into the new ones in SQL (the compacted title and its initials are
analysed in Python), so the index is emptied and its applied change forgotten: the next sync rebuilds
it, and an operator runs `gongkai search rebuild` right after upgrading (see README)."""

from django.db import migrations

from gongkai.search.migrations._postgres import on_postgres

FORWARD = [
    "CREATE TABLE IF NOT EXISTS search_title (document_id bigint PRIMARY KEY, core text NOT NULL, "
    "initials text NOT NULL, tsv tsvector NOT NULL) WITH (toast_tuple_target = 128)",
    "CREATE INDEX IF NOT EXISTS search_title_tsv ON search_title USING gin (tsv)",
    "CREATE TABLE IF NOT EXISTS search_body (document_id bigint PRIMARY KEY, tsv tsvector NOT NULL) "
    "WITH (toast_tuple_target = 128)",
    "CREATE INDEX IF NOT EXISTS search_body_tsv ON search_body USING gin (tsv)",
    # The planner takes every word for a rare one (reads it through the GIN index, never by a sequential
    # scan that detoasts every tsvector): see PostgresBackend._settings.
    "ALTER TABLE search_title ALTER COLUMN tsv SET STATISTICS 0",
    "ALTER TABLE search_body ALTER COLUMN tsv SET STATISTICS 0",
    "DROP INDEX IF EXISTS search_entry_tsv",
    "DROP INDEX IF EXISTS search_entry_tsv_title",
    "ALTER TABLE search_entry DROP COLUMN IF EXISTS tsv, DROP COLUMN IF EXISTS tsv_title",
    "DELETE FROM search_entry",
    "DELETE FROM search_term",
    "DELETE FROM search_searchstate WHERE name = 'postgres'",
]
BACKWARD = [
    "DROP TABLE IF EXISTS search_body",
    "DROP TABLE IF EXISTS search_title",
    "ALTER TABLE search_entry ADD COLUMN IF NOT EXISTS tsv_title tsvector NOT NULL DEFAULT ''::tsvector",
    "ALTER TABLE search_entry ADD COLUMN IF NOT EXISTS tsv tsvector NOT NULL DEFAULT ''::tsvector",
    "CREATE INDEX IF NOT EXISTS search_entry_tsv_title ON search_entry USING gin (tsv_title)",
    "CREATE INDEX IF NOT EXISTS search_entry_tsv ON search_entry USING gin (tsv)",
    "DELETE FROM search_entry",
    "DELETE FROM search_term",
    "DELETE FROM search_searchstate WHERE name = 'postgres'",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0007_postgres_term_stats")]
    operations = [migrations.RunPython(on_postgres(FORWARD), on_postgres(BACKWARD))]
