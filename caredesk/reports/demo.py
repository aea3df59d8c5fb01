"""Demo care standard for Fresh Basket: the goals the business set itself (a first reply within the
hour, CSAT of 90%, ...). The figures need no demo data of their own: they are rebuilt from the event log
of the six-month history (which the rollup listener leaves alone while it is replayed) and of what the
other apps' demos added after it, so this runs last. Idempotent: a desk that has a standard keeps it."""

from caredesk.accounts.models import Team, User

from . import rollup, services
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
    rollup.rebuild()
    if CareStandard.objects.exists():
        return
    admin = next((user for user in staff.values() if user.role == User.Role.ADMIN), None)
    services.set_standard(GOALS, by=admin)
