"""Fresh Basket's automations: the two classic time rules and one event rule (idempotent).

The time rules are saved switched off: on a freshly loaded demo they would at once remind and solve
every ticket that has waited in the demo's history. An admin switches them on after a dry run shows
what they would touch. The event rule is on: it only reacts to what happens from now on.
"""

from caredesk.accounts.models import Team, User
from caredesk.conversations.models import Macro

from . import services
from .models import Rule

REMINDER = (
    "Still waiting for you",
    "Hi {{ customer.first_name }},\n\nWe're still holding your request {{ ticket.reference }} open for you: "
    "just reply to this email with the details we asked for and we'll pick it up straight away.\n\n"
    "If it's all sorted, there's nothing to do; we'll close it in a week.\n\nBest wishes,\n{{ agent.first_name }}",
)
PENDING = {"field": "status", "op": "is", "value": "pending_customer"}


def load(teams: dict[str, Team], staff: dict[str, User]) -> None:
    admin = staff.get("admin@example.com") or next(iter(staff.values()))
    macro, _ = Macro.objects.get_or_create(name=REMINDER[0], defaults={"body": REMINDER[1], "created_by": admin})
    rules = [
        {
            "name": "Remind after 7 days waiting for the customer",
            "description": "A friendly nudge when a customer has not answered our question for a week.",
            "kind": "on_time",
            "enabled": False,
            "event_kinds": [],
            "conditions": [PENDING, {"field": "hours_since_status_changed", "op": "gte", "value": 7 * 24}],
            "actions": [{"action": "send_macro", "value": macro.pk}],
        },
        {
            "name": "Solve after 14 days waiting for the customer",
            "description": "Two weeks without an answer: solve it. The customer's next email reopens it.",
            "kind": "on_time",
            "enabled": False,
            "event_kinds": [],
            "conditions": [PENDING, {"field": "hours_since_status_changed", "op": "gte", "value": 14 * 24}],
            "actions": [
                {"action": "set_status", "value": "solved"},
                {"action": "add_note", "value": "Solved automatically after 14 days without an answer from the customer."},
            ],
        },
        {
            "name": "Refund requests: tag and tell the lead",
            "description": "Refunds cost money: the team lead sees every request as it arrives.",
            "kind": "on_event",
            "enabled": True,
            "event_kinds": ["created"],
            "conditions": [{"field": "subject", "op": "contains", "value": "refund"}],
            "actions": [{"action": "add_tags", "value": ["refund"]}, {"action": "notify", "value": "team_lead"}],
        },
    ]
    for position, values in enumerate(rules):
        if not Rule.objects.filter(name=values["name"]).exists():
            services.save_rule(None, by=admin, position=position, **values)
