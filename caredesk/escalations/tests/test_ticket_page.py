"""Escalating from the ticket page: the dialog, the banner, its resolve and de-escalate forms, and who may."""

import pytest

from caredesk.conversations.models import Event, Ticket
from caredesk.escalations import services
from caredesk.escalations.models import Escalation


def escalate_url(ticket) -> str:
    return f"/escalations/tickets/{ticket.pk}/escalate/"


@pytest.fixture
def escalation(ticket, alice, lena):
    return services.escalate(ticket, by=alice, reason="Refund above my limit")


def test_the_ticket_page_offers_escalate_to_those_who_can_work_on_it(client, ticket, alice):
    client.force_login(alice)
    body = client.get(ticket.get_absolute_url()).content.decode()
    assert 'data-bs-target="#escalate-dialog"' in body and escalate_url(ticket) in body


def test_sales_get_no_escalate_button(client, ticket, sam, deliveries, parcel):
    client.force_login(sam)
    body = client.get(parcel.get_absolute_url()).content.decode()
    assert "#escalate-dialog" not in body


def test_the_dialog_says_who_the_next_level_is(client, ticket, alice, lena):
    client.force_login(alice)
    body = client.get(escalate_url(ticket)).content.decode()
    assert "Goes to <strong>level 1 (team lead)</strong>: Lena Lead." in body


def test_the_dialog_of_an_escalated_ticket_offers_the_climb(client, escalation, ticket, alice, billing_ladder):
    client.force_login(alice)
    body = client.get(escalate_url(ticket)).content.decode()
    assert "Already escalated to level 1 (team lead)." in body
    assert "This climbs to <strong>level 2</strong>: Ada Admin." in body


def test_the_dialog_at_the_top_says_so_and_offers_no_button(client, escalation, ticket, alice):
    client.force_login(alice)
    body = client.get(escalate_url(ticket)).content.decode()
    assert "the top of this team's ladder" in body and "Escalate ticket" not in body


def test_escalating_from_the_page_answers_with_the_banner_and_the_timeline(client, ticket, alice, lena):
    client.force_login(alice)
    response = client.post(escalate_url(ticket), {"reason": "Refund above my limit"})
    assert response.status_code == 200 and response["HX-Trigger"] == "dialog-done"
    body = response.content.decode()
    assert 'id="ticket-header" class="mb-4" hx-swap-oob="true"' in body
    assert "Escalated to level 1 (team lead)" in body and "Waiting for Lena Lead to record a resolution." in body
    assert "escalated to level 1 (team lead): Lena Lead" in body  # the timeline row
    assert Escalation.objects.get(ticket=ticket).raised_by == alice


@pytest.mark.parametrize("reason", ["", "   "])
def test_escalating_without_a_reason_shows_the_error_and_changes_nothing(client, ticket, alice, reason):
    client.force_login(alice)
    response = client.post(escalate_url(ticket), {"reason": reason})
    assert response.status_code == 422
    assert "Say why the ticket needs escalating; the next level reads this first." in response.content.decode()
    assert not Escalation.objects.exists()
    assert not ticket.events.filter(kind=Event.Kind.ESCALATED).exists()


def test_escalating_at_the_top_shows_why_and_changes_nothing(client, escalation, ticket, alice):
    client.force_login(alice)
    response = client.post(escalate_url(ticket), {"reason": "Still waiting"})
    assert response.status_code == 422
    assert "already escalated to the top of Billing&#x27;s ladder" in response.content.decode()
    assert Escalation.objects.count() == 1


def test_an_agent_outside_the_private_team_cannot_escalate(client, ticket, charlie):
    client.force_login(charlie)
    assert client.get(escalate_url(ticket)).status_code == 404
    assert client.post(escalate_url(ticket), {"reason": "Let me in"}).status_code == 404
    assert not Escalation.objects.exists()


def test_sales_cannot_escalate(client, parcel, sam):
    client.force_login(sam)
    assert client.post(escalate_url(parcel), {"reason": "Customer is angry"}).status_code == 403
    assert not Escalation.objects.exists()


def test_customers_cannot_escalate_even_their_own_ticket(client, ticket, miggins):
    client.force_login(miggins.user)
    assert client.post(escalate_url(ticket), {"reason": "I want a manager"}).status_code == 403
    assert not Escalation.objects.exists()


def test_the_banner_shows_level_reason_who_and_since_when(client, escalation, ticket, bob):
    client.force_login(bob)
    body = client.get(ticket.get_absolute_url()).content.decode()
    assert 'id="escalation-banner"' in body
    assert "Escalated to level 1 (team lead)" in body and "By Alice Archer" in body and "Refund above my limit" in body
    assert f'datetime="{escalation.raised_at.astimezone().isoformat()}"' in body or "data-relative" in body
    assert "Record resolution" not in body  # bob is not at the level


def test_the_level_sees_record_resolution_and_de_escalate(client, escalation, ticket, lena):
    client.force_login(lena)
    body = client.get(ticket.get_absolute_url()).content.decode()
    assert "Record resolution" in body and "De-escalate" in body
    assert f"/escalations/{escalation.pk}/resolve/" in body


def test_the_lead_resolves_from_the_banner(client, escalation, ticket, lena):
    client.force_login(lena)
    response = client.post(f"/escalations/{escalation.pk}/resolve/", {"resolution": "Refunded as goodwill"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="escalation-banner"' not in body
    assert "resolved the escalation at level 1 (team lead)" in body and "Refunded as goodwill" in body
    assert Escalation.objects.get(pk=escalation.pk).state == "resolved"


@pytest.mark.parametrize("who, status", [("alice", 403), ("bob", 403), ("sam", 404), ("charlie", 404)])
def test_only_the_level_may_resolve_from_the_page(client, escalation, who, status, request):
    client.force_login(request.getfixturevalue(who))
    assert client.post(f"/escalations/{escalation.pk}/resolve/", {"resolution": "Done"}).status_code == status
    assert client.post(f"/escalations/{escalation.pk}/de-escalate/", {"note": "Done"}).status_code == status
    assert Escalation.objects.get(pk=escalation.pk).state == "open"


def test_sales_cannot_resolve_what_they_can_see(client, parcel, charlie, sam):
    escalation = services.escalate(parcel, by=charlie, reason="Driver keeps leaving parcels outside")
    client.force_login(sam)
    assert client.post(f"/escalations/{escalation.pk}/resolve/", {"resolution": "Done"}).status_code == 403
    assert Escalation.objects.get(pk=escalation.pk).state == "open"


def test_a_resolution_without_text_shows_the_error_in_the_banner(client, escalation, lena):
    client.force_login(lena)
    response = client.post(f"/escalations/{escalation.pk}/resolve/", {"resolution": "  "})
    assert response.status_code == 422
    body = response.content.decode()
    assert "Write the resolution: what was decided and done. The agent reads it." in body
    assert 'class="collapse show" id="escalation-resolve"' in body
    assert Escalation.objects.get(pk=escalation.pk).state == "open"


def test_de_escalating_without_a_note_shows_the_error_and_changes_nothing(client, escalation, ticket, lena):
    client.force_login(lena)
    response = client.post(f"/escalations/{escalation.pk}/de-escalate/", {"note": ""})
    assert response.status_code == 422
    assert "Add a note saying why it goes back down; the people below read it first." in response.content.decode()
    assert Escalation.objects.get(pk=escalation.pk).state == "open"
    assert not ticket.events.filter(kind=Event.Kind.DE_ESCALATED).exists()


def test_de_escalating_from_the_banner_with_a_note(client, escalation, ticket, lena):
    client.force_login(lena)
    response = client.post(f"/escalations/{escalation.pk}/de-escalate/", {"note": "Alice may refund under £50"})
    assert response.status_code == 200
    assert "de-escalated the ticket off the escalations board" in response.content.decode()
    assert Escalation.objects.get(pk=escalation.pk).state == "de_escalated"


def test_solving_from_the_page_while_escalated_shows_who_must_resolve(client, escalation, ticket, alice):
    client.force_login(alice)
    response = client.post(f"/tickets/{ticket.pk}/status/", {"status": "solved"})
    assert response.status_code == 422
    assert (
        "This ticket is escalated to level 1 (team lead); Lena Lead must record a resolution first."
        in response.content.decode()
    )
    assert Ticket.objects.get(pk=ticket.pk).status == "open"


def test_the_timeline_words_escalation_events(client, ticket, alice, lena, ada, billing_ladder):
    first = services.escalate(ticket, by=alice, reason="Refund above my limit")
    second = services.escalate(ticket, by=alice, reason="Lena is away")
    services.de_escalate(second, by=ada, note="Lena is back")
    services.resolve(Escalation.objects.get(ticket=ticket, state="open"), by=lena, resolution="Refunded")
    client.force_login(lena)
    body = client.get(ticket.get_absolute_url()).content.decode()
    assert "<strong>Alice Archer</strong> escalated to level 1 (team lead): Lena Lead" in body
    assert "<strong>Alice Archer</strong> escalated further, to level 2 (Ada Admin): Ada Admin" in body
    assert "<strong>Ada Admin</strong> de-escalated the ticket back to level 1 (team lead)" in body
    assert "<strong>Lena Lead</strong> resolved the escalation at level 1 (team lead)" in body
    assert first.pk  # the chain is kept


def test_the_timeline_words_target_events(client, ticket, alice):
    """(Promise and automation events are worded by their own apps, and tested there.)"""
    from django.db import transaction

    from caredesk.conversations import events

    due = "2026-03-03T11:00:00+00:00"
    with transaction.atomic():
        events.record(ticket, Event.Kind.TARGET_MET, data={"target": 1, "kind": "first_reply", "due": due})
        events.record(ticket, Event.Kind.TARGET_BREACHED, data={"target": 6, "kind": "next_reply", "due": due})
    client.force_login(alice)
    body = client.get(ticket.get_absolute_url()).content.decode()
    assert "The <strong>first reply</strong> target was met (due 3 Mar, 11:00)" in body
    assert "The <strong>next reply</strong> target was missed (due 3 Mar, 11:00)" in body


def test_a_solved_ticket_offers_no_escalate_button(client, ticket, alice):
    from caredesk.conversations import services as ticket_services

    ticket_services.change_status(ticket, status="solved", by=alice)
    client.force_login(alice)
    assert 'data-bs-target="#escalate-dialog"' not in client.get(ticket.get_absolute_url()).content.decode()
