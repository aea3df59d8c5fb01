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


# Telling the agent -------------------------------------------------------------------------------------


def _review_emails():
    from caredesk.mail.models import OutboundEmail

    return OutboundEmail.objects.filter(kind=OutboundEmail.Kind.NOTIFICATION, subject__contains="reviewed your work")


def test_the_reviewed_agent_is_emailed_the_scorecard_once(ticket, reply, alice, lena, make_review):
    from caredesk.coaching import tasks

    review = make_review(ticket, alice, comment="Say sorry before the fix next time.")
    tasks.tell_reviewed.call(review_id=review.pk)  # a retried task
    email = _review_emails().get()
    assert email.to == "alice@example.com"
    assert email.subject == f"[#{ticket.pk}] Lena Lead reviewed your work on {ticket.subject}"
    for line in ("Warm: Yes", "Willing: Partly", "Empathy: No", "Polite requests: Not applicable",
                 "Resolution: Resolved right", "Information correct: Yes", "Say sorry before the fix next time."):
        assert line in email.body_text
    assert f"/coaching/agents/{alice.pk}/" in email.body_text


def test_a_lead_reviewing_their_own_work_is_not_emailed(ticket, lena, make_review):
    from caredesk.conversations import services as desk

    desk.reply(ticket, by=lena, body="Hello, I've refunded it.")
    make_review(ticket, lena, by=lena)
    assert not _review_emails().exists()


def test_an_admin_can_switch_the_review_email_off(ticket, reply, alice, make_review):
    from caredesk.notifications.defaults import Kind
    from caredesk.notifications.models import EmailTemplate

    EmailTemplate.objects.create(kind=Kind.REVIEWED, enabled=False, subject="-", body="-")
    make_review(ticket, alice)
    assert not _review_emails().exists()


def test_real_review_values_use_the_names_the_preview_shows(ticket, reply, alice, make_review):
    from caredesk.coaching.tasks import review_values
    from caredesk.notifications import samples
    from caredesk.notifications.defaults import Kind

    def names(values, prefix=""):
        found = set()
        for key, value in values.items():
            found |= names(value, f"{prefix}{key}.") if isinstance(value, dict) else {f"{prefix}{key}"}
        return found

    assert names(review_values(make_review(ticket, alice))) == names(samples.context(Kind.REVIEWED))
