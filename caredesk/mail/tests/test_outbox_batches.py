"""Several emails sent in one run (outbox.send_many: the acknowledgements of a batch of inbound email, the
periodic sweep): one connection to the real mail server (aiosmtpd on loopback), one read, and one write per
email (its outcome and the next one's claim together). Each email is still claimed on its own just before it
goes, so a refusal or a crash touches only the email in flight; the others are sent, or stay queued for the
next run."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caredesk.conversations import services as conversations
from caredesk.mail import outbox, tasks
from caredesk.mail.models import OutboundEmail
from caredesk.system import clock
from caredesk.system.queue import suppressed

from .smtp_server import TRY_LATER, smtp_server  # noqa: F401 - the fixture


@pytest.fixture
def ticket(ticket_factory, miggins, billing, alice):
    """Mrs Miggins's ticket, opened without its notifications: the mail server sees only what a test sends."""
    with suppressed():
        return ticket_factory.create(customer=miggins, team=billing, owner=alice, subject="Twelve pies missing")


def _queued(ticket, alice, bodies: list[str]) -> list[OutboundEmail]:
    """Replies whose emails are stored, their send tasks not run (as a worker finds them)."""
    with suppressed():
        return [outbox.queue_reply(conversations.reply(ticket, by=alice, body=body)) for body in bodies]


def _statuses(emails: list[OutboundEmail]) -> list[tuple[str, int]]:
    rows = OutboundEmail.objects.filter(pk__in=[email.pk for email in emails]).values_list("pk", "status", "attempts")
    now = {pk: (status, attempts) for pk, status, attempts in rows}
    return [now[email.pk] for email in emails]


@pytest.mark.parametrize("count", [2, 6])
def test_emails_sent_together_go_in_order_over_one_connection_with_one_write_each(
    smtp_server, ticket, alice, count
):
    bodies = [f"Update number {n}." for n in range(count)]
    emails = _queued(ticket, alice, bodies)
    with CaptureQueriesContext(connection) as queries:
        outbox.send_many([email.pk for email in emails])
    # One read of all of them (none carries an attachment: no read of those), the first one's claim, then per
    # email its outcome, which claims the next one in the same UPDATE.
    assert len(queries) == 2 + count
    assert _statuses(emails) == [("sent", 1)] * count
    received = [envelope.message for envelope in smtp_server.received]
    assert [message.get_body(("plain",)).get_content().strip().splitlines()[0] for message in received] == bodies
    assert [message["Message-ID"] for message in received] == [f"<{email.message_id}>" for email in emails]
    assert len({envelope.peer for envelope in smtp_server.received}) == 1


def test_emails_already_sent_not_due_or_missing_are_left_alone_and_no_connection_is_opened(smtp_server, ticket, alice):
    sent, later = _queued(ticket, alice, ["Sent already.", "Not due yet."])
    outbox.send(sent.pk)
    OutboundEmail.objects.filter(pk=later.pk).update(next_attempt_at=clock.now() + timedelta(hours=1))
    smtp_server.received.clear()
    with CaptureQueriesContext(connection) as queries:
        outbox.send_many([sent.pk, later.pk, 999_999, sent.pk])
    assert len(queries) == 1  # the read found nothing to send
    assert smtp_server.received == []
    assert _statuses([sent, later]) == [("sent", 1), ("queued", 0)]


def test_a_temporary_refusal_in_the_middle_costs_only_that_email_and_the_next_goes_on_a_fresh_connection(
    smtp_server, ticket, alice
):
    first, refused, third = _queued(ticket, alice, ["First.", "Refused for now.", "Third."])
    smtp_server.refuse["Refused for now."] = TRY_LATER
    outbox.send_many([first.pk, refused.pk, third.pk])
    assert _statuses([first, refused, third]) == [("sent", 1), ("queued", 1), ("sent", 1)]
    refused.refresh_from_db()
    assert refused.last_error.startswith("451 4.3.0") and refused.next_attempt_at > clock.now()
    # The refusal closed the connection: the third email went over a new one.
    assert len({envelope.peer for envelope in smtp_server.received}) == 2
    smtp_server.refuse.clear()
    with clock.travel_to(refused.next_attempt_at):
        tasks.send_due_emails.call()
    assert _statuses([first, refused, third]) == [("sent", 1), ("sent", 2), ("sent", 1)]
    assert len(smtp_server.received) == 3


class DyingBackend(LocmemBackend):
    """Hands the email over (to Django's test outbox, pytest-django's `mailoutbox`), then the worker dies
    when the email's body says so: like SIGKILL, nothing after it runs (SystemExit passes every
    `except Exception`)."""

    def send_messages(self, messages):
        sent = super().send_messages(messages)
        if any("The worker dies here." in message.body for message in messages):
            raise SystemExit("killed")
        return sent


def test_a_worker_that_dies_mid_run_leaves_only_the_email_in_flight_unknown_and_the_rest_queued(
    settings, ticket, alice, mailoutbox
):
    settings.EMAIL_BACKEND = f"{__name__}.DyingBackend"
    emails = _queued(ticket, alice, ["Goes out.", "The worker dies here.", "Still waiting.", "Also waiting."])
    with pytest.raises(SystemExit):
        tasks.send_emails.call(outbound_ids=[email.pk for email in emails])
    assert len(mailoutbox) == 2
    assert _statuses(emails) == [("sent", 1), ("sending", 1), ("queued", 0), ("queued", 0)]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with clock.travel_to(clock.now() + outbox.LEASE + timedelta(seconds=1)):
        tasks.give_up_stale_sends.call()
        tasks.send_due_emails.call()
    assert _statuses(emails) == [("sent", 1), ("unknown", 1), ("sent", 1), ("sent", 1)]
    assert [message.body.splitlines()[0] for message in mailoutbox] == [
        "Goes out.", "The worker dies here.", "Still waiting.", "Also waiting."
    ]


class RacedBackend(LocmemBackend):
    """While an email is being handed over, another run does what the email's body says: claims the next
    email (a second worker sending the same batch) or gives this one up as stale (a sweep that thought its
    worker dead)."""

    def send_messages(self, messages):
        sent = super().send_messages(messages)
        for message in messages:
            if "Another run takes the next." in message.body:
                nxt = OutboundEmail.objects.filter(status=OutboundEmail.Status.QUEUED).order_by("pk").first()
                OutboundEmail.objects.filter(pk=nxt.pk).update(status=OutboundEmail.Status.SENDING, attempts=1)
            if "A sweep gives this one up." in message.body:
                OutboundEmail.objects.filter(status=OutboundEmail.Status.SENDING).update(
                    status=OutboundEmail.Status.UNKNOWN, last_error=outbox.STALE_ERROR
                )
        return sent


def test_an_email_another_run_claimed_meanwhile_is_not_sent_again_and_the_one_after_it_is(
    settings, ticket, alice, mailoutbox
):
    settings.EMAIL_BACKEND = f"{__name__}.RacedBackend"
    emails = _queued(ticket, alice, ["Another run takes the next.", "Taken by the other run.", "Sent by this run."])
    outbox.send_many([email.pk for email in emails])
    assert [message.body.splitlines()[0] for message in mailoutbox] == ["Another run takes the next.", "Sent by this run."]
    assert _statuses(emails) == [("sent", 1), ("sending", 1), ("sent", 1)]


def test_an_email_given_up_as_stale_while_it_went_keeps_that_and_the_next_one_is_still_sent(
    settings, ticket, alice, mailoutbox
):
    settings.EMAIL_BACKEND = f"{__name__}.RacedBackend"
    emails = _queued(ticket, alice, ["A sweep gives this one up.", "Sent after it."])
    outbox.send_many([email.pk for email in emails])
    assert [message.body.splitlines()[0] for message in mailoutbox] == ["A sweep gives this one up.", "Sent after it."]
    assert _statuses(emails) == [("unknown", 1), ("sent", 1)]


def test_secrets_sent_together_are_wiped_and_each_recorded_as_sent_once(smtp_server, miggins):
    with suppressed():
        links = [
            outbox.queue(kind=OutboundEmail.Kind.LOGIN_LINK, to=miggins.email, subject="Your link",
                         body_text=f"Log in: https://desk.example/portal/login/{n}/")
            for n in range(3)
        ]
    before = clock.now()
    outbox.send_many([link.pk for link in links])
    received = [envelope.message.get_body(("plain",)).get_content() for envelope in smtp_server.received]
    assert [f"/portal/login/{n}/" in text for n, text in enumerate(received)] == [True] * 3
    rows = OutboundEmail.objects.filter(pk__in=[link.pk for link in links]).order_by("pk")
    assert [(row.status, row.attempts, row.body_text, row.body_html, row.last_error) for row in rows] == [
        ("sent", 1, outbox.LOGIN_LINK_WIPED, "", "")
    ] * 3
    assert all(row.sent_at >= row.claimed_at >= before for row in rows)


def test_the_attachments_of_emails_that_carry_some_are_read_in_one_query_and_sent_with_them(smtp_server, ticket, alice):
    plain = _queued(ticket, alice, ["No files here."])
    with suppressed():
        files = [SimpleUploadedFile(f"invoice-{n}.txt", f"Invoice {n}".encode(), content_type="text/plain") for n in (1, 2)]
        carrying = outbox.queue_reply(conversations.reply(ticket, by=alice, body="Both invoices.", files=files))
    assert (plain[0].attachment_count, carrying.attachment_count) == (0, 2)
    with CaptureQueriesContext(connection) as queries:
        outbox.send_many([plain[0].pk, carrying.pk])
    assert len(queries) == 3 + 2  # the emails, the attachments of the one carrying some, a claim, two outcomes
    first, second = (envelope.message for envelope in smtp_server.received)
    assert list(first.iter_attachments()) == []
    assert [(part.get_filename(), part.get_content()) for part in second.iter_attachments()] == [
        ("invoice-1.txt", "Invoice 1"), ("invoice-2.txt", "Invoice 2")
    ]


def test_emails_stored_before_the_count_get_it_from_their_attachments(ticket, alice):
    """Migration mail 0009 counts the attachments of emails stored before the count existed."""
    with suppressed():
        files = [SimpleUploadedFile("a.txt", b"a", content_type="text/plain"), SimpleUploadedFile("b.txt", b"b")]
        carrying = outbox.queue_reply(conversations.reply(ticket, by=alice, body="Two files.", files=files))
    [plain] = _queued(ticket, alice, ["None."])
    OutboundEmail.objects.update(attachment_count=0)  # as the new column left every stored email
    migration = importlib.import_module("caredesk.mail.migrations.0009_outbound_attachment_count")
    migration.count_attachments(django_apps, None)
    counts = dict(OutboundEmail.objects.filter(pk__in=[carrying.pk, plain.pk]).values_list("pk", "attachment_count"))
    assert counts == {carrying.pk: 2, plain.pk: 0}
