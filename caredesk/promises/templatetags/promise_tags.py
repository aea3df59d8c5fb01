"""The promise blocks other apps' pages include with one line (the ticket sidebar, the portal ticket)."""

from django import template

from caredesk.calendars.services import calendar_for

from .. import queries

register = template.Library()


@register.inclusion_tag("promises/_ticket_promises.html", takes_context=True)
def ticket_promises(context, ticket):
    """The ticket page's Promises block; actions only for those who may work on the ticket."""
    from ..views import block_context

    request = context["request"]
    can_edit = bool(context.get("can_edit")) and not ticket.merged_into_id
    return {**block_context(request, ticket, can_edit=can_edit), "request": request, "csrf_token": context.get("csrf_token")}


@register.simple_tag
def customer_promises(ticket) -> dict:
    """What the portal shows a customer: their promises (not cancelled ones) and the zone of the times."""
    promises = queries.for_customer(ticket)
    return {"promises": promises, "tz": calendar_for(ticket.team).tz if promises else None}


@register.filter
def instant(value: str):
    """An ISO time stored in an event's data, as a datetime the date filter can show (None if unreadable)."""
    from datetime import datetime

    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
