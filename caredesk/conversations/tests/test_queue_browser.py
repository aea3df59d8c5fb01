import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from caredesk.conversations import queries, services
from caredesk.conversations.models import SavedView, Ticket
from caredesk.customers.services import customer_for_email
from caredesk.system import clock

pytestmark = pytest.mark.django_db(transaction=True)

# (customer, subject, team, owner, priority, tags, channel)
CASES = [
    ("Mrs Miggins", "Charged twice for my groceries", "billing", "alice", 3, ["refund"], "email"),
    ("Peter Parker", "Parcel left in the rain", "deliveries", "charlie", 2, [], "web"),
    ("Ana Lima", "Refund not received", "billing", None, 4, ["refund", "vip"], "email"),
    ("Tom Reyes", "Wrong item delivered", "deliveries", None, 2, [], "phone"),
    ("Grace Hall", "Card declined at checkout", "billing", "bob", 2, ["card"], "web"),
    ("Omar Said", "Delivery slot missed", "deliveries", None, 3, [], "portal"),
    ("Lucy Fern", "Invoice for my company", "billing", None, 1, ["invoice"], "email"),
    ("Ravi Patel", "Damaged eggs", "deliveries", "charlie", 2, ["damaged"], "web"),
    ("Mia Wong", "Subscription paused by mistake", "billing", "alice", 2, [], "email"),
    ("Jon Berg", "Voucher did not apply", "billing", None, 2, ["voucher"], "web"),
    ("Eva Stone", "Driver was rude", "deliveries", None, 3, ["complaint"], "phone"),
    ("Sam Cole", "Missing bananas", "deliveries", None, 2, [], "web"),
    ("Ivy Moss", "Direct debit changed", "billing", "bob", 1, [], "email"),
    ("Leo Grant", "Late delivery again", "deliveries", None, 3, [], "email"),
]


@pytest.fixture
def desk(alice, bob, charlie, lena, billing, deliveries, monkeypatch):
    """A small, lively desk: fourteen cases an hour apart, one handed on three times, one solved."""
    monkeypatch.setattr(queries, "PAGE_SIZE", 10)
    people = {"alice": alice, "bob": bob, "charlie": charlie, None: None}
    teams = {"billing": billing, "deliveries": deliveries}
    start = clock.now() - timedelta(hours=len(CASES) + 2)
    tickets = []
    for hour, (name, subject, team, owner, priority, tags, channel) in enumerate(CASES):
        with clock.travel_to(start + timedelta(hours=hour)):
            customer = customer_for_email(f"{name.split()[-1].lower()}@example.com", name=name)
            tickets.append(
                services.open_ticket(
                    customer=customer,
                    subject=subject,
                    body=f"{subject}. Could you help, please?",
                    team=teams[team],
                    owner=people[owner],
                    priority=priority,
                    tags=tags,
                    channel=channel,
                    by=people[owner],
                )
            )
    with clock.travel_to(start + timedelta(hours=len(CASES))):
        runaround = tickets[2]
        services.transfer(runaround, to_owner=bob, by=alice, reason="Bob handles refunds")
        services.transfer(runaround, to_owner=lena, by=bob, reason="Needs a lead's sign-off")
        services.transfer(runaround, to_owner=alice, by=lena, reason="Alice owns the account")
        services.reply(
            tickets[6],
            by=alice,
            body="Your VAT invoice is attached; the marmalade line is listed separately.",
        )
        services.change_status(tickets[6], status=Ticket.Status.SOLVED, by=alice)
    return tickets


def rows(page):
    return page.locator("#queue-table tbody tr[data-href]")


def test_alice_switches_views_filters_by_status_sorts_and_pages(page, login, alice, desk, screenshot):
    login(page, alice)
    page.goto("/tickets/")
    expect(rows(page)).to_have_count(10)
    expect(page.get_by_text("Run-around · 3")).to_be_visible()
    # relative-time.js turns the absolute time the server writes into "… ago", keeping it as the title.
    updated = rows(page).first.locator("time[data-relative]")
    expect(updated).to_have_text(re.compile(r"ago$"))
    expect(updated).to_have_attribute("title", re.compile(r"^\d{1,2} \w{3} \d{4}, \d\d:\d\d$"))
    screenshot("queue")

    page.get_by_role("link", name="Next").click()
    expect(page).to_have_url(re.compile(r"after="))
    expect(rows(page)).to_have_count(3)
    expect(rows(page).first.locator("time[data-relative]")).to_have_text(re.compile(r"ago$"))  # after htmx
    page.get_by_role("link", name="Previous").click()
    expect(rows(page)).to_have_count(10)

    page.get_by_role("link", name="Mine").click()
    expect(page.get_by_role("heading", name="Mine")).to_be_visible()
    expect(rows(page)).to_have_count(3)

    page.get_by_role("link", name="All open").click()
    page.locator("summary", has_text="Status").click()
    page.get_by_label("New", exact=True).check()
    expect(page).to_have_url(re.compile(r"status=new"))
    expect(rows(page)).to_have_count(7)
    page.get_by_role("heading", name="All open").click()  # a click elsewhere closes the dropdown
    screenshot("queue-filtered")

    page.get_by_label("Sort").select_option(label="Oldest")
    expect(page).to_have_url(re.compile(r"sort=created_at"))
    expect(page).to_have_url(re.compile(r"status=new"))
    expect(rows(page).first).to_contain_text("Refund not received")


def test_alice_saves_a_filtered_view_and_finds_it_in_the_sidebar(page, login, alice, desk, screenshot):
    login(page, alice)
    page.goto("/tickets/?view=teams")
    page.locator("summary", has_text="Priority").click()
    page.get_by_label("High", exact=True).check()
    page.get_by_label("Urgent", exact=True).check()
    expect(rows(page)).to_have_count(2)
    page.locator("summary", has_text="Save this view").click()
    page.get_by_label("Name").fill("Billing hot list")
    page.get_by_label("Share with everyone").check()
    screenshot("queue-save-view")
    page.get_by_role("button", name="Save view").click()

    sidebar = page.get_by_role("navigation", name="Queue views")
    expect(sidebar.get_by_role("link", name="Billing hot list")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", name="Billing hot list")).to_be_visible()
    expect(rows(page)).to_have_count(2)
    expect(page.get_by_text("Priority: High, Urgent")).to_be_visible()
    page.locator("summary", has_text="Edit view").click()
    screenshot("queue-saved-view")
    saved = SavedView.objects.get()
    assert (saved.is_shared, saved.filters["priority"]) == (True, [3, 4])


def test_alice_searches_for_a_word_from_a_message(page, login, alice, desk, screenshot):
    login(page, alice)
    page.goto("/tickets/")
    page.get_by_role("searchbox", name="Search tickets").fill("marmalade")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Search results")).to_be_visible()
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text("Invoice for my company")
    expect(rows(page).first).to_contain_text("Solved")
    screenshot("queue-search")


def test_alice_bulk_assigns_two_tickets_to_bob_with_a_reason(page, login, alice, bob, desk, screenshot):
    voucher, invoice_owner = desk[9], desk[0]  # one in the queue, one of alice's
    login(page, alice)
    page.goto("/tickets/?view=teams")
    page.get_by_label("Select all on this page").check()
    expect(page.locator("#selected-count")).to_have_text("6")
    page.get_by_label("Select all on this page").uncheck()
    expect(page.locator("#selected-count")).to_have_text("0")
    page.get_by_label(f"Select #{voucher.pk}", exact=True).check()
    page.get_by_label(f"Select #{invoice_owner.pk}", exact=True).check()
    expect(page.locator("#selected-count")).to_have_text("2")
    page.get_by_label("Assign to").select_option(label="Bob Baker")
    page.get_by_role("button", name="Apply to selected").click()
    expect(page.get_by_role("alert")).to_contain_text(f"#{invoice_owner.pk}: Say why the ticket is moving")
    screenshot("queue-bulk-error")

    page.get_by_label("Reason").fill("Bob is covering Billing this afternoon")
    page.get_by_role("button", name="Apply to selected").click()
    expect(page.get_by_role("status")).to_have_text("2 tickets changed.")
    expect(page.locator(f'tr[data-href="{voucher.get_absolute_url()}"]')).to_contain_text("Bob Baker")
    expect(page.locator(f'tr[data-href="{invoice_owner.get_absolute_url()}"]')).to_contain_text("Bob Baker")
    screenshot("queue-bulk")
    owners = set(Ticket.objects.filter(pk__in=[voucher.pk, invoice_owner.pk]).values_list("owner", flat=True))
    assert owners == {bob.pk}


def test_keyboard_moves_through_rows_and_opens_one(page, login, alice, desk, screenshot):
    login(page, alice)
    page.goto("/tickets/")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    expect(rows(page).nth(0)).to_have_class(re.compile(r"table-active"))
    page.keyboard.press("j")
    expect(rows(page).nth(1)).to_have_class(re.compile(r"table-active"))
    page.keyboard.press("x")
    expect(rows(page).nth(1).get_by_role("checkbox")).to_be_checked()
    second = rows(page).nth(1).get_attribute("data-href")
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    screenshot("queue-shortcuts")
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_hidden()
    page.keyboard.press("o")
    expect(page).to_have_url(re.compile(re.escape(second) + "$"))

    page.go_back()
    first = rows(page).nth(0).get_attribute("data-href")
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(first) + "$"))


def test_shortcuts_are_off_while_typing_in_the_search_box(page, login, alice, desk):
    login(page, alice)
    page.goto("/tickets/")
    page.keyboard.press("/")
    page.keyboard.type("jo")
    expect(page.get_by_role("searchbox", name="Search tickets")).to_have_value("jo")
    expect(page.locator("#queue-table tr.table-active")).to_have_count(0)


def test_a_bad_date_in_a_shared_link_is_explained_next_to_its_field(page, login, alice, desk, screenshot):
    login(page, alice)
    page.goto("/tickets/?view=open&updated_from=31/02/2025")
    expect(page.get_by_text("Updated from: Enter a date as YYYY-MM-DD.")).to_be_visible()
    expect(rows(page)).to_have_count(0)
    screenshot("queue-filter-error")
