"""caredesk calendar due|elapsed, as an admin checks a calendar from the shell."""

import os
import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from caredesk.calendars.models import BusinessCalendar, ClosedDay

ROOT = Path(__file__).resolve().parents[3]


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("calendar", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(*args: str) -> str:
    with pytest.raises(CommandError) as error:
        run(*args)
    assert error.value.returncode == 2
    return str(error.value)


INLINE = ["--hours", "mon-fri 09:00-17:30", "--tz", "Europe/London", "--holidays", "GB-ENG"]


@pytest.fixture
def office(db):
    calendar = BusinessCalendar.objects.create(
        name="UK office", hours="mon-fri 08:00-18:00\nsat 09:00-13:00", time_zone="Europe/London", holidays="GB-ENG"
    )
    ClosedDay.objects.create(calendar=calendar, date=date(2026, 12, 24), name="Christmas Eve")
    return calendar


def test_due_prints_only_the_due_time_with_its_offset(office):
    out, err = run("due", "--calendar", "UK office", "--start", "2026-11-27T17:30+00:00", "--minutes", "60")
    # Friday 17:30-18:00, then Saturday 09:00-09:30.
    assert (out, err) == ("2026-11-28T09:30:00+00:00\n", "")


def test_due_with_a_stored_calendar_skips_its_closed_days_and_holidays(office):
    out, _ = run("due", "--calendar", "uk office", "--start", "2026-12-23T17:00+00:00", "--minutes", "120")
    # Wed 23rd 17:00-18:00, Thu 24th closed by the business, 25th-26th holidays, 27th Sunday, 28th substitute.
    assert out == "2026-12-29T09:00:00+00:00\n"


def test_due_with_an_inline_calendar(db):
    # Friday 16:00-17:30 BST, then Monday 09:00-09:30.
    out, _ = run("due", *INLINE, "--start", "2026-07-03T16:00:00+01:00", "--minutes", "120")
    assert out == "2026-07-06T09:30:00+01:00\n"


def test_due_with_inline_closed_days(db):
    args = [*INLINE, "--closed", "2026-12-29,2026-12-30", "--start", "2026-12-24T17:30+00:00", "--minutes", "30"]
    assert run("due", *args)[0] == "2026-12-31T09:30:00+00:00\n"


def test_a_start_without_an_offset_is_read_in_the_calendars_zone_and_says_so(db):
    out, err = run("due", *INLINE, "--start", "2026-07-03T16:00", "--minutes", "120")
    assert out == "2026-07-06T09:30:00+01:00\n"
    assert err == "--start has no offset: read as Europe/London time, 2026-07-03T16:00:00+01:00.\n"


def test_elapsed_prints_working_minutes(office):
    out, _ = run("elapsed", "--calendar", "UK office", "--start", "2026-12-23T17:00+00:00", "--end", "2026-12-29T10:00+00:00")
    assert out == "180\n"  # 17:00-18:00 on the 23rd, 08:00-10:00 on the 29th


def test_elapsed_prints_whole_minutes_plainly_however_many(db):
    args = ["--hours", "mon-sun 00:00-24:00", "--tz", "UTC", "--start", "2026-01-01T00:00+00:00"]
    assert run("elapsed", *args, "--end", "2028-01-01T00:00+00:00")[0] == "1051200\n"
    assert run("elapsed", *args, "--end", "2026-01-01T00:00:30+00:00")[0] == "0.50\n"


@pytest.mark.parametrize("args, message", [
    (["--calendar", "Moon base"], "There is no calendar called Moon base; there are: UK office."),
    (["--hours", "mon-fri 09:00-17:00"], "Give --calendar NAME, or --hours and --tz (and optionally --holidays, --closed)."),
    (["--calendar", "UK office", "--tz", "Europe/Paris"],
     "Give either --calendar NAME or an inline calendar (--hours, --tz, ...), not both."),
    (["--hours", "sat-sun", "--tz", "Europe/London"], "'sat-sun': write the days, then the hours, e.g. 'mon-fri 09:00-17:30'."),
    (["--hours", "mon 09:00-17:00", "--tz", "Europe/Londres"],
     "'Europe/Londres' is not a time zone; use an IANA name such as Europe/London."),
    (["--hours", "mon 09:00-17:00", "--tz", "Europe/London", "--holidays", "ZZ"],
     "No public holidays are known for the country 'ZZ'; use an ISO 3166 code such as GB."),
    (["--hours", "mon 09:00-17:00", "--tz", "Europe/London", "--closed", "24/12/2026"],
     "'24/12/2026': write a closed day as a date, then its name: 2026-12-24 Christmas Eve."),
])
def test_bad_calendars_are_refused_with_a_reason(office, args, message):
    assert refused("due", *args, "--start", "2026-11-27T17:00+00:00", "--minutes", "60") == message


def test_a_bad_start_is_refused(office):
    assert refused("due", "--calendar", "UK office", "--start", "next tuesday", "--minutes", "60") == (
        "--start: 'next tuesday' is not an ISO 8601 date and time; write e.g. 2026-11-27T17:00+00:00."
    )


def test_negative_minutes_are_refused(office):
    assert refused("due", "--calendar", "UK office", "--start", "2026-11-27T17:00+00:00", "--minutes", "-5") == (
        "Give a number of minutes of 0 or more."
    )


def test_an_impossible_due_time_is_refused(db):
    # Working only on 29 February, and closed on it.
    args = ["--hours", "mon-sun 09:00-17:00", "--tz", "UTC", "--closed", ",".join(
        f"{day.isoformat()}" for day in (date.fromordinal(date(2026, 11, 27).toordinal() + n) for n in range(1200))
    )]
    assert refused("due", *args, "--start", "2026-11-27T17:00+00:00", "--minutes", "60") == (
        "This calendar has no 1 hour of working time within 3 years of 2026-11-27T17:00:00+00:00."
    )


def test_nothing_is_changed_by_the_command(office):
    before = list(BusinessCalendar.objects.values())
    run("due", "--calendar", "UK office", "--start", "2026-11-27T17:00+00:00", "--minutes", "60")
    refused("due", "--calendar", "UK office", "--start", "nope", "--minutes", "60")
    assert list(BusinessCalendar.objects.values()) == before


def test_the_caredesk_entry_point_prints_the_due_time_and_refuses_bad_input_with_status_2(tmp_path):
    command = [str(Path(sys.executable).with_name("caredesk")), "calendar", "due", *INLINE]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}"}
    done = subprocess.run(
        [*command, "--start", "2026-11-27T17:00+00:00", "--minutes", "60"], capture_output=True, text=True, env=env,
        timeout=120,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "2026-11-30T09:30:00+00:00\n", "")
    done = subprocess.run(
        [*command, "--start", "2026-11-27T17:00+00:00", "--minutes", "sixty"], capture_output=True, text=True, env=env,
        timeout=120,
    )
    assert done.returncode == 2
    assert "argument --minutes: invalid int value: 'sixty'" in done.stderr
    assert done.stdout == ""
