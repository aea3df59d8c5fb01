"""Bad rules are refused with a sentence naming the row, and nothing is saved."""

import pytest
from django.core.exceptions import ValidationError

from caredesk.automations import services
from caredesk.automations.models import Rule
from caredesk.conversations.models import Macro

TAG = [{"action": "add_tags", "value": "x"}]


def _refused(ada, **values) -> dict:
    values = {"name": "Rule", "kind": "on_event", "event_kinds": ["created"], "conditions": [], "actions": TAG, **values}
    with pytest.raises(ValidationError) as refused:
        services.save_rule(None, by=ada, **values)
    assert not Rule.objects.exists()
    return refused.value.message_dict


@pytest.mark.parametrize(
    ("conditions", "message"),
    [
        ([{"field": "colour", "op": "is", "value": "red"}], "Condition 1: “colour” is not a field a rule can check."),
        ([{"field": "priority", "op": "contains", "value": "3"}], "Condition 1: Priority cannot use “contains”; use is, is not, is one of, is at least, is at most."),
        ([{"field": "status", "op": "is", "value": "done"}], "Condition 1: “done” is not a known status."),
        ([{"field": "status", "op": "in", "value": ""}], "Condition 1: Pick at least one value."),
        ([{"field": "team", "op": "is", "value": "9999"}], "Condition 1: There is no team with id 9999."),
        ([{"field": "owner", "op": "is", "value": "someone"}], "Condition 1: “someone” does not name any active agent."),
        ([{"field": "subject", "op": "contains", "value": "  "}], "Condition 1: Give a value."),
        ([{"field": "hours_since_created", "op": "gte", "value": "-3"}], "Condition 1: Hours must be a number from 0 to 43800."),
        ([{"field": "field.nope", "op": "is", "value": "1"}], "Condition 1: There is no custom field “nope”."),
        (["status is open"], "Condition 1: Each condition needs a field, an operator and a value."),
    ],
)
def test_a_bad_condition_is_refused(ada, conditions, message):
    assert _refused(ada, conditions=conditions) == {"conditions": [message]}


@pytest.mark.parametrize(
    ("actions", "message"),
    [
        ([{"action": "delete_ticket", "value": ""}], "Action 1: “delete_ticket” is not an action a rule can take."),
        ([{"action": "set_priority", "value": "9"}], "Action 1: “9” is not a known priority (1 low to 4 urgent)."),
        ([{"action": "add_tags", "value": " , "}], "Action 1: Name at least one tag."),
        ([{"action": "set_status", "value": "gone"}], "Action 1: “gone” is not a known status."),
        ([{"action": "add_note", "value": ""}], "Action 1: Give a value."),
        ([{"action": "notify", "value": "everyone"}], "Action 1: “everyone” does not name any active agent."),
        ([{"action": "assign", "value": "team:777"}], "Action 1: There is no team with id 777."),
        ([{"action": "send_macro", "value": 4242}], "Action 1: There is no macro with id 4242."),
    ],
)
def test_a_bad_action_is_refused(ada, actions, message):
    assert _refused(ada, actions=actions) == {"actions": [message]}


def test_a_rule_needs_an_action(ada):
    assert _refused(ada, actions=[]) == {"actions": ["Give between 1 and 20 actions."]}


def test_a_macro_that_cannot_render_is_refused(ada):
    macro = Macro.objects.create(name="Broken", body="Hi {{ customer.password }}")
    message = _refused(ada, actions=[{"action": "send_macro", "value": macro.pk}])["actions"][0]
    assert message.startswith("Action 1: The macro “Broken” uses unknown placeholders: {{ customer.password }}.")


def test_an_event_rule_needs_an_event(ada):
    assert _refused(ada, event_kinds=[]) == {"event_kinds": ["Choose at least one event the rule reacts to."]}
    assert _refused(ada, event_kinds=["automation_applied"]) == {"event_kinds": ["Unknown events: automation_applied."]}


def test_a_time_rule_needs_a_status_and_a_waiting_time(ada):
    hours = {"field": "hours_since_created", "op": "gte", "value": 24}
    assert _refused(ada, kind="on_time", conditions=[hours]) == {
        "conditions": ["A time rule needs a condition “Status is” or “Status is one of”: it reads only tickets in those statuses."]
    }
    assert _refused(ada, kind="on_time", conditions=[{"field": "status", "op": "is", "value": "open"}]) == {
        "conditions": ["A time rule needs an “Hours since … is at least” condition, or it would act on tickets at once."]
    }
    text = {"field": "text", "op": "contains", "value": "refund"}
    assert _refused(ada, kind="on_time", conditions=[text]) == {
        "conditions": ["Condition 1: Message text is only known when a message arrives; a time rule cannot check it."]
    }


def test_names_are_unique_and_every_problem_is_named_at_once(ada, make_rule):
    make_rule("Refunds", actions=TAG)
    with pytest.raises(ValidationError) as refused:
        services.save_rule(None, by=ada, name="refunds", kind="on_event", event_kinds=[], conditions=[], actions=[])
    assert refused.value.message_dict == {
        "name": ["Another rule is called “refunds”; names tell rules apart in the log."],
        "event_kinds": ["Choose at least one event the rule reacts to."],
        "actions": ["Give between 1 and 20 actions."],
    }
    assert Rule.objects.count() == 1


def test_a_good_rule_is_stored_in_normal_form(ada, make_rule, bob, billing):
    rule = make_rule(
        "Normal",
        event_kinds=["created", "created", "customer_replied"],
        conditions=[
            {"field": "priority", "op": "in", "value": "high, Urgent"},
            {"field": "team", "op": "is", "value": str(billing.pk)},
            {"field": "owner", "op": "in", "value": f"unassigned, {bob.pk}"},
        ],
        actions=[{"action": "assign", "value": str(bob.pk)}, {"action": "add_tags", "value": "Big Order, vip"}],
    )
    rule.refresh_from_db()
    assert rule.event_kinds == ["created", "customer_replied"]
    assert rule.conditions == [
        {"field": "priority", "op": "in", "value": [3, 4]},
        {"field": "team", "op": "is", "value": billing.pk},
        {"field": "owner", "op": "in", "value": ["unassigned", bob.pk]},
    ]
    assert rule.actions == [{"action": "assign", "value": f"agent:{bob.pk}"}, {"action": "add_tags", "value": ["big-order", "vip"]}]
