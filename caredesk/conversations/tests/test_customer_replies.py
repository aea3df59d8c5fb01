"""services.customer_replies: the batch form of customer_reply (a batch of inbound email), same outcome."""

import pytest
from django.db import transaction

from caredesk.conversations import services
from caredesk.conversations.models import Event, Message, Ticket


def _state(tickets: list[Ticket]) -> list[tuple]:
    """Each ticket's status, solved time set or not, messages and events (kinds and data keys, in order)."""
    rows = []
    for ticket in tickets:
        ticket.refresh_from_db()
        messages = list(ticket.messages.values_list("kind", "body_text", "customer__email"))
        events = [(event.kind, sorted(event.data)) for event in Event.objects.filter(ticket=ticket)]
        rows.append((ticket.status, ticket.solved_at is None, messages, events))
    return rows


@pytest.fixture
def three_tickets(ticket_factory, miggins, parker, billing, alice) -> list[Ticket]:
    """Solved, pending on the customer, and open with an owner."""
    solved = ticket_factory.create(customer=miggins, team=billing, subject="Pies")
    services.change_status(solved, status=Ticket.Status.SOLVED, by=alice)
    pending = ticket_factory.create(customer=parker, team=billing, subject="Jam")
    services.change_status(pending, status=Ticket.Status.PENDING_CUSTOMER, by=alice)
    owned = ticket_factory.create(customer=miggins, team=billing, owner=alice, subject="Bread", by=alice)
    return [solved, pending, owned]


def test_replies_together_end_as_replies_one_by_one(three_tickets, miggins, parker):
    customers = [miggins, parker, miggins]
    with transaction.atomic():
        for ticket, customer in zip(three_tickets, customers):
            services.customer_reply(ticket, customer=customer, body=f"About {ticket.subject}?")
        alone = _state(three_tickets)
        transaction.set_rollback(True)
    messages = services.customer_replies([
        services.CustomerReply(ticket=ticket, customer=customer, body=f"About {ticket.subject}?")
        for ticket, customer in zip(three_tickets, customers)
    ])
    assert _state(three_tickets) == alone
    assert [message.ticket_id for message in messages] == [ticket.pk for ticket in three_tickets]
    assert [status for status, *_ in alone] == ["open", "open", "open"]


def test_a_ticket_closed_since_it_was_read_stops_them_all_and_nothing_is_written(three_tickets, miggins, parker):
    Ticket.objects.filter(pk=three_tickets[1].pk).update(status=Ticket.Status.CLOSED)  # by an agent, a moment ago
    before = Message.objects.count(), Event.objects.count()
    with pytest.raises(services.TicketMoved):
        services.customer_replies([
            services.CustomerReply(ticket=ticket, customer=miggins, body="Any news?") for ticket in three_tickets
        ])
    assert (Message.objects.count(), Event.objects.count()) == before


def test_two_replies_to_one_ticket_are_refused(three_tickets, miggins):
    with pytest.raises(ValueError, match="one reply per ticket"):
        services.customer_replies([
            services.CustomerReply(ticket=three_tickets[0], customer=miggins, body=body) for body in ("One", "Two")
        ])
