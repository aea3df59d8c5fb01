"""Writes on tickets: one function per use case. Each owns its transaction and records its events.

Callers have already checked permission (queries.ticket_for); these functions check the rules of the
desk itself (a transfer needs a reason, an owner must be on the team, ...) and raise ValidationError
with a sentence a person can act on. Nothing is changed when they raise: called inside a transaction they
take a savepoint, except inside caredesk.system.transactions.all_or_nothing(), whose block is undone whole.
"""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from caredesk.accounts import permissions
from caredesk.accounts.models import Team, User
from caredesk.customers.models import Customer

from caredesk.system import clock, transactions
from caredesk.system.queue import later
from caredesk.system.rows import update_each

from . import attachments as attachment_store
from . import events, hooks, mentions, search, tasks
from .models import OPEN_STATUSES, CustomField, Event, Message, Tag, Ticket
from .text import sanitise, text_to_html


def _locked(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update(of=("self",)).select_related("team", "customer", "owner").get(pk=ticket.pk)


def _touch(ticket: Ticket, *fields: str) -> None:
    ticket.updated_at = clock.now()
    ticket.save(update_fields=[*fields, "updated_at"])


# Set inside indexed_inline(): the tickets to index there, instead of an index_ticket task each.
_to_index_inline: ContextVar[set[int] | None] = ContextVar("caredesk_index_inline", default=None)


@contextmanager
def indexed_inline() -> Iterator[None]:
    """Inside, ticket writes queue no index_ticket task; the tickets they changed are indexed when the
    block ends without error, in the caller's transaction. For work that already runs in the
    background (processing an inbound email): a second task round trip per ticket would cost more
    than the indexing itself. Other tasks (notifications) are queued as always."""
    tickets: set[int] = set()
    token = _to_index_inline.set(tickets)
    try:
        yield
    finally:
        _to_index_inline.reset(token)
    if tickets:
        search.index_many(tickets)


def _reindex(ticket_id: int) -> None:
    if (tickets := _to_index_inline.get()) is not None:
        tickets.add(ticket_id)
    else:
        later(tasks.index_ticket, ticket_id=ticket_id)


def _check_owner(owner: User | None, team: Team) -> None:
    if owner is not None and not permissions.can_own_tickets_of(owner, team):
        raise ValidationError(
            _("%(owner)s is not an agent of %(team)s; pick someone on the team or leave it in the queue.")
            % {"owner": owner, "team": team}
        )


def _new_message(
    ticket: Ticket,
    *,
    kind: str,
    body: str,
    body_html: str = "",
    author: User | None = None,
    customer: Customer | None = None,
    quoted: str = "",
    files: Sequence = (),
) -> Message:
    """A message, checked but not saved yet."""
    body = (body or "").strip()
    if not body and not files:
        raise ValidationError(_("Write a message before sending."))
    return Message(
        ticket=ticket,
        kind=kind,
        author=author,
        customer=customer,
        body_text=body,
        body_html=sanitise(body_html) if body_html else text_to_html(body),
        quoted=quoted,
    )


def _add_message(ticket: Ticket, *, files: Sequence = (), **fields) -> Message:
    message = _new_message(ticket, files=files, **fields)
    message.save()
    attachment_store.save(message, files)
    return message


@dataclass(frozen=True)
class NewRequest:
    """One new ticket with the customer's first message, for open_tickets_with_messages."""

    customer: Customer
    subject: str
    body: str
    team: Team
    channel: str = Ticket.Channel.WEB
    priority: int = Ticket.Priority.NORMAL
    owner: User | None = None
    body_html: str = ""
    # The quoted history and signature split from an email's new text (mail.parsing).
    quoted: str = ""
    files: Sequence = ()


def open_ticket(**values) -> Ticket:
    """A new ticket with the customer's first message (the arguments of open_ticket_with_message)."""
    return open_ticket_with_message(**values).ticket


@transactions.atomic
def open_ticket_with_message(*, by: User | None = None, tags: Iterable[str] = (), **request) -> Message:
    """A new ticket with the customer's first message (the fields of NewRequest); returns that message (its
    `ticket` is the new ticket), for callers that need both without reading the message back. `by` is the
    agent who logged it, if any."""
    [message] = _open_tickets([NewRequest(**request)], by=by)
    if tags:
        _apply_tags(message.ticket, list(tags), by=by, record=False)
    return message


@transactions.atomic
def open_tickets_with_messages(requests: Sequence[NewRequest], *, by: User | None = None) -> list[Message]:
    """The batch form of open_ticket_with_message, for a batch of inbound email: the tickets, their first
    messages and their events written in one INSERT each however many there are, and the hooks given all the
    events in one call. Returns the messages in the order of `requests`. All or nothing: one request that
    breaks a rule raises its ValidationError and none is opened."""
    return _open_tickets(requests, by=by)


def _open_tickets(requests: Sequence[NewRequest], *, by: User | None) -> list[Message]:
    for request in requests:
        if not (request.subject or "").strip():
            raise ValidationError(_("A ticket needs a subject."))
        attachment_store.validate(request.files)
        _check_owner(request.owner, request.team)
    now = clock.now()
    tickets = [
        Ticket(
            subject=request.subject.strip()[:255],
            customer=request.customer,
            organisation=request.customer.organisation,
            team=request.team,
            owner=request.owner,
            priority=request.priority,
            channel=request.channel,
            status=Ticket.Status.OPEN if request.owner else Ticket.Status.NEW,
            created_at=now,
            updated_at=now,
        )
        for request in requests
    ]
    # Checked before anything is written: a request without a message fails here, not after its ticket.
    messages = [
        _new_message(
            ticket,
            kind=Message.Kind.CUSTOMER,
            body=request.body,
            body_html=request.body_html,
            customer=request.customer,
            quoted=request.quoted,
            files=request.files,
        )
        for ticket, request in zip(tickets, requests)
    ]
    Ticket.objects.bulk_create(tickets)
    # Each message takes its ticket's new id as it is saved (Model._prepare_related_fields_for_save).
    Message.objects.bulk_create(messages)
    recorded = []
    for ticket, message, request in zip(tickets, messages, requests):
        attachment_store.save(message, request.files)
        data = {"team": request.team.pk, "channel": request.channel, "message": message.pk}
        recorded.append(events.new(ticket, Event.Kind.CREATED, by=by, data=data, at=now, message=message))
        if request.owner:
            assigned = {"to": request.owner.pk, "team": request.team.pk}
            recorded.append(events.new(ticket, Event.Kind.ASSIGNED, by=by, data=assigned, at=now))
    events.record_many(recorded)
    for ticket, request in zip(tickets, requests):
        if request.owner:
            later(tasks.tell_new_owner, ticket_id=ticket.pk)
        _reindex(ticket.pk)
    return messages


@transactions.atomic
def reply(ticket: Ticket, *, by: User | None, body: str, files: Sequence = (), status: str | None = None) -> Message:
    """A public reply to the customer, sent to them by email after commit. `by` None: sent by the desk
    itself (an automation), with no author."""
    attachment_store.validate(files)
    ticket = _locked(ticket)
    new_status = status or (Ticket.Status.OPEN if ticket.status == Ticket.Status.NEW else None)
    _check_status_change(ticket, new_status or ticket.status, by=by)
    message = _add_message(ticket, kind=Message.Kind.REPLY, body=body, author=by, files=files)
    events.record(ticket, Event.Kind.REPLIED, by=by, data={"message": message.pk}, message=message)
    if new_status and new_status != ticket.status:
        _set_status(ticket, new_status, by=by)
    _touch(ticket)
    later(tasks.send_reply_to_customer, message_id=message.pk)
    _reindex(ticket.pk)
    return message


@transactions.atomic
def add_note(ticket: Ticket, *, by: User | None, body: str, files: Sequence = ()) -> Message:
    """An internal note: staff see it, the customer never does."""
    attachment_store.validate(files)
    ticket = _locked(ticket)
    message = _add_message(ticket, kind=Message.Kind.NOTE, body=body, author=by, files=files)
    people = mentions.mentioned(body, ticket=ticket, author=by)
    data = {"message": message.pk, "mentioned": [person.pk for person in people]} if people else {"message": message.pk}
    events.record(ticket, Event.Kind.NOTE_ADDED, by=by, data=data, message=message)
    _touch(ticket)
    _reindex(ticket.pk)
    for person in people:
        later(tasks.tell_mentioned, message_id=message.pk, user_id=person.pk)
    return message


@transactions.atomic
def customer_reply(
    ticket: Ticket,
    *,
    customer: Customer,
    body: str,
    body_html: str = "",
    quoted: str = "",
    files: Sequence = (),
    by: User | None = None,
) -> Message:
    """The customer wrote again. A solved ticket reopens; a closed one gets a follow-up ticket instead,
    because closed tickets are final for reporting (as Zendesk does)."""
    attachment_store.validate(files)
    ticket = _locked(ticket)
    if ticket.merged_into_id:
        ticket = _locked(ticket.merged_into)
    if ticket.status == Ticket.Status.CLOSED:
        first = open_ticket_with_message(
            customer=customer,
            subject=ticket.subject,
            body=body,
            body_html=body_html,
            team=ticket.team,
            by=by,
            channel=ticket.channel,
            priority=ticket.priority,
            quoted=quoted,
            files=files,
        )
        events.record(first.ticket, Event.Kind.FIELDS_CHANGED, by=by, data={"follow_up_of": ticket.pk})
        return first
    message = _add_message(
        ticket, kind=Message.Kind.CUSTOMER, body=body, body_html=body_html, customer=customer, quoted=quoted,
        files=files,
    )
    events.record(ticket, Event.Kind.CUSTOMER_REPLIED, by=by, data={"message": message.pk}, message=message)
    if ticket.status == Ticket.Status.SOLVED:
        events.record(
            ticket, Event.Kind.REOPENED, by=by, data={"from": ticket.status, "message": message.pk}, message=message
        )
        _set_status(ticket, Ticket.Status.OPEN, by=by, record=False)
    elif ticket.status == Ticket.Status.PENDING_CUSTOMER:
        _set_status(ticket, Ticket.Status.OPEN, by=by)
    _touch(ticket)
    if ticket.owner_id:
        later(tasks.tell_owner_customer_replied, message_id=message.pk)
    _reindex(ticket.pk)
    return message


@dataclass(frozen=True)
class CustomerReply:
    """A customer's message on a ticket of theirs, for customer_replies."""

    ticket: Ticket
    customer: Customer
    body: str
    body_html: str = ""
    quoted: str = ""
    files: Sequence = ()


class TicketMoved(ValidationError):
    """A ticket of customer_replies was closed or merged since the caller read it: its reply needs
    customer_reply (a follow-up ticket, or the ticket it was merged into)."""


@transactions.atomic
def customer_replies(replies: Sequence[CustomerReply]) -> list[Message]:
    """The batch form of customer_reply, for a batch of inbound email: one reply per ticket, to tickets that
    are neither closed nor merged. The tickets are locked in one query (in id order, so that two batches wait
    for each other rather than deadlock), the messages, events and ticket changes written in one statement
    each, and the hooks given all the events in one call. Returns the messages in the order of `replies`. All
    or nothing: a ticket closed or merged since it was read raises TicketMoved and nothing is written."""
    ids = [reply.ticket.pk for reply in replies]
    if len(set(ids)) != len(ids):
        raise ValueError("customer_replies takes one reply per ticket")
    for reply in replies:
        attachment_store.validate(reply.files)
    locked = Ticket.objects.select_for_update(of=("self",)).select_related("team", "customer", "owner")
    tickets = {ticket.pk: ticket for ticket in locked.filter(pk__in=ids).order_by("pk")}
    if any(ticket.merged_into_id or ticket.status == Ticket.Status.CLOSED for ticket in tickets.values()):
        raise TicketMoved(_("A ticket was closed or merged a moment ago."))
    now = clock.now()
    messages = [
        _new_message(
            tickets[reply.ticket.pk], kind=Message.Kind.CUSTOMER, body=reply.body, body_html=reply.body_html,
            customer=reply.customer, quoted=reply.quoted, files=reply.files,
        )
        for reply in replies
    ]
    Message.objects.bulk_create(messages)
    recorded = []
    for reply, message in zip(replies, messages):
        ticket = tickets[reply.ticket.pk]
        attachment_store.save(message, reply.files)
        # As customer_reply records them, in the same order: a solved ticket reopens, a pending one opens.
        recorded.append(events.new(ticket, Event.Kind.CUSTOMER_REPLIED, data={"message": message.pk}, at=now, message=message))
        if ticket.status == Ticket.Status.SOLVED:
            data = {"from": ticket.status, "message": message.pk}
            recorded.append(events.new(ticket, Event.Kind.REOPENED, data=data, at=now, message=message))
        elif ticket.status == Ticket.Status.PENDING_CUSTOMER:
            data = {"from": ticket.status, "to": Ticket.Status.OPEN}
            recorded.append(events.new(ticket, Event.Kind.STATUS_CHANGED, data=data, at=now))
        if ticket.status in (Ticket.Status.SOLVED, Ticket.Status.PENDING_CUSTOMER):
            ticket.status, ticket.solved_at = Ticket.Status.OPEN, None
        ticket.updated_at = now
    update_each(list(tickets.values()), ["status", "solved_at", "updated_at"])
    events.record_many(recorded)
    for reply, message in zip(replies, messages):
        if tickets[reply.ticket.pk].owner_id:
            later(tasks.tell_owner_customer_replied, message_id=message.pk)
        _reindex(reply.ticket.pk)
    return messages


@transactions.atomic
def assign(ticket: Ticket, *, to: User, by: User | None, reason: str = "", data: dict | None = None) -> Ticket:
    """Give a ticket to an agent of its team. Taking it from the queue is an assignment; taking it
    from another agent is a hand-off and needs a reason (see transfer). `by` None is the system
    (routing); `data` adds to the ASSIGNED event's data (routing records {"routing": mode})."""
    ticket = _locked(ticket)
    if ticket.owner_id == to.pk:
        return ticket
    if ticket.owner_id is not None:
        return transfer(ticket, to_team=ticket.team, to_owner=to, by=by, reason=reason)
    _check_owner(to, ticket.team)
    ticket.owner = to
    if ticket.status == Ticket.Status.NEW:
        ticket.status = Ticket.Status.OPEN
    _touch(ticket, "owner", "status")
    events.record(ticket, Event.Kind.ASSIGNED, by=by, data={**(data or {}), "to": to.pk, "team": ticket.team_id})
    later(tasks.tell_new_owner, ticket_id=ticket.pk)
    return ticket


@transactions.atomic
def transfer(
    ticket: Ticket, *, by: User, reason: str, to_team: Team | None = None, to_owner: User | None = None, note: str = ""
) -> Ticket:
    """Hand the ticket on: to another team's queue, another agent, or both. Every hand-off is counted;
    enough of them flag the ticket as a run-around."""
    ticket = _locked(ticket)
    to_team = to_team or ticket.team
    if to_team.pk == ticket.team_id and (to_owner.pk if to_owner else None) == ticket.owner_id:
        return ticket  # not a hand-off: recording it would inflate the run-around count
    if not (reason or "").strip():
        raise ValidationError(_("Say why the ticket is moving; the new owner reads this first."))
    _check_owner(to_owner, to_team)
    data = {
        "from_team": ticket.team_id,
        "from_owner": ticket.owner_id,
        "to_team": to_team.pk,
        "to_owner": to_owner.pk if to_owner else None,
        "reason": reason.strip(),
    }
    if note.strip():
        data["note"] = note.strip()
    ticket.team = to_team
    ticket.owner = to_owner
    ticket.handoff_count += 1
    _touch(ticket, "team", "owner", "handoff_count")
    events.record(ticket, Event.Kind.TRANSFERRED, by=by, data=data)
    if to_owner:
        later(tasks.tell_new_owner, ticket_id=ticket.pk)
        # The customer is told who now looks after them (handoffs.introduce_new_owner decides if).
        later(tasks.introduce_new_owner, ticket_id=ticket.pk, owner_id=to_owner.pk)
    return ticket


def _set_status(ticket: Ticket, status: str, *, by: User | None, record: bool = True) -> None:
    previous = ticket.status
    ticket.status = status
    if status == Ticket.Status.SOLVED:
        ticket.solved_at = clock.now()
    elif status in OPEN_STATUSES:
        ticket.solved_at = None
    _touch(ticket, "status", "solved_at")
    if record:
        events.record(ticket, Event.Kind.STATUS_CHANGED, by=by, data={"from": previous, "to": status})


def _check_status_change(ticket: Ticket, status: str, *, by: User | None) -> None:
    """Refuse what no status change may do: an unknown status, touching a merged or closed ticket, or
    what another app forbids (hooks.guard_status: an open escalation keeps its ticket open)."""
    if status not in Ticket.Status.values:
        raise ValidationError(_("Unknown status: %(status)s.") % {"status": status})
    if ticket.merged_into_id:
        raise ValidationError(_("This ticket was merged; change the ticket it was merged into."))
    if ticket.status == Ticket.Status.CLOSED:
        raise ValidationError(_("A closed ticket stays closed; the customer's next message opens a follow-up."))
    if status != ticket.status:
        hooks.check_status(ticket, status, by)


@transactions.atomic
def change_status(ticket: Ticket, *, status: str, by: User) -> Ticket:
    ticket = _locked(ticket)
    if ticket.status == status:
        return ticket
    _check_status_change(ticket, status, by=by)
    _set_status(ticket, status, by=by)
    return ticket


@transactions.atomic
def change_priority(ticket: Ticket, *, priority: int, by: User) -> Ticket:
    if priority not in Ticket.Priority.values:
        raise ValidationError(_("Unknown priority: %(priority)s.") % {"priority": priority})
    ticket = _locked(ticket)
    if ticket.priority == priority:
        return ticket
    events.record(ticket, Event.Kind.PRIORITY_CHANGED, by=by, data={"from": ticket.priority, "to": priority})
    ticket.priority = priority
    _touch(ticket, "priority")
    return ticket


def normalise_tags(names: Iterable[str]) -> list[str]:
    cleaned = sorted({name.strip().lower().replace(" ", "-")[:50] for name in names if name and name.strip()})
    return cleaned


def _apply_tags(ticket: Ticket, names: list[str], *, by: User | None, record: bool = True) -> bool:
    """Set the ticket's tags; False when they were already those (nothing written)."""
    wanted = normalise_tags(names)
    current = sorted(ticket.tags.values_list("name", flat=True))
    if wanted == current:
        return False
    existing = {tag.name: tag for tag in Tag.objects.filter(name__in=wanted)}
    missing = [Tag(name=name) for name in wanted if name not in existing]
    Tag.objects.bulk_create(missing, ignore_conflicts=True)
    ticket.tags.set(Tag.objects.filter(name__in=wanted))
    if record:
        events.record(ticket, Event.Kind.TAGS_CHANGED, by=by, data={"from": current, "to": wanted})
    return True


@transactions.atomic
def set_tags(ticket: Ticket, *, tags: Iterable[str], by: User) -> Ticket:
    ticket = _locked(ticket)
    # The same tags again change nothing: no event, and the ticket does not look recently updated.
    if _apply_tags(ticket, list(tags), by=by):
        _touch(ticket)
    return ticket


@transactions.atomic
def set_fields(ticket: Ticket, *, values: dict, by: User) -> Ticket:
    """Set custom field values by key. Unknown keys and bad values are refused, nothing saved."""
    definitions = {field.key: field for field in CustomField.objects.all()}
    unknown = sorted(set(values) - set(definitions))
    if unknown:
        raise ValidationError(_("Unknown fields: %(keys)s.") % {"keys": ", ".join(unknown)})
    cleaned = {key: definitions[key].clean_value(value) for key, value in values.items()}
    ticket = _locked(ticket)
    changes = {key: {"from": ticket.fields.get(key), "to": value} for key, value in cleaned.items() if ticket.fields.get(key) != value}
    if not changes:
        return ticket
    for key, value in cleaned.items():
        if value is None:
            ticket.fields.pop(key, None)
        else:
            ticket.fields[key] = value
    _touch(ticket, "fields")
    events.record(ticket, Event.Kind.FIELDS_CHANGED, by=by, data={"changes": changes})
    return ticket


@transactions.atomic
def merge(ticket: Ticket, *, into: Ticket, by: User) -> Ticket:
    """Fold `ticket` into `into`. Both keep their messages and events; the timeline of the survivor
    shows everything, and the merged ticket points to it and is closed."""
    if ticket.pk == into.pk:
        raise ValidationError(_("A ticket cannot be merged into itself."))
    first, second = sorted([ticket.pk, into.pk])  # lock in id order so two merges cannot deadlock
    locked = {t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=[first, second])}
    ticket, into = locked[ticket.pk], locked[into.pk]
    if ticket.merged_into_id:
        raise ValidationError(_("Ticket %(ref)s was already merged.") % {"ref": ticket.reference})
    if into.merged_into_id:
        raise ValidationError(_("Ticket %(ref)s was itself merged; merge into the ticket it points to.") % {"ref": into.reference})
    previous_status = ticket.status
    # Merging closes the ticket: whatever may not close it (an open escalation) may not merge it either.
    if previous_status != Ticket.Status.CLOSED:
        hooks.check_status(ticket, Ticket.Status.CLOSED, by)
    ticket.merged_into = into
    ticket.status = Ticket.Status.CLOSED
    _touch(ticket, "merged_into", "status")
    # Tickets merged into this one before now point straight at the survivor.
    Ticket.objects.filter(merged_into=ticket).update(merged_into=into)
    events.record(ticket, Event.Kind.MERGED, by=by, data={"into": into.pk, "from_status": previous_status})
    events.record(into, Event.Kind.MERGED_IN, by=by, data={"merged": ticket.pk})
    if into.status in (Ticket.Status.SOLVED,) and previous_status in OPEN_STATUSES:
        _set_status(into, Ticket.Status.OPEN, by=by)
    _touch(into)
    _reindex(into.pk)
    return into


def bulk_update(
    tickets: Sequence[Ticket],
    *,
    by: User,
    status: str | None = None,
    owner: User | None = None,
    add_tags: Iterable[str] = (),
    reason: str = "",
) -> list[Ticket]:
    """Apply one change to many tickets, each through its own service so events exist for every one.
    All or nothing: the first refusal undoes the lot and names the ticket."""
    add_tags = normalise_tags(add_tags)
    with transaction.atomic():
        done = []
        for ticket in tickets:
            try:
                if owner is not None:
                    ticket = assign(ticket, to=owner, by=by, reason=reason)
                if status:
                    ticket = change_status(ticket, status=status, by=by)
                if add_tags:
                    current = list(ticket.tags.values_list("name", flat=True))
                    ticket = set_tags(ticket, tags=current + add_tags, by=by)
            except ValidationError as error:
                raise ValidationError(
                    _("%(ref)s: %(error)s Nothing was changed.") % {"ref": ticket.reference, "error": " ".join(error.messages)}
                ) from None
            done.append(ticket)
    return done


def runaround_threshold() -> int:
    return settings.CAREDESK_RUNAROUND_THRESHOLD
