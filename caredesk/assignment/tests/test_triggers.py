"""When routing runs: a ticket reaching a queue, an agent becoming available, the periodic sweep."""

from datetime import timedelta

import pytest

from caredesk.assignment import services, tasks
from caredesk.assignment.models import AgentStatus, TeamRouting
from caredesk.conversations import services as conversations
from caredesk.conversations.models import Ticket
from caredesk.system import clock, schedule

from .conftest import owners

pytestmark = pytest.mark.django_db

RR = TeamRouting.Mode.ROUND_ROBIN


def test_a_ticket_transferred_to_a_routed_teams_queue_is_routed(
    routed, ticket_factory, miggins, billing, deliveries, charlie, alice
):
    routed(team=deliveries, mode=RR)
    ticket = ticket_factory.create(customer=miggins, team=billing, owner=alice, by=alice)
    conversations.transfer(ticket, to_team=deliveries, by=alice, reason="A delivery question")
    assert owners([ticket]) == [charlie]


def test_a_ticket_transferred_to_a_named_agent_stays_with_them(
    routed, ticket_factory, miggins, billing, alice, bob, lena
):
    routed(mode=RR)
    ticket = ticket_factory.create(customer=miggins, team=billing, owner=alice, by=alice)
    conversations.transfer(ticket, to_owner=lena, by=alice, reason="Refund above my limit")
    assert owners([ticket]) == [lena]


def test_a_ticket_opened_with_an_owner_is_not_routed(routed, ticket_factory, miggins, billing, alice, bob):
    routing = routed(mode=RR)
    ticket = ticket_factory.create(customer=miggins, team=billing, owner=bob, by=bob)
    routing.refresh_from_db()
    assert (owners([ticket]), routing.last_assigned) == ([bob], None)


def test_the_route_task_leaves_a_ticket_taken_meanwhile(routed, arrive, alice, bob):
    (ticket,) = arrive()
    conversations.assign(ticket, to=bob, by=bob)
    routed(mode=RR)
    tasks.route_ticket.call(ticket_id=ticket.pk)
    assert owners([ticket]) == [bob]


def test_the_route_task_of_a_deleted_ticket_does_nothing(routed, db):
    from caredesk.assignment.models import TeamRouting
    from caredesk.conversations.models import Event

    routed(mode=RR)
    tasks.route_ticket.call(ticket_id=987654)
    assert not Event.objects.filter(kind=Event.Kind.ASSIGNED).exists()
    assert list(TeamRouting.objects.values_list("last_assigned", flat=True)) == [None]


def test_a_ticket_nobody_can_take_waits_and_the_sweep_routes_it_when_someone_can(routed, arrive, status_of, alice):
    routed(mode=RR)
    status_of(alice, capacity=1)
    first, second = arrive(2)
    assert owners([first, second]) == [alice, None]
    status_of(alice, capacity=2)  # as an admin would, around the service
    tasks.route_waiting_tickets.call()
    assert owners([second]) == [alice]


def test_solving_a_ticket_gives_its_owner_the_oldest_waiting_one_at_once(routed, arrive, status_of, alice):
    routed(mode=RR)
    status_of(alice, capacity=1)
    first, second = arrive(2)
    conversations.change_status(first, status=Ticket.Status.SOLVED, by=alice)
    assert owners([second]) == [alice]


def test_only_a_ticket_ceasing_to_weigh_on_its_owner_pulls_another(routed, arrive, alice, monkeypatch):
    pulled = []
    monkeypatch.setattr(services, "pull_waiting", lambda agent, **kw: pulled.append(agent))
    routed(mode=RR)
    (ticket,) = arrive()
    conversations.change_status(ticket, status=Ticket.Status.PENDING_CUSTOMER, by=alice)
    conversations.change_status(ticket, status=Ticket.Status.ON_HOLD, by=alice)
    conversations.change_status(ticket, status=Ticket.Status.OPEN, by=alice)
    assert pulled == [alice]


def test_the_sweep_routes_oldest_first_and_stops_at_a_full_team(routed, arrive, status_of, billing, alice):
    status_of(alice, capacity=2)
    start = clock.now()
    tickets = []
    for minutes in (3, 1, 2):
        with clock.travel_to(start - timedelta(minutes=minutes)):
            tickets += arrive()
    routed(mode=RR)
    assert services.route_waiting() == 2
    assert owners(tickets) == [alice, None, alice]


def test_the_sweep_leaves_teams_routed_by_hand(routed, arrive, alice):
    (ticket,) = arrive()
    routed(mode=TeamRouting.Mode.MANUAL)
    assert services.route_waiting() == 0
    assert owners([ticket]) == [None]


def test_the_sweep_runs_every_minute():
    job = {job.name: job for job in schedule.jobs()}["route waiting tickets"]
    assert (job.every, job.task.name) == (timedelta(seconds=60), "route_waiting_tickets")


def test_an_agent_becoming_available_pulls_waiting_tickets_oldest_first_up_to_capacity(
    routed, arrive, status_of, alice, django_capture_on_commit_callbacks
):
    routed(mode=RR)
    status_of(alice, status=AgentStatus.Status.OFFLINE, capacity=2)
    start = clock.now()
    tickets = []
    for minutes in (1, 3, 2):
        with clock.travel_to(start - timedelta(minutes=minutes)):
            tickets += arrive()
    assert owners(tickets) == [None, None, None]
    with django_capture_on_commit_callbacks(execute=True):
        services.set_availability(alice, status=AgentStatus.Status.AVAILABLE, by=alice)
    assert owners(tickets) == [None, alice, alice]


def test_an_agent_going_away_pulls_nothing(routed, arrive, status_of, alice, django_capture_on_commit_callbacks):
    routed(mode=RR)
    status_of(alice, status=AgentStatus.Status.OFFLINE)
    tickets = arrive()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.set_availability(alice, status=AgentStatus.Status.AWAY, by=alice)
    assert (owners(tickets), callbacks) == ([None], [])


def test_pulling_gives_tickets_only_to_the_agent_who_became_available(
    routed, arrive, status_of, alice, bob, django_capture_on_commit_callbacks
):
    routed(mode=RR)
    status_of(alice, status=AgentStatus.Status.OFFLINE)
    status_of(bob, capacity=1)
    tickets = arrive(3)
    assert owners(tickets) == [bob, None, None]
    with django_capture_on_commit_callbacks(execute=True):
        services.set_availability(alice, status=AgentStatus.Status.AVAILABLE, by=alice)
    assert owners(tickets) == [bob, alice, alice]


def test_turning_routing_on_routes_the_tickets_already_waiting(
    arrive, billing, alice, bob, django_capture_on_commit_callbacks
):
    tickets = arrive(2)
    with django_capture_on_commit_callbacks(execute=True):
        services.configure(billing, mode=RR, only_when_working=True, max_open_default=5, by=alice)
    assert owners(tickets) == [alice, bob]


def test_more_capacity_pulls_waiting_tickets(routed, arrive, status_of, alice, django_capture_on_commit_callbacks):
    routed(mode=RR)
    status_of(alice, capacity=1)
    tickets = arrive(2)
    with django_capture_on_commit_callbacks(execute=True):
        services.set_agent_settings(alice, capacity=3, hours="", by=alice)
    assert owners(tickets) == [alice, alice]


def test_the_ticket_timeline_says_routing_assigned_it(client, routed, arrive, alice):
    routed(mode=RR)
    (ticket,) = arrive()
    client.force_login(alice)
    html = client.get(ticket.get_absolute_url()).content.decode()
    assert "Routing assigned the ticket to <strong>Alice Archer</strong>" in html
