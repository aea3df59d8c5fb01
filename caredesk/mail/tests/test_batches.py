"""services.process_batch: several stored emails in one transaction, each in a savepoint, with the
guarantees of processing them one by one (services.process)."""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from caredesk.conversations import hooks, search
from caredesk.conversations import services as conversations
from caredesk.conversations.models import Message, Ticket
from caredesk.customers.models import Customer
from caredesk.mail import parsing, services, tasks
from caredesk.mail.models import InboundEmail, OutboundEmail
from caredesk.system import clock
from caredesk.system.queue import later

from .corpus import senders
from .mails import eml

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}


@pytest.fixture
def database_tasks(db):
    with override_settings(TASKS=DATABASE_TASKS):
        yield


def stored(billing, *subjects: str, **options) -> list[InboundEmail]:
    return [
        services.store(eml(subject=subject, sender=f"c{number} <c{number}@example.com>"), source="smtp", team=billing, **options)[0]
        for number, subject in enumerate(subjects)
    ]


def statuses() -> dict[str, str]:
    return dict(InboundEmail.objects.values_list("message_id", "status"))


def test_a_batch_processes_every_waiting_email_and_one_that_fails_leaves_the_others_standing(billing):
    first, broken, last = stored(billing, "Pies", "Broken", "Jam")
    broken_raw = eml(sender="", subject="No sender at all")
    InboundEmail.objects.filter(pk=broken.pk).update(raw=broken_raw)
    done = services.process_batch(limit=10)
    assert [(email.pk, email.status) for email in done] == [
        (first.pk, "processed"), (broken.pk, "failed"), (last.pk, "processed"),
    ]
    assert "no sender address" in InboundEmail.objects.get(pk=broken.pk).error
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["Jam", "Pies"]
    assert services.process_batch(limit=10) == []  # nothing left; the failed one waits for a person


@pytest.fixture
def doomed_fails(monkeypatch):
    """Opening a ticket called "Doomed" fails after the ticket was written, alone or with others: its email's
    savepoint is undone (with the others', when they were opened together, and those are opened again alone)."""
    real_open_ticket = conversations.open_ticket_with_message
    real_open_tickets = conversations.open_tickets_with_messages

    def open_then_fail(**kwargs):
        message = real_open_ticket(**kwargs)
        if message.ticket.subject == "Doomed":
            raise RuntimeError("disk full")
        return message

    def open_all_then_fail(requests, **kwargs):
        messages = real_open_tickets(requests, **kwargs)
        if any(message.ticket.subject == "Doomed" for message in messages):
            raise RuntimeError("disk full")
        return messages

    monkeypatch.setattr(conversations, "open_ticket_with_message", open_then_fail)
    monkeypatch.setattr(conversations, "open_tickets_with_messages", open_all_then_fail)


def test_an_email_that_fails_half_way_leaves_nothing_half_written_and_the_batch_goes_on(billing, doomed_fails):
    stored(billing, "Pies", "Doomed", "Jam")
    services.process_batch(limit=10)
    assert sorted(statuses().values()) == ["failed", "processed", "processed"]
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["Jam", "Pies"]
    assert Message.objects.count() == 2
    assert InboundEmail.objects.get(status="failed").error == "RuntimeError: disk full"


def test_the_rollup_of_a_batch_folds_the_emails_that_stood_and_not_the_one_undone(billing, doomed_fails):
    """The reports rollup folds a batch's events once, at its end: the figures are those of the emails that
    were processed, as a rebuild from the event log gives them, and nothing of the email whose savepoint
    was rolled back (its ticket was opened, then undone)."""
    from caredesk.reports import rollup
    from caredesk.reports.models import Measurement, TicketState

    stored(billing, "Pies", "Doomed", "Jam")
    services.process_batch(limit=10)
    tickets = set(Ticket.objects.values_list("pk", flat=True))
    assert len(tickets) == 2
    assert set(TicketState.objects.values_list("ticket_id", flat=True)) == tickets
    assert set(Measurement.objects.filter(metric="backlog").values_list("ticket_id", flat=True)) == tickets
    live = rollup.figures_as_rows()
    assert live
    rollup.rebuild()
    assert rollup.figures_as_rows() == live


def test_the_email_of_the_task_comes_first_even_when_it_failed_before(billing, monkeypatch):
    older, = stored(billing, "Older, waiting")
    monkeypatch.setattr(parsing, "parse", lambda raw: 1 / 0)
    failed = services.receive(eml(subject="Failed once"), source="smtp", team=billing)[0]
    monkeypatch.undo()
    done = services.process_batch(failed.pk, limit=1)
    assert [(email.pk, email.status, email.attempts) for email in done] == [(failed.pk, "processed", 2)]
    assert InboundEmail.objects.get(pk=older.pk).status == "stored"


def test_a_batch_stops_short_of_its_byte_budget_but_always_takes_one_email(billing, monkeypatch):
    monkeypatch.setattr(services, "BATCH_BYTES", 1)
    emails = stored(billing, "One", "Two", "Three")
    assert [email.pk for email in services.process_batch(limit=10)] == [emails[0].pk]
    assert [email.pk for email in services.process_batch(limit=10)] == [emails[1].pk]


def test_history_in_a_batch_notifies_nobody_and_new_mail_beside_it_is_acknowledged(billing):
    old, = stored(billing, "An old request", quiet=True)
    new = services.store(eml(subject="A new request", sender="new@example.com"), source="smtp", team=billing)[0]
    services.process_batch(limit=10)
    acknowledged = OutboundEmail.objects.filter(kind=OutboundEmail.Kind.ACKNOWLEDGEMENT)
    assert list(acknowledged.values_list("ticket__subject", flat=True)) == ["A new request"]
    assert set(statuses().values()) == {"processed"}
    assert _searchable("old")  # history is indexed too, in the batch


def test_a_batch_that_fails_as_a_whole_processes_its_emails_one_at_a_time(billing, monkeypatch, caplog):
    real_index_many = search.index_many

    def index_many(ticket_ids):
        if len(set(ticket_ids)) > 1:
            raise RuntimeError("the search index is out of space")
        real_index_many(ticket_ids)

    monkeypatch.setattr(search, "index_many", index_many)
    stored(billing, "Pies", "Jam")
    done = services.process_batch(limit=10)
    assert [email.status for email in done] == ["processed", "processed"]
    assert Ticket.objects.count() == 2 and _searchable("pies") and _searchable("jam")
    assert "failed as a whole" in caplog.text


def test_the_tasks_of_emails_a_batch_finished_are_dropped_and_one_task_sends_its_acknowledgements(database_tasks, billing):
    emails = stored(billing, "Pies", "Jam", "Quince")
    for inbound in emails:
        later(tasks.process_inbound, inbound_id=inbound.pk)
    tasks.process_inbound.call(inbound_id=emails[0].pk)
    assert set(statuses().values()) == {"processed"}
    queued = list(DBTaskResult.objects.values_list("task_path", "args_kwargs"))
    acknowledgements = list(OutboundEmail.objects.order_by("pk").values_list("pk", flat=True))
    assert queued == [("caredesk.mail.tasks.send_emails", {"args": [], "kwargs": {"outbound_ids": acknowledgements}})]
    assert len(acknowledgements) == 3


def test_an_email_caught_in_a_deadlock_stays_stored_and_is_queued_again(database_tasks, billing, monkeypatch):
    class Deadlock(Exception):
        sqlstate = "40P01"

    real_open_ticket = conversations.open_ticket_with_message
    real_open_tickets = conversations.open_tickets_with_messages

    def open_or_deadlock(**kwargs):
        if kwargs["subject"] == "Unlucky":
            raise OperationalError("deadlock detected") from Deadlock()
        return real_open_ticket(**kwargs)

    def open_all_or_deadlock(requests, **kwargs):  # opened together first: undone, then one at a time
        if any(request.subject == "Unlucky" for request in requests):
            raise OperationalError("deadlock detected") from Deadlock()
        return real_open_tickets(requests, **kwargs)

    monkeypatch.setattr(conversations, "open_ticket_with_message", open_or_deadlock)
    monkeypatch.setattr(conversations, "open_tickets_with_messages", open_all_or_deadlock)
    emails = stored(billing, "Pies", "Unlucky", "Jam")
    for inbound in emails:
        later(tasks.process_inbound, inbound_id=inbound.pk)
    done = services.process_batch(limit=10)
    assert [email.status for email in done] == ["processed", "stored", "processed"]
    assert InboundEmail.objects.get(pk=emails[1].pk).attempts == 0
    process_tasks = DBTaskResult.objects.filter(task_path="caredesk.mail.tasks.process_inbound")
    # Its own task and the new one are left; the others' were dropped.
    assert [row.args_kwargs["kwargs"]["inbound_id"] for row in process_tasks] == [emails[1].pk, emails[1].pk]
    monkeypatch.undo()
    assert [email.status for email in services.process_batch(limit=10)] == ["processed"]


def _searchable(word: str) -> bool:
    return search.filter_tickets(Ticket.objects.all(), word).exists()


def test_a_reply_whose_original_another_worker_is_processing_waits_for_it_instead_of_opening_a_ticket(
    transactional_db, billing
):
    """PostgreSQL only: SQLite has one writer, so no other worker can hold the original meanwhile."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks held by another connection: PostgreSQL")
    original = services.store(eml(message_id="<pies@mail.example.com>", subject="Pies"), source="smtp", team=billing)[0]
    reply = services.store(
        eml(subject="Re: Pies", text="Any news?", in_reply_to="<pies@mail.example.com>"), source="smtp", team=billing
    )[0]
    release = threading.Event()
    with held_by_another_worker(original.pk, while_held=lambda: release.wait(10)):  # still busy with its batch
        try:
            with override_settings(TASKS=DATABASE_TASKS):  # a backend that can run the retry a second later
                done = services.process_batch(reply.pk, limit=10)
            assert [(email.pk, email.status) for email in done] == [(reply.pk, "stored")]
            assert Ticket.objects.count() == 0
            retry = DBTaskResult.objects.get(task_path="caredesk.mail.tasks.process_inbound")
            assert (retry.args_kwargs["kwargs"], retry.run_after is not None) == ({"inbound_id": reply.pk}, True)
        finally:
            release.set()
    services.process_batch(limit=10)
    original.refresh_from_db()
    reply.refresh_from_db()
    assert (reply.status, reply.ticket_id, reply.started_ticket) == ("processed", original.ticket_id, False)


def test_service_policies_and_routing_are_read_once_a_batch_and_an_admins_change_counts_from_the_next(
    billing, ada, alice, bob, database_tasks
):
    """The policies and whether the team routes are read once per batch (caredesk.system.memo), not once
    per email; a policy made or routing turned on between two batches applies to the second one."""
    from caredesk.assignment.models import TeamRouting
    from caredesk.service_levels import services as service_levels
    from caredesk.service_levels.models import Target

    stored(billing, "Pies", "Jam")
    services.process_batch(limit=10)
    assert not Target.objects.exists()
    assert not DBTaskResult.objects.filter(task_path="caredesk.assignment.tasks.route_ticket").exists()
    service_levels.save_policy(
        None, by=ada, name="Standard", teams=[billing], first_reply_minutes=60, next_reply_minutes=None,
        resolution_minutes=None,
    )
    TeamRouting.objects.create(team=billing, mode=TeamRouting.Mode.ROUND_ROBIN)
    for number in range(2):
        services.store(eml(subject=f"Later {number}", sender=f"later{number}@example.com"), source="smtp", team=billing)
    done = services.process_batch(limit=10)
    later_tickets = {inbound.ticket_id for inbound in done}
    assert set(Target.objects.values_list("ticket_id", flat=True)) == later_tickets
    routed = DBTaskResult.objects.filter(task_path="caredesk.assignment.tasks.route_ticket")
    assert {row.args_kwargs["kwargs"]["ticket_id"] for row in routed} == later_tickets


def test_two_emails_of_one_new_sender_in_a_batch_make_one_customer(billing):
    for subject in ("Pies", "Jam"):
        services.store(eml(subject=subject, sender="Tom Baker <Tom@Example.com>"), source="smtp", team=billing)
    done = services.process_batch(limit=10)
    customer = Customer.objects.get()
    assert (customer.email, customer.name) == ("tom@example.com", "Tom Baker")
    assert [(inbound.status, inbound.ticket.customer_id) for inbound in done] == [("processed", customer.pk)] * 2


def test_a_customer_who_writes_after_a_bounce_in_the_same_batch_has_a_working_address_again(billing, alice, miggins):
    ticket = services.receive(eml(subject="Pies"), source="smtp", team=billing)[0].ticket
    reply = OutboundEmail.objects.get(desk_message=conversations.reply(ticket, by=alice, body="They leave today."))
    bounce = senders.exim_bounce(recipient="miggins@example.com", diagnostic="550 5.1.1 No such user",
                                 original_id=reply.message_id, message_id="bounce@mx.example")
    services.store(bounce, source="smtp", team=billing)
    services.store(eml(subject="Did you get my email?"), source="smtp", team=billing)
    assert [inbound.status for inbound in services.process_batch(limit=10)] == ["bounce", "processed"]
    assert Customer.objects.get(pk=miggins.pk).email_failing_since is None


def test_a_customer_whose_first_email_of_a_batch_failed_half_way_has_a_working_address_after_the_second(
    billing, miggins, doomed_fails
):
    Customer.objects.filter(pk=miggins.pk).update(email_failing_since=clock.now(), email_failure="550 No such user")
    for subject in ("Doomed", "Pies"):
        services.store(eml(subject=subject), source="smtp", team=billing)
    assert [inbound.status for inbound in services.process_batch(limit=10)] == ["failed", "processed"]
    assert Customer.objects.get(pk=miggins.pk).email_failing_since is None


@pytest.fixture
def listener_fails_on_doomed(monkeypatch):
    """A hook listener raises inside the desk's service, after the ticket, message and event were written:
    for a ticket called "Doomed" and a reply saying "doomed". The services take no savepoint of their own
    in a batch (transactions.all_or_nothing): the email's savepoint undoes them."""

    def fail(event):
        if event.ticket.subject == "Doomed" or (event.message is not None and "doomed" in event.message.body_text):
            raise RuntimeError("listener failed")

    monkeypatch.setattr(hooks, "_event_listeners", [*hooks._event_listeners, fail])


def test_an_email_failing_inside_a_service_leaves_nothing_of_itself_and_the_rest_of_the_batch_stands(
    billing, listener_fails_on_doomed
):
    first = services.receive(eml(message_id="<first@mail.example.com>", subject="Pies"), source="smtp", team=billing)[0]
    emails = [
        services.store(eml(subject=subject, sender=sender, text=text, in_reply_to=in_reply_to), source="smtp",
                       team=billing)[0]
        for subject, sender, text, in_reply_to in [
            ("Jam", "jam@example.com", "Where is my jam?", None),
            ("Doomed", "doomed@example.com", "Hello", None),
            ("Re: Pies", "miggins@example.com", "This one is doomed.", "<first@mail.example.com>"),
            ("Re: Pies", "miggins@example.com", "Any news?", "<first@mail.example.com>"),
        ]
    ]
    done = services.process_batch(limit=10)
    assert [(inbound.pk, inbound.status) for inbound in done] == [
        (emails[0].pk, "processed"), (emails[1].pk, "failed"), (emails[2].pk, "failed"), (emails[3].pk, "processed"),
    ]
    assert {InboundEmail.objects.get(pk=email.pk).error for email in emails[1:3]} == {"RuntimeError: listener failed"}
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["Jam", "Pies"]
    assert list(first.ticket.messages.order_by("pk").values_list("body_text", flat=True))[1:] == ["Any news?"]
    assert sorted(Customer.objects.values_list("email", flat=True)) == ["jam@example.com", "miggins@example.com"]
    assert first.ticket.events.filter(kind="customer_replied").count() == 1
    assert OutboundEmail.objects.filter(kind="acknowledgement").count() == 2  # Pies (alone) and Jam


def test_an_email_processed_alone_failing_inside_a_service_leaves_nothing_of_itself(billing, listener_fails_on_doomed):
    inbound = services.receive(eml(subject="Doomed", sender="doomed@example.com"), source="smtp", team=billing)[0]
    assert (inbound.status, inbound.error) == ("failed", "RuntimeError: listener failed")
    assert (Ticket.objects.count(), Message.objects.count(), Customer.objects.count()) == (0, 0, 0)


def test_replies_in_a_batch_find_their_tickets_and_one_whose_original_is_in_the_batch_finds_its_new_ticket(billing):
    old = services.receive(eml(message_id="<old@mail.example.com>", subject="Pies"), source="smtp", team=billing)[0]
    for subject, message_id, in_reply_to in [
        ("Re: Pies", "<r1@mail.example.com>", "<old@mail.example.com>"),
        ("Jam", "<jam@mail.example.com>", None),
        ("Re: Jam", "<r2@mail.example.com>", "<jam@mail.example.com>"),
    ]:
        services.store(eml(subject=subject, message_id=message_id, in_reply_to=in_reply_to), source="smtp",
                       team=billing)
    reply, jam, jam_reply = services.process_batch(limit=10)
    assert (reply.ticket, reply.started_ticket) == (old.ticket, False)
    assert (jam.started_ticket, jam_reply.ticket, jam_reply.started_ticket) == (True, jam.ticket, False)


def test_an_email_naming_a_message_id_an_email_of_its_batch_carries_is_threaded_as_one_by_one(billing):
    """Two emails with one Message-ID (different bytes): the newest one received names the ticket. An
    email of the batch answering that id is threaded to the ticket the batch's copy opened, as it would be
    processed one by one, not to the one read at the batch's start."""
    first = services.receive(eml(message_id="<dup@mail.example.com>", subject="Pies"), source="smtp", team=billing)[0]
    copy_of_first = eml(message_id="<dup@mail.example.com>", subject="Jam", sender="other@example.com")
    answer = eml(subject="Re: Jam", sender="other@example.com", in_reply_to="<dup@mail.example.com>")
    for raw in (copy_of_first, answer):
        services.store(raw, source="smtp", team=billing)
    copy, reply = services.process_batch(limit=10)
    assert copy.ticket != first.ticket
    assert (reply.ticket, reply.started_ticket) == (copy.ticket, False)


def test_emails_stored_together_are_processed_in_batches_by_their_one_task(database_tasks, billing, settings):
    settings.CAREDESK_EMAIL_BATCH_SIZE = 2
    emails = [
        services.unsaved(eml(subject=f"Order {n}", sender=f"c{n} <c{n}@example.com>"), source="imap", team=billing)
        for n in range(5)
    ]
    with transaction.atomic():
        kept = services.store_and_queue(emails)
    queued = DBTaskResult.objects.get(task_path="caredesk.mail.tasks.process_inbound_emails")
    assert queued.args_kwargs["kwargs"] == {"inbound_ids": [inbound.pk for inbound, _ in kept]}
    assert DBTaskResult.objects.filter(task_path="caredesk.mail.tasks.process_inbound").count() == 0
    services.process_listed([inbound.pk for inbound, _ in kept])
    assert set(statuses().values()) == {"processed"}
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == [f"Order {n}" for n in range(5)]


def test_a_listed_email_another_worker_holds_is_waited_for_and_finished_if_that_worker_left_it(
    transactional_db, billing
):
    """PostgreSQL only: SQLite has one writer, so no other worker can hold an email meanwhile."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks held by another connection: PostgreSQL")
    held, other = stored(billing, "Held", "Other")
    blocked = threading.Event()

    def die_once_the_task_waits() -> None:  # its work is rolled back
        if _a_session_waits_for_a_lock():
            blocked.set()
        raise WorkerKilled

    with held_by_another_worker(held.pk, while_held=die_once_the_task_waits):
        services.process_listed([held.pk, other.pk])
    assert blocked.is_set(), "the task did not wait for the email the other worker held"
    assert statuses() == {held.message_id: "processed", other.message_id: "processed"}
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["Held", "Other"]


class WorkerKilled(Exception):
    """Raised in another worker's transaction: it is rolled back, as a killed worker's is."""


@contextmanager
def held_by_another_worker(pk: int, *, while_held: Callable[[], object]) -> Iterator[None]:
    """Another worker's transaction locks the inbound email (SELECT ... FOR UPDATE), runs `while_held`, and
    commits, or rolls back when it raises WorkerKilled; the block runs once the lock is held."""
    locked = threading.Event()

    def other_worker() -> None:
        try:
            with suppress(WorkerKilled), transaction.atomic():
                list(InboundEmail.objects.select_for_update().filter(pk=pk))
                locked.set()
                while_held()
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert locked.wait(10)
        yield
    finally:
        thread.join()


def _a_session_waits_for_a_lock(seconds: float = 10) -> bool:
    import time

    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.02)
    return False


def test_a_reply_whose_original_is_stored_but_not_processed_waits_for_it(database_tasks, billing):
    """Its original's worker died, or its task is further back in the queue: the reply is left stored and
    tried again a second later, rather than opening a second ticket for the same conversation."""
    original = services.store(eml(message_id="<jam@mail.example.com>", subject="Jam"), source="smtp", team=billing)[0]
    reply = services.store(
        eml(subject="Re: Jam", text="Any news?", in_reply_to="<jam@mail.example.com>"), source="smtp", team=billing
    )[0]
    assert services.process(reply).status == "stored"
    retry = DBTaskResult.objects.get(task_path="caredesk.mail.tasks.process_inbound", run_after__isnull=False)
    assert retry.args_kwargs["kwargs"] == {"inbound_id": reply.pk}
    assert Ticket.objects.count() == 0
    services.process(original)
    reply = services.process(reply)
    original.refresh_from_db()
    assert (reply.status, reply.ticket_id, reply.started_ticket) == ("processed", original.ticket_id, False)


def test_a_reply_waits_for_a_stored_original_only_so_long(database_tasks, billing):
    services.store(eml(message_id="<lost@mail.example.com>", subject="Lost"), source="smtp", team=billing)
    reply = services.store(
        eml(subject="Re: Lost", text="Hello?", in_reply_to="<lost@mail.example.com>"), source="smtp", team=billing
    )[0]
    InboundEmail.objects.filter(pk=reply.pk).update(received_at=clock.now() - 2 * services.WAIT_FOR_ORIGINAL)
    reply = services.process(reply)
    assert (reply.status, reply.started_ticket) == ("processed", True)  # its original's task was lost
