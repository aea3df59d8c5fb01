"""REST API for tickets: the queue, one ticket with its messages, and every action on a ticket.

Permission is the pages' own: each endpoint gets its ticket through queries.ticket_for (or lists through
queries.queue / queries.visible), so invisible tickets are 404 and read-only users get 403 on writes.
Customers may list and read their own tickets (public messages only, no internal fields) and reply as
themselves; every other ticket endpoint is 403 for them.
"""

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from caredesk.accounts import permissions
from caredesk.accounts.api import ERRORS, Id
from caredesk.accounts.models import Team, User
from caredesk.customers import services as customer_services

from .. import queries, services
from ..models import Ticket
from .schemas import (
    AssignIn,
    CustomerTicketDetailOut,
    CustomerTicketOut,
    EventOut,
    MessageOut,
    NoteIn,
    ReplyIn,
    TicketDetailOut,
    TicketFilters,
    TicketIn,
    TicketOut,
    TicketPage,
    TicketPatch,
    TransferIn,
)

router = Router(tags=["tickets"])

CUSTOMER_NOTE = " Customers get 403."

# Helpers ----------------------------------------------------------------------------------------

# What a customer may narrow their own tickets by; the rest would reveal internal data (tags, notes, owners).
CUSTOMER_FILTERS = {
    "view",
    "status",
    "channel",
    "created_from",
    "created_to",
    "updated_from",
    "updated_to",
    "sort",
    "after",
    "before",
    "limit",
}


def _customer_may_use(filters: TicketFilters) -> bool:
    given = set(filters.model_dump(exclude_defaults=True))
    return given <= CUSTOMER_FILTERS and filters.view in ("open", "all") and "priority" not in filters.sort


_CURSOR_SALT = "caredesk.api.tickets.cursor"


def _sign_cursor(cursor: str | None, sort: str) -> str | None:
    """Cursors are signed, so the keyset values inside them are always ones this API produced."""
    return signing.dumps([sort, cursor], salt=_CURSOR_SALT) if cursor else None


def _read_cursor(value: str | None, sort: str) -> str:
    if not value:
        return ""
    try:
        cursor_sort, cursor = signing.loads(value, salt=_CURSOR_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise ValidationError(_("That cursor was not made by this API; start from the first page.")) from None
    if cursor_sort != sort:
        raise ValidationError(_("That cursor belongs to another sort order; start from the first page."))
    return cursor


def _team(team_id: int, user=None) -> Team:
    team = Team.objects.filter(pk=team_id).first()
    if team is None or (user is not None and not permissions.can_see_team(user, team)):
        raise ValidationError(_("There is no team %(id)s you can see.") % {"id": team_id})
    return team


def _agent(user_id: int | None) -> User | None:
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise ValidationError(_("There is no user %(id)s.") % {"id": user_id})
    return user


def _staff_ticket(user, ticket_id: int, *, to_change: bool = False) -> Ticket:
    """The ticket, for an endpoint customers may not use: their own ticket is 403, another's 404."""
    ticket = queries.ticket_for(user, ticket_id, to_change=to_change)
    if not permissions.is_staff_member(user):
        raise PermissionDenied(_("Customers may read and answer their own tickets only."))
    return ticket


def _detail(ticket: Ticket, user) -> TicketDetailOut | CustomerTicketDetailOut:
    public = not permissions.is_staff_member(user)
    messages = [
        item.message for item in queries.timeline(ticket, public_only=public) if item.kind == "message"
    ]
    summary = CustomerTicketOut if public else TicketOut
    detail = CustomerTicketDetailOut if public else TicketDetailOut
    return detail.model_validate({**dict(summary.from_orm(ticket)), "messages": messages})


def _summary(ticket: Ticket, user) -> TicketOut | CustomerTicketOut:
    return (TicketOut if permissions.is_staff_member(user) else CustomerTicketOut).from_orm(ticket)


# Endpoints --------------------------------------------------------------------------------------


@router.get(
    "/tickets",
    response={200: TicketPage, **ERRORS},
    summary="List tickets",
    description="Tickets you can see, filtered as on the queue page and a page at a time (keyset cursors; "
    "a cursor only works with the sort it came from). Customers get their own tickets in the customer "
    "shape, and may filter by status, channel and dates only (other filters are 403 for them).",
)
def list_tickets(request, filters: Query[TicketFilters]):
    user = request.auth
    if not permissions.is_staff_member(user) and not _customer_may_use(filters):
        raise PermissionDenied(_("Customers may narrow their tickets by status, channel and dates only."))
    narrowing = filters.model_dump(exclude={"view", "sort", "after", "before", "limit"}, exclude_none=True)
    if filters.view == "all":
        tickets = queries.apply_filters(queries.visible(user), narrowing, user=user)
    else:
        tickets = queries.queue(user, view=filters.view, filters=narrowing)
    page = queries.keyset_page(
        queries.queue_rows(tickets),
        sort=filters.sort,
        after=_read_cursor(filters.after, filters.sort),
        before=_read_cursor(filters.before, filters.sort),
        size=filters.limit,
    )
    return {
        "items": [_summary(ticket, user) for ticket in page.rows],
        "next": _sign_cursor(page.next_cursor, filters.sort),
        "previous": _sign_cursor(page.previous_cursor, filters.sort),
    }


@router.post(
    "/tickets",
    response={201: TicketDetailOut, **ERRORS},
    summary="Open a ticket",
    description="Log a customer's message as a new ticket on a team you can see; the customer is found by "
    "email or made. Agents, leads and admins only: sales and customers get 403.",
)
def create_ticket(request, payload: TicketIn):
    user = request.auth
    if not permissions.can_work(user):
        raise PermissionDenied(_("You may read tickets but not open them."))
    team = _team(payload.team_id, user)
    owner = _agent(payload.owner_id)
    with transaction.atomic():  # a refused ticket leaves no new customer behind
        customer = customer_services.customer_for_email(payload.customer_email, name=payload.customer_name)
        ticket = services.open_ticket(
            customer=customer,
            subject=payload.subject,
            body=payload.body,
            team=team,
            by=user,
            channel=payload.channel,
            priority=payload.priority,
            owner=owner,
            tags=payload.tags,
        )
    return Status(201, _detail(queries.ticket_for(user, ticket.pk), user))


@router.get(
    "/tickets/{ticket_id}",
    response={200: TicketDetailOut | CustomerTicketDetailOut, **ERRORS},
    summary="Read a ticket",
    description="The ticket with its messages, oldest first. Staff see internal notes; a customer sees their "
    "own ticket in the customer shape, public messages only. Tickets you cannot see are 404.",
)
def get_ticket(request, ticket_id: Id):
    return _detail(queries.ticket_for(request.auth, ticket_id), request.auth)


@router.patch(
    "/tickets/{ticket_id}",
    response={200: TicketOut, **ERRORS},
    summary="Change a ticket",
    description="Change any of status, priority, tags and custom fields; all or nothing. Sales get 403."
    + CUSTOMER_NOTE,
)
def update_ticket(request, ticket_id: Id, payload: TicketPatch):
    user = request.auth
    ticket = _staff_ticket(user, ticket_id, to_change=True)
    with transaction.atomic():  # a refused field undoes the status change before it
        if payload.status is not None:
            ticket = services.change_status(ticket, status=payload.status, by=user)
        if payload.priority is not None:
            ticket = services.change_priority(ticket, priority=payload.priority, by=user)
        if payload.tags is not None:
            ticket = services.set_tags(ticket, tags=payload.tags, by=user)
        if payload.fields is not None:
            ticket = services.set_fields(ticket, values=payload.fields, by=user)
    return queries.ticket_for(user, ticket_id)


@router.post(
    "/tickets/{ticket_id}/reply",
    response={201: MessageOut, **ERRORS},
    summary="Reply",
    description="Staff: a public reply, emailed to the customer. A customer: their answer on their own "
    "ticket (a solved ticket reopens; a closed one gets a follow-up ticket, named by the message's "
    "`ticket_id`). Sales get 403.",
)
def reply(request, ticket_id: Id, payload: ReplyIn):
    user = request.auth
    if permissions.is_staff_member(user):
        ticket = queries.ticket_for(user, ticket_id, to_change=True)
        return Status(201, services.reply(ticket, by=user, body=payload.body, status=payload.status))
    ticket = queries.ticket_for(user, ticket_id)
    if not permissions.can_answer_as_customer(user, ticket):
        raise PermissionDenied
    if payload.status is not None:
        raise PermissionDenied(_("Customers cannot set a ticket's status."))
    return Status(201, services.customer_reply(ticket, customer=ticket.customer, body=payload.body, by=user))


@router.post(
    "/tickets/{ticket_id}/note",
    response={201: MessageOut, **ERRORS},
    summary="Add an internal note",
    description="A note staff see and the customer never does. Sales get 403." + CUSTOMER_NOTE,
)
def add_note(request, ticket_id: Id, payload: NoteIn):
    ticket = _staff_ticket(request.auth, ticket_id, to_change=True)
    return Status(201, services.add_note(ticket, by=request.auth, body=payload.body))


@router.post(
    "/tickets/{ticket_id}/transfer",
    response={200: TicketOut, **ERRORS},
    summary="Transfer",
    description="Hand the ticket to another team's queue, another agent, or both; counted as a hand-off. "
    "Any team may receive it, even one whose tickets you cannot see. Sales get 403." + CUSTOMER_NOTE,
)
def transfer(request, ticket_id: Id, payload: TransferIn):
    ticket = _staff_ticket(request.auth, ticket_id, to_change=True)
    to_team = _team(payload.team_id) if payload.team_id else ticket.team
    return services.transfer(
        ticket,
        by=request.auth,
        reason=payload.reason,
        to_team=to_team,
        to_owner=_agent(payload.owner_id),
        note=payload.note,
    )


@router.post(
    "/tickets/{ticket_id}/assign",
    response={200: TicketOut, **ERRORS},
    summary="Assign",
    description="Give the ticket to an agent of its team. Taking it from another agent is a hand-off and "
    "needs a reason. Sales get 403." + CUSTOMER_NOTE,
)
def assign(request, ticket_id: Id, payload: AssignIn):
    ticket = _staff_ticket(request.auth, ticket_id, to_change=True)
    return services.assign(ticket, to=_agent(payload.owner_id), by=request.auth, reason=payload.reason)


@router.get(
    "/tickets/{ticket_id}/events",
    response={200: list[EventOut], **ERRORS},
    summary="Ticket history",
    description="Everything that happened to the ticket (and to tickets merged into it), oldest first."
    + CUSTOMER_NOTE,
)
def list_events(request, ticket_id: Id):
    ticket = _staff_ticket(request.auth, ticket_id)
    return [item.event for item in queries.timeline(ticket) if item.kind == "event"]
