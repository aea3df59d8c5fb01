"""Kudos in a real browser: a customer's thanks reaching the wall, a person's page, and logging a
compliment received on the phone."""

import pytest
from playwright.sync_api import expect

from caredesk.conversations import services as desk
from caredesk.kudos.models import Kudos

from .factories import logged

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_lena_reads_her_teams_wall(page, login, ticket, alice, bob, lena, miggins, screenshot):
    desk.reply(ticket, by=alice, body="I've refunded the second charge today.")
    desk.customer_reply(ticket, customer=miggins, body="Alice was brilliant, thank you so much for sorting it so fast!")
    logged(bob, by=lena, text="Mr Okafor rang to say Bob talked him through the new bill so patiently.")
    login(page, lena)
    page.goto("/kudos/")
    expect(page.get_by_role("heading", name="Kudos wall: Billing")).to_be_visible()
    wall = page.locator("#kudos-wall")
    expect(wall.locator("li")).to_have_count(2)
    expect(wall.locator("li").first).to_contain_text("Bob talked him through the new bill")
    expect(wall).to_contain_text("Alice was brilliant, thank you so much")
    expect(page.locator("#kudos-top")).to_contain_text("Alice Archer")
    screenshot("kudos-wall")


def test_alice_opens_her_own_page_from_the_wall(page, login, ticket, alice, lena, miggins, screenshot):
    desk.customer_reply(ticket, customer=miggins, body="Alice was a star on the phone, thank you.")
    logged(alice, by=lena, text="Said at the counter that Alice is always so kind.")
    login(page, alice)
    page.goto("/kudos/")
    expect(page.locator("#my-kudos")).to_have_text("You: 2 compliments")
    page.locator("#my-kudos").click()
    expect(page.get_by_role("heading", name="Your compliments")).to_be_visible()
    expect(page.locator("#kudos-count")).to_have_text("2 compliments")
    expect(page.locator("#kudos-list")).to_contain_text("Alice was a star on the phone")
    screenshot("kudos-person")


def test_bob_logs_a_compliment_from_a_phone_call(page, login, ticket, alice, bob, lena, screenshot):
    login(page, bob)
    page.goto("/kudos/")
    page.get_by_role("link", name="Log a compliment").click()
    page.get_by_label("Who was praised").select_option(label="Alice Archer")
    page.get_by_label("What was said").fill("Mrs Miggins rang: Alice sorted her double charge and was lovely about it.")
    page.get_by_label("Channel").select_option(label="Phone")
    page.get_by_label("Ticket reference (optional)").fill(f"#{ticket.pk}")
    screenshot("kudos-log-form")
    page.get_by_role("button", name="Log compliment").click()
    expect(page.get_by_text("Compliment logged for Alice Archer.")).to_be_visible()
    expect(page.locator("#kudos-wall")).to_contain_text("Alice sorted her double charge")
    expect(page.locator("#kudos-wall")).to_contain_text("logged by Bob Baker")
    kudos = Kudos.objects.get()
    assert (kudos.person, kudos.logged_by, kudos.ticket_id) == (alice, bob, ticket.pk)


def test_an_empty_compliment_is_refused_on_the_form(page, login, alice, bob, screenshot):
    login(page, bob)
    page.goto("/kudos/log/")
    page.get_by_label("Who was praised").select_option(label="Alice Archer")
    page.get_by_role("button", name="Log compliment").click()
    expect(page.get_by_text("Write what was said; the wall shows the customer's words.")).to_be_visible()
    screenshot("kudos-log-form-error")
    assert not Kudos.objects.exists()


def test_the_ticket_marks_the_praising_message(page, login, ticket, alice, miggins, screenshot):
    desk.customer_reply(ticket, customer=miggins, body="Alice was brilliant, thank you!")
    login(page, alice)
    page.goto(ticket.get_absolute_url())
    expect(page.locator(".kudos-mark")).to_have_count(1)
    expect(page.locator(".kudos-mark")).to_have_text("Compliment")
