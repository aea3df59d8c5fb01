"""REST API for promises: list a ticket's promises, find promises in a text, record, keep and cancel.

Permission is the pages' own: tickets come through conversations.queries.ticket_for (404 for invisible
ones, 403 for read-only users on writes), promises through queries.promise_for. Customers may list the
promises on their own tickets (what, due, state: nothing internal); every other endpoint is 403 for them.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from caredesk.accounts import permissions
from caredesk.accounts.api import ERRORS, Id, Text
from caredesk.accounts.models import User
from caredesk.calendars.services import calendar_for
from caredesk.conversations import queries as conversations
from caredesk.system import clock

from . import detection, queries, services
from .models import Promise

router = Router(tags=["promises"])


class PromiseOut(Schema):
    id: int
    what: str
    due_at: datetime
    state: str = Field(description="open, kept, broken or cancelled")
    owner_id: int | None = Field(None, description="Absent for customers.")
    made_by_id: int | None = Field(None, description="Absent for customers.")
    made_at: datetime | None = Field(None, description="Absent for customers.")
    kept_at: datetime | None = None
    broken_at: datetime | None = None
    source: str | None = Field(None, description="manual or detected; absent for customers.")
    message_id: int | None = Field(None, description="The reply it was made in, when known; absent for customers.")


class PromiseIn(Schema):
    what: Text = Field(max_length=200)
    due: Text = Field(
        max_length=100,
        description="An ISO 8601 time with offset, or words read in the team's calendar: 'Tuesday 12:00', "
        "'tomorrow 3pm', 'within 5 working days'.",
    )
    owner_id: Id | None = Field(None, description="Who answers for it; you, if absent.")


class CancelIn(Schema):
    reason: Text = Field(max_length=200)


class DetectIn(Schema):
    text: str = Field(max_length=20_000)


class CandidateOut(Schema):
    sentence: str
    start: int
    end: int
    what: str
    due_at: datetime
    when: str


def _staff_ticket(user, ticket_id: int, *, to_change: bool = False):
    ticket = conversations.ticket_for(user, ticket_id, to_change=to_change)
    if not permissions.is_staff_member(user):
        raise PermissionDenied("Customers may read the promises on their own tickets only.")
    if to_change and not permissions.can_handle_promises_on(user, ticket):
        raise PermissionDenied
    return ticket


@router.get(
    "/tickets/{ticket_id}/promises",
    response={200: list[PromiseOut], **ERRORS},
    summary="List a ticket's promises",
    description="Soonest due first. Customers see the promises on their own tickets, without cancelled ones "
    "and without owners.",
)
def list_promises(request, ticket_id: Id):
    ticket = conversations.ticket_for(request.auth, ticket_id)
    if not permissions.is_staff_member(request.auth):
        return [PromiseOut(id=row["pk"], **{k: v for k, v in row.items() if k != "pk"}) for row in queries.for_customer(ticket)]
    return sorted(queries.of_ticket(ticket), key=lambda promise: (promise.due_at, promise.pk))


@router.post(
    "/tickets/{ticket_id}/promises/detect",
    response={200: list[CandidateOut], **ERRORS},
    summary="Find promises in a text",
    description="The promises a reply would make, with due times in the ticket team's calendar. Records "
    "nothing. Sales and customers get 403.",
)
def detect_promises(request, ticket_id: Id, payload: DetectIn):
    ticket = _staff_ticket(request.auth, ticket_id, to_change=True)
    found = detection.find(payload.text, now=clock.now(), calendar=calendar_for(ticket.team))
    return [
        CandidateOut(sentence=c.sentence, start=c.span[0], end=c.span[1], what=c.what, due_at=c.due_at, when=c.when)
        for c in found
    ]


@router.post(
    "/tickets/{ticket_id}/promises",
    response={201: PromiseOut, **ERRORS},
    summary="Record a promise",
    description="The owner must be someone who may work on the ticket. A due time that cannot be read, or "
    "has passed, is 422. Sales and customers get 403.",
)
def make_promise(request, ticket_id: Id, payload: PromiseIn):
    ticket = _staff_ticket(request.auth, ticket_id, to_change=True)
    owner = get_object_or_404(User, pk=payload.owner_id) if payload.owner_id else request.auth
    due = detection.parse_due(payload.due, now=clock.now(), calendar=calendar_for(ticket.team))
    if due is None:
        raise ValidationError(f"Could not read '{payload.due}' as a date and time; try 'Tuesday 12:00' or an ISO time.")
    promise = services.make_promise(ticket, what=payload.what, due=due, owner=owner, by=request.auth)
    return Status(201, promise)


def _promise(user, promise_id: int) -> Promise:
    if not permissions.is_staff_member(user):
        raise PermissionDenied("Customers may read the promises on their own tickets only.")
    return queries.promise_for(user, promise_id)


@router.post(
    "/promises/{promise_id}/keep",
    response={200: PromiseOut, **ERRORS},
    summary="Mark a promise kept",
    description="Only an open promise can be kept (422 otherwise). Sales and customers get 403.",
)
def keep_promise(request, promise_id: Id):
    return services.keep(_promise(request.auth, promise_id), by=request.auth)


@router.post(
    "/promises/{promise_id}/cancel",
    response={200: PromiseOut, **ERRORS},
    summary="Cancel a promise",
    description="Only an open promise can be cancelled, with a reason (422 otherwise). Sales and customers get 403.",
)
def cancel_promise(request, promise_id: Id, payload: CancelIn):
    return services.cancel(_promise(request.auth, promise_id), by=request.auth, reason=payload.reason)
