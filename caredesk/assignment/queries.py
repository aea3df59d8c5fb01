"""Reads for the routing page and the availability switch, in a fixed number of queries."""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404

from caredesk.accounts import permissions
from caredesk.accounts.models import Team, User
from caredesk.calendars import business_time
from caredesk.calendars.models import BusinessCalendar
from caredesk.calendars.services import build as build_calendar
from caredesk.system import clock

from . import services
from .models import AgentStatus, TeamRouting


@dataclass
class TeamPanel:
    team: Team
    routing: TeamRouting
    can_edit: bool
    agents: list[services.Candidate] = field(default_factory=list)
    next_up: int | None = None  # who routing would give the next ticket to

    @property
    def free(self) -> int:
        return sum(1 for agent in self.agents if agent.can_take)


def _routing(team: Team) -> TeamRouting:
    try:
        return team.routing
    except TeamRouting.DoesNotExist:
        return TeamRouting(team=team)  # unsaved: a team without a row routes by hand


def _calendars(teams: list[Team]) -> dict[int, business_time.Calendar]:
    """Each team's calendar, with one look-up of the default for all teams without their own."""
    default = None
    if any(team.calendar_id is None for team in teams):
        stored = BusinessCalendar.objects.filter(is_default=True).first()
        default = build_calendar(stored) if stored else _round_the_clock()
    return {team.pk: build_calendar(team.calendar) if team.calendar_id else default for team in teams}


def _round_the_clock() -> business_time.Calendar:
    """What calendars.services.calendar_for gives a team when no calendar is stored."""
    return business_time.Calendar(tz=business_time.zone(settings.TIME_ZONE), week=business_time.ALWAYS_OPEN.week)


def routing_page(user: User) -> list[TeamPanel]:
    """The teams whose routing `user` sees, each with its agents as routing sees them now."""
    if not permissions.can_view_routing(user):
        raise PermissionDenied
    teams = list(permissions.routing_teams_of(user).select_related("routing", "calendar").order_by("name"))
    return _panels(user, teams)


def team_panel(user: User, team_id: int) -> TeamPanel:
    if not permissions.can_view_routing(user):
        raise PermissionDenied
    team = permissions.routing_teams_of(user).select_related("routing", "calendar").filter(pk=team_id).first()
    if team is None:
        raise Http404
    return _panels(user, [team])[0]


def team_to_manage(user: User, team_id: int) -> Team:
    """The one way a write on the routing page gets its team: unseen teams are 404, others' 403."""
    team = permissions.routing_teams_of(user).filter(pk=team_id).first()
    if team is None:
        raise Http404
    if not permissions.can_manage_routing(user, team):
        raise PermissionDenied
    return team


def agent_of(team: Team, agent_id: int) -> User:
    agent = User.objects.filter(
        pk=agent_id, memberships__team=team, is_active=True, role__in=services.ROUTING_ROLES
    ).first()
    if agent is None:
        raise Http404
    return agent


def _panels(user: User, teams: list[Team]) -> list[TeamPanel]:
    now = clock.now()
    members = services.team_members(teams)
    counts = services.loads({agent.pk for agents in members.values() for agent in agents})
    calendars = _calendars(teams)
    panels = []
    for team in teams:
        routing = _routing(team)
        pool = [
            services.candidate(
                agent, routing=routing, load=counts.get(agent.pk, 0), team_calendar=calendars[team.pk], now=now
            )
            for agent in members[team.pk]
        ]
        order = services.ranked(pool, routing)
        panels.append(
            TeamPanel(
                team=team,
                routing=routing,
                can_edit=permissions.can_manage_routing(user, team),
                agents=pool,
                next_up=order[0].user.pk if order else None,
            )
        )
    return panels


def availability_of(user: User) -> str:
    row = AgentStatus.objects.filter(user=user).only("status").first()
    return row.status if row else AgentStatus.Status.AVAILABLE
