"""Worked examples of business time, each checked by hand against a wall calendar."""

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from caredesk.calendars.business_time import (
    ALWAYS_OPEN,
    Calendar,
    CalendarError,
    add_business_time,
    build,
    elapsed_business_time,
    format_hours,
    is_working_time,
    parse_hours,
)

LONDON = ZoneInfo("Europe/London")
UTC = timezone.utc
HOUR = timedelta(hours=1)


def at(*args, tz=LONDON) -> datetime:
    return datetime(*args, tzinfo=tz)


@pytest.fixture(scope="module")
def office():
    return build(hours="mon-fri 09:00-17:00", tz="Europe/London", holidays="GB-ENG")


def test_an_hour_from_friday_five_pm_is_monday_ten_am(office):
    assert add_business_time(at(2026, 11, 27, 17, 0), HOUR, office) == at(2026, 11, 30, 10, 0)


def test_a_due_time_is_given_in_the_calendars_zone(office):
    due = add_business_time(datetime(2026, 7, 3, 8, 0, tzinfo=UTC), HOUR, office)  # 09:00 BST
    assert due.isoformat() == "2026-07-03T10:00:00+01:00"


def test_work_ending_at_closing_time_falls_due_at_closing_time(office):
    assert add_business_time(at(2026, 11, 27, 16, 0), HOUR, office) == at(2026, 11, 27, 17, 0)


def test_christmas_2026_in_england_closes_friday_and_the_substitute_monday(office):
    # Thu 24th: one hour left; Fri 25th Christmas Day; Sat 26th Boxing Day, so Mon 28th is its substitute.
    assert add_business_time(at(2026, 12, 24, 16, 0), 2 * HOUR, office) == at(2026, 12, 29, 10, 0)
    assert elapsed_business_time(at(2026, 12, 24, 17, 0), at(2026, 12, 29, 9, 0), office) == timedelta(0)
    assert not is_working_time(at(2026, 12, 28, 11, 0), office)


def test_a_closed_day_of_the_business_counts_nothing():
    calendar = build(hours="mon-fri 09:00-17:00", tz="Europe/London", holidays="GB-ENG", closed=[date(2026, 12, 24)])
    assert add_business_time(at(2026, 12, 23, 16, 0), 2 * HOUR, calendar) == at(2026, 12, 29, 10, 0)
    assert elapsed_business_time(at(2026, 12, 24, 0, 0), at(2026, 12, 25, 0, 0), calendar) == timedelta(0)


def test_round_the_clock_hours_make_spring_forward_day_23_hours_and_fall_back_day_25():
    calendar = build(hours="mon-sun 00:00-24:00", tz="Europe/London")
    assert elapsed_business_time(at(2026, 3, 29), at(2026, 3, 30), calendar) == 23 * HOUR
    assert elapsed_business_time(at(2026, 10, 25), at(2026, 10, 26), calendar) == 25 * HOUR
    # 23:00 GMT on Saturday plus three hours: midnight, 01:00, then the clocks jump to 02:00 BST: 03:00 BST.
    assert add_business_time(at(2026, 3, 28, 23, 0), 3 * HOUR, calendar).isoformat() == "2026-03-29T03:00:00+01:00"


def test_hours_across_the_skipped_hour_lose_it():
    # 00:30-02:30 on 29 March 2026: 00:30-01:00 GMT, then 02:00-02:30 BST: one hour of work.
    calendar = build(hours="mon-sun 00:30-02:30", tz="Europe/London")
    assert elapsed_business_time(at(2026, 3, 29), at(2026, 3, 30), calendar) == HOUR
    assert add_business_time(at(2026, 3, 29, 0, 30), HOUR, calendar).isoformat() == "2026-03-29T02:30:00+01:00"
    assert add_business_time(at(2026, 3, 29, 0, 45), 30 * timedelta(minutes=1), calendar).isoformat() == (
        "2026-03-29T02:15:00+01:00"
    )


def test_hours_across_the_repeated_hour_work_it_twice():
    # 00:30-02:30 on 25 October 2026: 00:30 BST to 02:30 GMT, with 01:00-02:00 twice: three hours.
    calendar = build(hours="mon-sun 00:30-02:30", tz="Europe/London")
    assert elapsed_business_time(at(2026, 10, 25), at(2026, 10, 26), calendar) == 3 * HOUR
    due = add_business_time(at(2026, 10, 25, 0, 30), 2 * HOUR, calendar)
    assert due.isoformat() == "2026-10-25T01:30:00+00:00"  # the second half past one
    assert due == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


def test_due_times_in_the_repeated_hour_compare_as_the_instants_they_are():
    # 01:45 on the first pass (BST) comes before 01:15 on the second (GMT), though its clock reads later.
    calendar = build(hours="mon-sun 00:00-24:00", tz="Europe/London")
    first_pass = add_business_time(at(2026, 10, 25, 0, 0), timedelta(minutes=105), calendar)
    second_pass = add_business_time(at(2026, 10, 25, 0, 0), timedelta(minutes=135), calendar)
    assert (first_pass.isoformat(), second_pass.isoformat()) == ("2026-10-25T01:45:00+01:00", "2026-10-25T01:15:00+00:00")
    assert first_pass < second_pass
    assert first_pass == datetime(2026, 10, 25, 0, 45, tzinfo=UTC)
    assert second_pass == datetime(2026, 10, 25, 1, 15, tzinfo=UTC)


def test_hours_starting_inside_the_skipped_hour_begin_when_the_clocks_land():
    calendar = build(hours="sun 01:30-03:00", tz="Europe/London")
    assert elapsed_business_time(at(2026, 3, 29), at(2026, 3, 30), calendar) == HOUR
    assert add_business_time(at(2026, 3, 29), timedelta(minutes=1), calendar).isoformat() == "2026-03-29T02:01:00+01:00"


def test_hours_ending_inside_the_repeated_hour_count_both_passes_of_it():
    # Found by the property test: New York falls back at 02:00 EDT on 1 November 2026 to 01:00 EST;
    # 00:00-01:15 on that Sunday is 00:00-01:15 EDT and again 01:00-01:15 EST.
    new_york = ZoneInfo("America/New_York")
    calendar = build(hours="sun 00:00-01:15", tz="America/New_York")
    assert elapsed_business_time(
        datetime(2026, 11, 1, 6, 0, tzinfo=UTC), datetime(2026, 11, 1, 6, 1, tzinfo=UTC), calendar
    ) == timedelta(minutes=1)
    assert elapsed_business_time(at(2026, 11, 1, tz=new_york), at(2026, 11, 2, tz=new_york), calendar) == timedelta(
        minutes=90
    )


def test_lord_howe_half_hour_change_makes_a_day_of_twenty_three_and_a_half_hours():
    lord_howe = ZoneInfo("Australia/Lord_Howe")
    calendar = build(hours="mon-sun 00:00-24:00", tz="Australia/Lord_Howe")
    assert elapsed_business_time(at(2026, 10, 4, tz=lord_howe), at(2026, 10, 5, tz=lord_howe), calendar) == timedelta(
        hours=23, minutes=30
    )


def test_kolkata_half_hour_offset_has_no_dst():
    kolkata = ZoneInfo("Asia/Kolkata")
    calendar = build(hours="mon-sat 10:00-18:00", tz="Asia/Kolkata", holidays="IN")
    due = add_business_time(datetime(2026, 6, 5, 12, 0, tzinfo=UTC), 2 * HOUR, calendar)  # Fri 17:30 IST
    assert due == at(2026, 6, 6, 11, 30, tz=kolkata)


def test_a_night_shift_crosses_midnight():
    calendar = build(hours="mon-fri 22:00-24:00; tue-sat 00:00-06:00", tz="Europe/London")
    assert add_business_time(at(2026, 11, 23, 23, 0), 2 * HOUR, calendar) == at(2026, 11, 24, 1, 0)
    # Friday night 23:00-06:00 is seven hours; the eighth is Monday 22:00-23:00.
    assert add_business_time(at(2026, 11, 27, 23, 0), 8 * HOUR, calendar) == at(2026, 11, 30, 23, 0)
    assert elapsed_business_time(at(2026, 11, 23, 21, 0), at(2026, 11, 24, 7, 0), calendar) == 8 * HOUR


def test_zero_duration_is_the_start_even_outside_hours(office):
    assert add_business_time(at(2026, 11, 28, 12, 0), timedelta(0), office) == at(2026, 11, 28, 12, 0)


def test_elapsed_backwards_is_zero(office):
    assert elapsed_business_time(at(2026, 11, 27, 12, 0), at(2026, 11, 27, 10, 0), office) == timedelta(0)


def test_a_negative_duration_is_refused(office):
    with pytest.raises(CalendarError, match="cannot be negative"):
        add_business_time(at(2026, 11, 27, 12, 0), -HOUR, office)


@pytest.mark.parametrize("call", [
    lambda cal: add_business_time(datetime(2026, 11, 27, 12, 0), HOUR, cal),
    lambda cal: elapsed_business_time(datetime(2026, 11, 27, 12, 0), at(2026, 11, 28), cal),
    lambda cal: elapsed_business_time(at(2026, 11, 27), datetime(2026, 11, 28), cal),
    lambda cal: is_working_time(datetime(2026, 11, 27, 12, 0), cal),
])
def test_naive_times_are_refused(office, call):
    with pytest.raises(CalendarError, match="has no time zone; give times with an offset"):
        call(office)


def test_a_calendar_with_no_working_hours_is_refused():
    with pytest.raises(CalendarError, match="no working hours on any day"):
        Calendar(tz=LONDON, week=((),) * 7)


def test_an_impossible_due_time_is_refused():
    class EveryDay:
        def __contains__(self, day):
            return True

    calendar = Calendar(tz=LONDON, week=parse_hours("mon-fri 09:00-17:00"), holidays=EveryDay())
    with pytest.raises(CalendarError) as error:
        add_business_time(at(2026, 11, 27, 12, 0), HOUR, calendar)
    assert str(error.value) == (
        "This calendar has no 1 hour of working time within 3 years of 2026-11-27T12:00:00+00:00."
    )


@pytest.mark.parametrize("hours, message", [
    ("", "Give working hours, e.g. 'mon-fri 09:00-17:30'."),
    ("mon-fri", "'mon-fri': write the days, then the hours, e.g. 'mon-fri 09:00-17:30'."),
    ("funday 09:00-17:00", "'funday 09:00-17:00': days are written mon, tue, wed, thu, fri, sat, sun (e.g. mon-fri)."),
    ("fri-mon 09:00-17:00", "'fri-mon 09:00-17:00': a range of days runs forwards from Monday, e.g. mon-fri."),
    ("mon 9-5", "'mon 9-5': hours are written 09:00-17:30."),
    ("mon 09:00-25:00", "'mon 09:00-25:00': 09:00-25:00 is not a time of day (00:00 to 24:00)."),
    ("mon 22:00-06:00", "'mon 22:00-06:00': 22:00-06:00 ends before it starts; split a night shift at midnight "
                        "(22:00-24:00, then 00:00-06:00)."),
    ("mon-fri 09:00-17:00; fri 12:00-13:00", "Friday's hours overlap (09:00-17:00 and 12:00-13:00); give each day "
                                             "each hour once."),
])
def test_hours_that_cannot_be_read_say_why(hours, message):
    with pytest.raises(CalendarError) as error:
        parse_hours(hours)
    assert str(error.value) == message


def test_hours_read_back_as_written():
    week = parse_hours("Monday-Friday 09:00-12:00, 12:00-17:30\nsat 10:00-14:00")
    assert format_hours(week) == "mon-fri 09:00-17:30; sat 10:00-14:00"


@pytest.mark.parametrize("tz, code, message", [
    ("Mars/Olympus", "", "'Mars/Olympus' is not a time zone; use an IANA name such as Europe/London."),
    ("Europe/London", "XX", "No public holidays are known for the country 'XX'; use an ISO 3166 code such as GB."),
    ("Europe/London", "GB-XYZ", "'GB-XYZ': GB has no subdivision 'XYZ'; it has ENG, NIR, SCT, WLS."),
])
def test_unknown_zones_and_holiday_codes_say_why(tz, code, message):
    with pytest.raises(CalendarError) as error:
        build(hours="mon-fri 09:00-17:00", tz=tz, holidays=code)
    assert str(error.value) == message


def test_always_open_counts_every_hour():
    assert elapsed_business_time(at(2026, 3, 29), at(2026, 3, 30), ALWAYS_OPEN) == 23 * HOUR
