import pytest
from django.contrib.auth import get_user_model

from caredesk.accounts.models import Membership, Team, User
from caredesk.surveys import services
from caredesk.surveys.models import FollowUp, SurveySettings

from .factories import sent


@pytest.fixture
def low(ticket, alice, lena):
    """A bad answer on Mrs Miggins's Billing ticket, and its open follow-up."""
    (survey,) = sent(ticket, by=alice)
    services.answer(survey, score=0, comment="Still charged twice")
    return FollowUp.objects.get(survey=survey)


@pytest.fixture
def dora(deliveries) -> User:
    """Lead of Deliveries (a public team), not of Billing (private)."""
    user = get_user_model().objects.create_user(
        email="dora@example.com", password="x", first_name="Dora", last_name="Lead", role=User.Role.LEAD
    )
    Membership.objects.create(user=user, team=deliveries)
    return user


# Portal ------------------------------------------------------------------------------------------


def test_the_customer_sees_the_survey_on_their_solved_ticket_and_answers_it(client, ticket, alice, miggins):
    (survey,) = sent(ticket, by=alice)
    client.force_login(miggins.user)
    page = client.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert 'id="portal-surveys"' in page and "How would you rate the help you received?" in page
    response = client.post(f"/surveys/portal/{survey.pk}/answer/", {"score": "1", "comment": "Thanks"}, HTTP_HX_REQUEST="true")
    assert "Thank you, your answer is saved." in response.content.decode()
    survey.refresh_from_db()
    assert (survey.score, survey.comment) == (1, "Thanks")
    assert ticket.events.get(kind="survey_answered").actor == miggins.user


def test_another_customer_gets_404_for_the_survey(client, ticket, alice, parker):
    (survey,) = sent(ticket, by=alice)
    client.force_login(parker.user)
    assert client.post(f"/surveys/portal/{survey.pk}/answer/", {"score": "1"}).status_code == 404
    assert client.get(f"/portal/tickets/{ticket.pk}/").status_code == 404
    survey.refresh_from_db()
    assert survey.score is None


def test_staff_cannot_answer_in_the_portal(client, ticket, alice):
    (survey,) = sent(ticket, by=alice)
    client.force_login(alice)
    response = client.post(f"/surveys/portal/{survey.pk}/answer/", {"score": "1"})
    assert response.status_code == 302  # staff are sent to their queue
    survey.refresh_from_db()
    assert survey.score is None


def test_a_portal_answer_out_of_range_is_a_clear_422(client, ticket, alice, miggins):
    (survey,) = sent(ticket, by=alice)
    client.force_login(miggins.user)
    response = client.post(f"/surveys/portal/{survey.pk}/answer/", {"score": "5"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "A score on this survey is from 0 to 1." in response.content.decode()


def test_no_survey_box_before_a_survey_is_sent(client, ticket, miggins):
    client.force_login(miggins.user)
    assert 'id="portal-surveys"' not in client.get(f"/portal/tickets/{ticket.pk}/").content.decode()


# Follow-ups --------------------------------------------------------------------------------------


def test_the_lead_sees_the_follow_up_and_the_nav_count(client, low, lena):
    client.force_login(lena)
    page = client.get("/surveys/follow-ups/").content.decode()
    assert f'id="follow-up-{low.pk}"' in page and "Still charged twice" in page
    assert 'hx-get="/surveys/follow-ups/count/"' in page
    assert 'id="follow-ups-count"' in client.get("/surveys/follow-ups/count/").content.decode()
    assert ">1</span>" in client.get("/surveys/follow-ups/count/").content.decode()


def test_the_lead_marks_it_handled_with_a_note(client, low, lena):
    client.force_login(lena)
    response = client.post(f"/surveys/follow-ups/{low.pk}/handle/", {"note": "Refunded and called her"}, HTTP_HX_REQUEST="true")
    assert "Refunded and called her" in response.content.decode()
    low.refresh_from_db()
    assert (low.state, low.handled_by, low.note) == ("handled", lena, "Refunded and called her")
    assert 'id="follow-ups-count"' not in client.get("/surveys/follow-ups/count/").content.decode()


def test_handling_without_a_note_is_refused_and_nothing_changes(client, low, lena):
    client.force_login(lena)
    response = client.post(f"/surveys/follow-ups/{low.pk}/handle/", {"note": "  "}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    low.refresh_from_db()
    assert low.state == "open"


def test_an_agent_cannot_see_or_handle_a_follow_up(client, low, alice):
    client.force_login(alice)
    assert client.get("/surveys/follow-ups/").status_code == 403
    assert client.get("/surveys/follow-ups/count/").content.decode().strip() == ""
    assert client.post(f"/surveys/follow-ups/{low.pk}/handle/", {"note": "done"}).status_code == 404
    low.refresh_from_db()
    assert low.state == "open"


def test_another_teams_lead_cannot_see_a_private_teams_follow_up(client, low, dora):
    client.force_login(dora)
    assert f"follow-up-{low.pk}" not in client.get("/surveys/follow-ups/").content.decode()
    assert client.post(f"/surveys/follow-ups/{low.pk}/handle/", {"note": "done"}).status_code == 404
    low.refresh_from_db()
    assert low.state == "open"


@pytest.mark.parametrize("who", ["sam", "miggins"])
def test_sales_and_customers_get_nothing(client, low, request, who):
    user = request.getfixturevalue(who)
    client.force_login(getattr(user, "user", user))
    assert client.get("/surveys/follow-ups/").status_code in (302, 403)
    assert client.get("/surveys/").status_code in (302, 403)
    assert client.post(f"/surveys/follow-ups/{low.pk}/handle/", {"note": "x"}).status_code in (302, 403, 404)
    low.refresh_from_db()
    assert low.state == "open"


def test_an_admin_handles_any_follow_up(client, low, ada):
    client.force_login(ada)
    client.post(f"/surveys/follow-ups/{low.pk}/handle/", {"note": "Checked"})
    low.refresh_from_db()
    assert low.state == "handled"


def test_the_follow_up_shows_a_changed_answer(client, low, lena):
    services.answer(low.survey, score=1)
    client.force_login(lena)
    page = client.get("/surveys/follow-ups/").content.decode()
    assert "now Good" in page


# Response rates ----------------------------------------------------------------------------------


def test_rates_count_sent_answered_and_the_distribution(client, ticket_factory, miggins, billing, alice, lena):
    surveys = []
    for _ in range(4):
        t = ticket_factory.create(customer=miggins, team=billing, owner=alice, by=alice)
        surveys += sent(t, by=alice, csat_scale="1-5")
    for survey, score in zip(surveys, (5, 4, 1)):
        services.answer(survey, score=score, comment="Great" if score == 5 else "")
    client.force_login(lena)
    page = client.get("/surveys/?days=30").content.decode()
    assert '<div class="fs-5 fw-semibold figure-sent">4</div>' in page
    assert '<div class="fs-5 fw-semibold figure-answered">3</div>' in page
    assert '<div class="fs-5 fw-semibold figure-rate">75%</div>' in page
    assert '<div class="fs-5 fw-semibold figure-headline">67%</div>' in page  # 2 of 3 gave 4 or 5
    assert "Great" in page


def test_rates_are_broken_down_by_team_and_filtered_to_one(client, ticket_factory, miggins, billing, deliveries, alice, charlie, ada):
    for team, owner, scores in ((billing, alice, (1, 1, 0)), (deliveries, charlie, (1,))):
        for score in scores:
            t = ticket_factory.create(customer=miggins, team=team, owner=owner, by=owner)
            (survey,) = sent(t, by=owner)
            services.answer(survey, score=score)
    client.force_login(ada)
    from caredesk.surveys import queries

    figures = queries.rates(ada, days=30)
    by_team = {(row["team"], row["figures"].kind): (row["figures"].sent, row["figures"].answered, row["figures"].headline)
               for row in figures["team_rows"]}
    assert by_team == {("Billing", "csat"): (3, 3, "67%"), ("Deliveries", "csat"): (1, 1, "100%")}
    page = client.get(f"/surveys/?team={deliveries.pk}&days=7").content.decode()
    assert '<div class="fs-5 fw-semibold figure-sent">1</div>' in page
    assert "<td class=\"ps-3\">Billing</td>" not in page


def test_an_agent_cannot_see_the_rates(client, alice):
    client.force_login(alice)
    assert client.get("/surveys/").status_code == 403


def test_another_teams_lead_sees_no_figures_of_a_private_team(client, low, dora):
    client.force_login(dora)
    page = client.get("/surveys/").content.decode()
    assert "No surveys were sent" in page and "Still charged twice" not in page
    assert client.get(f"/surveys/?team={low.team_id}").status_code == 200  # an unknown choice: the form refuses it
    assert "Still charged twice" not in client.get(f"/surveys/?team={low.team_id}").content.decode()


def test_rates_queries_do_not_grow_with_surveys(client, ticket_factory, miggins, billing, alice, lena, django_assert_num_queries):
    client.force_login(lena)
    client.get("/surveys/follow-ups/")
    for count in (2, 12):
        for _ in range(count):
            t = ticket_factory.create(customer=miggins, team=billing, owner=alice, by=alice)
            (survey,) = sent(t, by=alice)
            services.answer(survey, score=1, comment="Fine")
        # session, user, the teams and lena's memberships (filter), the figures, the comments (the nav's
        # escalations count is cached, warmed before the loop; its follow-up count is fetched after load)
        with django_assert_num_queries(6):
            client.get("/surveys/")


def test_follow_ups_queries_do_not_grow_with_rows(client, ticket_factory, miggins, billing, alice, lena, django_assert_num_queries):
    client.force_login(lena)
    client.get("/surveys/follow-ups/")
    for count in (2, 12):
        for _ in range(count):
            t = ticket_factory.create(customer=miggins, team=billing, owner=alice, by=alice)
            (survey,) = sent(t, by=alice)
            services.answer(survey, score=0)
        # session, user, lena's memberships, the follow-ups with their survey, ticket and team (the nav's
        # escalations count is cached, warmed before the loop; its follow-up count is fetched after load)
        with django_assert_num_queries(4):
            client.get("/surveys/follow-ups/")


# Settings ----------------------------------------------------------------------------------------


def test_an_admin_saves_a_teams_own_settings(client, ada, billing):
    client.force_login(ada)
    data = {"enabled": "on", "csat": "on", "csat_scale": "1-5", "nps": "on", "delay_hours": "2", "channel": "email",
            "change_days": "3", "csat_low": "2", "ces_low": "3", "nps_low": "6"}
    response = client.post(f"/surveys/settings/?team={billing.pk}", data)
    assert response.status_code == 302
    row = SurveySettings.objects.get(team=billing)
    assert (row.csat_scale, row.nps, row.ces, row.delay_hours, row.channel, row.updated_by) == ("1-5", True, False, 2, "email", ada)
    assert services.settings_for(billing) == row
    assert services.settings_for(Team.objects.create(name="Other")).pk is None  # others keep the built-in default


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"nps_low": "11"}, "Choose a score from 0 to 10."),
        ({"csat": "", "nps": ""}, "Choose at least one survey to send, or switch surveys off."),
        ({"delay_hours": "-1"}, "Ensure this value is greater than or equal to 0."),
    ],
)
def test_bad_settings_are_refused_and_nothing_saved(client, ada, change, message):
    client.force_login(ada)
    data = {"enabled": "on", "csat": "on", "csat_scale": "good_bad", "delay_hours": "24", "channel": "both",
            "change_days": "7", "csat_low": "2", "ces_low": "3", "nps_low": "6", **change}
    data = {k: v for k, v in data.items() if v != ""}
    response = client.post("/surveys/settings/", data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not SurveySettings.objects.exists()


@pytest.mark.parametrize("who", ["lena", "alice", "sam"])
def test_only_admins_change_survey_settings(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/surveys/settings/").status_code == 403
    assert client.post("/surveys/settings/", {"enabled": "on", "csat": "on"}).status_code == 403
    assert not SurveySettings.objects.exists()


def test_the_ticket_timeline_shows_the_survey_and_its_answers(client, ticket, alice):
    (survey,) = sent(ticket, by=alice, csat_scale="1-5")
    services.answer(survey, score=2)
    services.answer(survey, score=4)
    client.force_login(alice)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "Survey sent to the customer: CSAT (1-5)" in page
    assert "The customer answered CSAT: <strong>2/5</strong>" in page
    assert "The customer changed their CSAT answer to <strong>4/5</strong>" in page
