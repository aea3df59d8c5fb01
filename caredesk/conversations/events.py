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
    event = Event.objects.create(ticket=ticket, kind=kind, actor=by, data=data or {}, at=at or clock.now())
    event.message = message
    hooks.event_recorded(event)
    return event
