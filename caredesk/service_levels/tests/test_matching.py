"""Which policy a ticket gets: the first enabled one, in order, whose conditions all hold."""

import pytest

from caredesk.conversations.models import Ticket
from caredesk.customers.models import Organisation
from caredesk.service_levels import engine, services
from caredesk.service_levels.models import Target

pytestmark = pytest.mark.django_db


def policy_of(ticket) -> str | None:
    target = Target.objects.filter(ticket=ticket).select_related("policy").first()
    return target.policy.name if target else None


def test_the_first_matching_policy_in_order_wins(make_policy, ticket_factory, miggins, billing):
    make_policy("Billing", teams=[billing], first_reply_minutes=30)
    make_policy("Everyone", first_reply_minutes=60)
    assert policy_of(ticket_factory.create(customer=miggins, team=billing)) == "Billing"


def test_moving_a_policy_down_lets_the_one_above_win(make_policy, ticket_factory, miggins, billing, ada):
    billing_policy = make_policy("Billing", teams=[billing], first_reply_minutes=30)
    make_policy("Everyone", first_reply_minutes=60)
    services.move_policy(billing_policy, by=ada, direction="down")
    assert policy_of(ticket_factory.create(customer=miggins, team=billing)) == "Everyone"


def test_a_disabled_policy_is_skipped(make_policy, ticket_factory, miggins, billing):
    make_policy("Off", first_reply_minutes=30, enabled=False)
    make_policy("On", first_reply_minutes=60)
    assert policy_of(ticket_factory.create(customer=miggins, team=billing)) == "On"


def test_team_condition(make_policy, ticket_factory, miggins, billing, deliveries):
    make_policy("Deliveries", teams=[deliveries], first_reply_minutes=30)
    assert policy_of(ticket_factory.create(customer=miggins, team=billing)) is None
    assert policy_of(ticket_factory.create(customer=miggins, team=deliveries)) == "Deliveries"


def test_priority_and_channel_conditions_must_both_hold(make_policy, ticket_factory, miggins, billing):
    make_policy("Urgent phone", priorities=[Ticket.Priority.URGENT], channels=["phone"], first_reply_minutes=15)
    assert policy_of(ticket_factory.create(customer=miggins, team=billing, priority=Ticket.Priority.URGENT)) is None
    assert policy_of(ticket_factory.create(customer=miggins, team=billing, channel="phone")) is None
    urgent_call = ticket_factory.create(customer=miggins, team=billing, channel="phone", priority=Ticket.Priority.URGENT)
    assert policy_of(urgent_call) == "Urgent phone"


def test_tiers_match_the_customer_and_their_organisation_without_regard_to_case(make_policy, ticket_factory, miggins, parker, billing):
    make_policy("Gold accounts", organisation_tiers=["gold"], first_reply_minutes=30)
    make_policy("VIP", customer_tiers=["vip"], first_reply_minutes=45)
    miggins.organisation = Organisation.objects.create(name="The Corner Café", tier="Gold")
    miggins.save()
    parker.tier = "VIP"
    parker.save()
    assert policy_of(ticket_factory.create(customer=miggins, team=billing)) == "Gold accounts"
    assert policy_of(ticket_factory.create(customer=parker, team=billing)) == "VIP"


def test_matching_reads_policies_once_per_decision(make_policy, ticket_factory, miggins, billing, django_assert_num_queries):
    make_policy("A", teams=[billing], priorities=[4], first_reply_minutes=30)
    make_policy("B", first_reply_minutes=30)
    ticket = ticket_factory.create(customer=miggins, team=billing)
    with django_assert_num_queries(2):  # policies, their teams
        assert engine.policy_for(ticket).name == "B"
