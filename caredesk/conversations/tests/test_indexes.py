"""Foreign keys most rows leave empty are indexed only where set: lookups by them still use the index."""

import pytest
from django.db import connection

from caredesk.conversations import queries
from caredesk.conversations.models import Event, Message, Ticket

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("lookup", "index"),
    [
        (lambda: Message.objects.filter(author_id=1), "message_author"),
        # How Django's deletion collector asks before a user or customer is deleted.
        (lambda: Message.objects.filter(author_id__in=[1, 2]), "message_author"),
        (lambda: Message.objects.filter(customer_id=1), "message_customer"),
        (lambda: Event.objects.filter(actor_id=1), "event_actor"),
        (lambda: Ticket.objects.filter(merged_into_id=1), "ticket_merged_into"),
        (lambda: Ticket.objects.filter(organisation_id__in=[1, 2]), "ticket_organisation"),
    ],
)
def test_a_lookup_by_a_mostly_empty_foreign_key_uses_its_partial_index(lookup, index):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # the tables are empty here
    assert index in lookup().explain()


@pytest.mark.parametrize("descending", [False, True])
def test_the_unassigned_view_by_priority_walks_its_own_index(descending, alice):
    """At 10^6 tickets PostgreSQL otherwise fetched and sorted every unassigned open ticket (77-80 ms).
    SQLite sorted them fast enough at 10^5 (13-33 ms) and, with empty tables here, keeps its own plan."""
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL plan")
    order = ["-priority", "-pk"] if descending else ["priority", "pk"]
    tickets = queries.queue(alice, view="unassigned").order_by(*order)[:26]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
    assert "ticket_unassigned_priority" in tickets.explain()
