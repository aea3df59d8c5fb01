"""The hand-off report at size: adds transfers to a seeded database, then times the report in-process.

`caredesk seed` writes no transfers, so this adds them first (once; --fresh adds another round): a
share of the tickets is handed on 1-6 times between the desk's teams, some straight back, each
transfer a TRANSFERRED event hours after the ticket opened, with handoff_count kept in step. Then each
report URL is requested --repeat times through Django's test client (no HTTP) as an admin and as a
lead, and the median, p95 and query count are printed.

    DATABASE_URL=sqlite:////tmp/h.sqlite3 .venv/bin/caredesk migrate
    DATABASE_URL=sqlite:////tmp/h.sqlite3 .venv/bin/caredesk seed --tickets 100000 --seed 7
    DATABASE_URL=sqlite:////tmp/h.sqlite3 .venv/bin/python bench/handoffs.py --share 0.3
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caredesk.settings")
os.environ.setdefault("CAREDESK_SECURE", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import F  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from caredesk.accounts.models import Team, User  # noqa: E402
from caredesk.conversations.models import Event, Ticket  # noqa: E402


def add_transfers(share: float, seed: int) -> int:
    """Hand on `share` of the tickets 1-6 times each; returns how many transfers were added."""
    rng = random.Random(seed)
    teams = list(Team.objects.values_list("pk", flat=True))
    added = 0
    rows = Ticket.objects.order_by("pk").values_list("pk", "team_id", "created_at")
    events, counts = [], {}
    for pk, team, created in rows.iterator(chunk_size=10_000):
        if rng.random() >= share:
            continue
        moves = rng.choice((1, 1, 1, 2, 2, 3, 4, 6))
        chain = [team]
        for _ in range(moves):
            if len(chain) >= 2 and rng.random() < 0.35:
                chain.append(chain[-2])  # straight back
            else:
                chain.append(rng.choice([other for other in teams if other != chain[-1]] or teams))
        at = created
        for step in range(moves):
            at += timedelta(minutes=rng.randint(5, 600))
            data = {"from_team": chain[step], "from_owner": None, "to_team": chain[step + 1], "to_owner": None, "reason": "bench"}
            events.append(Event(ticket_id=pk, kind=Event.Kind.TRANSFERRED, at=at, data=data))
        counts[pk] = moves
        if len(events) >= 20_000:
            added += _write(events, counts)
            events, counts = [], {}
    added += _write(events, counts)
    return added


def _write(events: list, counts: dict) -> int:
    with transaction.atomic():
        Event.objects.bulk_create(events, batch_size=2000)
        by_count: dict[int, list[int]] = {}
        for pk, moves in counts.items():
            by_count.setdefault(moves, []).append(pk)
        for moves, pks in by_count.items():
            for start in range(0, len(pks), 900):
                Ticket.objects.filter(pk__in=pks[start : start + 900]).update(handoff_count=F("handoff_count") + moves)
    return len(events)


def measure(client: Client, url: str, repeat: int) -> tuple[float, float, int]:
    times = []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured.captured_queries)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--share", type=float, default=0.3, help="share of tickets handed on")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--fresh", action="store_true", help="add transfers even if there are some")
    args = parser.parse_args()
    if args.fresh or not Event.objects.filter(kind=Event.Kind.TRANSFERRED).exists():
        started = time.perf_counter()
        added = add_transfers(args.share, args.seed)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"added {added:,} transfers in {time.perf_counter() - started:.1f}s")
    tickets = Ticket.objects.count()
    transfers = Event.objects.filter(kind=Event.Kind.TRANSFERRED).count()
    handed = Ticket.objects.filter(handoff_count__gt=0).count()
    print(f"{connection.vendor}: {tickets:,} tickets, {handed:,} handed on, {transfers:,} transfers")
    admin = User.objects.filter(role=User.Role.ADMIN, is_active=True).first()
    lead = User.objects.filter(role=User.Role.LEAD, is_active=True).first()
    team = Team.objects.order_by("pk").first()
    client = Client()
    first = None
    for who in (admin, lead):
        if who is None:
            continue
        client.force_login(who)
        if first is None:
            page = client.get("/tickets/handoffs/")
            first = page.context["page"].next_cursor if page.context and page.context.get("page") else None
        urls = {
            "report, 90 days, open": "/tickets/handoffs/",
            "report, 365 days, all": "/tickets/handoffs/?period=365&scope=all",
            "report, 30 days, one team": f"/tickets/handoffs/?period=30&team={team.pk}",
            "report, page 2": f"/tickets/handoffs/?after={first}" if first else "/tickets/handoffs/",
            "CSV of team pairs, 365 days": "/tickets/handoffs/pairs.csv?period=365",
            "CSV of tickets, 90 days, open": "/tickets/handoffs/tickets.csv",
        }
        for name, url in urls.items():
            median, p95, queries = measure(client, url, args.repeat if "tickets.csv" not in url else 3)
            print(f"{who.get_role_display():>8} | {name:<32} | median {median:7.1f} ms | p95 {p95:7.1f} ms | {queries} queries")


if __name__ == "__main__":
    main()
