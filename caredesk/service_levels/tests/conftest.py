from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from caredesk.calendars.models import BusinessCalendar
from caredesk.service_levels import services

LONDON = ZoneInfo("Europe/London")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in March 2026, London time (GMT: before the clocks change on the 29th).
    Monday 2, Friday 6, Monday 9."""
    return datetime(2026, 3, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def office_hours(billing, deliveries):
    """Billing and Deliveries work Monday to Friday, 09:00-17:00, London."""
    calendar = BusinessCalendar.objects.create(name="Office", hours="mon-fri 09:00-17:00", time_zone="Europe/London")
    billing.calendar = deliveries.calendar = calendar
    billing.save()
    deliveries.save()
    return calendar


@pytest.fixture
def make_policy(ada):
    def make(name="Standard", *, teams=(), **values):
        values = {"first_reply_minutes": None, "next_reply_minutes": None, "resolution_minutes": None, **values}
        return services.save_policy(None, by=ada, name=name, teams=teams, **values)

    return make
