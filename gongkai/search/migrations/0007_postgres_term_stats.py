"""The PostgreSQL backend's cached document frequencies: one row per body word (`w:`) and title word
(`tw:`) with the number of entries holding it, kept up to date by every write (nothing happens on
SQLite). Query planning asks for these on every search; counting them through the GIN index each time
read tens of thousands of rows for a common word."""

from django.db import migrations

from gongkai.search.migrations._postgres import on_postgres

FORWARD = [
    "CREATE TABLE IF NOT EXISTS search_term (term text PRIMARY KEY, ndoc integer NOT NULL)",
    # Filled from the entries already indexed, so an upgrade needs no rebuild.
    "INSERT INTO search_term (term, ndoc) SELECT lexeme, count(*) FROM ("
    " SELECT unnest(tsvector_to_array(tsv)) AS lexeme FROM search_entry"
    " UNION ALL SELECT lexeme FROM search_entry, unnest(tsvector_to_array(tsv_title)) AS lexeme"
    " WHERE lexeme LIKE 'tw:%%') x GROUP BY lexeme ON CONFLICT (term) DO NOTHING",
]
BACKWARD = ["DROP TABLE IF EXISTS search_term"]


class Migration(migrations.Migration):
    dependencies = [("search", "0006_hot_searches")]
    operations = [migrations.RunPython(on_postgres(FORWARD), on_postgres(BACKWARD))]
