import pytest

from caredesk import demo as desk_demo
from caredesk.assignment import demo
from caredesk.assignment.models import AgentStatus, TeamRouting

pytestmark = pytest.mark.django_db


def test_the_demo_routes_its_teams_and_sets_statuses_once(django_assert_max_num_queries):
    cast = desk_demo.people()
    demo.load(cast.teams, cast.staff)
    modes = dict(TeamRouting.objects.values_list("team__name", "mode"))
    assert modes == {"Billing": "round_robin", "Deliveries": "least_loaded", "Product & Quality": "manual"}
    assert AgentStatus.objects.get(user__email="callum.mcbride@example.com").status == "away"

    TeamRouting.objects.filter(team__name="Billing").update(mode="manual")
    with django_assert_max_num_queries(8):  # one look-up a row: nothing made twice, nothing overwritten
        demo.load(cast.teams, cast.staff)
    assert (TeamRouting.objects.count(), AgentStatus.objects.count()) == (3, 5)
    assert TeamRouting.objects.get(team__name="Billing").mode == "manual"
