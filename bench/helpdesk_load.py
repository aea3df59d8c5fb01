"""Copy a seeded caredesk benchmark database into django-helpdesk's tables, so both systems are measured
on the very same tickets, words and people.

Run by bench/run.py with the throwaway helpdesk venv's Python, inside the helpdesk project folder
(DJANGO_SETTINGS_MODULE=dhproject.settings, DH_DB_ENGINE/DH_DB_NAME naming the empty, migrated target):

    python helpdesk_load.py --source-pg caredesk_bench_10000 --user-id 7
    python helpdesk_load.py --source-sqlite /tmp/caredesk_bench_sqlite_10000/caredesk.sqlite3 --user-id 7

Mapping: team -> Queue (same id), staff user -> auth User (same id, is_staff), ticket -> Ticket (same id;
description = its first message, submitter_email = the customer's address), every message -> FollowUp
(the first titled "Ticket Opened" as helpdesk itself does; notes private). Rows go in with COPY on
PostgreSQL and executemany on SQLite. Prints one JSON line: counts and the staff session cookie.
"""

import argparse
import json
import sqlite3
import sys
import time
import uuid
from collections.abc import Iterable, Iterator

import django

# helpdesk's Open (1) covers caredesk's four open statuses; Resolved is 3, Closed 4.
STATUS = {"new": 1, "open": 1, "pending_customer": 1, "on_hold": 1, "solved": 3, "closed": 4}
STAFF_ROLES = ("agent", "lead", "admin", "sales")


def caredesk_priority(priority: int) -> int:
    """caredesk 1 low .. 4 urgent -> helpdesk 1 critical .. 5 very low."""
    return 5 - int(priority)


class Source:
    """The caredesk database, read with a plain driver (the helpdesk venv has no caredesk)."""

    def __init__(self, *, pg: str | None, sqlite_path: str | None):
        if pg:
            import psycopg

            self.conn = psycopg.connect(dbname=pg, host="127.0.0.1", user="postgres")
            self.vendor = "postgresql"
        else:
            self.conn = sqlite3.connect(sqlite_path)
            self.vendor = "sqlite"

    def rows(self, sql: str) -> Iterator[tuple]:
        if self.vendor == "postgresql":
            with self.conn.cursor(name=f"bench_{uuid.uuid4().hex[:8]}") as cursor:
                cursor.itersize = 20_000
                cursor.execute(sql)
                yield from cursor
            self.conn.commit()
        else:
            yield from self.conn.execute(sql)


def write_rows(table: str, columns: list[str], rows: Iterable[tuple]) -> int:
    """Bulk insert into the helpdesk database: COPY on PostgreSQL, executemany on SQLite."""
    from django.db import connection

    count = 0
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with connection.connection.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        return count
    placeholders = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"
    batch = []
    cursor = connection.connection.cursor()
    for row in rows:
        batch.append(row)
        if len(batch) == 20_000:
            cursor.executemany(sql, batch)
            count += len(batch)
            batch.clear()
    cursor.executemany(sql, batch)
    return count + len(batch)


def followups(messages: Iterable[tuple], staff_ids: set[int]) -> Iterator[tuple]:
    """FollowUp rows from messages in ticket order: the first of each ticket opened it."""
    previous_ticket = None
    for pk, ticket, kind, author, body, created in messages:
        title = "Ticket Opened" if ticket != previous_ticket else "Comment"
        previous_ticket = ticket
        yield pk, ticket, created, title, body, kind != "note", author if author in staff_ids else None


def load(source: Source, *, user_id: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils.text import slugify
    from helpdesk.models import Queue, UserSettings

    User = get_user_model()
    started = time.monotonic()
    teams = list(source.rows("SELECT id, name FROM accounts_team ORDER BY id"))
    roles = ", ".join(f"'{role}'" for role in STAFF_ROLES)
    staff = list(
        source.rows(
            f"SELECT id, email, first_name, last_name, role FROM accounts_user WHERE role IN ({roles}) ORDER BY id"
        )
    )
    staff_ids = {row[0] for row in staff}
    if user_id not in staff_ids:
        raise SystemExit(f"user {user_id} is not a staff user of the caredesk database")

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # The rows are consistent by construction; checking 4 million foreign keys one by one
                # would make 10^6 tickets an hour's load instead of minutes.
                cursor.execute("SET LOCAL session_replication_role = replica")
        Queue.objects.bulk_create(
            Queue(
                id=pk,
                title=name,
                slug=(slugify(name)[:40] or "queue") + f"-{pk}",
                email_address=f"queue{pk}@example.com",
            )
            for pk, name in teams
        )
        User.objects.bulk_create(
            User(
                id=pk,
                username=email[:150],
                email=email,
                first_name=first,
                last_name=last,
                is_staff=True,
                is_superuser=role == "admin",
                password="!",
            )
            for pk, email, first, last, role in staff
        )
        UserSettings.objects.bulk_create(UserSettings(user_id=pk) for pk in staff_ids)

        tickets = source.rows(
            """
            SELECT t.id, t.subject, t.created_at, t.updated_at, c.email, t.status, t.priority, t.team_id,
                   t.owner_id,
                   (SELECT m.body_text FROM conversations_message m WHERE m.ticket_id = t.id
                    ORDER BY m.created_at, m.id LIMIT 1)
            FROM conversations_ticket t JOIN customers_customer c ON c.id = t.customer_id
            ORDER BY t.id
            """
        )
        ticket_count = write_rows(
            "helpdesk_ticket",
            [
                "id",
                "title",
                "created",
                "modified",
                "submitter_email",
                "status",
                "on_hold",
                "description",
                "priority",
                "assigned_to_id",
                "queue_id",
                "secret_key",
            ],
            (
                (
                    pk,
                    subject[:200],
                    created,
                    updated,
                    email,
                    STATUS[status],
                    status == "on_hold",
                    body,
                    caredesk_priority(priority),
                    owner if owner in staff_ids else None,
                    team,
                    str(uuid.uuid4()),
                )
                for pk, subject, created, updated, email, status, priority, team, owner, body in tickets
            ),
        )

        messages = source.rows(
            "SELECT id, ticket_id, kind, author_id, body_text, created_at FROM conversations_message "
            "ORDER BY ticket_id, created_at, id"
        )
        followup_count = write_rows(
            "helpdesk_followup",
            ["id", "ticket_id", "date", "title", "comment", "public", "user_id"],
            followups(messages, staff_ids),
        )

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("helpdesk_ticket", "helpdesk_followup", "helpdesk_queue", "auth_user"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )

    return {
        "tickets": ticket_count,
        "followups": followup_count,
        "queues": len(teams),
        "staff_users": len(staff),
        "user": User.objects.get(pk=user_id).email,
        "cookie": session_cookie(user_id),
        "load_seconds": round(time.monotonic() - started, 1),
    }


def session_cookie(user_id: int) -> str:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(pk=user_id))
    return f"sessionid={client.cookies['sessionid'].value}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--source-pg", help="caredesk PostgreSQL database name (on 127.0.0.1, user postgres)")
    source.add_argument("--source-sqlite", help="path of the caredesk SQLite file")
    parser.add_argument(
        "--user-id", type=int, required=True, help="the caredesk agent measured; the same person logs in here"
    )
    parser.add_argument(
        "--session-only", action="store_true", help="data already loaded: only log the user in"
    )
    args = parser.parse_args()
    django.setup()
    if args.session_only:
        result = {"cookie": session_cookie(args.user_id)}
    else:
        result = load(Source(pg=args.source_pg, sqlite_path=args.source_sqlite), user_id=args.user_id)
    print("BENCH_JSON " + json.dumps(result))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
