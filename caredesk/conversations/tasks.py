"""Background work for tickets. Each task takes ids, calls services or queries, and is safe to run twice."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django_tasks import task

from caredesk.system.idempotency import once


def _absolute(path: str) -> str:
    return settings.CAREDESK_BASE_URL.rstrip("/") + path


def _email_once(key: str, *, ticket, to: str, template: str, context: dict) -> None:
    """Send one email about `ticket`, at most once per key however often the task runs."""
    with once(key) as first_time:
        if first_time:
            send_mail(
                subject=f"[{ticket.reference}] {ticket.subject}",
                message=render_to_string(template, {"ticket": ticket, **context}),
                from_email=None,
                recipient_list=[to],
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
    _email_once(
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
    _email_once(
        f"customer-replied:{message.pk}",
        ticket=ticket,
        to=ticket.owner.email,
        template="conversations/email/customer_replied.txt",
        context={"message": message, "url": _absolute(ticket.get_absolute_url())},
    )


@task()
def send_reply_to_customer(message_id: int) -> None:
    """Email an agent's public reply to the customer (the email channel replaces this with its outbox)."""
    from .models import Message

    message = Message.objects.select_related("ticket__customer", "author").get(pk=message_id)
    _email_once(
        f"reply:{message.pk}",
        ticket=message.ticket,
        to=message.ticket.customer.email,
        template="conversations/email/reply.txt",
        context={"message": message, "portal_url": _absolute(f"/portal/tickets/{message.ticket_id}/")},
    )


@task()
def tell_mentioned(message_id: int, user_id: int) -> None:
    """Email a colleague that a note mentions them (once per note and person)."""
    from caredesk.accounts.models import User

    from .models import Message

    message = Message.objects.select_related("ticket", "author").get(pk=message_id)
    person = User.objects.filter(pk=user_id, is_active=True).first()
    if person is None or not person.email:
        return
    _email_once(
        f"mentioned:{message.pk}:{person.pk}",
        ticket=message.ticket,
        to=person.email,
        template="conversations/email/mentioned.txt",
        context={"message": message, "url": _absolute(message.ticket.get_absolute_url())},
    )
