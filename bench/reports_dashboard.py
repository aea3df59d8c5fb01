"""The care-figures dashboard at size: rebuilds the rollup of a seeded database, then times the pages.

`caredesk seed` writes events in bulk, past the hooks, so the rollup tables are filled here by
`caredesk reports rebuild` (timed: it is also what a restore or an import costs). Then each URL is
requested --repeat times through Django's test client (no HTTP) as an admin, and the median, p95 and
query count are printed; then again reading every day from DailyFigure (no MonthlyFigure), the
alternative the monthly table replaced.

    createdb -h 127.0.0.1 -U postgres caredesk_reports_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/caredesk_reports_bench
    .venv/bin/caredesk migrate && .venv/bin/caredesk seed --tickets 100000 --seed 7
    .venv/bin/python bench/reports_dashboard.py            # add --no-rebuild to time the pages only
"""

import argparse
import os
import statistics
import sys
import time
from unittest import mock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caredesk.settings")
os.environ.setdefault("CAREDESK_SECURE", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from caredesk.accounts.models import User  # noqa: E402
from caredesk.conversations.models import Event, Ticket  # noqa: E402
from caredesk.reports import queries as report_queries  # noqa: E402
from caredesk.reports import rollup  # noqa: E402
from caredesk.reports.models import DailyFigure, Measurement, MonthlyFigure  # noqa: E402

URLS = [
    "/reports/",  # 90 days by week, table by agent
    "/reports/?days=365&bucket=month&by=team",
    "/reports/?days=365&bucket=month&by=agent",
    "/reports/?days=365&bucket=week",
    "/reports/?days=30&bucket=day&by=channel",
    "/reports/?days=90&channel=email",
    "/reports/tickets/?metric=first_reply&since={since}&until={until}",
    "/reports/tickets/?metric=backlog&since={until}&until={until}",  # today's: from TicketState
    "/reports/tickets/?metric=backlog&since={week_ago}&until={week_ago}",  # an earlier day's: windows of tickets
    "/reports/tickets/?metric=backlog&since={months_ago}&until={months_ago}",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--no-rebuild", action="store_true")
    args = parser.parse_args()
    print(f"database: {connection.vendor}, tickets: {Ticket.objects.count()}, events: {Event.objects.count()}")
    if not args.no_rebuild:
        started = time.perf_counter()
        written = rollup.rebuild(progress=lambda line: print("  ", line, flush=True))
        print(f"rebuild: {time.perf_counter() - started:.1f} s, {written}")
    if connection.vendor == "postgresql":  # planner statistics of the filled tables
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE reports_dailyfigure; ANALYZE reports_monthlyfigure; ANALYZE reports_measurement; ANALYZE reports_ticketstate")
    print(f"measurements: {Measurement.objects.count()}, daily figures: {DailyFigure.objects.count()}, "
          f"monthly figures: {MonthlyFigure.objects.count()}")
    admin = User.objects.filter(role=User.Role.ADMIN).first() or User.objects.filter(is_superuser=True).first()
    if admin is None:
        admin = User.objects.create_user("bench-admin@example.com", "x", role=User.Role.ADMIN)
    client = Client()
    client.force_login(admin)
    last = DailyFigure.objects.order_by("-day").values_list("day", flat=True).first()
    from datetime import timedelta

    since, until = (last - timedelta(days=30)).isoformat(), last.isoformat()
    week_ago, months_ago = (last - timedelta(days=7)).isoformat(), (last - timedelta(days=90)).isoformat()
    print(f"{'URL':70} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}   before (days only; backlog by one GROUP BY): {'p50':>6} {'p95':>6}")
    for template in URLS:
        url = template.format(since=since, until=until, week_ago=week_ago, months_ago=months_ago)
        p50, p95, count = _timed(client, url, args.repeat)
        # The same page as before MonthlyFigure existed (every day read from DailyFigure) and before the
        # backlog drill-down read TicketState and windows of tickets (one GROUP BY over every move).
        with mock.patch.object(report_queries, "figure_rows", _days_only), \
                mock.patch.object(report_queries, "open_tickets", _moves_only), \
                mock.patch.object(report_queries, "BACKLOG_WINDOW", 10**12):
            daily_p50, daily_p95, _count = _timed(client, url, args.repeat)
        print(f"{url:70} {p50:8.1f} {p95:8.1f} {count:8d}   {'':43} {daily_p50:6.1f} {daily_p95:6.1f}")


_figure_rows = report_queries.figure_rows


def _days_only(since, until, *, by_day=False):
    if since is None:
        return [DailyFigure.objects.filter(day__lte=until)]
    return _figure_rows(since, until, by_day=True)


def _moves_only(user, filters, day, *, teams, between=None):
    from django.db.models import Sum

    from caredesk.reports.models import Measurement

    facts = report_queries._scope(Measurement.objects.filter(metric="backlog", day__lte=day), user, filters, teams)
    return facts.values("ticket_id").annotate(n=Sum("count")).filter(n__gt=0).values("ticket_id")


def _timed(client, url: str, repeat: int) -> tuple[float, float, int]:
    client.get(url)  # warm the caches a real server would have warm
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], len(queries)


if __name__ == "__main__":
    main()
