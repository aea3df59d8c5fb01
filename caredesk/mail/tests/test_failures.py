"""A failure keeps the email stored with its error, writes nothing else, and can be retried."""

from caredesk.conversations import services as conversations
from caredesk.conversations.models import Message, Ticket
from caredesk.customers.models import Customer
from caredesk.mail import parsing, services
from caredesk.mail.models import InboundEmail
from caredesk.mail.services import Outcome

from .mails import eml


def test_a_parse_failure_keeps_the_raw_bytes_and_a_retry_after_the_fix_works(billing, monkeypatch):
    raw = eml(sender="Arthur Dent <arthur@example.com>", subject="Kettle")

    def broken_parser(raw: bytes):
        raise ValueError("MIME structure not understood")

    monkeypatch.setattr(parsing, "parse", broken_parser)
    inbound, outcome = services.receive(raw, source="ingest", team=billing)
    inbound.refresh_from_db()
    assert (outcome, inbound.status, inbound.error, inbound.attempts, bytes(inbound.raw)) == (
        Outcome.FAILED, "failed", "ValueError: MIME structure not understood", 1, raw,
    )
    assert (Ticket.objects.count(), Customer.objects.count()) == (0, 0)

    monkeypatch.undo()  # the fix is deployed
    retried = services.process(inbound)
    assert (retried.status, retried.error, retried.attempts, retried.ticket.subject) == ("processed", "", 2, "Kettle")


def test_a_failure_after_the_ticket_was_written_leaves_nothing_half_written(billing, monkeypatch):
    real_open_ticket = conversations.open_ticket_with_message

    def open_then_fail(**kwargs):
        real_open_ticket(**kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(conversations, "open_ticket_with_message", open_then_fail)
    inbound, outcome = services.receive(eml(sender="arthur@example.com"), source="ingest", team=billing)
    assert (outcome, inbound.status, inbound.error, inbound.ticket) == (Outcome.FAILED, "failed", "RuntimeError: disk full", None)
    assert (Ticket.objects.count(), Message.objects.count(), Customer.objects.count()) == (0, 0, 0)


def test_delivering_a_failed_email_again_retries_it_instead_of_skipping_it(billing, monkeypatch):
    raw = eml(subject="Delivered twice")
    monkeypatch.setattr(parsing, "parse", lambda raw: 1 / 0)
    services.receive(raw, source="ingest", team=billing)
    monkeypatch.undo()
    inbound, outcome = services.receive(raw, source="ingest", team=billing)
    assert (outcome, inbound.status, inbound.attempts, InboundEmail.objects.count()) == (Outcome.NEW_TICKET, "processed", 2, 1)


def test_an_email_stored_but_never_processed_is_processed_when_delivered_again(billing):
    raw = eml(subject="The worker died after storing me")
    services.store(raw, source="ingest", team=billing)
    inbound, outcome = services.receive(raw, source="ingest", team=billing)
    assert (outcome, inbound.ticket.subject) == (Outcome.NEW_TICKET, "The worker died after storing me")


def test_a_processed_email_delivered_again_is_a_duplicate_and_adds_nothing(billing):
    raw = eml()
    services.receive(raw, source="ingest", team=billing)
    _, outcome = services.receive(raw, source="imap", team=billing)
    assert (outcome, Ticket.objects.count(), Message.objects.count()) == (Outcome.DUPLICATE, 1, 1)
