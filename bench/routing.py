"""Routing at scale, after `caredesk seed`: the cost of routing one arriving ticket, of the periodic sweep
and of the routing page, with the queries each makes and the plan of the waiting-tickets query.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/caredesk_bench python bench/routing.py

Turns on least-loaded routing for every team (capacity 500 each, so agents have room) and opens
tickets through the service; it changes the database it is given, so run it on a benchmark copy.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caredesk.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from caredesk.accounts.models import Team, User  # noqa: E402
from caredesk.assignment import services  # noqa: E402
from caredesk.assignment.models import AgentStatus, TeamRouting  # noqa: E402
from caredesk.conversations import services as conversations  # noqa: E402
from caredesk.conversations.models import OPEN_STATUSES, Ticket  # noqa: E402
from caredesk.customers.models import Customer  # noqa: E402

RUNS = 50


def timed(fn, runs=RUNS):
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
        queries = len(captured)
    return statistics.median(times), max(times), queries


def main() -> None:
    teams = list(Team.objects.all())
    for team in teams:
        TeamRouting.objects.update_or_create(
            team=team,
            defaults={"mode": TeamRouting.Mode.LEAST_LOADED, "only_when_working": False, "max_open_default": 500},
        )
    for agent in User.objects.filter(role__in=services.ROUTING_ROLES):
        AgentStatus.objects.update_or_create(user=agent, defaults={"status": "available", "capacity": 500})
    print(f"tickets {Ticket.objects.count():,}; open {Ticket.objects.filter(status__in=OPEN_STATUSES).count():,}; "
          f"waiting {services.waiting(services.routed_team_ids()).count():,}; teams {len(teams)}; "
          f"agents {User.objects.filter(role__in=services.ROUTING_ROLES).count()}")

    customer = Customer.objects.order_by("pk").first()
    team = teams[0]

    def arrive_and_route():
        ticket = conversations.open_ticket(customer=customer, team=team, subject="Where is my order?", body="Hello")
        services.route(ticket)

    def route_only():
        opened = conversations.open_ticket(customer=customer, team=team, subject="Bench", body="Hi")
        ticket = Ticket.objects.get(pk=opened.pk)
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            services.route(ticket)
            route_only.samples.append(((time.perf_counter() - start) * 1000, len(captured)))

    route_only.samples = []
    for _ in range(RUNS):
        route_only()
    times = [t for t, _ in route_only.samples]
    print(f"route() one ticket: median {statistics.median(times):.1f} ms, max {max(times):.1f} ms, "
          f"{route_only.samples[-1][1]} queries")
    median, worst, queries = timed(arrive_and_route)
    print(f"open_ticket + route(): median {median:.1f} ms, max {worst:.1f} ms, {queries} queries")

    # The sweep over a backlog: make 300 waiting tickets, with routing off so they wait.
    TeamRouting.objects.update(mode=TeamRouting.Mode.MANUAL)
    for _ in range(300):
        conversations.open_ticket(customer=customer, team=team, subject="Backlog", body="Waiting")
    TeamRouting.objects.update(mode=TeamRouting.Mode.LEAST_LOADED)
    start = time.perf_counter()
    assigned = services.route_waiting(batch=100)
    print(f"route_waiting(batch=100): {assigned} assigned in {(time.perf_counter() - start) * 1000:.0f} ms")
    start = time.perf_counter()
    assert services.route_waiting(batch=100) >= 0
    print(f"  next sweep: {(time.perf_counter() - start) * 1000:.0f} ms")

    with connection.cursor() as cursor:
        sql, params = services.waiting(services.routed_team_ids()).only("id", "team_id")[:100].query.sql_with_params()
        cursor.execute(f"EXPLAIN ANALYZE {sql}", params)
        print("waiting-tickets plan:\n  " + "\n  ".join(row[0] for row in cursor.fetchall()))

    admin = User.objects.filter(role=User.Role.ADMIN).first()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    response = client.get("/assignment/", secure=True)
    assert response.status_code == 200, response.status_code
    median, worst, queries = timed(lambda: client.get("/assignment/", secure=True), runs=20)
    print(f"/assignment/ as admin: median {median:.1f} ms, max {worst:.1f} ms, {queries} queries")


if __name__ == "__main__":
    main()
