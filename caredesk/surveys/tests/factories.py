"""Surveys built as in real use: the ticket is solved through the service, then the send task's work runs."""

from caredesk.conversations import services as conversations
from caredesk.conversations.models import Event, Ticket

from caredesk.surveys import services
from caredesk.surveys.models import SurveySettings


def solve(ticket, *, by) -> Event:
    conversations.change_status(ticket, status=Ticket.Status.SOLVED, by=by)
    return ticket.events.filter(kind=Event.Kind.STATUS_CHANGED).latest("id")


def sent(ticket, *, by, **settings):
    """Solve `ticket` and send its surveys now (as the delayed task would). Returns the surveys."""
    if settings:
        SurveySettings.objects.update_or_create(team=None, defaults=settings)
    event = solve(ticket, by=by)
    return services.send(ticket.pk, event.pk)
