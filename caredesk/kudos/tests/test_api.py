"""POST /api/v1/quality/classify: staff only, clear 422s, the classifier's answer."""

import pytest

pytestmark = pytest.mark.django_db
URL = "/api/v1/quality/classify"


def _post(client, body):
    return client.post(URL, body, content_type="application/json")


def test_an_agent_gets_the_kind_and_praised_names(api_client, alice):
    response = _post(api_client(alice), {"message": "Tom was lovely, but the parcel is still missing."})
    assert response.status_code == 200
    body = response.json()
    assert (body["kind"], body["praised_names"]) == ("mixed", ["Tom"])
    assert {"start": 0, "end": 3, "label": "name", "text": "Tom"} in body["spans"]


def test_sales_may_classify(api_client, sam):
    assert _post(api_client(sam), {"message": "Thanks so much!"}).json()["kind"] == "compliment"


def test_customers_are_refused(api_client, miggins):
    response = _post(api_client(miggins.user), {"message": "Thanks so much!"})
    assert response.status_code == 403
    assert response.json() == {"detail": "Only staff may classify messages."}


def test_without_a_token_it_is_401(client):
    assert _post(client, {"message": "Thanks"}).status_code == 401


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"message": ""}, "message: write the message to classify; it is empty."),
        ({"message": "  \n "}, "message: write the message to classify; it is empty."),
        ({"message": "x" * 100_000}, "message: too long (100,000 characters); at most 20,000."),
    ],
)
def test_empty_or_over_long_messages_are_422(api_client, alice, body, detail):
    response = _post(api_client(alice), body)
    assert response.status_code == 422
    assert response.json()["detail"] == detail


def test_a_missing_or_mistyped_message_is_422(api_client, alice):
    assert _post(api_client(alice), {}).status_code == 422
    assert _post(api_client(alice), {"message": 12}).status_code == 422
    assert _post(api_client(alice), {"message": "nul \x00 inside"}).status_code == 422


def test_another_script_is_answered_not_broken(api_client, alice):
    response = _post(api_client(alice), {"message": "我的包裹在哪里？"})
    body = response.json()
    assert (response.status_code, body["kind"], body["praised_names"]) == (200, "question", [])
    assert body["spans"] == [{"start": 7, "end": 8, "label": "request", "text": "？"}]  # the full-width question mark
