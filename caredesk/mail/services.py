"""Writes for inbound email: store the raw bytes first, then process them into a ticket or a reply.

Storing and processing are separate steps with separate transactions, so that nothing a customer sent is
lost when processing fails: the email stays stored with its error and `process` can run again. Processing
is idempotent; an email already processed is left alone.
"""

import dataclasses
import hashlib
import html
import logging
import re
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from datetime import timedelta
from enum import StrEnum
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F
from django.db.models.functions import Length
from django.template.defaultfilters import filesizeformat
from django_tasks import task_backends
from django_tasks.base import TaskResultStatus

from caredesk.accounts.models import Team
from caredesk.conversations import attachments as attachment_store
from caredesk.conversations import hooks
from caredesk.conversations import services as conversations
from caredesk.conversations.models import Attachment, Message, Ticket
from caredesk.customers import services as customers
from caredesk.customers.models import Customer
from caredesk.system import clock, transactions
from caredesk.system.rows import update_each
from caredesk.system.queue import later, suppressed

from . import acknowledgements, batch, delivery, parsing, queries, tasks
from .models import InboundEmail

logger = logging.getLogger(__name__)

# Raw bytes one batch takes at most, beyond its first email: fifty big emails must not all be in memory.
BATCH_BYTES = 20 * 1024 * 1024
# An email left stored (the email it answers was in another worker's batch; a deadlock) is tried again after.
RETRY_AFTER = timedelta(seconds=1)
# A reply whose original is stored but not processed yet waits for it this long after it arrived (retried every
# RETRY_AFTER), then opens a ticket of its own: an original whose task was lost must not hold it for ever.
WAIT_FOR_ORIGINAL = timedelta(minutes=10)
# Statuses `process` works on; the others are final.
UNFINISHED = (InboundEmail.Status.STORED, InboundEmail.Status.FAILED)
NO_TEXT = "(This email had no text.)"
# What processing writes; the raw bytes are never rewritten.
OUTCOME_FIELDS = [
    "status", "error", "attempts", "processed_at", "ticket", "desk_message", "started_ticket", "bounced_email",
]
# An email's attachments the desk takes, each with the upload made of it.
Accepted = list[tuple[parsing.Attachment, SimpleUploadedFile]]
# Statuses of emails a machine sent: recorded and linked to their ticket, never made messages.
MACHINE_SENT = (InboundEmail.Status.AUTO_REPLY, InboundEmail.Status.BOUNCE)


class Outcome(StrEnum):
    """What receiving one email came to, as `caredesk ingest` counts it."""

    NEW_TICKET = "new_ticket"
    REPLY = "reply"
    DUPLICATE = "duplicate"
    AUTO_REPLY = "auto_reply"
    BOUNCE = "bounce"
    FAILED = "failed"


def store(
    raw: bytes, *, source: str, team: Team | None = None, quiet: bool = False
) -> tuple[InboundEmail, bool]:
    """Keep the raw bytes, unparsed but for the Message-ID header. Returns the stored email and whether it
    is new: the same bytes with the same Message-ID are stored once, and the earlier copy is returned.
    `quiet` marks old mail imported as history: processing it notifies nobody."""
    return _store_one(unsaved(raw, source=source, team=team, quiet=quiet))


def _store_one(inbound: InboundEmail) -> tuple[InboundEmail, bool]:
    # Inserted straight away: a copy stored before is rare, and the unique constraint finds it without a
    # read first (it also settles two deliveries of the same email at the same moment).
    try:
        with transaction.atomic():
            inbound.save(force_insert=True)
    except IntegrityError:  # stored before, or by another delivery a moment ago
        inbound.pk = None
        return InboundEmail.objects.defer("raw").get(message_id=inbound.message_id, sha256=inbound.sha256), False
    return inbound, True


def store_all(emails: list[InboundEmail]) -> list[tuple[InboundEmail, bool]]:
    """Store several emails (made by `unsaved`) together: one read of the copies stored before (by the
    hashes' index) and one INSERT of the rest. Returns each email with whether it is new, as `store` does; an
    email twice in the list is stored once. Should another delivery store one of them in between, each is
    stored on its own instead. Call it inside the transaction that records how far the source was read."""
    hashes = {inbound.sha256 for inbound in emails}
    stored = {
        (earlier.message_id, earlier.sha256): earlier
        for earlier in InboundEmail.objects.defer("raw").filter(sha256__in=hashes)
    }
    new = {}
    for inbound in emails:
        key = (inbound.message_id, inbound.sha256)
        if key not in stored:
            new.setdefault(key, inbound)
    try:
        with transaction.atomic():
            InboundEmail.objects.bulk_create(new.values())
    except IntegrityError:  # stored by another delivery since the read: settled one email at a time
        return [_store_one(inbound) for inbound in emails]
    return [
        (stored[key], False) if (key := (inbound.message_id, inbound.sha256)) in stored
        else (new[key], new[key] is inbound)
        for inbound in emails
    ]


def store_and_queue(emails: list[InboundEmail]) -> list[tuple[InboundEmail, bool]]:
    """store_all, and one process_inbound_emails task for the new emails left to process, queued in the
    caller's transaction (those stored failed, too large to take, are not)."""
    kept = store_all(emails)
    waiting = [inbound.pk for inbound, created in kept if created and inbound.status == InboundEmail.Status.STORED]
    if waiting:
        later(tasks.process_inbound_emails, inbound_ids=waiting)
    return kept


def unsaved(raw: bytes, *, source: str, team: Team | None = None, quiet: bool = False, **fields) -> InboundEmail:
    """The email to store for these raw bytes, with their hash and Message-ID, not saved yet."""
    raw = bytes(raw)
    return InboundEmail(
        raw=raw, sha256=hashlib.sha256(raw).hexdigest(), message_id=parsing.message_id_of(raw),
        source=source, team=team, quiet=quiet, **fields,
    )


def receive(
    raw: bytes, *, source: str, team: Team | None = None, quiet: bool = False
) -> tuple[InboundEmail, Outcome]:
    """Store an email, then process it. An email stored before but never finished (the process that
    stored it died, or it failed) is processed now rather than skipped: delivering it again is how a mail
    server retries."""
    inbound, created = store(raw, source=source, team=team, quiet=quiet)
    if not created and inbound.status not in UNFINISHED:
        return inbound, Outcome.DUPLICATE
    inbound = process(inbound)
    return inbound, outcome_of(inbound)


def receive_all(
    raws: list[bytes], *, source: str, team: Team | None = None, quiet: bool = False
) -> list[tuple[InboundEmail, Outcome]]:
    """receive for several emails: stored together (store_all), then those new or stored before but never
    finished processed in batches (process_listed), and each one's outcome read back in one query. An email
    twice in the list is, the second time, a duplicate, as it is received twice. For `caredesk ingest`."""
    with transaction.atomic():
        kept = store_all([unsaved(raw, source=source, team=team, quiet=quiet) for raw in raws])
    waiting = list(dict.fromkeys(inbound.pk for inbound, created in kept if created or inbound.status in UNFINISHED))
    process_listed(waiting)
    now = InboundEmail.objects.defer("raw").in_bulk(waiting)
    outcomes, told = [], set()
    for inbound, _ in kept:
        if inbound.pk in now and inbound.pk not in told:  # processed now, and its first time in the list
            told.add(inbound.pk)
            outcomes.append((now[inbound.pk], outcome_of(now[inbound.pk])))
        else:
            outcomes.append((inbound, Outcome.DUPLICATE))
    return outcomes


def outcome_of(inbound: InboundEmail) -> Outcome:
    if inbound.status == InboundEmail.Status.AUTO_REPLY:
        return Outcome.AUTO_REPLY
    if inbound.status == InboundEmail.Status.BOUNCE:
        return Outcome.BOUNCE
    if inbound.status == InboundEmail.Status.PROCESSED:
        return Outcome.NEW_TICKET if inbound.started_ticket else Outcome.REPLY
    return Outcome.FAILED


def process(inbound: InboundEmail) -> InboundEmail:
    """Parse a stored email and add it to the desk: a reply on the ticket it continues
    (queries.ticket_replied_to), else a new email ticket for the team it was received for. Auto-replies
    and delivery failures are recorded, never made messages. Returns the email as it now is; on any error
    it is FAILED with the error kept, nothing else written, and can be processed again."""
    # Waits for the email's lock if another worker is processing it, then finds it done.
    done = _process_together(InboundEmail.objects.filter(pk=inbound.pk, status__in=UNFINISHED), wait=True)
    return done[0] if done else InboundEmail.objects.get(pk=inbound.pk)


def batch_size() -> int:
    return settings.CAREDESK_EMAIL_BATCH_SIZE


def process_batch(first_id: int | None = None, *, limit: int | None = None) -> list[InboundEmail]:
    """Process up to `limit` stored emails in one transaction: the email `first_id` if it is unfinished
    (stored or failed), then the oldest stored ones. Emails another worker is processing are skipped, not
    waited for (on PostgreSQL, SELECT ... FOR UPDATE SKIP LOCKED; SQLite has one writer at a time). Each
    email is processed in its own savepoint, as `process` would: one that fails is FAILED with its error
    and the others stand. The batch's tickets are indexed for search and its acknowledgements queued for
    sending as one task when the batch ends. Returns the emails claimed, as they now are (none: nothing
    was left to do)."""
    limit = limit or batch_size()
    claims = []
    if first_id is not None:
        claims.append(InboundEmail.objects.filter(pk=first_id, status__in=UNFINISHED))
    stored = InboundEmail.objects.filter(status=InboundEmail.Status.STORED).order_by("received_at", "pk")
    claims.append(stored.exclude(pk=first_id) if first_id is not None else stored)
    return _process_together(*claims, wait=False, limit=limit)


def process_listed(inbound_ids: list[int]) -> None:
    """Process the emails `inbound_ids` (stored together, store_all) that are unfinished: batch after batch,
    each in its own transaction as process_batch's. Those another worker has locked are waited for at the
    end, and whatever that worker left unfinished is processed here: this task answers for every email of
    its list, as process_inbound does for its one."""
    waiting, wait = set(inbound_ids), False
    while waiting:
        claimed = _process_together(
            InboundEmail.objects.filter(pk__in=waiting, status__in=UNFINISHED).order_by("received_at", "pk"),
            wait=wait, limit=batch_size(),
        )
        if claimed:
            waiting -= {inbound.pk for inbound in claimed}
        elif wait:  # none of them is left unfinished
            break
        else:  # the rest are held by other workers: wait for them from now on, batch by batch
            wait = True


# An email's own task takes it within seconds of arriving; one still stored after this long lost its task.
STRANDED_AFTER = timedelta(minutes=2)


def process_stranded(*, older_than: timedelta = STRANDED_AFTER) -> int:
    """Process, batch after batch, the emails still stored `older_than` after they arrived: their task
    failed on a passing error (on SQLite, "database is locked" when three writers kept one waiting past
    the busy timeout; a connection lost mid-batch) or was lost with its queue. The scheduler runs this
    every minute, so that no email a customer sent waits for a person to notice it. Returns how many
    emails were processed."""
    waiting = InboundEmail.objects.filter(
        status=InboundEmail.Status.STORED, received_at__lte=clock.now() - older_than
    ).order_by("pk")
    processed, last = 0, 0
    # Onwards by id: an email processing leaves stored (it answers one not processed yet; it is queued
    # again) is not taken twice in one sweep.
    while claimed := _process_together(waiting.filter(pk__gt=last), wait=False, limit=batch_size()):
        processed += len(claimed)
        last = max(inbound.pk for inbound in claimed)
    return processed


def _process_together(*claims, wait: bool, limit: int = 1) -> list[InboundEmail]:
    """Lock the emails of the querysets `claims` (at most `limit`, and at most BATCH_BYTES of raw email
    beyond the first), process each in a savepoint, and commit once."""
    claimed: list[InboundEmail] = []
    try:
        # The reports rollup folds the batch's events once, at its end (hooks.deferred), in its transaction.
        # All or nothing: the desk's services inside take no savepoints of their own; each email of a batch
        # has one (_process_one), and a batch that fails as a whole is processed again email by email.
        with transactions.all_or_nothing(), batch.scope() as current, hooks.deferred():
            claimed = _claim(claims, wait=wait, limit=limit)
            if not claimed:  # another worker's batch took them: nothing to read or write
                return []
            # The tickets are indexed here, once each, when the batch ends, rather than by a task per change:
            # this already runs in the background, and the search documents commit with the messages.
            with conversations.indexed_inline():
                if len(claimed) == 1:  # alone, the batch's transaction is the email's: no savepoint needed
                    _process_claimed(claimed[0])
                else:
                    # Parsed first, so that the customers of all senders are read in two queries, not two
                    # each, the loop breaker's counts of their automatic answers in one, and the tickets
                    # they answer in three.
                    parsed = _parse_all(claimed)
                    current.senders = _senders(parsed.values())
                    current.message_ids = {inbound.message_id for inbound in claimed} - {""}
                    current.threads = queries.tickets_by_message_id(
                        ids[0] for email in parsed.values() if (ids := queries.thread_ids(email))
                    )
                    with customers.known(current.senders):
                        claimed = _process_all(claimed, parsed)
            if len(claimed) > 1:
                finished = [inbound.pk for inbound in claimed if inbound.status != InboundEmail.Status.STORED]
                _drop_redundant_tasks(finished)
            # The acknowledgements of the batch, stored together; one task sends them all, after commit.
            acknowledgements.store_held(current.held)
            if len(current.sends) == 1:
                later(tasks.send_email, outbound_id=current.sends[0])
            elif current.sends:
                later(tasks.send_emails, outbound_ids=current.sends)
        return claimed
    except Exception as error:  # noqa: BLE001 - the batch as a whole failed (indexing, the database)
        if not claimed:  # the claim itself failed: nothing was taken, the emails are as they were
            raise
        if len(claimed) > 1:
            logger.exception("a batch of inbound email failed as a whole; processing its emails one at a time")
            return [process(inbound) for inbound in claimed]
        return [_handle_failure(claimed[0], error)]


def _drop_redundant_tasks(inbound_ids: list[int]) -> None:
    """Delete the queued process_inbound tasks of emails this batch finished, in its transaction: each
    would cost a worker a claim, a run that finds nothing and a finish. Only the database task backend
    can be asked; with others those tasks run and find their email done. An email left stored (a lock
    conflict) is not in `inbound_ids`: its task is what processes it."""
    backend = task_backends[tasks.process_inbound.backend]
    if not inbound_ids or not type(backend).__module__.startswith("django_tasks_db"):
        return
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(
        status=TaskResultStatus.READY,
        task_path=tasks.process_inbound.module_path,
        args_kwargs__kwargs__inbound_id__in=inbound_ids,
    ).delete()


def _claim(claims, *, wait: bool, limit: int) -> list[InboundEmail]:
    """The emails to process, locked, raw bytes and team loaded. The sizes are read first so that a batch of
    big emails is cut short of BATCH_BYTES (the first email is always taken)."""
    if limit == 1:  # one email (process): locked and read in one query
        for claim in claims:
            locked = claim.select_for_update(of=("self",), skip_locked=not wait).select_related("team")[:1]
            if locked:
                return list(locked)
        return []
    found: dict[int, int] = {}
    for claim in claims:
        if len(found) >= limit:
            break
        rows = (
            claim.select_for_update(of=("self",), skip_locked=not wait)
            .annotate(size=Length("raw"))
            .values_list("pk", "size")[: limit - len(found)]
        )
        found.update(rows)
    kept, total = [], 0
    for pk, size in found.items():
        if kept and total + (size or 0) > BATCH_BYTES:
            break  # the rest stay locked until the batch commits, then the next batch takes them
        kept.append(pk)
        total += size or 0
    if not kept:
        return []
    emails = InboundEmail.objects.select_related("team").in_bulk(kept)
    # In the order they arrived, whichever claim found them: an original before the replies to it, which
    # would otherwise wait for it (Deferred) and be queued again.
    return sorted((emails[pk] for pk in kept), key=lambda inbound: (inbound.received_at, inbound.pk))


def _parse_all(emails: list[InboundEmail]) -> dict[int, parsing.Parsed]:
    """The emails parsed, by id. One that cannot be parsed is left out: it fails in its own savepoint."""
    parsed = {}
    for inbound in emails:
        try:
            parsed[inbound.pk] = parsing.parse(bytes(inbound.raw))
        except Exception:  # noqa: BLE001 - parsed again by _process, which records the error
            pass
    return parsed


def _senders(emails: Iterable[parsing.Parsed]) -> set[str]:
    """The addresses (lower case) of the emails that will be made messages (not bounces or auto-replies)
    and can be."""
    senders = set()
    for parsed in emails:
        if parsed.bounce is None and not parsed.auto_reply:
            try:
                senders.add(_sender_of(parsed).strip().lower())
            except ValidationError:  # no usable sender: that email fails on its own in _process
                pass
    return senders


def _process_claimed(inbound: InboundEmail, parsed: parsing.Parsed | None = None) -> None:
    if inbound.quiet:
        _process_quietly(inbound, parsed)
    else:
        _process(inbound, parsed)


def _process_all(claimed: list[InboundEmail], parsed: dict[int, parsing.Parsed]) -> list[InboundEmail]:
    """The emails of a batch, as they now are: first the plain new requests opened together (_open_together),
    then the others, and any of those that could not be, one at a time in a savepoint each (_process_one).
    The acknowledgements follow the order of the emails, as if each were processed alone: the loop breaker
    counts them in that order."""
    new = _new_requests(
        [(inbound, parsed[inbound.pk]) for inbound in claimed if _may_be_new(parsed.get(inbound.pk))],
        answered=batch.current().threads,
    )
    plain = [(inbound, parsed[inbound.pk]) for inbound in claimed if inbound.pk in new]
    opened: dict[int, Message] = {}
    for quiet in (False, True):
        group = [(inbound, email) for inbound, email in plain if inbound.quiet == quiet]
        if len(group) > 1:
            with suppressed() if quiet else nullcontext():
                opened |= _open_together(group)
    replies = _replies_to_take_together(claimed, parsed, new)
    answered: dict[int, Message] = {}
    for quiet in (False, True):
        group = [(inbound, parsed[inbound.pk], ticket) for inbound, ticket in replies if inbound.quiet == quiet]
        if len(group) > 1:
            with suppressed() if quiet else nullcontext():
                answered |= _reply_together(group)
    done = []
    for inbound in claimed:
        if inbound.pk in answered:
            done.append(inbound)
        elif (message := opened.get(inbound.pk)) is not None:
            if not inbound.quiet:
                acknowledgements.acknowledge(message.ticket, message_id=inbound.message_id)
            done.append(inbound)
        else:
            done.append(_process_one(inbound, parsed.get(inbound.pk)))
    return done


def _replies_to_take_together(
    claimed: list[InboundEmail], parsed: dict[int, parsing.Parsed], new: set[int]
) -> list[tuple[InboundEmail, Ticket]]:
    """The customers' replies of a batch that can be added together (_reply_together), each with its ticket:
    its first thread id names a ticket (read at the batch's start, batch.Batch.threads) that is neither closed
    nor merged, and no email of the batch before it is processed on its own, except the new requests and
    auto-replies, which change no ticket that exists: whatever the others change (a reply by its subject token,
    a second reply to a ticket, a bounce marking a customer's address) then happens after it, as one by one."""
    current = batch.current()
    taken, tickets = [], set()
    for inbound in claimed:
        email = parsed.get(inbound.pk)
        if inbound.pk in new or (email is not None and email.auto_reply and email.bounce is None):
            continue
        ids = queries.thread_ids(email) if _from_a_customer(email) else []
        ticket = current.threads.get(ids[0]) if ids and ids[0] not in current.message_ids else None
        if ticket is None or ticket.pk in tickets or ticket.merged_into_id or ticket.status == Ticket.Status.CLOSED:
            break
        taken.append((inbound, ticket))
        tickets.add(ticket.pk)
    return taken


def _from_a_customer(parsed: parsing.Parsed | None) -> bool:
    """Parsed, no machine's, and with a sender the desk can answer: an email that becomes a message."""
    if parsed is None or parsed.bounce is not None or parsed.auto_reply:
        return False
    try:
        _sender_of(parsed)
    except ValidationError:
        return False
    return True


def _may_be_new(parsed: parsing.Parsed | None) -> bool:
    """A customer's email that may be a new request: no ticket token in its subject."""
    return _from_a_customer(parsed) and not queries.TICKET_TOKEN.search(parsed.subject)


def _new_requests(emails: list[tuple[InboundEmail, parsing.Parsed]], *, answered: dict) -> set[int]:
    """Of emails that may be new requests (_may_be_new), the ids of those that are, found for the batch in two
    queries at most rather than a thread lookup each: no thread headers, or headers that name no email the
    desk has received or sent, whatever became of it (an answer to mail the desk never saw, as when a customer
    replies to a colleague's email with the desk copied in). Headers naming an email of the batch, or one
    stored and waiting for a worker, name a known email too: such an email is processed on its own, in order.
    `answered`: the tickets of the Message-IDs the batch's emails name first (batch.Batch.threads), known."""
    threads = {inbound.pk: queries.thread_ids(parsed) for inbound, parsed in emails}
    unsure = {pk: ids for pk, ids in threads.items() if ids and ids[0] not in answered}
    known = queries.message_ids_known(message_id for ids in unsure.values() for message_id in ids)
    return {pk for pk, ids in threads.items() if not ids or (pk in unsure and known.isdisjoint(ids))}


def _open_together(emails: list[tuple[InboundEmail, parsing.Parsed]]) -> dict[int, Message]:
    """New requests of a batch opened in one go (_together): their tickets, messages and events in one INSERT
    each (conversations.open_tickets_with_messages). Returns the messages made, by email id (the
    acknowledgements are the caller's)."""
    default_team = None  # read once, for the emails received for no team in particular

    def team_of(inbound: InboundEmail) -> Team:
        nonlocal default_team
        if inbound.team is None and default_team is None:
            default_team = queries.receiving_team()
        return inbound.team or default_team

    def open_all(drafts: list[Draft]) -> list[Message]:
        return conversations.open_tickets_with_messages([
            conversations.NewRequest(
                customer=draft.customer, subject=draft.parsed.subject or "(no subject)", body=draft.body,
                body_html=draft.body_html, quoted=draft.parsed.quoted, team=team_of(draft.inbound),
                channel=Ticket.Channel.EMAIL, files=draft.files,
            )
            for draft in drafts
        ])

    return _together(emails, open_all, started=True)


def _reply_together(emails: list[tuple[InboundEmail, parsing.Parsed, Ticket]]) -> dict[int, Message]:
    """Customers' replies of a batch added in one go (_together), one per ticket: their messages, events and
    ticket changes in one statement each (conversations.customer_replies). Returns the messages, by email id."""
    tickets = {inbound.pk: ticket for inbound, _, ticket in emails}

    def reply_all(drafts: list[Draft]) -> list[Message]:
        return conversations.customer_replies([
            conversations.CustomerReply(
                ticket=tickets[draft.inbound.pk], customer=draft.customer, body=draft.body,
                body_html=draft.body_html, quoted=draft.parsed.quoted, files=draft.files,
            )
            for draft in drafts
        ])

    return _together([(inbound, email) for inbound, email, _ in emails], reply_all, started=False)


@dataclasses.dataclass
class Draft:
    """An email of a batch on its way to being a message: who sent it and what it says."""

    inbound: InboundEmail
    parsed: parsing.Parsed
    customer: Customer
    body: str
    body_html: str
    accepted: list[parsing.Attachment]
    files: list[SimpleUploadedFile]
    error: str


def _together(
    emails: list[tuple[InboundEmail, parsing.Parsed]], write: Callable[[list[Draft]], list[Message]], *, started: bool
) -> dict[int, Message]:
    """Emails of a batch made messages in one go, in a savepoint: their new customers made in one INSERT
    (customers.customers_for_emails), the messages written by `write` (in the order of the drafts), their
    outcomes in one UPDATE. Should anything fail, all of it is undone and each email is processed on its own,
    so that one bad email costs only itself. Returns the messages made, by email id."""
    outcomes = {inbound.pk: _outcome(inbound) for inbound, _ in emails}
    try:
        with transaction.atomic():
            addresses = {inbound.pk: _sender_of(parsed).strip().lower() for inbound, parsed in emails}
            people = customers.customers_for_emails(
                {addresses[inbound.pk]: parsed.from_name for inbound, parsed in emails}
            )
            drafts = []
            for inbound, parsed in emails:
                customer = people[addresses[inbound.pk]]
                delivery.address_works(customer)
                accepted, body, body_html, error = _message_of(parsed)
                drafts.append(Draft(
                    inbound, parsed, customer, body, body_html,
                    accepted=[attachment for attachment, _ in accepted], files=[upload for _, upload in accepted],
                    error=error,
                ))
            messages = write(drafts)
            for draft, message in zip(drafts, messages):
                _finish_message(message, draft.parsed, accepted=draft.accepted)
                draft.inbound.attempts += 1
                draft.inbound.processed_at = clock.now()
                _processed(draft.inbound, message, started=started, error=draft.error)
            update_each([inbound for inbound, _ in emails], OUTCOME_FIELDS)
    except Exception:  # noqa: BLE001 - undone as a whole: each email is tried again alone, and fails alone
        logger.exception("emails of a batch could not be made messages together; processing each alone")
        customers.forget()
        for inbound, _ in emails:
            for name, value in outcomes[inbound.pk].items():
                setattr(inbound, name, value)
        return {}
    return {inbound.pk: message for (inbound, _), message in zip(emails, messages)}


def _outcome(inbound: InboundEmail) -> dict:
    """The email's outcome fields as they are, by column (setting one back drops the related object read)."""
    columns = [InboundEmail._meta.get_field(name).attname for name in OUTCOME_FIELDS]
    return {column: getattr(inbound, column) for column in columns}


def _process_one(inbound: InboundEmail, parsed: parsing.Parsed | None = None) -> InboundEmail:
    """One email of a batch, in a savepoint; returns it as it now is. On an error it is FAILED with the
    error kept and nothing else written (see _handle_failure)."""
    current = batch.current()
    held = len(current.held)
    try:
        with transactions.all_or_nothing():  # the email's savepoint, shared by the services it calls
            _process_claimed(inbound, parsed)
        return inbound
    except Exception as error:  # noqa: BLE001 - whatever went wrong, the email must stay stored and retryable
        del current.held[held:]  # its acknowledgement, if it got that far, acknowledges nothing now
        # Customers read for the batch may have been changed by the undone work (customers.known).
        customers.forget()
        return _handle_failure(inbound, error)


def _handle_failure(inbound: InboundEmail, error: Exception) -> InboundEmail:
    """After the email's work was rolled back: FAILED with the error kept, to be processed again by a
    person or its next delivery. A deadlock with another worker's batch is nothing wrong with the email:
    PostgreSQL cancelled one of the two, and the email is left stored and queued again."""
    if (isinstance(error, Deferred) or _is_lock_conflict(error)) and _can_retry_later():
        logger.warning("inbound email %s is left stored and queued again: %s", inbound.pk, error)
        _queue_again(inbound)
        return InboundEmail.objects.get(pk=inbound.pk)
    if isinstance(error, ValidationError):  # the email's own fault (no sender): no traceback to read
        logger.warning("inbound email %s could not be processed: %s", inbound.pk, _describe(error))
    else:
        logger.exception("inbound email %s could not be processed", inbound.pk)
    return _failed(inbound, error)


def _can_retry_later() -> bool:
    """Whether the task backend can run a task after a delay. One that cannot (ImmediateBackend) would run
    the retry at once, inside this very call, and again and again while the other worker still holds
    the email it waits for: there an email is never deferred, and a deadlock fails it as before."""
    return task_backends[tasks.process_inbound.backend].supports_defer


def _queue_again(inbound: InboundEmail) -> None:
    """A task for the email in a second, when the other worker's batch has committed."""
    later(tasks.process_inbound.using(run_after=clock.now() + RETRY_AFTER), inbound_id=inbound.pk)


def _failed(inbound: InboundEmail, error: Exception) -> InboundEmail:
    InboundEmail.objects.filter(pk=inbound.pk, status__in=UNFINISHED).update(
        status=InboundEmail.Status.FAILED, error=_describe(error), attempts=F("attempts") + 1
    )
    return InboundEmail.objects.get(pk=inbound.pk)


class Deferred(Exception):
    """The email cannot be processed right now, through no fault of its own: left stored, tried again."""


def _is_lock_conflict(error: Exception) -> bool:
    """A deadlock or serialization failure PostgreSQL resolved by cancelling this statement."""
    return isinstance(error, OperationalError) and getattr(error.__cause__, "sqlstate", None) in ("40P01", "40001")


def _process_quietly(inbound: InboundEmail, parsed: parsing.Parsed | None = None) -> None:
    """Process old mail without queueing anything (acknowledgements, notifications, automations). The one
    queued job history needs as well, the ticket's search document, process() does inline."""
    with suppressed():
        _process(inbound, parsed)


def _process(inbound: InboundEmail, parsed: parsing.Parsed | None = None) -> None:
    """`parsed`: the email parsed already (a batch parses its emails first), else it is parsed here."""
    if parsed is None:
        parsed = parsing.parse(bytes(inbound.raw))
    inbound.attempts += 1
    inbound.processed_at = clock.now()
    if parsed.bounce is not None:
        # Linked to the ticket of the email that bounced, found by its Message-ID or its thread headers.
        # Our email that bounced is marked and its failed addresses too (delivery.record_bounce).
        bounced = parsed.bounce
        original = dataclasses.replace(
            parsed, in_reply_to=[bounced.message_id] if bounced.message_id else [], references=bounced.thread
        )
        ticket = delivery.record_bounce(inbound, bounced) or queries.ticket_replied_to(original)
        _record_machine_mail(inbound, InboundEmail.Status.BOUNCE, ticket)
        return
    if parsed.auto_reply:
        # Kept and linked to its ticket for the record, but never a message: answering or reopening on an
        # out-of-office is how two desks end up mailing each other forever.
        _record_machine_mail(inbound, InboundEmail.Status.AUTO_REPLY, queries.ticket_replied_to(parsed))
        return
    customer = customers.customer_for_email(_sender_of(parsed), name=parsed.from_name)
    delivery.address_works(customer)
    accepted, body, body_html, error = _message_of(parsed)
    files = [upload for _, upload in accepted]
    ticket = queries.ticket_replied_to(parsed)
    if (
        ticket is None and (parsed.in_reply_to or parsed.references) and _can_retry_later()
        and queries.original_in_flight(parsed, or_waiting=inbound.received_at > clock.now() - WAIT_FOR_ORIGINAL)
    ):
        raise Deferred("the email it answers is stored and not processed yet, or another worker is processing it")
    if ticket is not None:
        message = conversations.customer_reply(
            ticket, customer=customer, body=body, body_html=body_html, quoted=parsed.quoted, files=files
        )
        # A reply to a closed ticket opens a follow-up ticket (conversations.customer_reply), whose first
        # message it is; a reply to a merged ticket goes to the survivor, as a reply. Landing on the ticket it
        # answers, it started nothing: no query needed.
        started = message.ticket_id != ticket.pk and not (
            Message.objects.filter(ticket_id=message.ticket_id, pk__lt=message.pk).exists()
        )
    else:
        message = conversations.open_ticket_with_message(
            customer=customer,
            subject=parsed.subject or "(no subject)",
            body=body,
            body_html=body_html,
            quoted=parsed.quoted,
            team=inbound.team or queries.receiving_team(),
            channel=Ticket.Channel.EMAIL,
            files=files,
        )
        ticket = message.ticket
        started = True
    _finish_message(message, parsed, accepted=[attachment for attachment, _ in accepted])
    _processed(inbound, message, started=started, error=error)
    inbound.save(update_fields=OUTCOME_FIELDS)
    if started and not inbound.quiet:  # a new request: "we have it" (acknowledgements.py decides whether)
        # The ticket in hand (customer and team loaded) unless the message went to a follow-up ticket.
        opened = ticket if ticket.pk == message.ticket_id else message.ticket
        acknowledgements.acknowledge(opened, message_id=inbound.message_id)


def _message_of(parsed: parsing.Parsed) -> tuple[Accepted, str, str, str]:
    """What the desk's message is made of: the attachments it takes (with their uploads), its text and HTML
    (each with a note for an attachment left out), and the lines for InboundEmail.error about those."""
    accepted, skipped = _acceptable_files(parsed.attachments)
    notes = [note for _, note in skipped]
    body = "\n\n".join([parsed.text.strip() or NO_TEXT, *notes])
    body_html = parsed.html + "".join(f"<p>{html.escape(note)}</p>" for note in notes) if parsed.html else ""
    return accepted, body, body_html, "\n".join(line for line, _ in skipped)


def _processed(inbound: InboundEmail, message: Message, *, started: bool, error: str) -> None:
    """The email's outcome, not saved yet: it is the message `message`."""
    inbound.desk_message = message
    inbound.ticket_id = message.ticket_id
    inbound.started_ticket = started
    inbound.status = InboundEmail.Status.PROCESSED
    inbound.error = error


def _record_machine_mail(inbound: InboundEmail, status: InboundEmail.Status, ticket: Ticket | None) -> None:
    inbound.ticket = ticket
    inbound.status = status
    inbound.error = ""
    inbound.save(update_fields=OUTCOME_FIELDS)


def _finish_message(message: Message, parsed: parsing.Parsed, *, accepted: list[parsing.Attachment]) -> None:
    """What the desk's message services do not take: inline pictures ("cid:" in the HTML) pointed at the
    attachments the desk stored for them, which `accepted` lists in saving order."""
    if not accepted or "cid:" not in message.body_html:
        return
    stored = list(Attachment.objects.filter(message=message).order_by("pk"))
    urls = {
        attachment.content_id: saved.get_absolute_url()
        for attachment, saved in zip(accepted, stored)
        if attachment.content_id
    }
    if urls:
        message.body_html = inline_pictures(message.body_html, urls)
        Message.objects.filter(pk=message.pk).update(body_html=message.body_html)


_CID = re.compile(r"""(["'])cid:([^"']+)\1""", re.IGNORECASE)


def inline_pictures(body_html: str, urls: dict[str, str]) -> str:
    """body_html with each "cid:ID" whose picture was stored replaced by the stored file's URL; a cid:
    without a stored picture (refused, or never sent) is left as it was."""

    def url_for(match: re.Match) -> str:
        url = urls.get(html.unescape(match.group(2)).strip())
        return f"{match.group(1)}{url}{match.group(1)}" if url else match.group(0)

    return _CID.sub(url_for, body_html)


def _sender_of(parsed: parsing.Parsed) -> str:
    try:
        validate_email(parsed.from_address)
    except ValidationError:
        raise ValidationError(
            f"The email has no sender address that can be answered (From: {parsed.from_address or 'missing'})."
        ) from None
    return parsed.from_address


def _acceptable_files(
    attachments: list[parsing.Attachment],
) -> tuple[Accepted, list[tuple[str, str]]]:
    """The attachments that pass the desk's size and type check, and for each one left out a line for
    InboundEmail.error and a line for the customer's message on the desk, so the agent sees that
    something is missing. A refused attachment never costs the customer their message; it is
    still in the stored raw email."""
    accepted, skipped = [], []
    for attachment in attachments:
        upload = SimpleUploadedFile(attachment.filename, attachment.content, attachment.content_type)
        try:
            attachment_store.validate([upload])
        except ValidationError as error:
            line = f"Attachment {attachment.filename} skipped: {' '.join(error.messages)}"
            skipped.append((line, _not_attached(upload, error)))
        else:
            accepted.append((attachment, upload))
    return accepted, skipped


def _not_attached(upload: SimpleUploadedFile, error: ValidationError) -> str:
    """The note for the agent; the validation error speaks to the customer ("Send it as a ZIP")."""
    limit = settings.CAREDESK_MAX_ATTACHMENT_BYTES
    if upload.size > limit:
        reason = f"larger than the {filesizeformat(limit)} limit."
    elif PurePath(upload.name.lower()).suffix in attachment_store.FORBIDDEN_EXTENSIONS:
        reason = "files of this type can run programs."
    else:
        reason = " ".join(error.messages)
    return (
        f"[Attachment {upload.name} ({filesizeformat(upload.size)}) was not attached: {reason} "
        "It is kept in the original email.]"
    )


def _describe(error: Exception) -> str:
    text = " ".join(error.messages) if isinstance(error, ValidationError) else f"{type(error).__name__}: {error}"
    return text.replace("\x00", "")  # PostgreSQL refuses NUL in text, and the error must be kept
