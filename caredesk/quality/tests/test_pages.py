"""The composer's live panel and the stored scores on the ticket page: what they show, and to whom."""

import pytest

from caredesk.conversations import services as conversations
from caredesk.quality.models import ReplyScore


def _live(client, ticket, body, kind="reply"):
    return client.post(f"/quality/tickets/{ticket.pk}/live", {"body": body, "kind": kind})


def test_the_live_panel_shows_six_behaviours_words_and_suggestions(client, alice, ticket):
    client.force_login(alice)
    response = _live(client, ticket, "You must send us the receipt for the double charge.")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="quality-row') == 6
    assert 'data-behaviour="polite"' in html
    assert "Instead of &#x27;you must send&#x27;, try &#x27;could you please send&#x27;." in html
    assert ">You must</mark>" in html
    assert ">charge</mark>" in html  # shared with the customer's "charged twice"


def test_the_live_panel_stays_empty_for_notes_and_empty_drafts(client, alice, ticket):
    client.force_login(alice)
    assert "quality-row" not in _live(client, ticket, "Customer is cross", kind="note").content.decode()
    assert "quality-row" not in _live(client, ticket, "   ").content.decode()


def test_a_huge_draft_gets_the_limit_as_a_message_not_scores(client, alice, ticket):
    client.force_login(alice)
    html = _live(client, ticket, "x" * 100_000).content.decode()
    assert "longer than the 20,000 the scorer reads" in html and "quality-row" not in html


def test_the_composer_includes_the_panel(client, alice, ticket):
    client.force_login(alice)
    html = client.get(ticket.get_absolute_url()).content.decode()
    assert f'hx-post="/quality/tickets/{ticket.pk}/live"' in html
    assert f'hx-get="/quality/tickets/{ticket.pk}/scores"' in html


def test_an_agent_outside_a_private_team_gets_404_from_the_live_panel(client, charlie, ticket):
    client.force_login(charlie)
    assert _live(client, ticket, "Hello").status_code == 404


def test_sales_may_see_a_public_ticket_but_not_use_the_live_panel(client, sam, ticket_factory, deliveries, parker, charlie):
    public = ticket_factory.create(customer=parker, team=deliveries, owner=charlie, subject="Late van", body="Where is it?", by=charlie)
    client.force_login(sam)
    assert client.get(public.get_absolute_url()).status_code == 200
    assert _live(client, public, "Hello").status_code == 403


def test_a_customer_cannot_reach_the_panel_or_the_scores(client, miggins, ticket, alice):
    conversations.reply(ticket, by=alice, body="Hi, I've refunded it today.")
    client.force_login(miggins.user)
    assert _live(client, ticket, "Hello").status_code in (403, 404, 302)
    response = client.get(f"/quality/tickets/{ticket.pk}/scores")
    assert response.status_code in (403, 404, 302)
    assert b"quality" not in response.content


def test_staff_get_the_stored_scores_of_each_reply_swapped_into_its_message(client, bob, ticket, alice):
    message = conversations.reply(ticket, by=alice, body="Hi Mrs Miggins, I've refunded the charge today. Best, Alice")
    client.force_login(bob)
    html = client.get(f"/quality/tickets/{ticket.pk}/scores").content.decode()
    assert f'hx-swap-oob="beforeend:#message-{message.pk} .card-body"' in html
    assert html.count('class="quality-row') == 6


def test_an_agent_outside_a_private_team_gets_404_for_the_scores(client, charlie, ticket, alice):
    conversations.reply(ticket, by=alice, body="Hi, I've refunded it today.")
    client.force_login(charlie)
    assert client.get(f"/quality/tickets/{ticket.pk}/scores").status_code == 404


def test_the_scores_fragment_queries_do_not_grow_with_replies(client, alice, ticket, django_assert_num_queries):
    client.force_login(alice)
    client.get(f"/quality/tickets/{ticket.pk}/scores")  # warm the session
    for count in (1, 6):
        for _ in range(count):
            conversations.reply(ticket, by=alice, body="Hi, I've refunded it today.")
        assert ReplyScore.objects.count() in (1, 7)
        # session, user, the ticket with owner/customer/team, alice's teams, the scores
        with django_assert_num_queries(5):
            client.get(f"/quality/tickets/{ticket.pk}/scores")
