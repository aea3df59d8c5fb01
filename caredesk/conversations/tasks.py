"""Background work for tickets. Each task takes ids, calls services or queries, and is safe to run twice."""

from django.conf import settings
from django.template.loader import render_to_string
from django_tasks import task

from caredesk.system.idempotency import once


def _absolute(path: str) -> str:
    return settings.CAREDESK_BASE_URL.rstrip("/") + path


def _notify_once(key: str, *, ticket, to: str, template: str, context: dict) -> None:
    """Put one notification about `ticket` in the outbox, at most once per key however often the task
    runs (the outbox then sends it exactly once)."""
    from caredesk.mail import outbox
    from caredesk.mail.models import OutboundEmail

    with once(key) as first_time:
        if first_time:
            outbox.queue(
                kind=OutboundEmail.Kind.NOTIFICATION,
                ticket=ticket,
                to=to,
                subject=f"[{ticket.reference}] {ticket.subject}",
                body_text=render_to_string(template, {"ticket": ticket, **context}),
            )


@task()
def index_ticket(ticket_id: int) -> None:
    """Rewrite the ticket's search document from its subject and messages (idempotent by nature)."""
    from . import search

    search.index(ticket_id)


@task()
def tell_new_owner(ticket_id: int) -> None:
    """Email the ticket's owner that it is now theirs (once per assignment or transfer event)."""
    from .models import Event, Ticket

    ticket = Ticket.objects.select_related("owner", "team").get(pk=ticket_id)
    if not ticket.owner or not ticket.owner.email:
        return
    last = ticket.events.filter(kind__in=[Event.Kind.ASSIGNED, Event.Kind.TRANSFERRED]).order_by("-at", "-id").first()
    _notify_once(
        f"owner:{ticket.pk}:{last.pk if last else 0}:{ticket.owner_id}",
        ticket=ticket,
        to=ticket.owner.email,
        template="conversations/email/new_owner.txt",
        context={"event": last, "url": _absolute(ticket.get_absolute_url())},
    )


@task()
def tell_owner_customer_replied(message_id: int) -> None:
    from .models import Message

    message = Message.objects.select_related("ticket__owner", "customer").get(pk=message_id)
    ticket = message.ticket
    if not ticket.owner or not ticket.owner.email:
        return
    _notify_once(
        f"customer-replied:{message.pk}",
        ticket=ticket,
        to=ticket.owner.email,
        template="conversations/email/customer_replied.txt",
        context={"message": message, "url": _absolute(ticket.get_absolute_url())},
    )


@task()
def send_reply_to_customer(message_id: int) -> None:
    """Put an agent's public reply in the outbox as an email to the customer (once per message)."""
    from caredesk.mail import outbox

    from .models import Message

    message = Message.objects.select_related("ticket__customer", "author").get(pk=message_id)
    with once(f"reply:{message.pk}") as first_time:
        if first_time:
            outbox.queue_reply(message)
