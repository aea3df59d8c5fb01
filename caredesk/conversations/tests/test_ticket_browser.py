"""The ticket page in a real browser, as an agent works a case."""

import re

import pytest
from playwright.sync_api import expect

from caredesk.conversations import presence, services
from caredesk.conversations.models import Event, Macro, Message, Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def _settled(page, selector: str) -> None:
    """Wait for a dialog to finish fading in, so that what follows (and screenshots) see it whole."""
    page.wait_for_function(
        "selector => getComputedStyle(document.querySelector(selector)).opacity === '1'", arg=selector
    )


def _htmx_settled(page) -> None:
    """Wait until htmx has swapped and settled what it received: content swapped in a moment ago has no
    htmx listeners yet, and a change made to it then is lost (a person is never that fast; a test is)."""
    page.wait_for_function("!document.querySelector('.htmx-swapping, .htmx-settling, .htmx-added')")


def _closed(page, dialog) -> None:
    expect(dialog).to_be_hidden()
    expect(page.locator(".modal-backdrop")).to_have_count(0)


@pytest.fixture
def opened(page, login, alice, ticket):
    """alice, logged in, with Mrs Miggins's ticket open."""
    login(page, alice)
    page.goto(ticket.get_absolute_url())
    return page


def test_alice_replies_and_adds_a_note(opened, ticket, screenshot):
    page = opened
    page.get_by_label("Message").fill("We have refunded the second charge; it shows in 3 days.")
    page.get_by_label("Attach files").set_input_files(
        [{"name": "refund-receipt.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 receipt"}]
    )
    page.get_by_role("button", name="Send reply").click()
    timeline = page.locator("#timeline")
    expect(timeline.locator(".message-reply")).to_contain_text("We have refunded the second charge")
    expect(timeline.locator(".message-reply").get_by_role("link", name="refund-receipt.pdf")).to_be_visible()
    expect(page.get_by_label("Message")).to_have_value("")

    page.locator("label[for=kind-note]").click()
    page.get_by_label("Message").fill("Refund reference R-1029 at the bank.")
    page.get_by_role("button", name="Add note").click()
    expect(timeline.locator(".message-note")).to_contain_text("Refund reference R-1029")
    assert list(ticket.messages.values_list("kind", flat=True)) == ["customer", "reply", "note"]
    screenshot("ticket")


def test_an_empty_reply_shows_the_error_inline(opened, ticket):
    page = opened
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator("#composer-errors")).to_have_text("Write a message before sending.")
    assert ticket.messages.count() == 1


def test_alice_uses_a_canned_reply(opened, ticket):
    Macro.objects.create(
        name="Refund on its way",
        body="Dear {{ customer.first_name }},\n\nyour refund for {{ ticket.reference }} is on its way.\n\n{{ agent.name }}",
    )
    page = opened
    page.reload()
    page.get_by_label("Insert a canned reply").select_option(label="Refund on its way")
    expect(page.get_by_label("Message")).to_have_value(
        f"Dear Mrs Miggins,\n\nyour refund for {ticket.reference} is on its way.\n\nAlice Archer"
    )
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator("#timeline .message-reply")).to_contain_text("your refund for")


def test_alice_changes_status_priority_and_tags(opened, ticket):
    page = opened
    page.locator("#prop-status").select_option("pending_customer")
    expect(page.locator("#ticket-header")).to_contain_text("Pending customer")
    expect(page.locator("#timeline")).to_contain_text(
        "Alice Archer changed the status from Open to Pending customer"
    )
    # The panel the server sent back marks what it saved (a person's choice does not move `selected`).
    expect(page.locator("#prop-status option[selected]")).to_have_attribute("value", "pending_customer")
    _htmx_settled(page)

    page.locator("#prop-priority").select_option(label="Urgent")
    expect(page.locator("#ticket-header")).to_contain_text("Urgent priority")
    expect(page.locator("#prop-priority option[selected]")).to_have_attribute("value", "4")
    _htmx_settled(page)

    page.locator("#prop-tags").fill("Refund, VIP")
    page.locator("#prop-tags").press("Enter")
    expect(page.locator("#timeline")).to_contain_text("Alice Archer set the tags to refund, vip")
    expect(page.locator("#prop-tags")).to_have_value("refund, vip")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority) == ("pending_customer", Ticket.Priority.URGENT)


def test_alice_transfers_the_ticket_to_bob(bob, opened, ticket, screenshot):
    page = opened
    page.get_by_role("button", name="Transfer").first.click()
    dialog = page.locator("#transfer-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("New owner").select_option(label="Bob Baker")
    dialog.get_by_label("Reason").fill("Bob handles refunds over £50")
    dialog.get_by_label("Hand-over note").fill("Bank confirmed the double capture; refund not started yet.")
    _settled(page, "#transfer-dialog")
    screenshot("ticket-transfer-dialog")
    dialog.get_by_role("button", name="Transfer ticket").click()
    _closed(page, dialog)
    expect(page.locator("#ticket-header")).to_contain_text("Owner: Bob Baker")
    expect(page.locator("#timeline")).to_contain_text(
        "Alice Archer transferred from Billing/Alice Archer to Billing/Bob Baker: reason 'Bob handles refunds over £50'"
    )
    assert ticket.events.get(kind=Event.Kind.TRANSFERRED).data["to_owner"] == bob.pk


def test_a_long_conversation_unfolds_its_earlier_messages(page, login, alice, miggins, ticket, screenshot):
    for number in range(1, 31):
        if number % 2:
            services.customer_reply(ticket, customer=miggins, body=f"Customer message {number}")
        else:
            services.reply(ticket, by=alice, body=f"Agent answer {number}")
    login(page, alice)
    page.goto(ticket.get_absolute_url())
    messages = page.locator("#timeline article.message")
    expect(messages).to_have_count(21)
    expect(page.locator("#timeline")).not_to_contain_text("Customer message 5")
    screenshot("ticket-long-folded")
    page.get_by_role("link", name="Show 10 earlier messages").click()
    expect(messages).to_have_count(31)
    expect(page.locator("#timeline")).to_contain_text("Customer message 5")


def test_the_transfer_dialog_offers_the_agents_of_the_team_picked(deliveries, charlie, opened):
    page = opened
    page.keyboard.press("t")
    dialog = page.locator("#transfer-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("New team").select_option(label="Deliveries")
    expect(dialog.get_by_label("New owner").locator("option")).to_have_text(
        ["The team's queue", "Charlie Cole"]
    )


def test_alice_merges_a_duplicate_ticket(
    page, login, alice, ticket, ticket_factory, miggins, billing, screenshot
):
    duplicate = ticket_factory.create(
        customer=miggins,
        team=billing,
        subject="Charged twice AGAIN",
        body="Sorry, writing again: I was charged twice.",
    )
    login(page, alice)
    page.goto(duplicate.get_absolute_url())
    page.get_by_role("button", name="Merge").first.click()
    dialog = page.locator("#merge-dialog")
    dialog.get_by_label("Merge into ticket number").fill(str(ticket.pk))
    dialog.get_by_role("button", name="Merge tickets").click()
    _closed(page, dialog)
    expect(page.locator("#ticket-header")).to_contain_text(f"This ticket was merged into {ticket.reference}")
    expect(page.locator("#composer")).to_contain_text("Replies go on")
    screenshot("ticket-after-merge")
    page.locator("#ticket-header").get_by_role("link", name=ticket.reference).click()
    expect(page.locator("#timeline")).to_contain_text(f"Alice Archer merged #{duplicate.pk} into this ticket")
    expect(page.locator("#timeline")).to_contain_text("Sorry, writing again")


def test_merging_into_a_ticket_alice_cannot_see_shows_the_error(opened, ticket):
    page = opened
    page.keyboard.press("m")
    dialog = page.locator("#merge-dialog")
    dialog.get_by_label("Merge into ticket number").fill("999999")
    dialog.get_by_role("button", name="Merge tickets").click()
    expect(dialog).to_contain_text("There is no ticket #999999 that you can work on.")
    ticket.refresh_from_db()
    assert ticket.merged_into is None


def test_alice_sees_that_bob_is_also_viewing(page, login, alice, bob, ticket):
    presence.record(ticket, bob)
    login(page, alice)
    page.goto(ticket.get_absolute_url())
    expect(page.locator("#presence")).to_have_text(
        re.compile(r"^\s*Bob Baker is also viewing this ticket\s*$")
    )


def test_alice_sees_that_bob_is_typing(page, login, alice, bob, ticket):
    presence.record(ticket, bob, typing=True)
    login(page, alice)
    page.goto(ticket.get_absolute_url())
    expect(page.locator("#presence")).to_contain_text("Bob Baker is typing a reply…")


def test_keyboard_shortcuts(opened, ticket, screenshot):
    page = opened
    page.keyboard.press("?")
    expect(page.locator("#shortcuts-dialog")).to_be_focused()  # shown, and ready for Escape
    page.keyboard.press("Escape")
    expect(page.locator("#shortcuts-dialog")).to_be_hidden()

    page.keyboard.press("n")
    expect(page.get_by_label("Message")).to_be_focused()
    expect(page.locator("#kind-note")).to_be_checked()
    page.keyboard.type("Noted via keyboard: r and n are plain letters here")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#timeline .message-note")).to_contain_text("Noted via keyboard")
    assert (
        ticket.messages.get(kind=Message.Kind.NOTE).body_text
        == "Noted via keyboard: r and n are plain letters here"
    )

    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("r")
    expect(page.locator("#kind-reply")).to_be_checked()
    expect(page.get_by_label("Message")).to_be_focused()

    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("e")
    expect(page.locator("#prop-status")).to_be_focused()

    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("g")
    page.keyboard.press("q")
    expect(page).to_have_url(re.compile(r"/tickets/$"))


def test_sales_read_the_ticket_without_controls(
    page, login, sam, ticket_factory, parker, deliveries, charlie
):
    ticket = ticket_factory.create(
        customer=parker, team=deliveries, owner=charlie, subject="Parcel left in the rain"
    )
    login(page, sam)
    page.goto(ticket.get_absolute_url())
    expect(page.locator("#ticket-header")).to_contain_text("Parcel left in the rain")
    expect(page.locator("#ticket-properties")).to_contain_text("Read only")
    expect(page.locator("#composer-form")).to_have_count(0)
    expect(page.get_by_role("button", name="Transfer")).to_have_count(0)


def test_the_customer_page(page, login, alice, ticket, ticket_factory, miggins, billing, screenshot):
    from caredesk.customers.models import Organisation

    miggins.organisation = Organisation.objects.create(name="Miggins Pies Ltd", domain="miggins.example")
    miggins.phone = "+44 20 7946 0018"
    miggins.save()
    older = ticket_factory.create(customer=miggins, team=billing, subject="Pie delivered cold")
    services.change_status(older, status=Ticket.Status.SOLVED, by=alice)
    login(page, alice)
    page.goto(ticket.get_absolute_url())
    page.locator("#customer-sidebar").get_by_role("link", name="Customer page").click()
    expect(page.get_by_role("heading", name="Mrs Miggins")).to_be_visible()
    expect(page.locator("table")).to_contain_text("Pie delivered cold")
    expect(page.locator("table")).to_contain_text("Charged twice for my groceries")
    screenshot("customer-page")


def test_a_busy_ticket_reads_well(page, login, alice, bob, lena, ticket, miggins, screenshot):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from caredesk.conversations.models import CustomField

    CustomField.objects.create(key="order", label="Order number", kind=CustomField.Kind.NUMBER, position=1)
    CustomField.objects.create(
        key="channel", label="Paid with", kind=CustomField.Kind.CHOICE, choices=["Card", "PayPal"], position=2
    )
    services.customer_reply(
        ticket,
        customer=miggins,
        body="Here is my statement.",
        files=[SimpleUploadedFile("statement.pdf", b"%PDF-1.4")],
    )
    services.add_note(ticket, by=alice, body="Two captures of £35.20 on 3 March. Refund needs Bob.")
    services.transfer(
        ticket, to_owner=bob, by=alice, reason="Bob handles refunds", note="Card payment, captured twice"
    )
    services.transfer(ticket, to_owner=lena, by=bob, reason="Needs a lead's approval over £30")
    services.transfer(ticket, to_owner=alice, by=lena, reason="Approved; back to the first owner")
    services.reply(
        ticket,
        by=alice,
        body="Dear Mrs Miggins,\n\nwe have refunded the second charge of £35.20.",
        status="pending_customer",
    )
    services.change_priority(ticket, priority=Ticket.Priority.HIGH, by=alice)
    services.set_tags(ticket, tags=["refund", "double-charge"], by=alice)
    services.set_fields(ticket, values={"order": "10234", "channel": "Card"}, by=alice)
    presence.record(ticket, bob, typing=True)
    login(page, alice)
    page.goto(ticket.get_absolute_url())
    expect(page.locator("#ticket-header")).to_contain_text("Handed on 3 times.")
    expect(page.locator("#presence")).to_contain_text("Bob Baker is typing a reply…")
    expect(page.get_by_label("Order number")).to_have_value("10234")
    expect(page.locator("#timeline").get_by_role("link", name="statement.pdf")).to_be_visible()
    screenshot("ticket-busy")


def test_alice_sees_bob_typing_in_his_own_browser(browser, live_server, page, login, alice, bob, ticket):
    bobs = browser.new_context(viewport={"width": 1366, "height": 900}, base_url=live_server.url)
    try:
        bobs_page = bobs.new_page()
        login(bobs_page, bob)
        bobs_page.goto(ticket.get_absolute_url())
        login(page, alice)
        page.goto(ticket.get_absolute_url())
        expect(page.locator("#presence")).to_contain_text("Bob Baker is also viewing this ticket")
        bobs_page.get_by_label("Message").press_sequentially("Hello Mrs Miggins")
        # The page asks every 5 seconds; the typing ping is already recorded when bob types.
        expect(page.locator("#presence")).to_contain_text("Bob Baker is typing a reply…", timeout=12_000)
        expect(bobs_page.locator("#presence")).to_contain_text("Alice Archer is also viewing this ticket")
    finally:
        bobs.close()
