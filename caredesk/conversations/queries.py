"""Reads: querysets shaped for pages and endpoints, each behind the permission module.

Queues stay fast at a million tickets: rows come a page at a time by keyset (no OFFSET), counts are
bounded (a view with more than COUNT_LIMIT tickets shows "1000+"), and the open-ticket views are
served by partial indexes (models.Ticket.Meta.indexes).
"""

import base64
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caredesk.accounts import permissions
from caredesk.accounts.models import Team, User

from . import search
from .models import OPEN_STATUSES, Attachment, Event, Message, SavedView, Ticket

COUNT_LIMIT = 1000
COUNTS_FOR = 20  # seconds the sidebar's view counts are reused
PAGE_SIZE = 25

BUILTIN_VIEWS = {
    "mine": _("Mine"),
    "teams": _("My teams"),
    "unassigned": _("Unassigned"),
    "open": _("All open"),
}

SORTS = {
    "-updated_at": _("Recently updated"),
    "updated_at": _("Least recently updated"),
    "-created_at": _("Newest"),
    "created_at": _("Oldest"),
    "-priority": _("Highest priority"),
    "priority": _("Lowest priority"),
    "next_due_at": _("Time left"),  # service targets: soonest due first, tickets without one last
}
# Sorts on a column that may be empty: empty values come last (keyset_page walks them separately).
NULLS_LAST = {"next_due_at"}
DEFAULT_SORT = "-updated_at"


def ticket_for(user, ticket_id: int, *, to_change: bool = False) -> Ticket:
    """The one way a page or endpoint gets a ticket. Invisible ones are 404: ids reveal nothing."""
    ticket = get_object_or_404(
        # Not the ticket a merged one points to, nor the customer's portal login: few pages want them, and
        # joining their rows made every ticket query dearer to build.
        Ticket.objects.select_related("owner", "customer__organisation", "team"),
        pk=ticket_id,
    )
    if not permissions.can_see_ticket(user, ticket):
        raise Http404
    if to_change and not permissions.can_work_on(user, ticket):
        raise PermissionDenied
    return ticket


def visible(user) -> QuerySet:
    return Ticket.objects.filter(permissions.visible_tickets(user))


def _builtin(user, name: str) -> Q:
    open_ = Q(status__in=OPEN_STATUSES)
    if name == "mine":
        return open_ & Q(owner=user)
    if name == "teams":
        return open_ & Q(team_id__in=permissions.member_team_ids(user))
    if name == "unassigned":
        return open_ & Q(owner__isnull=True)
    return open_


def _day_start(value: date) -> datetime:
    return timezone.make_aware(datetime.combine(value, time.min))


def _day_end(value: date) -> datetime:
    """The first moment after `value` (the last day of the calendar has no next day)."""
    return _day_start(value) + timezone.timedelta(days=1) if value < date.max else timezone.make_aware(datetime.max - timezone.timedelta(days=1))


def apply_filters(tickets: QuerySet, filters: dict, *, user) -> QuerySet:
    """Narrow tickets by a cleaned filter dict (forms.QueueFilterForm.cleaned_data or a saved view)."""
    if statuses := filters.get("status"):
        tickets = tickets.filter(status__in=statuses)
    if priorities := filters.get("priority"):
        tickets = tickets.filter(priority__in=[int(p) for p in priorities])
    if team := filters.get("team"):
        tickets = tickets.filter(team_id=team)
    owner = filters.get("owner")
    if owner == "me":
        tickets = tickets.filter(owner=user)
    elif owner == "none":
        tickets = tickets.filter(owner__isnull=True)
    elif owner:
        tickets = tickets.filter(owner_id=int(owner))
    if tag := filters.get("tag"):
        tickets = tickets.filter(tags__name=tag)
    if channel := filters.get("channel"):
        tickets = tickets.filter(channel=channel)
    if created_from := filters.get("created_from"):
        tickets = tickets.filter(created_at__gte=_day_start(_as_date(created_from)))
    if created_to := filters.get("created_to"):
        tickets = tickets.filter(created_at__lt=_day_end(_as_date(created_to)))
    if updated_from := filters.get("updated_from"):
        tickets = tickets.filter(updated_at__gte=_day_start(_as_date(updated_from)))
    if updated_to := filters.get("updated_to"):
        tickets = tickets.filter(updated_at__lt=_day_end(_as_date(updated_to)))
    if text := (filters.get("q") or "").strip():
        number = text.lstrip("#")
        if number.isascii() and number.isdecimal() and len(number) < 19:
            tickets = tickets.filter(Q(pk=int(number)) | Q(pk__in=search.matching_ticket_ids(text)))
        else:
            tickets = search.filter_tickets(tickets, text)
    return tickets


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def queue(user, *, view: str = "open", saved: SavedView | None = None, filters: dict | None = None) -> QuerySet:
    """Tickets of one queue view, visible to `user`, with any extra filters."""
    tickets = visible(user)
    if saved is not None:
        tickets = apply_filters(tickets, saved.filters, user=user)
    else:
        tickets = tickets.filter(_builtin(user, view if view in BUILTIN_VIEWS else "open"))
    if filters:
        tickets = apply_filters(tickets, filters, user=user)
    return tickets


def bounded_count(tickets: QuerySet, limit: int = COUNT_LIMIT) -> int:
    """How many, counting at most limit + 1 rows: the caller shows "1000+" above the limit."""
    return tickets.order_by().values("pk")[: limit + 1].count()


def saved_views_for(user) -> QuerySet:
    return SavedView.objects.filter(Q(owner=user) | Q(is_shared=True)).order_by("name")


def saved_view_for(user, view_id: int, *, to_change: bool = False) -> SavedView:
    view = get_object_or_404(SavedView, pk=view_id)
    if view.owner_id != user.pk and not (view.is_shared and not to_change):
        raise Http404
    return view


def view_counts(user, saved_views, *, fresh: bool = False) -> dict:
    """Bounded counts for the sidebar: one small query per view, remembered for COUNTS_FOR seconds
    (per process) unless `fresh` is asked for. Counts a few seconds old are what every help desk
    shows; recounting every view on every page view was a third of the queue page's time."""
    # The saved views' filters are part of the key: editing a view counts it afresh.
    shape = json.dumps([(saved.pk, saved.filters) for saved in saved_views], sort_keys=True, default=str)
    key = f"view-counts:{user.pk}:{hashlib.sha256(shape.encode()).hexdigest()}"
    cache = caches["local"]
    counts = None if fresh else cache.get(key)
    if counts is None:
        counts = {name: bounded_count(queue(user, view=name)) for name in BUILTIN_VIEWS}
        for saved in saved_views:
            counts[f"saved-{saved.pk}"] = bounded_count(queue(user, saved=saved))
        cache.set(key, counts, COUNTS_FOR)
    return counts


# Keyset pagination ------------------------------------------------------------------------------


@dataclass
class Page:
    rows: list
    next_cursor: str | None
    previous_cursor: str | None


def _encode(value, pk: int) -> str:
    if isinstance(value, datetime):
        value = value.isoformat()
    return base64.urlsafe_b64encode(json.dumps([value, pk]).encode()).decode()


def _decode(cursor: str, field: str):
    """The (value, id) a cursor carries, or None for anything hand-made that does not fit the sort."""
    try:
        value, pk = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if value is None and field in NULLS_LAST:
            value = None  # the cursor is among the rows with nothing in the sort column
        elif field.endswith("_at"):
            value = datetime.fromisoformat(value)
            if timezone.is_naive(value):
                return None
        elif not isinstance(value, int) or isinstance(value, bool):
            return None
        if not isinstance(pk, int) or isinstance(pk, bool) or not 0 < pk < 2**63:
            return None
        return value, pk
    except (ValueError, TypeError, OverflowError, UnicodeError):
        return None


def keyset_page(tickets: QuerySet, *, sort: str, after: str = "", before: str = "", size: int = PAGE_SIZE) -> Page:
    """One page of `tickets` in `sort` order, continuing after (or before) a cursor. The query is
    "WHERE (field, id) beyond the cursor ORDER BY field, id LIMIT size+1": constant cost at any depth."""
    sort = sort if sort in SORTS else DEFAULT_SORT
    field = sort.lstrip("-")
    descending = sort.startswith("-")
    cursor = _decode(before, field) if before else _decode(after, field) if after else None
    if field in NULLS_LAST:
        return _keyset_nulls_last(tickets, field=field, cursor=cursor, backwards=bool(before and cursor), size=size)
    backwards = bool(before and cursor)
    forward_desc = descending != backwards  # walking backwards flips the direction
    if cursor:
        value, pk = cursor
        op = "lt" if forward_desc else "gt"
        tickets = tickets.filter(Q(**{f"{field}__{op}": value}) | Q(**{field: value, f"pk__{op}": pk}))
    order = [f"-{field}", "-pk"] if forward_desc else [field, "pk"]
    rows = list(tickets.order_by(*order)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    if not rows:
        return Page([], None, None)
    first, last = rows[0], rows[-1]
    has_next = more if not backwards else True
    has_previous = (more if backwards else bool(cursor))
    return Page(
        rows,
        _encode(getattr(last, field), last.pk) if has_next else None,
        _encode(getattr(first, field), first.pk) if has_previous else None,
    )


def _keyset_nulls_last(tickets: QuerySet, *, field: str, cursor, backwards: bool, size: int) -> Page:
    """keyset_page for an ascending sort on a column that may be empty, empty values last. Rows with a
    value come from their own ordered query (served by a partial index such as ticket_open_due), the
    empty ones by id after them: a second query only on the page where the first runs out."""
    valued = tickets.filter(**{f"{field}__isnull": False})
    empty = tickets.filter(**{f"{field}__isnull": True})
    value, pk = cursor if cursor else (None, None)
    if not backwards:
        if cursor and value is None:
            rows = list(empty.filter(pk__gt=pk).order_by("pk")[: size + 1])
        else:
            if cursor:
                valued = valued.filter(Q(**{f"{field}__gt": value}) | Q(**{field: value, "pk__gt": pk}))
            rows = list(valued.order_by(field, "pk")[: size + 1])
            if len(rows) <= size:
                rows += list(empty.order_by("pk")[: size + 1 - len(rows)])
    else:
        if value is None:
            rows = list(empty.filter(pk__lt=pk).order_by("-pk")[: size + 1])
            if len(rows) <= size:
                rows += list(valued.order_by(f"-{field}", "-pk")[: size + 1 - len(rows)])
        else:
            valued = valued.filter(Q(**{f"{field}__lt": value}) | Q(**{field: value, "pk__lt": pk}))
            rows = list(valued.order_by(f"-{field}", "-pk")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    if not rows:
        return Page([], None, None)
    first, last = rows[0], rows[-1]
    has_next = more if not backwards else True
    has_previous = more if backwards else bool(cursor)
    return Page(
        rows,
        _encode(getattr(last, field), last.pk) if has_next else None,
        _encode(getattr(first, field), first.pk) if has_previous else None,
    )


def queue_rows(tickets: QuerySet) -> QuerySet:
    """What the API's ticket listing shows, in a fixed number of queries (its schema reads `tags` as a
    manager, so they are prefetched; the queue page has its own, queue_page_rows)."""
    return tickets.select_related("customer", "team", "owner").prefetch_related("tags")


def queue_page_rows(tickets: QuerySet) -> QuerySet:
    """The queue page's rows, which show only the names of the customer, team and owner: loading their
    whole rows cost more than the rest of the query. Tags come apart (with_tag_names), for the page's rows
    only."""
    from caredesk.service_levels.queries import at_risk_annotation

    return (
        tickets.select_related("customer", "team", "owner")
        .only(
            *(field.name for field in Ticket._meta.concrete_fields),
            "customer__name",
            "team__name",
            *(f"owner__{name}" for name in PERSON_FIELDS),
        )
        # Whether a running service target is at risk, for the "time left" column: same query.
        .annotate(**at_risk_annotation())
    )


# Related rows for a page of tickets or messages, by hand: prefetch_related builds a related manager and a
# queryset for every object, for a page of 25 tickets more Python than the query itself (tags: 1.0-1.8 ms
# against 0.4-0.7; the attachments of a ticket page's 21 messages: 0.7 against 0.3; 10^6 tickets).


def with_tag_names(tickets: list[Ticket]) -> list[Ticket]:
    """Give each ticket `tag_names`, its tags' names in order, with one query."""
    pairs = (
        Ticket.tags.through.objects.filter(ticket_id__in=[ticket.pk for ticket in tickets])
        .order_by("tag__name")
        .values_list("ticket_id", "tag__name")
    )
    names = _grouped(tickets, pairs)
    for ticket in tickets:
        ticket.tag_names = names[ticket.pk]
    return tickets


def with_files(messages: list[Message]) -> list[Message]:
    """Load each message's attachments (Message.files) with one query."""
    files = Attachment.objects.filter(message_id__in=[message.pk for message in messages]).order_by("pk")
    grouped = _grouped(messages, ((file.message_id, file) for file in files))
    for message in messages:
        message._files = grouped[message.pk]
    return messages


def _grouped(objects: list, pairs: Iterable[tuple]) -> dict[int, list]:
    """(object id, value) pairs as lists by object id, with an empty list for each object without any.
    No query at all for no objects."""
    groups: dict[int, list] = {obj.pk: [] for obj in objects}
    if groups:
        for key, value in pairs:
            groups[key].append(value)
    return groups


# The ticket page -------------------------------------------------------------------------------


@dataclass
class TimelineItem:
    at: datetime
    kind: str  # "message", "event", or "fold" (earlier messages not shown)
    message: Message | None = None
    event: Event | None = None
    folded: int = 0  # for a fold: how many messages it hides


# Of the people on a timeline, only what names them: loading whole user rows cost more than the rest.
PERSON_FIELDS = ("first_name", "last_name", "email")
MESSAGE_FIELDS = ("ticket_id", "kind", "author_id", "customer_id", "body_text", "body_html", "quoted", "created_at")
AUTHOR_FIELDS = (*(f"author__{name}" for name in PERSON_FIELDS), "customer__name")


def timeline(ticket: Ticket, *, public_only: bool = False, latest: int | None = None) -> list[TimelineItem]:
    """Messages and events of the ticket and of every ticket merged into it, in time order.

    With `latest`, a long conversation shows its first message (what the customer asked) and its
    `latest` newest messages with their events in full; a "fold" item stands for the messages between,
    which the page fetches on demand. The queries are the same whatever the length."""
    # The ids first, as a subquery: an OR across the join to Ticket would defeat the per-ticket indexes
    # and scan every message and event (measured at seconds per page at 10^6 tickets).
    scope = Q(ticket_id__in=Ticket.objects.filter(Q(pk=ticket.pk) | Q(merged_into=ticket)).values("pk"))
    messages = Message.objects.filter(scope)
    if public_only:
        messages = messages.exclude(kind=Message.Kind.NOTE)
    events = Event.objects.filter(scope)
    folded = 0
    if latest is not None:
        # Ids only: the times of the few shown come with their rows below.
        order = list(messages.order_by("created_at", "pk").values_list("pk", flat=True))
        if len(order) > latest + 1:
            first, shown, folded = order[0], order[-latest:], len(order) - latest - 1
            order = [first, *shown]
        # Fetched by their ids alone: the ticket's scope is not built into the query a second time.
        messages = Message.objects.filter(pk__in=order)
    messages = with_files(
        list(messages.select_related("author", "customer").only(*MESSAGE_FIELDS, *AUTHOR_FIELDS))
    )
    items = [TimelineItem(m.created_at, "message", message=m) for m in messages]
    fold = None
    if folded:  # the events of the folded stretch are folded with its messages
        times = {item.message.pk: item.at for item in items}
        fold = TimelineItem(times[first], "fold", folded=folded)
        events = events.filter(Q(at__lte=times[first]) | Q(at__gte=times[shown[0]]))
    if not public_only:
        actor_fields = (f"actor__{name}" for name in PERSON_FIELDS)
        events = list(events.select_related("actor").only("ticket_id", "kind", "actor_id", "at", "data", *actor_fields))
        describe_events(events, ticket)
        items += [TimelineItem(e.at, "event", event=e) for e in events]
    items.sort(key=lambda item: (item.at, 0 if item.kind == "event" else 1))
    if fold is not None:  # right after the first message
        first = next(index for index, item in enumerate(items) if item.kind == "message")
        items.insert(first + 1, fold)
    return items


def describe_events(events: list[Event], ticket: Ticket) -> None:
    """Attach names for the teams and people an event's data refers to. Most are already at hand (the
    events' actors, the ticket's owner and team); the others are fetched, in two queries at most."""
    users = {event.actor_id: str(event.actor) for event in events if event.actor_id}
    if ticket.owner_id:
        users[ticket.owner_id] = str(ticket.owner)
    teams = {ticket.team_id: ticket.team.name}
    user_ids, team_ids = set(), set()
    for event in events:
        for key in _person_keys(event):
            if isinstance(event.data.get(key), int):
                user_ids.add(event.data[key])
        for key in ("team", "from_team", "to_team"):
            if isinstance(event.data.get(key), int):
                team_ids.add(event.data[key])
    if user_ids - users.keys():
        users |= {u.pk: str(u) for u in User.objects.filter(pk__in=user_ids - users.keys()).only(*PERSON_FIELDS)}
    if team_ids - teams.keys():
        teams |= dict(Team.objects.filter(pk__in=team_ids - teams.keys()).values_list("pk", "name"))
    for event in events:
        people = _person_keys(event)
        event.names = {key: _name(users, event.data.get(key)) if key in people else None for key in ("to", "from_owner", "to_owner")}
        event.names |= {key: _name(teams, event.data.get(key)) for key in ("team", "from_team", "to_team")}


def _person_keys(event: Event) -> tuple[str, ...]:
    # "to" names a person only when assigning; elsewhere it is a new value (a status, a priority, tags).
    return ("to", "from_owner", "to_owner") if event.kind == Event.Kind.ASSIGNED else ("from_owner", "to_owner")


def _name(names: dict, value) -> str | None:
    return names.get(value) if isinstance(value, int) else None


def other_tickets_of(ticket: Ticket, user, limit: int = 10) -> list[Ticket]:
    """The customer's other tickets for the ticket page's sidebar: what names each and its status."""
    return list(
        visible(user)
        .filter(customer_id=ticket.customer_id)
        .exclude(pk=ticket.pk)
        .only("pk", "subject", "status", "created_at")
        .order_by("-created_at")[:limit]
    )


def assignable_agents(team: Team) -> QuerySet:
    return User.objects.filter(
        memberships__team=team, is_active=True, role__in=[User.Role.AGENT, User.Role.LEAD, User.Role.ADMIN]
    ).order_by("first_name", "last_name")


def handoffs(ticket: Ticket) -> QuerySet:
    return ticket.events.filter(kind=Event.Kind.TRANSFERRED)


# The queue page: choices for its filters, what a built-in view means, many tickets at once ------


def teams_for(user) -> list[Team]:
    """Teams `user` may see, for the queue's team filter (teams are few: one query, checked here)."""
    return [team for team in Team.objects.order_by("name") if permissions.can_see_team(user, team)]


def agents_of(teams) -> QuerySet:
    """Working staff of any of `teams`: owner choices for the queue's filter and bulk assignment."""
    return (
        User.objects.filter(
            memberships__team__in=teams,
            is_active=True,
            role__in=[User.Role.AGENT, User.Role.LEAD, User.Role.ADMIN],
        )
        .distinct()
        .order_by("first_name", "last_name", "pk")
    )


def builtin_filters(user, view: str) -> dict:
    """A built-in view as an apply_filters dict, so that saving it keeps what the person saw.
    A filter holds one team, so "My teams" names the team only for someone on exactly one."""
    if view not in BUILTIN_VIEWS:
        return {}
    filters: dict = {"status": list(OPEN_STATUSES)}
    if view == "mine":
        filters["owner"] = "me"
    elif view == "unassigned":
        filters["owner"] = "none"
    elif view == "teams" and len(team_ids := permissions.member_team_ids(user)) == 1:
        filters["team"] = next(iter(team_ids))
    return filters


def tickets_for(user, ticket_ids, *, to_change: bool = False) -> list[Ticket]:
    """Many tickets at once, authorised as ticket_for authorises one: if any id is unknown or
    invisible the answer is 404, so a bulk action never touches part of a selection."""
    wanted = set(ticket_ids)
    tickets = list(
        visible(user).filter(pk__in=wanted).select_related("owner", "customer", "team").order_by("pk")
    )
    if len(tickets) != len(wanted):
        raise Http404
    if to_change and not all(permissions.can_work_on(user, ticket) for ticket in tickets):
        raise PermissionDenied
    return tickets
