"""Writes for inbound email: store the raw bytes first, then process them into a ticket or a reply.

Storing and processing are separate steps with separate transactions, so that nothing a customer sent is
lost when processing fails: the email stays stored with its error and `process` can run again. Processing
is idempotent; an email already processed is left alone.
"""

import hashlib
import logging
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F

from caredesk.accounts.models import Team
from caredesk.conversations import attachments as attachment_store
from caredesk.conversations import search
from caredesk.conversations import services as conversations
from caredesk.conversations.models import Message, Ticket
from caredesk.customers.services import customer_for_email
from caredesk.system import clock
from caredesk.system.queue import suppressed

from . import parsing, queries
from .models import InboundEmail

logger = logging.getLogger(__name__)

# Statuses `process` works on; the others are final.
UNFINISHED = (InboundEmail.Status.STORED, InboundEmail.Status.FAILED)
NO_TEXT = "(This email had no text.)"
# What processing writes; the raw bytes are never rewritten.
OUTCOME_FIELDS = ["status", "error", "attempts", "processed_at", "ticket", "desk_message", "started_ticket"]


class Outcome(StrEnum):
    """What receiving one email came to, as `caredesk ingest` counts it."""

    NEW_TICKET = "new_ticket"
    REPLY = "reply"
    DUPLICATE = "duplicate"
    AUTO_REPLY = "auto_reply"
    FAILED = "failed"


def store(
    raw: bytes, *, source: str, team: Team | None = None, quiet: bool = False
) -> tuple[InboundEmail, bool]:
    """Keep the raw bytes, unparsed but for the Message-ID header. Returns the stored email and whether it
    is new: the same bytes with the same Message-ID are stored once, and the earlier copy is returned.
    `quiet` marks old mail imported as history: processing it notifies nobody."""
    raw = bytes(raw)
    sha256 = hashlib.sha256(raw).hexdigest()
    message_id = parsing.message_id_of(raw)
    existing = InboundEmail.objects.defer("raw").filter(message_id=message_id, sha256=sha256).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            inbound = InboundEmail.objects.create(
                raw=raw, sha256=sha256, message_id=message_id, source=source, team=team, quiet=quiet
            )
    except IntegrityError:  # the same email stored by another delivery a moment ago
        return InboundEmail.objects.get(message_id=message_id, sha256=sha256), False
    return inbound, True


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


def outcome_of(inbound: InboundEmail) -> Outcome:
    if inbound.status == InboundEmail.Status.AUTO_REPLY:
        return Outcome.AUTO_REPLY
    if inbound.status == InboundEmail.Status.PROCESSED:
        return Outcome.NEW_TICKET if inbound.started_ticket else Outcome.REPLY
    return Outcome.FAILED


def process(inbound: InboundEmail) -> InboundEmail:
    """Parse a stored email and add it to the desk: a reply on the ticket it continues
    (queries.ticket_replied_to), else a new email ticket for the team it was received for. Auto-replies
    are recorded, never made messages. Returns the email as it now is; on any error it is FAILED with the
    error kept, nothing else written, and can be processed again."""
    try:
        with transaction.atomic():
            inbound = InboundEmail.objects.select_for_update().get(pk=inbound.pk)
            if inbound.status not in UNFINISHED:
                return inbound  # done already: doing it again would add the message twice
            if inbound.quiet:
                _process_quietly(inbound)
            else:
                _process(inbound)
            return inbound
    except Exception as error:  # noqa: BLE001 - whatever went wrong, the email must stay stored and retryable
        if isinstance(error, ValidationError):  # the email's own fault (no sender): no traceback to read
            logger.warning("inbound email %s could not be processed: %s", inbound.pk, _describe(error))
        else:
            logger.exception("inbound email %s could not be processed", inbound.pk)
        InboundEmail.objects.filter(pk=inbound.pk, status__in=UNFINISHED).update(
            status=InboundEmail.Status.FAILED, error=_describe(error), attempts=F("attempts") + 1
        )
        return InboundEmail.objects.get(pk=inbound.pk)


def _process_quietly(inbound: InboundEmail) -> None:
    """Process old mail without queueing anything (acknowledgements, notifications, automations), then
    do the one queued job history needs as well: the ticket's search document."""
    with suppressed():
        _process(inbound)
    if inbound.ticket_id:
        search.index(inbound.ticket_id)


def _process(inbound: InboundEmail) -> None:
    parsed = parsing.parse(bytes(inbound.raw))
    inbound.attempts += 1
    inbound.processed_at = clock.now()
    if parsed.auto_reply:
        # Kept and linked to its ticket for the record, but never a message: answering or reopening on an
        # out-of-office is how two desks end up mailing each other forever.
        inbound.ticket = queries.ticket_replied_to(parsed)
        inbound.status = InboundEmail.Status.AUTO_REPLY
        inbound.error = ""
        inbound.save(update_fields=OUTCOME_FIELDS)
        return
    customer = customer_for_email(_sender_of(parsed), name=parsed.from_name)
    files, skipped = _acceptable_files(parsed.attachments)
    body = parsed.text.strip() or NO_TEXT
    ticket = queries.ticket_replied_to(parsed)
    if ticket is not None:
        message = conversations.customer_reply(
            ticket, customer=customer, body=body, body_html=parsed.html, files=files
        )
        # A reply to a closed ticket opens a follow-up ticket (conversations.customer_reply), whose first
        # message it is; a reply to a merged ticket goes to the survivor, as a reply.
        started = not Message.objects.filter(ticket_id=message.ticket_id, pk__lt=message.pk).exists()
    else:
        ticket = conversations.open_ticket(
            customer=customer,
            subject=parsed.subject or "(no subject)",
            body=body,
            body_html=parsed.html,
            team=inbound.team or queries.receiving_team(),
            channel=Ticket.Channel.EMAIL,
            files=files,
        )
        message = Message.objects.filter(ticket=ticket).order_by("pk").first()
        started = True
    inbound.desk_message = message
    inbound.ticket_id = message.ticket_id
    inbound.started_ticket = started
    inbound.status = InboundEmail.Status.PROCESSED
    inbound.error = "\n".join(skipped)
    inbound.save(update_fields=OUTCOME_FIELDS)


def _sender_of(parsed: parsing.Parsed) -> str:
    try:
        validate_email(parsed.from_address)
    except ValidationError:
        raise ValidationError(
            f"The email has no sender address that can be answered (From: {parsed.from_address or 'missing'})."
        ) from None
    return parsed.from_address


def _acceptable_files(attachments: list[parsing.Attachment]) -> tuple[list[SimpleUploadedFile], list[str]]:
    """The attachments that pass the desk's size and type check, and a line for each one left out. A
    refused attachment never costs the customer their message; it is still in the stored raw email."""
    files, skipped = [], []
    for attachment in attachments:
        upload = SimpleUploadedFile(attachment.filename, attachment.content, attachment.content_type)
        try:
            attachment_store.validate([upload])
        except ValidationError as error:
            skipped.append(f"Attachment {attachment.filename} skipped: {' '.join(error.messages)}")
        else:
            files.append(upload)
    return files, skipped


def _describe(error: Exception) -> str:
    text = " ".join(error.messages) if isinstance(error, ValidationError) else f"{type(error).__name__}: {error}"
    return text.replace("\x00", "")  # PostgreSQL refuses NUL in text, and the error must be kept
