"""Writes on promises: one function per use case, each in one transaction with its event.

Callers check who may act (queries.ticket_for with to_change=True, permissions.can_handle_promises_on);
the services check what is being asked (a due time ahead, an owner who may work on the ticket).

Reminders and breaking: `check(now)` is the periodic sweep (tasks.check_promises, every minute).
- An open promise's owner is reminded once, when 80% of the time from making it to its due time has
  passed (Promise.remind_at): a promise made on Monday 09:00 for Friday 09:00 reminds on Thursday
  about 11:00; one made at 10:00 for 12:00 reminds at 11:36.
- An open promise still open at its due time is broken: state BROKEN, broken_at = its due time, and a
  PROMISE_BROKEN event, written in bulk and handed to conversations.hooks (escalations takes it to the lead).
Broken is final: a late delivery is recorded on the ticket, not by keeping a broken promise.
"""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from caredesk.accounts import permissions
from caredesk.conversations import events, hooks
from caredesk.conversations.models import Event, Message, Ticket
from caredesk.system import clock
from caredesk.system.queue import later

from .models import Promise

# How far ahead a promise may fall due: further than this is a typo, not a promise.
LONGEST = timedelta(days=366)
REMIND_AT = 0.8  # of the way from making a promise to its due time
BATCH = 200  # promises the sweep handles per transaction


def remind_time(made_at: datetime, due_at: datetime) -> datetime:
    return made_at + (due_at - made_at) * REMIND_AT


def _event_data(promise: Promise, **extra) -> dict:
    return {"promise": promise.pk, "what": promise.what, "due": promise.due_at.isoformat(), "owner": promise.owner_id, **extra}


@transaction.atomic
def make_promise(
    ticket: Ticket,
    *,
    what: str,
    due: datetime,
    owner,
    by,
    message: Message | None = None,
    source: str = Promise.Source.MANUAL,
    sentence: str = "",
) -> Promise:
    """Record a promise to the ticket's customer, answered for by `owner`. Raises ValidationError,
    recording nothing, for an empty "what", a due time not ahead of now, or an owner who may not work
    on the ticket."""
    what = " ".join((what or "").split())
    now = clock.now()
    if not what:
        raise ValidationError("Say what was promised; the customer reads it in the portal.")
    if len(what) > Promise._meta.get_field("what").max_length:
        raise ValidationError("Say what was promised in 200 characters or fewer.")
    if due is None or due.tzinfo is None:
        raise ValidationError("Give the due time with its time zone.")
    if due <= now:
        raise ValidationError("The due time has already passed; a promise falls due in the future.")
    if due > now + LONGEST:
        raise ValidationError("A promise falls due within a year; check the date.")
    if ticket.merged_into_id:
        raise ValidationError(f"This ticket was merged into {ticket.merged_into.reference}; record the promise there.")
    if owner is None or not permissions.can_own_promise_on(owner, ticket):
        raise ValidationError(f"{owner or 'Nobody'} may not work on this ticket, so cannot answer for a promise on it.")
    if message is not None and message.ticket_id != ticket.pk:
        raise ValidationError("That message is on another ticket.")
    promise = Promise.objects.create(
        ticket=ticket,
        what=what,
        due_at=due,
        owner=owner,
        made_by=by,
        made_at=now,
        remind_at=remind_time(now, due),
        message=message,
        source=source,
        sentence=(sentence or "").strip()[:2000],
    )
    events.record(ticket, Event.Kind.PROMISE_MADE, by=by, data=_event_data(promise, source=source))
    return promise


def _open_locked(promise: Promise) -> Promise:
    locked = Promise.objects.select_for_update().select_related("ticket").get(pk=promise.pk)
    if locked.state != Promise.State.OPEN:
        raise ValidationError(f"This promise is {locked.get_state_display().lower()} already.")
    return locked


@transaction.atomic
def keep(promise: Promise, *, by) -> Promise:
    """Mark an open promise kept. A broken or cancelled one cannot be: ValidationError, nothing changes."""
    promise = _open_locked(promise)
    promise.state, promise.kept_at = Promise.State.KEPT, clock.now()
    promise.save(update_fields=["state", "kept_at"])
    events.record(promise.ticket, Event.Kind.PROMISE_KEPT, by=by, data=_event_data(promise))
    return promise


@transaction.atomic
def cancel(promise: Promise, *, by, reason: str) -> Promise:
    """Withdraw an open promise (made in error, or the customer no longer wants it), saying why."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError("Say why the promise is cancelled; the ticket's history keeps the reason.")
    if len(reason) > 200:
        raise ValidationError("Give the reason in 200 characters or fewer.")
    promise = _open_locked(promise)
    promise.state, promise.cancelled_at, promise.cancel_reason = Promise.State.CANCELLED, clock.now(), reason
    promise.save(update_fields=["state", "cancelled_at", "cancel_reason"])
    events.record(promise.ticket, Event.Kind.PROMISE_CANCELLED, by=by, data=_event_data(promise, reason=reason))
    return promise


# The sweep ---------------------------------------------------------------------------------------


def check(now: datetime | None = None, *, batch: int = BATCH) -> tuple[int, int]:
    """Remind owners of promises falling due, then break the overdue ones. Returns (reminded, broken).
    Safe to run twice and from two workers at once: rows are claimed under a lock (skipped by the other)."""
    from . import tasks

    now = now or clock.now()
    reminded = broken = 0
    while True:
        with transaction.atomic():
            # One query to claim a batch, one to stamp it, one task row for all of them.
            ids = list(
                Promise.objects.select_for_update(skip_locked=True)
                .filter(state=Promise.State.OPEN, reminded_at__isnull=True, remind_at__lte=now, due_at__gt=now)
                .order_by("remind_at", "id")
                .values_list("pk", flat=True)[:batch]
            )
            if ids:
                Promise.objects.filter(pk__in=ids).update(reminded_at=now)
                later(tasks.remind_owners, promise_ids=ids)
        reminded += len(ids)
        if len(ids) < batch:
            break
    while True:
        with transaction.atomic():
            overdue = list(
                Promise.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(state=Promise.State.OPEN, due_at__lte=now)
                .select_related("ticket")
                .order_by("due_at", "id")[:batch]
            )
            if overdue:
                Promise.objects.filter(pk__in=[p.pk for p in overdue]).update(
                    state=Promise.State.BROKEN, broken_at=F("due_at")
                )
            # One insert for the batch's events, handed to the hooks as a batch (escalations takes the
            # tickets to their leads in one task), so the sweep stays a fixed number of queries.
            hooks.events_recorded(
                Event.objects.bulk_create(
                    Event(ticket=promise.ticket, kind=Event.Kind.PROMISE_BROKEN, data=_event_data(promise), at=now)
                    for promise in overdue
                )
            )
        broken += len(overdue)
        if len(overdue) < batch:
            break
    return reminded, broken


# Linking a reply ---------------------------------------------------------------------------------


def _squash(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).lower()


def link_reply(event: Event) -> None:
    """Hook (conversations.hooks.on_event): a promise recorded from the composer is made before its
    reply is sent; when the reply is recorded, the promise is joined to it if the reply still says it."""
    if event.kind != Event.Kind.REPLIED or not event.actor_id:
        return
    waiting = list(
        Promise.objects.filter(
            ticket_id=event.ticket_id,
            made_by_id=event.actor_id,
            source=Promise.Source.DETECTED,
            message__isnull=True,
            made_at__gte=event.at - timedelta(hours=12),
        ).only("pk", "sentence")
    )
    if not waiting:
        return
    body = Message.objects.filter(pk=event.data.get("message")).values_list("body_text", flat=True).first() or ""
    said = _squash(body)
    linked = [promise.pk for promise in waiting if promise.sentence and _squash(promise.sentence) in said]
    if linked:
        Promise.objects.filter(pk__in=linked).update(message_id=event.data["message"])
