"""Routing: who gets a ticket that arrives in a team's queue, and the settings that decide it.

choose_owner() only reads: it ranks the team's agents and names the first who can take the ticket.
route() writes: under a lock on the team's routing row (and then on the chosen agent's status row, since
an agent may be on two teams) it checks the ticket still waits, picks an owner and assigns through
conversations.services.assign with the system as the actor. Callers of the settings writes
(configure, set_availability, set_agent_settings) have checked permission (accounts.permissions).
"""

from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from caredesk.accounts.models import Membership, Team, User
from caredesk.calendars import business_time
from caredesk.calendars.services import calendar_for
from caredesk.conversations import services as conversations
from caredesk.conversations.models import OPEN_STATUSES, Ticket
from caredesk.system import clock

from .models import MAX_CAPACITY, AgentStatus, TeamRouting

# The tickets that weigh on an agent: work waiting for them. A ticket waiting for the customer or on hold
# does not stop them taking a new one (as Zendesk counts capacity).
LOAD_STATUSES = (Ticket.Status.NEW, Ticket.Status.OPEN)
ROUTING_ROLES = (User.Role.AGENT, User.Role.LEAD)


@dataclass
class Candidate:
    """One agent of a team as routing sees them now."""

    user: User
    status: str
    capacity: int
    load: int
    in_hours: bool  # within their working hours now
    working: bool  # counts as working for routing (in hours, or the team routes round the clock)
    last_assigned_at: datetime | None
    own_capacity: int | None = None
    own_hours: str = ""

    @property
    def can_take(self) -> bool:
        return self.status == AgentStatus.Status.AVAILABLE and self.working and self.load < self.capacity

    @property
    def why_not(self) -> str:
        """Why routing passes them over, for the settings page ('' when it does not)."""
        if self.status != AgentStatus.Status.AVAILABLE:
            return AgentStatus.Status(self.status).label
        if not self.working:
            return _("Outside working hours")
        if self.load >= self.capacity:
            return _("At capacity")
        return ""


def routing_of(team: Team) -> TeamRouting | None:
    return TeamRouting.objects.filter(team=team).first()


def loads(user_ids) -> dict[int, int]:
    """Open tickets (LOAD_STATUSES) each agent owns, in one grouped query; agents with none are absent."""
    rows = (
        Ticket.objects.filter(owner_id__in=list(user_ids), status__in=LOAD_STATUSES)
        .order_by()
        .values("owner_id")
        .annotate(count=Count("id"))
    )
    return {row["owner_id"]: row["count"] for row in rows}


@lru_cache(maxsize=256)
def _own_week(hours: str):
    try:
        return business_time.parse_hours(hours)
    except business_time.CalendarError:
        return None  # stored around the form's check: the team's hours apply


def agent_calendar(status: AgentStatus | None, team_calendar: business_time.Calendar) -> business_time.Calendar:
    """The agent's own hours on the team calendar's zone and closed days, else the team calendar."""
    week = _own_week(status.hours.strip()) if status is not None and status.hours.strip() else None
    if week is None:
        return team_calendar
    return business_time.Calendar(
        tz=team_calendar.tz, week=week, holidays=team_calendar.holidays, closed=team_calendar.closed
    )


def _status_row(user: User) -> AgentStatus | None:
    try:
        return user.agent_status
    except AgentStatus.DoesNotExist:
        return None


def candidate(
    user: User, *, routing: TeamRouting, load: int, team_calendar: business_time.Calendar, now: datetime
) -> Candidate:
    row = _status_row(user)
    in_hours = business_time.is_working_time(now, agent_calendar(row, team_calendar))
    return Candidate(
        user=user,
        status=row.status if row else AgentStatus.Status.AVAILABLE,
        capacity=(row.capacity if row and row.capacity else routing.max_open_default),
        load=load,
        in_hours=in_hours,
        working=in_hours or not routing.only_when_working,
        last_assigned_at=row.last_assigned_at if row else None,
        own_capacity=row.capacity if row else None,
        own_hours=row.hours if row else "",
    )


def team_agents(team: Team) -> list[User]:
    """The team's members routing may give tickets to, by id (the round-robin order), statuses joined."""
    return list(
        User.objects.filter(memberships__team=team, is_active=True, role__in=ROUTING_ROLES)
        .select_related("agent_status")
        .order_by("pk")
    )


def candidates(team: Team, *, routing: TeamRouting, now: datetime | None = None) -> list[Candidate]:
    now = now or clock.now()
    agents = team_agents(team)
    counts = loads(agent.pk for agent in agents)
    team_calendar = calendar_for(team)
    return [
        candidate(agent, routing=routing, load=counts.get(agent.pk, 0), team_calendar=team_calendar, now=now)
        for agent in agents
    ]


_LONG_AGO = datetime.min.replace(tzinfo=timezone.utc)


def ranked(pool: list[Candidate], routing: TeamRouting) -> list[Candidate]:
    """Those who can take a ticket now, in the order routing offers it to them."""
    able = sorted((c for c in pool if c.can_take), key=lambda c: c.user.pk)
    if routing.mode == TeamRouting.Mode.ROUND_ROBIN:
        pointer = routing.last_assigned_id or 0
        return [c for c in able if c.user.pk > pointer] + [c for c in able if c.user.pk <= pointer]
    if routing.mode == TeamRouting.Mode.LEAST_LOADED:
        return sorted(able, key=lambda c: (c.load / c.capacity, c.last_assigned_at or _LONG_AGO, c.user.pk))
    return []


def choose_owner(ticket: Ticket, *, routing: TeamRouting | None = None, now: datetime | None = None) -> User | None:
    """Who the ticket's team would give it to now, or None (routing by hand, or nobody free). Reads only."""
    routing = routing or routing_of(ticket.team)
    if routing is None or not routing.is_automatic:
        return None
    order = ranked(candidates(ticket.team, routing=routing, now=now), routing)
    return order[0].user if order else None


def _locked_status(user: User) -> AgentStatus:
    row = AgentStatus.objects.select_for_update().filter(user=user).first()
    if row is None:
        AgentStatus.objects.get_or_create(user=user)
        row = AgentStatus.objects.select_for_update().get(user=user)
    return row


@transaction.atomic
def route(ticket: Ticket, *, only: User | None = None) -> User | None:
    """Give a waiting ticket to the agent its team's routing picks (or only to `only`, when they can take
    it). Returns the new owner, or None when the ticket is owned, closed, routed by hand, or nobody can
    take it now (it stays in the queue; the periodic sweep tries again)."""
    # Lock the team's routing row first: two tickets of one team are routed one after the other, so
    # neither can see a last free slot the other is taking.
    routing = TeamRouting.objects.select_for_update().filter(team_id=ticket.team_id).first()
    if routing is None or not routing.is_automatic:
        return None
    ticket = Ticket.objects.select_for_update(of=("self",)).select_related("team").get(pk=ticket.pk)
    if ticket.owner_id or ticket.status not in OPEN_STATUSES or ticket.merged_into_id:
        return None
    if ticket.team_id != routing.team_id:
        return None  # moved to another team meanwhile; that transfer queued its own routing
    now = clock.now()
    for choice in ranked(candidates(ticket.team, routing=routing, now=now), routing):
        if only is not None and choice.user.pk != only.pk:
            continue
        # An agent on two teams is reached under two routing locks: lock their own row and count again.
        row = _locked_status(choice.user)
        capacity = row.capacity or routing.max_open_default
        if row.status != AgentStatus.Status.AVAILABLE or loads([choice.user.pk]).get(choice.user.pk, 0) >= capacity:
            continue
        conversations.assign(ticket, to=choice.user, by=None, data={"routing": routing.mode})
        routing.last_assigned = choice.user
        routing.save(update_fields=["last_assigned"])
        row.last_assigned_at = now
        row.save(update_fields=["last_assigned_at"])
        return choice.user
    return None


def waiting(team_ids) -> QuerySet:
    """Open tickets nobody owns in these teams, oldest first (read through the team's open-ticket index)."""
    return Ticket.objects.filter(
        team_id__in=list(team_ids), owner__isnull=True, status__in=OPEN_STATUSES, merged_into__isnull=True
    ).order_by("created_at", "id")


def routed_team_ids() -> list[int]:
    return list(TeamRouting.objects.exclude(mode=TeamRouting.Mode.MANUAL).values_list("team_id", flat=True))


def route_waiting(*, batch: int = 100) -> int:
    """Route up to `batch` waiting tickets of routed teams, oldest first; a team found with nobody free
    is skipped for the rest of the batch. Returns how many were assigned."""
    team_ids = routed_team_ids()
    if not team_ids:
        return 0
    full: set[int] = set()
    assigned = 0
    for ticket in waiting(team_ids).only("id", "team_id")[:batch]:
        if ticket.team_id in full:
            continue
        if route(ticket):
            assigned += 1
        else:
            full.add(ticket.team_id)
    return assigned


def pull_waiting(agent: User, *, batch: int = 100) -> int:
    """An agent became available: give them waiting tickets of their routed teams, oldest first, until
    they are full (or out of hours) in each team. Returns how many they were given."""
    team_ids = set(agent.memberships.values_list("team_id", flat=True)) & set(routed_team_ids())
    if not team_ids:
        return 0
    full: set[int] = set()
    assigned = 0
    for ticket in waiting(team_ids).only("id", "team_id")[:batch]:
        if ticket.team_id in full:
            continue
        if route(ticket, only=agent):
            assigned += 1
        else:
            # Full, away or out of this team's hours; another team (its own hours and default
            # capacity) may still have room for them.
            full.add(ticket.team_id)
    return assigned


# --- Settings ---------------------------------------------------------------------------------------


@transaction.atomic
def configure(team: Team, *, mode: str, only_when_working: bool, max_open_default: int, by: User) -> TeamRouting:
    """Set how `team` routes. Turning routing on routes the tickets already waiting (after commit)."""
    if mode not in TeamRouting.Mode.values:
        raise ValidationError(_("Unknown routing: %(mode)s.") % {"mode": mode})
    if not 1 <= max_open_default <= MAX_CAPACITY:
        raise ValidationError(_("A capacity is between 1 and %(most)s open tickets.") % {"most": MAX_CAPACITY})
    routing, _created = TeamRouting.objects.select_for_update().get_or_create(team=team)
    was_automatic = routing.is_automatic
    routing.mode = mode
    routing.only_when_working = only_when_working
    routing.max_open_default = max_open_default
    routing.updated_at = clock.now()
    routing.save()
    if routing.is_automatic and not was_automatic:
        _after_commit_route_waiting()
    return routing


def _after_commit_route_waiting() -> None:
    from . import tasks
    from caredesk.system.queue import later

    transaction.on_commit(lambda: later(tasks.route_waiting_tickets))


@transaction.atomic
def set_availability(user: User, *, status: str, by: User) -> AgentStatus:
    """Say whether `user` takes new tickets. Becoming available pulls waiting tickets their way."""
    if status not in AgentStatus.Status.values:
        raise ValidationError(_("Unknown status: %(status)s.") % {"status": status})
    row = _locked_status(user)
    if row.status == status:
        return row
    row.status = status
    row.changed_at = clock.now()
    row.save(update_fields=["status", "changed_at"])
    if status == AgentStatus.Status.AVAILABLE:
        from . import tasks
        from caredesk.system.queue import later

        # After commit, not inside: routing locks the team's row, then this one; holding this one while
        # waiting for the team's (as an inline task would) could deadlock with a ticket being routed.
        transaction.on_commit(lambda: later(tasks.pull_waiting_tickets, user_id=user.pk))
    return row


@transaction.atomic
def set_agent_settings(agent: User, *, capacity: int | None, hours: str, by: User) -> AgentStatus:
    """Set an agent's capacity (None: their team's default) and own working hours ('' for the team's)."""
    if capacity is not None and not 1 <= capacity <= MAX_CAPACITY:
        raise ValidationError(_("A capacity is between 1 and %(most)s open tickets.") % {"most": MAX_CAPACITY})
    hours = (hours or "").strip()
    if hours:
        try:
            business_time.parse_hours(hours)
        except business_time.CalendarError as error:
            raise ValidationError(str(error)) from None
    row = _locked_status(agent)
    grew = (capacity or 0) > (row.capacity or 0) or hours != row.hours
    row.capacity = capacity
    row.hours = hours
    row.save(update_fields=["capacity", "hours"])
    if grew and row.status == AgentStatus.Status.AVAILABLE:
        from . import tasks
        from caredesk.system.queue import later

        transaction.on_commit(lambda: later(tasks.pull_waiting_tickets, user_id=agent.pk))
    return row


def team_members(teams) -> dict[int, list[User]]:
    """Routing-eligible members of each team (statuses joined), in one query, by id."""
    result: dict[int, list[User]] = {team.pk: [] for team in teams}
    rows = (
        Membership.objects.filter(team__in=list(teams), user__is_active=True, user__role__in=ROUTING_ROLES)
        .select_related("user__agent_status")
        .order_by("user_id")
    )
    for membership in rows:
        result[membership.team_id].append(membership.user)
    return result
