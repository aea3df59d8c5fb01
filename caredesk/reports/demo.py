"""Demo care standard for Fresh Basket: the goals the business set itself (a first reply within the
hour, CSAT of 90%, ...). The figures need no demo data of their own: the six-month history is replayed
through conversations.hooks, so the rollup listener has filled them by the time this runs. Idempotent:
a desk that has a standard keeps it."""

from caredesk.accounts.models import Team, User

from . import services
from .models import CareStandard

GOALS = {
    "first_reply": {"value": 60, "direction": "at_most"},
    "next_reply": {"value": 240, "direction": "at_most"},
    "resolution": {"value": 960, "direction": "at_most"},
    "promises_kept": {"value": 95, "direction": "at_least"},
    "attainment": {"value": 90, "direction": "at_least"},
    "handoffs": {"value": 0.3, "direction": "at_most"},
    "reopen_rate": {"value": 8, "direction": "at_most"},
    "csat": {"value": 90, "direction": "at_least"},
    "nps": {"value": 40, "direction": "at_least"},
    "ces": {"value": 5.5, "direction": "at_least"},
}


def load(teams: dict[str, Team], staff: dict[str, User]) -> None:
    if CareStandard.objects.exists():
        return
    admin = next((user for user in staff.values() if user.role == User.Role.ADMIN), None)
    services.set_standard(GOALS, by=admin)
