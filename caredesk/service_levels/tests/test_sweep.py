"""The sweep reads only due rows by index, in a fixed number of queries per batch."""

import pytest
from django.db import connection
from django.test import override_settings

from caredesk.conversations import hooks
from caredesk.conversations.models import Event
from caredesk.service_levels import sweep
from caredesk.service_levels.models import Target
from caredesk.system import clock

from .conftest import at

pytestmark = pytest.mark.django_db
# The notification task is queued as one row per batch; the immediate backend would run it inline.
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}



@pytest.fixture(autouse=True)
def without_the_rollup(monkeypatch):
    """These tests count the service engine's own queries. The reports rollup folds the events it writes
    (TARGET_MET, TARGET_BREACHED) too, at a cost counted where it belongs: the email pipeline's budgets and
    the reports tests."""
    from caredesk.conversations import hooks
    from caredesk.reports import rollup

    monkeypatch.setattr(hooks, "_batch_listeners", [fn for fn in hooks._batch_listeners if fn is not rollup.on_events])

@pytest.fixture
def open_tickets(make_policy, office_hours, ticket_factory, miggins, billing, alice):
    make_policy("Standard", first_reply_minutes=60)

    def make(count, when=None):
        with clock.travel_to(when or at(2, 9)):
            return ticket_factory.create_batch(count, customer=miggins, team=billing, owner=alice)

    return make


@pytest.mark.parametrize("count", [1, 50])
def test_a_sweep_batch_costs_the_same_queries_for_one_breach_as_for_fifty(count, open_tickets, django_assert_num_queries):
    open_tickets(count)
    with override_settings(TASKS=DB_TASKS):
        # SQLite: savepoint, due targets with their tickets, their new state, the events, the escalation
        # task (escalations.services.escalate_breaches), the notification task, release. PostgreSQL:
        # savepoint, one statement (due rows FOR UPDATE SKIP LOCKED, their new state, the events), their
        # tickets, the escalation task, the notification task, release.
        with django_assert_num_queries(7 if connection.vendor == "sqlite" else 6):
            assert sweep.breach(at(2, 10, 1)) == count
        # flagging at risk: one UPDATE
        with django_assert_num_queries(1):
            sweep.flag_at_risk(at(2, 10, 1))
    assert Target.objects.filter(state="breached").count() == count
    assert Event.objects.filter(kind=Event.Kind.TARGET_BREACHED).count() == count


def test_a_whole_sweep_goes_batch_by_batch(open_tickets, django_assert_num_queries):
    open_tickets(5)
    with override_settings(TASKS=DB_TASKS):
        result = sweep.sweep(batch=2, now=at(2, 10, 1))
    assert (result.at_risk, result.breached) == (5, 5)
    assert result.batches == 3 + 3  # 2, 2, 1 for each step


def test_a_sweep_with_nothing_due_is_two_index_reads(open_tickets, django_assert_num_queries):
    open_tickets(3)
    with django_assert_num_queries(4):  # the at-risk UPDATE; savepoint, the due SELECT, release
        sweep.sweep(now=at(2, 9, 10))


def test_listeners_see_each_breach_as_a_recorded_event(open_tickets):
    tickets = open_tickets(2)
    seen = []

    def listener(event):
        if event.kind == Event.Kind.TARGET_BREACHED:  # (the escalations they cause are events too)
            seen.append((event.kind, event.ticket.subject, event.pk is not None))

    hooks.on_event(listener)
    try:
        sweep.sweep(now=at(2, 10, 1))
    finally:
        hooks._event_listeners.remove(listener)
    assert sorted(seen) == sorted((Event.Kind.TARGET_BREACHED, t.subject, True) for t in tickets)


def test_breach_events_are_append_only_like_every_event(open_tickets):
    from caredesk.conversations.models import AppendOnly

    open_tickets(1)
    sweep.sweep(now=at(2, 10, 1))
    event = Event.objects.get(kind=Event.Kind.TARGET_BREACHED)
    with pytest.raises(AppendOnly):
        event.save()


def test_the_check_targets_task_is_registered_every_minute():
    from caredesk.system import schedule

    job = next(job for job in schedule.jobs() if job.name == "check_targets")
    assert job.every.total_seconds() == 60


def test_both_ways_of_breaching_write_the_same_events(open_tickets):
    """PostgreSQL breaches in one SQL statement; its events must say what the ORM path's say."""
    from caredesk.service_levels import engine

    tickets = open_tickets(1) + open_tickets(1, when=at(2, 9).replace(microsecond=123456))
    sweep.sweep(now=at(2, 10, 1))
    for event in Event.objects.filter(kind=Event.Kind.TARGET_BREACHED).select_related("ticket"):
        target = Target.objects.get(pk=event.data["target"])
        assert event.data == engine.breach_data(target)
        assert (event.at, event.actor_id, event.ticket in tickets) == (at(2, 10, 1), None, True)
    assert Event.objects.filter(kind=Event.Kind.TARGET_BREACHED, data__due="2026-03-02T10:00:00.123456+00:00").exists()
