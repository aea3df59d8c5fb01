"""The incremental figures equal those rebuilt from the event log, on a random history."""

import random
from datetime import datetime, timedelta, timezone
from io import StringIO

import pytest
from django.core.management import call_command

from caredesk.conversations import events, hooks, services
from caredesk.conversations.models import Event, Ticket
from caredesk.reports import rollup
from caredesk.reports.models import DailyFigure, Measurement, TicketState
from caredesk.system import clock

from .history import nine_to_five


def random_history(rng, *, teams, agents, customer, tickets=20, steps=160):
    start = datetime(2026, 3, 2, 8, tzinfo=timezone.utc)
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


def test_replayed_history_is_left_to_a_rebuild(ticket_factory, miggins, billing, alice):
    with hooks.history():
        ticket = ticket_factory.create(customer=miggins, team=billing, owner=alice, by=alice)
        services.reply(ticket, by=alice, body="Sorted.")
    assert not DailyFigure.objects.exists()  # the listener kept out of the replay
    rollup.rebuild()
    assert DailyFigure.objects.get(metric="first_reply").count == 1
