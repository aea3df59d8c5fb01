"""Reads for the reports pages: the dashboard's figures from MonthlyFigure and DailyFigure, the
drill-down's tickets from Measurement and TicketState. Permission: the caller has checked
permissions.can_see_reports; figures are limited to the teams the user may see (visible_teams), tickets
also to permissions.visible_tickets.

The dashboard costs a fixed number of queries whatever the desk's size: the period's figures by metric
and day, the backlog before the period by the breakdown's dimension, and the breakdown (each a query per
figures table it reads: whole months from MonthlyFigure, the days at the edges from DailyFigure), plus
the standard, the teams and the agents of the filters.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.db.models import Max, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caredesk.accounts import permissions
from caredesk.accounts.models import Membership, Team, User
from caredesk.conversations.models import Ticket

from . import standard as care
from .models import DailyFigure, Measurement, MonthlyFigure, TicketState
from .rollup import day_of, month_of

RANGES = {7: _("Last 7 days"), 30: _("Last 30 days"), 90: _("Last 90 days"), 365: _("Last 365 days")}
DEFAULT_RANGE = 90
BUCKETS = {"day": _("By day"), "week": _("By week"), "month": _("By month")}
DEFAULT_BUCKET = "week"
DIMENSIONS = {"agent": _("Agent"), "team": _("Team"), "channel": _("Channel")}
DEFAULT_DIMENSION = "agent"
PAGE_SIZE = 50

# The figures the dashboard shows from the rollup, in order; reply quality comes after, from its provider.
SHOWN = ["first_reply", "next_reply", "resolution", "handoffs", "reopen_rate", "promises_kept", "attainment",
         "csat", "nps", "ces", "backlog"]
BACKLOG_LABEL = _("Backlog (open tickets)")
# Which stored metric lists the tickets behind a figure.
DRILL_METRIC = {"reopen_rate": "reopened"}


@dataclass(frozen=True)
class Filters:
    days: int = DEFAULT_RANGE
    bucket: str = DEFAULT_BUCKET
    dimension: str = DEFAULT_DIMENSION
    team_id: int | None = None
    agent_id: int | None = None  # 0: nobody (unowned tickets, the desk's own replies)
    channel: str = ""
    until: date | None = None  # the last day shown; today when None

    @property
    def end(self) -> date:
        from caredesk.system import clock

        return self.until or day_of(clock.now())

    @property
    def start(self) -> date:
        return self.end - timedelta(days=self.days - 1)

    def query(self, **extra) -> str:
        values = {"days": self.days, "bucket": self.bucket, "by": self.dimension}
        if self.team_id is not None:
            values["team"] = self.team_id
        if self.agent_id is not None:
            values["agent"] = self.agent_id
        if self.channel:
            values["channel"] = self.channel
        values.update(extra)
        return urlencode(values)


class Teams(list):
    """The teams a user may see, by name; `every` when that is all of them (no filter needed)."""

    every = False


def visible_teams(user) -> Teams:
    """One query: a desk has few teams."""
    every = list(Team.objects.order_by("name", "pk"))
    teams = Teams(team for team in every if permissions.can_see_team(user, team))
    teams.every = len(teams) == len(every)
    return teams


def agents_of(teams: list[Team]) -> list[User]:
    """The people who work tickets in `teams`: the agent filter's choices and the breakdown's names."""
    ids = Membership.objects.filter(team__in=teams).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("first_name", "last_name", "pk"))


def _scope(rows, user, filters: Filters, teams: Teams, *, agent: str = "agent_id"):
    """Rows limited to what the filters choose and the user may see. `agent`: the column naming the agent."""
    if filters.team_id is not None:
        rows = rows.filter(team_id=filters.team_id)
    elif not teams.every:  # someone who may not see every team (a private one)
        rows = rows.filter(team_id__in=[team.pk for team in teams])
    if filters.agent_id is not None:
        rows = rows.filter(**{agent: filters.agent_id})
    if filters.channel:
        rows = rows.filter(channel=filters.channel)
    return rows


def bucket_of(day: date, bucket: str) -> date:
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    return day


def buckets(filters: Filters) -> list[date]:
    seen, day = [], filters.start
    while day <= filters.end:
        key = bucket_of(day, filters.bucket)
        if not seen or seen[-1] != key:
            seen.append(key)
        day += timedelta(days=1)
    return seen


def figure_rows(since: date | None, until: date, *, by_day: bool = False) -> list:
    """The figures of the days [since, until] (since None: from the first) as querysets to sum: the whole
    months inside the range from MonthlyFigure and the days at its edges from DailyFigure, or every day
    from DailyFigure when `by_day` (a chart by day or week). In rows from months, `day` is the month's
    first day."""
    if by_day:
        return [DailyFigure.objects.filter(day__gte=since, day__lte=until)]
    first = since if since is None or since.day == 1 else month_of(month_of(since) + timedelta(days=32))
    past = month_of(until + timedelta(days=1))  # months before this one end by `until`
    if first is not None and first >= past:
        return [DailyFigure.objects.filter(day__gte=since, day__lte=until)]
    months = MonthlyFigure.objects.filter(day__lt=past)
    if first is not None:
        months = months.filter(day__gte=first)
    edges = Q()
    if since is not None and since < first:
        edges |= Q(day__gte=since, day__lt=first)
    if past <= until:
        edges |= Q(day__gte=past, day__lte=until)
    return [months, DailyFigure.objects.filter(edges)] if edges else [months]


def summed(rows: list, by: list[str]) -> list[tuple]:
    """(*by, Σcount, Σtotal) from each queryset: one query each. Keys may repeat across querysets."""
    found = []
    for part in rows:
        found += part.values_list(*by).annotate(c=Sum("count"), t=Sum("total")).values_list(*by, "c", "t")
    return found


def value_of(metric: str, sums: dict[str, tuple[int, float]]) -> float | None:
    """A figure from the summed counts and totals of the stored metrics (None: nothing measured)."""
    def ratio(name, scale=1.0):
        count, total = sums.get(name, (0, 0.0))
        return scale * total / count if count else None

    if metric in ("first_reply", "next_reply", "resolution"):
        seconds = ratio(metric)
        return None if seconds is None else seconds / 60
    if metric == "handoffs" or metric == "ces":
        return ratio(metric)
    if metric in ("promises_kept", "attainment", "csat", "nps"):
        return ratio(metric, 100.0)
    if metric == "reopen_rate":
        resolved = sums.get("resolution", (0, 0.0))[0]
        return 100.0 * sums.get("reopened", (0, 0.0))[0] / resolved if resolved else None
    raise KeyError(metric)


def display(metric: str, value: float | None) -> str:
    if value is None:
        return "–"
    if metric in ("first_reply", "next_reply", "resolution"):
        return duration(value)
    if metric in ("promises_kept", "attainment", "csat", "reopen_rate"):
        return f"{value:.0f}%" if value >= 10 else f"{value:.1f}%"
    if metric in ("nps", "backlog"):
        return f"{value:.0f}"
    return f"{value:.2f}"


def duration(minutes: float) -> str:
    if minutes < 60:
        return f"{minutes:.0f} min"
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f} h"
    return f"{minutes / 1440:.1f} d"


@dataclass
class Card:
    metric: str
    label: str
    value: float | None
    shown: str
    goal: care.Goal | None
    meets: bool | None
    drill: str = ""


@dataclass
class Chart:
    metric: str
    label: str
    unit: str
    labels: list[str]
    values: list[float | None]
    goal: float | None
    short: list[bool]
    drill: list[str]


@dataclass
class BreakdownRow:
    name: str
    cells: list[tuple[str, bool | None, str, float | None]]  # shown, meets the standard, drill-down link, value


@dataclass
class Dashboard:
    filters: Filters
    cards: list[Card]
    quality: list[Card]
    charts: list[Chart]
    breakdown_metrics: list[str]
    breakdown: list[BreakdownRow] = field(default_factory=list)


def label_of(metric: str) -> str:
    return str(BACKLOG_LABEL) if metric == "backlog" else str(care.METRICS[metric].label)


def drill_url(filters: Filters, metric: str, *, since: date, until: date, **extra) -> str:
    query = filters.query(metric=metric, since=since.isoformat(), until=until.isoformat(), **extra)
    return f"{reverse('reports:tickets')}?{query}"


def reply_quality(filters: Filters, teams: Teams) -> dict[str, float | None]:
    """Reply-quality shares per behaviour (0..1) for the filters: the quality app's stored scores of the
    replies sent in the period, by the chosen agent, team or channel, within the teams the user may see."""
    from caredesk.quality.queries import average_scores

    if filters.agent_id == 0:
        return {}  # "nobody": the desk's own replies (automations) are not scored
    team_ids = None if filters.team_id is not None or teams.every else [team.pk for team in teams]
    return average_scores(
        agent_id=filters.agent_id, team_id=filters.team_id, team_ids=team_ids, channel=filters.channel or None,
        since=_midnight(filters.start), until=_midnight(filters.end + timedelta(days=1)),
    )


@dataclass
class Figure:
    """One of an agent's figures beside their teams' and the standard (the coaching page)."""

    metric: str
    label: str
    shown: str
    team_shown: str
    goal: care.Goal | None
    meets: bool | None


AGENT_FIGURES = ["first_reply", "next_reply", "resolution", "handoffs", "reopen_rate", "promises_kept", "attainment", "csat"]


def agent_figures(agent: User, team_ids: list[int], *, days: int = 90) -> list[Figure]:
    """An agent's figures over the last `days` days against the standard and against their teams'
    figures (every agent of `team_ids` together). Up to four queries over the monthly and daily figures."""
    standard = care.current_standard()
    end = day_of(timezone.now())
    recent = [rows.filter(metric__in=AGENT_FIGURES) for rows in figure_rows(end - timedelta(days=days - 1), end)]

    def sums(parts) -> dict[str, tuple[int, float]]:
        found: dict[str, tuple[int, float]] = {}
        for metric, count, total in summed(parts, ["metric"]):
            earlier = found.get(metric, (0, 0.0))
            found[metric] = (earlier[0] + count, earlier[1] + total)
        return found

    own = sums([rows.filter(agent_id=agent.pk) for rows in recent])
    team = sums([rows.filter(team_id__in=team_ids) for rows in recent]) if team_ids else {}
    figures = []
    for metric in AGENT_FIGURES:
        value = value_of(metric, own)
        figures.append(Figure(metric, label_of(metric), display(metric, value), display(metric, value_of(metric, team)),
                              standard.goal(metric), standard.meets(metric, value)))
    return figures


def _midnight(day: date) -> datetime:
    """The start of a desk day (days are cut at midnight in TIME_ZONE, as rollup.day_of cuts them)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def dashboard(user, filters: Filters, *, teams: list[Team], agents: list[User], standard: care.Standard) -> Dashboard:
    start, end = filters.start, filters.end
    scoped = [_scope(rows, user, filters, teams) for rows in figure_rows(start, end, by_day=filters.bucket != "month")]
    keys = buckets(filters)
    per_bucket: dict[date, dict[str, list]] = {key: defaultdict(lambda: [0, 0.0]) for key in keys}
    whole: dict[str, list] = defaultdict(lambda: [0, 0.0])
    backlog_moves: dict[date, int] = defaultdict(int)
    for metric, day, count, total in summed(scoped, ["metric", "day"]):
        if metric == "backlog":
            backlog_moves[day] += count
            continue
        slot = per_bucket[bucket_of(day, filters.bucket)][metric]
        slot[0] += count
        slot[1] += total
        whole[metric][0] += count
        whole[metric][1] += total
    dimension = filters.dimension
    column = {"agent": "agent_id", "team": "team_id", "channel": "channel"}[dimension]
    before = [_scope(rows.filter(metric="backlog"), user, filters, teams) for rows in figure_rows(None, start - timedelta(days=1))]
    backlog_before_by: dict = defaultdict(int)
    for key, count, _total in summed(before, [column]):
        backlog_before_by[key] += count
    backlog_before = sum(backlog_before_by.values())

    cards, charts = [], []
    sums = {metric: tuple(slot) for metric, slot in whole.items()}
    for metric in SHOWN:
        if metric == "backlog":
            open_at_end = backlog_before + sum(backlog_moves.values())
            cards.append(Card(metric, label_of(metric), open_at_end, display(metric, open_at_end), None, None,
                              drill_url(filters, "backlog", since=end, until=end)))
            continue
        value = value_of(metric, sums)
        goal = standard.goal(metric)
        cards.append(Card(metric, label_of(metric), value, display(metric, value), goal, standard.meets(metric, value),
                          drill_url(filters, DRILL_METRIC.get(metric, metric), since=start, until=end)))
    for metric in SHOWN:
        values, short, drills = [], [], []
        running = backlog_before
        for index, key in enumerate(keys):
            bucket_start = max(key, start)
            bucket_end = min(keys[index + 1] - timedelta(days=1), end) if index + 1 < len(keys) else end
            if metric == "backlog":
                running += sum(moves for day, moves in backlog_moves.items() if bucket_start <= day <= bucket_end)
                value = running
                drills.append(drill_url(filters, "backlog", since=bucket_end, until=bucket_end))
            else:
                value = value_of(metric, {m: tuple(s) for m, s in per_bucket[key].items()})
                drills.append(drill_url(filters, DRILL_METRIC.get(metric, metric), since=bucket_start, until=bucket_end))
            values.append(None if value is None else round(value, 2))
            short.append(standard.meets(metric, value) is False)
        goal = standard.goal(metric)
        unit = "" if metric == "backlog" else care.METRICS[metric].unit
        charts.append(Chart(metric, label_of(metric), unit, [key.isoformat() for key in keys], values,
                            goal.value if goal else None, short, drills))
    quality_scores = reply_quality(filters, teams)
    quality = []
    for behaviour in care.BEHAVIOURS:
        value = quality_scores.get(behaviour)
        quality.append(Card(behaviour, label_of(behaviour), value, display(behaviour, value), standard.goal(behaviour),
                            standard.meets(behaviour, value)))
    result = Dashboard(filters, cards, quality, charts, breakdown_metrics=[m for m in SHOWN])
    result.breakdown = _breakdown(user, filters, teams, agents, standard, backlog_before_by)
    return result


def _breakdown(user, filters, teams, agents, standard, backlog_before_by) -> list[BreakdownRow]:
    """The period's figures per agent, team or channel: a query per figures table."""
    column = {"agent": "agent_id", "team": "team_id", "channel": "channel"}[filters.dimension]
    rows = [_scope(part, user, filters, teams) for part in figure_rows(filters.start, filters.end)]
    sums: dict[object, dict[str, tuple]] = defaultdict(dict)
    backlog = defaultdict(int, backlog_before_by)
    for key, metric, count, total in summed(rows, [column, "metric"]):
        if metric == "backlog":
            backlog[key] += count
        else:
            earlier = sums[key].get(metric, (0, 0.0))
            sums[key][metric] = (earlier[0] + count, earlier[1] + total)
    names = _names(filters.dimension, teams, agents)
    result = []
    for key in sorted(set(sums) | {k for k, v in backlog.items() if v}, key=lambda k: (str(names.get(k, k)))):
        cells = []
        for metric in SHOWN:
            extra = {filters.dimension: key}
            if metric == "backlog":
                value = backlog[key]
                cells.append((display(metric, value), None, drill_url(filters, "backlog", since=filters.end, until=filters.end, **extra), value))
            else:
                value = value_of(metric, sums[key])
                cells.append((display(metric, value), standard.meets(metric, value),
                              drill_url(filters, DRILL_METRIC.get(metric, metric), since=filters.start, until=filters.end, **extra), value))
        result.append(BreakdownRow(str(names.get(key, key)), cells))
    return result


def _names(dimension: str, teams: list[Team], agents: list[User]) -> dict:
    if dimension == "agent":
        return {0: _("Nobody (queue or desk)"), **{agent.pk: str(agent) for agent in agents}}
    if dimension == "team":
        return {team.pk: team.name for team in teams}
    return {value: label for value, label in Ticket.Channel.choices}


# Drill-down ------------------------------------------------------------------------------------------


@dataclass
class TicketRow:
    ticket: Ticket
    day: date | None
    value: str


@dataclass
class TicketPage:
    rows: list[TicketRow]
    next_cursor: int | None


def tickets(user, filters: Filters, *, metric: str, since: date, until: date, after: int | None = None,
            size: int = PAGE_SIZE, teams: list[Team]) -> TicketPage:
    """The tickets behind a figure, newest fact first, a page at a time by keyset on the fact's id.
    Backlog: the tickets open at the end of `until`."""
    if metric == "backlog":
        return _backlog(user, filters, until, after=after, size=size, teams=teams)
    facts = _scope(Measurement.objects.filter(metric=metric, day__gte=since, day__lte=until), user, filters, teams)
    visible = Ticket.objects.filter(permissions.visible_tickets(user)).values("pk")
    facts = facts.filter(ticket_id__in=visible)
    if after:
        facts = facts.filter(pk__lt=after)
    found = list(facts.order_by("-pk")[: size + 1])
    more = len(found) > size
    found = found[:size]
    by_id = Ticket.objects.select_related("team", "owner", "customer").in_bulk([fact.ticket_id for fact in found])
    return TicketPage(
        [TicketRow(by_id[fact.ticket_id], fact.day, fact_display(metric, fact)) for fact in found if fact.ticket_id in by_id],
        found[-1].pk if more else None,
    )


def _backlog(user, filters: Filters, day: date, *, after: int | None, size: int, teams: list[Team]) -> TicketPage:
    """The tickets open at the end of `day`, newest first. For an earlier day the tickets are read in
    windows of ticket ids, newest first and twice as wide each time, until the page is full: a day in
    the last weeks reads the newest tickets' moves only, not every move ever made."""
    from caredesk.system import clock

    visible = Ticket.objects.filter(permissions.visible_tickets(user)).select_related("team", "owner", "customer")
    if day >= day_of(clock.now()):
        rows = visible.filter(pk__in=open_tickets(user, filters, day, teams=teams))
        found = list((rows.filter(pk__lt=after) if after else rows).order_by("-pk")[: size + 1])
    else:
        found = []
        top = after - 1 if after else Ticket.objects.aggregate(top=Max("pk"))["top"] or 0
        width = BACKLOG_WINDOW
        while top > 0 and len(found) <= size:
            low = max(0, top - width)
            ids = open_tickets(user, filters, day, teams=teams, between=(low, top))
            found += visible.filter(pk__in=ids).order_by("-pk")[: size + 1 - len(found)]
            top, width = low, width * 2
    more = len(found) > size
    found = found[:size]
    return TicketPage([TicketRow(t, None, "") for t in found], found[-1].pk if more else None)


BACKLOG_WINDOW = 4096  # ticket ids in the first window of an earlier day's backlog


def open_tickets(user, filters: Filters, day: date, *, teams: list[Team], between: tuple[int, int] | None = None):
    """The ids of the tickets open at the end of `day` (with ids in `between`: low < id <= high), as a
    subquery. Today (or later): the rollup's memory of each ticket (TicketState) knows; an earlier day:
    the tickets whose backlog moves up to that day sum to one."""
    from caredesk.system import clock

    if day >= day_of(clock.now()):
        states = TicketState.objects.filter(is_open=True)
        if between:
            states = states.filter(ticket_id__gt=between[0], ticket_id__lte=between[1])
        return _scope(states, user, filters, teams, agent="owner_id").values("ticket_id")
    facts = Measurement.objects.filter(metric="backlog", day__lte=day)
    if between:
        facts = facts.filter(ticket_id__gt=between[0], ticket_id__lte=between[1])
    facts = _scope(facts, user, filters, teams)
    return facts.values("ticket_id").annotate(n=Sum("count")).filter(n__gt=0).values("ticket_id")


def fact_display(metric: str, fact: Measurement) -> str:
    if metric in ("first_reply", "next_reply", "resolution"):
        return duration(fact.value / 60)
    if metric in ("promises_kept", "attainment"):
        return str(_("kept") if metric == "promises_kept" and fact.value else _("met") if fact.value else _("missed"))
    if metric == "csat":
        return str(_("good or average") if fact.value else _("poor"))
    if metric == "nps":
        return str({1: _("promoter"), 0: _("passive"), -1: _("detractor")}.get(int(fact.value), ""))
    if metric == "handoffs":
        return f"{fact.value:.0f}"
    if metric == "ces":
        return f"{fact.value:g}"
    return ""


DRILLABLE = {"first_reply", "next_reply", "resolution", "handoffs", "reopened", "promises_kept", "attainment",
             "csat", "nps", "ces", "backlog"}
