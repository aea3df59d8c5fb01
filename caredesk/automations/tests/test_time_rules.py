"""Time rules: the sweep acts once per ticket per status period, on the tickets one query finds."""

from datetime import timedelta

import pytest

from caredesk.automations import engine, tasks
from caredesk.automations.models import RuleRun
from caredesk.conversations import services
from caredesk.conversations.models import Event, Macro, Message, Ticket
from caredesk.mail.models import OutboundEmail
from caredesk.system import clock

PENDING = {"field": "status", "op": "is", "value": "pending_customer"}


@pytest.fixture
def reminder(db):
    return Macro.objects.create(
        name="Still there?", body="Hello {{ customer.first_name }}, do you still need help with {{ ticket.reference }}? {{ agent.first_name }}"
    )


@pytest.fixture
def classic_rules(make_rule, reminder):
    remind = make_rule(
        "Remind after 7 days", kind="on_time",
        conditions=[PENDING, {"field": "hours_since_status_changed", "op": "gte", "value": 168}],
        actions=[{"action": "send_macro", "value": reminder.pk}],
    )
    solve = make_rule(
        "Solve after 14 days", kind="on_time",
        conditions=[PENDING, {"field": "hours_since_status_changed", "op": "gte", "value": 336}],
        actions=[{"action": "set_status", "value": "solved"}],
    )
    return remind, solve


def _sweep(at):
    with clock.travel_to(at):
        tasks.run_time_rules.call()


def test_pending_for_7_days_gets_one_reminder_and_14_days_solves_it_once(classic_rules, ticket, alice):
    start = clock.now()
    with clock.travel_to(start):
        services.reply(ticket, by=alice, body="Could you send us the order number?", status="pending_customer")
    _sweep(start + timedelta(days=6, hours=23))
    assert ticket.messages.filter(kind=Message.Kind.REPLY).count() == 1

    for hours in (1, 2, 30):
        _sweep(start + timedelta(days=7, hours=hours))
    replies = list(ticket.messages.filter(kind=Message.Kind.REPLY).order_by("id"))
    assert len(replies) == 2
    assert (replies[1].author, replies[1].body_text) == (alice, f"Hello Mrs Miggins, do you still need help with #{ticket.pk}? Alice")
    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.REPLY, desk_message=replies[1]).count() == 1
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.PENDING_CUSTOMER  # the reminder keeps waiting for the customer

    for hours in (1, 5):
        _sweep(start + timedelta(days=14, hours=hours))
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.SOLVED
    solved = ticket.events.filter(kind=Event.Kind.STATUS_CHANGED, data__to="solved")
    assert solved.count() == 1 and solved.get().actor is None
    assert ticket.messages.filter(kind=Message.Kind.REPLY).count() == 2
    assert sorted(RuleRun.objects.values_list("rule__name", flat=True)) == ["Remind after 7 days", "Solve after 14 days"]


def test_a_new_pending_period_gets_a_new_reminder(classic_rules, ticket, alice, miggins):
    start = clock.now()
    with clock.travel_to(start):
        services.reply(ticket, by=alice, body="Order number?", status="pending_customer")
    _sweep(start + timedelta(days=8))
    with clock.travel_to(start + timedelta(days=9)):
        services.customer_reply(ticket, customer=miggins, body="It is 1234.")
        services.reply(ticket, by=alice, body="And the date?", status="pending_customer")
    _sweep(start + timedelta(days=12))
    assert RuleRun.objects.count() == 1
    _sweep(start + timedelta(days=16, hours=1))
    assert RuleRun.objects.filter(rule__name="Remind after 7 days").count() == 2
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.PENDING_CUSTOMER  # 7 days in this period, not 14


def test_a_reminder_on_a_ticket_nobody_owns_is_signed_by_the_team(classic_rules, ticket_factory, miggins, billing, alice):
    start = clock.now()
    with clock.travel_to(start):
        ticket = ticket_factory.create(customer=miggins, team=billing)
        services.change_status(ticket, status="pending_customer", by=alice)
    _sweep(start + timedelta(days=7, hours=1))
    reply = ticket.messages.get(kind=Message.Kind.REPLY)
    assert reply.author is None
    assert reply.body_text.endswith("The Billing team")


def test_the_sweep_reads_each_time_rule_with_one_query_of_tickets(classic_rules, ticket_factory, miggins, billing, alice, django_assert_max_num_queries):
    start = clock.now()
    with clock.travel_to(start):
        for created in ticket_factory.create_batch(3, customer=miggins, team=billing):
            services.change_status(created, status="pending_customer", by=alice)
    with clock.travel_to(start + timedelta(days=3)):
        # The rules (1), then per time rule one query of due tickets: nothing is due.
        with django_assert_max_num_queries(3):
            assert engine.run_time_rules() == 0


def test_the_sweep_takes_a_batch_at_a_time(make_rule, ticket_factory, miggins, billing, alice):
    rule = make_rule(
        "Tag old", kind="on_time",
        conditions=[{"field": "status", "op": "in", "value": ["new", "open"]}, {"field": "hours_since_created", "op": "gte", "value": 1}],
        actions=[{"action": "add_tags", "value": "old"}],
    )
    start = clock.now()
    with clock.travel_to(start):
        ticket_factory.create_batch(5, customer=miggins, team=billing)
    with clock.travel_to(start + timedelta(hours=2)):
        assert len(engine.run_time_rule(rule, limit=3)) == 3
        assert len(engine.run_time_rule(rule, limit=3)) == 2
        assert engine.run_time_rule(rule, limit=3) == []
