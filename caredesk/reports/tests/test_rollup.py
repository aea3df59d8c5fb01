"""The incremental figures equal those rebuilt from the event log, on a random history."""

import random
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from io import StringIO

import pytest
from django.core.management import call_command

from caredesk.conversations import events, hooks, services
from caredesk.conversations.models import Event, Ticket
from caredesk.accounts.models import User
from caredesk.reports import queries, rollup
from caredesk.reports.models import DailyFigure, Measurement, MonthlyFigure, TicketState
from caredesk.system import clock

from .history import nine_to_five


def random_history(rng, *, teams, agents, customer, tickets=20, steps=160, start=datetime(2026, 3, 2, 8, tzinfo=timezone.utc)):
    now = start
    opened = []
    with hooks.history():
        for step in range(steps):
            now += timedelta(minutes=rng.randint(5, 400))
            with clock.travel_to(now):
                live = [t for t in opened if Ticket.objects.get(pk=t.pk).status != "closed"]
                if len(opened) < tickets and (not live or rng.random() < 0.25):
                    team = rng.choice(teams)
                    owner = rng.choice([None, *agents[team.pk]])
                    opened.append(services.open_ticket(
                        customer=customer, team=team, owner=owner, subject=f"T{step}", body="help",
                        channel=rng.choice(["email", "web", "phone"]), by=owner,
                    ))
                    continue
                if not live:
                    break
                ticket = Ticket.objects.get(pk=rng.choice(live).pk)
                action = rng.choice(["reply", "reply", "customer", "solve", "transfer", "promise", "target", "survey", "close"])
                agent = rng.choice(agents[ticket.team_id])
                if action == "reply":
                    services.reply(ticket, by=agent, body="Looking into it.")
                elif action == "customer":
                    services.customer_reply(ticket, customer=customer, body="And?")
                elif action == "solve" and ticket.status != "solved":
                    services.change_status(ticket, status="solved", by=agent)
                elif action == "close":
                    services.change_status(ticket, status="closed", by=agent)
                elif action == "transfer":
                    team = rng.choice(teams)
                    services.transfer(ticket, to_team=team, to_owner=rng.choice([None, *agents[team.pk]]), by=agent, reason="Theirs")
                elif action == "promise":
                    kind = rng.choice([Event.Kind.PROMISE_KEPT, Event.Kind.PROMISE_BROKEN])
                    events.record(ticket, kind, by=agent, data={"promise": rng.randint(1, 9), "owner": agent.pk})
                elif action == "target":
                    kind = rng.choice([Event.Kind.TARGET_MET, Event.Kind.TARGET_BREACHED])
                    events.record(ticket, kind, by=None, data={"target": rng.randint(1, 9)})
                elif action == "survey":
                    kind, scale = rng.choice([("csat", 5), ("csat", 2), ("nps", 10), ("ces", 7)])
                    events.record(ticket, Event.Kind.SURVEY_ANSWERED, by=None, data={
                        "survey": rng.randint(1, 4), "kind": kind, "score": rng.randint(1, scale), "scale": scale,
                        "changed": rng.random() < 0.5,
                    })


@pytest.mark.parametrize("seed", [1, 2])
def test_incremental_figures_equal_a_rebuild_on_a_random_history(seed, billing, deliveries, alice, bob, charlie, miggins):
    nine_to_five(billing)
    random_history(random.Random(seed), teams=[billing, deliveries], agents={billing.pk: [alice, bob], deliveries.pk: [charlie]},
                   customer=miggins)
    incremental = rollup.figures_as_rows()
    facts = set(Measurement.objects.values_list("ticket_id", "metric", "key", "day", "team_id", "agent_id", "channel", "count", "value"))
    assert {row[4] for row in incremental} >= {"first_reply", "backlog", "resolution", "attainment"}
    rollup.rebuild()
    assert rollup.figures_as_rows() == incremental
    assert set(Measurement.objects.values_list("ticket_id", "metric", "key", "day", "team_id", "agent_id", "channel", "count", "value")) == facts


def test_rebuild_command_recomputes_what_was_lost(ticket, alice):
    # Created, assigned (the backlog moves from the queue to alice), replied.
    services.reply(ticket, by=alice, body="Hello")
    before = rollup.figures_as_rows()
    DailyFigure.objects.all().delete()
    Measurement.objects.all().delete()
    TicketState.objects.all().delete()
    out = StringIO()
    call_command("reports", "rebuild", stdout=out)
    assert rollup.figures_as_rows() == before
    assert out.getvalue().startswith("Folded 3 events of 1 tickets into 4 measurements and 3 daily figures in ")


def test_a_ticket_older_than_the_rollup_starts_from_its_row(ticket, alice):
    """Events of a ticket whose CREATED the rollup never saw: its state comes from the ticket row."""
    TicketState.objects.all().delete()
    services.reply(ticket, by=alice, body="Hello")
    state = TicketState.objects.get(ticket_id=ticket.pk)
    assert (state.team_id, state.owner_id, state.first_reply_at is not None) == (ticket.team_id, alice.pk, True)


def test_events_the_rollup_does_not_read_cost_no_query(ticket, alice, django_assert_num_queries):
    event = Event(ticket=ticket, kind=Event.Kind.NOTE_ADDED, actor=alice, data={}, at=clock.now())
    with django_assert_num_queries(0):
        rollup.on_events([event])


def test_an_event_that_changes_no_state_writes_none_and_one_that_does_writes_what_changed(
    ticket, alice, miggins, django_assert_num_queries
):
    """A customer writing again before anyone answered changes nothing the rollup keeps: its state is read,
    not written. After an agent's reply, it starts the wait for the next one: that field alone is written."""
    customer_wrote = Event(ticket=ticket, kind=Event.Kind.CUSTOMER_REPLIED, data={}, at=clock.now())
    with django_assert_num_queries(1):  # the ticket's state
        rollup.on_events([customer_wrote])
    services.reply(ticket, by=alice, body="Refunded.")
    wrote_again = Event(ticket=ticket, kind=Event.Kind.CUSTOMER_REPLIED, data={}, at=clock.now())
    with django_assert_num_queries(2) as queries:  # the ticket's state, then its waiting_since alone
        rollup.on_events([wrote_again])
    assert '"waiting_since" =' in queries.captured_queries[1]["sql"]
    assert '"team_id" =' not in queries.captured_queries[1]["sql"]
    assert TicketState.objects.get(ticket_id=ticket.pk).waiting_since == wrote_again.at


def test_replayed_history_is_left_to_a_rebuild(ticket_factory, miggins, billing, alice):
    with hooks.history():
        ticket = ticket_factory.create(customer=miggins, team=billing, owner=alice, by=alice)
        services.reply(ticket, by=alice, body="Sorted.")
    assert not DailyFigure.objects.exists()  # the listener kept out of the replay
    rollup.rebuild()
    assert DailyFigure.objects.get(metric="first_reply").count == 1


# Months -------------------------------------------------------------------------------------------------

ACROSS_MONTHS = datetime(2026, 3, 20, 8, tzinfo=timezone.utc)  # three weeks of history from here reach April


@pytest.fixture
def desk_history(billing, deliveries, alice, bob, charlie, miggins):
    """A random history of two teams and three agents: desk_history(seed, start=...)."""
    def make(seed: int, **options):
        random_history(random.Random(seed), teams=[billing, deliveries],
                       agents={billing.pk: [alice, bob], deliveries.pk: [charlie]}, customer=miggins, **options)
    return make


def months_of_the_days() -> set[tuple]:
    sums: dict[tuple, list] = defaultdict(lambda: [0, 0.0])
    for row in DailyFigure.objects.all():
        slot = sums[(rollup.month_of(row.day), row.team_id, row.agent_id, row.channel, row.metric)]
        slot[0] += row.count
        slot[1] += row.total
    return {(*key, count, round(total, 3)) for key, (count, total) in sums.items() if count or round(total, 3)}


def test_monthly_figures_sum_the_daily_ones_live_and_rebuilt(desk_history):
    desk_history(3, start=ACROSS_MONTHS)
    assert {row[0].month for row in rollup.figures_as_rows()} == {3, 4}
    live = rollup.figures_as_rows(MonthlyFigure.objects.all())
    assert live == months_of_the_days()
    rollup.rebuild()
    assert rollup.figures_as_rows(MonthlyFigure.objects.all()) == live


def sums_by_metric(parts) -> dict[str, tuple]:
    found: dict[str, list] = defaultdict(lambda: [0, 0.0])
    for metric, count, total in queries.summed(parts, ["metric"]):
        found[metric][0] += count
        found[metric][1] += total
    return {metric: (count, round(total, 3)) for metric, (count, total) in found.items() if count or round(total, 3)}


PERIODS = [  # (since, until, how many figures tables the period reads)
    (date(2026, 3, 25), date(2026, 4, 10), 1),  # no whole month inside: days only
    (date(2026, 3, 1), date(2026, 4, 30), 1),  # whole months only
    (date(2026, 3, 21), date(2026, 4, 30), 2),  # days of March, then April whole
    (date(2026, 3, 1), date(2026, 4, 5), 2),  # March whole, then days of April
    (date(2026, 2, 27), date(2026, 5, 3), 2),  # days, two whole months, days
    (None, date(2026, 4, 2), 2),  # from the first figure: whole months, then days
    (None, date(2026, 3, 31), 1),
]


def test_a_period_sums_its_whole_months_and_edge_days_to_what_its_days_sum(desk_history):
    desk_history(4, start=ACROSS_MONTHS)  # one history for every period: building one takes seconds
    for since, until, tables in PERIODS:
        parts = queries.figure_rows(since, until)
        assert len(parts) == tables, (since, until)
        days = DailyFigure.objects.filter(day__lte=until, **({"day__gte": since} if since else {}))
        assert sums_by_metric(parts) == sums_by_metric([days]), (since, until)
        assert sums_by_metric(parts), (since, until)  # the range holds figures: the comparison compared something


def test_the_backlog_of_today_from_the_tickets_states_is_the_one_the_moves_sum_to(desk_history, billing, deliveries, alice):
    """Open now (TicketState) and open at the end of yesterday (the sum of the backlog moves) are the same
    tickets when nothing happened since: the two ways agree, whole and per team, agent and channel."""
    desk_history(5)
    admin = User.objects.create_user("lead-admin@example.com", "x", role=User.Role.ADMIN)
    teams = queries.visible_teams(admin)
    today = rollup.day_of(clock.now())
    checked = 0
    for filters in [queries.Filters(), queries.Filters(team_id=billing.pk), queries.Filters(agent_id=alice.pk),
                    queries.Filters(agent_id=0), queries.Filters(channel="email"), queries.Filters(team_id=deliveries.pk, channel="web")]:
        now = set(queries.open_tickets(admin, filters, today, teams=teams).values_list("ticket_id", flat=True))
        summed = set(queries.open_tickets(admin, filters, today - timedelta(days=1), teams=teams).values_list("ticket_id", flat=True))
        assert now == summed
        checked += len(now)
    assert checked  # some tickets were open


def test_an_earlier_days_backlog_pages_through_windows_of_tickets_to_every_open_ticket(monkeypatch, desk_history):
    desk_history(5)
    monkeypatch.setattr(queries, "BACKLOG_WINDOW", 2)  # many windows, some of them empty
    admin = User.objects.create_user("lead-admin@example.com", "x", role=User.Role.ADMIN)
    teams = queries.visible_teams(admin)
    day = date(2026, 3, 10)
    expected = set(queries.open_tickets(admin, queries.Filters(), day, teams=teams).values_list("ticket_id", flat=True))
    listed, after = [], None
    while True:
        page = queries.tickets(admin, queries.Filters(), metric="backlog", since=day, until=day, after=after, size=3, teams=teams)
        listed += [row.ticket.pk for row in page.rows]
        if not page.next_cursor:
            break
        after = page.next_cursor
    assert len(expected) > 3  # more than a page
    assert listed == sorted(expected, reverse=True)
