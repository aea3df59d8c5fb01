"""Every sort of the queue's views, and of a search, at size: in-process (no HTTP), as the benchmark's agent.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/caredesk_bench_1000000 \
        .venv/bin/python bench/queue_sorts.py [--repeat 5] [--search WORD]

Prints the median and slowest time of each view in each sort order (the first page). bench/run.py
measures the default sort only; a sort without an index to walk sorts every matching ticket instead,
which at 10^6 tickets took seconds (docs/benchmarks.md, stop 23).
"""

import argparse
import os
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

from django.test import Client  # noqa: E402
from django.utils.http import urlencode  # noqa: E402

from caredesk_prepare import bench_agent  # noqa: E402

from caredesk.conversations.queries import SORTS  # noqa: E402

VIEWS = ["all", "open", "teams", "mine", "unassigned"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--search", default="", help="also a search for this word, in every sort")
    args = parser.parse_args()
    client = Client()
    client.force_login(bench_agent())
    queries = [{"view": view} for view in VIEWS] + ([{"q": args.search}] if args.search else [])
    print(f"{'view':12} " + " ".join(f"{sort:>13}" for sort in SORTS) + "   (median / slowest ms)")
    for query in queries:
        cells = []
        for sort in SORTS:
            url = f"/tickets/?{urlencode({**query, 'sort': sort})}"
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
            timings = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            cells.append(f"{statistics.median(timings):6.0f}/{max(timings):<6.0f}")
        label = query.get("view") or f"q={query['q']}"
        print(f"{label:12} " + " ".join(f"{cell:>13}" for cell in cells))


if __name__ == "__main__":
    main()
