"""The hand-off report: who may see it, what it counts, and what it costs."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caredesk.accounts.models import Team, User
from caredesk.conftest import _user
from caredesk.conversations import handoffs, services
from caredesk.system import clock

URL = reverse("conversations:handoffs")


@pytest.fixture
def doris(deliveries) -> User:
    """Leads Deliveries (public); not on Billing (private)."""
    return _user("doris@example.com", "Doris", "Dunn", User.Role.LEAD, [deliveries])


@pytest.fixture
def moved(ticket, alice, bob, charlie, lena, billing, deliveries):
    """Mrs Miggins's Billing ticket bounced: Billing/alice -> Deliveries/charlie -> Billing/bob ->
    Billing/lena (inside the team)."""
    services.transfer(ticket, to_team=deliveries, to_owner=charlie, by=alice, reason="Looks like a delivery")
    services.transfer(ticket, to_team=billing, to_owner=bob, by=charlie, reason="It is billing")
    services.transfer(ticket, to_owner=lena, by=bob, reason="Over my limit")
    return ticket


@pytest.fixture
def public_bounce(ticket_factory, parker, deliveries, charlie):
    """Peter Parker's Deliveries ticket sent to Returns and straight back."""
    returns = Team.objects.create(name="Returns")
    rose = _user("rose@example.com", "Rose", "Reed", User.Role.AGENT, [returns])
    bounced = ticket_factory.create(customer=parker, team=deliveries, owner=charlie, subject="Broken eggs")
    services.transfer(bounced, to_team=returns, to_owner=rose, by=charlie, reason="A return")
    services.transfer(bounced, to_team=deliveries, to_owner=charlie, by=rose, reason="Not a return")
    return bounced


def _get(client, user, url=URL, **params):
    client.force_login(user)
    return client.get(url, params)


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


# Who may see it ----------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(reverse("conversations:handoffs_tickets_csv")).status_code == 302


@pytest.mark.parametrize("who", ["miggins_user", "sam", "alice", "charlie"])
def test_customers_sales_and_agents_are_refused(client, who, miggins, sam, alice, charlie, moved):
    user = miggins.user if who == "miggins_user" else {"sam": sam, "alice": alice, "charlie": charlie}[who]
    for url in (URL, reverse("conversations:handoffs_tickets_csv"), reverse("conversations:handoffs_pairs_csv")):
        assert _get(client, user, url).status_code == 403


def test_an_inactive_lead_is_refused(client, lena):
    lena.is_active = False
    lena.save()
    client.force_login(lena)
    assert client.get(URL).status_code in (302, 403)


def test_leads_and_admins_see_the_report(client, lena, ada, moved):
    for user in (lena, ada):
        response = _get(client, user)
        assert response.status_code == 200
        assert moved.subject in response.content.decode()


def test_a_lead_never_sees_a_private_teams_tickets_they_are_not_on(client, doris, moved, public_bounce):
    html = _get(client, doris, scope="all").content.decode()
    assert public_bounce.subject in html
    assert moved.subject not in html  # now on Billing, which is private and not hers
    rows = _csv(_get(client, doris, reverse("conversations:handoffs_tickets_csv")))
    assert [row[1] for row in rows[1:]] == ["Broken eggs"]


def test_a_lead_does_not_see_the_team_pairs_or_names_of_a_private_team(client, doris, moved, public_bounce):
    pairs = _csv(_get(client, doris, reverse("conversations:handoffs_pairs_csv")))
    assert pairs == [["From team", "To team", "Transfers", "Bounced back"], ["Returns", "Deliveries", "1", "1"], ["Deliveries", "Returns", "1", "0"]]


def test_a_visible_tickets_chain_through_a_private_team_hides_that_teams_name(client, doris, ticket, alice, charlie, deliveries, billing):
    services.transfer(ticket, to_team=deliveries, to_owner=charlie, by=alice, reason="Delivery")
    rows = _csv(_get(client, doris, reverse("conversations:handoffs_tickets_csv")))
    assert rows[1][0] == str(ticket.pk) and rows[1][-1] == "a private team > Deliveries"


def test_the_sidebar_links_the_report_for_leads_only(client, lena, alice):
    assert "Hand-offs" in _get(client, lena, reverse("conversations:queue")).content.decode()
    assert URL not in _get(client, alice, reverse("conversations:queue")).content.decode()


# What it counts ----------------------------------------------------------------------------------


def test_tickets_come_by_number_of_hand_offs_with_the_teams_they_passed_through(client, ada, moved, public_bounce, settings):
    settings.CAREDESK_RUNAROUND_THRESHOLD = 3
    rows = _csv(_get(client, ada, reverse("conversations:handoffs_tickets_csv")))
    assert rows[0] == ["Ticket", "Subject", "Status", "Team", "Owner", "Hand-offs", "Run-around", "Bounced back", "Teams passed through"]
    assert rows[1:] == [
        [str(moved.pk), moved.subject, "Open", "Billing", "Lena Lead", "3", "yes", "1", "Billing > Deliveries > Billing"],
        [str(public_bounce.pk), "Broken eggs", "Open", "Deliveries", "Charlie Cole", "2", "no", "1", "Deliveries > Returns > Deliveries"],
    ]
    html = _get(client, ada).content.decode()
    assert html.index(moved.subject) < html.index("Broken eggs")
    assert "run-around" in html


def test_team_pairs_count_transfers_and_bounces_back(client, ada, moved, public_bounce):
    report = handoffs.pairs(ada, handoffs.Filters())
    got = [(pair.from_team, pair.to_team, pair.transfers, pair.bounced_back) for pair in report.pairs]
    # Most transfers first; as many, most bounced back first; then by name.
    assert got == [
        ("Deliveries", "Billing", 1, 1),
        ("Returns", "Deliveries", 1, 1),
        ("Billing", "Deliveries", 1, 0),
        ("Deliveries", "Returns", 1, 0),
    ]
    assert (report.transfers, report.within_teams, report.tickets, report.bounced_back) == (5, 1, 2, 2)


def test_the_period_leaves_out_older_transfers(client, ada, ticket, alice, charlie, deliveries, public_bounce):
    with clock.travel_to(clock.now() - timedelta(days=100)):
        services.transfer(ticket, to_team=deliveries, to_owner=charlie, by=alice, reason="Long ago")
    html = _get(client, ada, period="90", scope="all").content.decode()
    assert "Broken eggs" in html and ticket.subject not in html
    html = _get(client, ada, period="365", scope="all").content.decode()
    assert ticket.subject in html
    assert [(p.from_team, p.to_team) for p in handoffs.pairs(ada, handoffs.Filters(period=30)).pairs] == [
        ("Returns", "Deliveries"), ("Deliveries", "Returns"),
    ]


def test_the_team_filter_keeps_tickets_and_pairs_that_team_took_part_in(client, ada, moved, public_bounce):
    returns = Team.objects.get(name="Returns")
    rows = _csv(_get(client, ada, reverse("conversations:handoffs_tickets_csv"), team=returns.pk))
    assert [row[1] for row in rows[1:]] == ["Broken eggs"]
    pairs = _csv(_get(client, ada, reverse("conversations:handoffs_pairs_csv"), team=returns.pk))
    assert [row[:2] for row in pairs[1:]] == [["Returns", "Deliveries"], ["Deliveries", "Returns"]]


def test_open_tickets_only_unless_all_are_asked_for(client, ada, moved, public_bounce):
    services.change_status(public_bounce, status="solved", by=ada)
    assert "Broken eggs" not in _get(client, ada).content.decode()
    assert "Broken eggs" in _get(client, ada, scope="all").content.decode()


def test_tickets_never_handed_on_are_not_listed(client, ada, ticket):
    html = _get(client, ada).content.decode()
    assert ticket.subject not in html and "No ticket you can see was handed on in this period." in html


# Bad input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, error",
    [
        ({"period": "7"}, "Choose a period of 30, 90 or 365 days."),
        ({"team": "999999"}, "There is no such team that you can see."),
        ({"scope": "everything"}, "Choose open tickets or all tickets."),
    ],
)
def test_bad_filters_get_a_clear_error_and_no_figures(client, ada, moved, params, error):
    response = _get(client, ada, **params)
    html = response.content.decode()
    assert response.status_code == 400 and error in html
    assert moved.subject not in html
    csv_response = _get(client, ada, reverse("conversations:handoffs_tickets_csv"), **params)
    assert csv_response.status_code == 400 and error in b"".join(csv_response.streaming_content).decode()


def test_a_private_team_the_lead_is_not_on_is_bad_input_for_them(client, doris, billing):
    response = _get(client, doris, team=billing.pk)
    assert response.status_code == 400 and "There is no such team that you can see." in response.content.decode()


def test_a_hand_made_cursor_is_ignored(client, ada, moved):
    response = _get(client, ada, after="not-a-cursor")
    assert response.status_code == 200 and moved.subject in response.content.decode()


def test_a_subject_that_looks_like_a_formula_is_kept_as_text_in_the_csv(client, ada, ticket_factory, miggins, billing, alice, bob):
    sneaky = ticket_factory.create(customer=miggins, team=billing, owner=alice, subject='=HYPERLINK("http://evil.example")')
    services.transfer(sneaky, to_owner=bob, by=alice, reason="x")
    rows = _csv(_get(client, ada, reverse("conversations:handoffs_tickets_csv")))
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example")'


# Paging and cost ---------------------------------------------------------------------------------


def _spread(ticket_factory, miggins, billing, alice, bob, count):
    made = []
    for number in range(count):
        handed = ticket_factory.create(customer=miggins, team=billing, owner=alice, subject=f"Handed {number:03d}")
        for move in range(number % 4 + 1):
            services.transfer(handed, to_owner=bob if move % 2 == 0 else alice, by=alice, reason="x")
        made.append(handed)
    return made


def test_pages_follow_each_other_without_gaps_or_repeats(client, ada, ticket_factory, miggins, billing, alice, bob):
    made = _spread(ticket_factory, miggins, billing, alice, bob, 7)
    filters = handoffs.Filters()
    seen, after = [], ""
    while True:
        page = handoffs.ticket_page(ada, filters, after=after, size=3)
        seen += [row.ticket.pk for row in page.rows]
        if not page.next_cursor:
            break
        after = page.next_cursor
    expected = [t.pk for t in sorted(made, key=lambda t: (-(made.index(t) % 4 + 1), -t.pk))]
    assert seen == expected
    back = handoffs.ticket_page(ada, filters, before=page.previous_cursor, size=3)
    assert [row.ticket.pk for row in back.rows] == expected[3:6]


def test_the_page_costs_the_same_queries_however_many_tickets_and_transfers(client, ada, ticket_factory, miggins, billing, alice, bob):
    def count():
        client.force_login(ada)
        caches["local"].clear()  # the nav link's count of escalations is cached; count it every time
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured.captured_queries)

    _spread(ticket_factory, miggins, billing, alice, bob, 3)
    few = count()
    _spread(ticket_factory, miggins, billing, alice, bob, 40)
    # session, user, the teams (names and the filter), a page of tickets with customer, team and owner,
    # the page's transfers, the period's transfers for the pairs, the escalations waiting for the viewer
    assert few == count() == 7


def test_htmx_gets_the_report_alone_and_a_history_restore_the_whole_page(client, ada, moved):
    client.force_login(ada)
    fragment = client.get(URL, {"period": "365"}, HTTP_HX_REQUEST="true").content.decode()
    assert moved.subject in fragment and "<html" not in fragment
    whole = client.get(URL, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true").content.decode()
    assert "<html" in whole and 'id="handoff-report"' in whole
