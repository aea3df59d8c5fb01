"""REST API for escalations: escalate a ticket, resolve an escalation. Same permission functions as the pages."""

from datetime import datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from caredesk.accounts import permissions
from caredesk.accounts.api import ERRORS, Id, Text
from caredesk.conversations import queries as ticket_queries

from . import queries, services
from .models import Escalation

router = Router(tags=["escalations"])


class EscalateIn(Schema):
    reason: Annotated[Text, Field(min_length=1, max_length=2000)] = Field(
        description="Why it needs escalating; the next level reads this first."
    )


class ResolveIn(Schema):
    resolution: Annotated[Text, Field(min_length=1, max_length=5000)] = Field(
        description="What was decided and done."
    )


class EscalationOut(Schema):
    id: int
    ticket_id: int
    level: int
    state: str
    reason: str
    automatic: bool
    cause: str
    raised_by_id: int | None
    raised_at: datetime
    resolved_by_id: int | None
    resolved_at: datetime | None
    resolution: str
    previous_id: int | None


def _staff(user) -> None:
    if not permissions.is_staff_member(user):
        raise PermissionDenied(_("Customers may read and answer their own tickets only."))


@router.post(
    "/tickets/{ticket_id}/escalate",
    response={200: EscalationOut, **ERRORS},
    summary="Escalate",
    description="Escalate the ticket to level 1 of its team's ladder (the team's leads); if it is already "
    "escalated, climb to level 2. 422 at the top of the ladder or for a ticket that is not open. Sales and "
    "customers get 403.",
)
def escalate_ticket(request, ticket_id: Id, payload: EscalateIn) -> Escalation:
    ticket = ticket_queries.ticket_for(request.auth, ticket_id, to_change=True)
    _staff(request.auth)
    escalation = services.escalate(ticket, by=request.auth, reason=payload.reason)
    queries.forget_counts(request.auth)
    return escalation


@router.post(
    "/escalations/{escalation_id}/resolve",
    response={200: EscalationOut, **ERRORS},
    summary="Resolve an escalation",
    description="Record the resolution of an open escalation. Only the people at its level (or an admin) "
    "may: others get 403. 422 when it is no longer open.",
)
def resolve_escalation(request, escalation_id: Id, payload: ResolveIn) -> Escalation:
    _staff(request.auth)
    escalation = queries.escalation_for(request.auth, escalation_id, to_act=True)
    escalation = services.resolve(escalation, by=request.auth, resolution=payload.resolution)
    queries.forget_counts(request.auth)
    return escalation
