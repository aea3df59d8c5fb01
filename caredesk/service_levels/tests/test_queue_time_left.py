"""The queue shows each ticket's time left and sorts by it, without more queries per row."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caredesk.conversations import queries
from caredesk.conversations.models import Ticket
from caredesk.service_levels import sweep
from caredesk.system import clock

pytestmark = pytest.mark.django_db
QUEUE = "/tickets/"


def time_left_cells(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r'<span class="sla-left[^"]*"[^>]*>(.*?)</span>', html)]


@pytest.fixture
def due_desk(make_policy, ticket_factory, miggins, billing, alice):
    """Round-the-clock desk. Opened 90, 30 and 5 minutes ago: first replies due in 1h."""
    make_policy("Urgent", priorities=[4], first_reply_minutes=60)
    now = clock.now()
    tickets = {}
    for name, minutes_ago in (("overdue", 90), ("at risk", 50), ("fresh", 5)):
        with clock.travel_to(now - timedelta(minutes=minutes_ago)):
            tickets[name] = ticket_factory.create(
                customer=miggins, team=billing, owner=alice, subject=f"Ticket {name}", priority=4
            )
    tickets["none"] = ticket_factory.create(customer=miggins, team=billing, owner=alice, subject="Ticket none")
    sweep.flag_at_risk(clock.now())  # the at-risk step only: the overdue one is not swept yet
    return tickets


def test_the_queue_says_how_long_is_left_in_words(client, alice, due_desk):
    client.force_login(alice)
    html = client.get(QUEUE, {"sort": "next_due_at"}).content.decode()
    cells = time_left_cells(html)
    assert cells[0].startswith("overdue 30m") or cells[0].startswith("overdue 29m")
    assert cells[1].startswith("at risk, 10m left") or cells[1].startswith("at risk, 9m left")
    assert cells[2].startswith("55m left") or cells[2].startswith("54m left")
    assert len(cells) == 3  # the ticket without a target shows nothing
    assert 'data-sla="overdue"' in html and 'data-sla="at_risk"' in html


def test_the_time_left_sort_puts_the_soonest_due_first_and_tickets_without_targets_last(client, alice, due_desk, monkeypatch):
    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    client.force_login(alice)
    page1 = client.get(QUEUE, {"sort": "next_due_at"})
    assert [t.subject for t in page1.context["page"].rows] == ["Ticket overdue", "Ticket at risk"]
    page2 = client.get(page1.context["next_url"])
    assert [t.subject for t in page2.context["page"].rows] == ["Ticket fresh", "Ticket none"]
    assert page2.context.get("next_url") is None
    back = client.get(page2.context["previous_url"])
    assert [t.subject for t in back.context["page"].rows] == ["Ticket overdue", "Ticket at risk"]


def test_walking_back_from_the_tickets_without_targets(client, alice, due_desk, ticket_factory, miggins, billing, monkeypatch):
    ticket_factory.create(customer=miggins, team=billing, owner=alice, subject="Ticket none 2")
    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    client.force_login(alice)
    page = client.get(QUEUE, {"sort": "next_due_at"})
    page = client.get(page.context["next_url"])
    page = client.get(page.context["next_url"])
    assert [t.subject for t in page.context["page"].rows] == ["Ticket none 2"]
    back = client.get(page.context["previous_url"])
    assert [t.subject for t in back.context["page"].rows] == ["Ticket fresh", "Ticket none"]


def test_the_time_left_sort_reads_open_tickets_by_the_due_index_not_offset(client, alice, due_desk):
    client.force_login(alice)
    with CaptureQueriesContext(connection) as captured:
        client.get(QUEUE, {"sort": "next_due_at"})
    rows = [q["sql"] for q in captured.captured_queries if 'ORDER BY "conversations_ticket"."next_due_at" ASC' in q["sql"]]
    assert len(rows) == 1 and "next_due_at\" IS NOT NULL" in rows[0] and "OFFSET" not in rows[0].upper()


def test_the_time_left_column_adds_no_queries(client, alice, make_policy, ticket_factory, miggins, billing, django_assert_max_num_queries):
    make_policy("Everyone", first_reply_minutes=60)
    client.force_login(alice)
    for count in (3, 40):
        ticket_factory.create_batch(count, customer=miggins, team=billing)
        # as the queue's own count (13 with fresh sidebar counts and the escalations nav link), plus at most
        # the tickets without a target
        with django_assert_max_num_queries(14):
            client.get(QUEUE, {"sort": "next_due_at"})
