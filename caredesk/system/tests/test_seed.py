"""`caredesk seed`: bulk benchmark tickets that look, to every report and to search, like real ones."""

import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from caredesk import seeding
from caredesk.accounts.models import Team, User
from caredesk.conversations import search
from caredesk.conversations.models import Message, SearchDocument, Ticket
from caredesk.conversations.text import text_to_html
from caredesk.demo_content.people import STAFF

pytestmark = pytest.mark.django_db


def seed(tickets: int, **options) -> str:
    out = StringIO()
    call_command("seed", tickets=tickets, stdout=out, **options)
    return out.getvalue()


def test_seed_adds_tickets_with_three_messages_each_and_reports_the_rate():
    output = seed(50, seed=1)
    assert Ticket.objects.count() == 50
    assert Counter(Message.objects.values_list("kind", flat=True)) == {"customer": 100, "reply": 50}
    assert "Added 50 tickets, 150 messages" in output
    assert output.strip().endswith("tickets/s.")


def test_seed_records_created_replied_and_customer_replied_events_pointing_at_the_messages():
    seed(50, seed=2)
    for ticket in Ticket.objects.prefetch_related("messages", "events"):
        first, reply, answer = ticket.messages.all()
        events = {event.kind: event for event in ticket.events.all()}
        assert events["created"].data == {
            "team": ticket.team_id,
            "channel": ticket.channel,
            "message": first.pk,
        }
        assert (events["created"].at, events["created"].actor) == (ticket.created_at, None)
        assert (events["replied"].data, events["replied"].actor_id) == (
            {"message": reply.pk},
            reply.author_id,
        )
        assert events["customer_replied"].data == {"message": answer.pk}
        assert first.created_at < reply.created_at < answer.created_at <= ticket.updated_at


def test_seed_events_agree_with_each_tickets_owner_and_status():
    seed(200, seed=3)
    for ticket in Ticket.objects.prefetch_related("events"):
        events = list(ticket.events.all())
        assigned = [event.data["to"] for event in events if event.kind == "assigned"]
        assert assigned == ([ticket.owner_id] if ticket.owner_id else [])
        last_status = [event.data["to"] for event in events if event.kind == "status_changed"][-1:]
        assert (last_status or ["open"]) == [ticket.status]
        solved = [
            event.at for event in events if event.kind == "status_changed" and event.data["to"] == "solved"
        ]
        assert solved == ([ticket.solved_at] if ticket.status in ("solved", "closed") else [])
        assert max(event.at for event in events) == ticket.updated_at


def test_seed_owners_are_agents_of_the_tickets_team():
    seed(100, seed=4)
    for ticket in Ticket.objects.exclude(owner=None).select_related("owner"):
        assert ticket.owner.memberships.filter(team_id=ticket.team_id).exists()
        assert ticket.owner.role in (User.Role.AGENT, User.Role.LEAD)


def test_seed_writes_messages_as_the_services_would():
    seed(20, seed=5)
    for message in Message.objects.select_related("ticket", "author"):
        assert message.body_html == text_to_html(message.body_text)
        if message.kind == "customer":
            assert (message.customer_id, message.author) == (message.ticket.customer_id, None)
        else:
            assert message.customer_id is None
            assert message.author.memberships.filter(team_id=message.ticket.team_id).exists()


def test_seed_writes_the_search_document_of_every_ticket_and_search_finds_them():
    seed(50, seed=6)
    ticket = Ticket.objects.order_by("pk").first()
    document = SearchDocument.objects.get(ticket=ticket)
    assert document.text == "\n".join([ticket.subject, *ticket.messages.values_list("body_text", flat=True)])
    assert SearchDocument.objects.count() == 50
    word = max(re.findall(r"[a-z]+", ticket.messages.get(kind="reply").body_text), key=len)
    found = set(search.filter_tickets(Ticket.objects.all(), word).values_list("pk", flat=True))
    # Every ticket that has the word is found (SQLite also matches it as a prefix, PostgreSQL its stem).
    having = {
        pk
        for pk, text in SearchDocument.objects.values_list("ticket_id", "text")
        if re.search(rf"\b{word}\b", text, re.IGNORECASE)
    }
    assert ticket.pk in having
    assert having <= found


def test_seed_twice_adds_more_tickets_and_makes_the_demo_people_once():
    seed(50, seed=7)
    first_ids = set(Ticket.objects.values_list("pk", flat=True))
    seed(50, seed=8)
    assert Ticket.objects.count() == 100
    assert min(Ticket.objects.exclude(pk__in=first_ids).values_list("pk", flat=True)) > max(first_ids)
    assert Message.objects.count() == 300
    assert SearchDocument.objects.count() == 100
    assert sorted(User.objects.values_list("email", flat=True)) == sorted(email for email, *_ in STAFF)
    assert sorted(Team.objects.values_list("name", flat=True)) == [
        "Billing",
        "Deliveries",
        "Product & Quality",
    ]


def test_seed_spreads_tickets_over_a_pool_of_a_fifth_as_many_customers():
    output = seed(100, seed=9)
    assert "20 customers" in output
    assert Ticket.objects.values("customer").distinct().count() > 10


def test_seed_refuses_a_count_below_one_and_writes_nothing():
    with pytest.raises(CommandError, match="--tickets and --batch must be at least 1."):
        seed(0)
    assert not Ticket.objects.exists()
    assert not User.objects.exists()


def test_seeding_first_does_not_stop_the_demo_from_loading_later():
    from caredesk import demo

    seed(10, seed=10)
    assert not demo.is_loaded()


def test_seeded_ticket_ids_grow_with_creation_time_as_on_a_real_desk():
    seed(300, seed=11, batch=100)
    created = list(Ticket.objects.order_by("pk").values_list("created_at", flat=True))
    assert created == sorted(created)


def _indexes() -> dict:
    """Every index of the tables a seed fills, by name, with what it covers."""
    from django.db import connection

    with connection.cursor() as cursor:
        return {
            name: (table, info["columns"], info["unique"])
            for model in seeding.BULK_MODELS
            for table in [model._meta.db_table]
            for name, info in connection.introspection.get_constraints(cursor, table).items()
            if info["index"]
        }


def test_a_big_seed_builds_the_indexes_again_as_they_were():
    before = _indexes()
    assert "ticket_open_recent" in before and "message_ticket_created" in before
    output = seed(30, seed=12)  # more than there are: indexes are set aside and rebuilt
    assert re.search(r"indexes \d+ built", output)
    assert _indexes() == before


def test_a_big_seed_leaves_fresh_planner_statistics():
    from django.db import connection

    seed(30, seed=16)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # last_analyze is set by an ANALYZE statement only (autovacuum sets last_autoanalyze).
            cursor.execute(
                "SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'conversations_message'"
            )
            assert cursor.fetchone()[0] is not None
        else:
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'conversations_message'")
            assert cursor.fetchone()[0] > 0


def test_a_seed_that_fails_half_way_still_builds_the_indexes_again(monkeypatch):
    before = _indexes()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(seeding.Expansion, "write", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        seed(30, seed=13)
    assert _indexes() == before


def test_a_small_seed_into_a_bigger_desk_keeps_its_indexes_in_place():
    seed(30, seed=14)
    assert "indexes" not in seed(10, seed=15)


def test_the_writer_inserts_every_row_in_order_across_many_statements():
    from datetime import datetime

    from django.db import connection

    from caredesk.customers.models import Customer

    # Two full statements and a rest on SQLite.
    count = 2 * (seeding.SQLITE_PARAMETERS // len(seeding.CUSTOMER_COLUMNS)) + 3
    joined = datetime(2025, 3, 1, 9, 30)
    with connection.cursor() as cursor:
        writer = seeding.Writer(cursor)
        ids = writer.ids(Customer, count)
        rows = [(pk, f"Customer {pk}", f"c{pk}@example.net", "", None, None, "", joined) for pk in ids]
        writer.insert(Customer, seeding.CUSTOMER_COLUMNS, rows)
    names = list(Customer.objects.order_by("pk").values_list("pk", "name"))
    assert names == [(pk, f"Customer {pk}") for pk in ids]


def test_the_seed_clock_writes_times_as_django_does_to_the_millisecond():
    from datetime import datetime, timedelta

    origin = datetime(2024, 2, 27)
    clock = seeding.Clock(origin, days=5)
    for milliseconds in (0, 1, 999, 1000, 59_999.9, 86_399_999, 86_400_000, 2 * 86_400_000 + 45_296_250):
        moment = origin + timedelta(milliseconds=int(milliseconds))
        assert clock.text(milliseconds) == moment.isoformat(" ")
    leap_day = datetime(2024, 2, 29, 23, 59, 59, 500_000)
    assert clock.text(clock.milliseconds(leap_day)) == "2024-02-29 23:59:59.500000"


def _written_document_is_found() -> bool:
    """Write one ticket's search document the way the services do and search for it."""
    ticket = Ticket.objects.order_by("pk").first()
    SearchDocument.objects.filter(ticket=ticket).delete()
    Ticket.objects.filter(pk=ticket.pk).update(subject="Xylophone delivered broken")
    search.index(ticket.pk)
    return list(search.filter_tickets(Ticket.objects.all(), "xylophone").values_list("pk", flat=True)) == [
        ticket.pk
    ]


def test_search_finds_documents_written_after_a_seed():
    seed(10, seed=17)
    assert _written_document_is_found()


def test_a_seed_that_fails_while_indexing_leaves_search_working(monkeypatch):
    from django.db import DatabaseError

    expand = seeding.Expansion.__init__

    def broken(self, *args):
        expand(self, *args)
        # Fails after SQLite's insert trigger has been set aside.
        self.documents = "INSERT INTO no_such_table SELECT 1"

    monkeypatch.setattr(seeding.Expansion, "__init__", broken)
    with pytest.raises(DatabaseError, match="no_such_table"):
        seed(10, seed=18)
    assert not Ticket.objects.exists()  # the batch is undone as a whole
    monkeypatch.undo()
    seed(10, seed=19)
    assert _written_document_is_found()
