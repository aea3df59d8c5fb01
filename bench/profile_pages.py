"""Where a page's time goes, in-process (no HTTP): the benchmark's pages rendered N times each.

Run against a database bench/run.py built, with caredesk's Python:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/caredesk_bench_100000 \
        .venv/bin/python bench/profile_pages.py --repeat 50 [--profile ticket]

Prints per page the mean and p95 service time and the query count; --profile PAGE prints cProfile's
top functions (by cumulative time) for that page. It complements the wrk figures in docs/benchmarks.md:
these are one request at a time, with no network, gunicorn or concurrency.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caredesk.settings")
os.environ.setdefault("CAREDESK_SECURE", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from caredesk_prepare import LONG_SUBJECT, bench_agent  # noqa: E402

from caredesk.conversations.models import Ticket  # noqa: E402


def pages() -> dict[str, str]:
    long_ticket = Ticket.objects.filter(subject=LONG_SUBJECT).order_by("-pk").first()
    if long_ticket is None:
        raise SystemExit("no long ticket: run bench/run.py --build-only for this database first")
    return {
        "queue": "/tickets/",
        "filtered": "/tickets/?view=open&status=open&priority=3",
        "ticket": f"/tickets/{long_ticket.pk}/",
        "search": "/tickets/?q=everywhere",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--profile", choices=["queue", "filtered", "ticket", "search"])
    parser.add_argument("--sort", default="cumulative", help="cProfile orders, comma-separated (cumulative,tottime).")
    parser.add_argument("--top", type=int, default=35)
    args = parser.parse_args()
    client = Client()
    client.force_login(bench_agent())
    for name, url in pages().items():
        assert client.get(url).status_code == 200, url
        statements = []
        with connection.execute_wrapper(lambda execute, sql, *rest: statements.append(sql) or execute(sql, *rest)):
            client.get(url)
        timings = []
        profiler = cProfile.Profile() if name == args.profile else None
        cpu_started = time.process_time()
        for _ in range(args.repeat):
            started = time.perf_counter()
            if profiler:
                profiler.enable()
            client.get(url)
            if profiler:
                profiler.disable()
            timings.append((time.perf_counter() - started) * 1000)
        # This process's CPU per page: steadier than the wall clock on a shared machine (no waiting for the
        # database, no time stolen by other guests), so the figure to compare two versions with.
        cpu = (time.process_time() - cpu_started) * 1000 / args.repeat
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(
            f"{name:9} mean {statistics.mean(timings):6.1f} ms  p95 {p95:6.1f} ms  CPU {cpu:6.1f} ms  "
            f"{len(statements)} queries"
        )
        if profiler:
            for order in args.sort.split(","):
                pstats.Stats(profiler).sort_stats(order).print_stats(args.top)


if __name__ == "__main__":
    main()
