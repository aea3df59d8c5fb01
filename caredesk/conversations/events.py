"""The one way an event row is written. Other apps call record() too."""


from caredesk.system import clock

from . import hooks
from .models import Event, Message, Ticket


def record(
    ticket: Ticket, kind: Event.Kind, *, by=None, data: dict | None = None, at=None, message: Message | None = None
) -> Event:
    """Append one event. Events are never edited or deleted: reports are computed from them alone.
    `message`: the message the event is about (its id is data["message"]), just written by the caller:
    the hooks find it as `event.message` rather than reading it back."""
    event = new(ticket, kind, by=by, data=data, at=at, message=message)
    event.save()
    hooks.event_recorded(event)
    return event


def new(
    ticket: Ticket, kind: Event.Kind, *, by=None, data: dict | None = None, at=None, message: Message | None = None
) -> Event:
    """An event for record_many, not written yet (the arguments of record)."""
    event = Event(ticket=ticket, kind=kind, actor=by, data=data or {}, at=at or clock.now())
    event.message = message
    return event


def record_many(events: list[Event]) -> list[Event]:
    """Append several events (made by new) in one INSERT; the hooks get them in one call."""
    Event.objects.bulk_create(events)
    hooks.events_recorded(events)
    return events
