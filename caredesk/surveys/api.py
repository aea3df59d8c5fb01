"""REST API for surveys: `GET /api/v1/surveys`, the surveys of tickets the caller may see, newest first.

Staff only (customers answer through their links or the portal: 403). Rows are limited to tickets the
caller may see (permissions.visible_tickets), so a private team's surveys stay with that team.
Pages by keyset: pass the last id seen as `before_id`.
"""

from datetime import UTC, datetime

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from caredesk.accounts import permissions
from caredesk.accounts.api import ERRORS, Id
from caredesk.conversations.models import Ticket

from .models import Kind, Survey

router = Router(tags=["Surveys"])


class SurveyOut(Schema):
    id: int
    ticket_id: int
    team_id: int | None
    kind: str = Field(description="csat, ces or nps")
    scale: str = Field(description="good_bad (0 bad, 1 good), 1-5, 1-7 or 0-10")
    channel: str
    sent_at: datetime
    changeable_until: datetime
    score: int | None
    comment: str
    answered_at: datetime | None
    changed_at: datetime | None
    low: bool = Field(description="Answered at or below the team's threshold (a follow-up was opened)")


class SurveyFilters(Schema):
    team_id: Id | None = None
    kind: Kind | None = None
    answered: bool | None = Field(None, description="true: answered only; false: unanswered only")
    low: bool | None = Field(None, description="true: low answers only")
    since: datetime | None = Field(None, description="Sent at or after this time")
    before_id: Id | None = Field(None, description="Keyset cursor: the last id of the previous page")
    limit: int = Field(50, ge=1, le=200)

    @field_validator("since")
    @classmethod
    def _in_utc(cls, value: datetime | None) -> datetime | None:
        # ISO 8601 allows offsets up to 24 hours, PostgreSQL refuses those past 16: the same moment in UTC.
        if value is None or value.tzinfo is None:
            return value
        try:
            return value.astimezone(UTC)
        except OverflowError:
            raise ValueError("must be a moment between the years 1 and 9999") from None


@router.get("/surveys", response={200: list[SurveyOut], **ERRORS}, summary="List surveys")
def list_surveys(request, filters: Query[SurveyFilters]):
    user = request.auth
    if not permissions.is_staff_member(user):
        raise PermissionDenied("Surveys are listed for staff; customers answer theirs in the portal.")
    rows = Survey.objects.all()
    if not permissions.is_admin(user):
        rows = rows.filter(ticket__in=Ticket.objects.filter(permissions.visible_tickets(user)).values("pk"))
    if filters.team_id is not None:
        rows = rows.filter(team_id=filters.team_id)
    if filters.kind is not None:
        rows = rows.filter(kind=filters.kind)
    if filters.answered is not None:
        rows = rows.filter(score__isnull=not filters.answered)
    if filters.since is not None:
        rows = rows.filter(sent_at__gte=filters.since)
    if filters.before_id is not None:
        rows = rows.filter(pk__lt=filters.before_id)
    if filters.low is not None:
        is_low = Q(score__isnull=False, score__lte=F("low_threshold"))
        rows = rows.filter(is_low if filters.low else ~is_low)
    surveys = list(rows.order_by("-id")[: filters.limit])
    return [{**{f: getattr(s, f) for f in SurveyOut.model_fields if f != "low"}, "low": s.is_low} for s in surveys]
