"""The Settings menu in the top bar reaches every settings page and report of the service commitments,
each as far as the person's role allows."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    ("Service targets", "/service-levels/"),
    ("Business calendars", "/calendars/"),
    ("Routing", "/assignment/"),
    ("Escalation ladders", "/escalations/ladders/"),
    ("Automations", "/automations/"),
    ("Hand-offs", "/tickets/handoffs/"),
]


def _menu(page):
    page.get_by_role("button", name="Settings").click()
    return page.locator(".dropdown-menu.show")


def test_ada_reaches_every_settings_page_from_the_menu(page, login, ada, screenshot):
    login(page, ada)
    page.goto("/tickets/")
    _menu(page)
    screenshot("settings-menu")
    for name, path in PAGES:
        page.goto("/tickets/")
        _menu(page).get_by_role("link", name=name).click()
        expect(page).to_have_url(f"{page.url.split('/', 3)[0]}//{page.url.split('/', 3)[2]}{path}")
        expect(page.locator("main h1, main h2").first).to_be_visible()
    page.goto("/tickets/")
    expect(_menu(page).get_by_role("link", name="Users, teams, email and templates")).to_be_visible()


def test_alice_sees_only_the_pages_an_agent_may_read(page, login, alice):
    login(page, alice)
    page.goto("/tickets/")
    menu = _menu(page)
    for name in ("Service targets", "Business calendars", "Routing"):
        expect(menu.get_by_role("link", name=name)).to_be_visible()
    for name in ("Escalation ladders", "Automations", "Hand-offs", "Users, teams, email and templates"):
        expect(menu.get_by_role("link", name=name)).to_have_count(0)
