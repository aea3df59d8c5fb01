"""POST /api/v1/quality/score: the answer's shape, bad input, and who may call it."""

import pytest

from caredesk.quality.models import ReplyScore

URL = "/api/v1/quality/score"


def _post(client, payload):
    return client.post(URL, payload, content_type="application/json")


def test_an_agent_gets_six_behaviours_with_score_present_spans_and_suggestion(api_client, alice):
    response = _post(api_client(alice), {
        "reply": "Hi Ann, so sorry the jacket is too small! You must send it back first.",
        "customer_message": "The jacket I ordered is too small.",
    })
    assert response.status_code == 200, response.json()
    body = response.json()
    assert list(body) == ["warm", "interested", "willing", "positive", "empathy", "polite"]
    for item in body.values():
        assert set(item) == {"score", "present", "spans", "suggestion"}
    polite = body["polite"]
    assert polite["present"] is False
    assert polite["suggestion"] == "Instead of 'you must send', try 'could you please send'."
    assert {"start": 42, "end": 50, "text": "You must", "effect": "hurt"} in polite["spans"]
    assert "jacket" in [span["text"] for span in body["interested"]["spans"]]
    assert not ReplyScore.objects.exists()  # scoring a draft stores nothing


def test_polite_is_null_when_the_reply_asks_nothing_and_the_message_is_optional(api_client, lena):
    body = _post(api_client(lena), {"reply": "Hi Ann, I've refunded the £12 today. Have a lovely weekend!"}).json()
    assert (body["polite"]["score"], body["polite"]["present"], body["polite"]["spans"]) == (None, None, [])
    assert body["willing"]["present"] is True


@pytest.mark.parametrize(
    "payload, detail",
    [
        ({"reply": ""}, "reply: write the reply to score; it is empty."),
        ({"reply": "   \n "}, "reply: write the reply to score; it is empty."),
        ({"reply": "x" * 100_000}, "reply: 100,000 characters is longer than the 20,000 the scorer reads; score a shorter reply."),
        ({"reply": "Hi", "customer_message": "y" * 100_000}, "customer_message: longer than 20,000 characters."),
    ],
)
def test_an_empty_or_huge_reply_is_422_with_a_clear_detail(api_client, ada, payload, detail):
    response = _post(api_client(ada), payload)
    assert (response.status_code, response.json()["detail"]) == (422, detail)


def test_a_missing_reply_is_422(api_client, alice):
    response = _post(api_client(alice), {"customer_message": "Hello"})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("reply: ")


@pytest.mark.parametrize("who", ["sam", "miggins"])
def test_sales_and_customers_get_403(api_client, request, who):
    person = request.getfixturevalue(who)
    user = getattr(person, "user", person)
    response = _post(api_client(user), {"reply": "Hi Ann, thanks so much!"})
    assert (response.status_code, response.json()["detail"]) == (403, "Only staff who write replies may use the scorer.")


def test_without_a_token_it_is_401(client):
    assert _post(client, {"reply": "Hi"}).status_code == 401
