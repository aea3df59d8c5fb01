"""Where routing hears of tickets arriving in a queue (conversations.hooks.on_event)."""

from caredesk.conversations.models import Event
from caredesk.system.queue import later


def ticket_reached_queue(event: Event) -> None:
    """A new ticket without an owner, or one transferred to a team's queue: route it after commit, if the
    team routes automatically (one indexed look-up; the task itself checks again)."""
    if event.kind == Event.Kind.CREATED:
        if event.ticket.owner_id is not None:
            return
    elif event.kind == Event.Kind.TRANSFERRED:
        if event.data.get("to_owner") is not None:
            return
    else:
        return
    from . import tasks
    from .models import TeamRouting

    team_id = event.ticket.team_id
    if TeamRouting.objects.filter(team_id=team_id).exclude(mode=TeamRouting.Mode.MANUAL).exists():
        later(tasks.route_ticket, ticket_id=event.ticket_id)
