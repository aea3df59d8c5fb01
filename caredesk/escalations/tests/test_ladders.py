"""The ladders page: admins set up each team's ladder, leads read it, nobody else sees it."""

import pytest

from caredesk.escalations.models import Ladder

LADDERS = "/escalations/ladders/"


def test_admins_see_every_team_with_its_levels(client, billing, deliveries, lena, ada):
    client.force_login(ada)
    response = client.get(LADDERS)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Lena Lead" in body and "No lead: admins" in body and "None: level 1 is the top" in body
    assert f"/escalations/ladders/{billing.pk}/" in body


def test_leads_read_the_ladders_without_editing(client, billing, lena):
    client.force_login(lena)
    response = client.get(LADDERS)
    assert response.status_code == 200 and f"/escalations/ladders/{billing.pk}/" not in response.content.decode()
    assert client.get(f"/escalations/ladders/{billing.pk}/").status_code == 403
    assert client.post(f"/escalations/ladders/{billing.pk}/", {"auto_escalate_after_minutes": 5}).status_code == 403
    assert not Ladder.objects.exists()


@pytest.mark.parametrize("who", ["alice", "sam"])
def test_agents_and_sales_cannot_see_the_ladders(client, billing, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(LADDERS).status_code == 403


def test_an_admin_sets_a_ladder(client, deliveries, escalations_team, ada, dora):
    client.force_login(ada)
    response = client.post(
        f"/escalations/ladders/{deliveries.pk}/",
        {"escalation_team": escalations_team.pk, "manager": dora.pk, "auto_escalate_after_minutes": 45},
    )
    assert (response.status_code, response["Location"]) == (302, LADDERS)
    ladder = Ladder.objects.get(team=deliveries)
    assert (ladder.escalation_team, ladder.manager, ladder.auto_escalate_after_minutes) == (escalations_team, dora, 45)
    body = client.get(LADDERS).content.decode()
    assert "The escalation ladder of Deliveries was saved." in body and "45 minutes" in body


def test_a_private_team_cannot_go_up_to_people_who_cannot_see_its_tickets(client, billing, escalations_team, ada, dora):
    client.force_login(ada)
    response = client.post(f"/escalations/ladders/{billing.pk}/", {"manager": dora.pk, "auto_escalate_after_minutes": 60})
    assert response.status_code == 422
    assert "Dora Dunn is not on Billing, a private team, and could not see its tickets." in response.content.decode()
    response = client.post(
        f"/escalations/ladders/{billing.pk}/", {"escalation_team": escalations_team.pk, "auto_escalate_after_minutes": 60}
    )
    assert response.status_code == 422
    assert not Ladder.objects.exists()


@pytest.mark.parametrize("minutes", ["0", "-5", "abc", ""])
def test_a_bad_delay_is_refused(client, deliveries, ada, minutes):
    client.force_login(ada)
    response = client.post(f"/escalations/ladders/{deliveries.pk}/", {"auto_escalate_after_minutes": minutes})
    assert response.status_code == 422
    assert not Ladder.objects.exists()


def test_an_agent_cannot_be_a_manager(client, deliveries, ada, charlie):
    client.force_login(ada)
    response = client.post(f"/escalations/ladders/{deliveries.pk}/", {"manager": charlie.pk, "auto_escalate_after_minutes": 60})
    assert response.status_code == 422
    assert not Ladder.objects.exists()
