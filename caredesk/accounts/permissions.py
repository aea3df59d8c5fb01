"""Who may see and do what. The one place these rules live: pages, API and tasks all call it.

Rules:
- admins see and work on every ticket;
- agents and leads see tickets of public teams and of the private teams they belong to, and work on
  what they see;
- sales see what agents of no private team would see, and change nothing;
- customers see only their own tickets and may only answer them (portal);
- anyone inactive or anonymous sees nothing.
"""

from django.db.models import Q

from .models import Team, User

NOTHING = Q(pk__in=[])


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_staff_member(user) -> bool:
    return _active(user) and user.role in (User.Role.AGENT, User.Role.LEAD, User.Role.ADMIN, User.Role.SALES)


def is_admin(user) -> bool:
    return _active(user) and (user.role == User.Role.ADMIN or user.is_superuser)


def can_work(user) -> bool:
    """May change tickets at all (reply, note, transfer, edit)."""
    return _active(user) and user.is_agent_like


def member_team_ids(user) -> set[int]:
    if not _active(user):
        return set()
    cached = getattr(user, "_member_team_ids", None)
    if cached is None:
        cached = set(user.memberships.values_list("team_id", flat=True))
        user._member_team_ids = cached
    return cached


def visible_tickets(user) -> Q:
    """A filter on Ticket for exactly the tickets `user` may see; can_see_ticket agrees with it."""
    if not _active(user):
        return NOTHING
    if is_admin(user):
        return Q()
    if user.role == User.Role.CUSTOMER:
        return Q(customer__user=user)
    if is_staff_member(user):
        return Q(team__is_private=False) | Q(team_id__in=member_team_ids(user))
    return NOTHING


def can_see_team(user, team: Team) -> bool:
    if is_admin(user):
        return True
    return is_staff_member(user) and (not team.is_private or team.pk in member_team_ids(user))


def can_see_ticket(user, ticket) -> bool:
    if not _active(user):
        return False
    if user.role == User.Role.CUSTOMER:
        return ticket.customer.user_id == user.pk
    return can_see_team(user, ticket.team)


def can_work_on(user, ticket) -> bool:
    return can_work(user) and can_see_ticket(user, ticket)


def can_answer_as_customer(user, ticket) -> bool:
    return _active(user) and user.role == User.Role.CUSTOMER and ticket.customer.user_id == user.pk


def can_own_tickets_of(user, team: Team) -> bool:
    """Whether `user` may be made the owner of a ticket in `team`: a working member of it."""
    return _active(user) and user.is_agent_like and team.pk in member_team_ids(user)


# --- assignment ---


def can_view_routing(user) -> bool:
    """The routing page: agents, leads and admins (agents see their teams' settings; sales and customers
    have no use for it)."""
    return can_work(user)


def routing_teams_of(user):
    """Teams whose routing `user` sees on the routing page: every team for admins, else their own."""
    if is_admin(user):
        return Team.objects.all()
    if not can_view_routing(user):
        return Team.objects.none()
    return Team.objects.filter(pk__in=member_team_ids(user))


def can_manage_routing(user, team: Team) -> bool:
    """Change a team's routing and its agents' capacity and hours: admins, and the team's own leads."""
    if is_admin(user):
        return True
    return _active(user) and user.role == User.Role.LEAD and team.pk in member_team_ids(user)


def can_set_availability(user) -> bool:
    """Say whether one takes new tickets (the switch in the top bar): those routing gives tickets to,
    agents and leads (admins see the routing link there, without a switch)."""
    return _active(user) and user.role in (User.Role.AGENT, User.Role.LEAD)


# --- handoffs ---


def can_see_handoff_report(user) -> bool:
    """The hand-off report (conversations.handoffs) is for those who manage teams: leads and admins.
    Agents see each ticket's hand-offs on the ticket and run-arounds flagged in the queue; sales and
    customers never see it. Its rows are still limited to the teams the user may see."""
    return is_admin(user) or (_active(user) and user.role == User.Role.LEAD)

# --- promises ---


def can_handle_promises_on(user, ticket) -> bool:
    """Record, keep or cancel promises on a ticket: whoever may work on it (never sales or customers)."""
    return can_work_on(user, ticket)


def can_own_promise_on(user, ticket) -> bool:
    """Who may be made answerable for a promise on a ticket: an active agent, lead or admin who may work on it."""
    return can_work_on(user, ticket)

# --- calendars ---


def can_view_calendars(user) -> bool:
    """Agents, leads and admins read the business calendars their targets and promises count in."""
    return can_work(user)


def can_edit_calendars(user) -> bool:
    """Only admins change working hours, holidays and which team uses which calendar."""
    return is_admin(user)
