"""Escalations in a real browser: alice escalates, lena resolves, and the board in between."""

import pytest
from playwright.sync_api import expect

from caredesk.conversations.models import Event
from caredesk.escalations import services
from caredesk.escalations.models import Escalation

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def _settled(page, selector: str) -> None:
    """Wait for a dialog to finish fading in, so that what follows (and screenshots) see it whole."""
    page.wait_for_function(
        "selector => getComputedStyle(document.querySelector(selector)).opacity === '1'", arg=selector
    )


def _htmx_settled(page) -> None:
    page.wait_for_function("!document.querySelector('.htmx-swapping, .htmx-settling, .htmx-added, .htmx-request')")


def test_alice_escalates_the_ticket_to_her_lead(page, login, alice, lena, ticket, screenshot):
    login(page, alice)
    page.goto(ticket.get_absolute_url())
    page.get_by_role("button", name="Escalate").click()
    dialog = page.locator("#escalate-dialog")
    expect(dialog.locator("#escalate-next")).to_contain_text("Goes to level 1 (team lead): Lena Lead.")
    _htmx_settled(page)
    dialog.get_by_label("Reason").fill("She wants the duplicate refunded today; above my refund limit.")
    _settled(page, "#escalate-dialog")
    screenshot("escalations-escalate-dialog")
    dialog.get_by_role("button", name="Escalate ticket").click()
    expect(dialog).to_be_hidden()
    expect(page.locator(".modal-backdrop")).to_have_count(0)
    banner = page.locator("#escalation-banner")
    expect(banner).to_contain_text("Escalated to level 1 (team lead)")
    expect(banner).to_contain_text("Waiting for Lena Lead to record a resolution.")
    expect(banner).to_contain_text("By Alice Archer")
    expect(banner.get_by_role("button", name="Record resolution")).to_have_count(0)
    expect(page.locator("#timeline")).to_contain_text(
        "Alice Archer escalated to level 1 (team lead): Lena Lead"
    )
    screenshot("escalations-ticket-escalated")
    assert Escalation.objects.get(ticket=ticket).raised_by == alice

    # Alice cannot close it before Lena has recorded a resolution.
    page.locator("#prop-status").select_option("closed")
    expect(page.locator("#ticket-properties")).to_contain_text(
        "This ticket is escalated to level 1 (team lead); Lena Lead must record a resolution first."
    )
    assert ticket.events.filter(kind=Event.Kind.STATUS_CHANGED).count() == 0


def test_lena_records_a_resolution(page, login, alice, lena, ticket, screenshot):
    services.escalate(ticket, by=alice, reason="She wants the duplicate refunded today; above my refund limit.")
    login(page, lena)
    page.goto(ticket.get_absolute_url())
    banner = page.locator("#escalation-banner")
    banner.get_by_role("button", name="Record resolution").click()
    expect(page.locator("#escalation-resolve")).to_have_class("collapse show")  # opened, not still opening
    banner.get_by_label("Resolution").fill("Refunded the duplicate £42.10 as goodwill; told Mrs Miggins by phone.")
    screenshot("escalations-resolve-form")
    banner.get_by_role("button", name="Resolve escalation").click()
    expect(page.locator("#escalation-banner")).to_have_count(0)
    expect(page.locator("#timeline")).to_contain_text("Lena Lead resolved the escalation at level 1 (team lead)")
    expect(page.locator("#timeline")).to_contain_text("Refunded the duplicate £42.10 as goodwill")
    screenshot("escalations-resolved")
    assert Escalation.objects.get(ticket=ticket).state == "resolved"


def test_lena_de_escalates_with_a_note(page, login, alice, lena, ticket):
    services.escalate(ticket, by=alice, reason="Refund above my limit")
    login(page, lena)
    page.goto(ticket.get_absolute_url())
    banner = page.locator("#escalation-banner")
    banner.get_by_role("button", name="De-escalate").click()
    banner.get_by_label("Note").fill("Under £50 you may refund it yourself, Alice.")
    banner.get_by_role("button", name="Take off the board").click()
    expect(page.locator("#escalation-banner")).to_have_count(0)
    expect(page.locator("#timeline")).to_contain_text("Lena Lead de-escalated the ticket off the escalations board")
    assert Escalation.objects.get(ticket=ticket).state == "de_escalated"


def test_the_escalations_board(page, login, alice, lena, ada, ticket, ticket_factory, miggins, parker, billing, billing_ladder, screenshot):
    services.escalate(ticket, by=alice, reason="She wants the duplicate refunded today; above my refund limit.")
    second = ticket_factory.create(customer=parker, team=billing, owner=alice, subject="Voucher code rejected at checkout")
    from django.db import transaction

    from caredesk.conversations import events

    with transaction.atomic():
        events.record(second, Event.Kind.TARGET_BREACHED, data={"target": 9, "kind": "first_reply", "due": "2026-03-03T11:00:00+00:00"})
    third = ticket_factory.create(customer=miggins, team=billing, owner=alice, subject="Account closed by mistake")
    services.escalate(third, by=alice, reason="Needs a manager's approval to reopen")
    services.escalate(third, by=alice, reason="Lena is away until Monday")

    login(page, lena)
    page.goto("/tickets/")
    expect(page.locator("#escalations-count")).to_have_text("2")
    page.get_by_role("link", name="Escalations").click()
    board = page.locator("#escalations-board")
    expect(board.locator("tbody tr")).to_have_count(2)
    expect(board.locator("tbody tr").first).to_contain_text("Charged twice for my groceries")
    expect(board.locator("tbody tr").nth(1)).to_contain_text("Automatic")
    expect(board.locator("tbody tr").nth(1)).to_contain_text("Peter Parker")
    expect(page.locator("#escalation-counts")).to_contain_text("Level 1: 2")
    screenshot("escalations-board-lead")

    board.get_by_role("link", name="Charged twice for my groceries").click()
    expect(page.locator("#escalation-banner")).to_contain_text("Escalated to level 1 (team lead)")

    page.goto("about:blank")  # leave the page first: its polling could set a new CSRF cookie mid log-in
    page.context.clear_cookies()
    login(page, ada)
    page.goto("/escalations/")
    expect(page.locator("#escalations-board tbody tr")).to_have_count(3)
    expect(page.locator("#escalation-counts")).to_contain_text("Level 2: 1")
    screenshot("escalations-board-admin")


def test_the_ladders_page(page, login, ada, lena, billing, deliveries, screenshot):
    login(page, ada)
    page.goto("/escalations/ladders/")
    page.get_by_role("link", name="Edit the ladder of Deliveries").click()
    page.get_by_label("Level 2: manager").select_option(label="Ada Admin")
    page.get_by_label("Climb after (minutes)").fill("30")
    page.get_by_role("button", name="Save ladder").click()
    expect(page.locator("#flash")).to_contain_text("The escalation ladder of Deliveries was saved.")
    expect(page.locator(f"#ladder-{deliveries.pk}")).to_contain_text("Ada Admin")
    expect(page.locator(f"#ladder-{deliveries.pk}")).to_contain_text("30 minutes")
    screenshot("escalations-ladders")
