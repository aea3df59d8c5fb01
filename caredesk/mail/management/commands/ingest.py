"""caredesk ingest PATH... [--team NAME]: take in emails from files, folders, mbox files or stdin.

Each email is stored byte for byte, then processed into a new ticket or a reply. One that fails stays
stored for a retry and is listed on stderr; the summary on stdout counts what happened.
"""

import sys
from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from caredesk.mail import queries, services, sources
from caredesk.mail.models import InboundEmail
from caredesk.mail.services import Outcome


class Command(BaseCommand):
    help = "Store and process emails from .eml files, folders of .eml files, mbox files, or - (one email on stdin)."
    # call_command(..., stdin=BytesIO(...)) in tests; the real command reads sys.stdin's bytes.
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help=".eml file, folder, mbox file, or -")
        parser.add_argument(
            "--team", help="Team for new tickets (default: CAREDESK_EMAIL_TEAM, else the first team by name)."
        )
        parser.add_argument(
            "--history",
            action="store_true",
            help="Old mail: make tickets and replies without acknowledgements, notifications or automations.",
        )

    def handle(self, *, paths: list[str], team: str | None, history: bool, **options):
        try:
            receiving = queries.receiving_team(team)
            sources.check(paths)
        except (queries.NoTeam, sources.BadSource) as error:
            raise CommandError(str(error)) from None
        stdin = options.get("stdin") or sys.stdin.buffer
        counts: Counter[Outcome] = Counter()
        for number, raw in enumerate(sources.messages(paths, stdin=stdin), start=1):
            inbound, outcome = services.receive(
                raw, source=InboundEmail.Source.INGEST, team=receiving, quiet=history
            )
            counts[outcome] += 1
            if outcome == Outcome.FAILED:
                self.stderr.write(f"email {number} (stored as {inbound.pk}) failed: {inbound.error}")
        machine_sent = counts[Outcome.AUTO_REPLY] + counts[Outcome.BOUNCE]
        self.stdout.write(
            f"messages read {counts.total()}, new tickets {counts[Outcome.NEW_TICKET]}, "
            f"replies added {counts[Outcome.REPLY]}, duplicates skipped {counts[Outcome.DUPLICATE]}, "
            f"auto-replies/bounces {machine_sent}, failed {counts[Outcome.FAILED]} (stored for retry)"
        )
