"""Stored scores: every public agent reply gets one, once; notes, customer messages and automatic
replies get none; the bulk rescore fills the gaps; the queries others call."""

from datetime import timedelta

import pytest

from caredesk.conversations import hooks, services as conversations
from caredesk.quality import queries, services, tasks
from caredesk.quality.models import ReplyScore
from caredesk.system import clock

WARM_REPLY = (
    "Hi Mrs Miggins, I'm so sorry you were charged twice, that's really annoying. I've refunded the second "
    "payment today and it will be back on your card by Friday.\n\nBest wishes,\nAlice"
)
COLD_REPLY = "Please be advised that refunds are handled by your bank. Contact your bank."


def test_a_public_reply_is_scored_once_with_its_ticket_agent_and_team(ticket, alice):
    message = conversations.reply(ticket, by=alice, body=WARM_REPLY)
    row = ReplyScore.objects.get()
    assert (row.message, row.ticket, row.agent, row.team, row.at) == (message, ticket, alice, ticket.team, message.created_at)
    assert row.warm >= 0.5 and row.willing >= 0.5 and row.empathy >= 0.5 and row.polite is None
    assert row.details["willing"]["spans"][0]["effect"] == "helped"


def test_scoring_the_same_reply_again_changes_nothing(ticket, alice):
    message = conversations.reply(ticket, by=alice, body=WARM_REPLY)
    first = ReplyScore.objects.get()
    tasks.score_reply.call(message_id=message.pk)
    assert services.score_reply(message.pk) is None
    assert list(ReplyScore.objects.values_list("pk", flat=True)) == [first.pk]


def test_notes_and_customer_messages_are_not_scored(ticket, alice, miggins):
    conversations.add_note(ticket, by=alice, body="Customer sounds cross, be gentle.")
    conversations.customer_reply(ticket, customer=miggins, body="Any news?")
    assert not ReplyScore.objects.exists()


def test_replies_written_while_replaying_history_wait_for_the_bulk_rescore(ticket, alice):
    with hooks.history():
        conversations.reply(ticket, by=alice, body=WARM_REPLY)
        conversations.reply(ticket, by=alice, body=COLD_REPLY)
    assert not ReplyScore.objects.exists()
    assert services.score_missing(batch=1) == 2
    assert services.score_missing() == 0
    assert ReplyScore.objects.count() == 2


def test_interested_reads_the_customer_message_the_reply_answers(ticket_factory, miggins, billing, alice):
    ticket = ticket_factory.create(customer=miggins, team=billing, owner=alice, subject="Tent",
                                   body="The tent pole snapped on our Kendal trip.", by=alice)
    with hooks.history():
        conversations.reply(ticket, by=alice, body="Hi, I've sent a new tent pole for the Kendal tent today.")
    services.score_missing()
    spans = ReplyScore.objects.get().details["interested"]["spans"]
    assert {"tent", "pole", "Kendal"} <= {span["text"] for span in spans}


@pytest.fixture
def scored(ticket, alice, bob):
    conversations.reply(ticket, by=alice, body=WARM_REPLY)
    conversations.reply(ticket, by=bob, body=COLD_REPLY)
    conversations.reply(ticket, by=bob, body="Could you please send me the card's last four digits? I'll check today.")
    return ticket


def test_average_scores_give_the_share_of_replies_where_each_behaviour_is_present(scored, alice, bob):
    assert queries.average_scores(agent_id=alice.pk) == {
        "warm": 1.0, "interested": 1.0, "willing": 1.0, "positive": 1.0, "empathy": 1.0, "polite": None,
    }
    bobs = queries.average_scores(agent_id=bob.pk)
    assert (queries.replies_scored(agent_id=bob.pk), bobs["warm"], bobs["polite"]) == (2, 0.0, 0.5)


def test_average_scores_filter_by_team_and_period(scored, billing, deliveries):
    assert queries.replies_scored(team_id=billing.pk) == 3
    assert queries.average_scores(team_id=deliveries.pk)["warm"] is None
    assert queries.replies_scored(team_id=deliveries.pk) == 0
    assert queries.average_scores(since=clock.now() + timedelta(minutes=1))["warm"] is None
    assert queries.replies_scored(until=clock.now() + timedelta(minutes=1)) == 3


def test_scores_by_day_count_each_day(scored):
    days = queries.scores_by_day()
    assert [(row["day"], row["replies"]) for row in days] == [(clock.now().date(), 3)]


def test_best_replies_come_best_first(scored, bob):
    best = queries.best_replies(bob.pk, limit=5)
    assert [message.body_text[:9] for message in best] == ["Could you", "Please be"]
    assert best[0].overall > best[1].overall


def test_best_replies_queries_do_not_grow_with_replies(ticket, alice, django_assert_num_queries):
    for count in (2, 8):
        for _ in range(count):
            conversations.reply(ticket, by=alice, body=WARM_REPLY)
        expected = min(5, ReplyScore.objects.count())
        with django_assert_num_queries(1):  # scores joined with their message and ticket
            assert len(queries.best_replies(alice.pk, limit=5)) == expected


def test_the_demo_scores_the_replayed_history(ticket, alice, billing):
    from caredesk.quality import demo

    with hooks.history():
        conversations.reply(ticket, by=alice, body=WARM_REPLY)
    demo.load({"Billing": billing}, {"alice": alice})
    demo.load({"Billing": billing}, {"alice": alice})
    assert ReplyScore.objects.count() == 1
