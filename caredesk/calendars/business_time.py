"""Business time: what a service target or a promise counts in. Pure functions over a Calendar, with no
database, so that the SLA sweep, the promise parser, the CLI and the settings preview agree exactly.

A calendar is working hours per weekday in one time zone, minus closed days (public holidays from the
`holidays` package and the business's own dates). Hours are wall-clock times in that zone: "09:00-17:30"
means half past five in London in summer and in winter, so a day that loses or gains an hour to a DST
change has that much less or more working time, as the people working it do.

    add_business_time(start, duration, calendar)  -> the aware datetime `duration` of working time later
    elapsed_business_time(start, end, calendar)   -> the working time between two instants
"""

import re
from collections.abc import Container, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 24 * 60
# How far ahead to look for working time before declaring a calendar unusable: a business closed for
# more than this has no due times worth computing.
HORIZON_DAYS = 3 * 366


class CalendarError(ValueError):
    """A calendar that cannot be used, with a sentence saying why."""


Interval = tuple[int, int]  # minutes after local midnight, [start, end), end <= 1440


@dataclass(frozen=True, eq=False)
class Calendar:
    tz: ZoneInfo
    # Seven entries, Monday first; each a sorted tuple of non-overlapping working intervals.
    week: tuple[tuple[Interval, ...], ...]
    # Days with no working time at all: public holidays (a holidays.HolidayBase works, and fills in
    # years on demand) and the business's own closed dates.
    holidays: Container[date] = field(default_factory=frozenset)
    closed: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self):
        if len(self.week) != 7:
            raise CalendarError("A calendar needs working hours for each of the seven weekdays (empty for closed days).")
        if not any(self.week):
            raise CalendarError("This calendar has no working hours on any day; give at least one day hours.")

    def is_closed(self, day: date) -> bool:
        return day in self.closed or day in self.holidays

    def intervals_on(self, day: date) -> list[tuple[datetime, datetime]]:
        """The working intervals of one local day, as UTC instants."""
        if self.is_closed(day):
            return []
        result = []
        for start, end in self.week[day.weekday()]:
            begins = _instant(day, start, self.tz)
            ends = _instant(day, end, self.tz)
            if ends > begins:  # a wall-clock interval swallowed by a DST gap has no length
                result.append((begins, ends))
        return result


def _instant(day: date, minutes: int, tz: ZoneInfo) -> datetime:
    if minutes >= MINUTES_PER_DAY:
        day, minutes = day + timedelta(days=1), minutes - MINUTES_PER_DAY
    local = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=tz)
    return local.astimezone(timezone.utc)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise CalendarError(f"{moment.isoformat()} has no time zone; give times with an offset, e.g. +00:00.")
    return moment.astimezone(timezone.utc)


def _working_intervals(calendar: Calendar, since: datetime) -> Iterator[tuple[datetime, datetime]]:
    """Working intervals ending after `since` (UTC), in order, up to the horizon."""
    # Start a day early: in a zone behind UTC, the local day before `since`'s UTC date may still be running.
    day = since.astimezone(calendar.tz).date() - timedelta(days=1)
    for _ in range(HORIZON_DAYS):
        for begins, ends in calendar.intervals_on(day):
            if ends > since:
                yield begins, ends
        day += timedelta(days=1)


def add_business_time(start: datetime, duration: timedelta, calendar: Calendar) -> datetime:
    """The moment when `duration` of working time has passed since `start`, in the calendar's zone.
    Time outside working hours does not count: a 1-hour target set on Friday at 17:00 falls due on
    Monday at 10:00 (with 09:00-17:00 hours). A zero duration is `start` itself."""
    if duration < timedelta(0):
        raise CalendarError("A business-time duration cannot be negative.")
    since = _utc(start)
    if duration == timedelta(0):
        return since.astimezone(calendar.tz)
    remaining = duration
    for begins, ends in _working_intervals(calendar, since):
        begins = max(begins, since)
        available = ends - begins
        if remaining <= available:
            return (begins + remaining).astimezone(calendar.tz)
        remaining -= available
    raise CalendarError(
        f"This calendar has no {duration} of working time within {HORIZON_DAYS // 366} years of {start.isoformat()}."
    )


def elapsed_business_time(start: datetime, end: datetime, calendar: Calendar) -> timedelta:
    """Working time between two instants; zero when `end` is not after `start`."""
    since, until = _utc(start), _utc(end)
    total = timedelta(0)
    if until <= since:
        return total
    for begins, ends in _working_intervals(calendar, since):
        if begins >= until:
            break
        total += min(ends, until) - max(begins, since)
    return total


def is_working_time(moment: datetime, calendar: Calendar) -> bool:
    instant = _utc(moment)
    return any(begins <= instant < ends for begins, ends in _working_intervals(calendar, instant) if begins <= instant)


# --- Reading calendars people write -------------------------------------------------------------------

_TIME = r"(\d{1,2}):(\d{2})"
_RANGE = re.compile(rf"^{_TIME}\s*-\s*{_TIME}$")


def parse_hours(text: str) -> tuple[tuple[Interval, ...], ...]:
    """Weekly hours from lines such as "mon-fri 09:00-17:30", "sat 10:00-14:00" or
    "mon,wed 08:00-12:00, 13:00-17:00" (lines or ';' separate rules; a later rule for a day replaces
    an earlier one). Days not named are closed. Raises CalendarError with the offending part."""
    week: list[list[Interval] | None] = [None] * 7
    rules = [rule.strip() for rule in re.split(r"[;\n]", text or "") if rule.strip()]
    if not rules:
        raise CalendarError("Give working hours, e.g. 'mon-fri 09:00-17:30'.")
    for rule in rules:
        parts = rule.split(None, 1)
        if len(parts) != 2:
            raise CalendarError(f"'{rule}': write the days, then the hours, e.g. 'mon-fri 09:00-17:30'.")
        days, ranges = parts
        intervals = sorted(_parse_range(piece.strip(), rule) for piece in ranges.split(",") if piece.strip())
        for (_, end), (start, _) in zip(intervals, intervals[1:]):
            if start < end:
                raise CalendarError(f"'{rule}': the hours overlap.")
        for day in _parse_days(days.lower(), rule):
            week[day] = intervals
    return tuple(tuple(day or ()) for day in week)


def _parse_days(text: str, rule: str) -> list[int]:
    days: list[int] = []
    for piece in text.split(","):
        first, _, last = piece.partition("-")
        try:
            a = DAYS.index(first.strip()[:3])
            b = DAYS.index(last.strip()[:3]) if last else a
        except ValueError:
            raise CalendarError(f"'{rule}': days are written mon, tue, wed, thu, fri, sat, sun (e.g. mon-fri).") from None
        if b < a:
            raise CalendarError(f"'{rule}': a range of days runs forwards from Monday, e.g. mon-fri.")
        days.extend(range(a, b + 1))
    return days


def _parse_range(text: str, rule: str) -> Interval:
    match = _RANGE.match(text)
    if not match:
        raise CalendarError(f"'{rule}': hours are written 09:00-17:30.")
    h1, m1, h2, m2 = map(int, match.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if h1 > 23 or m1 > 59 or m2 > 59 or end > MINUTES_PER_DAY:
        raise CalendarError(f"'{rule}': {text} is not a time of day (00:00 to 24:00).")
    if end <= start:
        raise CalendarError(f"'{rule}': {text} ends before it starts; split a night shift at midnight (22:00-24:00, then 00:00-06:00).")
    return start, end


def format_hours(week: tuple[tuple[Interval, ...], ...]) -> str:
    """The inverse of parse_hours, grouping runs of days with the same hours: 'mon-fri 09:00-17:30'."""
    lines, day = [], 0
    while day < 7:
        last = day
        while last + 1 < 7 and week[last + 1] == week[day]:
            last += 1
        if week[day]:
            days = DAYS[day] if last == day else f"{DAYS[day]}-{DAYS[last]}"
            hours = ", ".join(f"{s // 60:02d}:{s % 60:02d}-{e // 60:02d}:{e % 60:02d}" for s, e in week[day])
            lines.append(f"{days} {hours}")
        day = last + 1
    return "; ".join(lines)


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo((name or "").strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise CalendarError(f"'{name}' is not a time zone; use an IANA name such as Europe/London.") from None


def public_holidays(code: str) -> Container[date]:
    """Public holidays for an ISO 3166 code with an optional subdivision: 'GB', 'GB-ENG', 'US-CA'."""
    import holidays

    code = (code or "").strip().upper()
    if not code:
        return frozenset()
    country, _, subdivision = code.partition("-")
    if country not in holidays.list_supported_countries():
        raise CalendarError(f"No public holidays are known for the country '{country}'; use an ISO 3166 code such as GB.")
    try:
        return holidays.country_holidays(country, subdiv=subdivision or None)
    except NotImplementedError:
        names = ", ".join(holidays.list_supported_countries()[country])
        raise CalendarError(f"'{code}': {country} has no subdivision '{subdivision}'; it has {names}.") from None


def build(*, hours: str, tz: str, holidays: str = "", closed=()) -> Calendar:
    """A calendar from what a person typed (the CLI and the stored calendars both come through here)."""
    return Calendar(tz=zone(tz), week=parse_hours(hours), holidays=public_holidays(holidays), closed=frozenset(closed))


ALWAYS_OPEN = Calendar(tz=ZoneInfo("UTC"), week=(((0, MINUTES_PER_DAY),),) * 7)
