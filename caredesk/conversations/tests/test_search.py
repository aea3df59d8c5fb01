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
