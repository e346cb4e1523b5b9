"""The PostgreSQL backend weighs a match by the length of what it matched, as BM25 does (issue #11: a law
titled 民法典 before the interpretations that name it, a short regulation on the topic before a long one that
mentions every word once): search_body keeps each body's number of distinct words, and search_term the sums
of title and body lengths, for the averages (nothing happens on SQLite)."""

from django.db import migrations

from gongkai.search.migrations._postgres import on_postgres

FORWARD = [
    # Sums of lengths outgrow an integer at a few million documents.
    "ALTER TABLE search_term ALTER COLUMN ndoc TYPE bigint",
    "ALTER TABLE search_body ADD COLUMN IF NOT EXISTS n integer NOT NULL DEFAULT 0",
    # Existing bodies are counted from their tsvectors (one pass; a fresh install has none).
    "UPDATE search_body SET n = length(tsv)",
    "INSERT INTO search_term (term, ndoc) SELECT '#len:body', coalesce(sum(n), 0) FROM search_body "
    "ON CONFLICT (term) DO UPDATE SET ndoc = EXCLUDED.ndoc",
    "INSERT INTO search_term (term, ndoc) SELECT '#len:title', coalesce(sum(char_length(core)), 0) FROM search_title "
    "ON CONFLICT (term) DO UPDATE SET ndoc = EXCLUDED.ndoc",
]
BACKWARD = [
    "ALTER TABLE search_body DROP COLUMN IF EXISTS n",
    "DELETE FROM search_term WHERE term LIKE '#len:%%'",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0008_postgres_side_tables")]
    operations = [migrations.RunPython(on_postgres(FORWARD), on_postgres(BACKWARD))]
