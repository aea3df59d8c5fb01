import pytest

from caredesk.assignment.models import AgentStatus, TeamRouting


@pytest.fixture
def routed(billing):
    """route(team, mode, **settings) turns on a team's routing."""

    def turn_on(team=None, mode=TeamRouting.Mode.ROUND_ROBIN, **settings) -> TeamRouting:
        team = team or billing
        routing, _ = TeamRouting.objects.update_or_create(team=team, defaults={"mode": mode, **settings})
        return routing

    return turn_on


@pytest.fixture
def status_of():
    """status_of(user, status=..., capacity=..., hours=...) sets an agent's row directly."""

    def set_row(user, **fields) -> AgentStatus:
        row, _ = AgentStatus.objects.update_or_create(user=user, defaults=fields)
        return row

    return set_row


@pytest.fixture
def arrive(ticket_factory, miggins, billing):
    """arrive(n, team=billing) opens n unowned tickets; returns them fresh from the database."""

    def open_tickets(n=1, team=None):
        tickets = ticket_factory.create_batch(n, customer=miggins, team=team or billing)
        return [type(t).objects.get(pk=t.pk) for t in tickets]

    return open_tickets


def owners(tickets):
    """Each ticket's owner as the database has it now."""
    return [type(t).objects.get(pk=t.pk).owner for t in tickets]

