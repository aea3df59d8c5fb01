"""caredesk ingest PATH... [--team NAME] [--history] | --retry-failed: take in emails from files, folders,
mbox files or stdin, or process the failed ones again.

Each email is stored byte for byte, then processed inline, not in a task as `caredesk smtpd` and the IMAP
poller do: the command reports what became of every email, so it waits for each. Emails are taken in runs
(services.receive_all: a run stored in one INSERT, then processed in batches). One that fails stays
stored for a retry and is listed on stderr; the summary on stdout counts what happened. A long import
reports its progress on stderr every PROGRESS_EVERY emails.
"""

import sys
from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from caredesk.mail import queries, services, sources
from caredesk.mail.models import InboundEmail
from caredesk.mail.services import Outcome


# Emails stored and processed together (services.receive_all): a batch's worth, and at most this many bytes
# beyond a run's first email, so that a folder of big emails is not all in memory at once.
RUN_BYTES = 20 * 1024 * 1024
# A long import says how far it has got on stderr, every this many emails.
PROGRESS_EVERY = 1000


class Command(BaseCommand):
    help = (
        "Store and process emails from .eml files, folders of .eml files, mbox files, or - (one email on "
        "stdin); or, with --retry-failed, process every failed email again."
    )
    # call_command(..., stdin=BytesIO(...)) in tests; the real command reads sys.stdin's bytes.
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", metavar="PATH", help=".eml file, folder, mbox file, or -")
        parser.add_argument(
            "--team", help="Team for new tickets (default: CAREDESK_EMAIL_TEAM, else the first team by name)."
        )
        parser.add_argument(
            "--history",
            action="store_true",
            help="Old mail: make tickets and replies without acknowledgements, notifications or automations.",
        )
        parser.add_argument(
            "--retry-failed",
            action="store_true",
            help="Process every failed email again (after fixing the cause); each keeps its own team.",
        )

    def handle(self, *, paths: list[str], team: str | None, history: bool, retry_failed: bool, **options):
        if retry_failed:
            if paths or team or history:
                raise CommandError(
                    "--retry-failed processes the stored failed emails; give it no paths, --team or --history."
                )
            return self.retry_failed()
        if not paths:
            raise CommandError("Give .eml files, folders of them, mbox files, or - for stdin; or --retry-failed.")
        try:
            receiving = queries.receiving_team(team)
            sources.check(paths)
        except (queries.NoTeam, sources.BadSource) as error:
            raise CommandError(str(error)) from None
        stdin = options.get("stdin") or sys.stdin.buffer
        counts: Counter[Outcome] = Counter()
        number = 0
        runs = sources.runs(sources.messages(paths, stdin=stdin), most=services.batch_size(), size=RUN_BYTES)
        for run in runs:
            received = services.receive_all(run, source=InboundEmail.Source.INGEST, team=receiving, quiet=history)
            for inbound, outcome in received:
                number += 1
                counts[outcome] += 1
                if outcome == Outcome.FAILED:
                    self.stderr.write(f"email {number} (stored as {inbound.pk}) failed: {inbound.error}")
            if number // PROGRESS_EVERY > (number - len(run)) // PROGRESS_EVERY:
                self.stderr.write(f"{number} emails read so far")
        self.stdout.write(summary(counts))

    def retry_failed(self) -> None:
        counts: Counter[Outcome] = Counter()
        failed = InboundEmail.objects.only("pk").filter(status=InboundEmail.Status.FAILED)
        # Read first, then processed: processing changes the status the query filters on.
        for inbound in list(failed.order_by("received_at", "pk")):
            inbound = services.process(inbound)
            outcome = services.outcome_of(inbound)
            counts[outcome] += 1
            if outcome == Outcome.FAILED:
                self.stderr.write(f"stored email {inbound.pk} failed again: {inbound.error}")
        self.stdout.write(summary(counts))


def summary(counts: Counter[Outcome]) -> str:
    machine_sent = counts[Outcome.AUTO_REPLY] + counts[Outcome.BOUNCE]
    return (
        f"messages read {counts.total()}, new tickets {counts[Outcome.NEW_TICKET]}, "
        f"replies added {counts[Outcome.REPLY]}, duplicates skipped {counts[Outcome.DUPLICATE]}, "
        f"auto-replies/bounces {machine_sent}, failed {counts[Outcome.FAILED]} (stored for retry)"
    )
