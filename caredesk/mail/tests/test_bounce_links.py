"""A bounce of our email marks that email bounced (shown on the ticket, with the server's words, and
resendable) and the customer's address failing, until the customer writes from it again."""

import pytest

from caredesk.conversations import services as conversations
from caredesk.customers.models import Customer
from caredesk.mail import outbox, services
from caredesk.mail.models import OutboundEmail
from caredesk.mail.services import Outcome

from .corpus import senders
from .mails import eml

pytestmark = pytest.mark.django_db


def replied_ticket(billing, alice):
    inbound, _ = services.receive(eml(message_id="<pies@mail.example.com>"), source="ingest", team=billing, quiet=True)
    message = conversations.reply(inbound.ticket, by=alice, body="The pies leave today.")
    return inbound.ticket, message, OutboundEmail.objects.get(desk_message=message)


@pytest.mark.parametrize("builder", ["dsn", "exim_bounce", "qmail_bounce", "exchange_ndr"])
def test_a_bounce_marks_our_email_bounced_and_the_address_failing(billing, alice, client, builder):
    ticket, message, reply = replied_ticket(billing, alice)
    assert reply.status == "sent"
    options = dict(recipient="miggins@example.com", diagnostic="550 5.1.1 <miggins@example.com>: User unknown",
                   original_id=reply.message_id, message_id="bounce-1@mx.example")
    if builder == "dsn":
        options.update(reporter="mx.example", status="5.1.1")
    bounce, outcome = services.receive(getattr(senders, builder)(**options), source="ingest", team=billing)

    assert (outcome, bounce.bounced_email, bounce.ticket) == (Outcome.BOUNCE, reply, ticket)
    reply.refresh_from_db()
    assert reply.status == "bounced" and "User unknown" in reply.last_error and reply.can_resend
    customer = Customer.objects.get(email="miggins@example.com")
    assert customer.email_failing_since is not None and "User unknown" in customer.email_failure
    client.force_login(alice)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "Email bounced" in page and "User unknown" in page  # beside the reply
    assert "Email to this address is bouncing" in page  # on the customer


def test_a_bounced_reply_can_be_sent_again_with_the_same_message_id(billing, alice, mailoutbox):
    _, _, reply = replied_ticket(billing, alice)
    raw = senders.exim_bounce(recipient="miggins@example.com", diagnostic="550 5.1.1 No such user",
                              original_id=reply.message_id, message_id="bounce-2@mx.example")
    services.receive(raw, source="ingest", team=billing)
    mailoutbox.clear()
    outbox.resend(OutboundEmail.objects.get(pk=reply.pk), by=alice)
    [again] = mailoutbox
    assert again.extra_headers["Message-ID"] == f"<{reply.message_id}>"


def test_a_later_bounce_never_undoes_a_resend_in_the_queue(billing, alice):
    _, _, reply = replied_ticket(billing, alice)
    OutboundEmail.objects.filter(pk=reply.pk).update(status="queued")
    raw = senders.exim_bounce(recipient="miggins@example.com", diagnostic="550 5.1.1 No such user",
                              original_id=reply.message_id, message_id="bounce-3@mx.example")
    services.receive(raw, source="ingest", team=billing)
    assert OutboundEmail.objects.get(pk=reply.pk).status == "queued"


def test_a_bounce_for_someone_else_marks_no_customer(billing, alice, miggins):
    raw = senders.qmail_bounce(recipient="stranger@example.com", diagnostic="550 unknown",
                               original_id="unknown@caredesk.example", message_id="bounce-4@mx.example")
    services.receive(raw, source="ingest", team=billing)
    assert Customer.objects.get(pk=miggins.pk).email_failing_since is None
