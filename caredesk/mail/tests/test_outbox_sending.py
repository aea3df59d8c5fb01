"""The outbox against a real SMTP server (aiosmtpd on loopback): every email goes out once, with its
threading headers, both parts and its attachments; refusals, delays and crashes end in a state a person
can read and act on, and nothing is ever sent twice on its own."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from caredesk.conversations import services as conversations
from caredesk.mail import outbox, services, tasks
from caredesk.mail.models import OutboundEmail
from caredesk.mail.queries import TICKET_TOKEN
from caredesk.system import clock
from caredesk.system.queue import suppressed

from .mails import eml
from .smtp_server import NO_SUCH_USER, TRY_LATER, smtp_server  # noqa: F401 - the fixture

FIRST_ID = "<first-pies@mail.example.com>"
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}


def _email_ticket(billing):
    """A ticket opened by the customer's email, taken in as history so that these tests see only the
    replies they send (acknowledgements have tests of their own: test_acknowledgements.py)."""
    inbound, _ = services.receive(
        eml(message_id=FIRST_ID, subject="Twelve pies missing"), source="ingest", team=billing, quiet=True
    )
    return inbound.ticket


def _to_customer(server) -> list:
    return [envelope for envelope in server.received if envelope.rcpt_tos == ["miggins@example.com"]]


def _reply_email(message) -> OutboundEmail:
    return OutboundEmail.objects.get(desk_message=message, kind=OutboundEmail.Kind.REPLY)


def _queued_without_running(ticket, alice) -> OutboundEmail:
    """A reply whose email is stored, its send task not run yet (as a worker would find it)."""
    with suppressed():
        message = conversations.reply(ticket, by=alice, body="We are on it.")
        return outbox.queue_reply(message)


def test_a_reply_arrives_once_threaded_with_both_parts_and_its_attachment(smtp_server, billing, alice, settings):
    settings.CAREDESK_EMAIL_REPLY_TO = "help@caredesk.example"
    ticket = _email_ticket(billing)
    message = conversations.reply(
        ticket, by=alice, body="We refunded the pies.",
        files=[SimpleUploadedFile("refund.txt", b"Refund: 12 pies", content_type="text/plain")],
    )
    outbound = _reply_email(message)
    assert (outbound.status, outbound.attempts, outbound.sent_at is not None) == ("sent", 1, True)
    [envelope] = _to_customer(smtp_server)
    email = envelope.message
    assert email["Message-ID"] == f"<{outbound.message_id}>" and outbound.message_id.endswith("@example.com")
    assert email["In-Reply-To"] == "<first-pies@mail.example.com>"
    assert email["References"] == "<first-pies@mail.example.com>"
    assert email["Reply-To"] == "help@caredesk.example"
    assert email["Subject"] == f"Re: Twelve pies missing [#{ticket.pk}]"
    assert TICKET_TOKEN.findall(email["Subject"]) == [str(ticket.pk)]
    assert email["Auto-Submitted"] is None  # a person wrote it
    assert "We refunded the pies." in email.get_body(("plain",)).get_content()
    assert "<p>We refunded the pies.</p>" in email.get_body(("html",)).get_content()
    [attachment] = list(email.iter_attachments())
    assert (attachment.get_filename(), attachment.get_content()) == ("refund.txt", "Refund: 12 pies")


def test_a_second_reply_names_the_first_in_its_references(smtp_server, billing, alice):
    ticket = _email_ticket(billing)
    first = _reply_email(conversations.reply(ticket, by=alice, body="First answer"))
    second = _reply_email(conversations.reply(ticket, by=alice, body="Second answer"))
    assert second.references.split() == [first.message_id, "first-pies@mail.example.com"]
    assert second.in_reply_to == "first-pies@mail.example.com"


def test_notifications_are_marked_automatic(smtp_server, ticket_factory, miggins, billing, alice):
    ticket_factory.create(customer=miggins, team=billing, owner=alice, by=alice)
    [envelope] = [e for e in smtp_server.received if e.rcpt_tos == ["alice@example.com"]]
    assert envelope.message["Auto-Submitted"] == "auto-generated"


def test_the_send_task_run_twice_sends_once(smtp_server, billing, alice):
    outbound = _queued_without_running(_email_ticket(billing), alice)
    assert _to_customer(smtp_server) == []
    tasks.send_email.call(outbound_id=outbound.pk)
    tasks.send_email.call(outbound_id=outbound.pk)
    tasks.send_due_emails.call()
    outbound.refresh_from_db()
    assert (len(_to_customer(smtp_server)), outbound.status, outbound.attempts) == (1, "sent", 1)


def test_a_permanent_refusal_fails_at_once_with_the_servers_answer(smtp_server, billing, alice):
    smtp_server.answer = NO_SUCH_USER
    outbound = _reply_email(conversations.reply(_email_ticket(billing), by=alice, body="Hello?"))
    assert (outbound.status, outbound.attempts, outbound.next_attempt_at) == ("failed", 1, None)
    assert outbound.last_error == "550 5.1.1 mailbox unknown"
    smtp_server.answer = "250 OK"
    with clock.travel_to(clock.now() + timedelta(days=1)):
        tasks.send_due_emails.call()
    assert _to_customer(smtp_server) == []  # failed stays failed until a person resends


def test_a_temporary_refusal_is_retried_later_and_then_sent(smtp_server, billing, alice):
    smtp_server.answer = TRY_LATER
    before = clock.now()
    outbound = _reply_email(conversations.reply(_email_ticket(billing), by=alice, body="Hello?"))
    assert (outbound.status, outbound.attempts) == ("queued", 1)
    assert outbound.last_error.startswith("451 4.3.0")
    assert outbound.next_attempt_at >= before + outbox.RETRY_DELAYS[0]
    smtp_server.answer = "250 OK"
    tasks.send_email.call(outbound_id=outbound.pk)  # too early: not due yet
    assert OutboundEmail.objects.get(pk=outbound.pk).status == "queued" and _to_customer(smtp_server) == []
    with clock.travel_to(outbound.next_attempt_at):
        tasks.send_due_emails.call()
    outbound.refresh_from_db()
    assert (outbound.status, outbound.attempts, len(_to_customer(smtp_server))) == ("sent", 2, 1)
    assert outbound.last_error == ""


def test_temporary_refusals_give_up_after_the_last_retry(smtp_server, billing, alice):
    smtp_server.answer = TRY_LATER
    outbound = _reply_email(conversations.reply(_email_ticket(billing), by=alice, body="Hello?"))
    while outbound.status == "queued":
        with clock.travel_to(outbound.next_attempt_at):
            outbox.send(outbound.pk)
        outbound.refresh_from_db()
    assert (outbound.status, outbound.attempts) == ("failed", len(outbox.RETRY_DELAYS) + 1)
    assert outbound.last_error.startswith("451 4.3.0") and "gave up after 5 tries" in outbound.last_error


def test_a_mail_server_that_is_down_is_retried(smtp_server, billing, alice, settings):
    settings.EMAIL_PORT = smtp_server.port
    smtp_server.stop()
    outbound = _reply_email(conversations.reply(_email_ticket(billing), by=alice, body="Hello?"))
    assert (outbound.status, outbound.attempts) == ("queued", 1)
    assert "ConnectionRefusedError" in outbound.last_error
    smtp_server.start()
    with clock.travel_to(outbound.next_attempt_at):
        tasks.send_due_emails.call()
    outbound.refresh_from_db()
    assert (outbound.status, len(_to_customer(smtp_server))) == ("sent", 1)


def test_an_email_left_sending_by_a_stopped_worker_becomes_unknown_and_is_never_sent_again_by_itself(
    smtp_server, billing, alice
):
    outbound = _queued_without_running(_email_ticket(billing), alice)
    # A worker claims it, as send() does, and dies before it can say what happened.
    OutboundEmail.objects.filter(pk=outbound.pk).update(status="sending", claimed_at=clock.now(), attempts=1)
    assert outbox.give_up_stale() == 0  # still within its lease: it may be sending right now
    tasks.send_email.call(outbound_id=outbound.pk)
    with clock.travel_to(clock.now() + outbox.LEASE + timedelta(seconds=1)):
        tasks.give_up_stale_sends.call()
        tasks.send_email.call(outbound_id=outbound.pk)
        tasks.send_due_emails.call()
    outbound.refresh_from_db()
    assert (outbound.status, outbound.last_error) == ("unknown", outbox.STALE_ERROR)
    assert _to_customer(smtp_server) == []
    outbound = outbox.resend(outbound, by=alice)  # a person decides
    assert outbound.status == "sent"
    [envelope] = _to_customer(smtp_server)
    assert envelope.message["Message-ID"] == f"<{outbound.message_id}>"


def test_resending_a_failed_email_sends_it_with_the_same_message_id(smtp_server, billing, alice):
    smtp_server.answer = NO_SUCH_USER
    outbound = _reply_email(conversations.reply(_email_ticket(billing), by=alice, body="Hello?"))
    message_id = outbound.message_id
    smtp_server.answer = "250 OK"
    outbound = outbox.resend(outbound, by=alice)
    assert (outbound.status, outbound.message_id, outbound.last_error) == ("sent", message_id, "")
    assert OutboundEmail.objects.count() == 1 + OutboundEmail.objects.exclude(kind="reply").count()
    [envelope] = _to_customer(smtp_server)
    assert envelope.message["Message-ID"] == f"<{message_id}>"


def test_a_sent_email_cannot_be_resent(smtp_server, billing, alice):
    outbound = _reply_email(conversations.reply(_email_ticket(billing), by=alice, body="Hello?"))
    with pytest.raises(ValidationError, match="failed, bounced or whose delivery is unknown"):
        outbox.resend(outbound, by=alice)
    assert (OutboundEmail.objects.get(pk=outbound.pk).status, len(_to_customer(smtp_server))) == ("sent", 1)


@pytest.mark.django_db(transaction=True)
def test_with_the_database_queue_a_retry_is_a_task_delayed_until_it_is_due(smtp_server, billing, alice):
    ticket = _email_ticket(billing)
    smtp_server.answer = TRY_LATER
    with override_settings(TASKS=DB_TASKS):  # django-tasks reloads its backends on this signal
        message = conversations.reply(ticket, by=alice, body="Hello?")
        call_command("worker", batch=True, verbosity=0)  # sends, is refused for now, queues the retry
        outbound = _reply_email(message)
        assert (outbound.status, outbound.attempts) == ("queued", 1)
        [retry] = DBTaskResult.objects.filter(status="READY", task_path="caredesk.mail.tasks.send_email")
        assert (retry.run_after, retry.args_kwargs["kwargs"]) == (outbound.next_attempt_at, {"outbound_id": outbound.pk})
        call_command("worker", batch=True, verbosity=0)  # not due: the worker leaves it waiting
        assert OutboundEmail.objects.get(pk=outbound.pk).attempts == 1
    assert _to_customer(smtp_server) == []


def test_an_email_without_an_address_is_refused_and_nothing_is_stored(ticket):
    with pytest.raises(ValidationError, match="no email address"):
        outbox.queue(kind=OutboundEmail.Kind.REPLY, to="Mrs Miggins", subject="Hi", body_text="Hello", ticket=ticket)
    assert not OutboundEmail.objects.filter(kind=OutboundEmail.Kind.REPLY).exists()
