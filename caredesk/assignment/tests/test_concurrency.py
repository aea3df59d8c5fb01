"""Tickets arriving at the same moment never take an agent past their capacity."""

import threading

import pytest
from django.db import connection

from caredesk.accounts.models import Membership
from caredesk.assignment.models import AgentStatus, TeamRouting
from caredesk.conversations import services as conversations
from caredesk.conversations.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def _at_once(jobs) -> list[BaseException]:
    """Run each job in its own thread and connection, all released together."""
    start = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job) -> None:
        try:
            start.wait()
            job()
        except BaseException as error:  # noqa: BLE001  (reported by the test)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def _skip_on_sqlite() -> None:
    if connection.vendor == "sqlite":
        # The in-memory test database refuses a second writer outright ("table is locked") rather than
        # waiting; a file database serialises writers. The sequential rules are tested elsewhere.
        pytest.skip("two writers at once need PostgreSQL here")


def _open(customer, team):
    return lambda: conversations.open_ticket(customer=customer, team=team, subject="Where is my order?", body="Hello")


@pytest.mark.parametrize("mode", [TeamRouting.Mode.ROUND_ROBIN, TeamRouting.Mode.LEAST_LOADED])
def test_tickets_arriving_together_fill_each_agent_only_to_capacity(mode, miggins, billing, alice, bob):
    _skip_on_sqlite()
    TeamRouting.objects.create(team=billing, mode=mode)
    for agent in (alice, bob):
        AgentStatus.objects.create(user=agent, capacity=2)
    assert _at_once([_open(miggins, billing) for _ in range(6)]) == []
    owned = sorted(Ticket.objects.exclude(owner=None).values_list("owner__email", flat=True))
    assert owned == ["alice@example.com"] * 2 + ["bob@example.com"] * 2
    assert Ticket.objects.filter(owner=None).count() == 2


def test_an_agent_on_two_teams_is_not_filled_past_capacity_by_both_at_once(miggins, billing, deliveries, alice):
    _skip_on_sqlite()
    Membership.objects.create(user=alice, team=deliveries)
    for team in (billing, deliveries):
        TeamRouting.objects.create(team=team, mode=TeamRouting.Mode.ROUND_ROBIN)
    AgentStatus.objects.create(user=alice, capacity=1)
    assert _at_once([_open(miggins, billing), _open(miggins, deliveries)]) == []
    assert Ticket.objects.filter(owner=alice).count() == 1
