"""A browser test and the live server write to the test database at the same time.

On SQLite the test database is a file (settings_test), so the live server's threads open their own
connections. With the in-memory database Django handed them the test's own connection: a test that wrote
while an open page polled failed now and then ("SQL statements in progress", "database table is locked"),
and this one failed every time.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from caredesk.conversations import services
from caredesk.conversations.models import Message

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

# Posts to the presence URL, as the ticket page's poll does, one after another until told to stop,
# and keeps every answer's status.
POLL = """url => {
    const token = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
    window.polls = {statuses: [], running: true};
    window.polls.done = (async () => {
        while (window.polls.running) {
            try {
                const headers = {"X-CSRFToken": token, "HX-Request": "true"};
                const answer = await fetch(url, {method: "POST", headers});
                window.polls.statuses.push(answer.status);
            } catch (error) {
                window.polls.statuses.push(String(error));
            }
        }
    })();
}"""
POLLS = 30


def test_the_test_writes_while_the_open_ticket_page_polls(page, login, alice, bob, ticket):
    login(page, alice)
    page.goto(ticket.get_absolute_url())
    expect(page.locator("#presence")).to_be_attached()
    page.evaluate(POLL, reverse("conversations:presence", args=[ticket.pk]))

    notes = 0  # at most 2000, should the polls stop
    while page.evaluate("window.polls.statuses.length") < POLLS and notes < 2000:
        services.add_note(ticket, by=bob, body=f"Checked the bank statement, step {notes}.")
        notes += 1

    statuses = page.evaluate(
        "async () => { window.polls.running = false; await window.polls.done; return window.polls.statuses; }"
    )
    assert (ticket.messages.filter(kind=Message.Kind.NOTE).count(), set(statuses)) == (notes, {200})
    assert len(statuses) >= POLLS  # the page polled all along the writes
