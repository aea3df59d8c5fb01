"""The demo's escalation ladders and open escalations."""

from caredesk.accounts.models import Team
from caredesk.escalations import demo
from caredesk.escalations.models import Escalation, Ladder


def test_the_demo_sets_up_ladders_and_escalations_once(billing, deliveries, alice, charlie, lena, ada, ticket, parcel):
    product = Team.objects.create(name="Product & Quality")
    teams = {"Billing": billing, "Deliveries": deliveries, "Product & Quality": product}
    staff = {"admin@example.com": ada, "lead@example.com": lena}
    demo.load(teams, staff)
    demo.load(teams, staff)  # again: nothing more
    assert sorted(Ladder.objects.values_list("team__name", "manager", "escalation_team", "auto_escalate_after_minutes")) == [
        ("Billing", ada.pk, None, 60),
        ("Deliveries", ada.pk, None, 30),  # the test desk has no "Escalations" team
        ("Product & Quality", None, None, 120),
    ]
    # Product & Quality has no open ticket with an owner here: two escalations, not three
    assert sorted(Escalation.objects.values_list("ticket_id", "automatic", "raised_by")) == [
        (ticket.pk, False, alice.pk),
        (parcel.pk, True, None),
    ]
