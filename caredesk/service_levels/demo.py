"""Service targets for the Fresh Basket demo desk: urgent cases, gold accounts, everyone else."""

from caredesk.customers.models import Organisation

from .models import Policy
from .queries import MINUTES_PER_DAY
from .services import save_policy

HOUR = 60
# Business accounts that get the gold tier (they order several times a week).
GOLD_ORGANISATIONS = ("The Corner Café", "St Anne's Primary School Kitchen")

# name, conditions, first reply, next reply, resolution (business minutes)
POLICIES = (
    ("Urgent", {"priorities": [4]}, 1 * HOUR, 2 * HOUR, 1 * MINUTES_PER_DAY),
    ("Gold accounts", {"organisation_tiers": ["gold"]}, 2 * HOUR, 4 * HOUR, 2 * MINUTES_PER_DAY),
    ("Standard", {}, 4 * HOUR, 8 * HOUR, 3 * MINUTES_PER_DAY),
)


def load(teams: dict, staff: dict) -> None:
    """Create the demo policies, in this order, unless they exist (running it twice changes nothing),
    and put two business accounts on the gold tier. Call it before the tickets are replayed (so they
    get targets) and after the organisations exist (so the gold tier lands). The policies apply to
    every team; `teams` is part of the demo loader's contract but not needed here."""
    Organisation.objects.filter(name__in=GOLD_ORGANISATIONS, tier="").update(tier="gold")
    admin = next((user for user in staff.values() if getattr(user, "role", "") == "admin"), None)
    existing = set(Policy.objects.filter(name__in=[name for name, *_ in POLICIES]).values_list("name", flat=True))
    for name, conditions, first_reply, next_reply, resolution in POLICIES:
        if name in existing:
            continue
        save_policy(
            None,
            by=admin,
            name=name,
            first_reply_minutes=first_reply,
            next_reply_minutes=next_reply,
            resolution_minutes=resolution,
            **conditions,
        )
