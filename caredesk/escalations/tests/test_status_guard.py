"""While an escalation is open, only its level (or an admin) may solve or close the ticket."""

import pytest
from django.core.exceptions import ValidationError

from caredesk.conversations import services as ticket_services
from caredesk.conversations.models import Ticket
from caredesk.escalations import services


@pytest.fixture
def escalated(ticket, alice, lena):
    services.escalate(ticket, by=alice, reason="Refund above my limit")
    return ticket


@pytest.mark.parametrize("status", ["solved", "closed"])
@pytest.mark.parametrize("who", ["alice", "bob"])
def test_the_original_agent_and_others_cannot_solve_or_close_while_escalated(escalated, status, who, request):
    with pytest.raises(ValidationError) as refused:
        ticket_services.change_status(escalated, status=status, by=request.getfixturevalue(who))
    assert refused.value.messages == [
        "This ticket is escalated to level 1 (team lead); Lena Lead must record a resolution first."
    ]
    assert Ticket.objects.get(pk=escalated.pk).status == "open"


def test_a_reply_that_would_solve_the_ticket_is_refused_too(escalated, alice):
    with pytest.raises(ValidationError):
        ticket_services.reply(escalated, by=alice, body="All sorted!", status="solved")
    assert not escalated.messages.filter(kind="reply").exists()


def test_other_status_changes_stay_open_to_the_agent(escalated, alice):
    ticket_services.change_status(escalated, status="pending_customer", by=alice)
    assert Ticket.objects.get(pk=escalated.pk).status == "pending_customer"


@pytest.mark.parametrize("who", ["lena", "ada"])
def test_the_level_or_an_admin_may_solve_it(escalated, who, request):
    ticket_services.change_status(escalated, status="solved", by=request.getfixturevalue(who))
    assert Ticket.objects.get(pk=escalated.pk).status == "solved"


def test_after_the_resolution_the_agent_may_close_it(escalated, alice, lena):
    services.resolve(escalated.escalations.get(), by=lena, resolution="Refunded")
    ticket_services.change_status(escalated, status="closed", by=alice)
    assert Ticket.objects.get(pk=escalated.pk).status == "closed"


def test_nobody_closes_it_automatically_while_escalated(escalated):
    with pytest.raises(ValidationError):
        ticket_services.change_status(escalated, status="closed", by=None)


def test_merging_an_escalated_ticket_away_is_refused_to_the_agent_and_changes_nothing(escalated, alice, ticket_factory):
    """Merging closes the merged ticket: it would take the escalation off the board by the back door."""
    other = ticket_factory.create(customer=escalated.customer, team=escalated.team, owner=alice)
    with pytest.raises(ValidationError) as refused:
        ticket_services.merge(escalated, into=other, by=alice)
    assert "must record a resolution first" in refused.value.messages[0]
    escalated.refresh_from_db()
    assert (escalated.status, escalated.merged_into_id) == ("open", None)
    assert not other.events.filter(kind="merged_in").exists()


def test_the_level_may_merge_it(escalated, lena, ticket_factory, alice):
    other = ticket_factory.create(customer=escalated.customer, team=escalated.team, owner=alice)
    ticket_services.merge(escalated, into=other, by=lena)
    escalated.refresh_from_db()
    assert (escalated.status, escalated.merged_into_id) == ("closed", other.pk)
