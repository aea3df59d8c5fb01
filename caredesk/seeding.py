"""Bulk writes for benchmarks (`caredesk seed`) and the demo's search index.

The services write one ticket at a time, with a lock and a savepoint per change: right for live use,
far too slow for the 10^5–10^6 tickets benchmarks need. This module writes the same rows the services
would have written for a simple story (the customer writes, an agent replies, the customer answers,
the ticket is settled), straight through the database cursor in large batches. Python plans each ticket
(one row: its story, people, state and times) and the database expands the plans into the tickets,
messages, events and search documents with a few INSERT ... SELECT statements (Expansion). Its events
agree with the tickets' state (owner, status, solved_at), so reports computed from events are right; its
search documents are the text search.index() would write.
"""

import gc
import random
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import chain

from django.db import OperationalError, connection, transaction

from caredesk.conversations import search
from caredesk.conversations.models import Event, Message, SearchDocument, Ticket
from caredesk.conversations.text import text_to_html
from caredesk.customers.models import Customer
from caredesk.demo_content import SCENARIOS
from caredesk.demo_content.compose import agent_text, customer_text, fill
from caredesk.demo_content.fills import fills
from caredesk.demo_content.people import FIRST_NAMES, SURNAMES, email_part

STORIES = 2000  # distinct conversations the seeded tickets are drawn from
SPAN = timedelta(days=730)
RECENT = timedelta(days=14)

# Settled tickets dominate old history; recent ones are still being worked on.
OLD_STATUSES = (("closed", 70), ("solved", 24), ("on_hold", 2), ("pending_customer", 2), ("open", 2))
RECENT_STATUSES = (("open", 35), ("pending_customer", 25), ("on_hold", 10), ("solved", 25), ("closed", 5))
PRIORITIES = ((1, 10), (2, 70), (3, 17), (4, 3))
CHANNELS = (("email", 50), ("web", 30), ("phone", 15), ("api", 5))
SQLITE_PARAMETERS = 999  # the most parameters one SQLite statement takes, on any build


@dataclass
class Story:
    subject: str
    texts: tuple[str, str, str]  # customer, reply, customer
    htmls: tuple[str, str, str]
    document: str  # what search.index() would write: the subject, then each message


@dataclass
class Seeded:
    tickets: int
    messages: int
    events: int
    customers: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.tickets / self.seconds if self.seconds else 0.0


def _columns(model, names: Iterable[str]) -> list[str]:
    return [model._meta.get_field(name).column for name in names]


TICKET_COLUMNS = (
    "id",
    "subject",
    "customer",
    "organisation",
    "team",
    "owner",
    "status",
    "priority",
    "channel",
    "fields",
    "handoff_count",
    "merged_into",
    "created_at",
    "updated_at",
    "solved_at",
)
MESSAGE_COLUMNS = ("id", "ticket", "kind", "author", "customer", "body_text", "body_html", "created_at")
EVENT_COLUMNS = ("ticket", "kind", "actor", "at", "data")
DOCUMENT_COLUMNS = ("ticket", "text", "indexed_at")
CUSTOMER_COLUMNS = ("id", "name", "email", "phone", "organisation", "user", "notes", "created_at")
# One row per ticket of a batch, made in Python: its story, people, state and times (times a ticket has
# not reached are empty). The database expands each into the ticket, its messages, events and search
# document (Expansion), so the rows Python builds and binds are a tenth of the rows written.
PLAN_COLUMNS = (
    "id",
    # The ids of the customer's first message, the reply and the customer's answer: handed out by the
    # database, and on PostgreSQL not always consecutive when others write meanwhile.
    "message",
    "reply",
    "answer",
    "story",
    "team",
    "customer",
    "owner",
    "replier",
    "status",
    "priority",
    "channel",
    "created",
    "assigned",
    "replied",
    "answered",
    "settled",  # solved, or put on hold or pending
    "closed",
)
STORY_COLUMNS = ("id", "subject", "text0", "text1", "text2", "html0", "html1", "html2", "document")


class Writer:
    """Rows into tables the fastest way each database offers. Datetimes are naive UTC: how Django
    stores them on SQLite, and what PostgreSQL reads in the UTC session Django sets up."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.postgres = connection.vendor == "postgresql"

    def ids(self, model, count: int) -> list[int]:
        """Reserve `count` primary keys. PostgreSQL hands them out from the sequence, so concurrent
        writers never collide; SQLite's write lock (held since the transaction began) does the same."""
        table = model._meta.db_table
        if self.postgres:
            self.cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in self.cursor.fetchall()]
        # AUTOINCREMENT never reuses the id of a deleted row; neither does this.
        self.cursor.execute(
            f'SELECT MAX(COALESCE((SELECT MAX("id") FROM "{table}"), 0), '
            f"COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
            [table],
        )
        first = self.cursor.fetchone()[0] + 1
        return list(range(first, first + count))

    def insert(self, model, fields: Iterable[str], rows: list[tuple]) -> None:
        """Append rows to a model's table."""
        self.insert_rows(model._meta.db_table, _columns(model, fields), rows)

    def insert_rows(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        if not rows:
            return
        names = ", ".join(f'"{column}"' for column in columns)
        if self.postgres:
            with self.cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            self._insert_sqlite(table, names, len(columns), rows)

    def _insert_sqlite(self, table: str, names: str, width: int, rows: list[tuple]) -> None:
        """Many rows per INSERT statement. SQLite's cost per statement is larger than its cost per row
        (for an AUTOINCREMENT table each statement also updates sqlite_sequence): 566,000 events took
        about twice as long one row per statement. Each statement stays within 999 parameters, the
        limit of the oldest SQLite builds."""
        per_statement = max(1, SQLITE_PARAMETERS // width)
        marks = "(" + ", ".join(["%s"] * width) + ")"
        values = list(chain.from_iterable(rows))
        step = per_statement * width
        whole = len(rows) // per_statement * step
        insert = f'INSERT INTO "{table}" ({names}) VALUES '
        if whole:
            sql = insert + ", ".join([marks] * per_statement)
            self.cursor.executemany(sql, (values[at : at + step] for at in range(0, whole, step)))
        if whole < len(values):
            self.cursor.execute(insert + ", ".join([marks] * (len(rows) % per_statement)), values[whole:])


def _table(pairs) -> list:
    """Each value repeated by its weight: a uniform pick from the list is a weighted pick."""
    return [value for value, weight in pairs for _ in range(weight)]


def stories(rng: random.Random, count: int = STORIES) -> list[Story]:
    """Conversations made from the demo's scenarios, without names, rendered once and reused."""
    now = datetime.now(UTC)
    weights = [scenario.weight for scenario in SCENARIOS]
    made = []
    for _ in range(count):
        scenario = rng.choices(SCENARIOS, weights=weights)[0]
        values = fills(rng, now - timedelta(days=rng.randrange(730)), kind=scenario.products)
        thread = rng.choice(scenario.threads)
        texts = (
            customer_text(rng, rng.choice(thread.openings or scenario.openings), values),
            agent_text(rng, thread.reply, values, agent="The Fresh Basket team"),
            customer_text(rng, rng.choice(thread.turns)[0], values),
        )
        subject = fill(rng.choice(thread.subjects or scenario.subjects), values)
        made.append(Story(subject, texts, tuple(map(text_to_html, texts)), "\n".join([subject, *texts])))
    return made


def _customers(writer: Writer, rng: random.Random, count: int, now: datetime) -> list[int]:
    ids = writer.ids(Customer, count)
    # Each name's email form made once, not once per customer: normalising took longer than the rest.
    firsts = [(name, email_part(name)) for name in FIRST_NAMES]
    lasts = [(name, email_part(name)) for name in SURNAMES]
    random_ = rng.random
    rows = []
    for customer_id in ids:
        first, first_email = firsts[int(random_() * len(firsts))]
        last, last_email = lasts[int(random_() * len(lasts))]
        joined = now - timedelta(days=30 + int(random_() * 2970))
        email = f"{first_email}.{last_email}.{customer_id}@example.net"
        rows.append((customer_id, f"{first} {last}", email, "", None, None, "", joined))
    writer.insert(Customer, CUSTOMER_COLUMNS, rows)
    return ids


class Clock:
    """Naive UTC times as the text Django writes for them on SQLite ("2025-03-01 09:30:00.250000"),
    from milliseconds after `origin` (a midnight). Making a datetime and its text for each of a seed's
    1.2 million times took longer than all the rest of the Python work; three look-ups do not.
    PostgreSQL's COPY reads the same text in the UTC session Django sets up."""

    def __init__(self, origin: datetime, days: int):
        self.origin = origin
        self.days = [f"{origin + timedelta(days=day):%Y-%m-%d} " for day in range(days + 1)]
        minutes = [f"{hour:02}:{minute:02}:" for hour in range(24) for minute in range(60)]
        self.seconds = [f"{minute}{second:02}" for minute in minutes for second in range(60)]
        # Django leaves the fraction out when it is zero.
        self.fractions = ["", *(f".{milli:03}000" for milli in range(1, 1000))]

    def text(self, milliseconds: float) -> str:
        day, rest = divmod(int(milliseconds), 86_400_000)
        second, milli = divmod(rest, 1000)
        return self.days[day] + self.seconds[second] + self.fractions[milli]

    def milliseconds(self, moment: datetime) -> float:
        return (moment - self.origin).total_seconds() * 1000


class Expansion:
    """Scratch tables for a seed (its stories, the steps of a ticket's life, the batch's plans) and the
    statements that expand the plans into tickets, messages, events and search documents inside the
    database. Written row by row from Python the same rows took a third of a seed's time in building
    and binding tuples; an INSERT ... SELECT makes them in C. The statements tell each ticket's story:
    created, assigned (when owned), replied (moving a queued ticket from new to open), answered by the
    customer, then solved, closed, or put on hold or pending."""

    def __init__(self, writer: Writer, pool: list[Story]):
        self.writer = writer
        postgres = writer.postgres
        key, time = ("bigint", "timestamptz") if postgres else ("integer", "text")
        types = {"id": f"{key} PRIMARY KEY", "status": "text", "channel": "text", "story": "integer"}
        types |= {name: time for name in ("created", "assigned", "replied", "answered", "settled", "closed")}
        plan = ", ".join(f"{name} {types.get(name, 'bigint')}" for name in PLAN_COLUMNS)
        story = ", ".join(
            f"{name} {'integer PRIMARY KEY' if name == 'id' else 'text'}"
            for name in STORY_COLUMNS
        )
        scratch = [
            "CREATE TEMPORARY TABLE seed_story (" + story + ")",
            f"CREATE TEMPORARY TABLE seed_step (n {key} PRIMARY KEY)",
            "CREATE TEMPORARY TABLE seed_plan (" + plan + ")",
        ]
        for statement in scratch:
            writer.cursor.execute(statement)
        if postgres:
            # PostgreSQL judged each expansion costly enough to compile to machine code first, which took
            # longer than running it (190 ms of 300 for the events of 10,000 tickets).
            writer.cursor.execute("SET jit = off")
        writer.insert_rows("seed_step", ["n"], [(n,) for n in range(7)])
        writer.insert_rows(
            "seed_story",
            list(STORY_COLUMNS),
            [(at, one.subject, *one.texts, *one.htmls, one.document) for at, one in enumerate(pool)],
        )

        def json(expression: str) -> str:
            return f"CAST({expression} AS jsonb)" if postgres else expression

        updated = "COALESCE(p.closed, p.settled, p.answered)"
        solved = "CASE WHEN p.status IN ('solved', 'closed') THEN p.settled END"
        plans = "FROM seed_plan p JOIN seed_story s ON s.id = p.story"
        no_fields = json("'{}'")
        self.tickets = (
            _into(Ticket, TICKET_COLUMNS)
            + f"SELECT p.id, s.subject, p.customer, NULL, p.team, p.owner, p.status, p.priority, p.channel, "
            f"{no_fields}, 0, NULL, p.created, {updated}, {solved} {plans} ORDER BY p.id"
        )
        self.messages = (
            _into(Message, MESSAGE_COLUMNS)
            + "SELECT CASE k.n WHEN 0 THEN p.message WHEN 1 THEN p.reply ELSE p.answer END, p.id, "
            "CASE k.n WHEN 1 THEN 'reply' ELSE 'customer' END, "
            "CASE k.n WHEN 1 THEN p.replier END, CASE k.n WHEN 1 THEN NULL ELSE p.customer END, "
            "CASE k.n WHEN 0 THEN s.text0 WHEN 1 THEN s.text1 ELSE s.text2 END, "
            "CASE k.n WHEN 0 THEN s.html0 WHEN 1 THEN s.html1 ELSE s.html2 END, "
            "CASE k.n WHEN 0 THEN p.created WHEN 1 THEN p.replied ELSE p.answered END "
            "FROM seed_plan p CROSS JOIN seed_step k JOIN seed_story s ON s.id = p.story "
            "WHERE k.n < 3 ORDER BY p.id, k.n"
        )
        data = (
            "CASE k.n "
            """WHEN 0 THEN '{"team": ' || p.team || ', "channel": "' || p.channel """
            """|| '", "message": ' || p.message || '}' """
            """WHEN 1 THEN '{"to": ' || p.owner || ', "team": ' || p.team || '}' """
            """WHEN 2 THEN '{"message": ' || p.reply || '}' """
            """WHEN 3 THEN '{"from": "new", "to": "open"}' """
            """WHEN 4 THEN '{"message": ' || p.answer || '}' """
            """WHEN 5 THEN '{"from": "open", "to": "' """
            """|| CASE p.status WHEN 'closed' THEN 'solved' ELSE p.status END || '"}' """
            """ELSE '{"from": "solved", "to": "closed"}' END"""
        )
        self.events = (
            _into(Event, EVENT_COLUMNS)
            + "SELECT p.id, CASE k.n WHEN 0 THEN 'created' WHEN 1 THEN 'assigned' WHEN 2 THEN 'replied' "
            "WHEN 4 THEN 'customer_replied' ELSE 'status_changed' END, "
            "CASE k.n WHEN 0 THEN NULL WHEN 1 THEN p.owner WHEN 4 THEN NULL ELSE p.replier END, "
            "CASE k.n WHEN 0 THEN p.created WHEN 1 THEN p.assigned WHEN 2 THEN p.replied "
            "WHEN 3 THEN p.replied WHEN 4 THEN p.answered WHEN 5 THEN p.settled ELSE p.closed END, "
            f"{json(data)} FROM seed_plan p CROSS JOIN seed_step k "
            # Each step happens when its time is set; the move from new to open only for a queued ticket.
            "WHERE CASE k.n WHEN 1 THEN p.assigned IS NOT NULL WHEN 3 THEN p.owner IS NULL "
            "WHEN 5 THEN p.settled IS NOT NULL WHEN 6 THEN p.closed IS NOT NULL ELSE TRUE END "
            "ORDER BY p.id, k.n"
        )
        self.documents = _into(SearchDocument, DOCUMENT_COLUMNS) + (
            f"SELECT p.id, s.document, {updated} {plans} ORDER BY p.id"
        )
        self.search = f"INSERT INTO {search.FTS_TABLE}(rowid, text) SELECT p.id, s.document {plans}"

    def write(self, plans: list[tuple]) -> int:
        """Write the planned tickets (PLAN_COLUMNS but the ids), their messages, events and search
        documents, inside the caller's transaction; returns how many events were written."""
        writer, cursor = self.writer, self.writer.cursor
        ticket_ids = writer.ids(Ticket, len(plans))
        message_ids = writer.ids(Message, 3 * len(plans))
        cursor.execute("DELETE FROM seed_plan")
        messages = zip(message_ids[0::3], message_ids[1::3], message_ids[2::3])
        rows = [(ticket, *three, *plan) for ticket, three, plan in zip(ticket_ids, messages, plans)]
        writer.insert_rows("seed_plan", list(PLAN_COLUMNS), rows)
        cursor.execute(self.tickets)
        cursor.execute(self.messages)
        cursor.execute(self.events)
        events = cursor.rowcount
        self.write_documents()
        return events

    def write_documents(self) -> None:
        """The search documents, searchable as search.index() leaves them. On SQLite the FTS5 index is
        filled by one INSERT ... SELECT with the documents table's insert trigger set aside: FTS5 took
        about 30% longer through the trigger (100,000 documents: 2.6-3.1 s against 1.8-1.9 s). The
        trigger is back before the transaction commits, so no other connection sees the table without it."""
        cursor = self.writer.cursor
        if self.writer.postgres:
            cursor.execute(self.documents)
            return
        with transaction.atomic():
            cursor.execute(f"DROP TRIGGER {search.SQLITE_INSERT_TRIGGER_NAME}")
            cursor.execute(self.documents)
            cursor.execute(self.search)
            cursor.execute(search.SQLITE_INSERT_TRIGGER)

    def close(self) -> None:
        for table in ("seed_plan", "seed_step", "seed_story"):
            self.writer.cursor.execute(f"DROP TABLE IF EXISTS {table}")
        if self.writer.postgres:
            self.writer.cursor.execute("RESET jit")


def _into(model, fields: Iterable[str]) -> str:
    names = ", ".join(f'"{column}"' for column in _columns(model, fields))
    return f'INSERT INTO "{model._meta.db_table}" ({names}) '


def _plans(
    rng: random.Random,
    size: int,
    *,
    window: tuple[datetime, datetime],
    now: datetime,
    clock: Clock,
    customers: list[int],
    agents: dict[int, list[int]],
    stories: int,
) -> list[tuple]:
    """Plan `size` tickets created within `window`, in time order (PLAN_COLUMNS but their ids): time
    order makes ids grow with time, as on a real desk, and turns most index updates into near-appends."""
    # Plain random() and lookup tables: rng.choices() and randrange() cost more than the rest of the loop.
    random_, stamp = rng.random, clock.text
    priorities, channels = _table(PRIORITIES), _table(CHANNELS)
    old_statuses, recent_statuses = _table(OLD_STATUSES), _table(RECENT_STATUSES)
    teams = [(team, members) for team, members in agents.items()]
    # Times in milliseconds after the clock's origin.
    hour, day = 3_600_000.0, 86_400_000.0
    start, end = clock.milliseconds(window[0]), clock.milliseconds(window[1])
    horizon = clock.milliseconds(now)
    recent = horizon - RECENT.total_seconds() * 1000  # tickets created after this are recent
    plans = []
    for moment in sorted(start + random_() * (end - start) for _ in range(size)):
        story = int(random_() * stories)
        team, members = teams[int(random_() * len(teams))]
        customer = customers[int(random_() * len(customers))]
        statuses = recent_statuses if moment > recent else old_statuses
        status = statuses[int(random_() * len(statuses))]
        replier = members[int(random_() * len(members))]
        owner = None if status == "open" and random_() < 0.3 else replier
        # Milliseconds after creation: assigned, replied, customer answered, settled, closed; squeezed for
        # tickets too young to have had all that time.
        steps = (
            120_000 + random_() * 3 * hour,
            300_000 + random_() * 20 * hour,
            600_000 + random_() * 30 * hour,
            600_000 + random_() * day,
            2 * day + random_() * 3 * day,
        )
        squeeze = min(1.0, (horizon - moment) * 0.9 / sum(steps))
        at, times = moment, [moment]
        for step in steps:
            at += step * squeeze
            times.append(at)
        plans.append(
            (
                story,
                team,
                customer,
                owner,
                replier,
                status,
                priorities[int(random_() * len(priorities))],
                channels[int(random_() * len(channels))],
                stamp(moment),
                stamp(times[1]) if owner else None,
                stamp(times[2]),
                stamp(times[3]),
                None if status == "open" else stamp(times[4]),
                stamp(times[5]) if status == "closed" else None,
            )
        )
    return plans


def seed(
    count: int,
    *,
    agents: dict[int, list[int]],
    batch: int = 10_000,
    seed: int | None = None,
    progress: Callable[[str], None] = print,
) -> Seeded:
    """Add `count` tickets for benchmarks, spread over a fresh pool of count/5 customers and the given
    teams ({team id: [ids of agents who may own its tickets]}), created over the last two years.
    Each batch is one transaction: an interrupted run leaves whole tickets, never half of one."""
    if count < 1 or batch < 1:
        raise ValueError("The ticket count and the batch size must be at least 1.")
    if not agents or not all(agents.values()):
        raise ValueError("Every team needs at least one agent.")
    started = time.perf_counter()
    rng = random.Random(seed)
    pool = stories(rng)
    now = datetime.now(UTC).replace(tzinfo=None)
    origin = datetime.combine((now - SPAN).date(), datetime.min.time())
    clock = Clock(origin, (now - origin).days + 1)
    messages = events = 0
    # Adding more tickets than there are: building the indexes once at the end costs less than
    # keeping them up to date row by row (the measured difference is in docs/benchmarks.md).
    rebuild = count > Ticket.objects.count()
    with (
        _without_garbage_collection(),
        connection.cursor() as cursor,
        _bulk_settings(cursor, progress) as checkpoint,
        _indexes_set_aside(cursor, rebuild, progress),
    ):
        writer = Writer(cursor)
        with transaction.atomic():
            customers = _customers(writer, rng, max(1, count // 5), now)
        progress(f"customers {len(customers):,}")
        done, start, span = 0, now - SPAN, SPAN - timedelta(hours=1)
        with closing(Expansion(writer, pool)) as expansion:
            while done < count:
                size = min(batch, count - done)
                window = (start + span * (done / count), start + span * ((done + size) / count))
                plans = _plans(
                    rng,
                    size,
                    window=window,
                    now=now,
                    clock=clock,
                    customers=customers,
                    agents=agents,
                    stories=len(pool),
                )
                with transaction.atomic():
                    events += expansion.write(plans)
                messages, done = messages + 3 * size, done + size
                checkpoint(done)
                progress(f"tickets {done:,}/{count:,} ({done / (time.perf_counter() - started):,.0f}/s)")
    return Seeded(count, messages, events, len(customers), time.perf_counter() - started)


BULK_MODELS = (Ticket, Message, Event, SearchDocument)


@contextmanager
def _without_garbage_collection() -> Iterator[None]:
    """Python's cycle collector off while seeding. A batch plans 10,000 tickets as tuples, and every
    few hundred new tuples set off a collection that walks the tracked objects: 5% of a seed's time.
    A seed makes no reference cycles worth collecting meanwhile."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def _indexes_set_aside(cursor, enabled: bool, progress: Callable[[str], None]) -> Iterator[None]:
    """Drop the secondary indexes of the tables a seed fills and create them again afterwards, also
    when the seed fails half-way. Unique indexes stay: they guard the data while it loads."""
    if not enabled:
        yield
        return
    tables = [model._meta.db_table for model in BULK_MODELS]
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = ANY(%s) AND indexdef NOT LIKE 'CREATE UNIQUE INDEX%%'",
            [tables],
        )
    else:
        marks = ", ".join(["%s"] * len(tables))
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({marks}) AND sql NOT LIKE 'CREATE UNIQUE INDEX%%'",
            tables,
        )
    indexes = cursor.fetchall()
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        started = time.perf_counter()
        if connection.vendor == "postgresql":
            # Foreign keys are checked at commit; inside a caller's transaction (tests) those checks are
            # still pending, and PostgreSQL refuses to build an index on a table with pending checks.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET maintenance_work_mem = '256MB'")
        for _, definition in indexes:
            cursor.execute(definition)
        # Fresh statistics for the tables just filled: with the old ones (a near-empty table) the planner
        # chooses sequential scans, and the ticket page took 500 ms instead of 18 at 10^6 tickets until
        # autovacuum came by (measured, docs/benchmarks.md).
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE " + ", ".join(f'"{table}"' for table in [*tables, Customer._meta.db_table]))
        else:
            # Statistics from a sample of each index (SQLite's advice for `PRAGMA optimize`): the planner
            # needs their shape, not exact counts, and a full ANALYZE took 3% of a seed.
            cursor.execute("PRAGMA analysis_limit = 1000")
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA analysis_limit = 0")
        progress(f"indexes {len(indexes)} built and statistics updated in {time.perf_counter() - started:.1f}s")


CHECKPOINT_EVERY = 100_000  # tickets between SQLite WAL checkpoints during a seed


@contextmanager
def _bulk_settings(cursor, progress: Callable[[str], None]) -> Iterator[Callable[[int], None]]:
    """SQLite settings for this connection while seeding, restored after. Yields checkpoint(done).

    A big page cache keeps the indexes being appended to in memory.

    When no other connection has the database open, the seed writes through a rollback journal instead
    of the WAL: pages new to the file, nearly all a seed writes, then go to the disk once, where the WAL
    wrote them twice (into the WAL, then into the database at each checkpoint): 100,000 tickets wrote
    467 MB instead of 820, with a few percent less CPU time. It is as safe against a crash: the
    rollback journal undoes a half-written batch as the WAL would have. SQLite refuses to leave WAL
    while another connection has the database open, and the seed then stays in WAL. What others
    notice: a connection opened while a batch is being written fails with "database is locked"
    (Django's init_command switches the database back to WAL, which it cannot do during the batch);
    seed before starting the desk.

    In WAL, checkpoints (which copy the WAL into the database and wait for the disk) run every
    CHECKPOINT_EVERY tickets instead of after every batch, which removes most of the waiting for the
    disk; commits stay as durable as before."""
    if connection.vendor != "sqlite":
        yield lambda done: None
        return
    cursor.execute("PRAGMA cache_size")
    cache_size = cursor.fetchone()[0]
    cursor.execute("PRAGMA temp.cache_size")
    temp_cache_size = cursor.fetchone()[0]
    cursor.execute("PRAGMA journal_mode")
    # Leaving WAL and checkpoints need the transaction to have ended: a caller's own transaction (tests)
    # holds it open.
    wal = cursor.fetchone()[0] == "wal" and not connection.in_atomic_block
    journal = False
    if wal:
        try:
            cursor.execute("PRAGMA journal_mode = TRUNCATE")
            journal = cursor.fetchone()[0] == "truncate"
        except OperationalError:  # "database is locked": another connection has it open
            pass
        wal = not journal
        if journal:
            progress("writing through a rollback journal (no other connection has the database open)")
        else:
            progress("writing through the WAL (another connection has the database open)")
    cursor.execute("PRAGMA wal_autocheckpoint")
    autocheckpoint = cursor.fetchone()[0]
    cursor.execute("PRAGMA cache_size = -262144")
    # The expansion's scratch tables (its stories alone are 6 MB) live in the temporary database, whose
    # 2 MB cache made each story lookup a read from its file: 15% of a seed's time.
    cursor.execute("PRAGMA temp.cache_size = -65536")
    if wal:
        cursor.execute("PRAGMA wal_autocheckpoint = 0")
    last = 0

    def checkpoint(done: int) -> None:
        nonlocal last
        if wal and done - last >= CHECKPOINT_EVERY:
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
            last = done

    try:
        yield checkpoint
    finally:
        if journal:
            cursor.execute("PRAGMA journal_mode = WAL")
        if wal:
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
            cursor.execute(f"PRAGMA wal_autocheckpoint = {int(autocheckpoint)}")
        cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
        cursor.execute(f"PRAGMA temp.cache_size = {int(temp_cache_size)}")


def index_tickets(ticket_ids: Iterable[int]) -> int:
    """Write the search documents of many tickets at once: the same text search.index() writes, in a
    few queries instead of three per ticket. Existing documents of these tickets are replaced."""
    ticket_ids = sorted(set(ticket_ids))
    if not ticket_ids:
        return 0
    now = datetime.now(UTC)
    written = 0
    for start in range(0, len(ticket_ids), 5000):
        chunk = ticket_ids[start : start + 5000]
        texts = {
            pk: [subject] for pk, subject in Ticket.objects.filter(pk__in=chunk).values_list("pk", "subject")
        }
        bodies = (
            Message.objects.filter(ticket_id__in=chunk)
            .order_by("ticket_id", "created_at", "id")
            .values_list("ticket_id", "body_text")
        )
        for ticket_id, body in bodies.iterator(chunk_size=5000):
            texts[ticket_id].append(body)
        with transaction.atomic():
            SearchDocument.objects.filter(ticket_id__in=chunk).delete()
            SearchDocument.objects.bulk_create(
                [
                    SearchDocument(ticket_id=pk, text="\n".join(parts), indexed_at=now)
                    for pk, parts in texts.items()
                ],
                batch_size=1000,
            )
        written += len(texts)
    return written
