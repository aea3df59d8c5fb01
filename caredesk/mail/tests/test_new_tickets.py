"""services.process: an email that continues nothing opens an email ticket; processing is idempotent."""

from caredesk.conversations.models import Event, Message, Ticket
from caredesk.customers.models import Customer
from caredesk.mail import services, tasks
from caredesk.mail.models import InboundEmail
from caredesk.mail.services import Outcome

from .mails import eml


def test_an_email_from_a_new_sender_opens_an_email_ticket_for_a_new_customer(billing):
    inbound, outcome = services.receive(
        eml(sender="Arthur Dent <Arthur@Example.com>", subject="Kettle arrived broken", text="The spout came off."),
        source="ingest", team=billing,
    )
    ticket = Ticket.objects.get()
    assert (outcome, inbound.status, inbound.ticket, inbound.started_ticket, inbound.attempts) == (
        Outcome.NEW_TICKET, "processed", ticket, True, 1,
    )
    assert (ticket.subject, ticket.channel, ticket.team, ticket.status) == ("Kettle arrived broken", "email", billing, "new")
    assert (ticket.customer.email, ticket.customer.name) == ("arthur@example.com", "Arthur Dent")
    message = ticket.messages.get()
    assert (inbound.desk_message, message.kind, message.body_text, message.body_html) == (
        message, Message.Kind.CUSTOMER, "The spout came off.", "<p>The spout came off.</p>",
    )
    assert ticket.events.get(kind=Event.Kind.CREATED).data["channel"] == "email"


def test_an_email_from_a_known_customer_opens_a_ticket_for_that_customer(billing, miggins):
    services.receive(eml(sender="Someone Else <MIGGINS@example.com>"), source="ingest", team=billing)
    assert (Ticket.objects.get().customer, Customer.objects.get().name) == (miggins, "Mrs Miggins")


def test_an_email_without_a_subject_or_text_still_opens_a_ticket(billing):
    services.receive(eml(subject="", text=""), source="ingest", team=billing)
    ticket = Ticket.objects.get()
    assert (ticket.subject, ticket.messages.get().body_text) == ("(no subject)", "(This email had no text.)")


def test_processing_an_email_again_changes_nothing(billing):
    inbound, _ = services.receive(eml(), source="ingest", team=billing)
    again = services.process(inbound)
    assert (again.status, again.attempts, Ticket.objects.count(), Message.objects.count()) == ("processed", 1, 1, 1)


def test_the_task_processes_a_stored_email(billing):
    inbound, _ = services.store(eml(subject="Via the worker"), source=InboundEmail.Source.IMAP, team=billing)
    tasks.process_inbound.enqueue(inbound_id=inbound.pk)
    inbound.refresh_from_db()
    assert (inbound.status, inbound.ticket.subject, inbound.ticket.team) == ("processed", "Via the worker", billing)


def test_without_a_team_on_the_email_the_first_team_by_name_gets_the_ticket(deliveries, billing):
    inbound, _ = services.store(eml(), source=InboundEmail.Source.SMTP)
    services.process(inbound)
    assert Ticket.objects.get().team == billing


def test_an_email_without_a_usable_sender_fails_with_the_reason_and_stays_stored(billing):
    raw = b"From: undisclosed-recipients:;\r\nSubject: Who am I\r\nMessage-ID: <anon@x>\r\n\r\nNo sender.\r\n"
    inbound, outcome = services.receive(raw, source="ingest", team=billing)
    assert (outcome, inbound.status, inbound.attempts, bytes(inbound.raw)) == (Outcome.FAILED, "failed", 1, raw)
    assert inbound.error == "The email has no sender address that can be answered (From: missing)."
    assert not Ticket.objects.exists()
