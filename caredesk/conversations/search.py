"""Full-text search over ticket subjects and messages, behind one function: matching_ticket_ids().

SQLite: an FTS5 table kept in step with SearchDocument by triggers (migration 0002).
PostgreSQL: a stored generated tsvector column with a GIN index (migration 0003).
No search server to run or rebuild (Zammad's Elasticsearch is its users' biggest complaint).
"""

import re
from collections.abc import Iterable

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from .models import Message, SearchDocument, Ticket

CONFIG = "english"
PG_VECTOR = "search_vector"
FTS_TABLE = "conversations_search_fts"
DOCUMENTS = SearchDocument._meta.db_table
_PG_MATCH = f"{PG_VECTOR} @@ websearch_to_tsquery('{CONFIG}', %s)"
# Words as FTS5's unicode61 tokenizer cuts them: it also splits at underscores and at 21 letters its
# Unicode 6.1 tables do not count as letters, where \w does not. A word it would cut in two becomes a
# phrase, which an index without positions (detail=none) refuses to match.
_WORD = re.compile(r"[^\W_\u19b0-\u19c0\u19c8\u19c9\u1cf2\u1cf3]+")


def document_vector() -> SearchVector:
    """The expression the GIN index is built on; queries must use the very same one to hit it."""
    return SearchVector("text", config=CONFIG)


def index(ticket_id: int) -> None:
    """Rewrite one ticket's search document from its subject and every message (notes included)."""
    index_many([ticket_id])


def index_many(ticket_ids: Iterable[int]) -> None:
    """index() for several tickets in three queries: subjects, bodies, and one upsert of their documents
    (INSERT ... ON CONFLICT DO UPDATE). Tickets that no longer exist are skipped."""
    subjects = dict(Ticket.objects.filter(pk__in=set(ticket_ids)).values_list("pk", "subject"))
    if not subjects:
        return
    texts = {ticket_id: [subject] for ticket_id, subject in subjects.items()}
    bodies = Message.objects.filter(ticket_id__in=subjects).order_by("ticket_id", "created_at", "id")
    for ticket_id, body in bodies.values_list("ticket_id", "body_text"):
        texts[ticket_id].append(body)
    now = timezone.now()
    documents = [
        SearchDocument(ticket_id=ticket_id, text="\n".join(parts), indexed_at=now) for ticket_id, parts in sorted(texts.items())
    ]
    SearchDocument.objects.bulk_create(
        documents,
        update_conflicts=True,
        unique_fields=["ticket"],
        update_fields=["text", "indexed_at"],
    )


def _fts5_query(text: str) -> str:
    """User words as an FTS5 query: every word must appear, the last may be a prefix.
    Quoting each word keeps FTS5 operators typed by a person from being interpreted."""
    words = _WORD.findall(text)
    if not words:
        return ""
    quoted = [f'"{word}"' for word in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def matching_ticket_ids(text: str):
    """A subquery of ids of tickets whose subject or messages match `text` (all words)."""
    text = (text or "").strip()
    if connection.vendor == "postgresql":
        # OFFSET 0 keeps this a subquery computed once from the GIN index. Pulled up into a join,
        # PostgreSQL may walk tickets newest first and test each one's document, which takes seconds
        # at 10^6 tickets for a word few documents hold (measured, docs/benchmarks.md).
        return RawSQL(f"SELECT ticket_id FROM {DOCUMENTS} WHERE {_PG_MATCH} OFFSET 0", [text])
    query = _fts5_query(text)
    if not query:
        return SearchDocument.objects.none().values("ticket_id")
    return RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [query])


# PostgreSQL: from this many matching documents on, a page of the newest matches is found sooner by
# walking the tickets newest first and testing each one's document (about 26 x tickets / matches tests
# of ~30 us) than by gathering every match and sorting them (a pass over all tickets, ~0.2 us each): at
# 10^6 tickets and 14,622 matches, 97 ms against 306 (docs/benchmarks.md, stop 21).
WALK_FROM = 4000


def filter_tickets(tickets: QuerySet, text: str) -> QuerySet:
    if connection.vendor == "postgresql" and _matches_at_least(text, WALK_FROM):
        document = SearchDocument.objects.filter(ticket_id=OuterRef("pk"))
        return tickets.filter(Exists(document.extra(where=[_PG_MATCH], params=[text])))
    return tickets.filter(pk__in=matching_ticket_ids(text))


def _matches_at_least(text: str, count: int) -> bool:
    """Whether `count` documents match, counting no further (at 10^6: under a millisecond for a rare
    word, 20-60 ms for a very common one, whose whole bitmap the GIN index builds first)."""
    text = (text or "").strip()
    if not text:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {DOCUMENTS} WHERE {_PG_MATCH} LIMIT %s) AS found",
            [text, count],
        )
        return cursor.fetchone()[0] >= count


# Schema: called from migration 0002, on each database in its own dialect.
SQLITE_INSERT_TRIGGER_NAME = f"{FTS_TABLE}_ai"
# `caredesk seed` sets this trigger aside while it fills the index in bulk (Writer.insert_documents).
SQLITE_INSERT_TRIGGER = (
    f"CREATE TRIGGER IF NOT EXISTS {SQLITE_INSERT_TRIGGER_NAME} AFTER INSERT ON conversations_searchdocument "
    f"BEGIN\n        INSERT INTO {FTS_TABLE}(rowid, text) VALUES (new.ticket_id, new.text); END"
)
# detail=none: the index keeps which documents hold each word, not where. Search only asks for
# documents holding every word (the last as a prefix), never for a phrase or nearness; without positions
# the index is a third of the size and fills twice as fast (100,000 documents: 6.7 MB in 0.6 s against
# 21.8 MB in 1.2-1.5 s). Migration 0009 rebuilt older indexes this way.
SQLITE_FTS_TABLE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(text, content='conversations_searchdocument', "
    "content_rowid='ticket_id', tokenize='unicode61 remove_diacritics 2', detail={detail})"
)
SQLITE_SCHEMA = [
    SQLITE_FTS_TABLE.format(detail="none"),
    SQLITE_INSERT_TRIGGER,
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON conversations_searchdocument BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text) VALUES ('delete', old.ticket_id, old.text); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE ON conversations_searchdocument BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text) VALUES ('delete', old.ticket_id, old.text);
        INSERT INTO {FTS_TABLE}(rowid, text) VALUES (new.ticket_id, new.text); END""",
]


def create_schema(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_SCHEMA:
            schema_editor.execute(statement)
    elif schema_editor.connection.vendor == "postgresql":
        from django.contrib.postgres.indexes import GinIndex

        model = apps.get_model("conversations", "SearchDocument")
        schema_editor.add_index(model, GinIndex(document_vector(), name="searchdoc_text_gin"))


def add_stored_vector(apps, schema_editor) -> None:
    """PostgreSQL: keep the tsvector in a generated column, so matching never recomputes it per row."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS searchdoc_text_gin")
    schema_editor.execute(
        f"ALTER TABLE conversations_searchdocument ADD COLUMN {PG_VECTOR} tsvector "
        f"GENERATED ALWAYS AS (to_tsvector('{CONFIG}'::regconfig, text)) STORED"
    )
    schema_editor.execute(f"CREATE INDEX searchdoc_vector_gin ON conversations_searchdocument USING gin ({PG_VECTOR})")


def remove_stored_vector(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE conversations_searchdocument DROP COLUMN IF EXISTS {PG_VECTOR}")
    create_schema(apps, schema_editor)


def rebuild_fts_table(detail: str):
    """A migration step (SQLite) that makes the FTS5 table again with `detail` and refills it from the
    search documents. The triggers name the table, so they keep working across the swap."""

    def rebuild(apps, schema_editor) -> None:
        if schema_editor.connection.vendor != "sqlite":
            return
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        schema_editor.execute(SQLITE_FTS_TABLE.format(detail=detail))
        schema_editor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")

    return rebuild


def drop_schema(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS searchdoc_text_gin")
