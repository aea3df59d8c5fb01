"""Row writes the ORM makes slow for many rows at once."""

from collections.abc import Sequence

from django.db import connections, models, router


def update_each(objects: Sequence[models.Model], fields: Sequence[str]) -> None:
    """Write `fields` of each object to its row, as bulk_update does, in one statement the database runs once
    per row (executemany: one round trip on PostgreSQL with psycopg's pipeline, none on SQLite). Django's
    bulk_update builds a CASE WHEN per field and row, slow to build and slow to run: 71-77 ms for the outcomes
    (8 fields) of 50 inbound emails on PostgreSQL, against 5-8 ms this way (measured 2026-11-26)."""
    if not objects:
        return
    model = type(objects[0])
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in columns)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
    rows = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in columns] + [obj.pk]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
