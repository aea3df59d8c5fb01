"""Reads for the automation pages: the rules, one rule with its latest runs, and dry runs."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from caredesk.accounts import permissions
from caredesk.conversations.models import Event, Message, Ticket
from caredesk.system import clock

from . import engine, rules
from .models import Rule, RuleRun

DRY_RUN_SHOWN = 100
# An event rule's dry run reads at most this many of the last week's events of its kinds, newest first.
DRY_RUN_EVENTS = 5000
DRY_RUN_DAYS = 7
RUNS_SHOWN = 20


def rules_for(user) -> QuerySet:
    """Every rule, in the order they run. Leads and admins only (PermissionDenied for others)."""
    if not permissions.can_view_automations(user):
        raise PermissionDenied
    return Rule.objects.all()


def rule_for(user, rule_id: int, *, to_change: bool = False) -> Rule:
    if not permissions.can_view_automations(user):
        raise PermissionDenied
    if to_change and not permissions.can_edit_automations(user):
        raise PermissionDenied
    return get_object_or_404(Rule, pk=rule_id)


def latest_runs(rule: Rule) -> list[RuleRun]:
    return list(rule.runs.select_related("ticket").order_by("-at", "-id")[:RUNS_SHOWN])


@dataclass
class DryRun:
    """What a rule would do, without doing it: the first tickets it would touch and how many in all."""

    tickets: list[Ticket]
    count: int
    # Event rules: the events read, and whether there were more than were read.
    events_read: int = 0
    more_events: bool = False
    triggers: dict[int, str] = field(default_factory=dict)  # ticket id -> label of the event that would fire it


def dry_run(rule: Rule) -> DryRun:
    """The tickets `rule` (saved or not) would touch: a time rule, now; an event rule, over the last
    week's events of its kinds, judged on each ticket as it is now. Reads only."""
    now = clock.now()
    if rule.is_time_rule:
        due = engine.due_tickets(rule, now=now)
        # Unordered, as the sweep reads them (see engine.run_time_rule); sorted here for reading.
        shown = sorted(due.select_related("customer", "team", "owner").order_by()[:DRY_RUN_SHOWN], key=lambda t: t.pk)
        count = len(shown) if len(shown) < DRY_RUN_SHOWN else due.count()
        return DryRun(tickets=shown, count=count)
    recent = list(
        Event.objects.filter(kind__in=rule.event_kinds, at__gte=now - timedelta(days=DRY_RUN_DAYS))
        .order_by("-at", "-id")
        .values_list("ticket_id", "kind", "data")[: DRY_RUN_EVENTS + 1]
    )
    more = len(recent) > DRY_RUN_EVENTS
    recent = recent[:DRY_RUN_EVENTS]
    candidates = {ticket_id for ticket_id, _kind, _data in recent}
    matched = set(
        rules.matching(rule.conditions, now=now, tickets=Ticket.objects.filter(pk__in=candidates)).values_list("pk", flat=True)
    ) if candidates else set()
    texts = {}
    if rules.uses_text(rule.conditions):
        message_ids = [data.get("message") for ticket_id, _kind, data in recent if ticket_id in matched and data.get("message")]
        texts = dict(Message.objects.filter(pk__in=message_ids).values_list("pk", "body_text"))
    labels = dict(Event.Kind.choices)
    triggers: dict[int, str] = {}
    for ticket_id, kind, data in recent:
        if ticket_id in matched and ticket_id not in triggers and rules.text_matches(rule.conditions, texts.get(data.get("message"))):
            triggers[ticket_id] = str(labels.get(kind, kind))
    ids = sorted(triggers)
    shown = list(Ticket.objects.filter(pk__in=ids[:DRY_RUN_SHOWN]).select_related("customer", "team", "owner").order_by("pk"))
    for ticket in shown:
        ticket.trigger = triggers[ticket.pk]
    return DryRun(tickets=shown, count=len(ids), events_read=len(recent), more_events=more, triggers=triggers)
