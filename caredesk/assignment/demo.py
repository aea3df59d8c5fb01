"""Fresh Basket's routing: Billing takes turns, Deliveries (the busiest queue) goes to whoever has most
room, Product & Quality is picked by hand. A few agents are away, offline or part-time, so the
routing page has something to explain. Idempotent: what an admin has changed since is kept."""

from caredesk.accounts.models import Team, User

from .models import AgentStatus, TeamRouting

ROUTING = {
    "Billing": (TeamRouting.Mode.ROUND_ROBIN, 8),
    "Deliveries": (TeamRouting.Mode.LEAST_LOADED, 12),
    "Product & Quality": (TeamRouting.Mode.MANUAL, 10),
}

# email: status, own capacity (None: the team's), own working hours ("" : the team's)
AGENTS = {
    "lead@example.com": (AgentStatus.Status.AVAILABLE, 5, ""),
    "aisha.rahman@example.com": (AgentStatus.Status.AVAILABLE, 6, "mon-wed 08:00-14:00"),
    "callum.mcbride@example.com": (AgentStatus.Status.AWAY, None, ""),
    "rhys.evans@example.com": (AgentStatus.Status.OFFLINE, None, ""),
    "hannah.schofield@example.com": (AgentStatus.Status.AVAILABLE, 15, "mon-fri 07:00-15:00"),
}


def load(teams: dict[str, Team], staff: dict[str, User]) -> None:
    for name, (mode, capacity) in ROUTING.items():
        if name in teams:
            TeamRouting.objects.get_or_create(team=teams[name], defaults={"mode": mode, "max_open_default": capacity})
    for email, (status, capacity, hours) in AGENTS.items():
        if email in staff:
            AgentStatus.objects.get_or_create(
                user=staff[email], defaults={"status": status, "capacity": capacity, "hours": hours}
            )
