"""After `caredesk seed`: add the long ticket, pick the search word and the agent, log the agent in.

Run by bench/run.py with caredesk's own Python and the benchmark's DATABASE_URL (or CAREDESK_DATA_DIR):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/caredesk_bench_10000 python bench/caredesk_prepare.py

Prints one JSON line (prefixed BENCH_JSON) with what run.py needs: the session cookie, the long ticket's
id, the search word and how many tickets it matches, and the data's shape (counts).
"""

import json
import os
import re
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caredesk.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from caredesk.accounts.models import Team, User  # noqa: E402
from caredesk.conversations import queries, search, services  # noqa: E402
from caredesk.conversations.models import Message, Ticket  # noqa: E402
from caredesk.customers.models import Customer  # noqa: E402
from caredesk.system import clock  # noqa: E402
from caredesk.system.queue import suppressed  # noqa: E402

LONG_SUBJECT = "Benchmark: a long conversation about a refund that never arrived"
LONG_MESSAGES = 100
LAST_MARKER = f"message {LONG_MESSAGES} of {LONG_MESSAGES}"
SAMPLE = 4000
CANDIDATES = 15
STOP = {
    "about",
    "after",
    "again",
    "their",
    "there",
    "these",
    "thanks",
    "thank",
    "would",
    "could",
    "should",
    "which",
    "where",
    "while",
    "hello",
    "regards",
    "please",
    "still",
    "since",
    "being",
    "other",
}


def bench_agent() -> User:
    """An agent (not an admin: their queue has the permission filter a real agent gets) on a team."""
    agent = (
        User.objects.filter(role=User.Role.AGENT, is_active=True, memberships__isnull=False)
        .order_by("pk")
        .first()
    )
    if agent is None:
        raise SystemExit("the seeded database has no active agent on a team")
    return agent


def long_ticket(agent: User) -> Ticket:
    """One ticket with 100 messages, written through the services as a real conversation would be
    (events included), an hour apart, without queuing mail or notifications."""
    existing = Ticket.objects.filter(subject=LONG_SUBJECT).first()
    if existing is not None:
        return existing
    team = Team.objects.filter(memberships__user=agent).order_by("pk").first()
    customer = Customer.objects.order_by("pk").first()
    start = timezone.now() - timedelta(hours=LONG_MESSAGES + 1)
    with suppressed():
        with clock.travel_to(start):
            ticket = services.open_ticket(
                customer=customer,
                subject=LONG_SUBJECT,
                team=team,
                owner=agent,
                body=_body(1, "customer"),
            )
        for number in range(2, LONG_MESSAGES + 1):
            with clock.travel_to(start + timedelta(hours=number)):
                if number % 2:
                    services.customer_reply(ticket, customer=customer, body=_body(number, "customer"))
                else:
                    services.reply(ticket, by=agent, body=_body(number, "agent"))
    search.index(ticket.pk)
    return ticket


def _body(number: int, who: str) -> str:
    if who == "customer":
        text = (
            "I am writing again about order 4471. The refund you promised has still not reached my card, "
            "and my bank says nothing is pending. Could you check with your payments team and tell me "
            "when I can expect it? I have attached nothing new; the receipt is in my first message."
        )
    else:
        text = (
            "Thank you for your patience. I have asked our payments team to trace the refund for order "
            "4471 and will write again as soon as they answer. Refunds normally take three to five "
            "working days to appear; if it is later than that, we will send it again by bank transfer."
        )
    return f"{text}\n\n(message {number} of {LONG_MESSAGES})"


def search_word(agent: User, target_share: float) -> str:
    """A word that matches a moderate share of tickets in both systems. Candidates come from a sample of
    subjects and first messages (what django-helpdesk searches; it does not look into later follow-ups),
    closest to the target share first; the first whose caredesk search (stemmed, over every message)
    matches between half and twice the target wins."""
    ids = Ticket.objects.values_list("pk", flat=True)
    low, high = ids.order_by("pk").first(), ids.order_by("-pk").first()
    step = max(1, (high - low) // SAMPLE)
    sample = list(range(low, high + 1, step))[:SAMPLE]
    texts = dict(Ticket.objects.filter(pk__in=sample).values_list("pk", "subject"))
    seen = set()
    for ticket_id, body in (
        Message.objects.filter(ticket_id__in=sample)
        .order_by("ticket_id", "created_at", "id")
        .values_list("ticket_id", "body_text")
    ):
        if ticket_id not in seen:
            seen.add(ticket_id)
            texts[ticket_id] += "\n" + body
    frequency = Counter()
    for text in texts.values():
        frequency.update({w for w in re.findall(r"[a-z]{5,}", text.lower()) if w not in STOP})
    if not frequency:
        raise SystemExit("no ticket text to pick a search word from")
    candidates = sorted(frequency, key=lambda w: (abs(frequency[w] / len(texts) - target_share), w))[
        :CANDIDATES
    ]
    total = Ticket.objects.count()
    best, best_distance = candidates[0], None
    for word in candidates:
        share = search_matches(agent, word) / total
        if target_share / 2 <= share <= target_share * 2:
            return word
        distance = abs(share - target_share)
        if best_distance is None or distance < best_distance:
            best, best_distance = word, distance
    return best


def search_matches(agent: User, word: str) -> int:
    """Search without a view looks through every ticket the agent may see, whatever its status."""
    return queries.apply_filters(queries.visible(agent), {"q": word}, user=agent).count()


def session_cookie(user: User) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def main() -> None:
    target_share = float(os.environ.get("BENCH_SEARCH_SHARE", "0.01"))
    agent = bench_agent()
    ticket = long_ticket(agent)
    word = os.environ.get("BENCH_SEARCH_WORD") or search_word(agent, target_share)
    result = {
        "vendor": connection.vendor,
        "user_id": agent.pk,
        "user": agent.email,
        "cookie": session_cookie(agent),
        "long_ticket_id": ticket.pk,
        "long_ticket_messages": Message.objects.filter(ticket=ticket).count(),
        "long_ticket_subject": LONG_SUBJECT,
        "long_ticket_marker": LAST_MARKER,
        "search_word": word,
        "search_matches": search_matches(agent, word),
        "tickets": Ticket.objects.count(),
        "messages": Message.objects.count(),
        "teams": Team.objects.count(),
        "staff_users": User.objects.exclude(role=User.Role.CUSTOMER).count(),
        "customers": Customer.objects.count(),
        "open_tickets_visible": queries.bounded_count(queries.queue(agent, view="open"), limit=10**9),
    }
    print("BENCH_JSON " + json.dumps(result))


if __name__ == "__main__":
    main()
