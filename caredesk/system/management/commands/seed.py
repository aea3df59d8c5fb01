"""caredesk seed: add generated tickets in bulk, for benchmarks (see caredesk.seeding)."""

from django.core.management.base import BaseCommand, CommandError

from caredesk import demo, seeding


class Command(BaseCommand):
    help = (
        "Add N generated tickets (three messages each, with events and search documents) for "
        "benchmarks, creating the demo's teams and staff first when missing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tickets", type=int, required=True, help="How many tickets to add.")
        parser.add_argument("--batch", type=int, default=10_000, help="Tickets written per transaction.")
        parser.add_argument("--seed", type=int, default=None, help="Random seed, for a repeatable data set.")

    def handle(self, *, tickets: int, batch: int, seed: int | None, **options):
        if tickets < 1 or batch < 1:
            raise CommandError("--tickets and --batch must be at least 1.")
        cast = demo.people()
        self.stdout.write(f"teams and people: {len(cast.teams)} teams, {len(cast.staff)} staff")
        agents = cast.agent_ids_by_team()
        result = seeding.seed(tickets, agents=agents, batch=batch, seed=seed, progress=self.stdout.write)
        summary = (
            f"Added {result.tickets:,} tickets, {result.messages:,} messages, {result.events:,} events and "
            f"{result.customers:,} customers in {result.seconds:.1f}s: {result.rate:,.0f} tickets/s."
        )
        self.stdout.write(self.style.SUCCESS(summary))
