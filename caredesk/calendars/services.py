"""Business calendars: which calendar a team works to (built once and reused: the SLA sweep asks for it
per ticket), saving what an admin typed, and the preview the settings page and the CLI both show."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from caredesk.accounts.models import Team

from . import business_time
from .models import BusinessCalendar, ClosedDay

# calendar pk -> (its version, the built calendar). Every save moves updated_at on (closed days touch
# it too), so an edit is seen at once by whoever loads the calendar row afresh.
_built: dict[int, tuple[object, business_time.Calendar]] = {}
_round_the_clock: dict[str, business_time.Calendar] = {}


def forget_built(**kwargs) -> None:
    """Drop every built calendar (connected to saves and deletes of calendars and closed days): within
    this process an edit is seen even when updated_at could not tell, as when a test's rollback brings
    back an id with the same frozen clock."""
    _built.clear()


def build(calendar: BusinessCalendar) -> business_time.Calendar:
    if not calendar.pk:
        return business_time.build(hours=calendar.hours, tz=calendar.time_zone, holidays=calendar.holidays)
    version = (calendar.updated_at, calendar.hours, calendar.time_zone, calendar.holidays)
    cached = _built.get(calendar.pk)
    if cached is None or cached[0] != version:
        closed = calendar.closed_days.values_list("date", flat=True)
        built = business_time.build(
            hours=calendar.hours, tz=calendar.time_zone, holidays=calendar.holidays, closed=closed
        )
        cached = _built[calendar.pk] = (version, built)
    return cached[1]


def calendar_for(team) -> business_time.Calendar:
    """The team's own calendar, else the default one, else round the clock in the desk's time zone."""
    stored = None
    if team is not None and team.calendar_id:
        stored = team.calendar
    if stored is None:
        stored = BusinessCalendar.objects.filter(is_default=True).first()
    if stored is None:
        if settings.TIME_ZONE not in _round_the_clock:
            _round_the_clock[settings.TIME_ZONE] = business_time.Calendar(
                tz=business_time.zone(settings.TIME_ZONE), week=business_time.ALWAYS_OPEN.week
            )
        return _round_the_clock[settings.TIME_ZONE]
    return build(stored)


# --- Saving what an admin typed ---------------------------------------------------------------------


@transaction.atomic
def save_calendar(
    calendar: BusinessCalendar | None,
    *,
    name: str,
    hours: str,
    time_zone: str,
    holidays: str,
    closed_days: str,
    is_default: bool,
    teams,
    by,
) -> BusinessCalendar:
    """Create (calendar=None) or change a calendar, its closed days and the teams that use it, all or
    nothing. The caller has checked `by` (permissions.can_edit_calendars). Raises ValidationError with
    a sentence when the calendar cannot be used; nothing is saved then."""
    name = name.strip()
    if not name:
        raise ValidationError("Give the calendar a name.")
    try:
        business_time.build(hours=hours, tz=time_zone, holidays=holidays)
        closed = business_time.parse_closed_days(closed_days)
    except business_time.CalendarError as error:
        raise ValidationError(str(error)) from None
    others = BusinessCalendar.objects.exclude(pk=calendar.pk) if calendar else BusinessCalendar.objects.all()
    if others.filter(name__iexact=name).exists():
        raise ValidationError(f"There is already a calendar called {name}.")
    if calendar is None:
        calendar = BusinessCalendar()
    else:
        calendar = BusinessCalendar.objects.select_for_update().get(pk=calendar.pk)
    if is_default:
        # One default at a time (a unique constraint says so): the new default takes over.
        BusinessCalendar.objects.filter(is_default=True).exclude(pk=calendar.pk).update(is_default=False)
    # One rule a line, as typed, but with plain newlines: browsers send \r\n.
    hours = "\n".join(line.strip() for line in hours.strip().splitlines() if line.strip())
    calendar.name, calendar.hours, calendar.time_zone = name, hours, time_zone.strip()
    calendar.holidays, calendar.is_default = holidays.strip().upper(), is_default
    calendar.save()
    calendar.closed_days.all().delete()
    ClosedDay.objects.bulk_create(ClosedDay(calendar=calendar, date=day, name=name) for day, name in closed.items())
    team_ids = {team.pk for team in teams}
    Team.objects.filter(calendar=calendar).exclude(pk__in=team_ids).update(calendar=None)
    Team.objects.filter(pk__in=team_ids).update(calendar=calendar)
    calendar.save(update_fields=["updated_at"])  # after the closed days: the built-calendar cache keys on it
    return calendar


def closed_days_text(calendar: BusinessCalendar) -> str:
    """The closed days as the form shows them, one per line."""
    return "\n".join(f"{day.date.isoformat()} {day.name}".strip() for day in calendar.closed_days.all())


# --- The preview: what the CLI prints, with the week ahead --------------------------------------------


@dataclass(frozen=True)
class Day:
    date: date
    hours: list[tuple[datetime, datetime]]  # local begin and end of each working stretch
    closed_because: str  # '' on an open day


@dataclass(frozen=True)
class Preview:
    start: datetime
    minutes: int
    due: datetime
    days: list[Day]
    closed_days: list[tuple[date, str]]


def due(calendar: business_time.Calendar, *, start: datetime, minutes: int) -> datetime:
    """When a target of `minutes` of working time set at `start` falls due: the CLI prints this."""
    if minutes < 0:
        raise business_time.CalendarError("Give a number of minutes of 0 or more.")
    return business_time.add_business_time(start, timedelta(minutes=minutes), calendar)


def preview(
    calendar: business_time.Calendar, *, start: datetime, minutes: int, names: dict[date, str] | None = None
) -> Preview:
    """The due time, the working hours of the 7 days from `start`'s local date and the next 5 closed
    days (public holidays or the business's own, named from `names`) on which the calendar would
    otherwise work. Raises CalendarError as `due` does."""
    names = names or {}
    when = due(calendar, start=start, minutes=minutes)
    first = start.astimezone(calendar.tz).date()
    days = []
    for offset in range(7):
        day = first + timedelta(days=offset)
        closed = calendar.is_closed(day)
        hours = [(a.astimezone(calendar.tz), b.astimezone(calendar.tz)) for a, b in calendar.intervals_on(day)]
        reason = (names.get(day) or business_time.holiday_name(calendar, day) or "Closed") if closed else ""
        days.append(Day(date=day, hours=hours, closed_because=reason))
    closed_days, day = [], first
    for _ in range(business_time.HORIZON_DAYS):
        if len(closed_days) == 5:
            break
        if calendar.week[day.weekday()] and calendar.is_closed(day):
            closed_days.append((day, names.get(day) or business_time.holiday_name(calendar, day) or "Closed"))
        day += timedelta(days=1)
    return Preview(
        start=start.astimezone(calendar.tz), minutes=minutes, due=when, days=days, closed_days=closed_days
    )


def parse_start(text: str, calendar: business_time.Calendar) -> tuple[datetime, bool]:
    """An ISO 8601 date and time; without an offset it is read in the calendar's zone. Returns the
    aware datetime and whether the zone was assumed."""
    try:
        moment = datetime.fromisoformat((text or "").strip())
    except ValueError:
        raise business_time.CalendarError(
            f"'{text}' is not an ISO 8601 date and time; write e.g. 2026-11-27T17:00+00:00."
        ) from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=calendar.tz), True
    return moment, False
