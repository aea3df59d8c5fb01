"""Polling an IMAP mailbox, against a real dovecot (imap_server.py): mail becomes tickets once, in
bounded batches, from now or with history, whatever the server renumbers or refuses."""

import re

import pytest
from django.test import override_settings

from caredesk.conversations import services as desk_services
from caredesk.conversations.models import Ticket
from caredesk.mail import imap, services, tasks
from caredesk.mail.models import InboundEmail, Mailbox

from .imap_server import PASSWORD, USER, dovecot  # noqa: F401 - dovecot is a fixture
from .mails import eml


@pytest.fixture
def folder(dovecot, request) -> str:  # noqa: F811
    """A folder of its own for each test, so that tests sharing the server do not see each other's mail."""
    name = re.sub(r"[^A-Za-z0-9]", "", request.node.name)[-60:]
    dovecot.create_folder(name)
    return name


@pytest.fixture
def mailbox_for(dovecot, folder, billing, settings):  # noqa: F811
    settings.CAREDESK_IMAP_CA_FILE = dovecot.ca_file

    def make(**fields) -> Mailbox:
        values = dict(
            name=f"Support {Mailbox.objects.count() + 1}", address="support@caredesk.example", team=billing,
            host=dovecot.host, port=dovecot.ssl_port, security=Mailbox.Security.SSL, username=USER,
            password=PASSWORD, folder=folder,
        )
        values.update(fields)
        return Mailbox.objects.create(**values)

    return make


def started(mailbox: Mailbox) -> Mailbox:
    """The mailbox after its first poll (which, starting from now, takes nothing)."""
    assert imap.poll(mailbox) == imap.PollResult()
    mailbox.refresh_from_db()
    return mailbox


def subjects() -> list[str]:
    return sorted(Ticket.objects.values_list("subject", flat=True))


def test_new_mail_becomes_tickets_for_the_mailbox_team(dovecot, folder, mailbox_for, billing):  # noqa: F811
    mailbox = started(mailbox_for())
    dovecot.append(folder, eml(subject="Pies missing"), eml(subject="Marmalade leaking", sender="ada@example.org"))
    assert imap.poll(mailbox) == imap.PollResult(taken=2)
    assert subjects() == ["Marmalade leaking", "Pies missing"]
    assert set(Ticket.objects.values_list("team", "channel")) == {(billing.pk, "email")}
    assert set(InboundEmail.objects.values_list("source", "status", "quiet")) == {("imap", "processed", False)}
    mailbox.refresh_from_db()
    assert (mailbox.last_uid, mailbox.last_error, mailbox.polling_until) == (2, "", None)
    assert mailbox.next_poll_at > mailbox.last_polled_at


def test_polling_again_adds_nothing(dovecot, folder, mailbox_for):  # noqa: F811
    mailbox = started(mailbox_for())
    dovecot.append(folder, eml(subject="Only once"))
    imap.poll(mailbox)
    mailbox.refresh_from_db()
    assert imap.poll(mailbox) == imap.PollResult(taken=0)
    assert (subjects(), InboundEmail.objects.count()) == (["Only once"], 1)


def test_a_batch_limit_of_two_takes_five_messages_in_three_polls(dovecot, folder, mailbox_for):  # noqa: F811
    mailbox = started(mailbox_for(batch_size=2))
    dovecot.append(folder, *[eml(subject=f"Order {n}") for n in range(1, 6)])
    results = []
    for _ in range(3):
        results.append((imap.poll(mailbox), Ticket.objects.count()))
        mailbox.refresh_from_db()
    assert results == [
        (imap.PollResult(taken=2, more=True), 2),
        (imap.PollResult(taken=2, more=True), 4),
        (imap.PollResult(taken=1, more=False), 5),
    ]
    assert subjects() == [f"Order {n}" for n in range(1, 6)]


def test_with_more_mail_waiting_the_next_poll_is_due_at_once(dovecot, folder, mailbox_for):  # noqa: F811
    mailbox = started(mailbox_for(batch_size=1))
    dovecot.append(folder, eml(subject="First"), eml(subject="Second"))
    imap.poll(mailbox)
    mailbox.refresh_from_db()
    assert mailbox.next_poll_at == mailbox.last_polled_at


def test_a_new_mailbox_starts_from_now_and_takes_only_later_mail(dovecot, folder, mailbox_for):  # noqa: F811
    dovecot.append(folder, eml(subject="Last year's complaint"), eml(subject="Old thank-you"))
    mailbox = started(mailbox_for())
    assert (mailbox.uidvalidity, mailbox.last_uid, Ticket.objects.count()) == (dovecot.uidvalidity(folder), 2, 0)
    dovecot.append(folder, eml(subject="Arrived after"))
    imap.poll(mailbox)
    assert subjects() == ["Arrived after"]


def test_old_mail_is_imported_quietly_and_later_mail_is_not(dovecot, folder, mailbox_for, alice, mailoutbox):  # noqa: F811
    services.receive(eml(message_id="<first@mail.example.com>", subject="Twelve pies"), source="ingest")
    desk_services.assign(Ticket.objects.get(), to=alice, by=alice)
    mailoutbox.clear()
    dovecot.append(
        folder,
        eml(in_reply_to="<first@mail.example.com>", subject="Re: Twelve pies", text="Still waiting."),
        eml(subject="An old request"),
    )
    mailbox = mailbox_for(import_old_mail=True)
    assert imap.poll(mailbox) == imap.PollResult(taken=2)
    assert len(mailoutbox) == 0  # alice is not told of replies from the past
    assert list(InboundEmail.objects.filter(source="imap").values_list("quiet", "status")) == [
        (True, "processed"), (True, "processed"),
    ]
    assert subjects() == ["An old request", "Twelve pies"]
    mailbox.refresh_from_db()
    dovecot.append(folder, eml(in_reply_to="<first@mail.example.com>", subject="Re: Twelve pies", text="Hello?"))
    imap.poll(mailbox)
    assert InboundEmail.objects.filter(source="imap").latest("pk").quiet is False
    assert [m.to for m in mailoutbox] == [[alice.email]]  # "customer replied", as for any live reply


def test_a_new_uidvalidity_reads_the_folder_again_without_duplicates(dovecot, folder, mailbox_for):  # noqa: F811
    mailbox = started(mailbox_for())
    first, second = eml(subject="One"), eml(subject="Two")
    dovecot.append(folder, first, second)
    imap.poll(mailbox)
    mailbox.refresh_from_db()
    before = mailbox.uidvalidity
    # The server loses its index and renumbers: the same messages come back under new UIDs.
    dovecot.delete_folder(folder)
    dovecot.create_folder(folder)
    dovecot.append(folder, first, eml(subject="Three"), second)
    assert dovecot.uidvalidity(folder) != before
    assert imap.poll(mailbox) == imap.PollResult(taken=3)
    mailbox.refresh_from_db()
    assert (mailbox.uidvalidity, mailbox.last_uid) == (dovecot.uidvalidity(folder), 3)
    assert subjects() == ["One", "Three", "Two"]
    assert InboundEmail.objects.count() == 3


@override_settings(CAREDESK_EMAIL_MAX_MESSAGE_BYTES=4000)
def test_a_message_over_the_size_cap_is_recorded_by_its_headers_and_the_rest_arrive(dovecot, folder, mailbox_for):  # noqa: F811
    mailbox = started(mailbox_for(name="Sales inbox"))
    huge = eml(subject="Photos of the broken pies", text="x" * 10_000)
    dovecot.append(folder, eml(subject="Before"), huge, eml(subject="After"))
    assert imap.poll(mailbox) == imap.PollResult(taken=3)
    assert subjects() == ["After", "Before"]
    failed = InboundEmail.objects.get(status="failed")
    size = len(huge.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))  # as the server stores it, CRLF
    assert failed.error == f"too large: {size} bytes; left in the mailbox Sales inbox at UID 2"
    raw = bytes(failed.raw)
    assert b"Subject: Photos of the broken pies" in raw and b"xxxx" not in raw
    assert (failed.ticket, failed.source) == (None, "imap")


def test_a_refused_log_in_is_recorded_and_other_mailboxes_still_poll(dovecot, folder, mailbox_for, billing):  # noqa: F811
    wrong = mailbox_for(name="Wrong password", password="not-the-password")
    right = mailbox_for(name="Right password")
    dovecot.append(folder, eml(subject="Reaches the desk"))
    # Both are due; each poll is its own task, and the broken one raises nothing.
    tasks.poll_due_mailboxes.enqueue()  # right starts from now; the message is its old mail
    right.refresh_from_db()
    dovecot.append(folder, eml(subject="New after start"))
    Mailbox.objects.update(next_poll_at=None)
    tasks.poll_due_mailboxes.enqueue()
    wrong.refresh_from_db()
    right.refresh_from_db()
    assert wrong.last_error.startswith(f"127.0.0.1:{dovecot.ssl_port} refused the log-in for {USER}: ")
    assert "Authentication failed" in wrong.last_error
    assert wrong.last_error_at is not None and wrong.uidvalidity is None
    assert (right.last_error, right.last_uid) == ("", 2)
    assert subjects() == ["New after start"]


def test_reading_mail_leaves_its_seen_flags_as_they_were(dovecot, folder, mailbox_for):  # noqa: F811
    mailbox = started(mailbox_for())
    dovecot.append(folder, eml(subject="Read by a person"), seen=True)
    dovecot.append(folder, eml(subject="Not read yet"))
    before = dovecot.flags(folder)
    imap.poll(mailbox)
    assert Ticket.objects.count() == 2
    assert dovecot.flags(folder) == before
    assert [b"\\Seen" in flags for flags in before.values()] == [True, False]


def test_starttls_and_plain_on_loopback_work(dovecot, folder, mailbox_for):  # noqa: F811
    starttls = started(mailbox_for(security=Mailbox.Security.STARTTLS, port=dovecot.plain_port))
    plain = started(mailbox_for(security=Mailbox.Security.NONE, port=dovecot.plain_port))
    dovecot.append(folder, eml(subject="Over STARTTLS"))
    assert imap.poll(starttls) == imap.PollResult(taken=1)
    assert imap.poll(plain) == imap.PollResult(taken=1)  # the same message: stored once
    assert (subjects(), InboundEmail.objects.count()) == (["Over STARTTLS"], 1)


def test_a_server_certificate_is_verified(dovecot, folder, mailbox_for, settings):  # noqa: F811
    mailbox = mailbox_for()
    settings.CAREDESK_IMAP_CA_FILE = ""  # the system's CAs, which never signed the test server's
    result = imap.poll(mailbox)
    assert result.error.startswith(f"The certificate of 127.0.0.1:{dovecot.ssl_port} could not be verified")
    mailbox.refresh_from_db()
    assert (mailbox.last_error, mailbox.uidvalidity) == (result.error, None)


def test_a_server_that_refuses_the_connection_is_recorded(mailbox_for):
    from .imap_server import free_port

    mailbox = mailbox_for(port=free_port())
    assert imap.poll(mailbox).error.startswith(f"Could not talk to 127.0.0.1:{mailbox.port}: ")


def test_a_server_that_never_answers_is_given_up_on(mailbox_for, settings):
    import socket

    settings.CAREDESK_IMAP_TIMEOUT_SECONDS = 1
    with socket.socket() as silent:  # takes connections (the kernel does) and never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        mailbox = mailbox_for(port=silent.getsockname()[1])
        result = imap.poll(mailbox)
    assert result.error == f"127.0.0.1:{mailbox.port} did not answer in time (CAREDESK_IMAP_TIMEOUT_SECONDS=1)."


def test_plain_imap_to_another_machine_is_refused_before_connecting(mailbox_for):
    mailbox = mailbox_for(security=Mailbox.Security.NONE, host="imap.example.com", port=143)
    assert imap.poll(mailbox).error == "Refusing to send the password to imap.example.com without TLS."


def test_two_polls_of_one_mailbox_never_run_together(dovecot, folder, mailbox_for):  # noqa: F811
    mailbox = started(mailbox_for())
    dovecot.append(folder, eml(subject="Taken once"))
    held = imap.claim(mailbox.pk)
    assert held is not None and imap.claim(mailbox.pk) is None
    tasks.poll_mailbox.enqueue(mailbox_id=mailbox.pk)  # a second worker: finds it claimed
    assert Ticket.objects.count() == 0
    imap.poll(held)  # the first finishes and lets go
    assert Ticket.objects.count() == 1
    assert imap.claim(mailbox.pk) is not None


def test_only_enabled_mailboxes_whose_time_has_come_are_polled(dovecot, folder, mailbox_for):  # noqa: F811
    from datetime import timedelta

    from caredesk.system import clock

    later = mailbox_for(name="Not yet", next_poll_at=clock.now() + timedelta(minutes=1))
    disabled = mailbox_for(name="Disabled", enabled=False)
    due = mailbox_for(name="Due")
    tasks.poll_due_mailboxes.enqueue()
    polled = set(Mailbox.objects.filter(last_polled_at__isnull=False).values_list("name", flat=True))
    assert polled == {due.name}
    assert Mailbox.objects.get(pk=later.pk).next_poll_at == later.next_poll_at
    assert Mailbox.objects.get(pk=disabled.pk).uidvalidity is None


# The worker closes its database connection when it is done, as a real worker process does.
@pytest.mark.django_db(transaction=True)
def test_the_worker_polls_mailboxes_when_the_scheduler_says_they_are_due(dovecot, folder, mailbox_for):  # noqa: F811
    from django.core.management import call_command
    from django.db.models import Q
    from django_tasks_db.models import DBTaskResult

    from caredesk.system import schedule

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}):
        mailbox_for(import_old_mail=True)
        dovecot.append(folder, eml(subject="Through the queue"))
        assert "poll mailboxes" in schedule.run_due()
        assert Ticket.objects.count() == 0  # queued for a worker, not run here
        call_command("worker", batch=True, verbosity=0)
        assert subjects() == ["Through the queue"]
        # Only the inbound-mail tasks: the scheduler also queued its other jobs (outbox sweeps, recovery).
        mail_tasks = DBTaskResult.objects.filter(Q(task_path__contains="mailbox") | Q(task_path__contains="inbound"))
        assert set(mail_tasks.values_list("task_path", "status")) == {
            ("caredesk.mail.tasks.poll_due_mailboxes", "SUCCESSFUL"),
            ("caredesk.mail.tasks.poll_mailbox", "SUCCESSFUL"),
            ("caredesk.mail.tasks.process_inbound_emails", "SUCCESSFUL"),  # old mail: indexed inline, nothing else queued
        }


@override_settings(CAREDESK_EMAIL_BATCH_SIZE=2)  # runs of two: orders 1-2, 3-4, 5
def test_a_poll_that_dies_mid_batch_neither_skips_nor_doubles_a_message(dovecot, folder, mailbox_for, monkeypatch):  # noqa: F811
    mailbox = started(mailbox_for())
    dovecot.append(folder, *[eml(subject=f"Order {n}") for n in range(1, 6)])
    store_and_queue = services.store_and_queue

    def die_in_the_second_run(emails):
        kept = store_and_queue(emails)
        if InboundEmail.objects.count() > 2:
            raise RuntimeError("worker killed")  # inside the run's transaction, after its rows are written
        return kept

    monkeypatch.setattr(services, "store_and_queue", die_in_the_second_run)
    with pytest.raises(RuntimeError, match="worker killed"):
        imap.poll(mailbox)
    monkeypatch.setattr(services, "store_and_queue", store_and_queue)
    mailbox.refresh_from_db()
    assert (mailbox.last_uid, mailbox.polling_until, subjects()) == (2, None, ["Order 1", "Order 2"])
    assert imap.poll(mailbox) == imap.PollResult(taken=3)
    assert (subjects(), InboundEmail.objects.count()) == ([f"Order {n}" for n in range(1, 6)], 5)


@override_settings(CAREDESK_EMAIL_MAX_MESSAGE_BYTES=1000, CAREDESK_EMAIL_BATCH_SIZE=3)
def test_messages_are_fetched_in_runs_cut_by_count_and_by_bytes(monkeypatch):
    monkeypatch.setattr(imap, "FETCH_BYTES", 1500)
    sizes = {1: 100, 2: 100, 3: 100, 4: 100, 5: 900, 6: 900, 7: 5000, 8: 100, 9: 900, 10: 1000}
    # 7 is over the size cap: only its headers are fetched, so it weighs nothing; a run always takes one.
    assert list(imap._runs(list(sizes), sizes)) == [[1, 2, 3], [4, 5], [6, 7, 8], [9], [10]]
