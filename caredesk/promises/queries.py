"""Reads: a ticket's promises for the sidebar and the portal, and the fetch-and-authorise of one promise."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

from caredesk.accounts import permissions
from caredesk.accounts.models import User
from caredesk.conversations import queries as conversations

from .models import Promise


def promise_for(user, promise_id: int) -> Promise:
    """A promise `user` may keep or cancel: 404 if its ticket is invisible to them, 403 if they may
    only read it (sales) or it is a customer."""
    promise = get_object_or_404(Promise.objects.only("pk", "ticket_id"), pk=promise_id)
    ticket = conversations.ticket_for(user, promise.ticket_id, to_change=True)
    if not permissions.can_handle_promises_on(user, ticket):
        raise PermissionDenied
    promise.ticket = ticket
    return promise


def of_ticket(ticket) -> list[Promise]:
    """Every promise on the ticket with its owner, open ones first, each group soonest due first. One
    query whatever their number; sorted here, as a ticket has few (ordering by a CASE cost the ticket page
    more Python to build than the query took to run)."""
    promises = Promise.objects.filter(ticket=ticket).select_related("owner").order_by("due_at", "pk")
    return sorted(promises, key=lambda promise: promise.state != Promise.State.OPEN)  # stable: due order kept


def for_customer(ticket) -> list[dict]:
    """What the customer sees: what was promised, by when, and whether it was kept. Cancelled promises,
    owners and reasons stay internal. One query."""
    return list(
        Promise.objects.filter(ticket=ticket)
        .exclude(state=Promise.State.CANCELLED)
        .order_by("due_at", "pk")
        .values("pk", "what", "due_at", "state", "kept_at")
    )


def owner_choices(ticket, user) -> list[User]:
    """Who a promise on the ticket can be given to: the working members of its team, and the person
    recording it (an admin is rarely a member). One query; the service checks the one chosen."""
    people = (
        User.objects.filter(is_active=True, role__in=(User.Role.AGENT, User.Role.LEAD, User.Role.ADMIN))
        .filter(Q(memberships__team=ticket.team_id) | Q(pk=user.pk))
        .distinct()
        .order_by("first_name", "last_name", "pk")
    )
    return list(people)
