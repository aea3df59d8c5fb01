"""Every condition field and operator, read as the one ticket filter the engine and dry runs use."""

from datetime import timedelta

import pytest

from caredesk.automations import rules
from caredesk.conversations import services
from caredesk.conversations.models import CustomField, Ticket
from caredesk.customers.models import Organisation
from caredesk.system import clock

CASES = [
    ("status", "is", "pending_customer", True),
    ("status", "is", "open", False),
    ("status", "is_not", "pending_customer", False),
    ("status", "is_not", "open", True),
    ("status", "in", "new, pending_customer", True),
    ("status", "in", ["new", "open"], False),
    ("priority", "is", "3", True),
    ("priority", "is", "urgent", False),
    ("priority", "is_not", "high", False),
    ("priority", "in", "low, high", True),
    ("priority", "gte", "4", False),
    ("priority", "gte", "3", True),
    ("priority", "lte", "2", False),
    ("priority", "lte", "normal", False),
    ("team", "is", "{billing}", True),
    ("team", "is_not", "{billing}", False),
    ("team", "in", "{deliveries}", False),
    ("owner", "is", "{alice}", True),
    ("owner", "is", "unassigned", False),
    ("owner", "is_not", "{alice}", False),
    ("owner", "is_not", "unassigned", True),
    ("owner", "in", "{bob}, unassigned", False),
    ("owner", "in", "{bob}, {alice}", True),
    ("channel", "is", "email", True),
    ("channel", "is_not", "email", False),
    ("channel", "in", "web, phone", False),
    ("tags", "contains", "refund", True),
    ("tags", "contains", "Refund ", True),
    ("tags", "contains", "late", False),
    ("tags", "not_contains", "refund", False),
    ("tags", "not_contains", "late", True),
    ("subject", "contains", "TWICE", True),
    ("subject", "not_contains", "twice", False),
    ("subject", "is", "charged twice for my groceries", True),
    ("subject", "is_not", "charged twice for my groceries", False),
    ("customer_email", "is", "Miggins@Example.com", True),
    ("customer_email", "is_not", "miggins@example.com", False),
    ("customer_email", "contains", "miggins", True),
    ("customer_email", "not_contains", "miggins", False),
    ("customer_domain", "is", "example.com", True),
    ("customer_domain", "is", "@Example.com", True),
    ("customer_domain", "is_not", "example.com", False),
    ("customer_domain", "in", "pies.co.uk, example.com", True),
    ("customer_domain", "in", "ample.com", False),
    ("customer_tier", "is", "VIP", True),
    ("customer_tier", "is_not", "vip", False),
    ("customer_tier", "in", "gold, silver", False),
    ("organisation", "is", "{pies}", True),
    ("organisation", "is_not", "{pies}", False),
    ("organisation", "in", "{other}", False),
    ("organisation_tier", "is", "gold", True),
    ("organisation_tier", "is_not", "gold", False),
    ("organisation_tier", "in", "silver, bronze", False),
    ("field.order_number", "is", "1234", True),
    ("field.order_number", "is", "1235", False),
    ("field.order_number", "is_not", "1234", False),
    ("field.order_number", "gte", "1000", True),
    ("field.order_number", "gte", "1234.5", False),
    ("field.order_number", "lte", "1000", False),
    ("field.reason", "contains", "DAMAGED", True),
    ("field.reason", "not_contains", "damaged", False),
    ("field.reason", "is", "damaged box", True),
    ("field.reason", "is_not", "broken eggs", True),
    ("field.colour", "is_not", "red", True),  # a ticket without the field is not any value
    ("field.colour", "not_contains", "red", True),
    ("field.colour", "is", "red", False),
    ("hours_since_created", "gte", "2", True),
    ("hours_since_created", "gte", "4", False),
    ("hours_since_created", "lte", "2", False),
    ("hours_since_updated", "gte", "1", False),
    ("hours_since_updated", "lte", "1", True),
    ("hours_since_status_changed", "gte", "1", False),
    ("hours_since_status_changed", "gte", "0.25", True),
    ("hours_since_status_changed", "lte", "1", True),
]


@pytest.fixture
def scene(ticket_factory, miggins, billing, deliveries, alice, bob):
    pies = Organisation.objects.create(name="Miggins Pies", tier="gold")
    other = Organisation.objects.create(name="Other")
    miggins.organisation, miggins.tier = pies, "vip"
    miggins.save()
    CustomField.objects.create(key="order_number", label="Order number", kind=CustomField.Kind.NUMBER)
    CustomField.objects.create(key="reason", label="Reason")
    CustomField.objects.create(key="colour", label="Colour")
    now = clock.now()
    with clock.travel_to(now - timedelta(hours=3)):
        ticket = ticket_factory.create(
            customer=miggins, team=billing, owner=alice, subject="Charged twice for my groceries", channel="email",
            priority=Ticket.Priority.HIGH, tags=["refund", "vip"],
        )
        services.set_fields(ticket, values={"order_number": "1234", "reason": "damaged box"}, by=alice)
    with clock.travel_to(now - timedelta(minutes=30)):
        services.change_status(ticket, status="pending_customer", by=alice)
    ids = {"billing": billing.pk, "deliveries": deliveries.pk, "alice": alice.pk, "bob": bob.pk, "pies": pies.pk, "other": other.pk}
    return ticket, now, ids


@pytest.mark.parametrize(("field", "op", "value", "expected"), CASES)
def test_condition(scene, field, op, value, expected):
    ticket, now, ids = scene
    raw = [v.format(**ids) for v in value] if isinstance(value, list) else value.format(**ids)
    condition = rules.clean_condition({"field": field, "op": op, "value": raw}, time_rule=False)
    found = rules.matching([condition], now=now, tickets=Ticket.objects.filter(pk=ticket.pk)).exists()
    assert found is expected


def test_every_field_and_operator_is_covered():
    covered = {(field, op) for field, op, _value, _expected in CASES}
    wanted = {(name, op) for name, field in rules.FIELDS.items() if name != "text" for op in field.ops}
    assert wanted - covered == set()


def test_conditions_are_all_required(scene):
    ticket, now, ids = scene
    both = [
        rules.clean_condition({"field": "status", "op": "is", "value": "pending_customer"}, time_rule=False),
        rules.clean_condition({"field": "tags", "op": "contains", "value": "late"}, time_rule=False),
    ]
    assert not rules.matching(both, now=now, tickets=Ticket.objects.filter(pk=ticket.pk)).exists()
    assert rules.matching(both[:1], now=now, tickets=Ticket.objects.filter(pk=ticket.pk)).exists()


def test_two_tag_conditions_each_need_their_own_tag(scene):
    ticket, now, ids = scene
    conditions = [
        rules.clean_condition({"field": "tags", "op": "contains", "value": tag}, time_rule=False) for tag in ("refund", "vip")
    ]
    assert rules.matching(conditions, now=now, tickets=Ticket.objects.filter(pk=ticket.pk)).exists()


@pytest.mark.parametrize(
    ("op", "value", "text", "expected"),
    [
        ("contains", "refund", "I want a REFUND now", True),
        ("contains", "refund", "Thanks!", False),
        ("contains", "refund", None, False),
        ("not_contains", "refund", "I want a refund", False),
        ("not_contains", "refund", "Thanks!", True),
        ("not_contains", "refund", None, True),
    ],
)
def test_message_text_condition(op, value, text, expected):
    condition = rules.clean_condition({"field": "text", "op": op, "value": value}, time_rule=False)
    assert rules.text_matches([condition], text) is expected
