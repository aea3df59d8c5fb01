"""Promises in a real browser: recorded from the composer as the reply is written, kept from the sidebar,
and seen by the customer in the portal."""

import pytest
from playwright.sync_api import expect

from caredesk.conversations.models import Event
from caredesk.promises.models import Promise

pytestmark = pytest.mark.django_db(transaction=True)


def _htmx_settled(page) -> None:
    page.wait_for_function("!document.querySelector('.htmx-swapping, .htmx-settling, .htmx-added, .htmx-request')")


def test_recording_a_promise_from_the_composer(page, login, alice, ticket, screenshot):
    login(page, alice)
    page.goto(ticket.get_absolute_url())
    page.get_by_label("Message").fill(
        "Hello Mrs Miggins,\n\nI'm sorry you were charged twice. I'll call you back on Tuesday before noon "
        "with the refund reference.\n\nAlice"
    )
    suggestion = page.locator(".promise-suggestion")
    expect(suggestion).to_contain_text("Record this promise?")
    expect(suggestion.locator(".promise-what")).to_have_text("‘Call you back with the refund reference’")
    _htmx_settled(page)
    screenshot("promise-offered")

    suggestion.get_by_text("edit due").click()
    due = suggestion.get_by_label("Due (Europe/London)")
    expect(due).to_have_value(due.input_value())  # the parsed due, editable
    assert due.input_value().endswith("T12:00")
    suggestion.get_by_role("button", name="Record").click()
    expect(suggestion).to_contain_text("Promise recorded: ‘Call you back with the refund reference’")
    sidebar = page.locator("#promises")
    expect(sidebar).to_contain_text("Call you back with the refund reference")
    expect(sidebar).to_contain_text("Alice Archer")
    _htmx_settled(page)
    screenshot("promise-recorded")

    promise = Promise.objects.get()
    assert (promise.source, promise.owner, promise.due_at.hour) == ("detected", alice, 12)

    page.get_by_role("button", name="Send reply").click()
    expect(page.locator("#timeline .message-reply")).to_contain_text("I'll call you back on Tuesday")
    promise.refresh_from_db()
    assert promise.message == ticket.messages.get(kind="reply")

    _htmx_settled(page)
    page.locator("#promises").get_by_role("button", name="Kept").click()
    expect(page.locator("#promises .badge")).to_have_text("Kept")
    assert ticket.events.filter(kind=Event.Kind.PROMISE_KEPT).count() == 1
    screenshot("promise-kept")


def test_an_unparseable_due_time_in_the_sidebar_form_shows_the_error(page, login, alice, ticket, screenshot):
    login(page, alice)
    page.goto(ticket.get_absolute_url())
    sidebar = page.locator("#promises")
    sidebar.get_by_text("Add a promise").click()
    sidebar.get_by_label("What was promised").fill("Post the refund cheque")
    sidebar.get_by_label("Due").fill("when pigs fly")
    sidebar.get_by_role("button", name="Record promise").click()
    expect(page.locator("#promise-errors")).to_contain_text("Could not read “when pigs fly” as a date and time.")
    _htmx_settled(page)
    screenshot("promise-bad-date")
    assert not Promise.objects.exists()

    page.locator("#promises").get_by_label("Due").fill("within 5 working days")
    page.locator("#promises").get_by_role("button", name="Record promise").click()
    expect(page.locator("#promises .promise")).to_contain_text("Post the refund cheque")
    assert Promise.objects.get().what == "Post the refund cheque"


def test_the_customer_sees_the_promise_in_the_portal(page, login, alice, miggins, ticket, screenshot):
    from datetime import timedelta

    from caredesk.promises import services
    from caredesk.system import clock

    services.make_promise(ticket, what="Refund the second charge", due=clock.now() + timedelta(days=2), owner=alice, by=alice)
    login(page, miggins.user)
    page.goto(f"/portal/tickets/{ticket.pk}/")
    expect(page.get_by_text("What we promised you")).to_be_visible()
    expect(page.locator(".promises")).to_contain_text("Refund the second charge")
    screenshot("promise-portal")
