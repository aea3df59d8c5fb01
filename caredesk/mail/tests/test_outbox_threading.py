"""Threading of what we send: a customer's answer to our email comes back to its ticket, whatever they
did to the subject; our headers name the conversation so their client threads it too."""

from caredesk.conversations import services as conversations
from caredesk.conversations.models import Ticket
from caredesk.mail import outbox, services
from caredesk.mail.models import OutboundEmail
from caredesk.mail.services import Outcome

from .mails import eml


def _reply(ticket, alice, body="We are looking into it.") -> OutboundEmail:
    message = conversations.reply(ticket, by=alice, body=body)
    return OutboundEmail.objects.get(desk_message=message)


def test_a_customer_answering_our_email_with_another_subject_lands_on_the_ticket(ticket, alice, billing):
    sent = _reply(ticket, alice)
    inbound, outcome = services.receive(
        eml(subject="About those groceries", text="Thanks, any news?", in_reply_to=f"<{sent.message_id}>"),
        source="ingest", team=billing,
    )
    assert (outcome, inbound.ticket, Ticket.objects.count()) == (Outcome.REPLY, ticket, 1)
    assert ticket.messages.order_by("pk").last().body_text == "Thanks, any news?"


def test_an_answer_naming_our_email_only_in_references_lands_on_the_ticket(ticket, alice, billing):
    sent = _reply(ticket, alice)
    inbound, outcome = services.receive(
        eml(subject="New subject", references=f"<unknown@elsewhere.example> <{sent.message_id.upper()}>"),
        source="ingest", team=billing,
    )
    assert (outcome, inbound.ticket) == (Outcome.REPLY, ticket)


def test_an_agent_answering_a_notification_does_not_write_into_the_ticket(ticket, alice, billing):
    notification = OutboundEmail.objects.get(ticket=ticket, kind=OutboundEmail.Kind.NOTIFICATION)
    _, outcome = services.receive(
        eml(sender="Alice Archer <alice@example.com>", subject="ok", in_reply_to=f"<{notification.message_id}>"),
        source="ingest", team=billing,
    )
    assert (outcome, Ticket.objects.count(), ticket.messages.count()) == (Outcome.NEW_TICKET, 2, 1)


def test_the_reply_subject_carries_the_ticket_token_once():
    ticket = Ticket(pk=41, subject="Re: Charged twice [#41]")
    assert outbox.reply_subject("Re: Re: Charged twice [#41]", ticket) == "Re: Charged twice [#41]"
    assert outbox.reply_subject("Re: Charged twice", Ticket(pk=7, subject="Charged twice")) == "Re: Charged twice [#7]"


def test_references_are_capped_keeping_the_first_and_ending_with_the_customers_latest(billing, alice):
    inbound, _ = services.receive(eml(message_id="<root@mail.example.com>"), source="ingest", team=billing)
    ticket = inbound.ticket
    for number in range(25):
        _reply(ticket, alice, body=f"Answer {number}")
    services.receive(
        eml(message_id="<latest@mail.example.com>", in_reply_to="<root@mail.example.com>"),
        source="ingest", team=billing,
    )
    thread = outbox.thread_of(ticket)
    assert thread.in_reply_to == "latest@mail.example.com"
    assert len(thread.references) == outbox.MAX_REFERENCES
    assert thread.references[0] == "root@mail.example.com" and thread.references[-1] == "latest@mail.example.com"
    last_sent = OutboundEmail.objects.filter(ticket=ticket, kind="reply").order_by("-pk").first()
    assert thread.references[-2] == last_sent.message_id
    assert len(set(thread.references)) == len(thread.references)


def test_message_ids_use_the_configured_domain(settings, ticket, alice):
    settings.CAREDESK_EMAIL_DOMAIN = "Desk.Example.org"
    assert _reply(ticket, alice).message_id.endswith("@desk.example.org")
