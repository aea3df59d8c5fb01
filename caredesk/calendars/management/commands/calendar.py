"""caredesk calendar due|elapsed: check a business calendar from the shell.

    caredesk calendar due --calendar "UK office" --start 2026-11-27T17:00+00:00 --minutes 60
    caredesk calendar due --hours 'mon-fri 09:00-17:30' --tz Europe/London --holidays GB-ENG \\
        --start 2026-12-24T16:00 --minutes 120
    caredesk calendar elapsed --calendar "UK office" --start 2026-12-24T09:00+00:00 --end 2026-12-29T12:00+00:00

`due` prints the due time in ISO 8601 with its offset and nothing else on stdout; `elapsed` prints the
working time between two instants in minutes. Notes (a start read in the calendar's zone) go to stderr.
The arithmetic is the settings page preview's: calendars.services.due.
"""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from caredesk.calendars import business_time, services
from caredesk.calendars.models import BusinessCalendar


def _refused(message: str) -> CommandError:
    """Bad input: exit status 2, as argparse uses for a bad command line; nothing is changed."""
    return CommandError(message, returncode=2)


def _calendar_arguments(parser) -> None:
    parser.add_argument("--calendar", metavar="NAME", help="A stored calendar, by name.")
    parser.add_argument("--hours", help="Inline hours instead, e.g. 'mon-fri 09:00-17:30; sat 10:00-14:00'.")
    parser.add_argument("--tz", help="The inline calendar's time zone, e.g. Europe/London.")
    parser.add_argument("--holidays", default="", help="ISO 3166 country and optional region, e.g. GB-ENG.")
    parser.add_argument("--closed", default="", help="The business's own closed days: 2026-12-24,2026-12-31.")
    parser.add_argument(
        "--start", required=True, help="ISO 8601 date and time; without an offset, read in the calendar's zone."
    )


class Command(BaseCommand):
    help = "Compute due times and elapsed working time with a business calendar."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{due,elapsed}")
        due = actions.add_parser("due", help="Print when a target of --minutes set at --start falls due.")
        _calendar_arguments(due)
        due.add_argument("--minutes", required=True, type=int, help="Minutes of working time.")
        elapsed = actions.add_parser("elapsed", help="Print the minutes of working time from --start to --end.")
        _calendar_arguments(elapsed)
        elapsed.add_argument("--end", required=True, help="ISO 8601 date and time, as --start.")

    def handle(self, *, action: str, **options):
        try:
            calendar = self._calendar(options)
            start = self._moment(options["start"], calendar, "--start")
            if action == "due":
                self.stdout.write(services.due(calendar, start=start, minutes=options["minutes"]).isoformat())
            else:
                end = self._moment(options["end"], calendar, "--end")
                seconds = business_time.elapsed_business_time(start, end, calendar).total_seconds()
                minutes, rest = divmod(seconds, 60)
                self.stdout.write(f"{int(minutes)}" if not rest else f"{seconds / 60:.2f}")
        except business_time.CalendarError as error:
            raise _refused(str(error)) from None

    def _calendar(self, options) -> business_time.Calendar:
        if options["calendar"]:
            if options["hours"] or options["tz"] or options["holidays"] or options["closed"]:
                raise _refused("Give either --calendar NAME or an inline calendar (--hours, --tz, ...), not both.")
            stored = BusinessCalendar.objects.filter(name__iexact=options["calendar"].strip()).first()
            if stored is None:
                names = ", ".join(BusinessCalendar.objects.values_list("name", flat=True)) or "none yet"
                raise _refused(f"There is no calendar called {options['calendar']}; there are: {names}.")
            return services.build(stored)
        if not options["hours"] or not options["tz"]:
            raise _refused("Give --calendar NAME, or --hours and --tz (and optionally --holidays, --closed).")
        closed = business_time.parse_closed_days(options["closed"])
        return business_time.build(
            hours=options["hours"], tz=options["tz"], holidays=options["holidays"], closed=closed
        )

    def _moment(self, text: str, calendar: business_time.Calendar, flag: str) -> datetime:
        try:
            moment, assumed = services.parse_start(text, calendar)
        except business_time.CalendarError as error:
            raise _refused(f"{flag}: {error}") from None
        if assumed:
            self.stderr.write(f"{flag} has no offset: read as {calendar.tz.key} time, {moment.isoformat()}.")
        return moment
