"""Making, keeping and cancelling promises; the minute sweep that reminds owners and breaks overdue ones."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caredesk.conversations import hooks, services as conversations
from caredesk.conversations.models import Event
from caredesk.promises import services, tasks
from caredesk.promises.models import Promise
from caredesk.system import clock, schedule


@pytest.fixture
def promise(ticket, alice):
    return services.make_promise(
        ticket, what="Call back about the refund", due=clock.now() + timedelta(hours=10), owner=alice, by=alice
    )


def test_making_a_promise_records_who_promised_what_and_when(ticket, alice, bob):
    due = clock.now() + timedelta(days=2)
    promise = services.make_promise(ticket, what="  Send a   new card reader ", due=due, owner=bob, by=alice)
    event = ticket.events.get(kind=Event.Kind.PROMISE_MADE)
    assert (promise.what, promise.owner, promise.made_by, promise.state) == ("Send a new card reader", bob, alice, "open")
    assert (event.actor, event.data) == (
        alice,
        {"promise": promise.pk, "what": "Send a new card reader", "due": due.isoformat(), "owner": bob.pk, "source": "manual"},
    )
    assert promise.remind_at == promise.made_at + (due - promise.made_at) * 0.8


@pytest.mark.parametrize(
    "what, hours, message",
    [
        ("", 5, "Say what was promised; the customer reads it in the portal."),
        ("Call back", -1, "The due time has already passed; a promise falls due in the future."),
        ("Call back", 24 * 400, "A promise falls due within a year; check the date."),
    ],
)
def test_a_bad_promise_is_refused_and_nothing_is_recorded(ticket, alice, what, hours, message):
    with pytest.raises(ValidationError) as refused:
        services.make_promise(ticket, what=what, due=clock.now() + timedelta(hours=hours), owner=alice, by=alice)
    assert refused.value.messages == [message]
    assert (Promise.objects.count(), ticket.events.filter(kind=Event.Kind.PROMISE_MADE).count()) == (0, 0)


def test_the_owner_must_be_someone_who_may_work_on_the_ticket(ticket, alice, charlie, sam):
    for outsider in (charlie, sam):
        with pytest.raises(ValidationError, match="may not work on this ticket"):
            services.make_promise(ticket, what="Call back", due=clock.now() + timedelta(hours=2), owner=outsider, by=alice)
    assert not Promise.objects.exists()


def test_keeping_a_promise_is_an_event(promise, bob):
    services.keep(promise, by=bob)
    promise.refresh_from_db()
    assert (promise.state, promise.kept_at is not None) == ("kept", True)
    assert promise.ticket.events.get(kind=Event.Kind.PROMISE_KEPT).actor == bob


def test_cancelling_needs_a_reason_and_records_it(promise, alice):
    with pytest.raises(ValidationError, match="Say why"):
        services.cancel(promise, by=alice, reason="  ")
    promise.refresh_from_db()
    assert promise.state == "open"
    services.cancel(promise, by=alice, reason="Customer will collect in store instead")
    promise.refresh_from_db()
    assert (promise.state, promise.cancel_reason) == ("cancelled", "Customer will collect in store instead")
    assert promise.ticket.events.get(kind=Event.Kind.PROMISE_CANCELLED).data["reason"] == "Customer will collect in store instead"


def test_a_kept_promise_cannot_be_kept_or_cancelled_again(promise, alice):
    services.keep(promise, by=alice)
    with pytest.raises(ValidationError, match="This promise is kept already."):
        services.keep(promise, by=alice)
    with pytest.raises(ValidationError, match="This promise is kept already."):
        services.cancel(promise, by=alice, reason="Oops")
    assert promise.ticket.events.filter(kind__in=[Event.Kind.PROMISE_KEPT, Event.Kind.PROMISE_CANCELLED]).count() == 1


# The sweep ---------------------------------------------------------------------------------------


def test_the_sweep_runs_every_minute():
    (job,) = [job for job in schedule.jobs() if job.name == "check_promises"]
    assert (job.every, job.task) == (timedelta(seconds=60), tasks.check_promises)


def test_the_owner_is_reminded_once_when_four_fifths_of_the_time_has_passed(promise, alice):
    mail.outbox.clear()
    assert services.check(promise.made_at + timedelta(hours=7)) == (0, 0)
    assert services.check(promise.made_at + timedelta(hours=8)) == (1, 0)
    assert services.check(promise.made_at + timedelta(hours=9)) == (0, 0)
    tasks.remind_owners.call(promise_ids=[promise.pk])  # a task run twice sends nothing more
    (email,) = mail.outbox
    assert email.to == [alice.email]
    assert email.subject.startswith(f"[{promise.ticket.reference}] Promise due ")
    assert "Call back about the refund" in email.body


def test_an_overdue_open_promise_is_broken_at_its_due_time(promise):
    assert services.check(promise.due_at - timedelta(seconds=1))[1] == 0
    assert services.check(promise.due_at + timedelta(minutes=1))[1] == 1
    promise.refresh_from_db()
    assert (promise.state, promise.broken_at) == ("broken", promise.due_at)
    event = promise.ticket.events.get(kind=Event.Kind.PROMISE_BROKEN)
    assert (event.actor, event.data["promise"], event.data["due"]) == (None, promise.pk, promise.due_at.isoformat())
    assert services.check(promise.due_at + timedelta(minutes=2)) == (0, 0)  # once


def test_a_kept_promise_is_never_broken(promise, alice):
    services.keep(promise, by=alice)
    assert services.check(promise.due_at + timedelta(days=1)) == (0, 0)


def test_breaking_runs_the_event_hooks_so_escalations_can_act(promise):
    seen = []
    listener = hooks.on_event(lambda event: seen.append((event.kind, event.data["promise"])))
    try:
        services.check(promise.due_at + timedelta(minutes=1))
    finally:
        hooks._event_listeners.remove(listener)
    assert seen == [(Event.Kind.PROMISE_BROKEN, promise.pk)]


def _sweep_queries(now) -> int:
    with CaptureQueriesContext(connection) as captured:
        services.check(now, batch=1000)
    return len(captured.captured_queries)


def test_the_sweeps_reads_and_claims_do_not_grow_with_promises(ticket, alice, ticket_factory, miggins, billing):
    """Reminders: one query claims a batch, one stamps it, one task row is queued for all of them (its
    emails are the task's work). Breaking: one query claims, one marks them all, one inserts their
    events, and the hooks get the batch (escalations queues one task row for all of them)."""
    now = clock.now()
    counts = {}
    for count in (2, 6):
        Promise.objects.all().delete()
        for n in range(count):
            services.make_promise(ticket, what=f"Promise {n}", due=now + timedelta(hours=1), owner=alice, by=alice)
        # The database task backend, as in production: queued work is one task row, not the work itself.
        with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}):
            counts[count] = {
                "remind": _sweep_queries(now + timedelta(minutes=50)),
                "break": _sweep_queries(now + timedelta(hours=2)),
            }
    assert counts[2]["remind"] == counts[6]["remind"]
    assert counts[2]["break"] == counts[6]["break"]


# Linking the reply a detected promise came from --------------------------------------------------


def test_a_promise_recorded_from_the_composer_is_joined_to_the_reply_that_says_it(ticket, alice):
    sentence = "I'll call you back on Tuesday before noon."
    promise = services.make_promise(
        ticket, what="Call you back", due=clock.now() + timedelta(days=3), owner=alice, by=alice,
        source=Promise.Source.DETECTED, sentence=sentence,
    )
    other = services.make_promise(
        ticket, what="Send the form", due=clock.now() + timedelta(days=3), owner=alice, by=alice,
        source=Promise.Source.DETECTED, sentence="I'll send the form today.",
    )
    message = conversations.reply(ticket, by=alice, body=f"Hello Mrs Miggins,\n\n{sentence}\n\nAlice")
    promise.refresh_from_db()
    other.refresh_from_db()
    assert (promise.message, other.message) == (message, None)


def test_the_demo_adds_open_and_broken_promises_once(ticket_factory, miggins, billing, alice, bob):
    from caredesk.promises import demo

    for owner in (alice, bob, alice):
        ticket_factory.create(customer=miggins, team=billing, owner=owner, by=owner)
    demo.load({"Billing": billing}, {"alice": alice})
    demo.load({"Billing": billing}, {"alice": alice})
    assert sorted(Promise.objects.values_list("state", flat=True)) == ["broken", "open", "open"]


def test_a_tickets_promises_read_open_first_each_group_soonest_due_first(ticket, alice, django_assert_num_queries):
    from caredesk.promises import queries

    def make(what: str, hours: int) -> Promise:
        return services.make_promise(ticket, what=what, due=clock.now() + timedelta(hours=hours), owner=alice, by=alice)

    kept, later, cancelled, sooner = make("Kept", 1), make("Open, later", 30), make("Cancelled", 2), make("Open, sooner", 5)
    services.keep(kept, by=alice)
    services.cancel(cancelled, by=alice, reason="Collected in store")
    with django_assert_num_queries(1):
        promises = queries.of_ticket(ticket)
    assert [p.what for p in promises] == ["Open, sooner", "Open, later", "Kept", "Cancelled"]
    assert promises[0].owner.first_name == alice.first_name  # the owner came with the query
