"""The dashboard, the drill-down, the standard page and the CSV exports: who may see them, what they
show, bad input, and queries that do not grow with the desk."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caredesk.conversations import services
from caredesk.reports import standard as care
from caredesk.reports.models import CareStandard
from caredesk.system import clock

from .history import build

WINDOW = "days=7&bucket=day"


@pytest.fixture
def history(billing, alice, bob, miggins, settings):
    return build(team=billing, alice=alice, bob=bob, customer=miggins)


@pytest.fixture
def on_tuesday(monkeypatch):
    """The pages' "today" is the history's Tuesday."""
    from caredesk.system import clock

    from .history import TUE, at

    monkeypatch.setattr(clock, "now", lambda: at(TUE, 18))


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


# Who may see --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/reports/", "/reports/standard/", "/reports/figures.csv",
                                  "/reports/tickets/?metric=first_reply&since=2026-03-01&until=2026-03-03"])
def test_agents_and_customers_get_404_for_every_report_page(client, alice, miggins, path):
    for user in (alice, miggins.user):
        client.force_login(user)
        assert client.get(path).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/reports/")
    assert (response.status_code, response.url.split("?")[0]) == (302, "/accounts/login/")


@pytest.mark.parametrize("who", ["lena", "sam", "ada"])
def test_leads_sales_and_admins_read_the_dashboard_and_the_standard(client, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/reports/").status_code == 200
    assert client.get("/reports/standard/").status_code == 200


@pytest.mark.parametrize("who", ["lena", "sam"])
def test_only_admins_change_the_standard(client, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.post("/reports/standard/", standard_form(first_reply_value="5"))
    assert response.status_code == 403
    assert not CareStandard.objects.exists()
    assert "Save the standard" not in client.get("/reports/standard/").content.decode()


def test_a_private_teams_figures_stay_with_its_members(client, history, sam, lena, on_tuesday):
    """Sam (sales, on no team) does not see Billing, a private team: none of its figures or tickets."""
    client.force_login(sam)
    page = client.get(f"/reports/?{WINDOW}").content.decode()
    assert "Billing" not in page
    assert client.get(f"/reports/?{WINDOW}&team={history[0].team_id}").status_code == 400
    drill = client.get("/reports/tickets/?metric=backlog&since=2026-03-03&until=2026-03-03").content.decode()
    assert "No tickets behind this figure." in drill
    client.force_login(lena)
    drill = client.get("/reports/tickets/?metric=backlog&since=2026-03-03&until=2026-03-03").content.decode()
    assert f"#{history[2].pk}" in drill


# The standard -------------------------------------------------------------------------------------


def standard_form(**changes) -> dict:
    data = {}
    for name, goal in care.current_standard().goals.items():
        data[f"{name}_value"] = str(goal.value)
        data[f"{name}_direction"] = goal.direction
    data.update(changes)
    return data


def test_the_admin_sets_the_standard_and_everyone_reads_it_through_current_standard(client, ada):
    client.force_login(ada)
    response = client.post("/reports/standard/", standard_form(first_reply_value="30", nps_value="", csat_direction="at_least"))
    assert response.status_code == 302
    standard = care.current_standard()
    assert standard.goal("first_reply").value == 30
    assert standard.goal("nps") is None  # left empty: no goal
    assert care.meets("first_reply", 29) is True
    assert care.meets("first_reply", 31) is False
    assert care.meets("nps", 50) is None
    assert CareStandard.objects.get().updated_by == ada


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("csat_value", "140", "At most 100."),
        ("ces_value", "0", "At least 1."),
        ("first_reply_value", "soon", "Enter a number."),
        ("warm_value", "2", "At most 1."),
        ("reopen_rate_direction", "sideways", "Choose at least or at most."),
    ],
)
def test_a_bad_goal_is_refused_with_a_clear_error_and_nothing_is_saved(client, ada, field, value, message):
    client.force_login(ada)
    response = client.post("/reports/standard/", standard_form(**{field: value, "first_reply_value": "30"} if field != "first_reply_value" else {field: value}))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not CareStandard.objects.exists()


def test_meets_refuses_an_unknown_metric(db):
    with pytest.raises(KeyError):
        care.meets("happiness", 3)


# The dashboard ------------------------------------------------------------------------------------


def test_the_dashboard_shows_each_figure_its_goal_and_what_falls_short(client, history, ada, on_tuesday):
    client.force_login(ada)
    page = client.get(f"/reports/?{WINDOW}").content.decode()
    assert '<a class="link-underline link-underline-opacity-0 link-danger" href="/reports/tickets/?' in page
    assert "Goal: at most 60 min" in page
    assert "1.8 h" in page  # first reply: 105 minutes, short of 60
    assert 'id="report-charts"' in page


def test_bad_filters_show_what_to_fix_and_no_figures(client, ada):
    client.force_login(ada)
    response = client.get("/reports/?days=12&channel=pigeon")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose a period of 7, 30, 90 or 365 days." in page
    assert "There is no such channel." in page
    assert 'id="report-cards"' not in page


def test_dashboard_queries_do_not_grow_with_tickets(client, ada, billing, alice, miggins, ticket_factory):
    client.force_login(ada)
    counts = []
    for total in (10, 200):
        for made in ticket_factory.create_batch(total - (counts and 10 or 0), customer=miggins, team=billing, owner=alice, by=alice):
            services.reply(made, by=alice, body="On it")
        caches["local"].clear()  # the nav's escalation count is cached for 30 s: measure it each time
        # A mid-month day: the 90 days then have edge days on both sides of their whole months.
        with CaptureQueriesContext(connection) as queries, clock.travel_to(datetime(2026, 11, 18, 12, tzinfo=UTC)):
            assert client.get("/reports/?by=agent").status_code == 200
        counts.append(len(queries))
    # session, user, teams, agents, the standard, the period's figures by day, the backlog before the
    # period (whole months, then the days of its first month), the table (whole months, edge days), the
    # reply-quality shares, and the nav's count of open escalations
    assert counts == [12, 12]


# Drill-down ---------------------------------------------------------------------------------------


def test_a_figure_drills_down_to_the_tickets_behind_it(client, history, ada):
    a, b, c = history
    client.force_login(ada)
    page = client.get("/reports/tickets/?metric=first_reply&since=2026-03-02&until=2026-03-03").content.decode()
    assert f'href="{a.get_absolute_url()}"' in page and f'href="{b.get_absolute_url()}"' in page
    assert f'href="{c.get_absolute_url()}"' not in page
    assert "1.5 h" in page and "2.0 h" in page  # 90 and 120 minutes
    reopened = client.get("/reports/tickets/?metric=reopened&since=2026-03-02&until=2026-03-03").content.decode()
    assert f'href="{b.get_absolute_url()}"' in reopened and f'href="{a.get_absolute_url()}"' not in reopened
    monday = client.get("/reports/tickets/?metric=backlog&since=2026-03-02&until=2026-03-02").content.decode()
    assert f'href="{a.get_absolute_url()}"' in monday and f'href="{b.get_absolute_url()}"' not in monday


def test_the_drill_down_pages_by_keyset(client, ada, billing, alice, miggins, ticket_factory):
    client.force_login(ada)
    for made in ticket_factory.create_batch(55, customer=miggins, team=billing, by=alice):
        services.reply(made, by=alice, body="Hi")
    from caredesk.system import clock

    today = clock.now().date().isoformat()
    first = client.get(f"/reports/tickets/?metric=first_reply&since={today}&until={today}")
    assert first.content.decode().count('<td class="ps-3"><a href=') == 50
    after = first.context["page"].next_cursor
    second = client.get(f"/reports/tickets/?metric=first_reply&since={today}&until={today}&after={after}")
    assert second.content.decode().count('<td class="ps-3"><a href=') == 5
    assert second.context["next_query"] == ""


@pytest.mark.parametrize(
    "query,message",
    [
        ("metric=happiness&since=2026-03-01&until=2026-03-02", "There is no such figure."),
        ("metric=csat&since=2026-03-05&until=2026-03-02", "The first day comes after the last day."),
        ("metric=csat&since=yesterday&until=2026-03-02", "Give the first day as YYYY-MM-DD."),
        ("metric=csat&since=2020-01-01&until=2026-03-02", "List at most three years at a time."),
    ],
)
def test_a_bad_drill_down_says_why(client, ada, query, message):
    client.force_login(ada)
    response = client.get(f"/reports/tickets/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


# CSV ----------------------------------------------------------------------------------------------


def test_figures_csv_has_each_figure_with_its_goal(client, history, ada, on_tuesday):
    client.force_login(ada)
    rows = rows_of(client.get(f"/reports/figures.csv?{WINDOW}"))
    assert rows[0] == ["Figure", "Value", "Goal", "Direction", "Meets the standard", "From", "To"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["First reply time"] == ["First reply time", "105.0", "60.0", "at_most", "no", "2026-02-25", "2026-03-03"]
    assert by_name["Reopen rate"][1:5] == ["50.0", "5.0", "at_most", "no"]
    assert by_name["Backlog (open tickets)"][1:5] == ["1", "", "", ""]
    assert by_name["Warm"][1:5] == ["", "0.8", "at_least", ""]


def test_series_csv_has_one_row_per_day(client, history, ada, on_tuesday):
    client.force_login(ada)
    rows = rows_of(client.get(f"/reports/series.csv?{WINDOW}"))
    assert rows[0][:3] == ["Period starting", "First reply time", "Next reply time"]
    assert [row[0] for row in rows[1:]][-2:] == ["2026-03-02", "2026-03-03"]
    assert rows[-2][1:3] == ["105.0", ""]
    assert rows[-1][1:3] == ["", "60.0"]


def test_breakdown_csv_by_agent(client, history, ada, alice, bob, on_tuesday):
    client.force_login(ada)
    rows = rows_of(client.get(f"/reports/breakdown.csv?{WINDOW}&by=agent"))
    names = [row[0] for row in rows[1:]]
    assert str(alice) in names
    alice_row = rows[1 + names.index(str(alice))]
    assert alice_row[1:4] == ["105.0", "60.0", "540.0"]  # minutes


def test_tickets_csv_lists_every_ticket_behind_a_figure(client, history, ada):
    a, b, _c = history
    client.force_login(ada)
    rows = rows_of(client.get("/reports/tickets.csv?metric=resolution&since=2026-03-02&until=2026-03-03"))
    assert rows[0] == ["Ticket", "Subject", "Status", "Team", "Owner", "Day", "Measured"]
    assert sorted(rows[1:]) == sorted([
        [str(a.pk), "A", "Solved", "Billing", "Alice Archer", "2026-03-03", "10.0 h"],
        [str(b.pk), "B", "Solved", "Billing", "Alice Archer", "2026-03-03", "8.0 h"],
    ])


def test_csv_refuses_bad_filters(client, ada):
    client.force_login(ada)
    response = client.get("/reports/figures.csv?days=3")
    assert response.status_code == 400
    assert "Choose a period of 7, 30, 90 or 365 days." in response.content.decode()


def test_the_api_gives_the_standard_to_readers_only(api_client, lena, alice):
    response = api_client(lena).get("/api/v1/reports/standard")
    assert response.status_code == 200
    assert {"metric": "first_reply", "label": "First reply time", "unit": "min", "value": 60.0, "direction": "at_most"} in response.json()
    assert api_client(alice).get("/api/v1/reports/standard").status_code == 404
