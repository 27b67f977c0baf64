"""The search index tables of each engine (not Django models: an FTS5 virtual table on SQLite, a tsvector
table with a GIN index on PostgreSQL). ``knowledge.search.ensure_index`` creates the same if missing."""

from typing import Any

from django.db import migrations


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE TABLE IF NOT EXISTS knowledge_sheet_tsv ("
            " sheet_id integer PRIMARY KEY REFERENCES knowledge_officialsheet(id) ON DELETE CASCADE,"
            " vector tsvector NOT NULL)"
        )
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS knowledge_sheet_tsv_gin ON knowledge_sheet_tsv USING gin (vector)"
        )
    else:
        schema_editor.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS knowledge_sheet_fts USING fts5("
            "title, description, body, tokenize='unicode61 remove_diacritics 0')"
        )


def backwards(apps: Any, schema_editor: Any) -> None:
    table = "knowledge_sheet_tsv" if schema_editor.connection.vendor == "postgresql" else "knowledge_sheet_fts"
    schema_editor.execute(f"DROP TABLE IF EXISTS {table}")


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
