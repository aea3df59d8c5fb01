"""Background work for tickets. Each task takes ids, calls services or queries, and is safe to run twice."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django_tasks import task

from caredesk.system.idempotency import once


@task()
def index_ticket(ticket_id: int) -> None:
    """Rewrite the ticket's search document from its subject and messages (idempotent by nature)."""
    from . import search

    search.index(ticket_id)


def _absolute(path: str) -> str:
    return settings.CAREDESK_BASE_URL.rstrip("/") + path


@task()
def tell_new_owner(ticket_id: int) -> None:
    """Email the ticket's owner that it is now theirs (once per assignment event)."""
    from .models import Event, Ticket

    ticket = Ticket.objects.select_related("owner", "team").get(pk=ticket_id)
    if not ticket.owner or not ticket.owner.email:
        return
    last = ticket.events.filter(kind__in=[Event.Kind.ASSIGNED, Event.Kind.TRANSFERRED]).order_by("-at", "-id").first()
    key = f"owner:{ticket.pk}:{last.pk if last else 0}:{ticket.owner_id}"
    with once(key) as first_time:
        if first_time:
            context = {"ticket": ticket, "event": last, "url": _absolute(ticket.get_absolute_url())}
            send_mail(
                subject=f"[{ticket.reference}] {ticket.subject}",
                message=render_to_string("conversations/email/new_owner.txt", context),
                from_email=None,
                recipient_list=[ticket.owner.email],
            )


@task()
def tell_owner_customer_replied(message_id: int) -> None:
    from .models import Message

    message = Message.objects.select_related("ticket__owner", "customer").get(pk=message_id)
    ticket = message.ticket
    if not ticket.owner or not ticket.owner.email:
        return
    with once(f"customer-replied:{message.pk}") as first_time:
        if first_time:
            context = {"ticket": ticket, "message": message, "url": _absolute(ticket.get_absolute_url())}
            send_mail(
                subject=f"[{ticket.reference}] {ticket.subject}",
                message=render_to_string("conversations/email/customer_replied.txt", context),
                from_email=None,
                recipient_list=[ticket.owner.email],
            )


@task()
def send_reply_to_customer(message_id: int) -> None:
    """Email an agent's public reply to the customer (the email channel replaces this with its outbox)."""
    from .models import Message

    message = Message.objects.select_related("ticket__customer", "author").get(pk=message_id)
    ticket = message.ticket
    with once(f"reply:{message.pk}") as first_time:
        if first_time:
            context = {"ticket": ticket, "message": message, "portal_url": _absolute(f"/portal/tickets/{ticket.pk}/")}
            send_mail(
                subject=f"[{ticket.reference}] {ticket.subject}",
                message=render_to_string("conversations/email/reply.txt", context),
                from_email=None,
                recipient_list=[ticket.customer.email],
            )
