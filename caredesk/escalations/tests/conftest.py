"""Escalation fixtures on top of the shared cast: Billing's ladder goes up to ada as manager; Deliveries
(public) has a lead, dora, and an escalation team, Escalations, with erin on it."""

import pytest

from caredesk.accounts.models import Team, User
from caredesk.conftest import _user
from caredesk.escalations import services


@pytest.fixture
def billing_ladder(billing, ada, lena):
    return services.save_ladder(billing, by=ada, escalation_team=None, manager=ada, auto_escalate_after_minutes=60)


@pytest.fixture
def escalations_team(db) -> Team:
    return Team.objects.create(name="Escalations")


@pytest.fixture
def dora(deliveries) -> User:
    return _user("dora@example.com", "Dora", "Dunn", User.Role.LEAD, [deliveries])


@pytest.fixture
def erin(escalations_team) -> User:
    return _user("erin@example.com", "Erin", "Evans", User.Role.AGENT, [escalations_team])


@pytest.fixture
def deliveries_ladder(deliveries, escalations_team, ada, dora, erin):
    return services.save_ladder(
        deliveries, by=ada, escalation_team=escalations_team, manager=None, auto_escalate_after_minutes=30
    )


@pytest.fixture
def parcel(ticket_factory, parker, deliveries, charlie):
    """Peter Parker's open ticket on Deliveries, owned by charlie."""
    return ticket_factory.create(customer=parker, team=deliveries, owner=charlie, subject="Parcel left in the rain", by=charlie)
