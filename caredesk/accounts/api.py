"""REST API for people: the staff a ticket can be given to, and their teams.

Also the small input types every router shares (ids, text, email addresses, the error body), kept here
because every app already depends on accounts.
"""

from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import AfterValidator

from . import permissions
from .models import Team, User

MAX_ID = 2**63 - 1  # BigAutoField; larger numbers cannot be ids on any database


def _plain(value: str) -> str:
    # Databases cannot store NUL characters (PostgreSQL) or lone surrogates (any UTF-8 store), which JSON
    # can carry: refuse them as bad input rather than fail on save.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode()
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    return value


def _email(value: str) -> str:
    value = value.strip().lower()
    try:
        validate_email(value)
    except ValidationError:
        raise ValueError("must be an email address") from None
    # RFC 5321 allows 64 characters before the @; the part may become a customer's name (200 at most).
    if len(value.rpartition("@")[0]) > 64:
        raise ValueError("must have at most 64 characters before the @")
    return value


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Text = Annotated[str, AfterValidator(_plain)]
Email = Annotated[Text, Field(max_length=254, json_schema_extra={"format": "email"}), AfterValidator(_email)]
RoleName = Literal[tuple(User.Role.values)]


class Error(Schema):
    detail: str = Field(description="What went wrong, in a sentence a person can act on.")


ERRORS = {401: Error, 403: Error, 404: Error, 422: Error}

router = Router(tags=["people"])


def require_staff(user) -> None:
    """People, teams and customers are for staff; customers only ever see their own tickets."""
    if not permissions.is_staff_member(user):
        raise PermissionDenied(_("Only staff may use this endpoint."))


class UserOut(Schema):
    id: int
    name: str
    email: str
    role: RoleName
    team_ids: list[int]

    @staticmethod
    def resolve_name(user: User) -> str:
        return user.get_full_name() or user.email

    @staticmethod
    def resolve_team_ids(user: User) -> list[int]:
        return sorted(membership.team_id for membership in user.memberships.all())


class TeamOut(Schema):
    id: int
    name: str
    is_private: bool


class UserFilters(Schema):
    team: Id | None = Field(None, description="Only members of this team.")
    role: Literal["agent", "lead", "admin", "sales"] | None = None


@router.get(
    "/users",
    response={200: list[UserOut], **ERRORS},
    summary="List staff",
    description="Active staff (agents, leads, admins, sales) with their team ids, by name. Staff only: "
    "customers get 403.",
)
def list_users(request, filters: Query[UserFilters]):
    require_staff(request.auth)
    people = (
        User.objects.filter(is_active=True).exclude(role=User.Role.CUSTOMER).prefetch_related("memberships")
    )
    if filters.team:
        people = people.filter(memberships__team_id=filters.team)
    if filters.role:
        people = people.filter(role=filters.role)
    return people.order_by("first_name", "last_name", "email")


@router.get(
    "/teams",
    response={200: list[TeamOut], **ERRORS},
    summary="List teams",
    description="Every team, by name (a private team's tickets are seen by its members only, but its name is "
    "not secret). Staff only: customers get 403.",
)
def list_teams(request):
    require_staff(request.auth)
    return Team.objects.order_by("name")
