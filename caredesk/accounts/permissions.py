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


# --- service_levels ---


def can_view_service_levels(user) -> bool:
    """The service target settings page: agents, leads and admins read it (they work to it)."""
    return _active(user) and (user.is_agent_like or is_admin(user))


def can_edit_service_levels(user) -> bool:
    """Creating, changing, reordering and deleting policies: admins only."""
    return is_admin(user)
