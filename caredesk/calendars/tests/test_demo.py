"""The demo's calendars: made once, assigned, and left alone when loaded again."""

from datetime import datetime, timezone

import pytest

from caredesk.accounts.models import Team
from caredesk.calendars import demo, services
from caredesk.calendars.models import BusinessCalendar

pytestmark = pytest.mark.django_db


def test_the_demo_makes_the_office_default_and_gives_deliveries_a_longer_week(billing, deliveries):
    teams = {"Billing": billing, "Deliveries": deliveries}
    demo.load(teams, {})
    demo.load(teams, {})  # again: nothing doubles
    assert list(BusinessCalendar.objects.values_list("name", "is_default")) == [("Delivery days", False), ("UK office", True)]
    deliveries.refresh_from_db()
    assert deliveries.calendar.name == "Delivery days"
    friday_evening = datetime(2026, 11, 27, 17, 30, tzinfo=timezone.utc)
    assert services.due(services.calendar_for(billing), start=friday_evening, minutes=60).isoformat() == (
        "2026-11-28T09:30:00+00:00"
    )
    assert services.due(services.calendar_for(deliveries), start=friday_evening, minutes=60).isoformat() == (
        "2026-11-27T18:30:00+00:00"
    )


def test_loading_again_keeps_edited_hours_and_gives_deliveries_a_calendar_if_it_has_none(billing, deliveries):
    demo.load({"Deliveries": deliveries}, {})
    BusinessCalendar.objects.filter(name="UK office").update(hours="mon-fri 09:00-17:00")
    Team.objects.filter(pk=deliveries.pk).update(calendar=None)
    deliveries.refresh_from_db()
    demo.load({"Deliveries": deliveries}, {})
    assert BusinessCalendar.objects.get(name="UK office").hours == "mon-fri 09:00-17:00"
    deliveries.refresh_from_db()
    assert deliveries.calendar.name == "Delivery days"
