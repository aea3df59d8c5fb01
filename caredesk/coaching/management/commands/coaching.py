"""caredesk coaching sample: pick the weekly review sample now.

    caredesk coaching sample                 # last week, every team (what the hourly task does)
    caredesk coaching sample --week 2026-11-16 --team Billing

Prints how many tickets were added per team; running it again for the same week adds nothing more.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from caredesk.accounts.models import Team
from caredesk.coaching import services


class Command(BaseCommand):
    help = "Coaching: pick the weekly sample of solved tickets to review."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{sample}")
        sample = actions.add_parser("sample", help="Pick each agent's tickets to review for a week.")
        sample.add_argument("--week", help="Any day of the week to sample (YYYY-MM-DD); default: last week.")
        sample.add_argument("--team", help="One team, by name; default: every team.")

    def handle(self, *, action: str, week: str | None = None, team: str | None = None, **options):
        try:
            day = date.fromisoformat(week) if week else services.last_week()
        except ValueError:
            raise CommandError(f"--week must be a date such as 2026-11-16, not {week!r}.", returncode=2) from None
        teams = Team.objects.select_related("coaching_settings").order_by("name")
        if team:
            teams = teams.filter(name=team)
            if not teams:
                raise CommandError(f"No team is called {team!r}.", returncode=2)
        monday = services.week_of(day)
        total = 0
        for each in teams:
            added = services.pick_sample(each, monday)
            total += len(added)
            self.stdout.write(f"{each.name}: {len(added)} added")
        self.stdout.write(f"Week of {monday.isoformat()}: {total} tickets added to review.")
