"""Coaching in a real browser: a lead reviews a conversation from the ticket page and marks a reply for
the library; the reviews list, the library search and the agent's coaching page."""

from datetime import date

import pytest
from playwright.sync_api import expect

from caredesk.coaching import services
from caredesk.coaching.models import Rating, Review, SampleItem, TrainingExample
from caredesk.conversations import services as desk

pytestmark = pytest.mark.django_db(transaction=True)


def _htmx_settled(page) -> None:
    page.wait_for_function("!document.querySelector('.htmx-swapping, .htmx-settling, .htmx-added, .htmx-request')")


def test_lena_reviews_alices_conversation_and_marks_her_reply(page, login, ticket, reply, alice, lena, screenshot):
    login(page, lena)
    page.goto(ticket.get_absolute_url())
    page.locator("#ticket-coaching").get_by_role("link", name="Review").click()
    expect(page.get_by_role("heading", name=f"Review #{ticket.pk} Charged twice for my groceries")).to_be_visible()

    # Saving with a behaviour left unrated shows the error and keeps the rest.
    page.get_by_role("radiogroup", name="Warm").get_by_label("Yes").check()
    page.get_by_role("button", name="Save review").click()
    expect(page.get_by_text("Rate “Empathy”.")).to_be_visible()
    assert not Review.objects.exists()

    for behaviour, answer in [("Warm", "Yes"), ("Interested", "Yes"), ("Willing", "Yes"), ("Positive language", "Partly"),
                              ("Empathy", "Partly"), ("Polite requests", "Not applicable")]:
        page.get_by_role("radiogroup", name=behaviour).get_by_label(answer, exact=True).check()
    page.get_by_role("radiogroup", name="Resolution").get_by_label("Resolved right").check()
    page.get_by_role("radiogroup", name="Information correct").get_by_label("Yes").check()
    page.get_by_label("Comment").fill("The refund in the same reply is exactly right. Say sorry in your own words.")

    reply_card = page.locator(f"#message-{reply.pk}")
    reply_card.get_by_role("button", name="Mark as training example").click()
    reply_card.get_by_label("Situations").fill("refund, double charge")
    reply_card.get_by_label("Why it is good").fill("Owns the refund and says when the money arrives.")
    _htmx_settled(page)
    screenshot("coaching-scorecard")
    reply_card.get_by_role("button", name="Save example").click()
    expect(reply_card.locator(".training-example")).to_contain_text("Training example")
    expect(reply_card.locator(".training-example")).to_contain_text("double charge")
    assert TrainingExample.objects.get().message == reply

    page.get_by_role("button", name="Save review").click()
    expect(page.get_by_role("heading", name="Review of Alice Archer")).to_be_visible()
    expect(page.locator("#scorecard")).to_contain_text("Not applicable")
    review = Review.objects.get()
    assert (review.warm, review.positive, review.polite, review.resolution) == (Rating.YES, Rating.PARTLY, None, "resolved")
    screenshot("coaching-review")

    # On a second look Lena corrects one answer: the form comes back filled in.
    page.get_by_role("link", name="Correct this review").click()
    expect(page.get_by_role("heading", name=f"Correct the review of #{ticket.pk} Charged twice for my groceries")).to_be_visible()
    expect(page.get_by_role("radiogroup", name="Positive language").get_by_label("Partly", exact=True)).to_be_checked()
    expect(page.get_by_label("Comment")).to_have_value("The refund in the same reply is exactly right. Say sorry in your own words.")
    page.get_by_role("radiogroup", name="Positive language").get_by_label("Yes", exact=True).check()
    screenshot("coaching-review-correct")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.get_by_text("Review corrected.")).to_be_visible()
    expect(page.get_by_text("corrected on")).to_be_visible()
    review.refresh_from_db()
    assert (review.positive, Review.objects.count()) == (Rating.YES, 1)


def test_the_reviews_list_shows_what_waits_and_what_is_done(page, login, ticket_factory, miggins, billing, alice, bob, lena, make_review, screenshot):
    for agent in (alice, bob):
        for n in range(2):
            waiting = ticket_factory.create(customer=miggins, team=billing, owner=agent, by=agent, subject=f"Refund for order {n} of {agent.first_name}")
            SampleItem.objects.create(team=billing, week=date(2026, 11, 16), agent=agent, ticket=waiting)
    done = ticket_factory.create(customer=miggins, team=billing, owner=alice, by=alice, subject="Missing yoghurts")
    make_review(done, alice, comment="Kind and clear; next time offer the redelivery slot straight away.")
    login(page, lena)
    page.get_by_role("link", name="Coaching").click()
    expect(page.locator("#to-review tbody tr")).to_have_count(4)
    expect(page.locator("#reviews-done")).to_contain_text("Missing yoghurts")
    settings = page.locator(f"#settings-{billing.pk}")
    settings.get_by_label("Tickets per agent").fill("3")
    settings.get_by_role("button", name="Save").click()
    expect(page.locator(f"#settings-{billing.pk}")).to_contain_text("Saved")
    assert services.settings_of(billing).sample_per_agent == 3
    _htmx_settled(page)
    screenshot("coaching-reviews")


def test_searching_the_training_library(page, login, ticket_factory, miggins, billing, deliveries, alice, charlie, lena, ada, screenshot):
    bodies = [
        (billing, alice, "Hello Mrs Miggins, I'm sorry you were charged twice. I've refunded the duplicate £42.10 today.", "refund, double charge",
         "Owns it and gives the amount and the day."),
        (deliveries, charlie, "What a worry with the party tomorrow! I've booked the first van, it will be with you by 8am.", "late delivery",
         "Empathy that fits, and a concrete time."),
        (deliveries, charlie, "I can hear how frustrating three missed slots must be. I've called the depot myself and your driver rings at 9.",
         "late delivery, angry customer", "Names the feeling; no stock apology."),
    ]
    for team, agent, body, tags, note in bodies:
        ticket = ticket_factory.create(customer=miggins, team=team, owner=agent, by=agent)
        services.mark_example(desk.reply(ticket, by=agent, body=body), by=ada, note=note, tags=tags)
    login(page, alice)
    page.goto("/coaching/library/")
    expect(page.locator(".library-example")).to_have_count(3)
    page.get_by_label("Search the library").fill("depot")
    expect(page.locator(".library-example")).to_have_count(1)
    expect(page.locator(".library-example")).to_contain_text("frustrating three missed slots")
    page.get_by_label("Search the library").fill("")
    page.get_by_label("Situation").select_option("late delivery")
    expect(page.locator(".library-example")).to_have_count(2)
    _htmx_settled(page)
    assert "tag=late%20delivery" in page.url
    screenshot("coaching-library")


def test_alice_reads_her_coaching_page(page, login, ticket_factory, miggins, billing, alice, bob, lena, make_review, screenshot):
    for n, (warm, empathy, comment) in enumerate([
        (Rating.YES, Rating.NO, "Lovely greeting; acknowledge the worry about the birthday next time."),
        (Rating.YES, Rating.PARTLY, "Warm and willing. 'Sorry for any inconvenience' is stock: say what you heard."),
        (Rating.PARTLY, Rating.NO, ""),
    ]):
        ticket = ticket_factory.create(customer=miggins, team=billing, owner=alice, by=alice, subject=f"Late delivery {n + 1}")
        message = desk.reply(ticket, by=alice, body="Hello Mrs Miggins! I've booked a redelivery for tomorrow morning.")
        make_review(ticket, alice, warm=warm, empathy=empathy, comment=comment)
    services.mark_example(message, by=lena, note="Friendly and concrete.", tags="late delivery")
    theirs = ticket_factory.create(customer=miggins, team=billing, owner=bob, by=bob)
    desk.reply(theirs, by=bob, body="Refunded.")
    make_review(theirs, bob, warm=Rating.NO, empathy=Rating.YES)

    login(page, alice)
    page.get_by_role("link", name="Coaching").click()
    expect(page.get_by_role("heading", name="Coaching: Alice Archer")).to_be_visible()
    expect(page.locator('#behaviour-averages tr[data-behaviour="warm"]')).to_contain_text("83%")
    expect(page.locator('#behaviour-averages tr[data-behaviour="warm"]')).to_contain_text("62%")  # the team's
    expect(page.locator("#strengths-title")).to_be_visible()
    expect(page.get_by_role("region", name="To work on")).to_contain_text("Empathy")
    expect(page.get_by_role("region", name="Recent review comments")).to_contain_text("Sorry for any inconvenience")
    expect(page.get_by_role("region", name="Replies in the training library")).to_contain_text("Friendly and concrete.")
    screenshot("coaching-page")
    page.goto(f"/coaching/agents/{bob.pk}/")
    expect(page.get_by_role("heading", name="Not Found")).to_be_visible()
