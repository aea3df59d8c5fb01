import pytest

from caredesk.service_levels import demo
from caredesk.service_levels.models import Policy

pytestmark = pytest.mark.django_db


def test_the_demo_policies_load_once_in_order(billing, deliveries, ada):
    from caredesk.customers.models import Organisation

    cafe = Organisation.objects.create(name="The Corner Café")
    demo.load({"Billing": billing, "Deliveries": deliveries}, {"admin@example.com": ada})
    demo.load({"Billing": billing, "Deliveries": deliveries}, {"admin@example.com": ada})
    assert [(p.name, p.first_reply_minutes, p.resolution_minutes) for p in Policy.objects.all()] == [
        ("Urgent", 60, 480),
        ("Gold accounts", 120, 960),
        ("Standard", 240, 1440),
    ]
    cafe.refresh_from_db()
    assert cafe.tier == "gold"
