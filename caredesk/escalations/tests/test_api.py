"""The escalations API: the same rules and permission functions as the pages."""

import pytest

from caredesk.conversations.models import Event
from caredesk.escalations import services
from caredesk.escalations.models import Escalation


def test_an_agent_escalates_through_the_api(api_client, ticket, alice, lena):
    response = api_client(alice).post(
        f"/api/v1/tickets/{ticket.pk}/escalate", {"reason": "Refund above my limit"}, content_type="application/json"
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["level"], body["state"], body["reason"], body["raised_by_id"], body["automatic"]) == (
        1, "open", "Refund above my limit", alice.pk, False,
    )
    assert ticket.events.filter(kind=Event.Kind.ESCALATED).count() == 1


def test_escalating_again_through_the_api_climbs(api_client, ticket, alice, lena, billing_ladder):
    client = api_client(alice)
    client.post(f"/api/v1/tickets/{ticket.pk}/escalate", {"reason": "First"}, content_type="application/json")
    response = client.post(f"/api/v1/tickets/{ticket.pk}/escalate", {"reason": "Second"}, content_type="application/json")
    assert (response.status_code, response.json()["level"]) == (200, 2)


@pytest.mark.parametrize("payload", [{}, {"reason": ""}])
def test_an_escalation_without_a_reason_is_422_and_changes_nothing(api_client, ticket, alice, payload):
    response = api_client(alice).post(f"/api/v1/tickets/{ticket.pk}/escalate", payload, content_type="application/json")
    assert response.status_code == 422
    assert not Escalation.objects.exists()


def test_a_blank_reason_gets_the_desk_s_own_sentence(api_client, ticket, alice):
    response = api_client(alice).post(f"/api/v1/tickets/{ticket.pk}/escalate", {"reason": "   "}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"] == "Say why the ticket needs escalating; the next level reads this first."


def test_the_top_of_the_ladder_is_422(api_client, ticket, alice, lena):
    client = api_client(alice)
    client.post(f"/api/v1/tickets/{ticket.pk}/escalate", {"reason": "First"}, content_type="application/json")
    response = client.post(f"/api/v1/tickets/{ticket.pk}/escalate", {"reason": "Second"}, content_type="application/json")
    assert response.status_code == 422
    assert "already escalated to the top" in response.json()["detail"]


@pytest.mark.parametrize("who, status", [("charlie", 404), ("sam", 404)])
def test_who_cannot_see_the_private_ticket_gets_404(api_client, ticket, who, status, request):
    response = api_client(request.getfixturevalue(who)).post(
        f"/api/v1/tickets/{ticket.pk}/escalate", {"reason": "Let me"}, content_type="application/json"
    )
    assert response.status_code == status
    assert not Escalation.objects.exists()


def test_sales_get_403_on_a_ticket_they_can_see(api_client, parcel, sam):
    response = api_client(sam).post(f"/api/v1/tickets/{parcel.pk}/escalate", {"reason": "Angry"}, content_type="application/json")
    assert response.status_code == 403


def test_a_customer_gets_403_on_their_own_ticket(api_client, ticket, miggins):
    response = api_client(miggins.user).post(
        f"/api/v1/tickets/{ticket.pk}/escalate", {"reason": "Manager please"}, content_type="application/json"
    )
    assert response.status_code == 403


@pytest.fixture
def escalation(ticket, alice, lena):
    return services.escalate(ticket, by=alice, reason="Refund above my limit")


def test_the_lead_resolves_through_the_api(api_client, escalation, lena):
    response = api_client(lena).post(
        f"/api/v1/escalations/{escalation.pk}/resolve", {"resolution": "Refunded"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["resolved_by_id"]) == ("resolved", lena.pk)


@pytest.mark.parametrize("who, status", [("alice", 403), ("bob", 403), ("charlie", 404), ("sam", 404)])
def test_only_the_level_resolves_through_the_api(api_client, escalation, who, status, request):
    response = api_client(request.getfixturevalue(who)).post(
        f"/api/v1/escalations/{escalation.pk}/resolve", {"resolution": "Done"}, content_type="application/json"
    )
    assert response.status_code == status
    assert Escalation.objects.get(pk=escalation.pk).state == "open"


def test_a_customer_cannot_resolve(api_client, escalation, miggins):
    response = api_client(miggins.user).post(
        f"/api/v1/escalations/{escalation.pk}/resolve", {"resolution": "Done"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_resolving_twice_is_422(api_client, escalation, lena):
    client = api_client(lena)
    client.post(f"/api/v1/escalations/{escalation.pk}/resolve", {"resolution": "Done"}, content_type="application/json")
    response = client.post(f"/api/v1/escalations/{escalation.pk}/resolve", {"resolution": "Again"}, content_type="application/json")
    assert response.status_code == 422


def test_an_unknown_escalation_is_404(api_client, lena):
    response = api_client(lena).post("/api/v1/escalations/999/resolve", {"resolution": "Done"}, content_type="application/json")
    assert response.status_code == 404
