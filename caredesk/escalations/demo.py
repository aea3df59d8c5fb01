"""Fresh Basket's escalation ladders, and a few open escalations so the board is not empty."""

from datetime import timedelta

from caredesk.accounts.models import Team, User
from caredesk.conversations.models import OPEN_STATUSES, Ticket
from caredesk.system import clock

from . import services
from .models import Escalation

# team: (escalation team or None, manager's email or None, minutes before an automatic escalation climbs)
LADDERS = {
    "Billing": (None, "admin@example.com", 60),
    "Deliveries": ("Escalations", "admin@example.com", 30),
    # No lead: its escalations go to the admins at level 1, the top of its ladder.
    "Product & Quality": (None, None, 120),
}

# team, reason, hours ago, automatic
ESCALATIONS = (
    ("Billing", "The customer wants a refund above my limit; can you approve it today?", 3, False),
    ("Deliveries", "The first reply target was missed.", 1, True),
    ("Product & Quality", "Unhappy with every answer so far and asks for a manager; I have nothing more to offer.", 26, False),
)


def load(teams: dict[str, Team], staff: dict[str, User]) -> None:
    """Ladders for the demo teams (level 2: the admin, Ada, as manager; for Deliveries also an
    "Escalations" team when the demo has one), then three open escalations raised by the agents who own
    the tickets (the automatic one climbs to level 2 on the worker's first minute). Safe to run again."""
    admin = staff.get("admin@example.com")
    for name, (escalation_team, manager, minutes) in LADDERS.items():
        team = teams.get(name)
        if team is None:
            continue
        services.save_ladder(
            team,
            by=admin,
            escalation_team=teams.get(escalation_team) if escalation_team else None,
            manager=staff.get(manager) if manager else None,
            auto_escalate_after_minutes=minutes,
        )
    if Escalation.objects.exists():
        return
    now = clock.now()
    for name, reason, hours, automatic in ESCALATIONS:
        team = teams.get(name)
        ticket = (
            Ticket.objects.filter(team=team, status__in=OPEN_STATUSES, owner__role=User.Role.AGENT, merged_into=None)
            .select_related("owner")
            .order_by("-updated_at")
            .first()
        )
        if ticket is None:
            continue
        with clock.travel_to(now - timedelta(hours=hours)):
            services.escalate(
                ticket,
                by=None if automatic else ticket.owner,
                reason=reason,
                automatic=automatic,
                cause=Escalation.Cause.TARGET_BREACHED if automatic else Escalation.Cause.MANUAL,
            )
