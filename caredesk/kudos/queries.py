"""Reads for the kudos pages and API: walls, a person's compliments, counts, the log form's choices."""

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404

from caredesk.accounts import permissions
from caredesk.accounts.models import Team, User

from .models import Kudos

PER_PAGE = 20


def _rows(queryset):
    return queryset.select_related("person", "ticket", "logged_by").only(
        "id", "text", "source", "match", "at", "team_id", "ticket_id", "message_id",
        "person__id", "person__first_name", "person__last_name", "person__email",
        "ticket__id", "ticket__subject",
        "logged_by__id", "logged_by__first_name", "logged_by__last_name", "logged_by__email",
    )


def wall_teams(user) -> list[Team]:
    return list(permissions.kudos_wall_teams(user).order_by("name"))


def wall_team_for(user, team_id: int | None, teams: list[Team]) -> Team | None:
    """The wall to show: the one asked for (404 if `user` may not see it), else the user's own first team,
    else the first they may see."""
    if team_id is not None:
        team = next((t for t in teams if t.pk == team_id), None)
        if team is None:
            raise Http404
        return team
    mine = permissions.member_team_ids(user)
    return next((t for t in teams if t.pk in mine), None) or (teams[0] if teams else None)


def wall_page(team: Team, page_number) -> "Paginator.page":
    """One page of a team's wall, newest first (kudos_team_at)."""
    paginator = Paginator(_rows(Kudos.objects.filter(team=team)).order_by("-at", "-id"), PER_PAGE)
    return paginator.get_page(page_number)


def count_for(person, *, viewer=None) -> int:
    """How many compliments `person` has, on the walls `viewer` may see (all of them for themselves)."""
    kudos = Kudos.objects.filter(person=person)
    if viewer is not None and viewer.pk != person.pk and not permissions.is_admin(viewer):
        kudos = kudos.filter(team__in=permissions.kudos_wall_teams(viewer))
    return kudos.count()


def person_for(user, person_id: int) -> User:
    """The one way a page gets a person whose kudos it shows. Those `user` may not see are 404."""
    person = get_object_or_404(User, pk=person_id)
    if not permissions.can_see_kudos_of(user, person):
        raise Http404
    return person


def person_page(person, *, viewer, page_number):
    kudos = Kudos.objects.filter(person=person)
    if viewer.pk != person.pk and not permissions.is_admin(viewer):
        kudos = kudos.filter(team__in=permissions.kudos_wall_teams(viewer))
    return Paginator(_rows(kudos.select_related("team")).order_by("-at", "-id"), PER_PAGE).get_page(page_number)


def top_people(team: Team, *, limit: int = 5) -> list[dict]:
    """The team's most praised people: the wall's side panel."""
    rows = (
        Kudos.objects.filter(team=team)
        .values("person_id", "person__first_name", "person__last_name", "person__email")
        .annotate(count=Count("id"))
        .order_by("-count", "person__first_name")[:limit]
    )
    return [
        {
            "id": row["person_id"],
            "name": f"{row['person__first_name']} {row['person__last_name']}".strip() or row["person__email"],
            "count": row["count"],
        }
        for row in rows
    ]


def praisable_people(user):
    """Whom `user` may log a compliment for: active agents, leads and admins on the teams `user` may see."""
    return (
        User.objects.filter(
            is_active=True,
            role__in=[User.Role.AGENT, User.Role.LEAD, User.Role.ADMIN],
            memberships__team__in=permissions.kudos_wall_teams(user),
        )
        .distinct()
        .order_by("first_name", "last_name", "email")
    )

