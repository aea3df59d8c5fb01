"""The rule editor in a real browser: an admin builds a rule row by row, dry-runs it, saves it."""

import pytest
from playwright.sync_api import expect

from caredesk.automations.models import Rule

pytestmark = pytest.mark.django_db(transaction=True)


def _htmx_settled(page) -> None:
    page.wait_for_function("!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')")


def test_ada_builds_dry_runs_and_saves_a_rule(page, login, ada, lena, ticket_factory, miggins, billing, screenshot):
    ticket_factory.create(customer=miggins, team=billing, subject="Refund for my missing eggs")
    ticket_factory.create(customer=miggins, team=billing, subject="Van was late")
    login(page, ada)
    page.goto("/automations/")
    page.get_by_role("link", name="New rule").click()
    page.get_by_label("Name").fill("Refunds to the lead")
    page.get_by_label("Description").fill("Refund requests need a lead's eye.")

    conditions = page.locator("#condition-rows")
    expect(conditions.locator("[data-row]")).to_have_count(0)
    page.get_by_role("button", name="Add condition").click()
    _htmx_settled(page)
    conditions.get_by_label("Field", exact=True).select_option(label="Subject")
    _htmx_settled(page)
    expect(conditions.get_by_label("Operator", exact=True)).to_have_value("is")
    conditions.get_by_label("Operator", exact=True).select_option(label="contains")
    _htmx_settled(page)
    conditions.get_by_label("Value", exact=True).fill("refund")

    actions = page.locator("#action-rows")
    actions.get_by_label("Value", exact=True).fill("refund")
    page.get_by_role("button", name="Add action").click()
    _htmx_settled(page)
    expect(actions.locator("[data-row]")).to_have_count(2)
    actions.locator("[data-row]").nth(1).get_by_label("Action", exact=True).select_option(label="Notify")
    _htmx_settled(page)
    actions.locator("[data-row]").nth(1).get_by_label("Value", exact=True).select_option(label="the team's leads")

    # A condition added and removed again leaves nothing behind.
    page.get_by_role("button", name="Add condition").click()
    _htmx_settled(page)
    expect(conditions.locator("[data-row]")).to_have_count(2)
    conditions.locator("[data-row]").nth(1).get_by_role("button", name="Remove condition").click()
    expect(conditions.locator("[data-row]")).to_have_count(1)

    page.get_by_role("button", name="Dry run").click()
    result = page.locator("#dry-run")
    expect(result).to_contain_text("would have acted on 1 ticket")
    expect(result.locator("#dry-run-tickets")).to_contain_text("Refund for my missing eggs")
    expect(result).not_to_contain_text("Van was late")
    assert not Rule.objects.exists()
    screenshot("automation-rule-dry-run")

    page.get_by_role("button", name="Save rule").click()
    expect(page.get_by_text("Rule “Refunds to the lead” saved.")).to_be_visible()
    rule = Rule.objects.get()
    assert rule.conditions == [{"field": "subject", "op": "contains", "value": "refund"}]
    assert rule.actions == [{"action": "add_tags", "value": ["refund"]}, {"action": "notify", "value": "team_lead"}]

    page.get_by_role("link", name="Automations").click()
    expect(page.locator("#rules-table")).to_contain_text("Refunds to the lead")
    _htmx_settled(page)
    # A click, not uncheck(): htmx replaces the switch with the saved state while Playwright looks at it.
    page.get_by_label("On Refunds to the lead").click()
    expect(page.locator(f"#rule-{rule.pk}")).to_contain_text("Off")
    expect(page.get_by_label("Off Refunds to the lead")).not_to_be_checked()
    rule.refresh_from_db()
    assert rule.enabled is False
    screenshot("automation-rules")


def test_a_time_rule_hides_the_events_and_a_bad_rule_shows_its_errors(page, login, ada):
    login(page, ada)
    page.goto("/automations/new/")
    expect(page.locator("#event-kinds")).to_be_visible()
    page.get_by_label("On a schedule (time-based)").check()
    expect(page.locator("#event-kinds")).to_be_hidden()
    page.get_by_label("Name").fill("Too eager")
    page.get_by_role("button", name="Add condition").click()
    _htmx_settled(page)
    expect(page.locator("#condition-rows").get_by_label("Value", exact=True)).to_have_value("new")
    page.locator("#action-rows").get_by_label("Value", exact=True).fill("old")
    page.get_by_role("button", name="Save rule").click()
    expect(page.get_by_text("A time rule needs an “Hours since … is at least” condition")).to_be_visible()
    assert not Rule.objects.exists()


def test_lena_reads_a_rule_and_dry_runs_it(page, login, lena, ada, alice, ticket_factory, miggins, billing, screenshot):
    from datetime import timedelta

    from caredesk.automations import engine, services
    from caredesk.conversations import services as desk
    from caredesk.system import clock

    rule = services.save_rule(
        None, by=ada, name="Solve after 14 days", kind="on_time", event_kinds=[],
        conditions=[{"field": "status", "op": "is", "value": "pending_customer"}, {"field": "hours_since_status_changed", "op": "gte", "value": 336}],
        actions=[{"action": "set_status", "value": "solved"}],
    )
    with clock.travel_to(clock.now() - timedelta(days=15)):
        waiting = ticket_factory.create_batch(2, customer=miggins, team=billing, owner=alice, by=alice)
        for one in waiting:
            desk.change_status(one, status="pending_customer", by=alice)
    engine.apply_rule(rule, waiting[0].pk)
    login(page, lena)
    page.goto(rule.get_absolute_url())
    expect(page.get_by_text("only admins change rules")).to_be_visible()
    expect(page.get_by_role("button", name="Save rule")).to_have_count(0)
    expect(page.get_by_label("Name")).to_be_disabled()
    expect(page.locator("#rule-runs")).to_contain_text("Status set to Solved")
    page.get_by_role("button", name="Dry run").click()
    expect(page.locator("#dry-run")).to_contain_text("would act on 1 ticket now")
    expect(page.locator("#dry-run-tickets")).to_contain_text(waiting[1].subject)
    screenshot("automation-rule-lead")


def test_alice_sees_what_an_automation_did_on_her_ticket(page, login, alice, ticket, lena, screenshot):
    from caredesk.automations import engine, services

    rule = services.save_rule(
        None, by=lena.__class__.objects.create_user("root@example.com", "x", role="admin"), name="Refund check",
        kind="on_event", event_kinds=["created"], conditions=[],
        actions=[{"action": "add_tags", "value": "refund"}, {"action": "add_note", "value": "Check the bank statement before refunding."},
                 {"action": "notify", "value": "team_lead"}],
    )
    engine.apply_rule(rule, ticket.pk)
    login(page, alice)
    page.goto(ticket.get_absolute_url())
    timeline = page.locator("#timeline")
    expect(timeline.locator(".message-note")).to_contain_text("Automation")
    expect(timeline).to_contain_text("Automation Refund check: Tagged refund; Added a note; Notified Lena Lead")
    screenshot("automation-on-ticket")
