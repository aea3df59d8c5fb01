"""The composer's quality panel in a real browser: it fills in while the agent types a public reply,
changes as the wording improves, and the sent reply keeps its scores on the timeline."""

import pytest
from playwright.sync_api import expect

from caredesk.quality.models import ReplyScore

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def _htmx_settled(page) -> None:
    page.wait_for_function("!document.querySelector('.htmx-swapping, .htmx-settling, .htmx-added, .htmx-request')")


def test_the_panel_scores_the_reply_while_the_agent_types(page, login, alice, ticket, screenshot):
    login(page, alice)
    page.goto(ticket.get_absolute_url())
    _htmx_settled(page)
    body = page.get_by_label("Message")
    body.press_sequentially("You must send us the bank statement.", delay=5)
    panel = page.locator("#quality-live")
    polite = panel.locator('[data-behaviour="polite"]')
    expect(polite).to_contain_text("Instead of 'you must send', try 'could you please send'.")
    expect(polite.locator("mark")).to_contain_text(["You must"])
    expect(panel.locator('[data-behaviour="warm"] .progress-bar')).to_have_class("progress-bar bg-warning")
    _htmx_settled(page)
    screenshot("quality-composer-cold")

    body.fill("")
    body.press_sequentially(
        "Hi Mrs Miggins, I'm so sorry you were charged twice, that's really annoying. I've refunded the second "
        "payment today. Could you please check your card on Friday?\n\nBest wishes,\nAlice",
        delay=2,
    )
    expect(polite).not_to_contain_text("you must send")
    expect(panel.locator('[data-behaviour="warm"] .progress-bar')).to_have_class("progress-bar bg-success")
    expect(panel.locator('[data-behaviour="empathy"] mark').first).to_be_visible()
    _htmx_settled(page)
    screenshot("quality-composer-warm")

    page.locator("label[for=kind-note]").click()
    expect(page.locator("#quality-check")).to_be_hidden()
    page.locator("label[for=kind-reply]").click()
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator("#timeline .message-reply")).to_contain_text("I've refunded the second payment")
    assert ReplyScore.objects.filter(message__kind="reply").count() == 1

    page.reload()
    scores = page.locator("#timeline .message-reply .reply-quality")
    expect(scores).to_contain_text("Reply quality")
    expect(scores).to_contain_text("Warm")
    scores.locator("summary").click()
    _htmx_settled(page)
    screenshot("quality-timeline-scores")
