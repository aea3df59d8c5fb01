"""Resolving and de-escalating: only the level (or an admin) may, with a resolution or a note."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from caredesk.conversations.models import Event
from caredesk.escalations import services
from caredesk.escalations.models import Escalation


@pytest.fixture
def escalation(ticket, alice, lena):
    return services.escalate(ticket, by=alice, reason="Refund above my limit")


def test_the_lead_resolves_and_the_event_says_how(escalation, ticket, lena):
    services.resolve(escalation, by=lena, resolution="Refunded £42 as goodwill")
    escalation.refresh_from_db()
    assert (escalation.state, escalation.resolved_by, escalation.resolution) == ("resolved", lena, "Refunded £42 as goodwill")
    event = ticket.events.get(kind=Event.Kind.ESCALATION_RESOLVED)
    assert (event.actor, event.data["resolution"], event.data["level"]) == (lena, "Refunded £42 as goodwill", 1)


def test_an_admin_may_resolve_any_level(escalation, ada):
    services.resolve(escalation, by=ada, resolution="Handled it myself")
    assert Escalation.objects.get(pk=escalation.pk).state == "resolved"


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_the_agent_who_raised_it_and_other_agents_cannot_resolve(escalation, ticket, who, request):
    person = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied) as refused:
        services.resolve(escalation, by=person, resolution="Sorted")
    assert str(refused.value) == "Only Lena Lead, at level 1 (team lead), can do this."
    assert Escalation.objects.get(pk=escalation.pk).state == "open"
    assert not ticket.events.filter(kind=Event.Kind.ESCALATION_RESOLVED).exists()


def test_a_lead_of_another_team_cannot_resolve(escalation, dora):
    with pytest.raises(PermissionDenied):
        services.resolve(escalation, by=dora, resolution="Sorted")


def test_level_1_cannot_resolve_a_level_2_escalation_but_the_manager_can(escalation, ticket, alice, lena, ada, billing_ladder):
    upper = services.escalate(ticket, by=alice, reason="Lena is away")
    with pytest.raises(PermissionDenied):
        services.resolve(upper, by=lena, resolution="Back now")
    services.resolve(upper, by=ada, resolution="Approved the refund")
    assert Escalation.objects.get(pk=upper.pk).state == "resolved"


def test_the_escalation_team_resolves_level_2(parcel, charlie, dora, erin, deliveries_ladder):
    services.escalate(parcel, by=charlie, reason="Third missed delivery")
    upper = services.escalate(parcel, by=charlie, reason="Dora is off")
    services.resolve(upper, by=erin, resolution="New driver on the route")
    assert Escalation.objects.get(pk=upper.pk).state == "resolved"


@pytest.mark.parametrize("resolution", ["", "  \n "])
def test_a_resolution_without_text_is_refused_and_changes_nothing(escalation, ticket, lena, resolution):
    with pytest.raises(ValidationError) as refused:
        services.resolve(escalation, by=lena, resolution=resolution)
    assert refused.value.messages == ["Write the resolution: what was decided and done. The agent reads it."]
    assert Escalation.objects.get(pk=escalation.pk).state == "open"


def test_a_resolved_escalation_cannot_be_resolved_again(escalation, lena):
    services.resolve(escalation, by=lena, resolution="Refunded")
    with pytest.raises(ValidationError) as refused:
        services.resolve(escalation, by=lena, resolution="Again")
    assert refused.value.messages == ["This escalation is no longer open (resolved); the page was out of date."]


def test_de_escalating_level_1_takes_it_off_the_board_with_the_note(escalation, ticket, lena):
    lower = services.de_escalate(escalation, by=lena, note="Alice can refund this herself under £50")
    assert lower is None
    escalation.refresh_from_db()
    assert (escalation.state, escalation.resolution) == ("de_escalated", "Alice can refund this herself under £50")
    event = ticket.events.get(kind=Event.Kind.DE_ESCALATED)
    assert event.data == {
        "escalation": escalation.pk,
        "from_level": 1,
        "to_level": 0,
        "to_label": "",
        "note": "Alice can refund this herself under £50",
    }
    assert not Escalation.objects.filter(ticket=ticket, state="open").exists()


def test_de_escalating_level_2_sends_it_back_to_the_leads(escalation, ticket, alice, ada, billing_ladder):
    upper = services.escalate(ticket, by=alice, reason="Lena is away")
    lower = services.de_escalate(upper, by=ada, note="Lena is back tomorrow")
    assert (lower.level, lower.state, lower.previous, lower.reason) == (1, "open", upper, "Lena is back tomorrow")
    assert ticket.events.get(kind=Event.Kind.DE_ESCALATED).data["to_label"] == "level 1 (team lead)"


@pytest.mark.parametrize("note", ["", "   "])
def test_de_escalating_without_a_note_is_refused_and_changes_nothing(escalation, ticket, lena, note):
    with pytest.raises(ValidationError) as refused:
        services.de_escalate(escalation, by=lena, note=note)
    assert refused.value.messages == ["Add a note saying why it goes back down; the people below read it first."]
    assert Escalation.objects.get(pk=escalation.pk).state == "open"
    assert not ticket.events.filter(kind=Event.Kind.DE_ESCALATED).exists()


def test_the_agent_cannot_de_escalate_their_own_escalation(escalation, alice):
    with pytest.raises(PermissionDenied):
        services.de_escalate(escalation, by=alice, note="Never mind")
    assert Escalation.objects.get(pk=escalation.pk).state == "open"
