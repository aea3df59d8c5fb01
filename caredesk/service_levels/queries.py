"""Reads for service targets: the settings page, a ticket's targets, the queue's time left."""

import re
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from caredesk.accounts import permissions
from caredesk.system import clock

from .models import Policy, Target

# A "day" typed into a target is a working day of 8 business hours: "2d" is 16 hours of working time.
MINUTES_PER_DAY = 8 * 60
MAX_MINUTES = 365 * MINUTES_PER_DAY
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([dhm]?)")


def parse_business_time(text: str) -> int | None:
    """Minutes of business time from "90", "90m", "4h", "1h 30m", "2d" or "1.5h"; None for empty.
    Raises ValidationError with a sentence for anything else, or for zero or more than a year."""
    cleaned = (text or "").strip().lower().replace(",", " ")
    if not cleaned:
        return None
    position, minutes = 0, 0.0
    for match in _PART.finditer(cleaned):
        if cleaned[position:match.start()].strip():
            break
        number, unit = float(match[1]), match[2] or "m"
        minutes += number * {"d": MINUTES_PER_DAY, "h": 60, "m": 1}[unit]
        position = match.end()
    if cleaned[position:].strip() or position == 0:
        raise ValidationError(
            _("“%(text)s” is not a length of time; write minutes or hours and days, e.g. 90, 4h, 1h 30m or 2d.")
            % {"text": text.strip()}
        )
    if round(minutes) < 1:
        raise ValidationError(_("A target must be at least one minute; leave it empty for no target."))
    if minutes > MAX_MINUTES:
        raise ValidationError(_("A target longer than a year of working days cannot be met or missed usefully."))
    return round(minutes)


def format_business_time(minutes: int | None) -> str:
    """The inverse of parse_business_time, in hours and minutes ("4h", "1h 30m", "45m")."""
    if not minutes:
        return ""
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours}h {rest}m"
    return f"{hours}h" if hours else f"{rest}m"


def format_span(span: timedelta) -> str:
    """A wall-clock span as a person reads it at a glance: 3d 4h, 2h 10m, 35m, under 1m."""
    minutes = int(span.total_seconds() // 60)
    if minutes < 1:
        return _("under 1m")
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    return f"{minutes}m"


def describe_due(when: datetime | None) -> str:
    return timezone.localtime(when).strftime("%a %-d %b %Y, %H:%M") if when else ""


def time_left(due: datetime | None, *, at_risk: bool = False, now: datetime | None = None) -> dict | None:
    """What the queue shows for a ticket's next due time: a state (ok, at_risk, overdue) and words
    that say it without colour."""
    if due is None:
        return None
    now = now or clock.now()
    if due <= now:
        return {"state": "overdue", "text": _("overdue %(span)s") % {"span": format_span(now - due)}}
    text = _("%(span)s left") % {"span": format_span(due - now)}
    if at_risk:
        return {"state": "at_risk", "text": _("at risk, %(text)s") % {"text": text}}
    return {"state": "ok", "text": text}


def at_risk_annotation() -> dict:
    """For a Ticket queryset: sla_at_risk, the id of a running target of the ticket past its at-risk
    share, or None. Part of the rows' own query (no query per row), a probe of the
    target_at_risk_ticket index per row shown. A scalar subquery on purpose: as an EXISTS, PostgreSQL
    hashed it and read every at-risk target of the desk for each page (12 ms with 2,000 at 10^6)."""
    return {
        "sla_at_risk": Subquery(
            Target.objects.filter(ticket=OuterRef("pk"), state=Target.State.RUNNING, at_risk=True).order_by().values("pk")[:1]
        )
    }


def targets_of(ticket) -> list[Target]:
    """All target clocks of a ticket, the open ones first. The caller has checked the ticket."""
    return sorted(
        Target.objects.filter(ticket=ticket).select_related("policy"),
        key=lambda t: (t.ended_at is not None, t.started_at, t.pk),
    )


def policies_for(user) -> QuerySet:
    """Every policy in order, for the settings page (teams in one more query)."""
    if not permissions.can_view_service_levels(user):
        raise PermissionDenied
    return Policy.objects.order_by("position", "pk").prefetch_related("teams")


def policy_for(user, policy_id: int, *, to_change: bool = False) -> Policy:
    if not permissions.can_view_service_levels(user):
        raise PermissionDenied
    policy = get_object_or_404(Policy, pk=policy_id)
    if to_change and not permissions.can_edit_service_levels(user):
        raise PermissionDenied
    return policy
