import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from caredesk.conversations import services
from caredesk.conversations.models import Event


def test_transfer_records_who_moved_the_ticket_and_why(ticket, alice, bob):
    services.transfer(ticket, to_owner=bob, by=alice, reason="Billing question", note="Refund is half done")
    event = ticket.events.get(kind=Event.Kind.TRANSFERRED)
    assert (event.actor, event.data["from_owner"], event.data["to_owner"], event.data["reason"], event.data["note"]) == (
        alice, alice.pk, bob.pk, "Billing question", "Refund is half done",
    )


def test_transfer_without_a_reason_is_refused_and_changes_nothing(ticket, alice, bob):
    with pytest.raises(ValidationError, match="Say why the ticket is moving"):
        services.transfer(ticket, to_owner=bob, by=alice, reason="  ")
    ticket.refresh_from_db()
    assert (ticket.owner, ticket.handoff_count) == (alice, 0)
    assert not ticket.events.filter(kind=Event.Kind.TRANSFERRED).exists()


def test_transfer_to_someone_off_the_team_is_refused(ticket, alice, charlie):
    with pytest.raises(ValidationError, match="is not an agent of Billing"):
        services.transfer(ticket, to_owner=charlie, by=alice, reason="Wrong desk")
    ticket.refresh_from_db()
    assert ticket.owner == alice


def test_transfer_to_another_team_queue_leaves_no_owner(ticket, alice, deliveries):
    services.transfer(ticket, to_team=deliveries, by=alice, reason="It is about a delivery")
    ticket.refresh_from_db()
    assert (ticket.team, ticket.owner, ticket.handoff_count) == (deliveries, None, 1)


def test_transfer_to_the_current_owner_is_not_a_handoff(ticket, alice):
    services.transfer(ticket, to_owner=alice, by=alice, reason="no-op")
    ticket.refresh_from_db()
    assert ticket.handoff_count == 0


def test_taking_a_ticket_from_the_queue_is_an_assignment_not_a_handoff(ticket_factory, miggins, billing, bob):
    ticket = ticket_factory.create(customer=miggins, team=billing)
    services.assign(ticket, to=bob, by=bob)
    ticket.refresh_from_db()
    assert (ticket.owner, ticket.handoff_count, ticket.status) == (bob, 0, "open")


@override_settings(CAREDESK_RUNAROUND_THRESHOLD=3)
def test_third_handoff_flags_a_runaround(ticket, alice, bob, lena):
    services.transfer(ticket, to_owner=bob, by=alice, reason="one")
    services.transfer(ticket, to_owner=lena, by=bob, reason="two")
    ticket.refresh_from_db()
    assert not ticket.is_runaround
    services.transfer(ticket, to_owner=alice, by=lena, reason="three")
    ticket.refresh_from_db()
    assert (ticket.handoff_count, ticket.is_runaround) == (3, True)
    assert ticket.events.filter(kind=Event.Kind.TRANSFERRED).count() == 3


@override_settings(CAREDESK_RUNAROUND_THRESHOLD=2)
def test_runaround_threshold_is_configurable(ticket, alice, bob):
    services.transfer(ticket, to_owner=bob, by=alice, reason="one")
    services.transfer(ticket, to_owner=alice, by=bob, reason="two")
    ticket.refresh_from_db()
    assert ticket.is_runaround


def test_new_owner_is_emailed_once_with_the_reason_and_hand_over_note(ticket, alice, bob):
    from django.core import mail

    from caredesk.conversations import tasks

    services.transfer(ticket, to_owner=bob, by=alice, reason="Billing question", note="Refund half done")
    tasks.tell_new_owner.call(ticket_id=ticket.pk)  # a retried task sends nothing more
    sent = [m for m in mail.outbox if m.to == [bob.email]]
    assert len(sent) == 1
    assert "Reason: Billing question" in sent[0].body and "Hand-over note: Refund half done" in sent[0].body
    assert sent[0].subject == f"[#{ticket.pk}] Charged twice for my groceries is now yours"
