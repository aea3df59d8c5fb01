"""Which calendar a team works to, and that an edit reaches the built calendar at once."""

from datetime import date, datetime, timedelta, timezone

import pytest
from django.conf import settings

from caredesk.calendars import business_time, services
from caredesk.calendars.models import BusinessCalendar, ClosedDay
from caredesk.system import clock

pytestmark = pytest.mark.django_db

FRIDAY_FIVE = datetime(2026, 12, 18, 17, 0, tzinfo=timezone.utc)


def test_with_no_calendars_a_team_works_round_the_clock_in_the_desks_zone(billing):
    calendar = services.calendar_for(billing)
    assert calendar.tz.key == settings.TIME_ZONE
    assert services.due(calendar, start=FRIDAY_FIVE, minutes=60) == FRIDAY_FIVE + timedelta(hours=1)


def test_a_team_uses_its_own_calendar_else_the_default(billing, deliveries):
    BusinessCalendar.objects.create(name="Office", hours="mon-fri 09:00-17:00", time_zone="UTC", is_default=True)
    weekend = BusinessCalendar.objects.create(name="Weekend", hours="sat-sun 10:00-16:00", time_zone="UTC")
    billing.calendar = weekend
    billing.save()
    assert services.due(services.calendar_for(billing), start=FRIDAY_FIVE, minutes=60).isoformat() == "2026-12-19T11:00:00+00:00"
    assert services.due(services.calendar_for(deliveries), start=FRIDAY_FIVE, minutes=60).isoformat() == (
        "2026-12-21T10:00:00+00:00"
    )


def test_a_closed_day_added_later_is_seen_at_once_even_with_the_clock_stopped(billing):
    with clock.travel_to(datetime(2026, 12, 1, tzinfo=timezone.utc)):
        office = BusinessCalendar.objects.create(name="Office", hours="mon-fri 09:00-17:00", time_zone="UTC", is_default=True)
        assert services.due(services.calendar_for(billing), start=FRIDAY_FIVE, minutes=60).isoformat() == (
            "2026-12-21T10:00:00+00:00"
        )
        ClosedDay.objects.create(calendar=office, date=date(2026, 12, 21), name="Stocktake")
        assert services.due(services.calendar_for(billing), start=FRIDAY_FIVE, minutes=60).isoformat() == (
            "2026-12-22T10:00:00+00:00"
        )


def test_the_built_calendar_is_reused_between_calls(billing, django_assert_num_queries):
    BusinessCalendar.objects.create(name="Office", hours="mon-fri 09:00-17:00", time_zone="UTC", is_default=True)
    first = services.calendar_for(billing)
    with django_assert_num_queries(1):  # the default calendar's row; its closed days are not read again
        assert services.calendar_for(billing) is first


def test_a_stored_calendar_that_no_longer_builds_says_why(billing):
    office = BusinessCalendar.objects.create(name="Office", hours="mon-fri 09:00-17:00", time_zone="UTC", is_default=True)
    BusinessCalendar.objects.filter(pk=office.pk).update(time_zone="Atlantis/Capital")
    with pytest.raises(business_time.CalendarError, match="'Atlantis/Capital' is not a time zone"):
        services.calendar_for(billing)


def test_a_calendar_made_again_with_the_same_id_and_frozen_clock_is_built_afresh(billing):
    moment = datetime(2026, 12, 1, tzinfo=timezone.utc)
    with clock.travel_to(moment):
        office = BusinessCalendar.objects.create(name="Office", hours="mon-fri 09:00-17:00", time_zone="UTC", is_default=True)
        ClosedDay.objects.create(calendar=office, date=date(2026, 12, 21))
        first = services.calendar_for(billing)
        office_id, version = office.pk, office.updated_at
        office.delete()
        again = BusinessCalendar(pk=office_id, name="Office", hours="mon-fri 09:00-17:00", time_zone="UTC", is_default=True)
        again.save()
        ClosedDay.objects.create(calendar=again, date=date(2026, 12, 22))
        assert again.updated_at == version  # updated_at alone could not tell them apart
        assert services.calendar_for(billing) is not first
        assert services.due(services.calendar_for(billing), start=FRIDAY_FIVE, minutes=60).isoformat() == (
            "2026-12-21T10:00:00+00:00"
        )
