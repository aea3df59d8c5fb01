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
from enum import StrEnum
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.defaultfilters import filesizeformat

from caredesk.accounts.models import Team
from caredesk.conversations import attachments as attachment_store
from caredesk.conversations import services as conversations
from caredesk.conversations.models import Attachment, Message, Ticket
from caredesk.customers.services import customer_for_email
from caredesk.system import clock
from caredesk.system.queue import suppressed

from . import acknowledgements, delivery, parsing, queries
from .models import InboundEmail

logger = logging.getLogger(__name__)

# Statuses `process` works on; the others are final.
UNFINISHED = (InboundEmail.Status.STORED, InboundEmail.Status.FAILED)
NO_TEXT = "(This email had no text.)"
# What processing writes; the raw bytes are never rewritten.
OUTCOME_FIELDS = [
    "status", "error", "attempts", "processed_at", "ticket", "desk_message", "started_ticket", "bounced_email",
]
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
    try:
        with transaction.atomic():
            # The team comes along in the same query (new tickets go to it); only the email's row is locked.
            inbound = InboundEmail.objects.select_for_update(of=("self",)).select_related("team").get(pk=inbound.pk)
            if inbound.status not in UNFINISHED:
                return inbound  # done already: doing it again would add the message twice
            # The ticket is indexed here rather than by a second task: this already runs in the background
            # (process_inbound), and the search document commits with the message.
            with conversations.indexed_inline():
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
    """Process old mail without queueing anything (acknowledgements, notifications, automations). The one
    queued job history needs as well, the ticket's search document, process() does inline."""
    with suppressed():
        _process(inbound)


def _process(inbound: InboundEmail) -> None:
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
    customer = customer_for_email(_sender_of(parsed), name=parsed.from_name)
    delivery.address_works(customer)
    accepted, skipped = _acceptable_files(parsed.attachments)
    files = [upload for _, upload in accepted]
    notes = [note for _, note in skipped]
    body = "\n\n".join([parsed.text.strip() or NO_TEXT, *notes])
    body_html = parsed.html + "".join(f"<p>{html.escape(note)}</p>" for note in notes) if parsed.html else ""
    ticket = queries.ticket_replied_to(parsed)
    if ticket is not None:
        message = conversations.customer_reply(
            ticket, customer=customer, body=body, body_html=body_html, files=files
        )
        # A reply to a closed ticket opens a follow-up ticket (conversations.customer_reply), whose first
        # message it is; a reply to a merged ticket goes to the survivor, as a reply. Landing on the ticket it
        # answers, it started nothing: no query needed.
        started = message.ticket_id != ticket.pk and not (
            Message.objects.filter(ticket_id=message.ticket_id, pk__lt=message.pk).exists()
        )
    else:
        ticket = conversations.open_ticket(
            customer=customer,
            subject=parsed.subject or "(no subject)",
            body=body,
            body_html=body_html,
            team=inbound.team or queries.receiving_team(),
            channel=Ticket.Channel.EMAIL,
            files=files,
        )
        message = Message.objects.filter(ticket=ticket).order_by("pk").first()
        started = True
    _finish_message(message, parsed, accepted=[attachment for attachment, _ in accepted])
    inbound.desk_message = message
    inbound.ticket_id = message.ticket_id
    inbound.started_ticket = started
    inbound.status = InboundEmail.Status.PROCESSED
    inbound.error = "\n".join(line for line, _ in skipped)
    inbound.save(update_fields=OUTCOME_FIELDS)
    if started and not inbound.quiet:  # a new request: "we have it" (acknowledgements.py decides whether)
        # The ticket in hand (customer and team loaded) unless the message went to a follow-up ticket.
        opened = ticket if ticket.pk == message.ticket_id else message.ticket
        acknowledgements.acknowledge(opened, message_id=inbound.message_id)


def _record_machine_mail(inbound: InboundEmail, status: InboundEmail.Status, ticket: Ticket | None) -> None:
    inbound.ticket = ticket
    inbound.status = status
    inbound.error = ""
    inbound.save(update_fields=OUTCOME_FIELDS)


def _finish_message(message: Message, parsed: parsing.Parsed, *, accepted: list[parsing.Attachment]) -> None:
    """What the desk's message services do not take: the folded quote, and inline pictures ("cid:" in the
    HTML) pointed at the attachments the desk stored for them, which `accepted` lists in saving order."""
    changes = {"quoted": parsed.quoted} if parsed.quoted else {}
    stored = list(Attachment.objects.filter(message=message).order_by("pk")) if accepted else []
    urls = {
        attachment.content_id: saved.get_absolute_url()
        for attachment, saved in zip(accepted, stored)
        if attachment.content_id
    }
    if urls and "cid:" in message.body_html:
        changes["body_html"] = inline_pictures(message.body_html, urls)
    if changes:
        Message.objects.filter(pk=message.pk).update(**changes)
        for name, value in changes.items():
            setattr(message, name, value)


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
) -> tuple[list[tuple[parsing.Attachment, SimpleUploadedFile]], list[tuple[str, str]]]:
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
