"""The periodic sweep over running target clocks: flag those at risk, breach those past due.

Both steps read only through the partial indexes on running targets (target_running_due,
target_running_at_risk), a batch at a time, in a fixed number of queries per batch whatever its size:

  at risk:  one UPDATE of at most BATCH rows whose at_risk_at has passed;
  breaches: on PostgreSQL one statement that takes the due rows (FOR UPDATE SKIP LOCKED), marks them
            breached and inserts their TARGET_BREACHED events, then one read of their tickets; on
            SQLite a SELECT with the tickets, an UPDATE and a bulk_create of the events. Then one task
            row that emails the owners of the batch.

Events written in bulk skip conversations.events.record(), so the batch is handed to
conversations.hooks.events_recorded() here: listeners see each one as they would a recorded event, in
the same transaction, with event.ticket loaded, and batch listeners see the batch at once (escalations
queues one task that escalates the batch's tickets, so the sweep stays a fixed number of queries).
A batch is one transaction: a crash loses nothing, and the next sweep finds what is still due.
"""

import json
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Subquery

from caredesk.conversations import hooks
from caredesk.conversations.models import Event, Ticket
from caredesk.system import clock
from caredesk.system.queue import later

from .models import Target

BATCH = 1000


@dataclass
class Swept:
    at_risk: int = 0
    breached: int = 0
    batches: int = 0


def flag_at_risk(now, *, batch: int = BATCH) -> int:
    """Mark one batch of running targets whose at-risk moment has passed; how many were marked."""
    due = (
        Target.objects.filter(state=Target.State.RUNNING, at_risk=False, at_risk_at__lte=now)
        .order_by("at_risk_at")
        .values("pk")[:batch]
    )
    return Target.objects.filter(pk__in=Subquery(due)).update(at_risk=True)


@transaction.atomic
def breach(now, *, batch: int = BATCH) -> int:
    """Breach one batch of running targets past their due time; how many were breached."""
    from . import tasks

    if connection.vendor == "postgresql":
        breaches = _breach_in_one_statement(now, batch)
    else:
        breaches = _breach_with_the_orm(now, batch)
    if not breaches:
        return 0
    hooks.events_recorded(breaches)
    later(tasks.tell_owners_of_breaches, target_ids=[event.data["target"] for event in breaches])
    return len(breaches)


def _breach_with_the_orm(now, batch: int) -> list[Event]:
    """SQLite (one writer at a time, a laptop's desk): read the due rows with their tickets, mark them,
    insert their events. Three queries."""
    from . import engine

    targets = list(
        Target.objects.filter(state=Target.State.RUNNING, due_at__lte=now).order_by("due_at").select_related("ticket")[:batch]
    )
    if not targets:
        return []
    Target.objects.filter(pk__in=[t.pk for t in targets]).update(state=Target.State.BREACHED, breached_at=now, at_risk=True)
    return Event.objects.bulk_create(
        [Event(ticket=t.ticket, kind=Event.Kind.TARGET_BREACHED, actor=None, at=now, data=engine.breach_data(t)) for t in targets]
    )


# One statement: take the due rows no other sweep holds, mark them breached, and append their events,
# with the same data engine.breach_data() writes (the due time as Python's isoformat() gives it).
BREACH_SQL = """
WITH due AS (
    SELECT id FROM service_levels_target
    WHERE state = 'running' AND due_at <= %(now)s
    ORDER BY due_at
    LIMIT %(batch)s
    FOR UPDATE SKIP LOCKED
), breached AS (
    UPDATE service_levels_target AS target
    SET state = 'breached', breached_at = %(now)s, at_risk = true
    FROM due WHERE target.id = due.id
    RETURNING target.id, target.ticket_id, target.kind, target.policy_id, target.due_at, target.business_minutes
)
INSERT INTO conversations_event (ticket_id, kind, actor_id, at, data)
SELECT ticket_id, %(kind)s, NULL, %(now)s, jsonb_build_object(
    'target', id,
    'kind', kind,
    'policy', policy_id,
    'due', to_char(due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
        || CASE WHEN date_part('microseconds', due_at)::bigint %% 1000000 = 0 THEN ''
                ELSE to_char(due_at AT TIME ZONE 'UTC', '.US') END
        || '+00:00',
    'business_minutes', business_minutes
)
FROM breached
ORDER BY due_at, id
RETURNING id, ticket_id, data
"""


def _breach_in_one_statement(now, batch: int) -> list[Event]:
    """PostgreSQL: BREACH_SQL, then the batch's tickets in one query so that listeners get
    event.ticket without a query each. Two queries; measured at a third of the ORM path's time
    (bench/sla_sweep.py): no model instances to build for the targets, no parameters to quote per row."""
    with connection.cursor() as cursor:
        cursor.execute(BREACH_SQL, {"now": now, "batch": batch, "kind": Event.Kind.TARGET_BREACHED})
        rows = cursor.fetchall()
    if not rows:
        return []
    tickets = Ticket.objects.in_bulk({ticket_id for _, ticket_id, _ in rows})
    events = []
    for pk, ticket_id, data in rows:
        data = json.loads(data) if isinstance(data, str) else data  # Django leaves jsonb as text to JSONField
        event = Event.from_db(connection.alias, ["id", "ticket_id", "kind", "actor_id", "at", "data"],
                              [pk, ticket_id, Event.Kind.TARGET_BREACHED, None, now, data])
        event.ticket = tickets[ticket_id]
        events.append(event)
    return events


def sweep(*, batch: int = BATCH, now=None) -> Swept:
    """One pass: every at-risk flag and breach due by `now`, batch by batch."""
    now = now or clock.now()
    result = Swept()
    while True:
        flagged = flag_at_risk(now, batch=batch)
        result.at_risk += flagged
        result.batches += 1
        if flagged < batch:
            break
    while True:
        breached = breach(now, batch=batch)
        result.breached += breached
        result.batches += 1
        if breached < batch:
            break
    return result
