"""Hand-offs in a real browser: a transfer with a hand-over note reaches the new owner; the report."""

import re

import pytest
from playwright.sync_api import expect

from caredesk.accounts.models import Team, User
from caredesk.conftest import _user
from caredesk.conversations import services

pytestmark = pytest.mark.django_db(transaction=True)


def _settled(page, selector: str) -> None:
    page.wait_for_function(
        "selector => getComputedStyle(document.querySelector(selector)).opacity === '1'", arg=selector
    )


def _htmx_settled(page) -> None:
    page.wait_for_function("!document.querySelector('.htmx-swapping, .htmx-settling, .htmx-added, .htmx-request')")


def test_a_transfer_with_hand_over_note(page, login, alice, bob, ticket, screenshot):
    login(page, alice)
    page.goto(ticket.get_absolute_url())
    page.get_by_role("button", name="Transfer").first.click()
    dialog = page.locator("#transfer-dialog")
    expect(dialog).to_be_visible()
    _settled(page, "#transfer-dialog")
    _htmx_settled(page)
    dialog.get_by_label("New owner").select_option(label="Bob Baker")
    # No reason: the dialog says why it cannot go, and the ticket stays with alice.
    dialog.get_by_label("Hand-over note").fill("Bank confirmed the double capture on 3 March.\nRefund not started.")
    dialog.get_by_label("Reason").fill(" ")
    dialog.get_by_role("button", name="Transfer ticket").click()
    expect(dialog.locator(".invalid-feedback")).to_have_text("Say why the ticket is moving; the new owner reads this first.")
    expect(dialog.get_by_label("Hand-over note")).to_have_value("Bank confirmed the double capture on 3 March.\nRefund not started.")
    ticket.refresh_from_db()
    assert ticket.owner == alice
    _htmx_settled(page)
    dialog.get_by_label("Reason").fill("Bob handles refunds over £50")
    dialog.get_by_role("button", name="Transfer ticket").click()
    expect(page.locator("#ticket-header")).to_contain_text("Owner: Bob Baker")
    expect(page.locator("#handover")).to_have_count(0)  # alice handed it over: it is not for her

    page.goto("about:blank")  # leave the page first: its polling could set a new CSRF cookie mid log-in
    page.context.clear_cookies()
    login(page, bob)
    page.goto(ticket.get_absolute_url())
    handover = page.locator("#handover")
    expect(handover).to_be_visible()
    expect(handover).to_contain_text("Handed over by Alice Archer")
    expect(handover).to_contain_text("Reason: Bob handles refunds over £50")
    expect(handover).to_contain_text("Bank confirmed the double capture on 3 March.")
    screenshot("ticket-hand-over-note")

    page.get_by_label("Message").fill("Hello Mrs Miggins, I am Bob and I have your refund in hand.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator("#timeline .message-reply")).to_contain_text("I have your refund in hand")
    expect(page.locator("#handover")).to_have_count(0)


def test_a_lead_reads_the_hand_off_report_and_narrows_it_to_a_team(
    page, login, lena, alice, bob, charlie, ticket, ticket_factory, parker, billing, deliveries, screenshot
):
    returns = Team.objects.create(name="Returns")
    rose = _user("rose@example.com", "Rose", "Reed", User.Role.AGENT, [returns])
    services.transfer(ticket, to_team=deliveries, to_owner=charlie, by=alice, reason="Delivery?")
    services.transfer(ticket, to_team=billing, to_owner=bob, by=charlie, reason="No, billing")
    services.transfer(ticket, to_owner=lena, by=bob, reason="Over my limit")
    for number in range(3):
        eggs = ticket_factory.create(customer=parker, team=deliveries, owner=charlie, subject=f"Broken eggs {number + 1}")
        services.transfer(eggs, to_team=returns, to_owner=rose, by=charlie, reason="A return")
        if number:
            services.transfer(eggs, to_team=deliveries, to_owner=charlie, by=rose, reason="Not a return")

    login(page, lena)
    page.goto("/tickets/")
    page.get_by_role("link", name="Hand-offs").click()
    expect(page.get_by_role("heading", name="Hand-offs", exact=True)).to_be_visible()
    rows = page.locator("#handoff-tickets tbody tr")
    expect(rows.first).to_contain_text("Charged twice for my groceries")
    expect(rows.first).to_contain_text("run-around")
    expect(rows.first.locator(".handoff-chain")).to_have_text("BillingDeliveriesBilling")
    expect(page.locator("#pairs-table tbody tr").first).to_contain_text("Deliveries")
    screenshot("handoff-report")

    page.get_by_label("Team", exact=True).select_option(label="Returns")
    expect(page).to_have_url(re.compile(rf"/tickets/handoffs/\?period=90&team={returns.pk}&scope=open$"))
    expect(rows).to_have_count(3)
    expect(page.locator("#handoff-report")).not_to_contain_text("Charged twice")
    expect(page.locator("#pairs-table tbody tr").first).to_contain_text("Returns")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").last.click()
    assert download.value.suggested_filename.startswith("handoffs-tickets-")
