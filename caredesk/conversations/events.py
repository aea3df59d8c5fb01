"""The one way an event row is written. Other apps call record() too."""


from caredesk.system import clock

from . import hooks
from .models import Event, Ticket


def record(ticket: Ticket, kind: Event.Kind, *, by=None, data: dict | None = None, at=None) -> Event:
    """Append one event. Events are never edited or deleted: reports are computed from them alone."""
    event = Event.objects.create(ticket=ticket, kind=kind, actor=by, data=data or {}, at=at or clock.now())
    hooks.event_recorded(event)
    return event
