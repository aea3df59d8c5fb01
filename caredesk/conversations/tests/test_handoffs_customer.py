"""The customer is told, once, who now owns their case after a transfer (Kind.OWNER_INTRODUCED)."""

import pytest
from django.core import mail

from caredesk.conversations import handoffs, services, tasks
from caredesk.mail import services as mail_services
from caredesk.mail.models import OutboundEmail
from caredesk.mail.services import Outcome
from caredesk.mail.tests.mails import eml
from caredesk.notifications.defaults import Kind
from caredesk.notifications.models import EmailTemplate
from caredesk.system import clock


@pytest.fixture(autouse=True)
def _locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _to_customer(ticket):
    """The introductions the customer got, as sent: notifications to the customer's address (their
    acknowledgements and replies are other kinds)."""
    ids = {
        f"<{message_id}>"
        for message_id in OutboundEmail.objects.filter(
            kind=OutboundEmail.Kind.NOTIFICATION, to=ticket.customer.email
        ).values_list("message_id", flat=True)
    }
    return [email for email in mail.outbox if email.extra_headers["Message-ID"] in ids]


def test_transfer_to_a_new_owner_tells_the_customer_who_now_looks_after_them(ticket, alice, bob):
    services.transfer(ticket, to_owner=bob, by=alice, reason="Bob handles refunds", note="Bank confirmed it")
    [email] = _to_customer(ticket)
    assert email.subject == f"Bob is now looking after your request [#{ticket.pk}]"
    assert "Bob Baker of our Billing team is now looking after your request" in email.body
    # Internal words stay internal: the reason and the note are for the new owner only.
    assert "refunds" not in email.body and "Bank confirmed" not in email.body
    assert email.extra_headers["Auto-Submitted"] == "auto-generated"
    outbound = OutboundEmail.objects.get(ticket=ticket, to=ticket.customer.email)
    assert (outbound.kind, outbound.status) == (OutboundEmail.Kind.NOTIFICATION, OutboundEmail.Status.SENT)


def test_the_introduction_threads_with_the_conversation_and_is_answered_to_the_desk(miggins, alice, bob, billing, settings):
    settings.CAREDESK_EMAIL_REPLY_TO = "help@freshbasket.example"
    inbound, _ = mail_services.receive(
        eml(subject="Charged twice", text="Any news?", in_reply_to=None, references=None), source="ingest", team=billing
    )
    services.transfer(inbound.ticket, to_owner=bob, by=alice, reason="Refunds")
    [email] = _to_customer(inbound.ticket)
    assert email.reply_to == ["help@freshbasket.example"]
    assert email.extra_headers["In-Reply-To"] == f"<{inbound.message_id}>"
    assert f"<{inbound.message_id}>" in email.extra_headers["References"]


def test_the_customers_answer_to_the_introduction_lands_on_their_ticket(ticket, alice, bob, billing):
    services.transfer(ticket, to_owner=bob, by=alice, reason="Refunds")
    [email] = _to_customer(ticket)
    _, outcome = mail_services.receive(
        eml(subject=f"Re: {email.subject}", text="Thank you Bob.", in_reply_to=email.extra_headers["Message-ID"]),
        source="ingest", team=billing,
    )
    assert outcome == Outcome.REPLY
    assert ticket.messages.order_by("pk").last().body_text == "Thank you Bob."


def test_the_customer_is_told_once_however_often_the_task_runs(ticket, alice, bob):
    services.transfer(ticket, to_owner=bob, by=alice, reason="Refunds")
    tasks.introduce_new_owner.call(ticket_id=ticket.pk, owner_id=bob.pk)
    tasks.introduce_new_owner.call(ticket_id=ticket.pk, owner_id=bob.pk)
    assert len(_to_customer(ticket)) == 1


def test_ping_pong_back_to_a_previous_owner_does_not_email_again(ticket, alice, bob, lena):
    services.transfer(ticket, to_owner=bob, by=alice, reason="Refunds")
    services.transfer(ticket, to_owner=alice, by=bob, reason="Not a refund after all")  # alice owned it first
    services.transfer(ticket, to_owner=bob, by=alice, reason="It is a refund")
    services.transfer(ticket, to_owner=lena, by=bob, reason="Over my limit")
    assert [email.subject.split(" is now")[0] for email in _to_customer(ticket)] == ["Bob", "Lena"]


def test_a_transfer_to_a_team_queue_tells_the_customer_nothing(ticket, alice, deliveries):
    services.transfer(ticket, to_team=deliveries, by=alice, reason="A delivery question")
    assert _to_customer(ticket) == []


def test_taking_the_ticket_from_the_queue_after_a_transfer_tells_nothing_more(ticket, alice, charlie, deliveries):
    services.transfer(ticket, to_team=deliveries, by=alice, reason="A delivery question")
    services.assign(ticket, to=charlie, by=charlie)  # an assignment, not a transfer
    assert _to_customer(ticket) == []


def test_nothing_is_sent_when_the_team_switched_the_introduction_off(ticket, alice, charlie, deliveries):
    EmailTemplate.objects.create(kind=Kind.OWNER_INTRODUCED, team=deliveries, enabled=False, subject="x", body="y")
    services.transfer(ticket, to_team=deliveries, to_owner=charlie, by=alice, reason="A delivery question")
    assert _to_customer(ticket) == []
    assert not OutboundEmail.objects.filter(to=ticket.customer.email).exists()


def test_another_teams_switch_does_not_silence_this_one(ticket, alice, bob, deliveries):
    EmailTemplate.objects.create(kind=Kind.OWNER_INTRODUCED, team=deliveries, enabled=False, subject="x", body="y")
    services.transfer(ticket, to_owner=bob, by=alice, reason="Refunds")
    assert len(_to_customer(ticket)) == 1


def test_the_teams_own_wording_is_used(ticket, alice, bob, billing):
    EmailTemplate.objects.create(
        kind=Kind.OWNER_INTRODUCED, team=billing, subject="Meet {{ agent.first_name }}",
        body="{{ agent.name }} has your case, {{ customer.first_name }}.",
    )
    services.transfer(ticket, to_owner=bob, by=alice, reason="Refunds")
    [email] = _to_customer(ticket)
    assert (email.subject, email.body) == (f"Meet Bob [#{ticket.pk}]", "Bob Baker has your case, Mrs Miggins.\n")


def test_nothing_is_sent_while_the_customers_email_is_bouncing(ticket, alice, bob, miggins):
    miggins.email_failing_since = clock.now()
    miggins.save(update_fields=["email_failing_since"])
    services.transfer(ticket, to_owner=bob, by=alice, reason="Refunds")
    assert _to_customer(ticket) == []


def test_portal_and_phone_customers_are_told_too_when_they_have_an_address(ticket_factory, miggins, billing, alice, bob):
    phoned = ticket_factory.create(customer=miggins, team=billing, owner=alice, channel="phone", subject="Rang about pies")
    services.transfer(phoned, to_owner=bob, by=alice, reason="Refunds")
    assert len(_to_customer(phoned)) == 1


def test_nothing_is_sent_to_a_machines_address(ticket_factory, billing, alice, bob):
    from caredesk.customers.models import Customer

    robot = Customer.objects.create(name="Shop system", email="no-reply@shop.example")
    robot_ticket = ticket_factory.create(customer=robot, team=billing, owner=alice)
    services.transfer(robot_ticket, to_owner=bob, by=alice, reason="Refunds")
    assert not OutboundEmail.objects.filter(to="no-reply@shop.example").exists()


def test_a_ticket_that_moved_on_before_the_task_ran_introduces_nobody_stale(ticket, alice, bob, lena):
    services.transfer(ticket, to_owner=bob, by=alice, reason="Refunds")
    services.transfer(ticket, to_owner=lena, by=bob, reason="Over my limit")
    mail.outbox.clear()
    # A late or retried task for bob finds lena owning the ticket: no email introducing bob now.
    assert handoffs.introduce_new_owner(ticket.pk, bob.pk) is None
    assert handoffs.why_not_introduce(ticket.__class__.objects.get(pk=ticket.pk), bob.pk).startswith("the ticket has moved on")


def test_a_solved_ticket_handed_on_tells_the_customer_nothing(ticket, alice, bob):
    services.change_status(ticket, status="solved", by=alice)
    services.transfer(ticket, to_owner=bob, by=alice, reason="Follow-up on the refund")
    assert _to_customer(ticket) == []
