"""The service target sweep at scale: one sweep over 10^6 open (running) targets on PostgreSQL.

    .venv/bin/python bench/sla_sweep.py [--targets 1000000] [--due-share 0.01] [--batch 1000] [--repeat 3] [--db caredesk_bench_sla]

Makes the database afresh (dropped if it exists; PostgreSQL on 127.0.0.1:5432, user postgres), migrates
it, writes `--targets` running targets on `--targets / 2` open tickets with generate_series (two clocks
a ticket: first reply and resolution), runs ANALYZE, then times:

1. a no-op sweep: nothing at risk, nothing due (the sweep run every minute on a healthy desk);
2. a sweep in which `--due-share` of the targets are newly due (1%: 10,000 breaches at 10^6), each one
   a TARGET_BREACHED event, a hook call and, per batch, one notification task row.

each `--repeat` times, the 1% sweep once with the PostgreSQL path (one statement per batch) and once with
the ORM path SQLite uses, for comparison; and prints the queries per batch (counted with an execute
wrapper) and the plan of the due query.
Emailing the owners is the queued task's work, not the sweep's, and is not timed here.
"""

import argparse
import os
import platform
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def recreate(name: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=1_000_000)
    parser.add_argument("--due-share", type=float, default=0.01)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--db", default="caredesk_bench_sla")
    parser.add_argument("--repeat", type=int, default=3, help="sweeps of each kind (the load of a shared machine varies)")
    args = parser.parse_args()

    recreate(args.db)
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{args.db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caredesk.settings")
    os.environ.setdefault("CAREDESK_SECURE", "false")
    os.environ["TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from caredesk.accounts.models import Team
    from caredesk.conversations.models import Event
    from caredesk.customers.models import Customer
    from caredesk.service_levels import sweep
    from caredesk.service_levels.models import Policy, Target
    from caredesk.system import clock

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.perf_counter() - started:.1f} s")

    team = Team.objects.create(name="Bench")
    customer = Customer.objects.create(name="Bench customer", email="bench@example.com")
    policy = Policy.objects.create(name="Bench", first_reply_minutes=240, resolution_minutes=1440)
    base = clock.now().replace(microsecond=0)
    tickets = args.targets // 2
    every = round(1 / args.due_share) if args.due_share else 0

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO conversations_ticket
                (subject, customer_id, team_id, status, priority, channel, fields, handoff_count, created_at, updated_at)
            SELECT 'Bench ticket ' || g, %s, %s, 'open', 2, 'email', '{}'::jsonb, 0, %s, %s
            FROM generate_series(1, %s) AS g
            """,
            [customer.pk, team.pk, base - timedelta(days=1), base - timedelta(days=1), tickets],
        )
        # Target n (0-based) of ticket t is number i = 2 * (t - first) + n. Every `every`-th one fell due
        # 1-50 minutes before `base`; the rest fall due 7 hours to 28 days after it, at risk 15 minutes
        # (first reply) or 6 hours (resolution) before that, so that only the due share is at risk at `base`.
        cursor.execute(
            """
            WITH numbered AS (
                SELECT t.id AS ticket_id, n, 2 * (t.id - first.id) + n AS i
                FROM conversations_ticket t
                CROSS JOIN (SELECT min(id) AS id FROM conversations_ticket) AS first
                CROSS JOIN generate_series(0, 1) AS n
            ), timed AS (
                SELECT ticket_id, n, i,
                    CASE WHEN %(every)s > 0 AND i %% %(every)s = 0
                         THEN %(base)s - make_interval(mins => (1 + i %% 50)::int)
                         ELSE %(base)s + make_interval(mins => (420 + i %% 40320)::int) END AS due_at
                FROM numbered
            )
            INSERT INTO service_levels_target
                (ticket_id, policy_id, kind, business_minutes, started_at, due_at, at_risk_at,
                 used_before_pause, state, at_risk)
            SELECT ticket_id, %(policy)s,
                CASE WHEN n = 0 THEN 'first_reply' ELSE 'resolution' END,
                CASE WHEN n = 0 THEN 240 ELSE 1440 END,
                %(started)s, due_at,
                due_at - CASE WHEN n = 0 THEN interval '15 minutes' ELSE interval '6 hours' END,
                interval '0', 'running', false
            FROM timed
            """,
            {"every": every, "base": base, "policy": policy.pk, "started": base - timedelta(days=1)},
        )
        cursor.execute("ANALYZE")
    built = time.perf_counter() - started
    running = Target.objects.filter(state="running").count()
    print(f"built {tickets:,} tickets and {running:,} running targets in {built:.1f} s (with ANALYZE)")

    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    def timed_sweep(now) -> dict:
        """sweep.sweep's two loops, with the queries of each batch counted."""
        queries.clear()
        result = {"at_risk": 0, "breached": 0, "risk_batches": [], "breach_batches": []}
        with connection.execute_wrapper(count):
            began = time.perf_counter()
            for step, key, batches in ((sweep.flag_at_risk, "at_risk", "risk_batches"), (sweep.breach, "breached", "breach_batches")):
                while True:
                    before = len(queries)
                    done = step(now, batch=args.batch)
                    result[key] += done
                    result[batches].append(len(queries) - before)
                    if done < args.batch:
                        break
            result["seconds"] = time.perf_counter() - began
        result["queries"] = len(queries)
        return result

    def describe(label, result) -> None:
        print(
            f"{label}: {result['seconds'] * 1000:,.1f} ms; {result['at_risk']:,} flagged at risk in "
            f"{len(result['risk_batches'])} batches (queries per batch {sorted(set(result['risk_batches']))}), "
            f"{result['breached']:,} breached in {len(result['breach_batches'])} batches "
            f"(queries per batch {sorted(set(result['breach_batches']))}); {result['queries']} queries in all"
        )

    def reset() -> None:
        """The same 1% due again: what the last sweep breached and flagged runs, unflagged, once more.
        (Its events stay: the log is append-only.)"""
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE service_levels_target SET state = 'running', breached_at = NULL, at_risk = false "
                "WHERE state = 'breached' OR at_risk"
            )

    # Before `base - 2h` nothing is at risk or due.
    idle = [timed_sweep(base - timedelta(hours=2)) for _ in range(args.repeat)]
    for result in idle:
        describe("no-op sweep", result)
    plan = (
        Target.objects.filter(state="running", due_at__lte=base)
        .order_by("due_at")
        .select_related("ticket")[: args.batch]
        .explain(analyze=True, buffers=True)
    )
    one_statement = sweep._breach_in_one_statement
    for path, breach_path in (("one statement", one_statement), ("ORM", sweep._breach_with_the_orm)):
        sweep._breach_in_one_statement = breach_path  # the PostgreSQL path, or the SQLite one for comparison
        for _ in range(args.repeat):
            describe(f"{args.due_share:.0%} sweep, {path} path", timed_sweep(base))
            reset()
    sweep._breach_in_one_statement = one_statement
    print(f"TARGET_BREACHED events written: {Event.objects.filter(kind='target_breached').count():,}")
    print("plan of the due query (before the sweep):\n" + plan)
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, PostgreSQL {connection.pg_version // 10000}"
    )


if __name__ == "__main__":
    main()
