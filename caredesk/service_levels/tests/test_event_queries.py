"""The work each event adds to a ticket write stays a handful of queries."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caredesk.conversations import services
from caredesk.conversations.models import Event, Ticket
from caredesk.service_levels import engine
from caredesk.system import clock

pytestmark = pytest.mark.django_db



@pytest.fixture(autouse=True)
def without_the_rollup(monkeypatch):
    """These tests count the service engine's own queries. The reports rollup folds the events it writes
    (TARGET_MET, TARGET_BREACHED) too, at a cost counted where it belongs: the email pipeline's budgets and
    the reports tests."""
    from caredesk.conversations import hooks
    from caredesk.reports import rollup

    monkeypatch.setattr(hooks, "_batch_listeners", [fn for fn in hooks._batch_listeners if fn is not rollup.on_events])

@pytest.fixture
def standard(make_policy, office_hours):
    make_policy("Urgent", priorities=[4], first_reply_minutes=15, next_reply_minutes=30, resolution_minutes=120)
    return make_policy("Standard", first_reply_minutes=60, next_reply_minutes=120, resolution_minutes=480)


def queries_of(event) -> int:
    with CaptureQueriesContext(connection) as context:
        engine.on_event(event)
    return len(context)


def test_each_event_costs_a_few_queries(standard, ticket_factory, miggins, billing, alice):
    # Opened on a Tuesday morning in office hours, its events counted five minutes later: every clock they
    # start falls due later than the ticket's, whatever time the test runs (out of hours, both would fall due
    # at the same opening hour and next_due_at would not be written).
    with clock.travel_to(datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Europe/London"))):
        ticket = ticket_factory.create(customer=miggins, team=billing, owner=alice)
    ticket = Ticket.objects.select_related("team", "customer").get(pk=ticket.pk)
    # The events are not saved: the engine only reads them. The team's calendar is read here, once: the
    # engine finds it on the team.
    from caredesk.calendars.services import calendar_for

    calendar_for(ticket.team)
    with clock.travel_to(datetime(2026, 11, 24, 10, 5, tzinfo=ZoneInfo("Europe/London"))):
        # CREATED: policies, their teams, the targets (one INSERT), next_due_at.
        assert queries_of(Event(ticket=ticket, kind=Event.Kind.CREATED, data={})) == 4
        # REPLIED: open targets, their new state, a TARGET_MET per met target (two first replies here), next_due_at.
        assert queries_of(Event(ticket=ticket, kind=Event.Kind.REPLIED, data={})) == 5
        # CUSTOMER_REPLIED: open targets, the next-reply target, next_due_at.
        assert queries_of(Event(ticket=ticket, kind=Event.Kind.CUSTOMER_REPLIED, data={})) == 3
        # Pausing and resuming: open targets, their new state, next_due_at.
        assert queries_of(Event(ticket=ticket, kind=Event.Kind.STATUS_CHANGED, data={"to": "pending_customer"})) == 3
        assert queries_of(Event(ticket=ticket, kind=Event.Kind.STATUS_CHANGED, data={"to": "open"})) == 3
        # PRIORITY_CHANGED: open targets, policies, their teams, the targets' new times, next_due_at.
        assert queries_of(Event(ticket=ticket, kind=Event.Kind.PRIORITY_CHANGED, data={"to": 4})) == 5


def test_events_of_its_own_are_ignored(standard, ticket_factory, miggins, billing, alice):
    ticket = ticket_factory.create(customer=miggins, team=billing, owner=alice)
    for kind in (Event.Kind.TARGET_BREACHED, Event.Kind.TARGET_MET, Event.Kind.NOTE_ADDED):
        assert queries_of(Event(ticket=ticket, kind=kind, data={})) == 0


def test_a_reply_adds_at_most_five_queries_to_the_service(standard, ticket_factory, miggins, billing, alice, settings):
    """The same reply with and without a policy: the difference is the clocks' work."""
    def reply_queries(ticket):
        with CaptureQueriesContext(connection) as context:
            services.reply(ticket, by=alice, body="Thanks, sorted.")
        return len(context)

    with_policy = reply_queries(ticket_factory.create(customer=miggins, team=billing, owner=alice))
    from caredesk.service_levels.models import Policy

    Policy.objects.update(enabled=False)
    ticket = ticket_factory.create(customer=miggins, team=billing, owner=alice)
    without = reply_queries(ticket)
    assert with_policy - without <= 5


def test_a_reply_meeting_one_clock_writes_its_row_with_a_plain_update(standard, ticket_factory, miggins, billing, alice):
    """One changed clock is the common case (the demo replays thousands): bulk_update's CASE per field
    would cost several times a plain UPDATE to build."""
    ticket = ticket_factory.create(customer=miggins, team=billing, owner=alice)
    ticket = Ticket.objects.select_related("team", "customer").get(pk=ticket.pk)
    with CaptureQueriesContext(connection) as context:
        engine.on_event(Event(ticket=ticket, kind=Event.Kind.REPLIED, data={}))
    updates = [query["sql"] for query in context if query["sql"].startswith('UPDATE "service_levels_target"')]
    assert len(updates) == 1 and "CASE" not in updates[0], updates
    assert ticket.service_targets.get(kind="first_reply").state == "met"
