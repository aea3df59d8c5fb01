"""The escalations board: who sees which escalations, counts per level, and a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caredesk.escalations import services

BOARD = "/escalations/"


@pytest.fixture
def escalated(ticket, alice, lena):
    services.escalate(ticket, by=alice, reason="Refund above my limit")
    return ticket


def _rows(client, user):
    client.force_login(user)
    response = client.get(BOARD)
    assert response.status_code == 200
    return response, [row.escalation.ticket_id for row in response.context["rows"]]


def test_the_lead_sees_escalations_of_their_team_to_resolve(client, escalated, lena):
    response, tickets = _rows(client, lena)
    assert tickets == [escalated.pk]
    assert response.context["rows"][0].can_act
    body = response.content.decode()
    assert "Refund above my limit" in body and "Yours to resolve" in body and "Mrs Miggins" in body


def test_the_agent_who_raised_it_sees_it_read_only(client, escalated, alice):
    response, tickets = _rows(client, alice)
    assert tickets == [escalated.pk]
    assert not response.context["rows"][0].can_act
    assert "Read-only" in response.content.decode()


def test_a_colleague_who_did_not_raise_it_does_not_see_it(client, escalated, bob):
    _response, tickets = _rows(client, bob)
    assert tickets == []


def test_an_agent_outside_the_private_team_sees_nothing_of_it(client, escalated, charlie):
    _response, tickets = _rows(client, charlie)
    assert tickets == []


def test_a_lead_of_another_team_does_not_see_it(client, escalated, dora):
    _response, tickets = _rows(client, dora)
    assert tickets == []


def test_admins_see_every_open_escalation(client, escalated, parcel, charlie, ada):
    services.escalate(parcel, by=charlie, reason="Driver keeps leaving parcels outside")
    _response, tickets = _rows(client, ada)
    assert tickets == [escalated.pk, parcel.pk]  # oldest first


def test_level_2_people_see_level_2_escalations(client, parcel, charlie, dora, erin, deliveries_ladder):
    services.escalate(parcel, by=charlie, reason="Third missed delivery")
    assert _rows(client, erin)[1] == []
    services.escalate(parcel, by=charlie, reason="Dora is off")
    response, tickets = _rows(client, erin)
    assert tickets == [parcel.pk] and response.context["rows"][0].can_act
    assert _rows(client, dora)[1] == []  # level 1 no longer holds it


def test_resolved_escalations_leave_the_board(client, escalated, lena):
    services.resolve(escalated.escalations.get(), by=lena, resolution="Refunded")
    assert _rows(client, lena)[1] == []
    assert "No open escalations for you." in client.get(BOARD).content.decode()


def test_counts_per_level(client, escalated, parcel, charlie, alice, ada, dora, erin, deliveries_ladder, billing_ladder):
    services.escalate(parcel, by=charlie, reason="Third missed delivery")
    services.escalate(parcel, by=charlie, reason="Dora is off")
    response, _tickets = _rows(client, ada)
    assert response.context["counts"] == {1: 1, 2: 1}
    body = response.content.decode()
    assert "Level 1: 1" in body and "Level 2: 1" in body


@pytest.mark.parametrize("who", ["sam", "miggins"])
def test_sales_and_customers_cannot_open_the_board(client, escalated, who, request):
    person = request.getfixturevalue(who)
    client.force_login(person.user if who == "miggins" else person)
    assert client.get(BOARD).status_code == 403


def test_the_board_queries_do_not_grow_with_escalations(client, ticket_factory, miggins, billing, alice, lena, ada, billing_ladder):
    client.force_login(lena)

    def queries_for_board() -> int:
        client.get(BOARD)  # warm the nav count's cache: the board itself is measured
        with CaptureQueriesContext(connection) as captured:
            response = client.get(BOARD)
        assert response.status_code == 200
        return len(captured.captured_queries), len(response.context["rows"])

    for one in ticket_factory.create_batch(1, customer=miggins, team=billing):
        services.escalate(one, by=alice, reason="Refund above my limit")
    few, rows = queries_for_board()
    assert rows == 1
    for number, one in enumerate(ticket_factory.create_batch(19, customer=miggins, team=billing)):
        services.escalate(one, by=alice, reason="Refund above my limit")
        if number % 2:
            services.escalate(one, by=alice, reason="Lena is away")
    many, rows = queries_for_board()
    assert rows == 11  # level 1 only: nine went on to ada
    # session, user, lena's teams, the rows (with tickets, customers, ladders), the counts per level
    assert few == many == 5


def test_the_nav_link_counts_what_waits_for_the_viewer(client, escalated, lena, alice):
    client.force_login(lena)
    body = client.get("/tickets/").content.decode()
    assert 'href="/escalations/"' in body and 'id="escalations-count">1<' in body
    client.force_login(alice)
    body = client.get("/tickets/").content.decode()
    assert 'href="/escalations/"' in body and "escalations-count" not in body


def test_sales_get_no_escalations_link(client, sam):
    client.force_login(sam)
    assert 'href="/escalations/"' not in client.get("/tickets/").content.decode()
