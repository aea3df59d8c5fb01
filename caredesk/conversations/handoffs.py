"""Hand-offs: what the next owner reads first, the customer's introduction to their new owner, and the
report of tickets passed from team to team.

Reads only (plus `introduce_new_owner`, which the task of that name calls). The report is computed from
TRANSFERRED events and the Ticket.handoff_count counter kept in step with them (services.transfer):
- the ticket list is one query for a page of tickets, in handoff_count order by keyset, and one for the
  page's TRANSFERRED events (the chain of teams each passed through);
- the team pairs are one query over the period's TRANSFERRED events (index event_kind_at), counted here.
Permission: the caller has checked permissions.can_see_handoff_report; every row is limited to what the
user may see (tickets of teams they may see, team pairs of teams they may see).
"""

import base64
import json
import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.fields.json import KT, KeyTextTransform
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext_lazy as _

from caredesk.accounts import permissions
from caredesk.accounts.models import Team
from caredesk.system import clock

from .models import OPEN_STATUSES, Event, Ticket
from .queries import PERSON_FIELDS

logger = logging.getLogger(__name__)

PERIODS = {30: _("Last 30 days"), 90: _("Last 90 days"), 365: _("Last 365 days")}
DEFAULT_PERIOD = 90
SCOPES = {"open": _("Open tickets"), "all": _("All tickets")}
DEFAULT_SCOPE = "open"
PAGE_SIZE = 25
PAIRS_SHOWN = 15  # the page shows the pairs that bounce most; the CSV has them all
CSV_CHUNK = 500
# How a private team the user may not see shows in a chain: that the ticket went there is the
# ticket's own history, but the team's name is not theirs to read.
HIDDEN_TEAM = _("a private team")


# What the next owner reads first ------------------------------------------------------------------


@dataclass
class Handover:
    """The latest transfer of a ticket, as the panel on the ticket page shows it."""

    by: str
    from_team: str
    to_team: str
    reason: str
    note: str
    at: datetime


def _team_name(key: str) -> Subquery:
    """The name of the team an event's data names under `key`, in the event's own query."""
    team_id = Cast(KeyTextTransform(key, OuterRef("data")), IntegerField())
    return Subquery(Team.objects.filter(pk=team_id).values("name")[:1])


def handover_for(ticket: Ticket, user) -> Handover | None:
    """The hand-over the ticket page shows `user`: the latest transfer's reason and note, when the user
    owns the ticket (or it sits in its team's queue and the user is on that team), until the owner's
    first reply or note after the transfer (in the queue: anyone's but the sender's). None otherwise.
    No query for a ticket never handed off or owned by someone else; one for the rest."""
    if ticket.handoff_count == 0 or ticket.merged_into_id:
        return None
    # Its owner, or (in the queue) whoever may take it: a working member of its team.
    if ticket.owner_id not in (None, user.pk) or not permissions.can_own_tickets_of(user, ticket.team):
        return None
    # Events are appended in order, so "after the transfer" is "a higher id" (times can tie).
    acted = Event.objects.filter(
        ticket_id=ticket.pk, kind__in=[Event.Kind.REPLIED, Event.Kind.NOTE_ADDED], pk__gt=OuterRef("pk")
    )
    if ticket.owner_id is not None:
        acted = acted.filter(actor_id=ticket.owner_id)
    else:  # anyone but whoever sent it to the queue (0: sent by no one, an automation)
        acted = acted.exclude(actor_id=Coalesce(OuterRef("actor_id"), 0))
    last = (
        Event.objects.filter(ticket_id=ticket.pk, kind=Event.Kind.TRANSFERRED)
        .select_related("actor")
        .only("kind", "at", "data", "actor_id", *(f"actor__{name}" for name in PERSON_FIELDS))
        .annotate(
            acted=Exists(acted), from_team_name=_team_name("from_team"), to_team_name=_team_name("to_team")
        )
        .order_by("-at", "-pk")
        .first()
    )
    if last is None or last.acted:
        return None
    return Handover(
        by=str(last.actor) if last.actor else str(_("caredesk")),
        from_team=last.from_team_name or "",
        to_team=last.to_team_name or "",
        reason=last.data.get("reason", ""),
        note=last.data.get("note", ""),
        at=last.at,
    )


# The customer's introduction to their new owner ----------------------------------------------------


def _known_owners(ticket: Ticket, owner_id: int) -> set[int]:
    """Everyone who owned the ticket before it last went to `owner_id`: the customer has met them."""
    moves = list(
        ticket.events.filter(kind__in=[Event.Kind.ASSIGNED, Event.Kind.TRANSFERRED])
        .order_by("at", "pk")
        .values_list("kind", "data")
    )
    to_them = [
        index
        for index, (kind, data) in enumerate(moves)
        if kind == Event.Kind.TRANSFERRED and data.get("to_owner") == owner_id
    ]
    last = to_them[-1] if to_them else None
    if last is None:
        return set()
    known = {moves[last][1].get("from_owner")}
    for kind, data in moves[:last]:
        if kind == Event.Kind.ASSIGNED:
            known.add(data.get("to"))
        else:
            known |= {data.get("from_owner"), data.get("to_owner")}
    return {owner for owner in known if isinstance(owner, int)}


def why_not_introduce(ticket: Ticket, owner_id: int) -> str:
    """Why the customer of `ticket` is not told that `owner_id` now owns it, or "" when they should be."""
    from caredesk.mail.acknowledgements import MACHINE_ADDRESS

    customer = ticket.customer
    if ticket.owner_id != owner_id:
        return "the ticket has moved on since (that move tells the customer itself)"
    if not ticket.is_open or ticket.merged_into_id:
        return "the ticket is no longer open"
    if "@" not in (customer.email or ""):
        return "the customer has no email address"
    if customer.email_failing_since is not None:
        return f"email to {customer.email} is bouncing"
    if MACHINE_ADDRESS.match(customer.email):
        return f"{customer.email} is a machine's address"
    if owner_id in _known_owners(ticket, owner_id):
        return "the customer has already met this owner (the ticket came back to them)"
    return ""


def introduce_new_owner(ticket_id: int, owner_id: int):
    """Queue the email that tells the customer who now owns their case (Kind.OWNER_INTRODUCED, in the
    team's wording), threaded to their conversation and answered to the team's address. At most once
    per ticket and owner however often it runs; none when switched off for the team, when the customer's
    email bounces, for an owner the customer has already had, or when the ticket has moved on since.
    Returns the queued email or None."""
    from caredesk.mail import outbox
    from caredesk.mail.models import OutboundEmail
    from caredesk.notifications.defaults import Kind
    from caredesk.notifications.rendering import render
    from caredesk.notifications.values import for_ticket, person
    from caredesk.system.idempotency import once

    ticket = Ticket.objects.select_related("customer", "team", "owner").filter(pk=ticket_id).first()
    if ticket is None:
        return None
    if reason := why_not_introduce(ticket, owner_id):
        logger.info("no introduction of the new owner of ticket %s: %s", ticket_id, reason)
        return None
    values = for_ticket(ticket, agent=person(ticket.owner))
    email = render(Kind.OWNER_INTRODUCED, team=ticket.team, context=values)
    if email is None:  # switched off for the team
        return None
    thread = outbox.thread_of(ticket)
    with transaction.atomic(), once(f"owner-introduced:{ticket.pk}:{owner_id}") as first_time:
        if not first_time:
            return None
        return outbox.queue(
            kind=OutboundEmail.Kind.NOTIFICATION,
            ticket=ticket,
            to=ticket.customer.email,
            subject=outbox.reply_subject(email.subject, ticket),
            body_text=email.body,
            reply_to=outbox.reply_address(ticket),
            in_reply_to=thread.in_reply_to,
            references=thread.references,
        )


# The report ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    period: int = DEFAULT_PERIOD
    team: Team | None = None
    scope: str = DEFAULT_SCOPE

    @property
    def since(self) -> datetime:
        return clock.now() - timedelta(days=self.period)


@dataclass
class Step:
    team: str
    bounced: bool = False  # back to the team it had just left


@dataclass
class Row:
    ticket: Ticket
    chain: list[Step] = field(default_factory=list)
    bounces: int = 0


@dataclass
class RowPage:
    rows: list[Row]
    next_cursor: str | None
    previous_cursor: str | None


@dataclass
class Pair:
    from_team: str
    to_team: str
    transfers: int
    bounced_back: int
    share: int = 0  # percent of the largest pair's transfers: the bar's width
    bounced_share: int = 0  # the part of that bar that bounced back (drawn red)

    @property
    def kept_share(self) -> int:
        return self.share - self.bounced_share


@dataclass
class PairReport:
    pairs: list[Pair]
    transfers: int
    within_teams: int
    tickets: int
    bounced_back: int


class TeamNames:
    """Team names as `user` may read them: one query for all teams (a desk has few)."""

    def __init__(self, user):
        self.names, self.visible = {}, set()
        self.teams: list[Team] = []  # those `user` may see, by name: the report's team filter
        for team in Team.objects.order_by("name", "pk"):
            self.names[team.pk] = team.name
            if permissions.can_see_team(user, team):
                self.visible.add(team.pk)
                self.teams.append(team)

    def __getitem__(self, team_id) -> str:
        if team_id not in self.names:
            return str(_("a team since removed"))
        return self.names[team_id] if team_id in self.visible else str(HIDDEN_TEAM)


def _as_team_id(value) -> int | None:
    """A team id from event data as the database handed it back (a number, or text from KT)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def tickets(user, filters: Filters) -> QuerySet:
    """Tickets `user` may see that were handed on in the period (to or from the team, when one is
    chosen), open ones only unless the scope is all. Not ordered."""
    # Driven from the period's transfers (index event_kind_at), a few thousand at most, rather than from
    # every ticket with a check each: measured 10 ms against 750 at 10^5 tickets (SQLite).
    moved = Event.objects.filter(kind=Event.Kind.TRANSFERRED, at__gte=filters.since)
    if filters.team is not None:
        moved = moved.filter(Q(data__from_team=filters.team.pk) | Q(data__to_team=filters.team.pk))
    rows = Ticket.objects.filter(
        permissions.visible_tickets(user), handoff_count__gt=0, pk__in=moved.values("ticket_id")
    )
    if filters.scope == "open":
        rows = rows.filter(status__in=OPEN_STATUSES)
    return rows


def _encode(count: int, pk: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([count, pk]).encode()).decode()


def _decode(cursor: str) -> tuple[int, int] | None:
    try:
        count, pk = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError, UnicodeError):
        return None
    if not all(type(value) is int and 0 <= value < 2**63 for value in (count, pk)):
        return None
    return count, pk


def ticket_page(
    user, filters: Filters, *, after: str = "", before: str = "", size: int = PAGE_SIZE, names: TeamNames | None = None
) -> RowPage:
    """One page of tickets, most hand-offs first, each with the chain of teams it passed through.
    Keyset paging on (handoff_count, id): two queries whatever the page's depth and the table's size."""
    cursor = _decode(before) if before else _decode(after) if after else None
    backwards = bool(before and cursor)
    rows = tickets(user, filters).select_related("customer", "team", "owner")
    if cursor:
        count, pk = cursor
        if backwards:
            rows = rows.filter(Q(handoff_count__gt=count) | Q(handoff_count=count, pk__gt=pk))
        else:
            rows = rows.filter(Q(handoff_count__lt=count) | Q(handoff_count=count, pk__lt=pk))
    order = ["handoff_count", "pk"] if backwards else ["-handoff_count", "-pk"]
    found = list(rows.order_by(*order)[: size + 1])
    more = len(found) > size
    found = found[:size]
    if backwards:
        found.reverse()
    if not found:
        return RowPage([], None, None)
    page_rows = with_chains(found, names or TeamNames(user))
    first, last = found[0], found[-1]
    has_next = True if backwards else more
    has_previous = more if backwards else bool(cursor)
    return RowPage(
        page_rows,
        _encode(last.handoff_count, last.pk) if has_next else None,
        _encode(first.handoff_count, first.pk) if has_previous else None,
    )


def with_chains(found: list[Ticket], names: TeamNames) -> list[Row]:
    """Rows for tickets, with the teams each passed through: one query for all their transfers."""
    moves: dict[int, list[tuple[int | None, int | None]]] = {ticket.pk: [] for ticket in found}
    transfers = (
        Event.objects.filter(ticket_id__in=list(moves), kind=Event.Kind.TRANSFERRED)
        .order_by("ticket_id", "at", "pk")
        .annotate(from_team=KT("data__from_team"), to_team=KT("data__to_team"))
        .values_list("ticket_id", "from_team", "to_team")
    )
    for ticket_id, from_team, to_team in transfers:
        moves[ticket_id].append((_as_team_id(from_team), _as_team_id(to_team)))
    rows = []
    for ticket in found:
        row = Row(ticket)
        teams: list[int | None] = []
        for from_team, to_team in moves[ticket.pk]:
            if not teams:
                teams.append(from_team)
            if to_team != teams[-1]:  # a hand-off inside a team stays one step
                teams.append(to_team)
        for index, team_id in enumerate(teams):
            bounced = index >= 2 and teams[index - 2] == team_id
            row.bounces += bounced
            row.chain.append(Step(names[team_id], bounced))
        rows.append(row)
    return rows


def all_rows(user, filters: Filters) -> Iterator[Row]:
    """Every row of the ticket list, a chunk at a time (for the CSV export): two queries per chunk."""
    names = TeamNames(user)
    after = ""
    while True:
        page = ticket_page(user, filters, after=after, size=CSV_CHUNK, names=names)
        yield from page.rows
        if not page.next_cursor:
            return
        after = page.next_cursor


def pairs(user, filters: Filters, *, names: TeamNames | None = None) -> PairReport:
    """Transfers from one team to another in the period, by pair, most first, with how many of them
    went straight back (A to B, then B to A, on the same ticket, both in the period). Only pairs of teams
    `user` may see; with a team chosen, only pairs it is part of. One query: the period's transfers in
    the order of the event_kind_at index, counted here."""
    names = names or TeamNames(user)
    transfers = (
        Event.objects.filter(kind=Event.Kind.TRANSFERRED, at__gte=filters.since)
        .order_by("at", "pk")
        .annotate(from_team=KT("data__from_team"), to_team=KT("data__to_team"))
        .values_list("ticket_id", "from_team", "to_team")
    )
    counts: Counter = Counter()
    bounces: Counter = Counter()
    previous: dict[int, tuple] = {}  # ticket id: its latest move between teams
    # Team ids come back as numbers (SQLite) or text (PostgreSQL's ->>): compared as they come, with
    # both forms in the sets, and turned into ids once per pair at the end (10^4-10^5 rows a year).
    visible = names.visible | {str(pk) for pk in names.visible}
    wanted = {filters.team.pk, str(filters.team.pk)} if filters.team is not None else None
    within = 0
    tickets_moved = set()
    for ticket_id, from_team, to_team in transfers.iterator(chunk_size=5000):
        if from_team not in visible or to_team not in visible:
            continue
        if wanted is not None and from_team not in wanted and to_team not in wanted:
            continue
        tickets_moved.add(ticket_id)
        if from_team == to_team:
            within += 1
            continue
        move = (from_team, to_team)
        counts[move] += 1
        if previous.get(ticket_id) == (to_team, from_team):
            bounces[move] += 1
        previous[ticket_id] = move
    counts = Counter({(_as_team_id(a), _as_team_id(b)): count for (a, b), count in counts.items()})
    bounces = Counter({(_as_team_id(a), _as_team_id(b)): count for (a, b), count in bounces.items()})
    # Most transfers first; as many, most bounced back first; then by name.
    ranked = sorted(
        counts.items(), key=lambda item: (-item[1], -bounces[item[0]], names[item[0][0]], names[item[0][1]])
    )
    most = ranked[0][1] if ranked else 0
    return PairReport(
        pairs=[
            Pair(
                names[a], names[b], count, bounces[(a, b)],
                share=round(100 * count / most), bounced_share=round(100 * bounces[(a, b)] / most),
            )
            for (a, b), count in ranked
        ],
        transfers=sum(counts.values()) + within,
        within_teams=within,
        tickets=len(tickets_moved),
        bounced_back=sum(bounces.values()),
    )

