"""The coaching pages through the test client: who may see and do what, bad input, query counts."""

import pytest

from caredesk.coaching import services
from caredesk.coaching.models import Review, SampleItem, TrainingExample
from caredesk.conversations import services as desk

SCORECARD = {
    "warm": "2", "interested": "2", "willing": "1", "positive": "2", "empathy": "0", "polite": "na",
    "resolution": "resolved", "accurate": "yes", "comment": "Kind and quick.",
}


def _post_review(client, ticket, person, **changes):
    return client.post(f"/coaching/tickets/{ticket.pk}/review/", {**SCORECARD, "agent": person.pk, **changes})


# The scorecard -------------------------------------------------------------------------------------


def test_a_lead_reviews_a_ticket_of_their_team(client, ticket, reply, alice, lena):
    client.force_login(lena)
    assert client.get(f"/coaching/tickets/{ticket.pk}/review/").status_code == 200
    response = _post_review(client, ticket, alice)
    review = Review.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/coaching/reviews/{review.pk}/"
    assert (review.agent, review.reviewer, review.polite, review.accurate, review.comment) == (alice, lena, None, True, "Kind and quick.")


def test_an_admin_reviews_any_ticket(client, ticket, reply, alice, ada):
    client.force_login(ada)
    assert _post_review(client, ticket, alice).status_code == 302


def test_an_agent_cannot_review_even_their_own_teams_ticket(client, ticket, reply, alice, bob):
    for agent in (alice, bob):
        client.force_login(agent)
        assert client.get(f"/coaching/tickets/{ticket.pk}/review/").status_code == 403
        assert _post_review(client, ticket, alice).status_code == 403
    assert not Review.objects.exists()


def test_a_lead_of_another_team_cannot_review_a_private_teams_ticket(client, ticket, reply, alice, dora):
    client.force_login(dora)
    assert client.get(f"/coaching/tickets/{ticket.pk}/review/").status_code == 404
    assert _post_review(client, ticket, alice).status_code == 404
    assert not Review.objects.exists()


def test_a_lead_of_another_team_cannot_review_a_public_teams_ticket_either(client, ticket_factory, parker, deliveries, charlie, lena):
    parcel = ticket_factory.create(customer=parker, team=deliveries, owner=charlie, by=charlie)
    client.force_login(lena)
    assert _post_review(client, parcel, charlie).status_code == 403


def test_sales_and_customers_reach_no_coaching_page(client, ticket, reply, alice, sam, miggins):
    example = services.mark_example(reply, by=alice, note="Nice", tags="refund")
    for person in (sam, miggins.user):
        client.force_login(person)
        for url in (
            f"/coaching/tickets/{ticket.pk}/review/", "/coaching/reviews/", "/coaching/library/", "/coaching/",
            f"/coaching/agents/{alice.pk}/", f"/coaching/replies/{example.message_id}/example",
        ):
            assert client.get(url).status_code in (403, 404), (person, url)
        assert _post_review(client, ticket, alice).status_code in (403, 404)
    assert not Review.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get("/coaching/library/")["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    "changes, error",
    [
        ({"warm": "7"}, "Select a valid choice. 7 is not one of the available choices."),
        ({"empathy": ""}, "Rate “Empathy”."),
        ({"warm": "na"}, "Select a valid choice. na is not one of the available choices."),
        ({"resolution": ""}, "Say whether the conversation was resolved."),
        ({"accurate": "perhaps"}, "Select a valid choice. perhaps is not one of the available choices."),
        ({"comment": "x" * 5001}, "Ensure this value has at most 5000 characters (it has 5001)."),
        ({"agent": "999999"}, "Select a valid choice. 999999 is not one of the available choices."),
    ],
)
def test_bad_scorecards_are_shown_again_with_the_error_and_nothing_is_saved(client, ticket, reply, alice, lena, changes, error):
    client.force_login(lena)
    response = _post_review(client, ticket, alice, **changes)
    assert response.status_code == 422
    assert error in response.content.decode()
    assert not Review.objects.exists()


def test_reviewing_someone_who_did_not_work_the_ticket_is_refused(client, ticket, reply, lena, bob):
    client.force_login(lena)
    response = _post_review(client, ticket, bob)  # bob is on the team but not a choice: not on the ticket
    assert response.status_code == 422 and not Review.objects.exists()


# Who reads reviews ---------------------------------------------------------------------------------


def test_an_agent_reads_reviews_of_their_own_work_only(client, ticket, reply, alice, bob, make_review):
    review = make_review(ticket, alice, comment="Well done, Alice.")
    client.force_login(alice)
    assert client.get(f"/coaching/reviews/{review.pk}/").status_code == 200
    assert "Well done, Alice." in client.get("/coaching/reviews/").content.decode()
    client.force_login(bob)
    assert client.get(f"/coaching/reviews/{review.pk}/").status_code == 404
    assert "Well done, Alice." not in client.get("/coaching/reviews/").content.decode()


def test_the_ticket_block_offers_review_to_leads_and_shows_reviews_to_the_reviewed(client, ticket, reply, alice, bob, lena, make_review):
    url = f"/coaching/tickets/{ticket.pk}/block"
    client.force_login(lena)
    assert "Review</a>" in client.get(url).content.decode()
    client.force_login(bob)
    assert client.get(url).content.decode().strip() == ""
    make_review(ticket, alice)
    client.force_login(alice)
    body = client.get(url).content.decode()
    assert "reviewed by Lena Lead" in body and "Review</a>" not in body


def test_the_ticket_block_of_an_invisible_ticket_is_404(client, ticket, charlie):
    client.force_login(charlie)
    assert client.get(f"/coaching/tickets/{ticket.pk}/block").status_code == 404


def test_the_ticket_page_carries_the_coaching_slot(client, ticket, alice):
    client.force_login(alice)
    assert f'hx-get="/coaching/tickets/{ticket.pk}/block"' in client.get(ticket.get_absolute_url()).content.decode()


# Coaching pages ------------------------------------------------------------------------------------


def test_an_agent_sees_their_own_coaching_page_and_no_one_elses(client, alice, bob, lena, charlie):
    client.force_login(alice)
    assert client.get(f"/coaching/agents/{alice.pk}/").status_code == 200
    for other in (bob, lena, charlie):
        assert client.get(f"/coaching/agents/{other.pk}/").status_code == 404


def test_a_lead_sees_their_teams_agents_only(client, alice, bob, charlie, lena):
    client.force_login(lena)
    for person in (alice, bob, lena):
        assert client.get(f"/coaching/agents/{person.pk}/").status_code == 200
    assert client.get(f"/coaching/agents/{charlie.pk}/").status_code == 404


def test_an_admin_sees_everyones(client, alice, charlie, ada):
    client.force_login(ada)
    assert client.get(f"/coaching/agents/{alice.pk}/").status_code == 200
    assert client.get(f"/coaching/agents/{charlie.pk}/").status_code == 200


def test_coaching_home_sends_agents_to_their_page_and_leads_to_the_reviews(client, alice, lena):
    client.force_login(alice)
    assert client.get("/coaching/")["Location"] == f"/coaching/agents/{alice.pk}/"
    client.force_login(lena)
    assert client.get("/coaching/")["Location"] == "/coaching/reviews/"


# Training examples from the review page --------------------------------------------------------------


def test_a_lead_marks_a_reply_as_a_training_example(client, ticket, reply, lena):
    client.force_login(lena)
    response = client.post(f"/coaching/replies/{reply.pk}/example", {"note": "Owns it.", "tags": "refund, apology"})
    assert response.status_code == 200 and "Training example" in response.content.decode()
    assert TrainingExample.objects.get().message == reply
    response = client.post(f"/coaching/replies/{reply.pk}/unmark")
    assert response.status_code == 200 and not TrainingExample.objects.exists()


def test_an_empty_note_is_refused_with_the_form_again(client, ticket, reply, lena):
    client.force_login(lena)
    response = client.post(f"/coaching/replies/{reply.pk}/example", {"note": " ", "tags": "refund"})
    assert response.status_code == 422
    assert "Say why this reply is good" in response.content.decode()
    assert not TrainingExample.objects.exists()


def test_agents_cannot_mark_examples_and_customer_messages_cannot_be_marked(client, ticket, reply, alice, lena):
    client.force_login(alice)
    assert client.post(f"/coaching/replies/{reply.pk}/example", {"note": "Me!", "tags": ""}).status_code == 403
    client.force_login(lena)
    first = ticket.messages.get(kind="customer")
    assert client.post(f"/coaching/replies/{first.pk}/example", {"note": "Nice", "tags": ""}).status_code == 404
    assert not TrainingExample.objects.exists()


# Team settings -------------------------------------------------------------------------------------


def test_the_reviews_list_links_a_lead_to_their_agents_coaching_pages(client, alice, bob, charlie, lena):
    client.force_login(lena)
    body = client.get("/coaching/reviews/").content.decode()
    assert f"/coaching/agents/{alice.pk}/" in body and f"/coaching/agents/{bob.pk}/" in body
    assert f"/coaching/agents/{charlie.pk}/" not in body


def test_a_lead_changes_their_teams_sample_and_no_other(client, billing, deliveries, lena):
    client.force_login(lena)
    response = client.post(f"/coaching/teams/{billing.pk}/settings", {"sample_enabled": "on", "sample_per_agent": "5"})
    assert response.status_code == 200 and services.settings_of(billing).sample_per_agent == 5
    assert client.post(f"/coaching/teams/{deliveries.pk}/settings", {"sample_per_agent": "5"}).status_code == 403
    response = client.post(f"/coaching/teams/{billing.pk}/settings", {"sample_per_agent": "50"})
    assert response.status_code == 422 and "less than or equal to 20" in response.content.decode()
    billing.refresh_from_db()
    assert services.settings_of(billing).sample_per_agent == 5


def test_agents_cannot_change_the_sample(client, billing, alice):
    client.force_login(alice)
    assert client.post(f"/coaching/teams/{billing.pk}/settings", {"sample_per_agent": "5"}).status_code == 403


# Query counts --------------------------------------------------------------------------------------


def _reviews(ticket_factory, miggins, billing, alice, make_review, count):
    for _ in range(count):
        ticket = ticket_factory.create(customer=miggins, team=billing, owner=alice, by=alice)
        make_review(ticket, alice)
        SampleItem.objects.create(team=billing, week="2026-11-16", agent=alice, ticket=ticket)


def test_the_reviews_list_queries_do_not_grow_with_reviews(client, ticket_factory, miggins, billing, alice, lena, make_review, django_assert_num_queries):
    client.force_login(lena)
    for count in (2, 25):
        _reviews(ticket_factory, miggins, billing, alice, make_review, count)
        client.get("/coaching/reviews/")  # the nav's escalation count is cached from here on
        # session, user, lena's teams, review count, settings teams, her agents, waiting items, review rows
        with django_assert_num_queries(8):
            assert client.get("/coaching/reviews/").status_code == 200


def test_the_library_queries_do_not_grow_with_examples(client, ticket_factory, miggins, billing, alice, lena, django_assert_num_queries):
    client.force_login(alice)
    for count in (2, 25):
        for _ in range(count):
            ticket = ticket_factory.create(customer=miggins, team=billing, owner=alice, by=alice)
            message = desk.reply(ticket, by=alice, body="Refunded today, sorry for the worry.")
            services.mark_example(message, by=lena, note="Kind and concrete.", tags="refund, apology")
        client.get("/coaching/library/")  # the nav's escalation count is cached from here on
        # session, user, alice's teams, example count, tags in use, example rows, their tags
        with django_assert_num_queries(7):
            assert client.get("/coaching/library/?q=refunded").status_code == 200


# Correcting a review --------------------------------------------------------------------------------


def _change(client, review, **changes):
    return client.post(f"/coaching/reviews/{review.pk}/change", {**SCORECARD, "agent": review.agent_id, **changes})


def test_the_reviewer_corrects_their_review(client, ticket, reply, alice, lena, make_review):
    review = make_review(ticket, alice, comment="Kind and quick.")
    client.force_login(lena)
    page = client.get(f"/coaching/reviews/{review.pk}/").content.decode()
    assert f'href="/coaching/reviews/{review.pk}/change"' in page
    form = client.get(f"/coaching/reviews/{review.pk}/change").content.decode()
    assert "Correct the review of" in form and "Kind and quick." in form
    response = _change(client, review, empathy="2", polite="1", resolution="partly", comment="Better than I first said.")
    assert response.status_code == 302 and response["Location"] == f"/coaching/reviews/{review.pk}/"
    review.refresh_from_db()
    assert (review.empathy, review.polite, review.resolution, review.comment) == (2, 1, "partly", "Better than I first said.")
    assert review.changed_at is not None and Review.objects.count() == 1
    changed = ticket.events.filter(kind="reviewed").order_by("pk").last()
    assert (changed.actor, changed.data["changed"], changed.data["resolution"]) == (lena, True, "partly")
    assert "corrected on" in client.get(f"/coaching/reviews/{review.pk}/").content.decode()


def test_an_admin_corrects_any_review(client, ticket, reply, alice, ada, make_review):
    review = make_review(ticket, alice)
    client.force_login(ada)
    assert _change(client, review, warm="0").status_code == 302
    review.refresh_from_db()
    assert review.warm == 0


def test_nobody_else_may_correct_a_review(client, ticket, reply, alice, lena, billing, dora, make_review):
    from caredesk.accounts.models import User
    from caredesk.conftest import _user

    review = make_review(ticket, alice, comment="Kind and quick.")
    other_lead = _user("lou@example.com", "Lou", "Lane", User.Role.LEAD, [billing])
    for person, status in ((alice, 403), (other_lead, 403), (dora, 404)):  # dora leads another team: cannot see it
        client.force_login(person)
        assert client.get(f"/coaching/reviews/{review.pk}/change").status_code == status, person
        assert _change(client, review, warm="0").status_code == status, person
        assert f"/coaching/reviews/{review.pk}/change" not in client.get(f"/coaching/reviews/{review.pk}/").content.decode()
    review.refresh_from_db()
    assert (review.warm, review.changed_at) == (2, None)


def test_a_bad_correction_is_shown_again_and_changes_nothing(client, ticket, reply, alice, lena, make_review):
    review = make_review(ticket, alice, comment="Kind and quick.")
    client.force_login(lena)
    response = _change(client, review, warm="7", comment="Changed")
    assert response.status_code == 422 and "7 is not one of the available choices" in response.content.decode()
    assert _change(client, review, agent=999).status_code == 422  # a review stays about its agent
    review.refresh_from_db()
    assert (review.warm, review.comment, review.changed_at) == (2, "Kind and quick.", None)
