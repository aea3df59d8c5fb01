"""The target clocks, driven by the ticket's events (registered with conversations.hooks.on_event).

Runs inside the transaction that recorded the event, so a ticket and its clocks never disagree; the
work per event is a handful of queries (the ticket's open targets, its team's calendar, one write of
the targets, one of Ticket.next_due_at). What each event does:

- CREATED: the first matching policy starts a first-reply and a resolution target.
- REPLIED (an agent's public reply): first-reply and next-reply targets are met (TARGET_MET); a
  breached one is ended (its breach stays on record).
- CUSTOMER_REPLIED: a next-reply target starts, unless a reply target is still waiting.
- STATUS_CHANGED: pending customer / on hold pause the running targets (as the policy says), back to
  open resumes them with the business time they had left; solved or closed meets the resolution
  target (a breached one stays breached) and stops the rest.
- REOPENED: a new resolution target starts from the moment of reopening, with the full time: the
  customer's problem is back and the desk owes a resolution again. The first resolution stays on record.
- PRIORITY_CHANGED, TRANSFERRED: the policy is chosen again; running and paused targets take its
  times, keeping the business time already used (a target the new policy lacks is stopped).
- MERGED: the merged ticket's targets stop (the survivor carries on).
Events this app records itself (TARGET_*) are ignored, so nothing loops.
"""

import logging
from datetime import datetime, timedelta

from caredesk.calendars import business_time
from caredesk.calendars.services import calendar_for
from caredesk.conversations import events
from caredesk.conversations.models import Event, Ticket
from caredesk.system.memo import memo
from caredesk.system.queue import later

from .models import Policy, Target

logger = logging.getLogger(__name__)

Kind, State = Target.Kind, Target.State
REPLY_KINDS = (Kind.FIRST_REPLY, Kind.NEXT_REPLY)
DEFAULT_AT_RISK_SHARE = 0.75
CLOSING = (Ticket.Status.SOLVED, Ticket.Status.CLOSED)


# Choosing a policy -----------------------------------------------------------------------------


def enabled_policies() -> list[Policy]:
    """Enabled policies in order, with their teams (two queries). Read once per batch of inbound email
    (caredesk.system.memo): the next batch sees an admin's edit."""
    return memo(
        ("service_levels", "enabled policies"),
        lambda: list(Policy.objects.filter(enabled=True).order_by("position", "pk").prefetch_related("teams")),
    )


def matches(policy: Policy, ticket: Ticket, *, priority: int | None = None) -> bool:
    """Whether every condition of `policy` holds for `ticket` (an empty condition holds for any)."""
    priority = ticket.priority if priority is None else priority
    if policy.priorities and priority not in policy.priorities:
        return False
    team_ids = {team.pk for team in policy.teams.all()}
    if team_ids and ticket.team_id not in team_ids:
        return False
    if policy.channels and ticket.channel not in policy.channels:
        return False
    if policy.customer_tiers and (ticket.customer.tier or "").lower() not in policy.customer_tiers:
        return False
    if policy.organisation_tiers:
        organisation = ticket.organisation if ticket.organisation_id else None
        if organisation is None or (organisation.tier or "").lower() not in policy.organisation_tiers:
            return False
    return True


def policy_for(ticket: Ticket, *, priority: int | None = None, policies: list[Policy] | None = None) -> Policy | None:
    """The first enabled policy, in order, whose conditions the ticket meets; None when none does."""
    for policy in enabled_policies() if policies is None else policies:
        if matches(policy, ticket, priority=priority):
            return policy
    return None


# Clock arithmetic ------------------------------------------------------------------------------


def _share(target: Target) -> float:
    return target.policy.at_risk_share if target.policy_id and target.policy else DEFAULT_AT_RISK_SHARE


def schedule(target: Target, since: datetime, calendar: business_time.Calendar) -> None:
    """Set the due and at-risk times of a target running from `since`, with `used_before_pause` of
    its business time already used."""
    used = target.used_before_pause
    try:
        target.due_at = business_time.add_business_time(since, max(target.total - used, timedelta(0)), calendar)
        risk_from = target.total * _share(target) - used
        target.at_risk_at = business_time.add_business_time(since, max(risk_from, timedelta(0)), calendar)
    except business_time.CalendarError:
        # A calendar with no working time ahead (every day closed): the clock cannot fall due. Refusing
        # would refuse the ticket itself, so the target waits without a due time and the log says why.
        logger.warning("No due time for %s: the team's calendar has no working time ahead", target)
        target.due_at = target.at_risk_at = None


def used(target: Target, at: datetime, calendar: business_time.Calendar) -> timedelta:
    """Business time the target has used by `at`: what was used before a pause, or, while running,
    its total less what is left until it falls due."""
    if target.state != State.RUNNING or target.due_at is None:
        return min(target.used_before_pause, target.total)
    if target.due_at <= at:
        return target.total
    return max(target.total - business_time.elapsed_business_time(at, target.due_at, calendar), timedelta(0))


def _start(ticket: Ticket, policy: Policy, kind: str, at: datetime, calendar, *, paused: bool = False) -> Target | None:
    minutes = policy.minutes_for(kind)
    if not minutes:
        return None
    target = Target(ticket=ticket, policy=policy, kind=kind, business_minutes=minutes, started_at=at)
    if paused:
        target.state, target.paused_at = State.PAUSED, at
    else:
        schedule(target, at, calendar)
    return target


def _pause(target: Target, at: datetime, calendar) -> None:
    target.used_before_pause = used(target, at, calendar)
    target.state, target.paused_at = State.PAUSED, at
    target.due_at = target.at_risk_at = None


def _resume(target: Target, at: datetime, calendar) -> None:
    target.state, target.paused_at = State.RUNNING, None
    schedule(target, at, calendar)


def _end(target: Target, at: datetime, state: str) -> None:
    target.state, target.ended_at = state, at
    if state == State.MET:
        target.met_at = at


def next_due(targets: list[Target]) -> datetime | None:
    """The earliest due time of targets still waiting on the desk: running ones, and breached ones not
    yet answered (the queue shows them as overdue). Paused clocks have no due time."""
    dues = [t.due_at for t in targets if t.ended_at is None and t.state in (State.RUNNING, State.BREACHED) and t.due_at]
    return min(dues) if dues else None


def _save_next_due(ticket: Ticket, targets: list[Target]) -> None:
    value = next_due(targets)
    if value != ticket.next_due_at:
        Ticket.objects.filter(pk=ticket.pk).update(next_due_at=value)
        ticket.next_due_at = value


def _write(targets: list[Target], fields: list[str]) -> None:
    """One UPDATE for the changed clocks. Most events change one clock: a plain UPDATE of its row costs a
    fraction of bulk_update's CASE-per-field statement (the demo's replay writes thousands of them)."""
    if len(targets) == 1:
        targets[0].save(update_fields=fields)
    elif targets:
        Target.objects.bulk_update(targets, fields)


def _open_targets(ticket: Ticket) -> list[Target]:
    """The ticket's clocks still waiting on something, locked: a sweep breaching one of them at this
    moment either finishes first (and this reads the breach) or skips it (SKIP LOCKED)."""
    return list(
        Target.objects.filter(ticket=ticket, ended_at__isnull=True)
        .select_related("policy")
        .select_for_update(of=("self",))
    )


def _record_met(ticket: Ticket, target: Target, due: datetime | None, minutes_used: timedelta) -> None:
    events.record(
        ticket,
        Event.Kind.TARGET_MET,
        by=None,
        at=target.met_at,
        data={
            "target": target.pk,
            "kind": target.kind,
            "policy": target.policy_id,
            "due": due.isoformat() if due else None,
            "met_at": target.met_at.isoformat(),
            "business_minutes": target.business_minutes,
            "business_minutes_used": round(minutes_used.total_seconds() / 60),
        },
    )


# Event handlers --------------------------------------------------------------------------------


def _created(ticket: Ticket, event: Event) -> None:
    policy = policy_for(ticket)
    if policy is None:
        return
    calendar = calendar_for(ticket.team)
    targets = [t for kind in (Kind.FIRST_REPLY, Kind.RESOLUTION) if (t := _start(ticket, policy, kind, event.at, calendar))]
    if targets:
        Target.objects.bulk_create(targets)
        _save_next_due(ticket, targets)


def _met(ticket: Ticket, targets: list[Target], kinds, at: datetime, *, stop_others: bool) -> None:
    """Meet the open targets of `kinds` (breached ones just end) and, with stop_others, stop the rest."""
    calendar = None
    changed, met = [], []
    late = [t for t in targets if t.state == State.RUNNING and t.due_at is not None and t.due_at < at]
    if late:
        _breach_late(ticket, late, at)
    for target in targets:
        if target.kind in kinds:
            if target.state == State.BREACHED:
                _end(target, at, State.BREACHED)
            else:
                calendar = calendar or calendar_for(ticket.team)
                due, minutes_used = target.due_at, used(target, at, calendar)
                _end(target, at, State.MET)
                met.append((target, due, minutes_used))
        elif stop_others:
            _end(target, at, State.BREACHED if target.state == State.BREACHED else State.STOPPED)
        else:
            continue
        changed.append(target)
    if changed:
        _write(changed, ["state", "ended_at", "met_at"])
        for target, due, minutes_used in met:
            _record_met(ticket, target, due, minutes_used)
    _save_next_due(ticket, targets)


def _breach_late(ticket: Ticket, late: list[Target], at: datetime) -> None:
    """Targets already past due that the sweep has not reached yet are breached now, as it would have:
    answering or solving after the due time is not meeting the target."""
    from . import tasks

    for target in late:
        target.state, target.breached_at, target.at_risk = State.BREACHED, at, True
    _write(late, ["state", "breached_at", "at_risk"])
    for target in late:
        events.record(ticket, Event.Kind.TARGET_BREACHED, by=None, at=at, data=breach_data(target))
    later(tasks.tell_owners_of_breaches, target_ids=[t.pk for t in late])


def breach_data(target: Target) -> dict:
    return {
        "target": target.pk,
        "kind": target.kind,
        "policy": target.policy_id,
        "due": target.due_at.isoformat(),
        "business_minutes": target.business_minutes,
    }


def _replied(ticket: Ticket, event: Event) -> None:
    targets = _open_targets(ticket)
    if any(t.kind in REPLY_KINDS for t in targets):
        _met(ticket, targets, REPLY_KINDS, event.at, stop_others=False)


def _customer_replied(ticket: Ticket, event: Event) -> None:
    targets = _open_targets(ticket)
    if any(t.kind in REPLY_KINDS for t in targets):
        return  # the desk still owes a reply; that clock keeps running
    policy = next((t.policy for t in targets if t.policy_id), None) or policy_for(ticket)
    if policy is None:
        return
    # A customer's answer moves a pending ticket to open right after this event; on hold stays on hold.
    paused = ticket.status == Ticket.Status.ON_HOLD and policy.pause_when_on_hold
    target = _start(ticket, policy, Kind.NEXT_REPLY, event.at, calendar_for(ticket.team), paused=paused)
    if target is not None:
        target.save()
        _save_next_due(ticket, [*targets, target])


def _status_changed(ticket: Ticket, status: str, at: datetime, targets: list[Target] | None = None) -> None:
    targets = _open_targets(ticket) if targets is None else targets
    if not targets:
        return
    if status in CLOSING:
        _met(ticket, targets, (Kind.RESOLUTION,), at, stop_others=True)
        return
    calendar = calendar_for(ticket.team)
    changed = []
    for target in targets:
        pause = bool(target.policy_id and target.policy and target.policy.pauses_in(status))
        if target.state == State.RUNNING and pause:
            _pause(target, at, calendar)
        elif target.state == State.PAUSED and not pause:
            _resume(target, at, calendar)
        else:
            continue
        changed.append(target)
    if changed:
        _write(changed, ["state", "paused_at", "used_before_pause", "due_at", "at_risk_at"])
    _save_next_due(ticket, targets)


def _reopened(ticket: Ticket, event: Event) -> None:
    targets = _open_targets(ticket)
    _status_changed(ticket, Ticket.Status.OPEN, event.at, targets)  # resumes anything left paused
    if any(t.kind == Kind.RESOLUTION for t in targets):
        return
    policy = policy_for(ticket)
    if policy is None:
        return
    target = _start(ticket, policy, Kind.RESOLUTION, event.at, calendar_for(ticket.team))
    if target is not None:
        target.save()
        _save_next_due(ticket, [*targets, target])


def _stopped(ticket: Ticket, event: Event) -> None:
    targets = _open_targets(ticket)
    if targets:
        _met(ticket, targets, (), event.at, stop_others=True)


def _rechoose(ticket: Ticket, event: Event) -> None:
    """Take the times of the policy the ticket now matches, keeping what each clock has used."""
    if ticket.status not in ("new", "open", "pending_customer", "on_hold"):
        return
    priority = event.data.get("to") if event.kind == Event.Kind.PRIORITY_CHANGED else None
    targets = _open_targets(ticket)
    policy = policy_for(ticket, priority=priority)
    calendar = calendar_for(ticket.team)
    old_calendar = calendar
    if event.kind == Event.Kind.TRANSFERRED and event.data.get("from_team") != ticket.team_id:
        from caredesk.accounts.models import Team

        old_calendar = calendar_for(Team.objects.filter(pk=event.data.get("from_team")).select_related("calendar").first())
    at = event.at
    changed = []
    for target in targets:
        if target.state not in (State.RUNNING, State.PAUSED):
            continue  # a breach is history; the new policy does not undo it
        same_policy = policy is not None and target.policy_id == policy.pk
        if same_policy and old_calendar is calendar:
            continue
        minutes = policy.minutes_for(target.kind) if policy else None
        if not minutes:
            _end(target, at, State.STOPPED)
            changed.append(target)
            continue
        spent = used(target, at, old_calendar)
        fresh = target.used_before_pause == timedelta(0)
        target.policy, target.business_minutes, target.at_risk = policy, minutes, False
        if target.state == State.RUNNING:
            if fresh:  # never paused: exactly as if it had started under this policy
                target.used_before_pause = timedelta(0)
                schedule(target, target.started_at, calendar)
            else:
                target.used_before_pause = spent
                schedule(target, at, calendar)
        else:
            target.used_before_pause = spent
        changed.append(target)
    if changed:
        _write(
            changed,
            ["policy", "business_minutes", "state", "ended_at", "due_at", "at_risk_at", "at_risk", "used_before_pause"],
        )
    created = []
    if policy is not None and not targets:
        # The ticket matched no policy until now: its clocks start from this moment.
        kinds = [Kind.RESOLUTION]
        if not ticket.events.filter(kind=Event.Kind.REPLIED).exists():
            kinds.insert(0, Kind.FIRST_REPLY)
        paused = policy.pauses_in(ticket.status)
        created = [t for kind in kinds if (t := _start(ticket, policy, kind, at, calendar, paused=paused))]
        Target.objects.bulk_create(created)
    _save_next_due(ticket, [t for t in targets if t.ended_at is None] + created)


HANDLERS = {
    Event.Kind.CREATED: _created,
    Event.Kind.REPLIED: _replied,
    Event.Kind.CUSTOMER_REPLIED: _customer_replied,
    Event.Kind.STATUS_CHANGED: lambda ticket, event: _status_changed(ticket, event.data.get("to"), event.at),
    Event.Kind.REOPENED: _reopened,
    Event.Kind.PRIORITY_CHANGED: _rechoose,
    Event.Kind.TRANSFERRED: _rechoose,
    Event.Kind.MERGED: _stopped,
}


def on_event(event: Event) -> None:
    """conversations.hooks listener: move the ticket's clocks for one event (TARGET_* are ours: ignored)."""
    handler = HANDLERS.get(event.kind)
    if handler is not None:
        handler(event.ticket, event)
