"""Where routing hears of tickets arriving in a queue (conversations.hooks.on_event)."""

from caredesk.conversations.models import Event
from caredesk.system.memo import memo
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
    elif event.kind == Event.Kind.STATUS_CHANGED:
        _owner_has_room_again(event)
        return
    else:
        return
    from . import tasks

    if _routes_automatically(event.ticket.team_id):
        later(tasks.route_ticket, ticket_id=event.ticket_id)


def _routes_automatically(team_id: int) -> bool:
    """One indexed look-up; once per batch of inbound email (caredesk.system.memo), whose tickets mostly
    arrive in the same queue. The next batch sees an admin's change."""
    from .models import TeamRouting

    return memo(
        ("assignment", "routes automatically", team_id),
        lambda: TeamRouting.objects.filter(team_id=team_id).exclude(mode=TeamRouting.Mode.MANUAL).exists(),
    )


def _owner_has_room_again(event: Event) -> None:
    """A ticket of a routed team stopped weighing on its owner (solved, pending the customer, ...):
    offer them the oldest waiting ticket at once rather than at the next sweep."""
    from . import services, tasks

    weighed = {str(status) for status in services.LOAD_STATUSES}
    owner_id = event.ticket.owner_id
    if owner_id is None or event.data.get("from") not in weighed or event.data.get("to") in weighed:
        return
    if _routes_automatically(event.ticket.team_id):
        later(tasks.pull_waiting_tickets, user_id=owner_id)
