"""The automatic "we have your request" answer to a new email ticket, and the loop breaker.

Sent once per new ticket, in the team's wording (notifications, switchable per team), threaded to the
customer's email. Never to an address that looks like a machine's (no-reply, mailer-daemon), never to
an address that is bouncing, and at most CAREDESK_EMAIL_AUTO_ANSWERS_PER_HOUR automatic answers per
address per hour: two desks acknowledging each other's acknowledgements stop there. Auto-replies,
bounces and old mail imported as history never reach this (mail/services.py).
"""

import logging
import re
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import Lower

from caredesk.conversations.models import Ticket
from caredesk.notifications.defaults import Kind
from caredesk.notifications.rendering import render_text, wording
from caredesk.notifications.values import for_ticket
from caredesk.system import clock
from caredesk.system.memo import memo

from . import batch, outbox
from .models import OutboundEmail

logger = logging.getLogger(__name__)

MACHINE_ADDRESS = re.compile(
    r"^(?:no-?reply|do-?not-?reply|mailer-daemon|postmaster|bounces?|notifications?)[+.@-]", re.IGNORECASE
)


def automatic_answers_in_the_last_hour(address: str) -> int:
    """Inside a batch of inbound email, the count for each of its senders is read once, at its first
    acknowledgement, and the acknowledgements the batch holds (not stored yet) are added."""
    address = address.lower()
    current = batch.current()
    if current is None:
        return _answered([address]).get(address, 0)
    held = sum(1 for outbound in current.held if outbound.to.lower() == address)
    if address not in current.senders:
        return _answered([address]).get(address, 0) + held
    if current.answered is None:
        current.answered = _answered(current.senders)
    return current.answered.get(address, 0) + held


def _answered(addresses) -> dict[str, int]:
    """Acknowledgements sent in the last hour to each of `addresses` (lower case), by address. Read through
    the index on (lower(to), created_at): a desk's outbox holds every email it ever sent."""
    return dict(
        OutboundEmail.objects.annotate(address=Lower("to"))
        .filter(
            address__in=addresses,
            created_at__gte=clock.now() - timedelta(hours=1),
            kind=OutboundEmail.Kind.ACKNOWLEDGEMENT,
        )
        .values("address")
        .annotate(count=Count("pk"))
        .values_list("address", "count")
    )


def why_not(ticket: Ticket) -> str:
    """Why the ticket gets no acknowledgement, or "" when it should get one."""
    address = ticket.customer.email
    if MACHINE_ADDRESS.match(address):
        return f"{address} is a machine's address"
    if ticket.customer.email_failing_since is not None:
        return f"email to {address} is bouncing"
    limit = settings.CAREDESK_EMAIL_AUTO_ANSWERS_PER_HOUR
    if automatic_answers_in_the_last_hour(address) >= limit:
        return f"{address} had {limit} automatic answers in the last hour (loop breaker)"
    return ""


def acknowledge(ticket: Ticket, *, message_id: str) -> OutboundEmail | None:
    """Queue the acknowledgement of a new ticket opened by the email `message_id`, in the caller's
    transaction (mail.services processes each email once, under its lock, so this runs once per ticket).
    Returns it, or None when none is due (switched off, a machine's or bouncing address, the loop breaker).
    Inside a batch of inbound email it is held, not stored yet: the batch stores its acknowledgements
    together when it ends (store_held). Never raises: an acknowledgement must not cost the customer's
    email its ticket."""
    # No savepoint of its own: before storing (outbox.queue has one; store_held takes one) it only reads
    # and renders, and a failure there writes nothing that would need undoing.
    try:
        reason = why_not(ticket)
        if reason:
            logger.info("no acknowledgement for ticket %s: %s", ticket.pk, reason)
            return None
        # The team's wording, read once per batch of inbound email (caredesk.system.memo).
        team = ticket.team
        subject, body, enabled = memo(
            ("wording", Kind.ACKNOWLEDGEMENT, team.pk), lambda: wording(Kind.ACKNOWLEDGEMENT, team=team)
        )
        if not enabled:  # the team switched acknowledgements off
            return None
        email = render_text(subject, body, for_ticket(ticket))
        fields = {
            "kind": OutboundEmail.Kind.ACKNOWLEDGEMENT,
            "ticket": ticket,
            "to": ticket.customer.email,
            "subject": outbox.reply_subject(email.subject, ticket),
            "body_text": email.body,
            "reply_to": outbox.reply_address(ticket),
            "in_reply_to": message_id,
            "references": [message_id] if message_id else [],
        }
        if batch.hold(outbound := outbox.compose(**fields)):
            return outbound
        return outbox.queue(**fields)
    except Exception:  # noqa: BLE001 - a broken template or address: logged, and the ticket stands
        logger.exception("no acknowledgement for ticket %s: it could not be made", ticket.pk)
        return None


def store_held(held: list[OutboundEmail]) -> None:
    """Store the acknowledgements a batch of inbound email held (and queue their sends), in one INSERT, in
    a savepoint: should it fail, one by one, each in its own, leaving out (and logging) any that fails. An
    acknowledgement never costs the batch its tickets."""
    if not held:
        return
    try:
        with transaction.atomic():
            outbox.queue_many(held)
        return
    except Exception:  # noqa: BLE001 - one bad row: find it below
        logger.exception("the acknowledgements of a batch could not be stored together; storing them one by one")
    for outbound in held:
        try:
            with transaction.atomic():
                outbox.queue_many([outbound])
        except Exception:  # noqa: BLE001 - logged, and the ticket stands
            logger.exception("no acknowledgement for ticket %s: it could not be stored", outbound.ticket_id)
