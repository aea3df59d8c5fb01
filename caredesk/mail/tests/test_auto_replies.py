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


@pytest.mark.parametrize(
    "subject",
    [
        "Out of Office: My pie shop order", "Automatic reply: Charged twice", "Autoreply", "Auto-Reply: pies",
        "Abwesenheitsnotiz: Ihre Bestellung", "AW: Automatische Antwort: Bestellung", "Réponse automatique : Colis",
        "Absence du bureau", "Respuesta automática: Pedido", "RE: Fuera de la oficina", "Risposta automatica",
        "Afwezigheidsmelding", "Automatisch antwoord: bezorging", "SV: Autosvar: Ordre", "Poza biurem",
        "OUT OF OFFICE", "Re: Re: out of the office",
    ],
)
def test_an_out_of_office_without_any_header_is_known_by_its_subject(billing, subject):
    inbound, outcome = services.receive(eml(subject=subject, text="I am away."), source="ingest", team=billing)
    assert (outcome, inbound.status, Ticket.objects.count()) == (Outcome.AUTO_REPLY, "auto_reply", 0)


@pytest.mark.parametrize(
    "subject", ["Out of office hours delivery?", "Automatic replies from your shop are rude", "Absence of pies"],
)
def test_a_customer_writing_about_such_things_is_not_an_auto_reply(billing, subject):
    _, outcome = services.receive(eml(subject=subject), source="ingest", team=billing)
    assert outcome == Outcome.NEW_TICKET


def test_an_out_of_office_by_subject_on_a_solved_ticket_does_not_reopen_it(billing, alice):
    request, _ = services.receive(eml(message_id="<request@mail.example.com>"), source="ingest", team=billing)
    ticket = conversations.change_status(request.ticket, status=Ticket.Status.SOLVED, by=alice)
    inbound, _ = services.receive(
        eml(subject="Automatische Antwort: Pies", in_reply_to="<request@mail.example.com>"), source="ingest", team=billing,
    )
    ticket.refresh_from_db()
    assert (inbound.status, inbound.ticket, ticket.status, ticket.messages.count()) == ("auto_reply", ticket, "solved", 1)
