"""Reads for escalation pages and endpoints, each behind the permission module."""

from dataclasses import dataclass

from django.core.cache import caches
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Count, Q
from django.http import Http404

from caredesk.accounts import permissions
from caredesk.accounts.models import Membership, Team, User

from . import services
from .models import Escalation, Ladder

BOARD_LIMIT = 200
NAV_COUNT_FOR = 30  # seconds the nav link's count is reused (per person, per process)
NAV_COUNT_LIMIT = 99  # above it the nav link says "99+": an admin of a big desk must not count them all

_WITH_LADDER = (
    "team__escalation_ladder__manager",
    "team__escalation_ladder__escalation_team",
)


def ladder_of(escalation: Escalation) -> Ladder:
    """The ladder of the escalation's team as loaded with it (select_related), or the default one."""
    try:
        return escalation.team.escalation_ladder
    except ObjectDoesNotExist:
        return Ladder(team=escalation.team)


@dataclass
class BoardRow:
    escalation: Escalation
    level_name: str
    can_act: bool


def board(user) -> tuple[list[BoardRow], dict[int, int], bool]:
    """Open escalations `user` may see on the board, oldest first, with counts per level (of all of them,
    not only the rows shown) and whether there were more than BOARD_LIMIT. Two queries however many."""
    visible = Escalation.objects.filter(permissions.visible_escalations(user), state=Escalation.State.OPEN)
    rows = list(
        visible.select_related("ticket__customer", "raised_by", *_WITH_LADDER)
        .order_by("raised_at", "id")[: BOARD_LIMIT + 1]
    )
    counts = visible.aggregate(
        level_1=Count("pk", filter=Q(level=1)), level_2=Count("pk", filter=Q(level=2))
    )
    board_rows = []
    for escalation in rows[:BOARD_LIMIT]:
        ladder = ladder_of(escalation)
        board_rows.append(
            BoardRow(
                escalation=escalation,
                level_name=services.level_name(ladder, escalation.level),
                can_act=services.at_level(user, escalation, ladder),
            )
        )
    return board_rows, {1: counts["level_1"], 2: counts["level_2"]}, len(rows) > BOARD_LIMIT


def waiting_count(user) -> int:
    """Open escalations at `user`'s level (all open ones for admins), for the nav link: one count over the
    open-escalations index, remembered NAV_COUNT_FOR seconds per person (per process)."""
    if not permissions.can_work(user):
        return 0
    key = f"escalations-waiting:{user.pk}"
    cache = caches["local"]
    count = cache.get(key)
    if count is None:
        waiting = Escalation.objects.filter(permissions.escalations_at_level_of(user), state=Escalation.State.OPEN)
        count = waiting[: NAV_COUNT_LIMIT + 1].count()
        cache.set(key, count, NAV_COUNT_FOR)
    return count


def forget_counts(*users) -> None:
    """After a change the person made, their own count is recounted on their next page."""
    cache = caches["local"]
    for user in users:
        if user is not None:
            cache.delete(f"escalations-waiting:{user.pk}")


def open_for_ticket(ticket) -> Escalation | None:
    """The ticket's open escalation with its ladder. Most tickets have none, and the five-table join took
    longer to build in Python than to run (1.7 ms against 0.5 for a plain look): so first a plain look
    through the one-open-per-ticket index, and the join only for an escalation that is there."""
    found = (
        Escalation.objects.filter(ticket_id=ticket.pk, state=Escalation.State.OPEN)
        .values_list("pk", flat=True)
        .first()
    )
    if found is None:
        return None
    return Escalation.objects.select_related("raised_by", *_WITH_LADDER).filter(pk=found).first()


def escalation_for(user, escalation_id: int, *, to_act: bool = False) -> Escalation:
    """The one way a page or endpoint gets an escalation: 404 when its ticket is invisible to `user`,
    403 when `to_act` and `user` is not at its level (nor an admin)."""
    escalation = (
        Escalation.objects.select_related("ticket__customer", "ticket__team", "raised_by", *_WITH_LADDER)
        .filter(pk=escalation_id)
        .first()
    )
    if escalation is None or not permissions.can_see_ticket(user, escalation.ticket):
        raise Http404
    if to_act and not (
        permissions.can_work_on(user, escalation.ticket) and services.at_level(user, escalation, ladder_of(escalation))
    ):
        raise PermissionDenied("Only the people at the escalation's level (or an admin) can resolve or de-escalate it.")
    return escalation


def ladders() -> list[tuple[Team, Ladder, list]]:
    """Every team with its ladder (saved or default) and its leads, for the ladders page: three queries."""
    saved = {ladder.team_id: ladder for ladder in Ladder.objects.select_related("manager", "escalation_team")}
    leads: dict[int, list] = {}
    for membership in (
        Membership.objects.select_related("user")
        .filter(user__role=User.Role.LEAD, user__is_active=True)
        .order_by("user__first_name", "user__last_name")
    ):
        leads.setdefault(membership.team_id, []).append(membership.user)
    return [
        (team, saved.get(team.pk) or Ladder(team=team), leads.get(team.pk, []))
        for team in Team.objects.order_by("name")
    ]
