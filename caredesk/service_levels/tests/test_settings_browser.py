"""The service target settings page, the queue's time left and a ticket's targets, in Chromium."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from caredesk.conversations.models import Ticket
from caredesk.service_levels import services
from caredesk.service_levels.models import Policy
from caredesk.system import clock

pytestmark = pytest.mark.django_db(transaction=True)


def settled(page):
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def test_ada_sets_up_targets_reorders_them_and_sees_the_due_times(page, login, ada, billing, office_hours, screenshot):
    services.save_policy(None, by=ada, name="Standard", first_reply_minutes=240, next_reply_minutes=480, resolution_minutes=1440)
    login(page, ada)
    page.goto("/service-levels/")
    expect(page.get_by_role("heading", name="Service targets")).to_be_visible()
    page.get_by_role("link", name="New policy").click()

    page.get_by_label("Name").fill("Urgent")
    page.get_by_label("First reply within").fill("0")
    page.get_by_label("Urgent", exact=True).check()
    page.get_by_role("button", name="Save policy").click()
    expect(page.get_by_text("A target must be at least one minute; leave it empty for no target.")).to_be_visible()
    assert Policy.objects.count() == 1

    page.get_by_label("First reply within").fill("1h")
    page.get_by_label("Resolved within").fill("1d")
    page.get_by_label("Team's calendar").select_option(label="Billing")
    page.get_by_label("Ticket opened at").fill("2026-03-06T16:30")
    settled(page)
    preview = page.locator("#preview-rows")
    expect(preview).to_contain_text("Mon 9 Mar, 09:30")  # Friday 16:30 + 1 working hour
    expect(preview).to_contain_text("Mon 9 Mar, 16:30")  # + 8 working hours
    screenshot("service-levels-policy")
    page.get_by_role("button", name="Save policy").click()

    expect(page.get_by_text("Saved the policy “Urgent”.")).to_be_visible()
    rows = page.locator("#policies tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("Priority: Urgent")
    page.get_by_role("button", name="Move Urgent up").click()
    settled(page)
    expect(rows.nth(0)).to_contain_text("Urgent")
    expect(page.get_by_role("button", name="Move Urgent up")).to_be_disabled()
    screenshot("service-levels")
    assert list(Policy.objects.values_list("name", flat=True)) == ["Urgent", "Standard"]


def test_alice_reads_the_policies_but_has_no_controls(page, login, alice, ada, screenshot):
    services.save_policy(None, by=ada, name="Standard", first_reply_minutes=240, resolution_minutes=1440)
    login(page, alice)
    page.goto("/tickets/")
    page.get_by_role("button", name="Settings").click()
    page.get_by_role("link", name="Service targets").click()
    expect(page.get_by_text("Read only: an admin changes these.")).to_be_visible()
    expect(page.get_by_role("link", name="New policy")).to_have_count(0)
    page.get_by_role("link", name="Standard").click()
    expect(page.get_by_label("First reply within")).to_be_disabled()
    expect(page.get_by_role("button", name="Save policy")).to_have_count(0)
    expect(page.locator("#preview-rows")).to_contain_text("First reply")  # now, in the default calendar
    page.get_by_label("Ticket opened at").fill("2026-03-06T16:30")
    settled(page)
    expect(page.locator("#preview-rows")).to_contain_text("Fri 6 Mar, 20:30")  # round the clock: no calendar
    screenshot("service-levels-read-only")


def test_the_queue_shows_time_left_and_the_ticket_its_targets(page, login, alice, ada, miggins, billing, ticket_factory, screenshot):
    services.save_policy(None, by=ada, name="Round the clock", first_reply_minutes=60, resolution_minutes=24 * 60)
    now = clock.now()
    with clock.travel_to(now - timedelta(minutes=90)):
        late = ticket_factory.create(customer=miggins, team=billing, owner=alice, subject="Charged twice")
    with clock.travel_to(now - timedelta(minutes=10)):
        ticket_factory.create(customer=miggins, team=billing, owner=alice, subject="Voucher did not apply")
    login(page, alice)
    page.goto("/tickets/")
    page.get_by_label("Sort").select_option(label="Time left")
    expect(page).to_have_url(re.compile(r"sort=next_due_at"))
    first = page.locator("#queue-table tbody tr[data-href]").first
    expect(first).to_contain_text("Charged twice")
    expect(first.locator("[data-sla]")).to_have_text(re.compile(r"overdue 3\dm"))
    expect(page.locator("[data-sla=ok]")).to_have_text(re.compile(r"[45]\dm left"))
    screenshot("queue-time-left")

    page.goto(late.get_absolute_url())
    targets = page.locator("#ticket-targets")
    expect(targets).to_contain_text("First reply")
    expect(targets).to_contain_text(re.compile(r"overdue 3\dm"))
    page.locator("#composer textarea, textarea[name=body]").first.fill("Sorry for the wait, refunded now.")
    page.get_by_role("button", name=re.compile(r"^Send")).first.click()
    expect(page.locator("#ticket-targets")).to_contain_text("breached")
    expect(page.locator(".timeline-event", has_text="target was missed").first).to_be_visible()
    screenshot("ticket-targets")
    assert Ticket.objects.get(pk=late.pk).next_due_at is not None
