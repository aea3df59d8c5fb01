"""caredesk reports rebuild: recompute every rolled-up figure from the event log.

    caredesk reports rebuild

Empties the rollup tables and folds every event again (rollup.rebuild), in one transaction: the
dashboards show the old figures until it commits. Run it after loading events that bypassed the hooks
(`caredesk seed`, a restore) or to check the incremental figures; prints what it wrote and how long it took.
"""

import time

from django.core.management.base import BaseCommand

from caredesk.reports import rollup


class Command(BaseCommand):
    help = "Recompute the reports' rolled-up figures from the event log."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("rebuild", help="Recompute everything from the event log.")

    def handle(self, *args, action: str, **options):
        started = time.perf_counter()
        written = rollup.rebuild(progress=lambda line: self.stderr.write(line))
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Folded {written['events']} events of {written['tickets']} tickets into {written['measurements']} "
            f"measurements and {written['daily_figures']} daily figures in {seconds:.1f} s."
        )
