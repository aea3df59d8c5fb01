"""The calendar settings page in a real browser: an admin edits hours and watches the preview follow."""

from datetime import date

import pytest
from playwright.sync_api import expect

from caredesk.calendars.models import BusinessCalendar, ClosedDay

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _htmx_settled(page) -> None:
    page.wait_for_function("!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')")


@pytest.fixture
def office(billing, deliveries):
    calendar = BusinessCalendar.objects.create(
        name="UK office", hours="mon-fri 08:00-18:00\nsat 09:00-13:00", time_zone="Europe/London", holidays="GB-ENG",
        is_default=True,
    )
    ClosedDay.objects.create(calendar=calendar, date=date(2026, 12, 24), name="Christmas Eve")
    billing.calendar = calendar
    billing.save()
    return calendar


def test_ada_edits_the_hours_sees_the_preview_follow_and_saves(page, login, ada, office, deliveries, screenshot):
    login(page, ada)
    page.goto("/calendars/")
    expect(page.locator("#calendars")).to_contain_text("UK office")
    page.get_by_role("link", name="UK office").click()

    page.get_by_label("A target of").fill("120")
    page.get_by_label("Starting").fill("2026-12-23T17:00")
    _htmx_settled(page)
    # Wed 23rd 17:00-18:00; 24th closed; 25th, 26th and the 28th holidays; 27th Sunday: Tuesday 29th 09:00.
    expect(page.locator("#preview-due-iso")).to_have_text("2026-12-29T09:00:00+00:00")
    expect(page.locator("#preview-week")).to_contain_text("Closed: Christmas Eve")
    expect(page.locator("#preview-closed")).to_contain_text("Boxing Day (observed)")

    page.get_by_label("Working hours").fill("mon-fri 09:00-17:30\nsat 09:00-13:00")
    _htmx_settled(page)
    expect(page.locator("#preview-due-iso")).to_have_text("2026-12-29T10:30:00+00:00")
    expect(page.locator("#preview-week")).to_contain_text("09:00–17:30")

    page.get_by_label("Working hours").fill("mon-fri 09:00-17:30\nsat 09:00-13:00\nsun 25:00-26:00")
    _htmx_settled(page)
    expect(page.locator("#preview-error")).to_contain_text("25:00-26:00 is not a time of day")
    page.get_by_label("Working hours").fill("mon-fri 09:00-17:30\nsat 10:00-14:00")
    _htmx_settled(page)
    expect(page.locator("#preview-due-iso")).to_have_text("2026-12-29T10:30:00+00:00")

    page.get_by_label("Deliveries").check()
    screenshot("calendar-edit")
    page.get_by_role("button", name="Save calendar").click()
    expect(page.locator(".alert-success, .alert").first).to_contain_text("Saved the calendar UK office.")
    expect(page.locator("#calendars")).to_contain_text("Deliveries")
    screenshot("calendar-list")

    office.refresh_from_db()
    assert office.hours == "mon-fri 09:00-17:30\nsat 10:00-14:00"
    assert set(office.teams.values_list("name", flat=True)) == {"Billing", "Deliveries"}


def test_bad_hours_are_refused_on_save_and_nothing_changes(page, login, ada, office, screenshot):
    login(page, ada)
    page.goto(f"/calendars/{office.pk}/")
    page.get_by_label("Working hours").fill("weekdays 9 to 5")
    page.get_by_role("button", name="Save calendar").click()
    expect(page.locator(".invalid-feedback").first).to_contain_text("'weekdays 9 to 5': days are written mon, tue")
    expect(page.locator("#preview-error")).to_be_visible()
    screenshot("calendar-edit-error")
    office.refresh_from_db()
    assert office.hours == "mon-fri 08:00-18:00\nsat 09:00-13:00"


def test_lena_reads_a_calendar_and_tries_a_target(page, login, lena, office, screenshot):
    login(page, lena)
    page.goto(f"/calendars/{office.pk}/")
    expect(page.get_by_text("Only an admin can change a calendar.")).to_be_visible()
    page.get_by_label("A target of").fill("30")
    page.get_by_label("Starting").fill("2026-12-24T10:00")
    _htmx_settled(page)
    expect(page.locator("#preview-due-iso")).to_have_text("2026-12-29T08:30:00+00:00")
    screenshot("calendar-read-only")
