"""Which query makes a caredesk page slow: render it once in-process as the benchmark's agent, then
EXPLAIN ANALYZE every SELECT it ran on the benchmark database, slowest first.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/caredesk_bench_1000000 \\
        .venv/bin/python bench/explain.py /tickets/ "/tickets/?q=refund" [--top 3] [--user agent@example.com]

PostgreSQL only (EXPLAIN (ANALYZE, BUFFERS)). The agent is the one bench/caredesk_prepare.py measures.
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caredesk.settings")
os.environ.setdefault("CAREDESK_SECURE", "false")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from caredesk.accounts.models import User  # noqa: E402


def explain(sql: str) -> tuple[float, str]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    total = float(plan.rsplit("Execution Time: ", 1)[1].split(" ")[0])
    return total, plan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument(
        "--top", type=int, default=3, help="how many of the slowest queries to show with plans"
    )
    parser.add_argument("--user", help="email of the user to render as (default: the benchmark's agent)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("set DATABASE_URL to the PostgreSQL benchmark database")
    if args.user:
        user = User.objects.get(email=args.user)
    else:
        user = (
            User.objects.filter(role=User.Role.AGENT, is_active=True, memberships__isnull=False)
            .order_by("pk")
            .first()
        )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    for path in args.paths:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        print(
            f"=== {path} as {user.email}: HTTP {response.status_code}, {len(captured.captured_queries)} queries, "
            f"{sum(float(q['time']) for q in captured.captured_queries) * 1000:.1f} ms in the database"
        )
        timed = []
        for query in captured.captured_queries:
            sql = query["sql"]
            if sql.lstrip().upper().startswith("SELECT"):
                timed.append((*explain(sql), sql))
        timed.sort(reverse=True)
        for ms, _, sql in timed:
            print(f"{ms:9.2f} ms  {sql[:150]}")
        for ms, plan, sql in timed[: args.top]:
            print(f"\n--- {ms:.2f} ms\n{sql}\n\n{plan}\n")


if __name__ == "__main__":
    main()
