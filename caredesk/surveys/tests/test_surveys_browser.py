"""Surveys in a real browser: the answer page after a click in the email, the portal survey, the
response rates and the follow-ups."""

import pytest
from playwright.sync_api import expect

from caredesk.surveys import links, services
from caredesk.surveys.models import FollowUp

from .factories import sent

pytestmark = pytest.mark.django_db(transaction=True)


def _htmx_settled(page) -> None:
    page.wait_for_function("!document.querySelector('.htmx-swapping, .htmx-settling, .htmx-added, .htmx-request')")


def test_the_customer_clicks_a_score_in_the_email_and_adds_a_comment(page, live_server, ticket, alice, screenshot):
    (survey,) = sent(ticket, by=alice, csat_scale="1-5")
    page.goto(f"{live_server.url}{links.answer_url(survey, 4)}")
    expect(page.locator("#survey-thanks")).to_contain_text("Thank you! We recorded your answer: 4/5.")
    expect(page.get_by_label("4")).to_be_checked()
    _htmx_settled(page)
    screenshot("survey-answer-after-click")
    survey.refresh_from_db()
    assert survey.score == 4

    page.locator("label[for=answer-score-5]").click()
    page.get_by_label("Anything you would like to add?").fill("Alice sorted the double charge the same day.")
    page.get_by_role("button", name="Save my answer").click()
    expect(page.locator("#survey-thanks")).to_contain_text("5/5")
    expect(page.locator("#survey-thanks")).to_contain_text("Your comment is saved too.")
    _htmx_settled(page)
    screenshot("survey-answer-changed")
    survey.refresh_from_db()
    assert (survey.score, survey.comment) == (5, "Alice sorted the double charge the same day.")


def test_the_customer_answers_in_the_portal(page, login, ticket, alice, miggins, screenshot):
    (survey,) = sent(ticket, by=alice)
    login(page, miggins.user)
    page.goto(f"/portal/tickets/{ticket.pk}/")
    box = page.locator("#portal-surveys")
    expect(box).to_contain_text("How did we do?")
    box.get_by_text("Good").click()
    box.get_by_label("Anything you would like to add?").fill("Thank you for the quick refund")
    box.get_by_role("button", name="Send my answer").click()
    expect(page.locator("#portal-surveys")).to_contain_text("Thank you, your answer is saved.")
    _htmx_settled(page)
    screenshot("survey-portal")
    survey.refresh_from_db()
    assert (survey.score, survey.comment) == (1, "Thank you for the quick refund")


def test_the_lead_reads_the_rates_and_handles_a_follow_up(page, login, ticket_factory, miggins, billing, alice, lena, screenshot):
    comments = ["Quick and kind, thank you", "", "Nobody told me the refund takes ten days", "", "Lovely"]
    for n, score in enumerate((5, 4, 1, 5, 4, None, None)):
        t = ticket_factory.create(customer=miggins, team=billing, owner=alice, by=alice, subject=f"Order {4410 + n} question")
        csat, nps = sent(t, by=alice, csat_scale="1-5", nps=True)
        if score is not None:
            services.answer(csat, score=score, comment=comments[n])
            services.answer(nps, score={5: 10, 4: 8, 1: 3}[score])
    login(page, lena)
    page.goto("/surveys/")
    expect(page.locator(".survey-figures[data-kind=csat] .figure-rate")).to_have_text("71%")
    expect(page.locator("#follow-ups-count")).to_have_text("2")
    screenshot("survey-rates")

    page.goto("/surveys/follow-ups/")
    row = page.locator(".follow-up").filter(has_text="Nobody told me the refund takes ten days")
    expect(row).to_be_visible()
    screenshot("survey-follow-ups")
    row.get_by_label("What was done").fill("Called her and explained the refund timeline")
    row.get_by_role("button", name="Mark handled").click()
    expect(page.locator(".follow-up").filter(has_text="Nobody told me")).to_contain_text("Handled by Lena Lead")
    _htmx_settled(page)
    screenshot("survey-follow-up-handled")
    assert FollowUp.objects.filter(state="handled").count() == 1


def test_the_admin_sets_up_surveys_for_a_team(page, login, ada, billing, screenshot):
    login(page, ada)
    page.goto("/surveys/settings/")
    page.get_by_role("link", name="Billing").click()
    page.get_by_label("Ask for recommendation (NPS, 0 to 10)").check()
    page.get_by_label("Delay after solving (hours)").fill("4")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("link", name="Billing")).to_contain_text("own")
    screenshot("survey-settings")
    assert services.settings_for(billing).delay_hours == 4
