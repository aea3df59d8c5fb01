"""Which ticket an email joins: In-Reply-To, then References, then the subject token of the sender's own
ticket; otherwise a new ticket. Never another customer's ticket by subject."""

from caredesk.conversations import services as conversations
from caredesk.conversations.models import Event, Message, Ticket
from caredesk.mail import services
from caredesk.mail.services import Outcome

from .mails import eml


def _first_email(billing) -> Ticket:
    inbound, _ = services.receive(
        eml(message_id="<first-pies@mail.example.com>", subject="Twelve pies missing"), source="ingest", team=billing
    )
    return inbound.ticket


def test_a_reply_naming_our_stored_email_in_in_reply_to_joins_its_ticket(billing, miggins):
    ticket = _first_email(billing)
    inbound, outcome = services.receive(
        eml(subject="Different subject entirely", text="Any news?", in_reply_to="<First-Pies@mail.example.com>"),
        source="ingest", team=billing,
    )
    assert (outcome, inbound.ticket, inbound.started_ticket) == (Outcome.REPLY, ticket, False)
    assert list(ticket.messages.values_list("body_text", flat=True))[-1] == "Any news?"
    assert (Ticket.objects.count(), ticket.events.filter(kind=Event.Kind.CUSTOMER_REPLIED).count()) == (1, 1)


def test_a_reply_found_only_through_references_joins_its_ticket(billing, miggins):
    ticket = _first_email(billing)
    inbound, outcome = services.receive(
        eml(
            subject="Re: something",
            in_reply_to="<agent-answer-we-did-not-store@desk.example>",
            references="<first-pies@mail.example.com> <agent-answer-we-did-not-store@desk.example>",
        ),
        source="ingest", team=billing,
    )
    assert (outcome, inbound.ticket, Ticket.objects.count(), ticket.messages.count()) == (Outcome.REPLY, ticket, 1, 2)


def test_in_reply_to_wins_over_references_when_they_name_different_tickets(billing, miggins):
    _first_email(billing)
    other, _ = services.receive(
        eml(message_id="<other-matter@mail.example.com>", subject="Another matter"), source="ingest", team=billing
    )
    inbound, _ = services.receive(
        eml(in_reply_to="<other-matter@mail.example.com>", references="<first-pies@mail.example.com>"),
        source="ingest", team=billing,
    )
    assert inbound.ticket == other.ticket


def test_an_auto_reply_we_stored_is_no_thread_to_join(billing, miggins):
    services.receive(
        eml(message_id="<away@mail.example.com>", headers={"X-Autoreply": "yes"}), source="ingest", team=billing
    )
    _, outcome = services.receive(eml(in_reply_to="<away@mail.example.com>"), source="ingest", team=billing)
    assert (outcome, Ticket.objects.count()) == (Outcome.NEW_TICKET, 1)


def test_a_subject_token_joins_the_senders_own_ticket(ticket, billing, miggins):
    inbound, outcome = services.receive(
        eml(subject=f"Re: [{ticket.reference}] Charged twice for my groceries", text="Still charged twice."),
        source="ingest", team=billing,
    )
    assert (outcome, inbound.ticket, ticket.messages.last().body_text) == (Outcome.REPLY, ticket, "Still charged twice.")
    assert ticket.messages.last().customer == miggins


def test_a_subject_token_of_another_customers_ticket_opens_a_new_ticket_instead(ticket, billing, parker):
    inbound, outcome = services.receive(
        eml(sender="Peter Parker <parker@example.com>", subject=f"Re: [{ticket.reference}] Charged twice"),
        source="ingest", team=billing,
    )
    assert (outcome, inbound.ticket.customer, inbound.ticket.subject) == (
        Outcome.NEW_TICKET, parker, f"Re: [{ticket.reference}] Charged twice",
    )
    assert list(ticket.messages.values_list("customer", flat=True)) == [ticket.customer_id]


def test_an_email_naming_nothing_we_know_opens_a_new_ticket(ticket, billing, miggins):
    inbound, outcome = services.receive(
        eml(subject="Re: [#99999] A ticket that does not exist", in_reply_to="<unknown@elsewhere.example>"),
        source="ingest", team=billing,
    )
    assert (outcome, Ticket.objects.count(), ticket.messages.count()) == (Outcome.NEW_TICKET, 2, 1)
    assert inbound.ticket.customer == miggins


def test_a_reply_to_a_solved_ticket_reopens_it(ticket, billing, alice):
    conversations.change_status(ticket, status=Ticket.Status.SOLVED, by=alice)
    services.receive(eml(subject=f"Re: [{ticket.reference}] Charged twice", text="It happened again."),
                     source="ingest", team=billing)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.events.filter(kind=Event.Kind.REOPENED).count()) == ("open", 1)
    assert ticket.messages.last().body_text == "It happened again."


def test_a_reply_to_a_closed_ticket_opens_a_follow_up_counted_as_a_new_ticket(ticket, billing, alice):
    conversations.change_status(ticket, status=Ticket.Status.CLOSED, by=alice)
    inbound, outcome = services.receive(
        eml(subject=f"Re: [{ticket.reference}] Charged twice", text="And again."), source="ingest", team=billing
    )
    follow_up = Ticket.objects.exclude(pk=ticket.pk).get()
    assert (outcome, inbound.ticket, inbound.started_ticket, ticket.messages.count()) == (
        Outcome.NEW_TICKET, follow_up, True, 1,
    )
    assert Message.objects.get(ticket=follow_up).body_text == "And again."
