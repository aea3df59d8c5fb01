"""Applying rules to tickets: event rules after the event's transaction commits, time rules from the
periodic sweep. Every action goes through conversations.services, so the desk's own rules still hold
(an owner must be on the team, a closed ticket stays closed) and every change has its event. An action
the desk refuses is recorded on the RuleRun with the reason; the other actions still happen.

Loops: while a rule's actions run, the rule chain (the rules that led here, this one last) is known to
the event hook, which hands it to the apply_rules task of each event those actions record. A rule never
runs on an event its own actions caused, directly or through other rules. On top of that, a ticket takes
at most MAX_RUNS_PER_MINUTE automation runs a minute; more are recorded as skipped.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta

from django.core.cache import caches
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils.translation import gettext as _
from django_tasks import task_backends

from caredesk.accounts import permissions
from caredesk.accounts.models import Team, User
from caredesk.conversations import events, macros
from caredesk.conversations import services as desk
from caredesk.conversations.models import Event, Macro, Message, Ticket
from caredesk.system import clock
from caredesk.system.queue import later

from . import rules
from .models import Rule, RuleRun

logger = logging.getLogger(__name__)

MAX_RUNS_PER_MINUTE = 20
# Tickets one time rule acts on per sweep; the next sweep (5 minutes on) takes the next batch.
TIME_RULE_BATCH = 200

_chain: ContextVar[tuple[int, ...]] = ContextVar("caredesk_automation_chain", default=())



@contextmanager
def chain_of(rule_ids: tuple[int, ...]) -> Iterator[None]:
    """Inside, the events recorded were caused by these rules (the last one acting)."""
    token = _chain.set(tuple(rule_ids))
    try:
        yield
    finally:
        _chain.reset(token)


_KINDS_CACHE_KEY = "automations:event-kinds"
_KINDS_CACHE_SECONDS = 10


# The event hook ------------------------------------------------------------------------------


def reacting_kinds() -> frozenset[str]:
    """The event kinds some enabled event rule reacts to. Kept per process for a few seconds, so the
    desk's writes pay no query for automations when no rule cares about what they record."""
    cache = caches["local"]
    kinds = cache.get(_KINDS_CACHE_KEY)
    if kinds is None:
        kinds = frozenset(
            kind
            for event_kinds in Rule.objects.filter(enabled=True, kind=Rule.Kind.ON_EVENT).values_list("event_kinds", flat=True)
            for kind in event_kinds
        )
        cache.set(_KINDS_CACHE_KEY, kinds, _KINDS_CACHE_SECONDS)
    return kinds


def forget_reacting_kinds() -> None:
    caches["local"].delete(_KINDS_CACHE_KEY)


def event_recorded(event: Event) -> None:
    """The hook (conversations.hooks.on_event): queue apply_rules for events some rule reacts to. Runs
    inside the transaction that recorded the event, so it only queues: the rules run after commit."""
    if event.kind == Event.Kind.AUTOMATION_APPLIED or event.kind not in reacting_kinds():
        return
    from . import tasks

    chain = list(_chain.get())
    backend = type(task_backends[tasks.apply_rules.backend]).__module__
    if backend.startswith("django_tasks_db"):
        # The task row commits with the event (an outbox); a worker picks it up only after commit.
        later(tasks.apply_rules, event_id=event.pk, chain=chain)
    else:
        # Backends that run at once (tests) or outside the database get it after commit.
        transaction.on_commit(lambda: later(tasks.apply_rules, event_id=event.pk, chain=chain))


# Applying one rule to one ticket -------------------------------------------------------------


def _who(user: User | None) -> str:
    return str(user) if user else _("nobody")


def _recipients(value: str, ticket: Ticket) -> list[User]:
    if value == "owner":
        if ticket.owner is None:
            raise ValidationError(_("The ticket has no owner to notify."))
        return [ticket.owner]
    if value == "team_lead":
        leads = list(
            User.objects.filter(is_active=True, role=User.Role.LEAD, memberships__team_id=ticket.team_id).order_by("pk")
        )
        if not leads:
            raise ValidationError(_("%(team)s has no team lead to notify.") % {"team": ticket.team})
        return leads
    user = User.objects.get(pk=int(value.split(":")[1]))
    if not user.is_active or not permissions.can_see_ticket(user, ticket):
        raise ValidationError(_("%(user)s may not see this ticket, so is not told about it.") % {"user": user})
    return [user]


def _perform(action: dict, ticket: Ticket, *, rule: Rule, run: RuleRun) -> str:
    """Do one action on the ticket; what was done, as a sentence. Raises ValidationError when the desk
    refuses it (ObjectDoesNotExist when what it names was deleted)."""
    from . import tasks

    name, value = action["action"], action["value"]
    reason = _("Automation rule “%(rule)s”") % {"rule": rule.name}
    if name == "assign":
        kind, pk = value.split(":")
        if kind == "team":
            team = Team.objects.get(pk=int(pk))
            desk.transfer(ticket, to_team=team, to_owner=None, by=None, reason=reason)
            return _("Moved to the %(team)s queue") % {"team": team}
        agent = User.objects.get(pk=int(pk))
        desk.assign(ticket, to=agent, by=None, reason=reason)
        return _("Assigned to %(agent)s") % {"agent": agent}
    if name == "set_priority":
        desk.change_priority(ticket, priority=value, by=None)
        return _("Priority set to %(priority)s") % {"priority": Ticket.Priority(value).label}
    if name in ("add_tags", "remove_tags"):
        current = list(ticket.tags.values_list("name", flat=True))
        wanted = current + value if name == "add_tags" else [tag for tag in current if tag not in value]
        desk.set_tags(ticket, tags=wanted, by=None)
        verb = _("Tagged") if name == "add_tags" else _("Untagged")
        return f"{verb} {', '.join(value)}"
    if name == "set_status":
        desk.change_status(ticket, status=value, by=None)
        return _("Status set to %(status)s") % {"status": Ticket.Status(value).label}
    if name == "add_note":
        desk.add_note(ticket, by=None, body=value)
        return _("Added a note")
    if name == "notify":
        people = _recipients(value, ticket)
        for person in people:
            later(tasks.send_notice, run_id=run.pk, user_id=person.pk)
        return _("Notified %(people)s") % {"people": ", ".join(str(person) for person in people)}
    if name == "send_macro":
        macro = Macro.objects.get(pk=value)
        author = ticket.owner if ticket.owner and permissions.can_own_tickets_of(ticket.owner, ticket.team) else None
        desk.reply(ticket, by=author, body=macros.render(macro, ticket, author))
        return _("Sent the macro “%(macro)s” as a reply from %(author)s") % {
            "macro": macro,
            "author": author or _("the team"),
        }
    raise AssertionError(name)


def _fresh(ticket_id: int) -> Ticket:
    return Ticket.objects.select_related("team", "owner", "customer").get(pk=ticket_id)


def _matches(rule: Rule, ticket_id: int, *, now: datetime, text: str | None) -> bool:
    if not rules.text_matches(rule.conditions, text):
        return False
    return rules.matching(rule.conditions, now=now, tickets=Ticket.objects.filter(pk=ticket_id)).exists()


def apply_rule(
    rule: Rule,
    ticket_id: int,
    *,
    event: Event | None = None,
    chain: tuple[int, ...] | list[int] = (),
    text: str | None = None,
) -> RuleRun | None:
    """Apply `rule` to the ticket if its conditions hold now; the run, or None when they do not (or,
    for a time rule, when it already ran in this status period). One transaction: the run, the actions
    that succeeded, the AUTOMATION_APPLIED event and the rule's counters commit together."""
    with transaction.atomic():
        # Lock the ticket: runs on one ticket take turns, so the cap and the time guard count truly.
        ticket = Ticket.objects.select_for_update(of=("self",)).filter(pk=ticket_id, merged_into__isnull=True).first()
        if ticket is None:
            return None
        now = clock.now()
        since = None
        if rule.is_time_rule:
            # Read again under the lock: the status may have changed since the sweep looked.
            since = Ticket.objects.filter(pk=ticket_id).values_list(rules.status_changed_at(), flat=True).get()
            if RuleRun.objects.filter(rule=rule, ticket_id=ticket_id, since=since).exists():
                return None
        if not _matches(rule, ticket_id, now=now, text=text):
            return None
        chain = [*chain, rule.pk]
        recent = RuleRun.objects.filter(ticket_id=ticket_id, at__gt=now - timedelta(minutes=1)).exclude(
            status=RuleRun.Status.SKIPPED
        )
        if recent.count() >= MAX_RUNS_PER_MINUTE:
            logger.warning("automation rule %s skipped on ticket %s: too many runs in a minute", rule.pk, ticket_id)
            # No `since`: a time rule skipped now tries again at the next sweep.
            return RuleRun.objects.create(
                rule=rule, ticket_id=ticket_id, event=event, at=now, status=RuleRun.Status.SKIPPED, chain=chain
            )
        run = RuleRun.objects.create(rule=rule, ticket_id=ticket_id, event=event, at=now, chain=chain, since=since)
        results = []
        with chain_of(tuple(chain)):
            for action in rule.actions:
                result = {**action, "done": "", "error": ""}
                try:
                    with transaction.atomic():  # a refused action undoes only itself
                        result["done"] = _perform(action, _fresh(ticket_id), rule=rule, run=run)
                except ValidationError as error:
                    result["error"] = " ".join(error.messages)
                except ObjectDoesNotExist:
                    result["error"] = _("What this action names no longer exists; edit the rule.")
                results.append(result)
        failed = any(result["error"] for result in results)
        run.status = RuleRun.Status.FAILED if failed else RuleRun.Status.APPLIED
        run.actions = results
        run.save(update_fields=["status", "actions"])
        events.record(
            _fresh(ticket_id),
            Event.Kind.AUTOMATION_APPLIED,
            by=None,
            data={
                "rule": rule.pk,
                "name": rule.name,
                "run": run.pk,
                "actions": [result["done"] or _("Failed: %(error)s") % {"error": result["error"]} for result in results],
            },
        )
        counter = "failed_count" if failed else "applied_count"
        Rule.objects.filter(pk=rule.pk).update(**{counter: F(counter) + 1}, last_run_at=now)
        return run


# Event rules ----------------------------------------------------------------------------------


def _message_text(event: Event) -> str | None:
    message_id = (event.data or {}).get("message")
    if not message_id:
        return None
    return Message.objects.filter(pk=message_id).values_list("body_text", flat=True).first()


def apply_event_rules(event_id: int, *, chain: list[int] = ()) -> list[RuleRun]:
    """Apply every enabled event rule that reacts to the event's kind, in order, except the rules in
    `chain` (those whose actions led to this event)."""
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        return []
    candidates = [
        rule
        for rule in Rule.objects.filter(enabled=True, kind=Rule.Kind.ON_EVENT)
        if event.kind in rule.event_kinds and rule.pk not in chain
    ]
    text = _message_text(event) if any(rules.uses_text(rule.conditions) for rule in candidates) else None
    runs = []
    for rule in candidates:
        run = apply_rule(rule, event.ticket_id, event=event, chain=chain, text=text)
        if run is not None:
            runs.append(run)
    return runs


# Time rules ---------------------------------------------------------------------------------------


def due_tickets(rule: Rule, *, now: datetime) -> QuerySet:
    """The tickets a time rule would act on now: its conditions hold, and it has not acted on them since
    their status last changed. One query; each row carries `since`, that last change."""
    tickets = Ticket.objects.annotate(status_changed_at=rules.status_changed_at())
    done = RuleRun.objects.filter(rule_id=rule.pk, ticket_id=OuterRef("pk"), since=OuterRef("status_changed_at"))
    return rules.matching(rule.conditions, now=now, tickets=tickets).filter(~Exists(done))


def run_time_rule(rule: Rule, *, limit: int = TIME_RULE_BATCH) -> list[RuleRun]:
    now = clock.now()
    # No ORDER BY: sorted by id, PostgreSQL walks the primary key to fill the batch instead of reading
    # the status index (measured: 50,000 rows filtered for 200). Done tickets drop out of the next batch.
    due = sorted(due_tickets(rule, now=now).order_by().values_list("pk", flat=True)[:limit])
    runs = []
    for ticket_id in due:
        run = apply_rule(rule, ticket_id)
        if run is not None:
            runs.append(run)
    return runs


def run_time_rules() -> int:
    """Apply every enabled time rule, in order; how many runs were recorded."""
    return sum(len(run_time_rule(rule)) for rule in Rule.objects.filter(enabled=True, kind=Rule.Kind.ON_TIME))
