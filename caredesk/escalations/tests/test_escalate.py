"""Escalating a ticket: to level 1, climbing to level 2, refusing at the top, telling the level."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from caredesk.conversations.models import Event
from caredesk.escalations import services
from caredesk.escalations.models import Escalation
from caredesk.mail.models import OutboundEmail


def test_escalating_records_level_reason_and_who_it_went_to(ticket, alice, lena):
    escalation = services.escalate(ticket, by=alice, reason="She wants a refund I cannot give")
    event = ticket.events.get(kind=Event.Kind.ESCALATED)
    assert (escalation.level, escalation.state, escalation.raised_by, escalation.automatic) == (1, "open", alice, False)
    assert event.actor == alice
    assert event.data == {
        "escalation": escalation.pk,
        "level": 1,
        "level_label": "level 1 (team lead)",
        "reason": "She wants a refund I cannot give",
        "to": "Lena Lead",
        "automatic": False,
        "cause": "manual",
    }


def test_escalating_tells_the_leads_by_email_once(ticket, alice, lena):
    escalation = services.escalate(ticket, by=alice, reason="She wants a refund I cannot give")
    emails = OutboundEmail.objects.filter(kind=OutboundEmail.Kind.NOTIFICATION, to="lena@example.com")
    assert [email.subject for email in emails] == [f"[#{ticket.pk}] Escalated to you: Charged twice for my groceries"]
    assert emails[0].body_text.startswith(
        f'Alice Archer escalated #{ticket.pk} "Charged twice for my groceries" to you, at level 1 (team lead).'
    )
    assert "She wants a refund I cannot give" in emails[0].body_text
    from caredesk.escalations import tasks

    tasks.tell_escalation_level.call(escalation_id=escalation.pk)  # a retried task sends nothing more
    assert emails.count() == 1


def test_a_team_without_a_lead_escalates_to_the_admins(parcel, charlie, ada):
    services.escalate(parcel, by=charlie, reason="Driver keeps leaving parcels outside")
    assert parcel.events.get(kind=Event.Kind.ESCALATED).data["to"] == "Ada Admin"
    assert OutboundEmail.objects.filter(to="ada@example.com").count() == 1


def test_escalating_an_escalated_ticket_climbs_to_level_2(ticket, alice, lena, ada, billing_ladder):
    first = services.escalate(ticket, by=alice, reason="Refund above my limit")
    second = services.escalate(ticket, by=alice, reason="Lena is away all week")
    first.refresh_from_db()
    assert (first.state, second.level, second.previous, second.state) == ("climbed", 2, first, "open")
    event = ticket.events.filter(kind=Event.Kind.ESCALATED).last()
    assert (event.data["level"], event.data["from_level"], event.data["to"]) == (2, 1, "Ada Admin")
    assert event.data["level_label"] == "level 2 (Ada Admin)"


def test_level_2_goes_to_the_escalation_team(parcel, charlie, dora, erin, deliveries_ladder):
    services.escalate(parcel, by=charlie, reason="Third missed delivery")
    services.escalate(parcel, by=charlie, reason="Dora is off sick")
    event = parcel.events.filter(kind=Event.Kind.ESCALATED).last()
    assert (event.data["to"], event.data["level_label"]) == ("Erin Evans", "level 2 (Escalations)")
    assert OutboundEmail.objects.filter(to="erin@example.com").count() == 1


def test_escalating_at_the_top_is_refused_and_changes_nothing(ticket, alice, lena):
    services.escalate(ticket, by=alice, reason="Refund above my limit")
    with pytest.raises(ValidationError) as refused:
        services.escalate(ticket, by=alice, reason="Still nothing")
    assert refused.value.messages == [
        "This ticket is already escalated to the top of Billing's ladder, level 1 (team lead); "
        "Lena Lead must record a resolution."
    ]
    assert list(ticket.escalations.values_list("level", "state")) == [(1, "open")]
    assert ticket.events.filter(kind=Event.Kind.ESCALATED).count() == 1


@pytest.mark.parametrize("reason", ["", "   "])
def test_escalating_without_a_reason_is_refused_and_changes_nothing(ticket, alice, lena, reason):
    with pytest.raises(ValidationError) as refused:
        services.escalate(ticket, by=alice, reason=reason)
    assert refused.value.messages == ["Say why the ticket needs escalating; the next level reads this first."]
    assert not ticket.escalations.exists()
    assert not ticket.events.filter(kind=Event.Kind.ESCALATED).exists()
    assert not OutboundEmail.objects.filter(to="lena@example.com").exists()


def test_a_closed_ticket_cannot_be_escalated(ticket, alice):
    from caredesk.conversations import services as ticket_services

    ticket_services.change_status(ticket, status="closed", by=alice)
    with pytest.raises(ValidationError) as refused:
        services.escalate(ticket, by=alice, reason="Too late")
    assert refused.value.messages == ["Only an open ticket can be escalated; reopen it first."]


def test_the_database_keeps_one_open_escalation_per_ticket(ticket, alice, billing):
    services.escalate(ticket, by=alice, reason="Refund above my limit")
    with pytest.raises(IntegrityError), transaction.atomic():
        Escalation.objects.create(ticket=ticket, team=billing, level=1, reason="again")


def test_escalating_moves_the_ticket_up_the_queue(ticket, alice):
    before = ticket.updated_at
    services.escalate(ticket, by=alice, reason="Refund above my limit")
    ticket.refresh_from_db()
    assert ticket.updated_at > before


def test_a_transferred_ticket_takes_its_escalation_to_the_new_team(ticket, alice, lena, deliveries, dora):
    from caredesk.conversations import services as ticket_services

    escalation = services.escalate(ticket, by=alice, reason="Refund above my limit")
    ticket_services.transfer(ticket, by=alice, reason="It is a delivery problem after all", to_team=deliveries)
    escalation.refresh_from_db()
    assert (escalation.team, escalation.level, escalation.state) == (deliveries, 1, "open")
    with pytest.raises(PermissionDenied):
        services.resolve(escalation, by=lena, resolution="Not mine any more")
    services.resolve(escalation, by=dora, resolution="Redelivered")
    assert Escalation.objects.get(pk=escalation.pk).state == "resolved"
