"""The PostgreSQL run's backend (caredesk/tests/postgresql) empties tables with DELETE, not TRUNCATE."""

import pytest
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection

from caredesk.conversations.models import Event, Message, Ticket
from caredesk.customers.models import Customer
from caredesk.tests.postgresql.base import DatabaseWrapper


def test_the_flush_deletes_every_row_and_defers_foreign_keys_to_the_commit():
    ops = DatabaseWrapper({**connection.settings_dict, "ENGINE": "caredesk.tests.postgresql"}).ops
    assert ops.sql_flush(no_style(), ["conversations_ticket", "customers_customer"]) == [
        "SET CONSTRAINTS ALL DEFERRED;",
        'DELETE FROM "conversations_ticket";',
        'DELETE FROM "customers_customer";',
    ]
    assert ops.sql_flush(no_style(), []) == []


def test_a_flush_that_resets_sequences_restarts_those_of_the_flushed_tables(monkeypatch):
    wrapper = DatabaseWrapper({**connection.settings_dict, "ENGINE": "caredesk.tests.postgresql"})
    sequences = [{"table": "conversations_ticket", "column": "id"}, {"table": "django_session", "column": None}]
    monkeypatch.setattr(wrapper.introspection, "sequence_list", lambda: sequences)
    assert wrapper.ops.sql_flush(no_style(), ["conversations_ticket"], reset_sequences=True)[-2:] == [
        'DELETE FROM "conversations_ticket";',
        "SELECT setval(pg_get_serial_sequence('\"conversations_ticket\"','id'), 1, false);",
    ]


@pytest.mark.django_db(transaction=True)
def test_a_flush_leaves_no_row_behind_whatever_refers_to_what(ticket_factory, miggins, billing, alice):
    """On either database: the tables a test's rows refer to are emptied along with them."""
    ticket_factory.create(customer=miggins, team=billing, owner=alice)
    call_command("flush", interactive=False, verbosity=0)
    assert [model.objects.count() for model in (Ticket, Message, Event, Customer)] == [0, 0, 0, 0]
