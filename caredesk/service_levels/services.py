"""Writes on service policies. The caller has checked permission (queries.policy_for / policies_for).

A changed policy applies to clocks started from then on (and to running ones when their ticket's
priority or team changes): targets already running keep the due times they were given, so changing a
policy never rewrites what a ticket was promised yesterday.
"""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from caredesk.calendars import business_time
from caredesk.calendars.services import calendar_for
from caredesk.system import clock

from .models import Policy, Target

POLICY_FIELDS = (
    "name", "enabled", "priorities", "channels", "organisation_tiers", "customer_tiers",
    "first_reply_minutes", "next_reply_minutes", "resolution_minutes",
    "pause_when_pending_customer", "pause_when_on_hold", "at_risk_share",
)


def _check(values: dict) -> None:
    """The rules a policy keeps whoever writes it (the form says the same in its own words)."""
    minutes = [values.get(f"{kind}_minutes") for kind in Target.Kind.values]
    if any(m is not None and m < 1 for m in minutes):
        raise ValidationError(_("A target must be at least one minute; leave it empty for no target."))
    if not any(minutes):
        raise ValidationError(_("A policy needs at least one target: first reply, next reply or resolution."))
    if not 0 < values.get("at_risk_share", 0.75) < 1:
        raise ValidationError(_("At risk must be between 1 and 99 per cent of the time."))


@transaction.atomic
def save_policy(policy: Policy | None, *, by, teams=(), **values) -> Policy:
    """Create a policy (at the end of the order) or change one. Raises ValidationError, changing nothing."""
    _check(values)
    if policy is None:
        last = Policy.objects.aggregate(last=Max("position"))["last"]
        policy = Policy(position=0 if last is None else last + 1)
    for field in POLICY_FIELDS:
        if field in values:
            setattr(policy, field, values[field])
    policy.updated_at = clock.now()
    policy.save()
    policy.teams.set(teams)
    return policy


@transaction.atomic
def move_policy(policy: Policy, *, by, direction: str) -> None:
    """Swap a policy with its neighbour above ("up") or below ("down"); the order decides which wins."""
    if direction not in ("up", "down"):
        raise ValidationError(_("A policy moves up or down."))
    ordered = list(Policy.objects.select_for_update().order_by("position", "pk"))
    index = next(i for i, p in enumerate(ordered) if p.pk == policy.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered):
        item.position = position
    Policy.objects.bulk_update(ordered, ["position"])


@transaction.atomic
def delete_policy(policy: Policy, *, by) -> None:
    """Remove a policy. Its tickets' clocks keep running with the times they were given."""
    policy.delete()


def preview(values: dict, *, team=None, start: datetime | None = None) -> dict:
    """When each target of a policy with `values` would fall due for a ticket of `team` opened at
    `start`, counted in the team's calendar (the default calendar for no team)."""
    calendar = calendar_for(team)
    start = start or clock.now()
    if start.tzinfo is None:
        start = start.replace(tzinfo=calendar.tz)
    rows = []
    for kind, label in Target.Kind.choices:
        minutes = values.get(f"{kind}_minutes")
        if not minutes:
            continue
        try:
            due = business_time.add_business_time(start, timedelta(minutes=minutes), calendar)
        except business_time.CalendarError as error:
            rows.append({"label": label, "minutes": minutes, "error": str(error)})
            continue
        rows.append({"label": label, "minutes": minutes, "due": due})
    return {"start": start.astimezone(calendar.tz), "zone": str(calendar.tz), "rows": rows}
