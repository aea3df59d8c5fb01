"""A rule never runs on what its own actions caused, and a ticket takes a bounded number of runs a minute."""

import pytest

from caredesk.automations import engine
from caredesk.automations.models import RuleRun
from caredesk.conversations import services
from caredesk.conversations.models import Event, Ticket


def test_a_rule_reacting_to_its_own_change_runs_once(make_rule, committed, ticket, alice):
    rule = make_rule(
        "Keep it high", event_kinds=["priority_changed"], actions=[{"action": "set_priority", "value": "high"}]
    )
    with committed():
        services.change_priority(ticket, priority=Ticket.Priority.LOW, by=alice)
    ticket.refresh_from_db()
    assert ticket.priority == Ticket.Priority.HIGH
    # Its own priority change (by the rule) did not run it again.
    assert list(RuleRun.objects.values_list("rule", "chain")) == [(rule.pk, [rule.pk])]


def test_two_rules_ping_ponging_tags_stop(make_rule, committed, ticket, alice):
    ping = make_rule(
        "Ping", event_kinds=["tags_changed"],
        conditions=[{"field": "tags", "op": "contains", "value": "ping"}],
        actions=[{"action": "remove_tags", "value": "ping"}, {"action": "add_tags", "value": "pong"}],
    )
    pong = make_rule(
        "Pong", event_kinds=["tags_changed"],
        conditions=[{"field": "tags", "op": "contains", "value": "pong"}],
        actions=[{"action": "remove_tags", "value": "pong"}, {"action": "add_tags", "value": "ping"}],
    )
    with committed():
        services.set_tags(ticket, tags=["ping"], by=alice)
    # alice's change fired Ping, then Pong (rules run in order, each on the ticket as the one before left
    # it). Pong's changes fired Ping again (chain Pong, Ping); after that both are in every chain.
    chains = list(RuleRun.objects.order_by("id").values_list("chain", flat=True))
    assert chains == [[ping.pk], [pong.pk], [pong.pk, ping.pk]]
    assert list(ticket.tags.values_list("name", flat=True)) == ["pong"]
    assert ticket.events.filter(kind=Event.Kind.AUTOMATION_APPLIED).count() == 3


def test_a_ticket_takes_at_most_the_cap_of_runs_a_minute(make_rule, committed, ticket, alice, monkeypatch):
    monkeypatch.setattr(engine, "MAX_RUNS_PER_MINUTE", 3)
    for n in range(5):
        make_rule(f"Note {n}", event_kinds=["note_added"], actions=[{"action": "set_priority", "value": "high"}])
    with committed():
        services.add_note(ticket, body="First", by=alice)
    statuses = list(RuleRun.objects.order_by("id").values_list("status", flat=True))
    assert statuses == ["applied", "applied", "applied", "skipped", "skipped"]


@pytest.mark.parametrize("cap", [2])
def test_the_cap_counts_runs_of_the_last_minute_only(make_rule, committed, ticket, alice, monkeypatch, cap):
    from datetime import timedelta

    from caredesk.system import clock

    monkeypatch.setattr(engine, "MAX_RUNS_PER_MINUTE", cap)
    make_rule("Tag notes", event_kinds=["note_added"], actions=[{"action": "add_tags", "value": "noted"}])
    start = clock.now()
    for minute in (0, 0, 0, 2):
        with clock.travel_to(start + timedelta(minutes=minute)), committed():
            services.add_note(ticket, body="Again", by=alice)
    statuses = list(RuleRun.objects.order_by("id").values_list("status", flat=True))
    assert statuses == ["applied", "applied", "skipped", "applied"]


def test_a_time_rule_skipped_by_the_cap_tries_again_at_the_next_sweep(make_rule, ticket, alice, monkeypatch):
    from datetime import timedelta

    from caredesk.system import clock

    rule = make_rule(
        "Old open", kind="on_time",
        conditions=[{"field": "status", "op": "is", "value": "open"}, {"field": "hours_since_created", "op": "gte", "value": 1}],
        actions=[{"action": "add_tags", "value": "old"}],
    )
    later = clock.now() + timedelta(hours=2)
    monkeypatch.setattr(engine, "MAX_RUNS_PER_MINUTE", 0)
    with clock.travel_to(later):
        assert [run.status for run in engine.run_time_rule(rule)] == ["skipped"]
    monkeypatch.setattr(engine, "MAX_RUNS_PER_MINUTE", 20)
    with clock.travel_to(later + timedelta(minutes=5)):
        assert [run.status for run in engine.run_time_rule(rule)] == ["applied"]
        assert engine.run_time_rule(rule) == []
