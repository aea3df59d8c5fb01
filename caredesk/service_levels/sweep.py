"""The periodic sweep over running target clocks: flag those at risk, breach those past due.

Both steps read only through the partial indexes on running targets (target_running_due,
target_running_at_risk), a batch at a time, in a fixed number of queries per batch whatever its size:

  at risk:  one UPDATE of at most BATCH rows whose at_risk_at has passed;
  breaches: one SELECT ... FOR UPDATE SKIP LOCKED of due rows with their tickets, one UPDATE of their
            state, one INSERT of their TARGET_BREACHED events (bulk_create), one task row that emails
            the owners of the batch.

Bulk-created events skip conversations.events.record(), so each one is handed to
conversations.hooks.event_recorded() here: listeners (escalations climb their ladder on a breach) see
them exactly as they would a recorded event, in the same transaction, with event.ticket loaded.
A batch is one transaction: a crash loses nothing, and the next sweep finds what is still due.
"""

from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Subquery

from caredesk.conversations import hooks
from caredesk.conversations.models import Event
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
    from . import engine, tasks

    due = Target.objects.filter(state=Target.State.RUNNING, due_at__lte=now).order_by("due_at")
    if connection.features.has_select_for_update_skip_locked:
        # Two sweeps at once (a slow one overlapping the next) take different rows.
        due = due.select_for_update(skip_locked=True, of=("self",))
    targets = list(due.select_related("ticket")[:batch])
    if not targets:
        return 0
    Target.objects.filter(pk__in=[t.pk for t in targets]).update(
        state=Target.State.BREACHED, breached_at=now, at_risk=True
    )
    breaches = Event.objects.bulk_create(
        [
            Event(
                ticket=target.ticket,
                kind=Event.Kind.TARGET_BREACHED,
                actor=None,
                at=now,
                data=engine.breach_data(target),
            )
            for target in targets
        ]
    )
    for event in breaches:
        hooks.event_recorded(event)
    later(tasks.tell_owners_of_breaches, target_ids=[t.pk for t in targets])
    return len(targets)


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
