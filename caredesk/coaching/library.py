"""Full-text search of the training library, as conversations.search does it for tickets.

TrainingExample.search_text holds the reply, the note and the tags.
SQLite: an FTS5 table over it kept in step by triggers; every word must appear, the last may be a prefix.
PostgreSQL: a GIN index on to_tsvector('english', search_text), queried with websearch_to_tsquery
(stemmed: "refunds" finds "refund"). Both are created by migration 0001 (create_schema).
"""

from django.db import connection
from django.db.models.expressions import RawSQL

from caredesk.conversations.search import CONFIG, _fts5_query

from .models import TrainingExample

TABLE = "coaching_trainingexample"
FTS_TABLE = "coaching_library_fts"
PG_INDEX = "example_search_gin"


def matching_example_ids(text: str):
    """A subquery of ids of training examples whose reply, note or tags match `text` (all words)."""
    text = (text or "").strip()
    if connection.vendor == "postgresql":
        # The same expression as the index, or PostgreSQL would compute every row's tsvector.
        return RawSQL(
            f"SELECT id FROM {TABLE} WHERE to_tsvector('{CONFIG}'::regconfig, search_text) @@ "
            f"websearch_to_tsquery('{CONFIG}', %s)",
            [text],
        )
    query = _fts5_query(text)
    if not query:
        return TrainingExample.objects.none().values("pk")
    return RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [query])


SQLITE_SCHEMA = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(search_text, content='{TABLE}', "
    f"content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON {TABLE} BEGIN
        INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON {TABLE} BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) VALUES ('delete', old.id, old.search_text); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE ON {TABLE} BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
        INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END""",
]


def create_schema(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_SCHEMA:
            schema_editor.execute(statement)
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {PG_INDEX} ON {TABLE} USING gin (to_tsvector('{CONFIG}'::regconfig, search_text))"
        )


def drop_schema(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        for name in ("ai", "ad", "au"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{name}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")
