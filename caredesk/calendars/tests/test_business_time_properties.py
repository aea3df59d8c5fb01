"""Properties of business time over random calendars and instants, with DST changes in four kinds of zone.

The oracle is deliberately dumb: it walks minute by minute, converts each minute to the calendar's wall
clock and asks whether that wall-clock time is inside the weekday's hours on an open day. Instants are
whole UTC minutes, and every offset in these zones is a whole number of minutes, so the count is exact.
"""

import os
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from caredesk.calendars.business_time import (
    Calendar,
    add_business_time,
    elapsed_business_time,
    is_working_time,
)

UTC = timezone.utc
MINUTE = timedelta(minutes=1)
ZONES = ["Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]
# DST changes in 2026 (UTC): London Mar 29 01:00 and Oct 25 01:00; New York Mar 8 07:00 and Nov 1 06:00;
# Lord Howe (30 minutes) Apr 5 15:00 and Oct 3 15:30. Kolkata has none: a control.
TRANSITIONS = [
    datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    datetime(2026, 10, 25, 1, 0, tzinfo=UTC),
    datetime(2026, 3, 8, 7, 0, tzinfo=UTC),
    datetime(2026, 11, 1, 6, 0, tzinfo=UTC),
    datetime(2026, 4, 4, 15, 0, tzinfo=UTC),
    datetime(2026, 10, 3, 15, 30, tzinfo=UTC),
    datetime(2026, 12, 24, 23, 0, tzinfo=UTC),
]

def examples(default: int) -> int:
    """CI lowers the number of examples (CAREDESK_HYPOTHESIS_EXAMPLES) to keep the whole run short; a
    developer's run tries the full number."""
    return min(default, int(os.environ.get("CAREDESK_HYPOTHESIS_EXAMPLES", default)))


PROPERTY = settings(max_examples=examples(120), deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def intervals(draw):
    """A day's hours at 15-minute marks, sometimes reaching 24:00, often starting or ending in the small
    hours where these zones skip or repeat wall-clock time (01:00-03:00)."""
    any_mark = st.integers(0, 96).map(lambda quarter: quarter * 15)
    small_hours = st.integers(2, 13).map(lambda quarter: quarter * 15)
    marks = sorted(draw(st.sets(st.one_of(any_mark, small_hours), max_size=6)))
    if len(marks) % 2:
        marks = marks[:-1]
    return tuple((marks[i], marks[i + 1]) for i in range(0, len(marks), 2))


@st.composite
def calendars(draw):
    week = [draw(intervals()) for _ in range(7)]
    if not any(week):
        week[draw(st.integers(0, 6))] = draw(st.sampled_from([((540, 1020),), ((0, 1440),), ((30, 150),)]))
    closed = draw(st.frozensets(st.dates(date(2026, 2, 20), date(2027, 1, 10)), max_size=40))
    # Closing whole weeks around a DST change exercises empty stretches next to the change.
    if draw(st.booleans()):
        anchor = draw(st.sampled_from(TRANSITIONS)).date()
        closed |= {anchor + timedelta(days=offset) for offset in range(-2, draw(st.integers(-1, 3)))}
    return Calendar(tz=ZoneInfo(draw(st.sampled_from(ZONES))), week=tuple(week), closed=frozenset(closed))


@st.composite
def instants(draw):
    """Whole UTC minutes, mostly within three days of a DST change."""
    if draw(st.integers(0, 3)) == 0:
        base = datetime(2026, 3, 1, tzinfo=UTC)
        return base + timedelta(minutes=draw(st.integers(0, 300 * 24 * 60)))
    return draw(st.sampled_from(TRANSITIONS)) + timedelta(minutes=draw(st.integers(-3 * 1440, 3 * 1440)))


minutes = st.integers(0, 3 * 1440).map(lambda n: timedelta(minutes=n))


def works(calendar: Calendar, instant: datetime) -> bool:
    local = instant.astimezone(calendar.tz)
    if local.date() in calendar.closed:
        return False
    minute = local.hour * 60 + local.minute
    return any(start <= minute < end for start, end in calendar.week[local.weekday()])


def counted(calendar: Calendar, start: datetime, end: datetime) -> timedelta:
    total, moment = timedelta(0), start
    while moment < end:
        total += MINUTE if works(calendar, moment) else timedelta(0)
        moment += MINUTE
    return total


@PROPERTY
@given(calendars(), instants(), st.integers(0, 4 * 1440))
# Found by this property in the first version of the module, which mapped each interval to one stretch of
# UTC: New York's repeated hour on 1 November 2026, with Sunday hours 00:00-01:15 (the second 01:00-01:15).
@example(
    Calendar(tz=ZoneInfo("America/New_York"), week=((), (), (), (), (), (), ((0, 75),))),
    datetime(2026, 11, 1, 6, 0, tzinfo=UTC),
    1,
)
def test_elapsed_counts_exactly_the_working_minutes(calendar, start, length):
    end = start + timedelta(minutes=length)
    assert elapsed_business_time(start, end, calendar) == counted(calendar, start, end)


@PROPERTY
@given(calendars(), instants())
def test_is_working_time_agrees_with_the_wall_clock(calendar, moment):
    assert is_working_time(moment, calendar) == works(calendar, moment)


@PROPERTY
@given(calendars(), instants(), minutes)
def test_elapsed_from_start_to_due_is_the_duration(calendar, start, duration):
    due = add_business_time(start, duration, calendar)
    assert due >= start
    assert elapsed_business_time(start, due, calendar) == duration


@PROPERTY
@given(calendars(), instants(), minutes)
def test_a_due_time_is_the_end_of_a_working_minute(calendar, start, duration):
    due = add_business_time(start, duration, calendar)
    if duration:
        assert works(calendar, due - MINUTE)
        # ... and the earliest such moment: one minute less of work would have fallen due before it.
        assert add_business_time(start, duration - MINUTE, calendar) < due
    else:
        assert due == start


@PROPERTY
@given(calendars(), instants(), minutes, minutes)
def test_adding_is_additive(calendar, start, first, second):
    assert add_business_time(add_business_time(start, first, calendar), second, calendar) == add_business_time(
        start, first + second, calendar
    )


@PROPERTY
@given(calendars(), instants(), st.integers(0, 3 * 1440), minutes)
def test_adding_is_monotonic_in_the_start(calendar, start, later_by, duration):
    later = start + timedelta(minutes=later_by)
    assert add_business_time(start, duration, calendar) <= add_business_time(later, duration, calendar)


@PROPERTY
@given(calendars(), instants(), minutes, minutes)
def test_adding_is_monotonic_in_the_duration(calendar, start, shorter, more):
    assert add_business_time(start, shorter, calendar) <= add_business_time(start, shorter + more, calendar)


@PROPERTY
@given(calendars(), instants(), st.integers(0, 2 * 1440), st.integers(0, 2 * 1440))
def test_elapsed_is_additive_over_a_split_point(calendar, start, to_split, to_end):
    split = start + timedelta(minutes=to_split)
    end = split + timedelta(minutes=to_end)
    assert elapsed_business_time(start, end, calendar) == elapsed_business_time(
        start, split, calendar
    ) + elapsed_business_time(split, end, calendar)


@PROPERTY
@given(calendars(), instants())
def test_no_time_elapses_outside_working_hours(calendar, start):
    # From any instant to the next working minute (or a day on, whichever comes first) nothing counts.
    end = start
    while not works(calendar, end) and end < start + timedelta(days=1):
        end += MINUTE
    assert elapsed_business_time(start, end, calendar) == timedelta(0)
    # ... and a duration started there runs from the first working minute.
    if end < start + timedelta(days=1):
        assert add_business_time(start, MINUTE, calendar) == end + MINUTE


@PROPERTY
@given(calendars(), st.sampled_from(TRANSITIONS), st.integers(-2, 2))
def test_no_time_elapses_on_a_closed_day(calendar, near, shift):
    day = (near.astimezone(calendar.tz) + timedelta(days=shift)).date()
    closed = Calendar(tz=calendar.tz, week=calendar.week, closed=calendar.closed | {day})
    local_midnight = datetime.combine(day, datetime.min.time(), tzinfo=calendar.tz)
    # Wall-clock midnight to midnight, widened by the DST change that day may have.
    begins = local_midnight.astimezone(UTC) - timedelta(hours=1)
    ends = (local_midnight + timedelta(days=1)).astimezone(UTC) + timedelta(hours=1)
    begins = min(m for m in (begins + MINUTE * k for k in range(121)) if m.astimezone(calendar.tz).date() == day)
    ends = max(m for m in (ends - MINUTE * k for k in range(121)) if m.astimezone(calendar.tz).date() == day)
    assert elapsed_business_time(begins, ends + MINUTE, closed) == timedelta(0)
