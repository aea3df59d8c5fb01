from caredesk.automations import demo, queries
from caredesk.automations.models import Rule


def test_the_demo_rules_load_once_and_are_valid(billing, deliveries, ada, lena):
    teams = {"Billing": billing, "Deliveries": deliveries}
    staff = {"admin@example.com": ada, "lead@example.com": lena}
    demo.load(teams, staff)
    demo.load(teams, staff)
    rules = list(Rule.objects.values_list("name", "kind", "enabled"))
    assert rules == [
        ("Remind after 7 days waiting for the customer", "on_time", False),
        ("Solve after 14 days waiting for the customer", "on_time", False),
        ("Refund requests: tag and tell the lead", "on_event", True),
    ]
    for rule in Rule.objects.all():
        assert queries.dry_run(rule).count == 0
