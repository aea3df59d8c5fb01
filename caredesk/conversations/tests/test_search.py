import pytest
from django.db import OperationalError

from caredesk.conversations import queries, search, services


def test_search_finds_words_in_subjects_and_messages(ticket, ticket_factory, miggins, billing, alice):
    other = ticket_factory.create(customer=miggins, team=billing, subject="Broken eggs", body="Half the eggs were cracked")
    services.reply(other, by=alice, body="We will send a replacement box")
    assert list(search.filter_tickets(queries.visible(alice), "charged twice").values_list("pk", flat=True)) == [ticket.pk]
    assert list(search.filter_tickets(queries.visible(alice), "replacement").values_list("pk", flat=True)) == [other.pk]


def test_search_ignores_query_syntax_typed_by_people(ticket, alice):
    assert list(search.filter_tickets(queries.visible(alice), 'charged" OR (NEAR *').values_list("pk", flat=True)) in ([], [ticket.pk])


def test_search_respects_permissions(ticket, charlie):
    assert not search.filter_tickets(queries.visible(charlie), "charged").exists()


def test_search_query_is_served_by_the_database_index(ticket, alice):
    """The text index exists and the search query is shaped to use it (FTS5 MATCH / the GIN expression)."""
    from django.db import connection

    subquery = search.matching_ticket_ids("charged")
    with connection.cursor() as cursor:
        sql, params = subquery.sql, subquery.params
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "searchdoc_vector_gin" in plan, plan
            cursor.execute(sql, params)
            assert [row[0] for row in cursor.fetchall()] == [ticket.pk]
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " ".join(str(row) for row in cursor.fetchall())
            assert "VIRTUAL TABLE INDEX" in plan, plan
            cursor.execute(sql, params)
            assert [row[0] for row in cursor.fetchall()] == [ticket.pk]


def test_odd_digits_and_far_dates_in_filters_do_not_crash(ticket, alice):
    tickets = queries.visible(alice)
    assert list(queries.apply_filters(tickets, {"q": "²"}, user=alice)) == []
    assert list(queries.apply_filters(tickets, {"q": f"#{ticket.pk}"}, user=alice)) == [ticket]
    import datetime

    assert list(queries.apply_filters(tickets, {"created_to": datetime.date(9999, 12, 31)}, user=alice)) == [ticket]


def test_hand_made_cursors_are_ignored(ticket, alice):
    import base64
    import json

    for cursor in ("x", base64.urlsafe_b64encode(json.dumps([{"a": 1}, 5]).encode()).decode(),
                   base64.urlsafe_b64encode(json.dumps([3, 10**30]).encode()).decode()):
        page = queries.keyset_page(queries.visible(alice), sort="-priority", after=cursor)
        assert [t.pk for t in page.rows] == [ticket.pk]


def test_words_the_index_would_cut_in_two_are_searched_as_separate_words(ticket, alice):
    """FTS5 cuts "refund_request" and "3.5" in two; searched whole they would be phrases, which an index
    without positions refuses ("phrase queries are not supported")."""
    services.reply(ticket, by=alice, body="Your refund_request for 3.5 kg of O'Brien's café order")
    for text in ("refund_request", "3.5 kg", "O'Brien", "cafe", "café order", "x_", "_"):
        found = list(search.filter_tickets(queries.visible(alice), text).values_list("pk", flat=True))
        assert found in ([], [ticket.pk]), text
    assert search.filter_tickets(queries.visible(alice), "refund_request").get() == ticket


@pytest.mark.django_db(transaction=True)
def test_migration_0009_rebuilds_an_older_search_index_without_positions(ticket, alice):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    if connection.vendor != "sqlite":
        pytest.skip("the FTS5 index is SQLite's")

    def phrase_matches() -> list:
        with connection.cursor() as cursor:
            table = search.FTS_TABLE
            cursor.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH '\"charged twice\"'")
            return cursor.fetchall()

    MigrationExecutor(connection).migrate([("conversations", "0008_care_quality_events")])
    assert phrase_matches() == [(ticket.pk,)]  # the older index, with positions, and the ticket in it
    MigrationExecutor(connection).migrate([("conversations", "0009_search_index_without_positions")])
    with pytest.raises(OperationalError, match="phrase queries are not supported"):
        phrase_matches()
    assert search.filter_tickets(queries.visible(alice), "charged twice").get() == ticket


def test_no_word_a_person_can_type_becomes_a_phrase_the_index_refuses():
    """Every character Python counts as part of a word, between two letters, against an FTS5 index
    without positions (in memory, so on either database)."""
    import sqlite3
    import sys

    index = sqlite3.connect(":memory:")
    index.execute(
        "CREATE VIRTUAL TABLE f USING fts5(text, tokenize='unicode61 remove_diacritics 2', detail=none)"
    )
    refused = []
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF or not chr(code).isalnum():
            continue
        try:
            index.execute("SELECT rowid FROM f WHERE f MATCH ?", [search._fts5_query(f"a{chr(code)}b")])
        except sqlite3.OperationalError:
            refused.append(hex(code))
    assert refused == []


def test_a_word_many_documents_hold_is_found_by_walking_the_tickets_with_the_same_results(
    ticket_factory, miggins, billing, alice, monkeypatch
):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the walk is PostgreSQL's plan")
    for n in range(5):
        ticket_factory.create(customer=miggins, team=billing, subject=f"Parcel {n} lost", body="Where is it?")
    ticket_factory.create(customer=miggins, team=billing, subject="Eggs cracked", body="Half a box")
    newest_first = queries.visible(alice).order_by("-updated_at", "-pk")
    gathered = list(search.filter_tickets(newest_first, "parcel").values_list("pk", flat=True))
    assert "EXISTS" not in str(search.filter_tickets(newest_first, "parcel").query)
    monkeypatch.setattr(search, "WALK_FROM", 3)  # five documents hold "parcel", one "eggs"
    walked = search.filter_tickets(newest_first, "parcel")
    assert "EXISTS" in str(walked.query)
    assert list(walked.values_list("pk", flat=True)) == gathered and len(gathered) == 5
    assert "EXISTS" not in str(search.filter_tickets(newest_first, "eggs").query)
    assert list(search.filter_tickets(newest_first, "").values_list("pk", flat=True)) == []
