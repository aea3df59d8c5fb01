"""/service-levels/: admins edit, agents and leads read, everyone else is refused; bad input changes nothing."""

import pytest

from caredesk.service_levels.models import Policy

pytestmark = pytest.mark.django_db

URL = "/service-levels/"


def form(**changes) -> dict:
    data = {
        "name": "Standard", "enabled": "on", "first_reply": "4h", "next_reply": "8h", "resolution": "3d",
        "at_risk_percent": "75", "pause_when_pending_customer": "on", "pause_when_on_hold": "on",
        "organisation_tiers": "", "customer_tiers": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def standard(make_policy):
    return make_policy("Standard", first_reply_minutes=240, resolution_minutes=1440)


def test_an_admin_creates_a_policy_with_targets_in_business_time(client, ada, billing):
    client.force_login(ada)
    response = client.post(f"{URL}new/", form(teams=[billing.pk], priorities=["3", "4"], channels=["email"], organisation_tiers="Gold, wholesale"))
    assert response.status_code == 302
    policy = Policy.objects.get()
    assert (policy.first_reply_minutes, policy.next_reply_minutes, policy.resolution_minutes) == (240, 480, 1440)
    assert (policy.priorities, policy.channels, policy.organisation_tiers) == ([3, 4], ["email"], ["gold", "wholesale"])
    assert list(policy.teams.all()) == [billing]
    assert policy.at_risk_share == 0.75


def test_an_admin_changes_a_policy(client, ada, standard):
    client.force_login(ada)
    page = client.get(f"{URL}{standard.pk}/")
    assert 'value="4h"' in page.content.decode()
    response = client.post(f"{URL}{standard.pk}/", form(name="Standard hours", first_reply="1h 30m", pause_when_on_hold=None))
    assert response.status_code == 302
    standard.refresh_from_db()
    assert (standard.name, standard.first_reply_minutes, standard.pause_when_on_hold) == ("Standard hours", 90, False)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"first_reply": "0"}, "A target must be at least one minute; leave it empty for no target."),
        ({"first_reply": "-30"}, "“-30” is not a length of time; write minutes or hours and days, e.g. 90, 4h, 1h 30m or 2d."),
        ({"resolution": "soon"}, "“soon” is not a length of time; write minutes or hours and days, e.g. 90, 4h, 1h 30m or 2d."),
        ({"resolution": "2000d"}, "A target longer than a year of working days cannot be met or missed usefully."),
        ({"first_reply": "", "next_reply": "", "resolution": ""}, "A policy needs at least one target: first reply, next reply or resolution."),
        ({"at_risk_percent": "100"}, "At risk must be between 1 and 99 per cent of the time."),
        ({"name": "  "}, "This field is required."),
    ],
)
def test_impossible_targets_are_refused_with_a_reason_and_nothing_changes(client, ada, standard, changes, message):
    client.force_login(ada)
    response = client.post(f"{URL}{standard.pk}/", form(**{"name": "Changed", **changes}))
    assert response.status_code == 422
    assert message in response.content.decode()
    standard.refresh_from_db()
    assert (standard.name, standard.first_reply_minutes) == ("Standard", 240)
    response = client.post(f"{URL}new/", form(**{"name": "Another", **changes}))
    assert response.status_code == 422
    assert Policy.objects.count() == 1


def test_a_second_policy_of_the_same_name_is_refused(client, ada, standard):
    client.force_login(ada)
    response = client.post(f"{URL}new/", form(name="Standard"))
    assert response.status_code == 422
    assert "Policy with this Name already exists." in response.content.decode()


def test_the_service_refuses_a_policy_without_targets_whoever_calls_it(ada):
    from django.core.exceptions import ValidationError

    from caredesk.service_levels import services

    with pytest.raises(ValidationError, match="at least one target"):
        services.save_policy(None, by=ada, name="Empty", first_reply_minutes=None, next_reply_minutes=None, resolution_minutes=None)
    with pytest.raises(ValidationError, match="at least one minute"):
        services.save_policy(None, by=ada, name="Zero", first_reply_minutes=0, resolution_minutes=60)
    assert not Policy.objects.exists()


@pytest.mark.parametrize("who", ["alice", "lena"])
def test_agents_and_leads_read_the_policies_without_controls(client, request, standard, who):
    client.force_login(request.getfixturevalue(who))
    page = client.get(URL).content.decode()
    assert "Standard" in page and "Read only: an admin changes these." in page
    assert "New policy" not in page and "Move Standard up" not in page
    assert client.get(f"{URL}{standard.pk}/").status_code == 200


@pytest.mark.parametrize("who", ["alice", "lena"])
def test_an_agent_or_lead_cannot_edit_create_move_or_delete_policies(client, request, standard, who):
    client.force_login(request.getfixturevalue(who))
    assert client.post(f"{URL}{standard.pk}/", form(name="Mine now", first_reply="1m")).status_code == 403
    assert client.get(f"{URL}new/").status_code == 403
    assert client.post(f"{URL}new/", form(name="Mine")).status_code == 403
    assert client.post(f"{URL}{standard.pk}/move/", {"direction": "down"}).status_code == 403
    assert client.post(f"{URL}{standard.pk}/delete/").status_code == 403
    standard.refresh_from_db()
    assert (standard.name, standard.first_reply_minutes, Policy.objects.count()) == ("Standard", 240, 1)


@pytest.mark.parametrize("who", ["sam", "miggins"])
def test_sales_and_customers_are_refused_the_page(client, request, standard, who):
    person = request.getfixturevalue(who)
    client.force_login(getattr(person, "user", person))
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{standard.pk}/").status_code == 403
    assert client.post(f"{URL}preview/", form()).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get(URL).status_code == 302


def test_moving_a_policy_answers_htmx_with_the_reordered_list(client, ada, make_policy):
    first = make_policy("Alpha", first_reply_minutes=30)
    make_policy("Beta", first_reply_minutes=60)
    client.force_login(ada)
    response = client.post(f"{URL}{first.pk}/move/", {"direction": "down"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.index(">Beta<") < html.index(">Alpha<")
    assert list(Policy.objects.values_list("name", flat=True)) == ["Beta", "Alpha"]


def test_the_preview_shows_due_times_in_the_teams_calendar(client, ada, office_hours, billing):
    client.force_login(ada)
    response = client.post(
        f"{URL}preview/",
        form(first_reply="1h", next_reply="", resolution="2d", preview_team=billing.pk, preview_start="2026-03-06T16:30"),
    )
    html = response.content.decode()
    assert "Opened Fri 6 Mar 2026, 16:30 (Europe/London)" in html
    assert "Mon 9 Mar, 09:30" in html  # first reply: half an hour Friday, half Monday
    assert "Tue 10 Mar, 16:30" in html  # 16 working hours


def test_the_list_page_queries_do_not_grow_with_policies(client, ada, make_policy, billing, django_assert_max_num_queries):
    client.force_login(ada)
    for count in (1, 10):
        for index in range(count):
            make_policy(f"Policy {count}-{index}", teams=[billing], first_reply_minutes=30)
        with django_assert_max_num_queries(5):  # session, user, policies, their teams (+ messages)
            assert client.get(URL).status_code == 200


def test_the_ticket_sidebar_lists_its_targets_for_those_who_see_the_ticket(client, alice, charlie, make_policy, ticket_factory, miggins, billing):
    make_policy("Standard", first_reply_minutes=60, resolution_minutes=480)
    ticket = ticket_factory.create(customer=miggins, team=billing, owner=alice)
    url = f"{URL}tickets/{ticket.pk}/"
    client.force_login(alice)
    html = client.get(url).content.decode()
    assert "First reply" in html and "Resolution" in html and "left" in html
    client.force_login(charlie)  # Billing is private: charlie does not see its tickets at all
    assert client.get(url).status_code == 404
    client.force_login(miggins.user)  # her own ticket, but the clocks are the desk's business
    assert client.get(url).status_code == 403
