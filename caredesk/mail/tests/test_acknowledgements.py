"""A new email ticket is acknowledged once, threaded to the customer's email, in the team's wording;
never for replies, auto-replies, history, machines or bouncing addresses; and at most N an hour to one
address (the loop breaker)."""

import pytest
from django.utils import timezone

from caredesk.customers.models import Customer
from caredesk.mail import acknowledgements, services
from caredesk.mail.models import InboundEmail, Mailbox, OutboundEmail
from caredesk.notifications.defaults import Kind
from caredesk.notifications.models import EmailTemplate

from .mails import eml

pytestmark = pytest.mark.django_db


def acknowledgements_sent() -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(kind=OutboundEmail.Kind.ACKNOWLEDGEMENT).order_by("pk"))


def test_a_new_email_ticket_is_acknowledged_once_threaded_to_the_customers_email(billing, mailoutbox):
    inbound, _ = services.receive(eml(message_id="<pies@mail.example.com>", subject="Twelve pies missing"),
                                  source="ingest", team=billing)
    [ack] = acknowledgements_sent()
    assert (ack.to, ack.ticket, ack.in_reply_to, ack.references) == (
        "miggins@example.com", inbound.ticket, "pies@mail.example.com", "pies@mail.example.com",
    )
    assert ack.subject == f"We have your request: Twelve pies missing [{inbound.ticket.reference}]"
    [sent] = [m for m in mailoutbox if m.to == ["miggins@example.com"]]
    assert sent.extra_headers["Auto-Submitted"] == "auto-generated"  # other desks must not answer it
    services.process(inbound)  # processing the same email again (a retried task) acknowledges nothing more
    assert len(acknowledgements_sent()) == 1


def test_the_customers_reply_to_the_acknowledgement_lands_on_the_ticket(billing):
    first, _ = services.receive(eml(message_id="<pies@mail.example.com>"), source="ingest", team=billing)
    [ack] = acknowledgements_sent()
    reply, _ = services.receive(eml(in_reply_to=f"<{ack.message_id}>", subject="Re: thanks", text="One more thing"),
                                source="ingest", team=billing)
    assert reply.ticket == first.ticket and not reply.started_ticket
    assert len(acknowledgements_sent()) == 1  # a reply is not a new request


def test_the_reply_to_address_is_the_teams_mailbox(billing):
    Mailbox.objects.create(name="Billing", address="billing@caredesk.example", team=billing, host="imap.example",
                           username="u", password="p")
    services.receive(eml(), source="ingest", team=billing)
    assert acknowledgements_sent()[0].reply_to == "billing@caredesk.example"


def test_a_team_that_switched_acknowledgements_off_sends_none(billing):
    EmailTemplate.objects.create(kind=Kind.ACKNOWLEDGEMENT, team=billing, enabled=False, subject="s", body="b")
    services.receive(eml(), source="ingest", team=billing)
    assert acknowledgements_sent() == []


def test_auto_replies_and_history_get_no_acknowledgement(billing):
    services.receive(eml(subject="Out of office", headers={"Auto-Submitted": "auto-replied"}), source="ingest", team=billing)
    services.receive(eml(subject="An old request"), source="ingest", team=billing, quiet=True)
    assert InboundEmail.objects.count() == 2 and acknowledgements_sent() == []


@pytest.mark.parametrize("address", ["noreply@shop.example", "no-reply@shop.example", "MAILER-DAEMON@mx.example",
                                     "notifications@github.example"])
def test_a_machines_address_gets_no_acknowledgement(billing, address):
    inbound, _ = services.receive(eml(sender=f"Robot <{address}>"), source="ingest", team=billing)
    assert inbound.ticket is not None and acknowledgements_sent() == []


def test_a_bouncing_address_gets_no_acknowledgement_and_writing_from_it_clears_the_mark(billing):
    Customer.objects.create(name="Mrs Miggins", email="miggins@example.com", email_failing_since=timezone.now(),
                            email_failure="5.1.1 no such user")
    inbound, _ = services.receive(eml(), source="ingest", team=billing)
    assert Customer.objects.get().email_failing_since is None  # she wrote from it: it works again
    Customer.objects.update(email_failing_since=timezone.now())  # and then it bounced once more
    assert acknowledgements.why_not(inbound.ticket) == "email to miggins@example.com is bouncing"


def test_the_loop_breaker_stops_automatic_answers_after_three_an_hour(billing, settings):
    # Another desk's robot opening a new ticket with every answer it gets, as two auto-responders do.
    settings.CAREDESK_EMAIL_AUTO_ANSWERS_PER_HOUR = 3
    for number in range(6):
        services.receive(eml(sender="Robot Desk <help@other-desk.example>", subject=f"Ticket {number} opened"),
                         source="ingest", team=billing)
    assert InboundEmail.objects.filter(status="processed").count() == 6  # every email is still kept
    assert len(acknowledgements_sent()) == 3


def test_in_a_batch_the_loop_breaker_counts_the_answers_of_the_hour_and_those_the_batch_holds(billing, settings):
    settings.CAREDESK_EMAIL_AUTO_ANSWERS_PER_HOUR = 3
    robot = "Robot Desk <Help@Other-Desk.example>"
    services.receive(eml(sender=robot, subject="Ticket 0 opened"), source="ingest", team=billing)
    for number in range(1, 5):
        services.store(eml(sender=robot, subject=f"Ticket {number} opened"), source="smtp", team=billing)
    services.store(eml(sender="someone@example.com", subject="Pies"), source="smtp", team=billing)
    done = services.process_batch(limit=10)
    assert [inbound.status for inbound in done] == ["processed"] * 5
    assert [(ack.to, ack.ticket.subject) for ack in acknowledgements_sent()] == [
        ("help@other-desk.example", "Ticket 0 opened"),
        ("help@other-desk.example", "Ticket 1 opened"),
        ("help@other-desk.example", "Ticket 2 opened"),
        ("someone@example.com", "Pies"),
    ]


def test_the_acknowledgement_of_an_email_undone_after_it_was_made_is_not_stored(billing, monkeypatch):
    real_acknowledge = acknowledgements.acknowledge

    def acknowledge_then_fail(ticket, **kwargs):
        real_acknowledge(ticket, **kwargs)
        if ticket.subject == "Doomed":
            raise RuntimeError("disk full")

    monkeypatch.setattr(acknowledgements, "acknowledge", acknowledge_then_fail)
    for number, subject in enumerate(["Pies", "Doomed", "Jam"]):
        services.store(eml(sender=f"c{number}@example.com", subject=subject), source="smtp", team=billing)
    assert [inbound.status for inbound in services.process_batch(limit=10)] == ["processed", "failed", "processed"]
    assert [ack.ticket.subject for ack in acknowledgements_sent()] == ["Pies", "Jam"]


def test_a_batch_whose_acknowledgements_cannot_be_stored_together_stores_them_one_by_one(billing, monkeypatch, caplog):
    from caredesk.mail import outbox

    real_queue_many = outbox.queue_many

    def refuse_bad(emails):  # as the database refuses a row it cannot take, and the INSERT with it
        if any(email.ticket.subject == "Bad" for email in emails):
            raise RuntimeError("value too long")
        return real_queue_many(emails)

    monkeypatch.setattr(outbox, "queue_many", refuse_bad)
    for number, subject in enumerate(["Pies", "Bad", "Jam"]):
        services.store(eml(sender=f"c{number}@example.com", subject=subject), source="smtp", team=billing)
    assert [inbound.status for inbound in services.process_batch(limit=10)] == ["processed"] * 3
    assert [ack.ticket.subject for ack in acknowledgements_sent()] == ["Pies", "Jam"]
    assert "no acknowledgement for ticket" in caplog.text


def test_an_acknowledgement_that_cannot_be_made_never_costs_the_email_its_ticket(billing, caplog):
    EmailTemplate.objects.create(kind=Kind.ACKNOWLEDGEMENT, subject="Hello", body="{% include 'missing.txt' %}")
    inbound, _ = services.receive(eml(), source="ingest", team=billing)
    assert (inbound.status, inbound.ticket is not None, acknowledgements_sent()) == ("processed", True, [])
    assert "no acknowledgement for ticket" in caplog.text
