"""Who routing gives a ticket to: round-robin and least-loaded, only to agents who can take it."""

from datetime import datetime, timedelta, timezone

import pytest

from caredesk.assignment import services
from caredesk.assignment.models import AgentStatus, TeamRouting
from caredesk.conversations import services as conversations
from caredesk.conversations.models import Event, Ticket
from caredesk.system import clock

from .conftest import owners

pytestmark = pytest.mark.django_db

RR = TeamRouting.Mode.ROUND_ROBIN
LEAST = TeamRouting.Mode.LEAST_LOADED
# A Saturday, and a Wednesday at 10:00 UTC (the tests' calendars are in UTC).
SATURDAY = datetime(2026, 6, 6, 11, 0, tzinfo=timezone.utc)
WEDNESDAY = datetime(2026, 6, 3, 10, 0, tzinfo=timezone.utc)


def test_round_robin_gives_each_agent_a_ticket_in_turn_by_id(routed, arrive, alice, bob, lena):
    routed(mode=RR)
    assert owners(arrive(4)) == [alice, bob, lena, alice]


def test_round_robin_continues_after_the_last_agent_given_a_ticket(routed, arrive, alice, bob, lena):
    routed(mode=RR, last_assigned=bob)
    assert owners(arrive(2)) == [lena, alice]


def test_round_robin_skips_agents_who_are_away_or_offline(routed, arrive, status_of, alice, bob, lena):
    routed(mode=RR)
    status_of(bob, status=AgentStatus.Status.AWAY)
    status_of(lena, status=AgentStatus.Status.OFFLINE)
    assert owners(arrive(3)) == [alice, alice, alice]


def test_round_robin_skips_agents_outside_their_own_working_hours(routed, arrive, status_of, alice, bob):
    routed(mode=RR)
    status_of(alice, hours="mon-fri 09:00-17:00")
    with clock.travel_to(SATURDAY):
        assert owners(arrive(2)) == [bob, bob]
    with clock.travel_to(WEDNESDAY):
        assert owners(arrive(2)) == [alice, bob]


def test_agents_outside_the_team_calendar_get_nothing_and_the_ticket_waits(routed, arrive, billing, alice):
    from caredesk.calendars.models import BusinessCalendar

    billing.calendar = BusinessCalendar.objects.create(name="Office", hours="mon-fri 09:00-17:00", time_zone="UTC")
    billing.save()
    routed(mode=RR)
    with clock.travel_to(SATURDAY):
        (ticket,) = arrive()
    assert (ticket.owner, ticket.status) == (None, Ticket.Status.NEW)


def test_a_team_routing_round_the_clock_ignores_working_hours(routed, arrive, status_of, alice):
    routed(mode=RR, only_when_working=False)
    status_of(alice, hours="mon-fri 09:00-17:00")
    with clock.travel_to(SATURDAY):
        assert owners(arrive()) == [alice]


def test_round_robin_skips_agents_at_capacity(routed, arrive, status_of, alice, bob):
    routed(mode=RR)
    status_of(alice, capacity=1)
    assert owners(arrive(3)) == [alice, bob, bob]


def test_agents_without_their_own_capacity_have_the_team_default(routed, arrive, alice, bob):
    routed(mode=RR, max_open_default=1)
    tickets = arrive(3)
    assert owners(tickets) == [alice, bob, None]


def test_tickets_waiting_for_the_customer_do_not_count_against_capacity(routed, arrive, status_of, alice, bob):
    routed(mode=RR)
    status_of(alice, capacity=1)
    status_of(bob, status=AgentStatus.Status.OFFLINE)
    (first,) = arrive()
    conversations.change_status(first, status=Ticket.Status.PENDING_CUSTOMER, by=alice)
    assert owners(arrive()) == [alice]


def test_least_loaded_weighs_open_tickets_against_capacity(
    routed, arrive, status_of, ticket_factory, miggins, billing, alice, bob
):
    # alice holds 4 of 10 (0.4), bob 1 of 2 (0.5): alice has more tickets but more room.
    status_of(alice, capacity=10)
    status_of(bob, capacity=2)
    ticket_factory.create_batch(4, customer=miggins, team=billing, owner=alice, by=alice)
    ticket_factory.create(customer=miggins, team=billing, owner=bob, by=bob)
    routed(mode=LEAST)
    assert owners(arrive()) == [alice]


def test_least_loaded_breaks_ties_by_who_waited_longest_for_a_ticket(routed, arrive, status_of, alice, bob, lena):
    now = clock.now()
    status_of(alice, last_assigned_at=now - timedelta(minutes=1))
    status_of(bob, last_assigned_at=now - timedelta(minutes=5))
    status_of(lena, status=AgentStatus.Status.AWAY)
    routed(mode=LEAST)
    assert owners(arrive(3)) == [bob, alice, bob]


def test_manual_routing_leaves_new_tickets_in_the_queue(routed, arrive, alice):
    routed(mode=TeamRouting.Mode.MANUAL)
    (ticket,) = arrive()
    assert (ticket.owner, ticket.status) == (None, Ticket.Status.NEW)
    assert services.choose_owner(ticket) is None


def test_a_team_without_routing_settings_routes_by_hand(arrive, alice):
    (ticket,) = arrive()
    assert ticket.owner is None


def test_choose_owner_names_the_agent_without_assigning(routed, arrive, alice, bob):
    (ticket,) = arrive()
    routed(mode=RR)
    assert services.choose_owner(ticket) == alice
    ticket.refresh_from_db()
    assert ticket.owner is None


def test_sales_customers_and_inactive_members_are_never_chosen(routed, arrive, billing, alice, sam, bob):
    from caredesk.accounts.models import Membership

    Membership.objects.create(user=sam, team=billing)
    bob.is_active = False
    bob.save()
    routed(mode=RR)
    assert owners(arrive(2)) == [alice, alice]


def test_a_routed_assignment_is_recorded_as_the_system_with_the_routing_mode(routed, arrive, alice):
    routed(mode=RR)
    (ticket,) = arrive()
    event = ticket.events.get(kind=Event.Kind.ASSIGNED)
    assert (event.actor, event.data) == (None, {"routing": "round_robin", "to": alice.pk, "team": ticket.team_id})
    assert ticket.status == Ticket.Status.OPEN


def test_an_assignment_by_hand_has_no_routing_in_its_event(ticket_factory, miggins, billing, alice, bob):
    ticket = ticket_factory.create(customer=miggins, team=billing)
    conversations.assign(ticket, to=bob, by=alice)
    assert ticket.events.get(kind=Event.Kind.ASSIGNED).data == {"to": bob.pk, "team": billing.pk}


def test_route_leaves_owned_and_closed_tickets_alone(routed, arrive, alice, bob):
    (owned, closed) = arrive(2)
    conversations.assign(owned, to=bob, by=bob)
    conversations.change_status(closed, status=Ticket.Status.CLOSED, by=bob)
    routed(mode=RR)
    assert (services.route(owned), services.route(closed)) == (None, None)
    assert owners([owned, closed]) == [bob, None]


def test_the_round_robin_pointer_moves_to_the_agent_given_the_ticket(routed, arrive, alice, bob):
    routing = routed(mode=RR)
    arrive(2)
    routing.refresh_from_db()
    assert routing.last_assigned == bob
    assert AgentStatus.objects.get(user=bob).last_assigned_at is not None


def test_route_leaves_a_ticket_moved_to_another_team_since_it_was_read(routed, arrive, deliveries, alice, charlie):
    (ticket,) = arrive()
    stale = Ticket.objects.get(pk=ticket.pk)
    conversations.transfer(ticket, to_team=deliveries, by=alice, reason="A delivery question")
    routed(mode=RR)
    assert services.route(stale) is None
    assert owners([ticket]) == [None]
