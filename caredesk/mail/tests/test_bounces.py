"""Delivery failures: read from standard reports and from the plain-text ones servers send, recorded
and linked to their ticket, never made messages."""

from io import BytesIO, StringIO

import pytest
from django.core.management import call_command

from caredesk.conversations import services as conversations
from caredesk.conversations.models import Message, Ticket
from caredesk.mail import parsing, services
from caredesk.mail.parsing import Bounce, bounce_of
from caredesk.mail.services import Outcome

from .corpus import senders
from .mails import eml

ORIGINAL = "answer-1@caredesk.example"
REQUEST = "request@mail.example.com"


def test_a_postfix_dsn_gives_the_original_id_the_failed_address_status_and_diagnostic():
    raw = senders.dsn(reporter="mail.caredesk.example", recipient="Miggins@Example.com", status="5.1.1",
                      diagnostic="550 5.1.1 <miggins@example.com>: User unknown", original_id=ORIGINAL,
                      in_reply_to=REQUEST, message_id="dsn-1@mail.caredesk.example")
    assert bounce_of(raw) == Bounce(
        message_id=ORIGINAL, recipients=["miggins@example.com"], status="5.1.1",
        diagnostic="550 5.1.1 <miggins@example.com>: User unknown", thread=[REQUEST, REQUEST],
    )


def test_a_dsn_with_only_the_original_headers_is_read_too():
    raw = senders.dsn(reporter="mx.google.example", recipient="a@example.com", status="5.1.1", diagnostic="550 no",
                      original_id=ORIGINAL, headers_only=True, message_id="dsn-2@mx.google.example")
    assert (bounce_of(raw).message_id, bounce_of(raw).recipients) == (ORIGINAL, ["a@example.com"])


def test_a_delay_notice_is_not_a_failure():
    raw = senders.dsn(reporter="relay.example", recipient="a@example.com", status="4.4.1", action="delayed",
                      diagnostic="451 timeout", original_id=ORIGINAL, message_id="dsn-3@relay.example")
    assert (bounce_of(raw), parsing.parse(raw).auto_reply) == (None, "Auto-Submitted: auto-replied")


@pytest.mark.parametrize(
    "builder, diagnostic, status",
    [
        (senders.exim_bounce, "550 5.1.1 <a@example.com>: No such user", "5.1.1"),
        (senders.exim_bounce, "550 Unrouteable address", "550"),
        (senders.qmail_bounce, "552 5.2.2 Over quota", "5.2.2"),
        (senders.exchange_ndr, "550 5.1.10 RESOLVER.ADR.RecipientNotFound; not found", "5.1.10"),
    ],
)
def test_plain_text_bounces_are_scanned_for_the_original_and_the_failed_address(builder, diagnostic, status):
    raw = builder(recipient="a@example.com", diagnostic=diagnostic, original_id=ORIGINAL, in_reply_to=REQUEST,
                  message_id="bounce@mx.example")
    bounce = bounce_of(raw)
    assert (bounce.message_id, bounce.recipients, bounce.status, bounce.thread[:1]) == (
        ORIGINAL, ["a@example.com"], status, [REQUEST],
    )
    assert diagnostic in bounce.diagnostic


def test_a_delay_notice_without_auto_submitted_is_still_recorded_as_an_auto_reply(billing):
    raw = senders.dsn(reporter="relay.example", recipient="a@example.com", status="4.4.1", action="delayed",
                      diagnostic="451 timeout", original_id=ORIGINAL, message_id="dsn-5@relay.example")
    raw = raw.replace(b"Auto-Submitted: auto-replied\r\n", b"")
    inbound, outcome = services.receive(raw, source="ingest", team=billing)
    assert (outcome, parsing.parse(raw).auto_reply, Ticket.objects.count()) == (
        Outcome.AUTO_REPLY, "Content-Type: multipart/report", 0,
    )


def test_a_customer_writing_undeliverable_in_the_subject_is_no_bounce():
    assert bounce_of(eml(subject="Undeliverable: my parcel", text="Your courier says undeliverable.")) is None


def test_a_bounce_is_recorded_on_the_ticket_of_the_email_that_bounced_and_opens_nothing(billing, alice):
    request, _ = services.receive(eml(message_id=f"<{REQUEST}>"), source="ingest", team=billing)
    ticket = conversations.change_status(request.ticket, status=Ticket.Status.SOLVED, by=alice)
    raw = senders.exim_bounce(recipient="miggins@example.com", diagnostic="550 5.1.1 No such user",
                              original_id=ORIGINAL, in_reply_to=REQUEST, message_id="bounce-1@mx.example")
    inbound, outcome = services.receive(raw, source="ingest", team=billing)
    ticket.refresh_from_db()
    assert (outcome, inbound.status, inbound.get_status_display(), inbound.ticket, inbound.desk_message) == (
        Outcome.BOUNCE, "bounce", "Delivery failure", ticket, None,
    )
    assert (ticket.status, Message.objects.count(), Ticket.objects.count()) == ("solved", 1, 1)


def test_a_bounce_of_an_unknown_email_is_recorded_without_a_ticket(billing):
    raw = senders.qmail_bounce(recipient="x@example.com", diagnostic="550 5.1.1 unknown", original_id=ORIGINAL,
                               message_id="bounce-2@mx.example")
    inbound, outcome = services.receive(raw, source="ingest", team=billing)
    assert (outcome, inbound.status, inbound.ticket, Ticket.objects.count()) == (Outcome.BOUNCE, "bounce", None, 0)


def test_ingest_counts_bounces_with_the_auto_replies(billing):
    out = StringIO()
    raw = senders.exim_bounce(recipient="x@example.com", diagnostic="550 5.1.1 unknown", original_id=ORIGINAL,
                              message_id="bounce-3@mx.example")
    call_command("ingest", "-", stdout=out, stderr=StringIO(), stdin=BytesIO(raw))
    assert out.getvalue() == (
        "messages read 1, new tickets 0, replies added 0, duplicates skipped 0, auto-replies/bounces 1, "
        "failed 0 (stored for retry)\n"
    )


def test_a_customer_forwarding_a_bounce_as_an_attachment_is_writing_to_us(billing):
    from email import message_from_bytes, policy

    report = senders.dsn(reporter="mail.example", recipient="a@example.com", status="5.1.1", diagnostic="550 no",
                         original_id=ORIGINAL, message_id="dsn-4@mail.example")
    forward = senders.forwarded_as_attachment(
        sender="Mrs Miggins <miggins@example.com>", subject="Fwd: Undelivered Mail Returned to Sender",
        text="My email to my sister bounced, can you help?", message_id="fwd@example.com", minute=0,
        original=report,
    )
    assert message_from_bytes(forward, policy=policy.default).get_payload()[1].get_content_type() == "message/rfc822"
    inbound, outcome = services.receive(forward, source="ingest", team=billing)
    assert (bounce_of(forward), outcome) == (None, Outcome.NEW_TICKET)
