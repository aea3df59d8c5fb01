"""The demo desk loaded by `caredesk demo`: Fresh Basket, a grocery-delivery business, six months in.

History is replayed through the services at the moment it happened (clock.travel_to), with tasks
suppressed (no mail, no automations), so tickets, counters and the event log are exactly what real use
leaves behind; then every ticket's search document is written in bulk. The words come from
caredesk.demo_content. The same seed gives the same desk, dated relative to today.
"""

import importlib
import os
import random
from datetime import datetime, timedelta
from functools import cache

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from caredesk import seeding
from caredesk.accounts.models import Membership, Team, User
from caredesk.conversations.models import CustomField, Macro, SavedView, Ticket
from caredesk.customers.models import Customer, Organisation
from caredesk.customers.services import customer_for_email
from caredesk.demo_content import SCENARIOS, Scenario
from caredesk.demo_content.desk import CUSTOM_FIELDS, MACROS, SAVED_VIEWS
from caredesk.demo_content.people import (
    FIRST_NAMES,
    MIGGINS,
    ORGANISATIONS,
    STAFF,
    SURNAMES,
    TEAMS,
    email_part,
)
from caredesk.demo_content.replay import Cast, Plan, Replay
from caredesk.conversations import hooks
from caredesk.promises import services as promises_services
from caredesk.service_levels import sweep as service_levels_sweep
from caredesk.system import memo, queue

PASSWORD = "caredesk"
LOGINS = [
    ("admin@example.com", "admin"),
    ("lead@example.com", "team lead"),
    ("agent@example.com", "agent"),
    ("sales@example.com", "sales (read-only)"),
    ("customer@example.com", "customer (Mrs Miggins)"),
]

SEED = 20_240_611
# CAREDESK_DEMO_CONVERSATIONS makes a smaller (or larger) demo: the demo command's own test serves a small one.
CONVERSATIONS = int(os.environ.get("CAREDESK_DEMO_CONVERSATIONS", 1500))
CUSTOMERS = 200
DAYS = 182
VIPS = 8
# The share of conversations with each twist (see demo_content.replay.Plan); the two rarest are counted.
TWISTS = (
    ("transfer", 0.11),
    ("handover", 0.04),
    ("reopen", 0.04),
    ("hold", 0.05),
    ("long", 0.12),
    ("stall", 0.03),
)
RUNAROUNDS, DUPLICATES = 10, 20
RECENT_UNFINISHED = 0.4  # of the last ten days' conversations, still under way
CHANNELS = (("email", 48), ("web", 27), ("phone", 17), ("api", 8))
VIP_NOTES = (
    "VIP: orders twice a week for a family of six.",
    "VIP: has recommended us to half the street; treat generously.",
    "VIP: long-standing Fresh Pass member, big weekly orders.",
)
# Mrs Miggins's history: scenario, days ago, channel, twists, owner, steps. The last one is still open:
# Jo (agent@example.com) has answered and Mrs Miggins has written back.
MIGGINS_TICKETS = (
    ("late-delivery", 163, "email", set(), "", ()),
    ("damaged-eggs", 118, "portal", set(), "", ()),
    ("substitution-complaint", 74, "email", {"reopen"}, "", ()),
    ("driver-compliment", 41, "portal", set(), "", ()),
    ("missing-item", 12, "portal", set(), "", ()),
    ("double-charge", 3, "portal", set(), "agent@example.com", ("answer", "follow_up")),
)


def is_loaded() -> bool:
    return Customer.objects.filter(email=MIGGINS["email"]).exists()


@cache
def _password() -> str:
    """One hash for every demo log-in: hashing is slow on purpose, and they share a password anyway."""
    return make_password(PASSWORD)


def people() -> Cast:
    """The demo's teams and staff, made when missing (`caredesk seed` uses them too)."""
    teams = {}
    for name, private in TEAMS:
        teams[name], _ = Team.objects.get_or_create(name=name, defaults={"is_private": private})
    existing = {user.email: user for user in User.objects.filter(email__in=[row[0] for row in STAFF])}
    password = ""
    staff, members = {}, {team.pk: [] for team in teams.values()}
    for email, first, last, role, team_names in STAFF:
        user = existing.get(email)
        if user is None:
            password = password or _password()
            admin = role == User.Role.ADMIN
            user = User.objects.create(
                email=email,
                password=password,
                first_name=first,
                last_name=last,
                role=role,
                is_staff=admin,
                is_superuser=admin,
            )
        staff[email] = user
        for name in team_names:
            Membership.objects.get_or_create(user=user, team=teams[name])
            if user.is_agent_like:
                members[teams[name].pk].append(user)
    return Cast(teams, staff, members)


def _desk(cast: Cast) -> None:
    """Fresh Basket's desk settings: custom fields, macros and the shared views."""
    for position, (key, label, kind, choices) in enumerate(CUSTOM_FIELDS):
        CustomField.objects.get_or_create(
            key=key, defaults={"label": label, "kind": kind, "choices": choices, "position": position}
        )
    lead = cast.staff["lead@example.com"]
    for name, body in MACROS:
        Macro.objects.get_or_create(name=name, defaults={"body": body, "created_by": lead})
    for name, filters in SAVED_VIEWS:
        SavedView.objects.get_or_create(
            owner=lead, name=name, defaults={"filters": filters, "is_shared": True}
        )


# Apps whose settings the demo fills in (each has demo.load(teams, staff)): calendars, targets, routing
# and rules before the history that runs on them; ladders and promises after it, on its open tickets.
SETTINGS_BEFORE_HISTORY = ("calendars", "service_levels", "assignment", "automations")
SETTINGS_AFTER_HISTORY = ("escalations", "promises", "quality", "surveys", "kudos", "coaching", "reports")


def _service_settings(cast: Cast, apps: tuple[str, ...]) -> None:
    for app in apps:
        importlib.import_module(f"caredesk.{app}.demo").load(cast.teams, cast.staff)


def _email(rng: random.Random, first: str, last: str) -> str:
    first, last = email_part(first), email_part(last)
    local = rng.choice(
        (
            f"{first}.{last}",
            f"{first}{last}",
            f"{first[0]}{last}",
            f"{first}.{last}{rng.randrange(60, 99)}",
            f"{last}.{first}",
            f"{first}_{last}",
            f"{first}{rng.randrange(1, 99)}",
            f"{first[0]}.{last}",
        )
    )
    return f"{local}@{rng.choice(('example.com', 'example.org', 'example.net'))}"


def _phone(rng: random.Random) -> str:
    # Ofcom's ranges reserved for drama: realistic, and nobody's real number.
    return rng.choice((f"07700 900{rng.randrange(1000):03d}", f"01632 960{rng.randrange(1000):03d}"))


def _customers(rng: random.Random, now: datetime) -> tuple[list[Customer], set[int]]:
    """Mrs Miggins with her portal log-in, the organisations' people, then others up to CUSTOMERS.
    Returns them and the ids of the VIPs among them."""
    made = [customer_for_email(MIGGINS["email"], name=MIGGINS["name"])]
    portal = User.objects.filter(email=MIGGINS["email"]).first() or User.objects.create(
        email=MIGGINS["email"],
        password=_password(),
        first_name="Mrs",
        last_name="Miggins",
        role=User.Role.CUSTOMER,
    )
    miggins = made[0]
    miggins.user, miggins.phone, miggins.notes = portal, MIGGINS["phone"], MIGGINS["notes"]
    miggins.created_at = now - timedelta(days=365 * MIGGINS["since_years"] + 40)
    for name, domain, notes, contacts in ORGANISATIONS:
        Organisation.objects.get_or_create(name=name, defaults={"domain": domain, "notes": notes})
        for first, last, job in contacts:
            # The domain makes the service file them under their organisation.
            customer = customer_for_email(
                f"{email_part(first)}.{email_part(last)}@{domain}", name=f"{first} {last}"
            )
            customer.notes = f"{job[0].upper()}{job[1:]} at {name}."
            made.append(customer)
    emails = {customer.email for customer in made}
    while len(made) < CUSTOMERS:
        first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        email = _email(rng, first, last)
        if email not in emails:
            emails.add(email)
            made.append(customer_for_email(email, name=f"{first} {last}"))
    for customer in made[1:]:
        customer.created_at = now - timedelta(days=rng.randrange(DAYS + 20, 2500))
        customer.phone = _phone(rng) if rng.random() < 0.6 else ""
    vips = rng.sample(made[1:], VIPS) + [miggins]
    for customer in vips[:-1]:
        customer.notes = (customer.notes + " " if customer.notes else "") + rng.choice(VIP_NOTES)
    Customer.objects.bulk_update(made, ["user", "phone", "notes", "created_at"])
    return made, {customer.pk for customer in vips}


def _daytime(rng: random.Random, day: datetime, now: datetime) -> datetime:
    """A moment on `day` when people write to a grocer: 7am to half past ten at night."""
    local = timezone.localtime(day)
    when = local.replace(hour=7, minute=0, second=0, microsecond=0) + timedelta(
        seconds=rng.uniform(0, 15.5 * 3600)
    )
    return when if when < now else now - timedelta(minutes=rng.uniform(5, 240))


def _plans(rng: random.Random, customers: list[Customer], now: datetime) -> list[Plan]:
    scenarios = {scenario.key: scenario for scenario in SCENARIOS}
    households = [scenario for scenario in SCENARIOS if not scenario.business]
    miggins, others = customers[0], customers[1:]
    # A few customers write often, most rarely; organisations write more than households.
    weights = [rng.paretovariate(3) * (1.5 if customer.organisation_id else 1) for customer in others]
    plans = []
    for scenario_key, days_ago, channel, twists, owner_email, steps in MIGGINS_TICKETS:
        scenario = scenarios[scenario_key]
        created = _daytime(rng, now - timedelta(days=days_ago), now)
        priority = _priority(rng, scenario)
        plans.append(
            Plan(scenario, miggins, created, channel, priority, twists, owner_email=owner_email, steps=steps)
        )
    channels, channel_weights = zip(*CHANNELS, strict=True)
    for _ in range(CONVERSATIONS - len(MIGGINS_TICKETS)):
        customer = rng.choices(others, weights)[0]
        pool = SCENARIOS if customer.organisation_id else households
        scenario = rng.choices(pool, [s.weight * (3 if s.business else 1) for s in pool])[0]
        created = _daytime(rng, now - timedelta(days=DAYS * rng.random() ** 1.15), now)
        twists = {name for name, share in TWISTS if rng.random() < share}
        if "reopen" in twists:
            twists.discard("long")  # both together would pass eight messages
        if created > now - timedelta(days=10) and rng.random() < RECENT_UNFINISHED:
            twists.add("stall")  # still being worked on
        channel = rng.choices(channels, channel_weights)[0]
        plans.append(Plan(scenario, customer, created, channel, _priority(rng, scenario), twists))
    # The rarer twists go to conversations old enough to have played out in full.
    settled = [plan for plan in plans[len(MIGGINS_TICKETS) :] if plan.created < now - timedelta(days=21)]
    for plan in rng.sample(settled, RUNAROUNDS):
        plan.twists = (plan.twists - {"transfer", "handover", "stall"}) | {"runaround"}
        plan.twists.discard("long")
    for plan in rng.sample([plan for plan in settled if plan.channel != "phone"], DUPLICATES):
        plan.duplicate = True
    return sorted(plans, key=lambda plan: plan.created)


def _priority(rng: random.Random, scenario: Scenario) -> int:
    return rng.choices(Ticket.Priority.values, scenario.priorities)[0]


def load(progress=print) -> str:
    """Load the demo desk into an empty database, in one transaction. Returns what was made."""
    rng = random.Random(SEED)
    now = timezone.now()
    with queue.suppressed(), transaction.atomic():
        cast = people()
        _desk(cast)
        progress("teams and people")
        customers, vips = _customers(rng, now)
        # After the organisations (service tiers name them), before the history (its tickets run clocks).
        _service_settings(cast, SETTINGS_BEFORE_HISTORY)
        progress(f"customers ({len(customers)}) and service settings")
        plans = _plans(rng, customers, now)
        ticket_ids = []
        # The settings the history runs on are all in place and none changes while it is replayed: each
        # is read once (caredesk.system.memo), as a batch of inbound email reads them.
        with hooks.history(), memo.scope():
            for number, plan in enumerate(plans, 1):
                ticket_ids += Replay(plan, cast, rng, now=now, vips=vips).run()
                if number % 250 == 0 or number == len(plans):
                    progress(f"tickets {number:,}/{len(plans):,}")
        seeding.index_tickets(ticket_ids)
        progress("search index")
        _service_settings(cast, SETTINGS_AFTER_HISTORY)
        # What the worker's first minute would do to six months of history: targets and promises that
        # fell due while it was replayed are marked at risk, breached or broken now (and escalate).
        service_levels_sweep.sweep()
        promises_services.check()
        progress("service targets and promises checked")
    return (
        f"{len(cast.teams)} teams, {len(cast.staff)} staff, {len(customers)} customers, "
        f"{len(ticket_ids):,} tickets"
    )
