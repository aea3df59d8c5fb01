"""Background work for tickets. Each task takes ids, calls services or queries, and is safe to run twice."""

from django.db import transaction
from django_tasks import task

from caredesk.notifications.defaults import Kind
from caredesk.system.idempotency import once


def _notify_once(key: str, *, kind: Kind, ticket, to: str, values: dict) -> None:
    """Put one notification of `kind` about `ticket` in the outbox, at most once per key however often
    the task runs (the outbox then sends it exactly once). The key and the email commit together: a
    crash between them can neither lose the email nor queue it twice."""
    from caredesk.mail import outbox
    from caredesk.mail.models import OutboundEmail
    from caredesk.notifications.rendering import render

    email = render(kind, team=ticket.team, context=values)
    if email is None:  # switched off by an admin
        return
    with transaction.atomic(), once(key) as first_time:
        if first_time:
            outbox.queue(
                kind=OutboundEmail.Kind.NOTIFICATION, ticket=ticket, to=to, subject=email.subject, body_text=email.body
            )


@task()
def index_ticket(ticket_id: int) -> None:
    """Rewrite the ticket's search document from its subject and messages (idempotent by nature)."""
    from . import search

    search.index(ticket_id)


@task()
def tell_new_owner(ticket_id: int) -> None:
    """Email the ticket's owner that it is now theirs (once per assignment or transfer event)."""
    from caredesk.notifications.values import for_ticket, person

    from .models import Event, Ticket

    ticket = Ticket.objects.select_related("owner", "team", "customer").get(pk=ticket_id)
    if not ticket.owner or not ticket.owner.email:
        return
    last = ticket.events.filter(kind__in=[Event.Kind.ASSIGNED, Event.Kind.TRANSFERRED]).order_by("-at", "-id").first()
    data = last.data if last else {}
    _notify_once(
        f"owner:{ticket.pk}:{last.pk if last else 0}:{ticket.owner_id}",
        kind=Kind.NEW_OWNER,
        ticket=ticket,
        to=ticket.owner.email,
        values=for_ticket(ticket, agent=person(ticket.owner), reason=data.get("reason", ""), note=data.get("note", "")),
    )


@task()
def introduce_new_owner(ticket_id: int, owner_id: int) -> None:
    """Tell the customer who now owns their case after a transfer (once per ticket and owner)."""
    from . import handoffs

    handoffs.introduce_new_owner(ticket_id, owner_id)


@task()
def tell_owner_customer_replied(message_id: int) -> None:
    from caredesk.notifications.values import for_ticket, person

    from .models import Message

    message = Message.objects.select_related("ticket__owner", "ticket__team", "ticket__customer").get(pk=message_id)
    ticket = message.ticket
    if not ticket.owner or not ticket.owner.email:
        return
    _notify_once(
        f"customer-replied:{message.pk}",
        kind=Kind.CUSTOMER_REPLIED,
        ticket=ticket,
        to=ticket.owner.email,
        values=for_ticket(ticket, message=message, agent=person(ticket.owner)),
    )


@task()
def tell_mentioned(message_id: int, user_id: int) -> None:
    """Email a colleague that a note mentions them (once per note and person)."""
    from caredesk.accounts.models import User
    from caredesk.notifications.values import for_ticket, person

    from .models import Message

    message = Message.objects.select_related("ticket__team", "ticket__customer", "author").get(pk=message_id)
    colleague = User.objects.filter(pk=user_id, is_active=True).first()
    if colleague is None or not colleague.email:
        return
    _notify_once(
        f"mentioned:{message.pk}:{colleague.pk}",
        kind=Kind.MENTIONED,
        ticket=message.ticket,
        to=colleague.email,
        values=for_ticket(message.ticket, message=message, agent=person(colleague), author=person(message.author)),
    )


@task()
def send_reply_to_customer(message_id: int) -> None:
    """Put an agent's public reply in the outbox as an email to the customer (once per message)."""
    from caredesk.mail import outbox

    from .models import Message

    message = Message.objects.select_related("ticket__customer", "ticket__team", "author").get(pk=message_id)
    with transaction.atomic(), once(f"reply:{message.pk}") as first_time:
        if first_time:
            outbox.queue_reply(message)
