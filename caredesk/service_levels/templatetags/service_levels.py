"""Service target markup used on many rows (the queue's time left, a ticket's targets): Python tags,
not included templates, as conversations' caredesk_badges."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from caredesk.conversations.models import Ticket
from caredesk.system import clock

from .. import queries
from ..models import Target

register = template.Library()

TIME_LEFT_CLASSES = {"ok": "text-body-secondary", "at_risk": "text-warning-emphasis fw-semibold", "overdue": "text-danger fw-semibold"}
TIME_LEFT_ICONS = {"ok": "bi-stopwatch", "at_risk": "bi-hourglass-split", "overdue": "bi-exclamation-octagon"}


@register.filter
def business_time(minutes) -> str:
    return queries.format_business_time(minutes)


@register.filter
def target_kind(kind: str) -> str:
    """A target kind's label ("First reply") from its stored value."""
    return dict(Target.Kind.choices).get(kind, kind)


@register.filter
def conditions(policy) -> list[str]:
    """A policy's conditions in words, one line each (teams from the prefetched relation)."""
    lines = []
    if policy.priorities:
        labels = dict(Ticket.Priority.choices)
        lines.append(_("Priority: %(list)s") % {"list": ", ".join(str(labels.get(p, p)) for p in policy.priorities)})
    if teams := [team.name for team in policy.teams.all()]:
        lines.append(_("Team: %(list)s") % {"list": ", ".join(teams)})
    if policy.channels:
        labels = dict(Ticket.Channel.choices)
        lines.append(_("Channel: %(list)s") % {"list": ", ".join(str(labels.get(c, c)) for c in policy.channels)})
    if policy.organisation_tiers:
        lines.append(_("Organisation tier: %(list)s") % {"list": ", ".join(policy.organisation_tiers)})
    if policy.customer_tiers:
        lines.append(_("Customer tier: %(list)s") % {"list": ", ".join(policy.customer_tiers)})
    return lines


@register.simple_tag
def time_left(ticket) -> str:
    """The queue's "2h 10m left" / "at risk" / "overdue 35m" for a ticket of an open status; words and an
    icon, not colour alone. Empty for tickets without a running target."""
    if not ticket.is_open:
        return ""
    left = queries.time_left(ticket.next_due_at, at_risk=getattr(ticket, "sla_at_risk", None) is not None)
    if left is None:
        return ""
    return format_html(
        '<span class="sla-left {} text-nowrap small" data-sla="{}" title="{}"><i class="bi {}" aria-hidden="true"></i> {}</span>',
        TIME_LEFT_CLASSES[left["state"]],
        left["state"],
        queries.describe_due(ticket.next_due_at),
        TIME_LEFT_ICONS[left["state"]],
        left["text"],
    )


@register.simple_tag
def target_state(target: Target) -> str:
    """One target clock on the ticket page: when it is due, or how it ended."""
    State = Target.State
    if target.state == State.RUNNING:
        left = queries.time_left(target.due_at, at_risk=target.at_risk)
        if left is None:
            return format_html('<span class="text-secondary">{}</span>', _("no working time ahead"))
        return format_html(
            '<span class="{}">{}</span><br><span class="text-secondary">{}</span>',
            TIME_LEFT_CLASSES[left["state"]],
            left["text"],
            _("due %(when)s") % {"when": queries.describe_due(target.due_at)},
        )
    if target.state == State.PAUSED:
        remaining = max(target.total - target.used_before_pause, target.total - target.total)
        return format_html(
            '<span class="text-secondary"><i class="bi bi-pause-circle" aria-hidden="true"></i> {}</span>',
            _("paused, %(left)s of business time left") % {"left": queries.format_business_time(int(remaining.total_seconds() // 60)) or "0m"},
        )
    if target.state == State.MET:
        return format_html(
            '<span class="text-success"><i class="bi bi-check-circle" aria-hidden="true"></i> {}</span>',
            _("met %(when)s") % {"when": queries.describe_due(target.met_at)},
        )
    if target.state == State.BREACHED:
        return format_html(
            '<span class="text-danger"><i class="bi bi-x-octagon" aria-hidden="true"></i> {}</span><br><span class="text-secondary">{}</span>',
            _("breached") if target.ended_at else _("breached, still owed"),
            _("was due %(when)s") % {"when": queries.describe_due(target.due_at)},
        )
    return format_html('<span class="text-secondary">{}</span>', _("stopped"))
