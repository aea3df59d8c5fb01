import pytest

from caredesk.conversations.models import AppendOnly, Event


def test_opening_a_ticket_records_created_and_assigned(ticket, alice):
    kinds = list(ticket.events.values_list("kind", flat=True))
    assert kinds == [Event.Kind.CREATED, Event.Kind.ASSIGNED]
    assert ticket.events.get(kind=Event.Kind.ASSIGNED).data["to"] == alice.pk


def test_an_event_cannot_be_saved_again(ticket):
    event = ticket.events.first()
    event.data = {"forged": True}
    with pytest.raises(AppendOnly):
        event.save()
    event.refresh_from_db()
    assert "forged" not in event.data


def test_an_event_cannot_be_deleted(ticket):
    with pytest.raises(AppendOnly):
        ticket.events.first().delete()
    assert ticket.events.count() == 2


def test_events_cannot_be_updated_or_deleted_in_bulk(ticket):
    with pytest.raises(AppendOnly):
        Event.objects.filter(ticket=ticket).update(kind="merged")
    with pytest.raises(AppendOnly):
        Event.objects.filter(ticket=ticket).delete()
    assert sorted(ticket.events.values_list("kind", flat=True)) == ["assigned", "created"]
