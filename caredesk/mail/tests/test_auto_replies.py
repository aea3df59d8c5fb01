"""Auto-replies are stored and counted, never made messages: no ticket, no reply, no reopening."""

import pytest

from caredesk.conversations import services as conversations
from caredesk.conversations.models import Message, Ticket
from caredesk.mail import services
from caredesk.mail.services import Outcome

from .mails import eml


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"Auto-Submitted": "auto-generated; owner-email=\"it@example.com\""},
        {"X-Autoreply": "yes"},
        {"X-Autorespond": "Out of office"},
        {"Precedence": "bulk"},
        {"Precedence": "junk"},
        {"Precedence": "list"},
    ],
)
def test_an_auto_reply_is_stored_and_counted_but_opens_no_ticket(billing, headers):
    inbound, outcome = services.receive(eml(subject="Out of office", headers=headers), source="ingest", team=billing)
    assert (outcome, inbound.status, inbound.desk_message, inbound.attempts) == (Outcome.AUTO_REPLY, "auto_reply", None, 1)
    assert (Ticket.objects.count(), Message.objects.count()) == (0, 0)


def test_an_out_of_office_on_a_solved_ticket_is_linked_to_it_but_does_not_reopen_it(ticket, billing, alice):
    conversations.change_status(ticket, status=Ticket.Status.SOLVED, by=alice)
    inbound, _ = services.receive(
        eml(subject=f"Automatic reply: [{ticket.reference}] Charged twice", headers={"Auto-Submitted": "auto-replied"}),
        source="ingest", team=billing,
    )
    ticket.refresh_from_db()
    assert (inbound.ticket, ticket.status, ticket.messages.count()) == (ticket, "solved", 1)


def test_auto_submitted_no_is_an_ordinary_email(billing):
    _, outcome = services.receive(eml(headers={"Auto-Submitted": "no"}), source="ingest", team=billing)
    assert (outcome, Ticket.objects.count()) == (Outcome.NEW_TICKET, 1)
