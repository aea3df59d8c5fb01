"""The promises API: the same rules as the pages."""

from datetime import timedelta

import pytest

from caredesk.promises import services
from caredesk.promises.models import Promise
from caredesk.system import clock

URL = "/api/v1"


@pytest.fixture
def promise(ticket, alice):
    return services.make_promise(ticket, what="Call back about the refund", due=clock.now() + timedelta(days=2), owner=alice, by=alice)


def test_an_agent_records_a_promise_with_a_due_time_in_words(api_client, ticket, alice, bob):
    response = api_client(alice).post(
        f"{URL}/tickets/{ticket.pk}/promises",
        {"what": "Send a new card reader", "due": "within 5 working days", "owner_id": bob.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["what"], body["owner_id"], body["made_by_id"], body["state"]) == ("Send a new card reader", bob.pk, alice.pk, "open")


def test_an_unparseable_due_time_is_422_and_records_nothing(api_client, ticket, alice):
    response = api_client(alice).post(
        f"{URL}/tickets/{ticket.pk}/promises", {"what": "Call back", "due": "when pigs fly"}, content_type="application/json"
    )
    assert (response.status_code, response.json()["detail"]) == (
        422, "Could not read 'when pigs fly' as a date and time; try 'Tuesday 12:00' or an ISO time.",
    )
    assert not Promise.objects.exists()


def test_detect_finds_the_promises_in_a_text(api_client, ticket, alice):
    text = "Thanks for waiting. I'll call you back within 2 working days."
    response = api_client(alice).post(f"{URL}/tickets/{ticket.pk}/promises/detect", {"text": text}, content_type="application/json")
    (found,) = response.json()
    assert (found["what"], found["when"], text[found["start"]:found["end"]]) == (
        "Call you back", "within 2 working days", "I'll call you back within 2 working days.",
    )
    assert not Promise.objects.exists()


def test_keep_and_cancel(api_client, alice, promise):
    client = api_client(alice)
    response = client.post(f"{URL}/promises/{promise.pk}/cancel", {"reason": ""}, content_type="application/json")
    assert response.status_code == 422
    assert client.post(f"{URL}/promises/{promise.pk}/keep").json()["state"] == "kept"
    assert client.post(f"{URL}/promises/{promise.pk}/keep").json()["detail"] == "This promise is kept already."


def test_charlie_gets_404_for_billings_promises(api_client, ticket, charlie, promise):
    client = api_client(charlie)
    assert client.get(f"{URL}/tickets/{ticket.pk}/promises").status_code == 404
    assert client.post(f"{URL}/promises/{promise.pk}/keep").status_code == 404
    assert Promise.objects.get().state == "open"


def test_sales_read_but_may_not_record_or_keep(api_client, sam, deliveries, charlie, miggins, ticket_factory):
    ticket = ticket_factory.create(customer=miggins, team=deliveries, owner=charlie, by=charlie)
    promise = services.make_promise(ticket, what="Redeliver", due=clock.now() + timedelta(days=1), owner=charlie, by=charlie)
    client = api_client(sam)
    assert [row["what"] for row in client.get(f"{URL}/tickets/{ticket.pk}/promises").json()] == ["Redeliver"]
    response = client.post(f"{URL}/tickets/{ticket.pk}/promises", {"what": "x", "due": "tomorrow"}, content_type="application/json")
    assert response.status_code == 403
    assert client.post(f"{URL}/promises/{promise.pk}/keep").status_code == 403
    assert Promise.objects.get().state == "open"


def test_the_customer_lists_their_promises_without_anything_internal(api_client, ticket, alice, miggins, promise):
    cancelled = services.make_promise(ticket, what="Internal", due=clock.now() + timedelta(days=1), owner=alice, by=alice)
    services.cancel(cancelled, by=alice, reason="No")
    client = api_client(miggins.user)
    (row,) = client.get(f"{URL}/tickets/{ticket.pk}/promises").json()
    assert (row["what"], row["state"], row["owner_id"], row["made_by_id"]) == ("Call back about the refund", "open", None, None)
    assert client.post(f"{URL}/promises/{promise.pk}/keep").status_code == 403
    response = client.post(f"{URL}/tickets/{ticket.pk}/promises", {"what": "x", "due": "tomorrow"}, content_type="application/json")
    assert response.status_code == 403
