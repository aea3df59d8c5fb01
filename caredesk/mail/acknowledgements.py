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

from caredesk.conversations.models import Ticket
from caredesk.notifications.defaults import Kind
from caredesk.notifications.rendering import render_text, wording
from caredesk.notifications.values import for_ticket
from caredesk.system import clock
from caredesk.system.memo import memo

from . import outbox
from .models import OutboundEmail

logger = logging.getLogger(__name__)

MACHINE_ADDRESS = re.compile(
    r"^(?:no-?reply|do-?not-?reply|mailer-daemon|postmaster|bounces?|notifications?)[+.@-]", re.IGNORECASE
)


def automatic_answers_in_the_last_hour(address: str) -> int:
    since = clock.now() - timedelta(hours=1)
    return OutboundEmail.objects.filter(
        kind=OutboundEmail.Kind.ACKNOWLEDGEMENT, to__iexact=address, created_at__gte=since
    ).count()


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
    Never raises: an acknowledgement must not cost the customer's email its ticket."""
    # No savepoint of its own: before outbox.queue (which has one) it only reads and renders, and a failure
    # there writes nothing that would need undoing. Two round trips less per new ticket.
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
        return outbox.queue(
            kind=OutboundEmail.Kind.ACKNOWLEDGEMENT,
            ticket=ticket,
            to=ticket.customer.email,
            subject=outbox.reply_subject(email.subject, ticket),
            body_text=email.body,
            reply_to=outbox.reply_address(ticket),
            in_reply_to=message_id,
            references=[message_id] if message_id else [],
        )
    except Exception:  # noqa: BLE001 - a broken template or address: logged, and the ticket stands
        logger.exception("no acknowledgement for ticket %s: it could not be made", ticket.pk)
        return None
