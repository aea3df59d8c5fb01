"""Figures rolled up from the event log, kept up to date as events are written and rebuilt from them.

One pure function, `fold(state, event)`, reads one event of a ticket with the rollup's memory of that
ticket (TicketState) and returns the facts it measures (Measurement rows). Both ways of filling the
tables go through it, so they agree by construction (and a test checks it on a random history):
- incremental: `on_events`, a conversations.hooks.on_events listener, runs inside the transaction that
  wrote the events (the demo's replayed history included): it loads the tickets' states, folds the
  events in, writes the new facts, and adds each fact's difference to DailyFigure and MonthlyFigure with an upsert.
- rebuild: `rebuild()` empties the tables and folds every event, ticket by ticket in id order,
  then sums the facts into DailyFigure, and those into MonthlyFigure, with an INSERT ... SELECT each.

A fact's key makes it replaceable: a fact with the key of an existing one (a survey answer changed, a
ticket solved a second time) replaces it, and the daily figures move by the difference.
Exact definitions of each metric: docs/reports.md.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from caredesk.calendars import business_time
from caredesk.conversations import hooks
from caredesk.conversations.models import OPEN_STATUSES, Event, Ticket

from .models import DailyFigure, Measurement, MonthlyFigure, TicketState

logger = logging.getLogger(__name__)
K = Event.Kind

# The kinds the rollup reads; any other event costs the listener nothing.
KINDS = {
    K.CREATED, K.ASSIGNED, K.TRANSFERRED, K.STATUS_CHANGED, K.REPLIED, K.CUSTOMER_REPLIED, K.REOPENED,
    K.MERGED, K.PROMISE_KEPT, K.PROMISE_BROKEN, K.TARGET_MET, K.TARGET_BREACHED, K.SURVEY_ANSWERED,
}
SURVEY_KINDS = ("csat", "ces", "nps")
RESOLVED = ("solved", "closed")


@dataclass
class Fact:
    metric: str
    key: str
    day: object  # date
    team_id: int
    agent_id: int
    channel: str
    count: int
    value: float


def day_of(at: datetime):
    """The desk's local date of an instant: days are cut at midnight in settings.TIME_ZONE."""
    return timezone.localtime(at).date()


# The surveys app names its scales; the top score of each.
SCALE_TOPS = {"good_bad": 1, "1-5": 5, "1-7": 7, "0-10": 10}


def csat_satisfied(score: float, scale: float | str) -> bool:
    """Good or average. On a 1-5 scale: 3, 4 or 5. Good/bad ("good_bad": 0 bad, 1 good; or a number 2 or
    1 for the top score of a two-point scale): the top score."""
    if scale == "good_bad":
        return score >= 1
    top = SCALE_TOPS.get(scale, 5) if isinstance(scale, str) else scale
    if top <= 2:
        return score >= top
    return score >= (top + 1) / 2


def nps_points(score: float) -> int:
    """Promoter (9-10) +1, passive (7-8) 0, detractor (0-6) -1: NPS is 100 times their average."""
    return 1 if score >= 9 else 0 if score >= 7 else -1


def new_state(ticket_id: int, *, team_id: int, owner_id: int, channel: str, created_at: datetime, is_open=True):
    return TicketState(
        ticket_id=ticket_id, team_id=team_id or 0, owner_id=owner_id or 0, channel=channel or "",
        created_at=created_at, is_open=is_open,
    )


def state_from_ticket(ticket: Ticket) -> TicketState:
    """For a ticket whose CREATED event the rollup never saw (written before reports was installed)."""
    return new_state(
        ticket.pk, team_id=ticket.team_id, owner_id=ticket.owner_id, channel=ticket.channel,
        created_at=ticket.created_at, is_open=ticket.status in OPEN_STATUSES,
    )


def _int(value) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def fold(state: TicketState | None, event: Event, calendar: Callable[[int], business_time.Calendar]) -> tuple[TicketState | None, list[Fact]]:
    """The facts `event` measures, and the ticket's state after it. `state` is changed in place (None
    before a ticket's CREATED). `calendar(team_id)` gives a team's business calendar."""
    kind, data, at = event.kind, event.data or {}, event.at
    if kind == K.CREATED:
        state = new_state(event.ticket_id, team_id=_int(data.get("team")), owner_id=0,
                          channel=str(data.get("channel", "")), created_at=at)
        return state, [_fact(state, "backlog", str(event.pk), at, 0, 1, 0)]
    if state is None:
        return None, []
    facts: list[Fact] = []

    def moved(team_id: int, owner_id: int):
        # An open ticket leaves one (team, owner)'s backlog for another's.
        if state.is_open and (team_id, owner_id) != (state.team_id, state.owner_id):
            facts.append(_fact(state, "backlog", f"{event.pk}-", at, state.owner_id, -1, 0))
            state.team_id, state.owner_id = team_id, owner_id
            facts.append(_fact(state, "backlog", f"{event.pk}+", at, state.owner_id, 1, 0))
        state.team_id, state.owner_id = team_id, owner_id

    if kind == K.ASSIGNED:
        moved(_int(data.get("team")) or state.team_id, _int(data.get("to")))
    elif kind == K.TRANSFERRED:
        state.transfers += 1
        moved(_int(data.get("to_team")) or state.team_id, _int(data.get("to_owner")))
    elif kind == K.REPLIED:
        agent = event.actor_id or 0
        if state.first_reply_at is None:
            facts.append(_fact(state, "first_reply", "1", at, agent, 1, _business_seconds(state.created_at, at, calendar(state.team_id))))
            state.first_reply_at = at
        elif state.waiting_since is not None:
            facts.append(_fact(state, "next_reply", str(event.pk), at, agent, 1, _business_seconds(state.waiting_since, at, calendar(state.team_id))))
        state.waiting_since = None
    elif kind == K.CUSTOMER_REPLIED:
        if state.first_reply_at is not None and state.waiting_since is None:
            state.waiting_since = at
    elif kind == K.STATUS_CHANGED:
        to = data.get("to")
        if to in RESOLVED and state.is_open:
            facts += _resolved(state, event, calendar)
        elif to in OPEN_STATUSES and not state.is_open:
            state.is_open = True
            facts.append(_fact(state, "backlog", str(event.pk), at, state.owner_id, 1, 0))
    elif kind == K.REOPENED:
        facts.append(_fact(state, "reopened", "1", at, state.owner_id, 1, 1))
        if not state.is_open:
            state.is_open = True
            facts.append(_fact(state, "backlog", str(event.pk), at, state.owner_id, 1, 0))
    elif kind == K.MERGED:
        if state.is_open:  # closed by the merge: off the backlog, but not resolved by anyone
            state.is_open = False
            facts.append(_fact(state, "backlog", str(event.pk), at, state.owner_id, -1, 0))
    elif kind in (K.PROMISE_KEPT, K.PROMISE_BROKEN):
        key = str(data.get("promise", event.pk))
        owner = _int(data.get("owner")) or state.owner_id
        facts.append(_fact(state, "promises_kept", key, at, owner, 1, 1 if kind == K.PROMISE_KEPT else 0))
    elif kind in (K.TARGET_MET, K.TARGET_BREACHED):
        key = str(data.get("target", event.pk))
        facts.append(_fact(state, "attainment", key, at, state.owner_id, 1, 1 if kind == K.TARGET_MET else 0))
    elif kind == K.SURVEY_ANSWERED:
        facts += _survey(state, event)
    return state, facts


def _resolved(state: TicketState, event: Event, calendar) -> list[Fact]:
    at, owner = event.at, state.owner_id or (event.actor_id or 0)
    state.is_open = False
    state.waiting_since = None
    return [
        _fact(state, "backlog", str(event.pk), at, state.owner_id, -1, 0),
        # The latest resolution counts (key "1"): a ticket solved, reopened and solved again is one
        # resolution, timed from its creation to the last solve, and one ticket for hand-offs per ticket.
        _fact(state, "resolution", "1", at, owner, 1, _business_seconds(state.created_at, at, calendar(state.team_id))),
        _fact(state, "handoffs", "1", at, owner, 1, state.transfers),
    ]


def _survey(state: TicketState, event: Event) -> list[Fact]:
    data = event.data or {}
    kind, score, scale = data.get("kind"), data.get("score"), data.get("scale")
    if kind not in SURVEY_KINDS or not isinstance(score, int | float) or isinstance(score, bool):
        return []
    if kind == "csat":
        value = 1 if csat_satisfied(score, scale if isinstance(scale, int | float | str) else 5) else 0
    elif kind == "nps":
        value = nps_points(score)
    else:
        value = float(score)
    # The latest answer to a survey counts (key: the survey): a changed answer replaces the first one.
    return [_fact(state, kind, str(data.get("survey", event.pk)), event.at, state.owner_id, 1, value)]


def _fact(state: TicketState, metric: str, key: str, at: datetime, agent_id: int, count: int, value: float) -> Fact:
    return Fact(metric, key, day_of(at), state.team_id, agent_id or 0, state.channel, count, float(value))


def _business_seconds(start: datetime, end: datetime, calendar: business_time.Calendar) -> float:
    if end <= start:
        return 0.0
    return business_time.elapsed_business_time(start, end, calendar).total_seconds()


class Calendars:
    """Business calendars by team id, looked up once per listener call or rebuild."""

    def __init__(self):
        self.by_team: dict[int, business_time.Calendar] = {}

    def __call__(self, team_id: int) -> business_time.Calendar:
        if team_id not in self.by_team:
            from caredesk.accounts.models import Team
            from caredesk.calendars.services import calendar_for

            team = Team.objects.select_related("calendar").filter(pk=team_id).first()
            self.by_team[team_id] = calendar_for(team)
        return self.by_team[team_id]


# Incremental -----------------------------------------------------------------------------------------


def _replaying() -> bool:
    return hooks.replaying_history()


def on_events(events: list[Event]) -> None:
    """The hooks.on_events listener: fold the events in, in the transaction that wrote them. Quiet while
    history is replayed (the demo's six months, an import): folding event by event there costs more than
    the history itself, so whoever replays history ends with rebuild() (the demo does)."""
    if _replaying():
        return
    wanted = [event for event in events if event.kind in KINDS]
    if not wanted:
        return
    ticket_ids = {event.ticket_id for event in wanted}
    states = {state.ticket_id: state for state in TicketState.objects.filter(ticket_id__in=ticket_ids)}
    missing = ticket_ids - states.keys() - {e.ticket_id for e in wanted if e.kind == K.CREATED}
    for ticket in Ticket.objects.filter(pk__in=missing):
        states[ticket.pk] = state_from_ticket(ticket)
    known = set(states) - missing  # rows that exist already
    before = {pk: _values(states[pk]) for pk in known}
    calendars = Calendars()
    facts: list[tuple[int, Fact]] = []
    for event in sorted(wanted, key=lambda e: e.pk):
        state, new = fold(states.get(event.ticket_id), event, calendars)
        if state is not None:
            states[event.ticket_id] = state
        facts += [(event.ticket_id, fact) for fact in new]
    _save_states(states, before)
    if facts:
        _apply(facts)


STATE_FIELDS = ("team_id", "owner_id", "channel", "created_at", "first_reply_at", "waiting_since", "is_open", "transfers")


def _values(state: TicketState) -> tuple:
    return tuple(getattr(state, name) for name in STATE_FIELDS)


def _save_states(states: dict[int, TicketState], before: dict[int, tuple]) -> None:
    """Insert the new states, and update the stored ones (`before`: their values as read) that changed, in
    the fields that changed: many events change nothing here (a customer writing again before anyone
    answered), and bulk_update's CASE per row and field costs more to build than the folding itself."""
    changed: dict[tuple[str, ...], list[TicketState]] = {}
    for pk, old in before.items():
        state = states[pk]
        fields = tuple(name for name, value in zip(STATE_FIELDS, old) if getattr(state, name) != value)
        if fields:
            changed.setdefault(fields, []).append(state)
    for fields, group in changed.items():
        TicketState.objects.bulk_update(group, list(fields))
    added = [state for pk, state in states.items() if pk not in before]
    if added:
        TicketState.objects.bulk_create(added, ignore_conflicts=False)


def _apply(facts: list[tuple[int, Fact]]) -> None:
    """Write facts (replacing those with the same key) and move the daily figures by the difference."""
    # Within one batch a later fact with the same key wins.
    latest: dict[tuple, Fact] = {}
    for ticket_id, fact in facts:
        latest[(ticket_id, fact.metric, fact.key)] = fact
    old = {
        (m.ticket_id, m.metric, m.key): m
        for m in Measurement.objects.filter(
            ticket_id__in={key[0] for key in latest}, key__in={key[2] for key in latest}
        )
        if (m.ticket_id, m.metric, m.key) in latest
    }
    deltas: dict[tuple, list] = {}

    def add(day, team_id, agent_id, channel, metric, count, value):
        slot = deltas.setdefault((day, team_id, agent_id, channel, metric), [0, 0.0])
        slot[0] += count
        slot[1] += value

    replaced, created = [], []
    for (ticket_id, metric, key), fact in latest.items():
        add(fact.day, fact.team_id, fact.agent_id, fact.channel, metric, fact.count, fact.value)
        previous = old.get((ticket_id, metric, key))
        if previous is not None:
            add(previous.day, previous.team_id, previous.agent_id, previous.channel, metric, -previous.count, -previous.value)
            for name in ("day", "team_id", "agent_id", "channel", "count", "value"):
                setattr(previous, name, getattr(fact, name))
            replaced.append(previous)
        else:
            created.append(Measurement(ticket_id=ticket_id, metric=metric, key=key, **_fields(fact)))
    if replaced:
        Measurement.objects.bulk_update(replaced, ["day", "team_id", "agent_id", "channel", "count", "value"])
    if created:
        Measurement.objects.bulk_create(created)
    _upsert(deltas)


def _fields(fact: Fact) -> dict:
    return {"day": fact.day, "team_id": fact.team_id, "agent_id": fact.agent_id, "channel": fact.channel,
            "count": fact.count, "value": fact.value}


def _upsert(deltas: dict[tuple, list]) -> None:
    """Add to the daily and the monthly figures: INSERT ... ON CONFLICT DO UPDATE (SQLite and
    PostgreSQL), one statement per table."""
    rows = [(*key, count, total) for key, (count, total) in deltas.items() if count or total]
    if not rows:
        return
    months: dict[tuple, list] = {}
    for day, *rest, count, total in rows:
        slot = months.setdefault((month_of(day), *rest), [0, 0.0])
        slot[0] += count
        slot[1] += total
    with connection.cursor() as cursor:
        for model, table_rows in ((DailyFigure, rows), (MonthlyFigure, [(*key, *sums) for key, sums in months.items()])):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.executemany(
                f"INSERT INTO {table} (day, team_id, agent_id, channel, metric, count, total) VALUES (%s, %s, %s, %s, %s, %s, %s) "
                f"ON CONFLICT (day, team_id, agent_id, channel, metric) DO UPDATE SET "
                f"count = {table}.count + excluded.count, total = {table}.total + excluded.total",
                table_rows,
            )


def month_of(day):
    """The first day of `day`'s month: how MonthlyFigure names a month."""
    return day.replace(day=1)


def fill_months(using=None) -> int:
    """Sum the daily figures into the (empty) monthly table with one INSERT ... SELECT; returns the rows."""
    conn = connection if using is None else using
    month = "CAST(date_trunc('month', day) AS date)" if conn.vendor == "postgresql" else "date(day, 'start of month')"
    table, source = MonthlyFigure._meta.db_table, DailyFigure._meta.db_table
    with conn.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, team_id, agent_id, channel, metric, count, total) "
            f"SELECT {month}, team_id, agent_id, channel, metric, SUM(count), SUM(total) FROM {source} "
            f"GROUP BY {month}, team_id, agent_id, channel, metric"
        )
        return cursor.rowcount


# Rebuild ---------------------------------------------------------------------------------------------

CHUNK = 5000


@transaction.atomic
def rebuild(progress: Callable[[str], None] = lambda line: None) -> dict[str, int]:
    """Recompute the four tables from the event log alone. Events are folded ticket by ticket in the
    order they were written (id), as the listener saw them. Returns how many rows each table got."""
    TicketState.objects.all().delete()
    Measurement.objects.all().delete()
    DailyFigure.objects.all().delete()
    MonthlyFigure.objects.all().delete()
    calendars = Calendars()
    states: list[TicketState] = []
    facts: dict[tuple, Fact] = {}
    written = {"events": 0, "tickets": 0, "measurements": 0}
    current, state = None, None
    tickets_without_created: set[int] = set()

    def flush_ticket():
        if state is not None:
            states.append(state)

    def flush(final=False):
        if len(states) >= CHUNK or final:
            TicketState.objects.bulk_create(states, batch_size=1000)
            written["tickets"] += len(states)
            states.clear()
        if len(facts) >= CHUNK or final:
            Measurement.objects.bulk_create(
                [Measurement(ticket_id=t, metric=m, key=k, **_fields(f)) for (t, m, k), f in facts.items()],
                batch_size=1000,
            )
            written["measurements"] += len(facts)
            facts.clear()

    rows = Event.objects.filter(kind__in=KINDS).order_by("ticket_id", "pk").only("pk", "ticket_id", "kind", "actor_id", "at", "data")
    for event in rows.iterator(chunk_size=CHUNK):
        if event.ticket_id != current:
            flush_ticket()
            flush()
            current, state = event.ticket_id, None
            if event.kind != K.CREATED:
                tickets_without_created.add(event.ticket_id)
        if state is None and event.ticket_id in tickets_without_created:
            state = state_from_ticket(Ticket.objects.get(pk=event.ticket_id))
        state, new = fold(state, event, calendars)
        for fact in new:
            facts[(event.ticket_id, fact.metric, fact.key)] = fact
        written["events"] += 1
        if written["events"] % 100_000 == 0:
            progress(f"{written['events']} events folded")
    flush_ticket()
    flush(final=True)
    table, source = DailyFigure._meta.db_table, Measurement._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, team_id, agent_id, channel, metric, count, total) "
            f"SELECT day, team_id, agent_id, channel, metric, SUM(count), SUM(value) FROM {source} "
            "GROUP BY day, team_id, agent_id, channel, metric"
        )
        written["daily_figures"] = cursor.rowcount
    written["monthly_figures"] = fill_months()
    return written


def figures_as_rows(rows: Iterable[DailyFigure] | None = None) -> set[tuple]:
    """The daily figures as comparable rows (rows summing to nothing left out, totals rounded): what the
    incremental and the rebuilt tables are compared by."""
    rows = DailyFigure.objects.all() if rows is None else rows
    return {
        (r.day, r.team_id, r.agent_id, r.channel, r.metric, r.count, round(r.total, 3))
        for r in rows
        if r.count or round(r.total, 3)
    }
