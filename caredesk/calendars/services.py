"""Which calendar a team works to, built once and reused: the SLA sweep asks for it per ticket."""

from django.conf import settings

from . import business_time
from .models import BusinessCalendar

_built: dict[tuple[int, object], business_time.Calendar] = {}


def build(calendar: BusinessCalendar) -> business_time.Calendar:
    key = (calendar.pk, calendar.updated_at)
    if key not in _built:
        closed = calendar.closed_days.values_list("date", flat=True) if calendar.pk else ()
        _built[key] = business_time.build(
            hours=calendar.hours, tz=calendar.time_zone, holidays=calendar.holidays, closed=closed
        )
    return _built[key]


def calendar_for(team) -> business_time.Calendar:
    """The team's own calendar, else the default one, else round the clock in the desk's time zone."""
    stored = None
    if team is not None and team.calendar_id:
        stored = team.calendar
    if stored is None:
        stored = BusinessCalendar.objects.filter(is_default=True).first()
    if stored is None:
        return business_time.Calendar(tz=business_time.zone(settings.TIME_ZONE), week=business_time.ALWAYS_OPEN.week)
    return build(stored)
