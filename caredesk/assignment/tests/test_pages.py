"""The routing page and the availability switch: who may see and change what, and bad input."""

import pytest

from caredesk.accounts.models import Membership, Team, User
from caredesk.assignment.models import AgentStatus, TeamRouting

pytestmark = pytest.mark.django_db

PAGE = "/assignment/"
SWITCH = "/assignment/availability/"


def configure_url(team):
    return f"/assignment/teams/{team.pk}/"


def agent_url(team, agent):
    return f"/assignment/teams/{team.pk}/agents/{agent.pk}/"


ROUND_ROBIN = {"mode": "round_robin", "only_when_working": "on", "max_open_default": "6"}


# The page ------------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["sam", "miggins"])
def test_sales_and_customers_are_refused_the_page(client, who, request):
    person = request.getfixturevalue(who)
    client.force_login(person if isinstance(person, User) else person.user)
    assert client.get(PAGE).status_code == 403


def test_an_agent_sees_their_teams_agents_without_settings_to_change(client, alice, bob, charlie, status_of):
    status_of(bob, status=AgentStatus.Status.AWAY, capacity=4)
    client.force_login(alice)
    response = client.get(PAGE)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Billing" in html and "Deliveries" not in html and "Charlie" not in html
    assert "Bob Baker" in html and "0 / 4" in html and "Away" in html
    assert "Save routing" not in html and 'name="capacity"' not in html


def test_a_lead_edits_their_own_team(client, lena, alice, deliveries):
    client.force_login(lena)
    html = client.get(PAGE).content.decode()
    assert "Save routing" in html and 'name="capacity"' in html


def test_the_admin_sees_and_edits_every_team(client, ada, billing, deliveries, alice, charlie):
    client.force_login(ada)
    html = client.get(PAGE).content.decode()
    assert "Billing" in html and "Deliveries" in html and html.count("Save routing") == 2


def test_the_page_shows_who_routing_gives_the_next_ticket_and_why_others_are_passed_over(
    client, routed, status_of, lena, alice, bob
):
    routed(mode=TeamRouting.Mode.ROUND_ROBIN, last_assigned=alice)
    status_of(lena, status=AgentStatus.Status.OFFLINE)
    client.force_login(lena)
    html = client.get(PAGE).content.decode()
    bob_row = html[html.index(f'data-agent="{bob.pk}"'):]
    assert "Next in turn" in bob_row[: bob_row.index("</tr>")]
    lena_row = html[html.index(f'data-agent="{lena.pk}"'):]
    assert "Offline" in lena_row[: lena_row.index("</tr>")]


def test_page_queries_do_not_grow_with_teams_and_agents(client, ada, billing, routed, django_assert_max_num_queries):
    client.force_login(ada)
    routed(mode=TeamRouting.Mode.LEAST_LOADED)
    for round_, count in enumerate((2, 20)):
        for n in range(count):
            team = Team.objects.create(name=f"Team {round_}-{n}")
            TeamRouting.objects.create(team=team, mode=TeamRouting.Mode.ROUND_ROBIN)
            user = User.objects.create_user(f"agent{round_}-{n}@example.com", "x", first_name=f"Agent {n}")
            Membership.objects.create(user=user, team=team)
            Membership.objects.create(user=user, team=billing)
            AgentStatus.objects.create(user=user, capacity=3)
        # session, user, teams with routing and calendar, default calendar, members with statuses, open counts,
        # the escalations waiting for the viewer (nav link)
        with django_assert_max_num_queries(7):
            assert client.get(PAGE).status_code == 200


# Changing a team's routing ---------------------------------------------------------------------------


def test_a_lead_changes_their_teams_routing(client, lena, billing):
    client.force_login(lena)
    response = client.post(configure_url(billing), {"mode": "least_loaded", "max_open_default": "7"})
    assert response.status_code == 200 and "Saved" in response.content.decode()
    routing = TeamRouting.objects.get(team=billing)
    assert (routing.mode, routing.max_open_default, routing.only_when_working) == ("least_loaded", 7, False)


def test_the_admin_changes_any_teams_routing(client, ada, deliveries):
    client.force_login(ada)
    assert client.post(configure_url(deliveries), ROUND_ROBIN).status_code == 200
    assert TeamRouting.objects.get(team=deliveries).mode == "round_robin"


def test_an_agent_may_not_change_their_teams_routing(client, alice, billing):
    client.force_login(alice)
    assert client.post(configure_url(billing), ROUND_ROBIN).status_code == 403
    assert not TeamRouting.objects.exists()


def test_a_lead_may_not_change_another_teams_routing(client, lena, deliveries):
    client.force_login(lena)
    assert client.post(configure_url(deliveries), ROUND_ROBIN).status_code == 404
    assert not TeamRouting.objects.exists()


def test_a_lead_manages_every_team_they_are_on(client, lena, deliveries):
    # The lead role is the person's: on each team they belong to they lead it.
    Membership.objects.create(user=lena, team=deliveries)
    client.force_login(lena)
    assert client.post(configure_url(deliveries), ROUND_ROBIN).status_code == 200


@pytest.mark.parametrize("who", ["sam", "miggins"])
def test_sales_and_customers_may_not_change_routing(client, who, request, billing):
    person = request.getfixturevalue(who)
    client.force_login(person if isinstance(person, User) else person.user)
    assert client.post(configure_url(billing), ROUND_ROBIN).status_code in (403, 404)
    assert not TeamRouting.objects.exists()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"mode": "lottery", "max_open_default": "5"}, "Select a valid choice"),
        ({"mode": "round_robin", "max_open_default": "0"}, "greater than or equal to 1"),
        ({"mode": "round_robin", "max_open_default": "many"}, "Enter a whole number"),
    ],
)
def test_bad_routing_settings_are_refused_and_nothing_changes(client, lena, billing, routed, data, message):
    routed(mode=TeamRouting.Mode.MANUAL, max_open_default=4)
    client.force_login(lena)
    response = client.post(configure_url(billing), data)
    assert response.status_code == 422 and message in response.content.decode()
    routing = TeamRouting.objects.get(team=billing)
    assert (routing.mode, routing.max_open_default) == ("manual", 4)


# An agent's capacity and hours -----------------------------------------------------------------------


def test_a_lead_sets_an_agents_capacity_and_own_hours(client, lena, billing, bob):
    client.force_login(lena)
    response = client.post(agent_url(billing, bob), {"capacity": "3", "hours": "mon-thu 08:00-14:00"})
    assert response.status_code == 200
    row = AgentStatus.objects.get(user=bob)
    assert (row.capacity, row.hours) == (3, "mon-thu 08:00-14:00")


def test_an_empty_capacity_returns_the_agent_to_the_team_default(client, lena, billing, bob, status_of):
    status_of(bob, capacity=3)
    client.force_login(lena)
    client.post(agent_url(billing, bob), {"capacity": "", "hours": ""})
    assert AgentStatus.objects.get(user=bob).capacity is None


def test_an_agent_may_not_set_a_colleagues_capacity(client, alice, billing, bob):
    client.force_login(alice)
    assert client.post(agent_url(billing, bob), {"capacity": "50"}).status_code == 403
    assert not AgentStatus.objects.filter(user=bob).exists()


def test_a_lead_may_not_set_capacity_of_someone_off_their_team(client, lena, billing, charlie):
    client.force_login(lena)
    assert client.post(agent_url(billing, charlie), {"capacity": "50"}).status_code == 404
    assert not AgentStatus.objects.filter(user=charlie).exists()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"capacity": "0", "hours": ""}, "greater than or equal to 1"),
        ({"capacity": "5", "hours": "weekdays 09:00-17:00"}, "days are written mon, tue, wed"),
        ({"capacity": "5", "hours": "09:00-17:00"}, "write the days, then the hours"),
        ({"capacity": "5", "hours": "mon-fri 17:00-09:00"}, "ends before it starts"),
    ],
)
def test_bad_capacity_or_hours_are_refused_and_nothing_changes(client, lena, billing, bob, status_of, data, message):
    status_of(bob, capacity=2, hours="")
    client.force_login(lena)
    response = client.post(agent_url(billing, bob), data)
    assert response.status_code == 422 and message in response.content.decode()
    row = AgentStatus.objects.get(user=bob)
    assert (row.capacity, row.hours) == (2, "")


# The availability switch -----------------------------------------------------------------------------


def test_staff_pages_carry_the_switch_and_customers_pages_do_not(client, alice, miggins):
    client.force_login(alice)
    assert SWITCH in client.get("/tickets/").content.decode()
    client.force_login(miggins.user)
    assert SWITCH not in client.get("/portal/").content.decode()


def test_an_agent_sees_and_changes_their_availability(client, alice):
    client.force_login(alice)
    assert 'value="available" selected' in client.get(SWITCH).content.decode()
    response = client.post(SWITCH, {"status": "away"})
    assert response.status_code == 200 and 'value="away" selected' in response.content.decode()
    assert AgentStatus.objects.get(user=alice).status == "away"


def test_an_unknown_availability_is_refused_and_nothing_changes(client, alice, status_of):
    status_of(alice, status=AgentStatus.Status.OFFLINE)
    client.force_login(alice)
    response = client.post(SWITCH, {"status": "on-holiday"})
    assert response.status_code == 422 and "Choose Available, Away or Offline." in response.content.decode()
    assert AgentStatus.objects.get(user=alice).status == "offline"


def test_the_admin_gets_the_routing_link_without_a_switch(client, ada):
    client.force_login(ada)
    html = client.get(SWITCH).content.decode()
    assert "/assignment/" in html and 'name="status"' not in html
    assert client.post(SWITCH, {"status": "away"}).status_code == 403
    assert not AgentStatus.objects.exists()


@pytest.mark.parametrize("who", ["sam", "miggins"])
def test_sales_and_customers_have_no_availability(client, who, request):
    person = request.getfixturevalue(who)
    user = person if isinstance(person, User) else person.user
    client.force_login(user)
    assert (client.get(SWITCH).status_code, client.post(SWITCH, {"status": "away"}).status_code) == (403, 403)
    assert not AgentStatus.objects.exists()


def test_anonymous_visitors_have_no_availability(client):
    assert client.post(SWITCH, {"status": "away"}).status_code == 302
