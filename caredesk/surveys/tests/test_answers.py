from datetime import timedelta

import pytest
from django.core import mail, signing
from django.core.exceptions import ValidationError

from caredesk.conversations.models import Event
from caredesk.mail.models import OutboundEmail
from caredesk.surveys import links, services
from caredesk.surveys.models import FollowUp, Survey
from caredesk.system import clock

from .factories import sent


def answered_events(ticket) -> list[dict]:
    return list(ticket.events.filter(kind=Event.Kind.SURVEY_ANSWERED).order_by("id").values_list("data", flat=True))


def test_an_answer_records_survey_answered_with_the_keys_reports_read(ticket, alice):
    (survey,) = sent(ticket, by=alice, csat_scale="1-5")
    services.answer(survey, score=4, comment="Quick and kind")
    services.answer(survey, score=5)
    first, change = answered_events(ticket)
    assert {k: first[k] for k in ("survey", "kind", "score", "scale", "changed")} == {
        "survey": survey.pk, "kind": "csat", "score": 4, "scale": "1-5", "changed": False,
    }
    assert (change["score"], change["changed"]) == (5, True)
    survey.refresh_from_db()
    assert (survey.score, survey.comment) == (5, "Quick and kind")


def test_answering_again_the_same_records_nothing(ticket, alice):
    (survey,) = sent(ticket, by=alice)
    services.answer(survey, score=1)
    services.answer(survey, score=1)
    assert len(answered_events(ticket)) == 1


@pytest.mark.parametrize("score", [-1, 2, "x", None, 7])
def test_a_score_off_the_scale_is_refused_and_nothing_saved(ticket, alice, score):
    (survey,) = sent(ticket, by=alice)
    with pytest.raises(ValidationError):
        services.answer(survey, score=score)
    survey.refresh_from_db()
    assert survey.score is None
    assert answered_events(ticket) == []


def test_a_comment_too_long_is_refused_with_its_length(ticket, alice):
    (survey,) = sent(ticket, by=alice)
    with pytest.raises(ValidationError) as error:
        services.answer(survey, score=1, comment="a" * 2001)
    assert error.value.messages == ["Please keep your comment to 2000 characters (it has 2001)."]
    survey.refresh_from_db()
    assert (survey.score, survey.comment) == (None, "")


def test_an_answer_cannot_be_changed_after_the_window(ticket, alice):
    (survey,) = sent(ticket, by=alice, change_days=7)
    services.answer(survey, score=1)
    with clock.travel_to(survey.sent_at + timedelta(days=7, minutes=1)):
        with pytest.raises(ValidationError):
            services.answer(survey, score=0)
    survey.refresh_from_db()
    assert survey.score == 1


def test_a_bad_answer_opens_a_follow_up_and_emails_the_teams_leads(ticket, alice, lena):
    mail.outbox.clear()
    (survey,) = sent(ticket, by=alice)
    services.answer(survey, score=0, comment="Nobody told me the refund takes ten days")
    follow_up = FollowUp.objects.get(survey=survey)
    assert (follow_up.team, follow_up.score, follow_up.state) == (ticket.team, 0, "open")
    email = OutboundEmail.objects.get(to=lena.email)
    assert email.subject == f"[{ticket.reference}] Low CSAT score (Bad): {ticket.subject}"
    assert "Nobody told me the refund takes ten days" in email.body_text


@pytest.mark.parametrize(
    ("settings", "score", "low"),
    [
        ({"csat_scale": "1-5", "csat_low": 2}, 2, True),
        ({"csat_scale": "1-5", "csat_low": 2}, 3, False),
        ({"csat": False, "nps": True, "nps_low": 6}, 6, True),
        ({"csat": False, "nps": True, "nps_low": 6}, 7, False),
        ({"csat": False, "ces": True, "ces_low": 3}, 3, True),
        ({"csat": False, "ces": True, "ces_low": 3}, 4, False),
        ({}, 1, False),  # good on good/bad
    ],
)
def test_a_follow_up_opens_at_or_below_the_threshold_only(ticket, alice, lena, settings, score, low):
    (survey,) = sent(ticket, by=alice, **settings)
    services.answer(survey, score=score)
    assert FollowUp.objects.filter(survey=survey).exists() is low


def test_a_changed_answer_that_is_no_longer_low_keeps_the_follow_up(ticket, alice, lena):
    (survey,) = sent(ticket, by=alice)
    services.answer(survey, score=0)
    services.answer(survey, score=1)
    follow_up = FollowUp.objects.select_related("survey").get(survey=survey)
    assert (follow_up.state, follow_up.score, follow_up.survey.score) == ("open", 0, 1)
    assert OutboundEmail.objects.filter(to=lena.email).count() == 1


# Signed links ------------------------------------------------------------------------------------


def test_a_link_stands_for_its_survey_and_score(ticket, alice):
    (survey,) = sent(ticket, by=alice)
    link = links.survey_for(links.token(survey, 0))
    assert (link.survey, link.score) == (survey, 0)


def test_an_edited_score_breaks_the_signature(ticket, alice):
    (survey,) = sent(ticket, by=alice)
    value = links.token(survey, 1)
    payload, rest = value.split(":", 1)
    forged = signing.Signer(salt=links.SALT).sign_object({"s": survey.pk, "t": ticket.pk, "k": "csat", "v": 0}, compress=True)
    with pytest.raises(links.BadLink):
        links.survey_for(forged.split(":", 1)[0] + ":" + rest)


def test_a_link_signed_for_another_purpose_is_refused(ticket, alice):
    (survey,) = sent(ticket, by=alice)
    other = signing.Signer(salt="caredesk.portal.login").sign_object({"s": survey.pk, "t": ticket.pk, "k": "csat", "v": 1})
    with pytest.raises(links.BadLink):
        links.survey_for(other)


def test_a_link_cannot_answer_another_tickets_survey(ticket_factory, ticket, miggins, parker, billing, alice):
    (mine,) = sent(ticket, by=alice)
    other_ticket = ticket_factory.create(customer=parker, team=billing, owner=alice, by=alice)
    (theirs,) = sent(other_ticket, by=alice)
    # A validly signed payload naming this ticket with the other ticket's survey id (as from a leaked key
    # or a bug) still finds nothing: survey and ticket must agree.
    crossed = signing.Signer(salt=links.SALT).sign_object({"s": theirs.pk, "t": ticket.pk, "k": "csat", "v": 0}, compress=True)
    with pytest.raises(links.BadLink):
        links.survey_for(crossed)
    assert links.survey_for(links.token(mine, 0)).survey == mine


def test_a_signed_score_off_the_scale_is_refused(ticket, alice):
    (survey,) = sent(ticket, by=alice)
    with pytest.raises(links.BadLink):
        links.survey_for(links.token(survey, 9))


# The answer page ---------------------------------------------------------------------------------


def test_opening_a_link_records_nothing(client, ticket, alice):
    (survey,) = sent(ticket, by=alice)
    response = client.get(links.answer_url(survey, 0))
    assert response.status_code == 200
    assert 'hx-trigger="load"' in response.content.decode()
    survey.refresh_from_db()
    assert survey.score is None


def test_the_page_records_the_clicked_score_and_then_a_comment(client, ticket, alice):
    (survey,) = sent(ticket, by=alice)
    url = links.answer_url(survey, 1)
    response = client.post(url, {"score": "1"}, HTTP_HX_REQUEST="true")
    assert "Thank you! We recorded your answer: Good." in response.content.decode()
    client.post(url, {"score": "1", "comment": "Lovely people"})
    survey.refresh_from_db()
    assert (survey.score, survey.comment) == (1, "Lovely people")


@pytest.mark.parametrize("edit", ["drop-last", "flip-payload", "garbage"])
def test_a_forged_or_edited_link_is_a_400_page_and_changes_nothing(client, ticket, alice, edit):
    (survey,) = sent(ticket, by=alice)
    value = links.token(survey, 1)
    bad = {"drop-last": value[:-1], "flip-payload": value.replace(value[3], "A" if value[3] != "A" else "B", 1),
           "garbage": "not-a-token"}[edit]
    for method in (client.get, client.post):
        response = method(f"/surveys/answer/{bad}/", {"score": "1"} if method == client.post else None)
        assert response.status_code == 400
        assert "This link does not work" in response.content.decode()
    survey.refresh_from_db()
    assert survey.score is None


def test_a_posted_score_out_of_range_is_a_clear_422_and_nothing_saved(client, ticket, alice):
    (survey,) = sent(ticket, by=alice, csat_scale="1-5")
    response = client.post(links.answer_url(survey, 3), {"score": "6", "comment": "x"})
    assert response.status_code == 422
    assert "A score on this survey is from 1 to 5." in response.content.decode()
    survey.refresh_from_db()
    assert (survey.score, survey.comment) == (None, "")


def test_after_the_window_the_page_says_so_politely(client, ticket, alice):
    (survey,) = sent(ticket, by=alice, change_days=1)
    with clock.travel_to(survey.sent_at + timedelta(days=2)):
        page = client.get(links.answer_url(survey, 1)).content.decode()
        response = client.post(links.answer_url(survey, 1), {"score": "1"})
    assert "This survey closed on" in page and "Thank you for taking the time" in page
    assert response.status_code == 200
    survey.refresh_from_db()
    assert survey.score is None
