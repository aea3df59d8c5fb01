"""Writes on escalations: raise one (or climb a level), resolve it, de-escalate it, climb automatic ones
whose delay ran out, and keep a team's ladder. Each owns its transaction and records its event.

Callers have checked that `by` may work on the ticket (conversations.queries.ticket_for); these functions
check the desk's own rules (a reason is required, only the level resolves, the top cannot be climbed) and
raise ValidationError or PermissionDenied with a sentence a person can act on. Nothing changes when they raise.
"""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from caredesk.accounts import permissions
from caredesk.accounts.models import Team, User
from caredesk.conversations import events, hooks
from caredesk.conversations.models import Event, Ticket
from caredesk.system import clock
from caredesk.system.queue import later

from . import tasks
from .models import Escalation, Ladder

WORKING_ROLES = (User.Role.AGENT, User.Role.LEAD, User.Role.ADMIN)


# The ladder ------------------------------------------------------------------------------------


def ladder_for(team: Team) -> Ladder:
    """The team's ladder; an unsaved default (leads only, 60 minutes) when none was set up."""
    ladder = Ladder.objects.select_related("manager", "escalation_team").filter(team=team).first()
    return ladder or Ladder(team=team)


def level_people(ladder: Ladder, level: int) -> list[User]:
    """Who an escalation at `level` goes to: the team's leads (its admins when it has no lead) at level 1;
    the manager and the escalation team's working staff at level 2."""
    active = User.objects.filter(is_active=True).order_by("first_name", "last_name", "pk")
    if level == 1:
        leads = list(active.filter(role=User.Role.LEAD, memberships__team_id=ladder.team_id))
        return leads or list(active.filter(role=User.Role.ADMIN))
    people = []
    if ladder.manager_id and ladder.manager.is_active:
        people.append(ladder.manager)
    if ladder.escalation_team_id:
        people += [
            user
            for user in active.filter(role__in=WORKING_ROLES, memberships__team_id=ladder.escalation_team_id)
            if user.pk != ladder.manager_id
        ]
    return people


def level_name(ladder: Ladder, level: int) -> str:
    """Who a level is, in short: "team lead" at level 1; the escalation team and/or manager at level 2."""
    if level == 1:
        return _("team lead")
    parts = [str(part) for part in (ladder.escalation_team, ladder.manager) if part is not None]
    return _(" and ").join(parts) or _("nobody set up")


def level_label(ladder: Ladder, level: int) -> str:
    """What a level is called on the page and in emails: "level 1 (team lead)", "level 2 (Escalations)"."""
    return _("level %(level)s (%(name)s)") % {"level": level, "name": level_name(ladder, level)}


def who(people: list[User]) -> str:
    """The people of a level as one phrase: "Lena Lead", "Lena Lead or Ada Admin", "an admin"."""
    names = [str(person) for person in people]
    if not names:
        return _("an admin")
    if len(names) <= 3:
        return _(" or ").join(names)
    return _("%(first)s or %(count)s others") % {"first": ", ".join(names[:2]), "count": len(names) - 2}


def at_level(user, escalation: Escalation, ladder: Ladder) -> bool:
    return permissions.is_at_escalation_level(
        user,
        level=escalation.level,
        team_id=escalation.team_id,
        manager_id=ladder.manager_id,
        escalation_team_id=ladder.escalation_team_id,
    )


def _climb_at(ladder: Ladder, *, level: int, automatic: bool, since: datetime) -> datetime | None:
    if not automatic or level >= ladder.top_level:
        return None
    return since + timedelta(minutes=ladder.auto_escalate_after_minutes)


@transaction.atomic
def save_ladder(
    team: Team, *, by: User, escalation_team: Team | None, manager: User | None, auto_escalate_after_minutes: int
) -> Ladder:
    """Set up a team's ladder (the caller checked permissions.can_edit_ladders). Open automatic escalations
    of the team get their climbing time from the new delay."""
    if escalation_team is not None and escalation_team.pk == team.pk:
        raise ValidationError(_("Level 2 must be someone other than the team itself: its leads are level 1."))
    if manager is not None and not (manager.is_active and manager.role in (User.Role.LEAD, User.Role.ADMIN)):
        raise ValidationError(_("%(person)s cannot take escalations: a manager must be a lead or an admin.") % {"person": manager})
    if not 1 <= auto_escalate_after_minutes <= 60 * 24 * 30:
        raise ValidationError(_("The climbing delay must be between 1 minute and 30 days."))
    if team.is_private:
        # Level 2 must be able to open the tickets that reach it.
        if manager is not None and not permissions.is_admin(manager) and team.pk not in permissions.member_team_ids(manager):
            raise ValidationError(
                _("%(person)s is not on %(team)s, a private team, and could not see its tickets.")
                % {"person": manager, "team": team}
            )
        if escalation_team is not None:
            raise ValidationError(
                _("%(team)s is private: its tickets can only go up to a manager who is on the team (or an admin).")
                % {"team": team}
            )
    ladder, _created = Ladder.objects.select_for_update().get_or_create(team=team)
    ladder.escalation_team = escalation_team
    ladder.manager = manager
    ladder.auto_escalate_after_minutes = auto_escalate_after_minutes
    ladder.updated_at = clock.now()
    ladder.save()
    waiting = Escalation.objects.filter(team=team, state=Escalation.State.OPEN, automatic=True)
    waiting.filter(level__gte=ladder.top_level).update(climb_at=None)
    waiting.filter(level__lt=ladder.top_level).update(
        climb_at=F("raised_at") + timedelta(minutes=auto_escalate_after_minutes)
    )
    return ladder


# Escalating ------------------------------------------------------------------------------------


def open_escalation(ticket_id: int, *, lock: bool = False) -> Escalation | None:
    found = Escalation.objects.filter(ticket_id=ticket_id, state=Escalation.State.OPEN)
    if lock:
        found = found.select_for_update(of=("self",))
    return found.select_related("team", "raised_by").first()


@transaction.atomic
def escalate(
    ticket: Ticket,
    *,
    by: User | None,
    reason: str,
    automatic: bool = False,
    cause: str = Escalation.Cause.MANUAL,
    cause_id: int | None = None,
) -> Escalation:
    """Escalate the ticket to level 1 of its team's ladder; if it is already escalated, climb one level.
    `by` is None for an automatic escalation. The people of the new level are told by email."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the ticket needs escalating; the next level reads this first."))
    ticket = Ticket.objects.select_for_update(of=("self",)).select_related("team").get(pk=ticket.pk)
    if ticket.merged_into_id:
        raise ValidationError(_("This ticket was merged; escalate the ticket it was merged into."))
    if not ticket.is_open:
        raise ValidationError(_("Only an open ticket can be escalated; reopen it first."))
    current = open_escalation(ticket.pk, lock=True)
    team = current.team if current else ticket.team
    ladder = ladder_for(team)
    level = current.level + 1 if current else 1
    if level > ladder.top_level:
        raise ValidationError(
            _("This ticket is already escalated to the top of %(team)s's ladder, %(level)s; %(who)s must record a resolution.")
            % {"team": team, "level": level_label(ladder, current.level), "who": who(level_people(ladder, current.level))}
        )
    now = clock.now()
    if current:
        current.state = Escalation.State.CLIMBED
        current.climb_at = None
        current.save(update_fields=["state", "climb_at"])
    escalation = Escalation.objects.create(
        ticket=ticket,
        team=team,
        level=level,
        reason=reason[:5000],
        raised_by=by,
        raised_at=now,
        automatic=automatic,
        cause=cause,
        cause_id=cause_id,
        previous=current,
        climb_at=_climb_at(ladder, level=level, automatic=automatic, since=now),
    )
    data = {
        "escalation": escalation.pk,
        "level": level,
        "level_label": level_label(ladder, level),
        "reason": escalation.reason,
        "to": who(level_people(ladder, level)),
        "automatic": automatic,
        "cause": cause,
    }
    if cause_id is not None:
        data["cause_id"] = cause_id
    if current:
        data["from_level"] = current.level
    events.record(ticket, Event.Kind.ESCALATED, by=by, data=data, at=now)
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=now)
    later(tasks.tell_escalation_level, escalation_id=escalation.pk)
    return escalation


def _locked_open(escalation: Escalation, by: User) -> tuple[Escalation, Ladder]:
    escalation = Escalation.objects.select_for_update(of=("self",)).select_related("ticket", "team").get(pk=escalation.pk)
    if not escalation.is_open:
        raise ValidationError(
            _("This escalation is no longer open (%(state)s); the page was out of date.")
            % {"state": escalation.get_state_display().lower()}
        )
    ladder = ladder_for(escalation.team)
    if not at_level(by, escalation, ladder):
        raise PermissionDenied(
            _("Only %(who)s, at %(level)s, can do this.")
            % {"who": who(level_people(ladder, escalation.level)), "level": level_label(ladder, escalation.level)}
        )
    return escalation, ladder


def _close(escalation: Escalation, state: str, *, by: User, text: str) -> datetime:
    """Take an open escalation off the board as `state`, with the resolution or note; returns when."""
    now = clock.now()
    escalation.state = state
    escalation.resolved_by = by
    escalation.resolved_at = now
    escalation.resolution = text[:5000]
    escalation.climb_at = None
    escalation.save(update_fields=["state", "resolved_by", "resolved_at", "resolution", "climb_at"])
    return now


@transaction.atomic
def resolve(escalation: Escalation, *, by: User, resolution: str) -> Escalation:
    """Someone at the escalation's level (or an admin) records what was decided: it leaves the board and
    the ticket may be solved again by anyone."""
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError(_("Write the resolution: what was decided and done. The agent reads it."))
    escalation, ladder = _locked_open(escalation, by)
    now = _close(escalation, Escalation.State.RESOLVED, by=by, text=resolution)
    events.record(
        escalation.ticket,
        Event.Kind.ESCALATION_RESOLVED,
        by=by,
        data={
            "escalation": escalation.pk,
            "level": escalation.level,
            "level_label": level_label(ladder, escalation.level),
            "resolution": escalation.resolution,
        },
        at=now,
    )
    Ticket.objects.filter(pk=escalation.ticket_id).update(updated_at=now)
    return escalation


@transaction.atomic
def de_escalate(escalation: Escalation, *, by: User, note: str) -> Escalation | None:
    """Someone at the level sends the escalation back down one level (level 2 to the team's leads) or, from
    level 1, off the board. A note saying why is required. Returns the new lower escalation, if any."""
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Add a note saying why it goes back down; the people below read it first."))
    escalation, ladder = _locked_open(escalation, by)
    now = _close(escalation, Escalation.State.DE_ESCALATED, by=by, text=note)
    lower = None
    if escalation.level > 1:
        lower = Escalation.objects.create(
            ticket=escalation.ticket,
            team=escalation.team,
            level=escalation.level - 1,
            reason=note[:5000],
            raised_by=by,
            raised_at=now,
            cause=escalation.cause,
            cause_id=escalation.cause_id,
            previous=escalation,
        )
    events.record(
        escalation.ticket,
        Event.Kind.DE_ESCALATED,
        by=by,
        data={
            "escalation": escalation.pk,
            "from_level": escalation.level,
            "to_level": lower.level if lower else 0,
            "to_label": level_label(ladder, lower.level) if lower else "",
            "note": escalation.resolution,
        },
        at=now,
    )
    Ticket.objects.filter(pk=escalation.ticket_id).update(updated_at=now)
    if lower:
        later(tasks.tell_escalation_level, escalation_id=lower.pk)
    return lower


# Automatic escalation --------------------------------------------------------------------------

TARGET_NAMES = {"first_reply": _("first reply"), "next_reply": _("next reply"), "resolution": _("resolution")}


def target_name(kind) -> str:
    return str(TARGET_NAMES.get(kind) or str(kind or _("service")).replace("_", " "))


def _when(iso) -> str:
    try:
        moment = datetime.fromisoformat(str(iso))
    except ValueError:
        return ""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return dateformat.format(timezone.localtime(moment), "j M Y, H:i")


def automatic_reason(event: Event) -> str:
    data = event.data or {}
    due = _when(data.get("due")) if data.get("due") else ""
    if event.kind == Event.Kind.TARGET_BREACHED:
        text = _("The %(target)s target was missed") % {"target": target_name(data.get("kind"))}
    else:
        text = _("A promise to the customer was broken: \u201c%(what)s\u201d") % {"what": data.get("what") or _("(no text)")}
    return f"{text} ({_('due %(when)s') % {'when': due}})." if due else f"{text}."


CAUSES = {
    Event.Kind.TARGET_BREACHED: (Escalation.Cause.TARGET_BREACHED, "target"),
    Event.Kind.PROMISE_BROKEN: (Escalation.Cause.PROMISE_BROKEN, "promise"),
}


def escalate_breaches(events: list[Event]) -> None:
    """hooks.on_events listener: breached targets and broken promises escalate their tickets, in one
    task for the whole batch (a sweep may breach a thousand targets in one statement; escalating each
    inline would make it a thousand times slower). With the database task backend the task row commits
    with the breaches. History being replayed escalates nothing: those breaches were dealt with at the
    time (hooks.history)."""
    from . import tasks

    causes = [event.pk for event in events if event.kind in CAUSES]
    if causes and not hooks.replaying_history():
        later(tasks.escalate_automatically, event_ids=causes)


def escalate_on_breach(event: Event) -> Escalation | None:
    """A breached target or a broken promise escalates its ticket to level 1, automatically, unless the
    ticket is already escalated (or not open)."""
    if event.kind not in CAUSES:
        return None
    # Lock the ticket before looking: two breaches at once must not make the second one a climb.
    Ticket.objects.select_for_update().filter(pk=event.ticket_id).first()
    if Escalation.objects.filter(ticket_id=event.ticket_id, state=Escalation.State.OPEN).exists():
        return None
    cause, key = CAUSES[event.kind]
    cause_id = event.data.get(key) if isinstance(event.data.get(key), int) else None
    # The task may run again after a crash: a breach escalated once and since resolved stays resolved.
    if cause_id is not None and Escalation.objects.filter(ticket_id=event.ticket_id, cause=cause, cause_id=cause_id).exists():
        return None
    try:
        return escalate(
            event.ticket, by=None, reason=automatic_reason(event), automatic=True, cause=cause, cause_id=cause_id
        )
    except ValidationError:  # a closed or merged ticket: nothing to escalate
        return None


def follow_transfer(event: Event) -> None:
    """hooks.on_event listener: an escalated ticket handed to another team takes its open escalation along,
    at the same level of the new team's ladder, so the people who can see the ticket can resolve it."""
    if event.kind != Event.Kind.TRANSFERRED or event.data.get("from_team") == event.data.get("to_team"):
        return
    escalation = open_escalation(event.ticket_id, lock=True)
    if escalation is None:
        return
    ladder = ladder_for(event.ticket.team)
    escalation.team_id = ladder.team_id
    if escalation.automatic and escalation.level < ladder.top_level:
        escalation.climb_at = escalation.raised_at + timedelta(minutes=ladder.auto_escalate_after_minutes)
    else:
        escalation.climb_at = None
    escalation.save(update_fields=["team", "climb_at"])


@transaction.atomic
def climb(escalation_id: int, *, now: datetime | None = None) -> Escalation | None:
    """Climb one automatic escalation whose delay has run out, if it is still open and unresolved."""
    now = now or clock.now()
    escalation = (
        Escalation.objects.select_for_update(of=("self",))
        .select_related("ticket")
        .filter(pk=escalation_id, state=Escalation.State.OPEN, climb_at__lte=now)
        .first()
    )
    if escalation is None:  # resolved, climbed or re-timed meanwhile
        return None
    minutes = int((now - escalation.raised_at).total_seconds() // 60)
    reason = _("Unresolved for %(minutes)s minutes at level %(level)s: %(reason)s") % {
        "minutes": minutes,
        "level": escalation.level,
        "reason": escalation.reason,
    }
    try:
        return escalate(
            escalation.ticket,
            by=None,
            reason=reason,
            automatic=True,
            cause=escalation.cause,
            cause_id=escalation.cause_id,
        )
    except ValidationError:  # the top of the ladder (level 2 was removed), or the ticket was closed
        Escalation.objects.filter(pk=escalation.pk).update(climb_at=None)
        return None


def climb_due(*, now: datetime | None = None, batch: int = 200) -> int:
    """Climb every automatic escalation whose delay has run out (escalation_open_climb index). Returns how many climbed."""
    now = now or clock.now()
    due = list(due_to_climb(now=now)[:batch])
    return sum(1 for pk in due if climb(pk, now=now) is not None)


def due_to_climb(*, now: datetime):
    """Ids of open automatic escalations whose delay has run out, soonest first (escalation_open_climb)."""
    return (
        Escalation.objects.filter(state=Escalation.State.OPEN, climb_at__isnull=False, climb_at__lte=now)
        .order_by("climb_at")
        .values_list("pk", flat=True)
    )


# The status guard ------------------------------------------------------------------------------


def refuse_closing_while_escalated(ticket: Ticket, status: str, by) -> None:
    """hooks.guard_status: while an escalation is open, only someone at its level (or an admin) may set
    the ticket solved or closed."""
    if status not in (Ticket.Status.SOLVED, Ticket.Status.CLOSED):
        return
    escalation = open_escalation(ticket.pk)
    if escalation is None:
        return
    ladder = ladder_for(escalation.team)
    if by is not None and at_level(by, escalation, ladder):
        return
    raise ValidationError(
        _("This ticket is escalated to %(level)s; %(who)s must record a resolution first.")
        % {"level": level_label(ladder, escalation.level), "who": who(level_people(ladder, escalation.level))}
    )
