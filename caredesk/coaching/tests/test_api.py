"""The coaching API: the same rules as the pages."""

from caredesk.coaching import services
from caredesk.coaching.models import Review

URL = "/api/v1"
REVIEW = {
    "warm": "yes", "interested": "yes", "willing": "partly", "positive": "yes", "empathy": "no", "polite": None,
    "resolution": "resolved", "accurate": True, "comment": "Good refund.",
}


def test_a_lead_reviews_through_the_api(api_client, ticket, reply, alice, lena):
    response = api_client(lena).post(f"{URL}/tickets/{ticket.pk}/reviews", {**REVIEW, "agent_id": alice.pk}, content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["agent_id"], body["reviewer_id"], body["willing"], body["polite"], body["comment"]) == (alice.pk, lena.pk, "partly", None, "Good refund.")
    assert api_client(alice).get(f"{URL}/reviews/{body['id']}").json()["empathy"] == "no"


def test_agents_sales_and_other_leads_cannot_review(api_client, ticket, reply, alice, sam, dora):
    for person, status in ((alice, 403), (sam, 403), (dora, 404)):
        response = api_client(person).post(f"{URL}/tickets/{ticket.pk}/reviews", {**REVIEW, "agent_id": alice.pk}, content_type="application/json")
        assert response.status_code == status, person
    assert not Review.objects.exists()


def test_a_rating_off_the_scale_is_422_and_nothing_is_saved(api_client, ticket, reply, alice, lena):
    response = api_client(lena).post(
        f"{URL}/tickets/{ticket.pk}/reviews", {**REVIEW, "warm": "very", "agent_id": alice.pk}, content_type="application/json"
    )
    assert response.status_code == 422 and not Review.objects.exists()


def test_another_agents_review_is_404(api_client, ticket, reply, alice, bob, make_review):
    review = make_review(ticket, alice)
    assert api_client(bob).get(f"{URL}/reviews/{review.pk}").status_code == 404


def test_searching_the_library(api_client, reply, alice, lena, miggins):
    services.mark_example(reply, by=lena, note="Owns the refund.", tags="refund")
    body = api_client(alice).get(f"{URL}/coaching/library", {"q": "refunded"}).json()
    assert (body["count"], body["results"][0]["tags"], body["results"][0]["reply"]) == (1, ["refund"], reply.body_text)
    assert api_client(alice).get(f"{URL}/coaching/library", {"q": "birthday"}).json()["count"] == 0
    assert api_client(miggins.user).get(f"{URL}/coaching/library").status_code == 403


def test_a_library_search_with_a_nul_character_is_refused_as_bad_input(api_client, alice):
    # PostgreSQL cannot compare text with NUL in it: without the check the search was a server error.
    for params in ({"q": "refund\x00"}, {"tag": "\x00"}):
        response = api_client(alice).get(f"{URL}/coaching/library", params)
        assert response.status_code == 422, response.content
