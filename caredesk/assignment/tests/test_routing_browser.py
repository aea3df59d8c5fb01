"""The routing page and the availability switch in a real browser."""

import pytest
from playwright.sync_api import expect

from caredesk.assignment.models import AgentStatus, TeamRouting

pytestmark = pytest.mark.django_db(transaction=True)


def _htmx_settled(page) -> None:
    """Wait until htmx has swapped and settled what it received (see conversations' browser tests)."""
    page.wait_for_function("!document.querySelector('.htmx-swapping, .htmx-settling, .htmx-added, .htmx-request')")


def test_lena_turns_on_round_robin_and_sets_bobs_capacity(page, login, lena, alice, bob, ticket, screenshot):
    login(page, lena)
    page.goto("/tickets/")
    page.get_by_role("link", name="Routing").click()
    panel = page.locator("section", has=page.get_by_role("heading", name="Billing"))
    expect(panel.locator(".routing-mode")).to_have_text("Manual: tickets wait in the queue")

    panel.get_by_label("Routing").select_option("round_robin")
    panel.get_by_label("Default capacity").fill("4")
    panel.get_by_role("button", name="Save routing").click()
    panel = page.locator("section", has=page.get_by_role("heading", name="Billing"))
    expect(panel.get_by_role("status")).to_have_text("Saved")
    expect(panel.locator(".routing-mode")).to_have_text("Round-robin: each available agent in turn")
    _htmx_settled(page)

    bob_row = panel.locator(f"tr[data-agent='{bob.pk}']")
    bob_row.get_by_label("Capacity of Bob Baker").fill("3")
    bob_row.get_by_role("button", name="Set").click()
    expect(panel.locator(f"tr[data-agent='{bob.pk}']")).to_contain_text("0 / 3")
    _htmx_settled(page)
    # alice owns the fixture's ticket: one of the team default of four.
    expect(panel.locator(f"tr[data-agent='{alice.pk}']")).to_contain_text("1 / 4")

    routing = TeamRouting.objects.get(team=ticket.team)
    assert (routing.mode, routing.max_open_default, AgentStatus.objects.get(user=bob).capacity) == ("round_robin", 4, 3)
    screenshot("routing")


def test_a_bad_hours_rule_is_shown_on_the_agents_row(page, login, lena, bob, billing, screenshot):
    login(page, lena)
    page.goto("/assignment/")
    row = page.locator(f"tr[data-agent='{bob.pk}']")
    row.get_by_label("Own hours of Bob Baker").fill("mon-fri 17:00-09:00")
    row.get_by_role("button", name="Set").click()
    expect(page.locator(f"tr[data-agent='{bob.pk}']").get_by_role("alert")).to_contain_text("ends before it starts")
    assert not AgentStatus.objects.filter(user=bob).exclude(hours="").exists()
    screenshot("routing-bad-hours")


def test_alice_goes_away_from_the_top_bar_and_the_routing_page_shows_it(page, login, alice, lena, screenshot):
    login(page, alice)
    page.goto("/tickets/")
    switch = page.get_by_label("Availability")
    expect(switch).to_have_value("available")
    _htmx_settled(page)  # the switch is swapped in after load: htmx listens to it once settled
    # The choice shows at once in the browser; wait for the server's answer before reading the database.
    with page.expect_response(lambda response: response.request.method == "POST" and "/assignment/" in response.url):
        switch.select_option("away")
    _htmx_settled(page)
    expect(page.get_by_label("Availability")).to_have_value("away")
    assert AgentStatus.objects.get(user=alice).status == "away"
    screenshot("availability-switch")

    page.goto("/assignment/")
    expect(page.get_by_label("Availability")).to_have_value("away")
    expect(page.locator(f"tr[data-agent='{alice.pk}']")).to_contain_text("Away")
    expect(page.get_by_role("button", name="Save routing")).to_have_count(0)
