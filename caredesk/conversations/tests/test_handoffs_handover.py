"""The hand-over panel: the new owner reads the last transfer's reason and note first."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caredesk.conversations import handoffs, services
from caredesk.conversations.models import Event, Ticket


def _page(client, user, ticket) -> str:
    client.force_login(user)
    response = client.get(ticket.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_the_new_owner_sees_who_handed_it_over_why_and_the_note(client, ticket, alice, bob):
    services.transfer(ticket, to_owner=bob, by=alice, reason="Bob handles refunds", note="Bank confirmed the double charge.")
    html = _page(client, bob, ticket)
    assert 'id="handover"' in html
    assert "Handed over by Alice Archer" in html
    assert "Bob handles refunds" in html and "Bank confirmed the double charge." in html


def test_a_transfer_from_another_team_names_the_team_it_came_from(client, ticket, alice, charlie, deliveries):
    services.transfer(ticket, to_team=deliveries, to_owner=charlie, by=alice, reason="It is a delivery")
    handover = handoffs.handover_for(Ticket.objects.get(pk=ticket.pk), charlie)
    assert (handover.by, handover.from_team, handover.to_team, handover.reason, handover.note) == (
        "Alice Archer", "Billing", "Deliveries", "It is a delivery", "",
    )
    assert "Handed over by Alice Archer from Billing" in _page(client, charlie, ticket)


def test_the_panel_goes_once_the_new_owner_replies(client, ticket, alice, bob):
    services.transfer(ticket, to_owner=bob, by=alice, reason="Refunds")
    services.reply(ticket, by=bob, body="Hello Mrs Miggins, I have your refund in hand.")
    assert 'id="handover"' not in _page(client, bob, ticket)


def test_the_panel_goes_once_the_new_owner_adds_a_note(client, ticket, alice, bob):
    services.transfer(ticket, to_owner=bob, by=alice, reason="Refunds")
    services.add_note(ticket, by=bob, body="Calling the bank.")
    assert 'id="handover"' not in _page(client, bob, ticket)


def test_the_previous_owners_note_after_the_transfer_does_not_hide_it(client, ticket, alice, bob):
    services.transfer(ticket, to_owner=bob, by=alice, reason="Refunds")
    services.add_note(ticket, by=alice, body="Forgot to say: she prefers phone calls.")
    assert 'id="handover"' in _page(client, bob, ticket)


def test_a_new_transfer_brings_a_new_hand_over(client, ticket, alice, bob):
    services.transfer(ticket, to_owner=bob, by=alice, reason="Refunds")
    services.reply(ticket, by=bob, body="On it.")
    services.transfer(ticket, to_owner=alice, by=bob, reason="Back to you: it was a billing error after all")
    html = _page(client, alice, ticket)
    assert "Handed over by Bob Baker" in html and "it was a billing error after all" in html


def test_others_than_the_owner_do_not_get_the_panel(client, ticket, alice, bob, lena):
    services.transfer(ticket, to_owner=bob, by=alice, reason="Refunds", note="secret-ish detail")
    assert 'id="handover"' not in _page(client, alice, ticket)
    assert 'id="handover"' not in _page(client, lena, ticket)


def test_a_ticket_in_the_queue_shows_the_hand_over_to_the_teams_agents(client, ticket, alice, charlie, deliveries, bob):
    services.transfer(ticket, to_team=deliveries, by=alice, reason="A delivery question", note="Van 3")
    assert "Van 3" in _page(client, charlie, ticket)
    # bob is not on Deliveries: he may look, but it is not his to take.
    assert 'id="handover"' not in _page(client, bob, ticket)
    services.assign(ticket, to=charlie, by=charlie)  # taken from the queue: still unread by its owner
    assert "Van 3" in _page(client, charlie, ticket)


def test_a_queue_tickets_panel_stays_for_the_senders_own_note(client, ticket, alice, charlie, deliveries):
    services.transfer(ticket, to_team=deliveries, by=alice, reason="A delivery question")
    services.add_note(ticket, by=alice, body="One more thing")
    assert 'id="handover"' in _page(client, charlie, ticket)
    services.add_note(ticket, by=charlie, body="Looking at it")
    assert 'id="handover"' not in _page(client, charlie, ticket)


def test_the_reply_answer_drops_the_panel_from_the_header(client, ticket, alice, bob):
    services.transfer(ticket, to_owner=bob, by=alice, reason="Refunds")
    client.force_login(bob)
    response = client.post(
        reverse("conversations:post_message", args=[ticket.pk]), {"kind": "reply", "body": "On it."}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert 'id="ticket-header"' in html and 'id="handover"' not in html


def test_the_note_is_escaped(client, ticket, alice, bob):
    services.transfer(ticket, to_owner=bob, by=alice, reason="<b>why</b>", note="<script>alert(1)</script>")
    html = _page(client, bob, ticket)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_hand_over_costs_one_query_however_long_the_history(client, ticket_factory, miggins, billing, alice, bob):
    def queries_for(subject, transfers):
        handed = ticket_factory.create(customer=miggins, team=billing, owner=alice, subject=subject)
        for number in range(transfers):
            services.transfer(handed, to_owner=bob if number % 2 == 0 else alice, by=alice, reason=f"move {number}")
            services.add_note(handed, by=alice, body=f"note {number}")
        owner = Ticket.objects.select_related("team").get(pk=handed.pk)
        assert owner.owner_id == bob.pk
        with CaptureQueriesContext(connection) as captured:
            assert handoffs.handover_for(owner, bob) is not None
        return len(captured.captured_queries)

    bob._member_team_ids = {billing.pk}  # as on a page, where the request's user has them already
    assert queries_for("few", 1) == queries_for("many", 31) == 1


def test_a_ticket_never_handed_on_costs_no_query(ticket, alice):
    alice._member_team_ids = {ticket.team_id}
    with CaptureQueriesContext(connection) as captured:
        assert handoffs.handover_for(ticket, alice) is None
    assert len(captured.captured_queries) == 0


# The transfer dialog: a reason is required, the note is not ------------------------------------


def test_the_transfer_dialog_asks_for_a_reason_and_an_optional_note(client, ticket, alice):
    client.force_login(alice)
    html = client.get(reverse("conversations:transfer", args=[ticket.pk])).content.decode()
    assert 'name="reason"' in html and "required" in html.split('name="reason"')[1].split(">")[0]
    assert 'name="note"' in html and "(optional)" in html


def test_a_transfer_without_a_reason_is_refused_with_a_clear_error_and_changes_nothing(client, ticket, alice, bob, billing):
    client.force_login(alice)
    response = client.post(
        reverse("conversations:transfer", args=[ticket.pk]),
        {"team": billing.pk, "owner": bob.pk, "reason": "   ", "note": "A note without a reason"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert "Say why the ticket is moving; the new owner reads this first." in response.content.decode()
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.owner_id, fresh.handoff_count) == (alice.pk, 0)
    assert not fresh.events.filter(kind=Event.Kind.TRANSFERRED).exists()
