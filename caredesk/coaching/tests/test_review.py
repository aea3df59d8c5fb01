import pytest
from django.core.exceptions import ValidationError

from caredesk.coaching import services
from caredesk.coaching.models import Rating, Review
from caredesk.conversations.models import Event


def test_a_review_records_the_scorecard_and_a_reviewed_event(ticket, reply, alice, lena, scorecard):
    review = services.review(
        ticket, agent=alice, by=lena, ratings=scorecard, resolution="resolved", accurate=True,
        comment="  Lovely refund, say sorry in your own words next time.  ",
    )
    review.refresh_from_db()
    assert (review.warm, review.willing, review.empathy, review.polite) == (Rating.YES, Rating.PARTLY, Rating.NO, None)
    assert review.comment == "Lovely refund, say sorry in your own words next time."
    event = ticket.events.get(kind=Event.Kind.REVIEWED)
    assert (event.actor, event.data) == (lena, {"review": review.pk, "agent": alice.pk, "resolution": "resolved", "accurate": True})


def test_the_ticket_owner_can_be_reviewed_before_replying(ticket, alice, lena, scorecard):
    assert services.agents_who_worked(ticket) == [alice]


def test_everyone_who_replied_can_be_reviewed(ticket, reply, alice, bob):
    from caredesk.conversations import services as desk

    desk.reply(ticket, by=bob, body="Adding to Alice's answer: the refund reference is R-1.")
    assert services.agents_who_worked(ticket) == [alice, bob]


@pytest.mark.parametrize(
    "change, message",
    [
        ({"warm": 3}, "Rate “Warm” as yes, partly or no."),
        ({"empathy": None}, "Rate “Empathy” as yes, partly or no."),
        ({"willing": "yes"}, "Rate “Willing” as yes, partly or no."),
        ({"polite": -1}, "Rate “Polite requests” as yes, partly or no."),
    ],
)
def test_a_rating_off_the_scale_is_refused_and_nothing_is_saved(ticket, reply, alice, lena, scorecard, change, message):
    with pytest.raises(ValidationError) as error:
        services.review(ticket, agent=alice, by=lena, ratings={**scorecard, **change}, resolution="resolved", accurate=True)
    assert error.value.messages == [message]
    assert not Review.objects.exists()
    assert not ticket.events.filter(kind=Event.Kind.REVIEWED).exists()


def test_an_unknown_resolution_is_refused(ticket, reply, alice, lena, scorecard):
    with pytest.raises(ValidationError, match="resolved right, partly or not resolved"):
        services.review(ticket, agent=alice, by=lena, ratings=scorecard, resolution="maybe", accurate=True)
    assert not Review.objects.exists()


def test_a_comment_over_5000_characters_is_refused(ticket, reply, alice, lena, scorecard):
    with pytest.raises(ValidationError, match="5000 characters"):
        services.review(ticket, agent=alice, by=lena, ratings=scorecard, resolution="partly", accurate=False, comment="x" * 5001)
    assert not Review.objects.exists()


def test_someone_who_did_not_work_the_ticket_cannot_be_reviewed_on_it(ticket, reply, bob, lena, scorecard):
    with pytest.raises(ValidationError, match="owned or answered this ticket"):
        services.review(ticket, agent=bob, by=lena, ratings=scorecard, resolution="resolved", accurate=True)
    assert not Review.objects.exists()
