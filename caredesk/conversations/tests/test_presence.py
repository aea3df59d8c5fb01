"""The collision notice: who else has the ticket open, and who is typing a reply."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caredesk.conversations import presence
from caredesk.conversations.models import Presence
from caredesk.system import clock

from .test_ticket_page import page_text


def _poll(client, ticket, **data):
    return client.post(reverse("conversations:presence", args=[ticket.pk]), data, HTTP_HX_REQUEST="true")


def test_recording_twice_keeps_one_row_per_person_and_ticket(ticket, bob):
    presence.record(ticket, bob)
    presence.record(ticket, bob, typing=True)
    row = Presence.objects.get()
    assert (row.user, row.typing_at is not None) == (bob, True)


def test_others_are_listed_but_not_the_viewer_themselves(ticket, alice, bob):
    presence.record(ticket, alice)
    presence.record(ticket, bob)
    assert [(colleague.user, colleague.typing) for colleague in presence.others(ticket, alice)] == [
        (bob, False)
    ]


def test_typists_come_first(ticket, alice, bob, lena):
    presence.record(ticket, bob)
    presence.record(ticket, lena, typing=True)
    assert [colleague.user for colleague in presence.others(ticket, alice)] == [lena, bob]


def test_someone_not_seen_for_twenty_seconds_has_left(ticket, alice, bob):
    with clock.travel_to(clock.now() - timedelta(seconds=21)):
        presence.record(ticket, bob)
    assert presence.others(ticket, alice) == []


def test_typing_stops_counting_after_eight_seconds_but_viewing_goes_on(ticket, alice, bob):
    with clock.travel_to(clock.now() - timedelta(seconds=9)):
        presence.record(ticket, bob, typing=True)
    presence.record(ticket, bob)
    assert [(colleague.user, colleague.typing) for colleague in presence.others(ticket, alice)] == [
        (bob, False)
    ]


def test_presence_of_another_ticket_is_not_shown(ticket, ticket_factory, miggins, billing, alice, bob):
    other = ticket_factory.create(customer=miggins, team=billing)
    presence.record(other, bob)
    assert presence.others(ticket, alice) == []


def test_reading_presence_is_one_query_filtered_by_ticket(ticket, alice, bob, lena):
    presence.record(ticket, bob)
    presence.record(ticket, lena)
    with CaptureQueriesContext(connection) as captured:
        presence.others(ticket, alice)
    assert len(captured.captured_queries) == 1
    assert f'"conversations_presence"."ticket_id" = {ticket.pk}' in captured.captured_queries[0]["sql"]


def test_the_poll_records_the_viewer(client, ticket, alice):
    client.force_login(alice)
    assert _poll(client, ticket).status_code == 200
    row = Presence.objects.get()
    assert (row.ticket, row.user, row.typing_at) == (ticket, alice, None)


def test_the_poll_says_who_else_is_viewing(client, ticket, alice, bob):
    presence.record(ticket, bob)
    client.force_login(alice)
    assert page_text(_poll(client, ticket)) == "Bob Baker is also viewing this ticket"


def test_the_poll_says_who_is_typing(client, ticket, alice, bob):
    presence.record(ticket, bob, typing=True)
    client.force_login(alice)
    assert page_text(_poll(client, ticket)) == "Bob Baker is typing a reply…"


def test_the_poll_is_empty_when_nobody_else_is_there(client, ticket, alice):
    client.force_login(alice)
    assert page_text(_poll(client, ticket)) == ""


def test_a_typing_ping_marks_the_agent_as_typing(client, ticket, bob, alice):
    client.force_login(bob)
    _poll(client, ticket, typing="1")
    assert [(colleague.user, colleague.typing) for colleague in presence.others(ticket, alice)] == [
        (bob, True)
    ]


def test_sales_are_seen_viewing_but_may_not_send_typing_pings(
    client, sam, ticket_factory, parker, deliveries
):
    ticket = ticket_factory.create(customer=parker, team=deliveries)
    client.force_login(sam)
    assert _poll(client, ticket).status_code == 200
    assert _poll(client, ticket, typing="1").status_code == 403
    assert Presence.objects.get().typing_at is None


def test_agents_of_another_team_get_404_and_leave_no_trace(client, charlie, ticket):
    client.force_login(charlie)
    assert _poll(client, ticket).status_code == 404
    assert not Presence.objects.exists()


@pytest.mark.parametrize("typing", ["", "1"])
def test_customers_get_403_from_the_poll(client, miggins, ticket, typing):
    client.force_login(miggins.user)
    assert _poll(client, ticket, typing=typing).status_code == 403
    assert not Presence.objects.exists()
