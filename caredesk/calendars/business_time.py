"""Business time: what a service target or a promise counts in. Pure functions over a Calendar, with no
database, so that the SLA sweep, the promise parser, the CLI and the settings preview agree exactly.

A calendar is working hours per weekday in one time zone, minus closed days (public holidays from the
`holidays` package and the business's own dates). Hours are wall-clock times in that zone: "09:00-17:30"
means half past five in London in summer and in winter, so a day that loses or gains an hour to a DST
change has that much less or more working time, as the people working it do.

Precisely: an instant is working time when the calendar's local date is not closed and its local
wall-clock time falls in one of that weekday's intervals. On a spring-forward day the skipped wall-clock
hour is never worked; on a fall-back day the repeated hour is worked twice if it is inside the hours.

    add_business_time(start, duration, calendar)  -> the aware datetime `duration` of working time later
    elapsed_business_time(start, end, calendar)   -> the working time between two instants
"""

import heapq
import re
from collections.abc import Container, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MINUTES_PER_DAY = 24 * 60
# How far ahead to look for working time before declaring a calendar unusable: a business closed for
# more than this has no due times worth computing.
HORIZON_DAYS = 3 * 366
# The UTC instants whose local date is D lie within D's midnight minus 14 h (UTC+14) and the next
# midnight plus 12 h (UTC-12); the window is a little wider. Offsets are sampled every few hours in it
# to find DST transitions (no zone changes its offset twice within that step).
_WINDOW = timedelta(hours=15)
_SAMPLE_STEP = timedelta(hours=6)
_DAY_CACHE_LIMIT = 4096
_UTC = timezone.utc


class CalendarError(ValueError):
    """A calendar that cannot be used, with a sentence saying why."""


Interval = tuple[int, int]  # minutes after local midnight, [start, end), end <= 1440
Piece = tuple[datetime, datetime]  # [begins, ends) in UTC


@dataclass(frozen=True, eq=False)
class Calendar:
    tz: ZoneInfo
    # Seven entries, Monday first; each a sorted tuple of non-overlapping working intervals.
    week: tuple[tuple[Interval, ...], ...]
    # Days with no working time at all: public holidays (a holidays.HolidayBase works, and fills in
    # years on demand) and the business's own closed dates.
    holidays: Container[date] = field(default_factory=frozenset)
    closed: frozenset[date] = field(default_factory=frozenset)
    # Working pieces per local day, computed once: the SLA sweep asks about the same days all the time.
    _days: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self):
        if len(self.week) != 7:
            raise CalendarError("A calendar needs working hours for each of the seven weekdays (empty for closed days).")
        for intervals in self.week:
            for start, end in intervals:
                if not 0 <= start < end <= MINUTES_PER_DAY:
                    raise CalendarError(f"{start}-{end} is not an interval of minutes within a day.")
            for (_, end), (start, _) in zip(intervals, intervals[1:]):
                if start < end:
                    raise CalendarError("Working intervals of one day must be sorted and must not overlap.")
        if not any(self.week):
            raise CalendarError("This calendar has no working hours on any day; give at least one day hours.")

    def is_closed(self, day: date) -> bool:
        return day in self.closed or day in self.holidays

    def intervals_on(self, day: date) -> list[Piece]:
        """The working time of one local day, as [begins, ends) UTC instants in order. An interval that
        meets a DST change is cut to the instants whose wall-clock time lies in it: shorter across a
        gap, and in two pieces when it ends inside a repeated hour."""
        cached = self._days.get(day)
        if cached is None:
            cached = [] if self.is_closed(day) else _pieces(day, self.week[day.weekday()], self.tz)
            if len(self._days) >= _DAY_CACHE_LIMIT:
                self._days.clear()
            self._days[day] = cached
        return cached


def _offset(instant: datetime, tz: ZoneInfo) -> timedelta:
    return instant.astimezone(tz).utcoffset()


def _segments(midnight: datetime, tz: ZoneInfo) -> list[tuple[datetime, datetime, timedelta]]:
    """Stretches of constant UTC offset covering the window around one local day: (from, to, offset),
    with `midnight` the local midnight written as if it were UTC."""
    first, last = midnight - _WINDOW, midnight + timedelta(days=1) + _WINDOW
    segments, begins, offset = [], first, _offset(first, tz)
    probe = first
    while probe < last:
        following = min(probe + _SAMPLE_STEP, last)
        following_offset = _offset(following, tz)
        if following_offset != offset:
            # Find the transition to the second: the first instant with the new offset.
            low, high = probe, following
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if middle <= low:
                    break
                if _offset(middle, tz) == offset:
                    low = middle
                else:
                    high = middle
            segments.append((begins, high, offset))
            begins, offset = high, _offset(high, tz)
        probe = following
    segments.append((begins, last, offset))
    return segments


def _pieces(day: date, intervals: tuple[Interval, ...], tz: ZoneInfo) -> list[Piece]:
    if not intervals:
        return []
    midnight = datetime.combine(day, time(0), tzinfo=_UTC)
    segments = _segments(midnight, tz)
    raw: list[Piece] = []
    for start, end in intervals:
        # Local wall-clock bounds written as UTC: within one offset segment, instant = wall - offset.
        wall_start = midnight + timedelta(minutes=start)
        wall_end = midnight + timedelta(minutes=end)
        for seg_from, seg_to, offset in segments:
            begins = max(seg_from, wall_start - offset)
            ends = min(seg_to, wall_end - offset)
            if ends > begins:
                raw.append((begins, ends))
    pieces: list[Piece] = []
    for begins, ends in sorted(raw):
        if pieces and pieces[-1][1] >= begins:
            pieces[-1] = (pieces[-1][0], max(ends, pieces[-1][1]))
        else:
            pieces.append((begins, ends))
    return pieces


def _utc(moment: datetime) -> datetime:
    if not isinstance(moment, datetime):
        raise CalendarError(f"{moment!r} is not a date and time.")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise CalendarError(f"{moment.isoformat()} has no time zone; give times with an offset, e.g. +00:00.")
    return moment.astimezone(_UTC)


def _working_intervals(calendar: Calendar, since: datetime) -> Iterator[Piece]:
    """Working pieces ending after `since` (UTC), in order, up to the horizon."""
    # Start a day early: in a zone behind UTC, the local day before `since`'s UTC date may still be
    # running, and after a fall-back at midnight the previous local date comes round again. For the same
    # reason a piece of day D+1 may come before the last piece of day D, never before one of day D-1:
    # pieces wait in a heap until no later day can come before them.
    day = since.astimezone(calendar.tz).date() - timedelta(days=1)
    pending: list[tuple[datetime, datetime, int]] = []
    for index in range(HORIZON_DAYS):
        for begins, ends in calendar.intervals_on(day):
            if ends > since:
                heapq.heappush(pending, (begins, ends, index))
        while pending and pending[0][2] < index:
            begins, ends, _ = heapq.heappop(pending)
            yield begins, ends
        day += timedelta(days=1)
    while pending:
        begins, ends, _ = heapq.heappop(pending)
        yield begins, ends


def _duration(duration: timedelta) -> timedelta:
    if not isinstance(duration, timedelta):
        raise CalendarError(f"{duration!r} is not a duration.")
    if duration < timedelta(0):
        raise CalendarError("A business-time duration cannot be negative.")
    return duration


def local_time(instant: datetime, calendar: Calendar) -> datetime:
    """`instant` as the calendar's wall clock shows it, with that moment's UTC offset as a fixed offset.
    A ZoneInfo-aware result would compare wrongly in a repeated hour: Python compares two datetimes of
    one zone by wall-clock time, ignoring which pass of the hour they are in, and says == is False
    between zones for any time in that hour (PEP 495). A fixed offset compares as the instant it is."""
    local = instant.astimezone(calendar.tz)
    return local.replace(tzinfo=timezone(local.utcoffset()), fold=0)


def add_business_time(start: datetime, duration: timedelta, calendar: Calendar) -> datetime:
    """The moment when `duration` of working time has passed since `start`, with the calendar's UTC
    offset at that moment (see local_time). Time outside working hours does not count: a 1-hour
    target set on Friday at 17:00 falls due on Monday at 10:00 (with 09:00-17:00 hours). A zero
    duration is `start` itself; a duration that ends exactly when a working interval ends falls due at
    that end, not at the next opening."""
    duration = _duration(duration)
    since = _utc(start)
    if duration == timedelta(0):
        return local_time(since, calendar)
    remaining = duration
    for begins, ends in _working_intervals(calendar, since):
        begins = max(begins, since)
        available = ends - begins
        if remaining <= available:
            return local_time(begins + remaining, calendar)
        remaining -= available
    raise CalendarError(
        f"This calendar has no {_words(duration)} of working time within {HORIZON_DAYS // 366} years of "
        f"{start.isoformat()}."
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
    """Whether `moment` is inside working hours: its local date is open and its wall-clock time is
    within that weekday's hours."""
    local = _utc(moment).astimezone(calendar.tz)
    if calendar.is_closed(local.date()):
        return False
    minute = local.hour * 60 + local.minute + (local.second + local.microsecond / 1e6) / 60
    return any(start <= minute < end for start, end in calendar.week[local.weekday()])


def _words(duration: timedelta) -> str:
    minutes = int(duration.total_seconds() // 60)
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


# --- Reading calendars people write -------------------------------------------------------------------

_TIME = r"(\d{1,2}):(\d{2})"
_RANGE = re.compile(rf"^{_TIME}\s*-\s*{_TIME}$")


def parse_hours(text: str) -> tuple[tuple[Interval, ...], ...]:
    """Weekly hours from lines such as "mon-fri 09:00-17:30", "sat 10:00-14:00" or
    "mon,wed 08:00-12:00, 13:00-17:00" (lines or ';' separate rules). Rules add up, so a night shift
    is "mon-fri 22:00-24:00; tue-sat 00:00-06:00"; hours of one day that overlap are an error, and
    touching ones join. Days not named are closed. Raises CalendarError with the offending part."""
    week: list[list[Interval]] = [[] for _ in range(7)]
    rules = [rule.strip() for rule in re.split(r"[;\n]", text or "") if rule.strip()]
    if not rules:
        raise CalendarError("Give working hours, e.g. 'mon-fri 09:00-17:30'.")
    for rule in rules:
        parts = rule.split(None, 1)
        if len(parts) != 2:
            raise CalendarError(f"'{rule}': write the days, then the hours, e.g. 'mon-fri 09:00-17:30'.")
        days, ranges = parts
        pieces = [piece.strip() for piece in ranges.split(",")]
        if not all(pieces):
            raise CalendarError(f"'{rule}': separate hours with one comma, e.g. 08:00-12:00, 13:00-17:00.")
        chosen = _parse_days(days.lower(), rule)
        intervals = [_parse_range(piece, rule) for piece in pieces]
        for day in chosen:
            week[day].extend(intervals)
    result = []
    for day, intervals in enumerate(week):
        joined: list[Interval] = []
        for start, end in sorted(intervals):
            if joined and start < joined[-1][1]:
                raise CalendarError(
                    f"{DAY_NAMES[day].capitalize()}'s hours overlap ({_hhmm(joined[-1][0])}-{_hhmm(joined[-1][1])} "
                    f"and {_hhmm(start)}-{_hhmm(end)}); give each day each hour once."
                )
            if joined and start == joined[-1][1]:
                joined[-1] = (joined[-1][0], end)
            else:
                joined.append((start, end))
        result.append(tuple(joined))
    return tuple(result)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _day(text: str, rule: str) -> int:
    name = text.strip()
    for index, (short, full) in enumerate(zip(DAYS, DAY_NAMES)):
        if name in (short, full) or (len(name) >= 3 and full.startswith(name)):
            return index
    raise CalendarError(f"'{rule}': days are written mon, tue, wed, thu, fri, sat, sun (e.g. mon-fri).")


def _parse_days(text: str, rule: str) -> list[int]:
    days: list[int] = []
    for piece in text.split(","):
        first, dash, last = piece.partition("-")
        a = _day(first, rule)
        b = _day(last, rule) if dash else a
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
        raise CalendarError(
            f"'{rule}': {text} ends before it starts; split a night shift at midnight (22:00-24:00, then 00:00-06:00)."
        )
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
            hours = ", ".join(f"{_hhmm(s)}-{_hhmm(e)}" for s, e in week[day])
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
        names = ", ".join(holidays.list_supported_countries()[country]) or "none"
        raise CalendarError(f"'{code}': {country} has no subdivision '{subdivision}'; it has {names}.") from None


def parse_closed_days(text: str) -> dict[date, str]:
    """The business's own closed days, one per line or comma: "2026-12-24 Christmas Eve", "2026-12-31"."""
    days: dict[date, str] = {}
    for line in re.split(r"[\n,]", text or ""):
        line = line.strip()
        if not line:
            continue
        written, _, name = line.partition(" ")
        try:
            day = date.fromisoformat(written)
        except ValueError:
            raise CalendarError(
                f"'{line}': write a closed day as a date, then its name: 2026-12-24 Christmas Eve."
            ) from None
        if day in days:
            raise CalendarError(f"{day.isoformat()} is listed twice; give each closed day once.")
        days[day] = name.strip()[:100]
    return days


def holiday_name(calendar: Calendar, day: date) -> str:
    """What a closed day is called, for people: the public holiday's name, else ''."""
    getter = getattr(calendar.holidays, "get", None)
    return (getter(day) or "") if getter else ""


def build(*, hours: str, tz: str, holidays: str = "", closed=()) -> Calendar:
    """A calendar from what a person typed (the CLI and the stored calendars both come through here)."""
    return Calendar(
        tz=zone(tz), week=parse_hours(hours), holidays=public_holidays(holidays), closed=frozenset(closed)
    )


ALWAYS_OPEN = Calendar(tz=ZoneInfo("UTC"), week=(((0, MINUTES_PER_DAY),),) * 7)
