"""The automation pages: who may read, who may change, bad input refused, queries bounded."""

import pytest

from caredesk.automations.models import Rule, RuleRun
from caredesk.conversations.models import Event, Ticket


@pytest.fixture
def rule(make_rule):
    return make_rule(
        "Refunds", event_kinds=["created"],
        conditions=[{"field": "subject", "op": "contains", "value": "refund"}],
        actions=[{"action": "add_tags", "value": "refund"}],
    )


def _post(**extra):
    data = {
        "name": "Urgent to lead", "position": "3", "enabled": "on", "kind": "on_event", "event_kinds": ["created", "customer_replied"],
        "conditions-0-field": "priority", "conditions-0-op": "gte", "conditions-0-value": "3",
        "conditions-1700000000000-field": "tags", "conditions-1700000000000-op": "contains", "conditions-1700000000000-value": "vip",
        "actions-0-action": "notify", "actions-0-value": "team_lead",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("who", ["alice", "charlie", "sam", "miggins_user"])
def test_agents_sales_and_customers_are_refused_every_page(client, request, rule, who, miggins):
    user = miggins.user if who == "miggins_user" else request.getfixturevalue(who)
    client.force_login(user)
    assert client.get("/automations/").status_code == 403
    assert client.get(f"/automations/{rule.pk}/").status_code == 403
    assert client.post(f"/automations/{rule.pk}/dry-run/").status_code == 403
    assert client.post(f"/automations/{rule.pk}/enabled/", {}).status_code == 403
    assert client.get("/automations/new/").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, rule):
    response = client.get("/automations/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_lead_reads_rules_but_changes_nothing(client, lena, rule):
    client.force_login(lena)
    page = client.get("/automations/")
    assert page.status_code == 200 and b"Refunds" in page.content and b"New rule" not in page.content
    editor = client.get(f"/automations/{rule.pk}/")
    assert editor.status_code == 200 and b"only admins change rules" in editor.content
    assert client.post(f"/automations/{rule.pk}/", _post()).status_code == 403
    assert client.post(f"/automations/{rule.pk}/enabled/", {}).status_code == 403
    assert client.post(f"/automations/{rule.pk}/delete/").status_code == 403
    assert client.get("/automations/new/").status_code == 403
    assert client.post("/automations/new/", _post()).status_code == 403
    assert client.post("/automations/dry-run/", _post()).status_code == 403
    assert client.get("/automations/rows/condition/").status_code == 403
    rule.refresh_from_db()
    assert (rule.name, rule.enabled) == ("Refunds", True)
    assert Rule.objects.count() == 1


def test_a_lead_may_dry_run_the_saved_rule(client, lena, rule, ticket_factory, miggins, billing):
    ticket_factory.create(customer=miggins, team=billing, subject="Refund please")
    client.force_login(lena)
    response = client.post(f"/automations/{rule.pk}/dry-run/", _post(**{"conditions-0-field": "status", "conditions-0-op": "is", "conditions-0-value": "closed"}))
    # What a lead posts is ignored: the saved rule is tried.
    assert response.status_code == 200
    assert b"Refund please" in response.content


def test_an_admin_creates_a_rule_with_the_row_builder(client, ada):
    client.force_login(ada)
    response = client.post("/automations/new/", _post())
    rule = Rule.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/automations/{rule.pk}/"
    assert (rule.name, rule.position, rule.enabled, rule.kind) == ("Urgent to lead", 3, True, "on_event")
    assert rule.event_kinds == ["created", "customer_replied"]
    assert rule.conditions == [{"field": "priority", "op": "gte", "value": 3}, {"field": "tags", "op": "contains", "value": "vip"}]
    assert rule.actions == [{"action": "notify", "value": "team_lead"}]
    assert rule.created_by == ada


def test_a_bad_rule_is_shown_again_with_its_errors_and_nothing_saved(client, ada, rule):
    client.force_login(ada)
    response = client.post(f"/automations/{rule.pk}/", _post(**{"name": "", "conditions-0-value": "huge"}))
    assert response.status_code == 422
    content = response.content.decode()
    assert "Give the rule a name." in content
    assert "Condition 1: “huge” is not a known priority (1 low to 4 urgent)." in content
    rule.refresh_from_db()
    assert rule.name == "Refunds" and rule.conditions == [{"field": "subject", "op": "contains", "value": "refund"}]


def test_an_admin_edits_toggles_and_deletes_a_rule(client, ada, rule):
    client.force_login(ada)
    assert client.post(f"/automations/{rule.pk}/", _post(name="Renamed")).status_code == 302
    rule.refresh_from_db()
    assert rule.name == "Renamed"
    row = client.post(f"/automations/{rule.pk}/enabled/", {})
    assert row.status_code == 200 and b'id="rule-' in row.content
    rule.refresh_from_db()
    assert rule.enabled is False
    client.post(f"/automations/{rule.pk}/enabled/", {"enabled": "on"})
    rule.refresh_from_db()
    assert rule.enabled is True
    assert client.post(f"/automations/{rule.pk}/delete/").status_code == 302
    assert not Rule.objects.exists()


def test_rows_are_redrawn_for_the_field_chosen(client, ada, billing):
    client.force_login(ada)
    row = client.get("/automations/rows/condition/", {"conditions-5-field": "team", "conditions-5-op": "contains"}).content.decode()
    assert 'name="conditions-5-value"' in row and "Billing" in row and 'value="is" selected' in row
    many = client.get("/automations/rows/condition/", {"conditions-5-field": "status", "conditions-5-op": "in"}).content.decode()
    assert "multiple" in many
    action = client.get("/automations/rows/action/", {"actions-2-action": "assign"}).content.decode()
    assert 'value="team:' in action and "Team queues" in action
    assert client.get("/automations/rows/other/").status_code == 404


def test_a_dry_run_lists_what_an_unsaved_time_rule_would_touch_and_changes_nothing(client, ada, ticket, alice):
    from datetime import timedelta

    from caredesk.conversations import services
    from caredesk.system import clock

    services.change_status(ticket, status="pending_customer", by=alice)
    client.force_login(ada)
    data = {
        "name": "Solve", "kind": "on_time",
        "conditions-0-field": "status", "conditions-0-op": "is", "conditions-0-value": "pending_customer",
        "conditions-1-field": "hours_since_status_changed", "conditions-1-op": "gte", "conditions-1-value": "24",
        "actions-0-action": "set_status", "actions-0-value": "solved",
    }
    events_before = Event.objects.count()
    assert b"would act on <strong>0</strong> tickets" in client.post("/automations/dry-run/", data).content
    with clock.travel_to(clock.now() + timedelta(days=2)):
        response = client.post("/automations/dry-run/", data)
    assert b"would act on <strong>1</strong> ticket now" in response.content
    assert b"Charged twice for my groceries" in response.content
    ticket.refresh_from_db()
    assert ticket.status == "pending_customer"
    assert Event.objects.count() == events_before
    assert not Rule.objects.exists() and not RuleRun.objects.exists()


def test_a_dry_run_of_an_event_rule_reads_the_last_weeks_events(client, ada, rule, ticket_factory, miggins, billing):
    from datetime import timedelta

    from caredesk.system import clock

    with clock.travel_to(clock.now() - timedelta(days=8)):
        ticket_factory.create(customer=miggins, team=billing, subject="Old refund")
    ticket_factory.create(customer=miggins, team=billing, subject="New refund")
    ticket_factory.create(customer=miggins, team=billing, subject="Late van")
    client.force_login(ada)
    response = client.post(f"/automations/{rule.pk}/dry-run/", {
        "name": "Refunds", "kind": "on_event", "event_kinds": ["created"],
        "conditions-0-field": "subject", "conditions-0-op": "contains", "conditions-0-value": "refund",
        "actions-0-action": "add_tags", "actions-0-value": "refund",
    })
    content = response.content.decode()
    assert "New refund" in content and "Old refund" not in content and "Late van" not in content
    assert "would have acted on <strong>1</strong> ticket" in content
    assert not Ticket.objects.filter(tags__name="refund").exists()
    assert not RuleRun.objects.exists()


def test_a_dry_run_of_a_bad_rule_says_what_is_wrong(client, ada):
    client.force_login(ada)
    response = client.post("/automations/dry-run/", {"name": "X", "kind": "on_event"})
    assert response.status_code == 422
    assert "Choose at least one event the rule reacts to." in response.content.decode()


def test_the_list_page_queries_do_not_grow_with_rules(client, ada, make_rule, django_assert_max_num_queries):
    client.force_login(ada)
    for count in (2, 20):
        for n in range(count):
            make_rule(f"Rule {count}-{n}", actions=[{"action": "add_tags", "value": "x"}])
        # session, user, rules, the escalations waiting for the viewer (nav link)
        with django_assert_max_num_queries(4):
            assert client.get("/automations/").status_code == 200


def test_the_rule_page_queries_do_not_grow_with_runs_or_rows(client, ada, make_rule, ticket, django_assert_max_num_queries):
    from caredesk.automations import engine

    rule = make_rule(
        "Many", conditions=[{"field": "status", "op": "in", "value": "open, new"}] * 5,
        actions=[{"action": "add_tags", "value": "x"}] * 5,
    )
    client.force_login(ada)
    for _ in range(3):
        engine.apply_rule(rule, ticket.pk)
    # session, user, rule, teams, agents, organisations, macros, custom fields, runs with their tickets,
    # the escalations waiting for the viewer (nav link)
    with django_assert_max_num_queries(10):
        assert client.get(f"/automations/{rule.pk}/").status_code == 200
