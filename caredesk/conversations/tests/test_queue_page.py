import re
from datetime import datetime, timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import dateformat, timezone

from caredesk.conversations import queries, services
from caredesk.conversations.models import Ticket
from caredesk.system import clock

QUEUE = "/tickets/"
START = timezone.make_aware(datetime(2025, 3, 3, 9, 0))


def listed(response) -> list[int]:
    """Ticket ids in the order the queue's rows show them."""
    return [
        int(pk)
        for pk in re.findall(
            r'<tr class="queue-row[^"]*" data-href="/tickets/(\d+)/"', response.content.decode()
        )
    ]


def sidebar_count(response, label: str) -> str:
    html = response.content.decode()
    match = re.search(rf"</i>{re.escape(label)}</span>\s*<span class=\"badge[^\"]*\">([^<]+)</span>", html)
    return match[1] if match else ""


@pytest.fixture
def at():
    """at(hours) runs the block `hours` after START, so that tickets get known times."""
    return lambda hours: clock.travel_to(START + timedelta(hours=hours))


@pytest.fixture
def desk(ticket_factory, miggins, parker, billing, deliveries, alice, bob, at):
    """Five tickets an hour apart: alice's, bob's, a Billing one in the queue, a Deliveries one,
    and an urgent solved one of alice's."""
    with at(1):
        mine = ticket_factory.create(
            customer=miggins, team=billing, owner=alice, subject="Charged twice", channel="email"
        )
    with at(2):
        bobs = ticket_factory.create(
            customer=parker, team=billing, owner=bob, subject="Refund missing", priority=3
        )
    with at(3):
        queued = ticket_factory.create(customer=miggins, team=billing, subject="Card declined", tags=["card"])
    with at(4):
        delivery = ticket_factory.create(
            customer=parker, team=deliveries, subject="Parcel lost", channel="phone"
        )
    with at(5):
        solved = ticket_factory.create(
            customer=miggins, team=billing, owner=alice, subject="Invoice copy", priority=4
        )
        services.change_status(solved, status=Ticket.Status.SOLVED, by=alice)
    return {"mine": mine, "bobs": bobs, "queued": queued, "delivery": delivery, "solved": solved}


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    return client


# Views ----------------------------------------------------------------------------------------


def test_all_open_lists_every_visible_open_ticket_most_recently_updated_first(as_alice, desk):
    response = as_alice.get(QUEUE)
    assert listed(response) == [desk["delivery"].pk, desk["queued"].pk, desk["bobs"].pk, desk["mine"].pk]


def test_each_row_shows_its_own_tags_in_name_order(as_alice, desk, alice):
    services.set_tags(desk["bobs"], tags=["urgent", "refund"], by=alice)
    html = as_alice.get(QUEUE).content.decode()
    rows = {
        int(pk): row for pk, row in re.findall(r'data-href="/tickets/(\d+)/">(.*?)</tr>', html, flags=re.S)
    }
    badge = r'<span class="badge rounded-pill[^"]*">([^<]+)</span>'
    tags = {pk: re.findall(badge, row) for pk, row in rows.items()}
    assert tags == {
        desk["delivery"].pk: [],
        desk["queued"].pk: ["card"],
        desk["bobs"].pk: ["refund", "urgent"],
        desk["mine"].pk: [],
    }


def test_mine_lists_only_open_tickets_the_agent_owns(as_alice, desk):
    assert listed(as_alice.get(QUEUE, {"view": "mine"})) == [desk["mine"].pk]


def test_my_teams_leaves_out_teams_the_agent_is_not_on(as_alice, desk):
    assert listed(as_alice.get(QUEUE, {"view": "teams"})) == [
        desk["queued"].pk,
        desk["bobs"].pk,
        desk["mine"].pk,
    ]


def test_unassigned_lists_tickets_waiting_in_a_team_queue(as_alice, desk):
    assert listed(as_alice.get(QUEUE, {"view": "unassigned"})) == [desk["delivery"].pk, desk["queued"].pk]


def test_an_unknown_view_name_shows_all_open(as_alice, desk):
    assert listed(as_alice.get(QUEUE, {"view": "everything"})) == listed(
        as_alice.get(QUEUE, {"view": "open"})
    )


def test_sidebar_highlights_the_current_view(as_alice, desk):
    html = as_alice.get(QUEUE, {"view": "unassigned"}).content.decode()
    assert re.findall(r'class="nav-link[^"]* active" href="([^"]+)" aria-current="page"', html) == [
        "/tickets/?view=unassigned"
    ]


def test_sidebar_shows_how_many_tickets_each_view_holds(as_alice, desk):
    response = as_alice.get(QUEUE)
    counts = [sidebar_count(response, label) for label in ("Mine", "My teams", "Unassigned", "All open")]
    assert counts == ["1", "3", "2", "4"]


def test_sidebar_counts_stop_at_the_limit_and_say_so(as_alice, desk, monkeypatch):
    monkeypatch.setattr(queries, "COUNT_LIMIT", 3)
    response = as_alice.get(QUEUE)
    assert [sidebar_count(response, label) for label in ("Mine", "My teams", "All open")] == ["1", "3", "3+"]


def test_sidebar_counts_never_count_a_whole_view(as_alice, desk):
    with CaptureQueriesContext(connection) as captured:
        as_alice.get(QUEUE)
    counts = [
        query["sql"]
        for query in captured.captured_queries
        if "COUNT(" in query["sql"].upper() and "escalations_escalation" not in query["sql"]  # the nav link's
    ]
    assert len(counts) == 4
    assert all(f"LIMIT {queries.COUNT_LIMIT + 1}" in sql for sql in counts)


def test_a_customer_gets_403_for_the_queue(client, miggins):
    client.force_login(miggins.user)
    assert client.get(QUEUE).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(QUEUE)
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/tickets/")


# Filters --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"status": ["new"]}, ["delivery", "queued"]),
        ({"status": ["new", "open"], "view": "all"}, ["delivery", "queued", "bobs", "mine"]),
        ({"status": ["solved"], "view": "all"}, ["solved"]),
        ({"priority": ["3", "4"], "view": "all"}, ["solved", "bobs"]),
        ({"team": "deliveries"}, ["delivery"]),
        ({"owner": "me"}, ["mine"]),
        ({"owner": "none"}, ["delivery", "queued"]),
        ({"owner": "bob"}, ["bobs"]),
        ({"tag": "Card"}, ["queued"]),
        ({"channel": "phone"}, ["delivery"]),
        ({"q": "refund"}, ["bobs"]),
    ],
)
def test_each_filter_narrows_the_view(as_alice, desk, deliveries, bob, filters, expected):
    named = {"deliveries": deliveries.pk, "bob": bob.pk}
    params = {
        key: named.get(value, value) if isinstance(value, str) else value for key, value in filters.items()
    }
    assert listed(as_alice.get(QUEUE, params)) == [desk[name].pk for name in expected]


def test_created_dates_narrow_to_whole_days(as_alice, ticket_factory, miggins, billing):
    days = {}
    for day in (1, 2, 3):
        with clock.travel_to(START + timedelta(days=day)):
            days[day] = ticket_factory.create(customer=miggins, team=billing)
    response = as_alice.get(QUEUE, {"created_from": "2025-03-05", "created_to": "2025-03-05"})
    assert listed(response) == [days[2].pk]


def test_updated_dates_narrow_by_last_activity(as_alice, ticket_factory, miggins, billing, alice):
    with clock.travel_to(START):
        quiet, busy = ticket_factory.create_batch(2, customer=miggins, team=billing)
    with clock.travel_to(START + timedelta(days=10)):
        services.add_note(busy, by=alice, body="Called the bank")
    assert listed(as_alice.get(QUEUE, {"updated_from": "2025-03-10"})) == [busy.pk]
    assert listed(as_alice.get(QUEUE, {"updated_to": "2025-03-10"})) == [quiet.pk]


def test_a_bad_date_shows_an_inline_error_and_lists_no_tickets(as_alice, desk):
    response = as_alice.get(QUEUE, {"created_from": "31/02/2025"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Created from: Enter a date as YYYY-MM-DD." in html
    assert listed(response) == []


def test_dates_the_wrong_way_round_are_an_error(as_alice, desk):
    response = as_alice.get(QUEUE, {"created_from": "2025-03-09", "created_to": "2025-03-01"})
    assert "Created to: This date is before “Created from”." in response.content.decode()
    assert listed(response) == []


def test_a_team_the_agent_cannot_see_is_not_a_valid_filter(client, charlie, desk, billing):
    client.force_login(charlie)
    response = client.get(QUEUE, {"team": billing.pk})
    assert "Team: Select a valid choice." in response.content.decode()
    assert listed(response) == []


def test_filters_a_person_cannot_see_are_not_offered(client, charlie, desk):
    client.force_login(charlie)
    html = client.get(QUEUE).content.decode()
    assert ">Billing<" not in html
    assert "Alice Archer" not in html


# Sorting and pages ----------------------------------------------------------------------------


def test_oldest_first_sort_reverses_the_order(as_alice, desk):
    response = as_alice.get(QUEUE, {"sort": "created_at"})
    assert listed(response) == [desk["mine"].pk, desk["bobs"].pk, desk["queued"].pk, desk["delivery"].pk]


def test_highest_priority_sort_puts_urgent_first(as_alice, desk):
    response = as_alice.get(QUEUE, {"sort": "-priority", "view": "all"})
    assert listed(response)[:2] == [desk["solved"].pk, desk["bobs"].pk]


def test_pages_continue_without_repeats_or_gaps(as_alice, ticket_factory, miggins, billing, monkeypatch):
    monkeypatch.setattr(queries, "PAGE_SIZE", 4)
    with clock.travel_to(START):  # equal times: the id breaks the tie
        tickets = ticket_factory.create_batch(10, customer=miggins, team=billing)
    pages, url = [], QUEUE
    while url:
        response = as_alice.get(url)
        pages.append(listed(response))
        url = response.context.get("next_url")
    assert pages == [[t.pk for t in reversed(tickets)][i : i + 4] for i in (0, 4, 8)]


def test_previous_goes_back_to_the_page_before(as_alice, ticket_factory, miggins, billing, monkeypatch):
    monkeypatch.setattr(queries, "PAGE_SIZE", 4)
    ticket_factory.create_batch(10, customer=miggins, team=billing)
    first = as_alice.get(QUEUE)
    second = as_alice.get(first.context["next_url"])
    assert listed(as_alice.get(second.context["previous_url"])) == listed(first)


def test_page_links_keep_the_view_filters_and_sort(as_alice, ticket_factory, miggins, billing, monkeypatch):
    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    ticket_factory.create_batch(3, customer=miggins, team=billing)
    response = as_alice.get(QUEUE, {"view": "unassigned", "status": "new", "sort": "created_at", "tag": ""})
    assert response.context["next_url"].startswith(
        "/tickets/?view=unassigned&status=new&sort=created_at&after="
    )


def test_the_queue_page_does_not_use_offset(as_alice, ticket_factory, miggins, billing, monkeypatch):
    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    ticket_factory.create_batch(5, customer=miggins, team=billing)
    next_url = as_alice.get(QUEUE).context["next_url"]
    with CaptureQueriesContext(connection) as captured:
        as_alice.get(next_url)
    assert not any("OFFSET" in query["sql"].upper() for query in captured.captured_queries)


def test_the_queue_costs_the_same_queries_for_10_and_200_tickets(
    as_alice, ticket_factory, miggins, parker, billing, alice, bob, django_assert_num_queries
):
    def make(n):
        for i in range(n):
            ticket_factory.create(
                customer=(miggins, parker)[i % 2], team=billing, owner=(alice, bob, None)[i % 3], tags=["vip"]
            )

    make(10)
    # session, user, alice's teams, 4 sidebar counts, saved views, teams, agents, rows, their tags,
    # the escalations waiting for her (nav link)
    with django_assert_num_queries(13):
        as_alice.get(QUEUE)
    make(190)
    caches["local"].clear()  # the sidebar's counts are reused for a few seconds: count again
    with django_assert_num_queries(13):
        as_alice.get(QUEUE)
    # Within those seconds the page reuses them, and the nav link's count: 5 queries fewer.
    with django_assert_num_queries(8):
        as_alice.get(QUEUE)


def test_sidebar_counts_are_reused_briefly_and_recounted_after_a_bulk_change(as_alice, desk, alice):
    assert sidebar_count(as_alice.get(QUEUE), "Mine") == "1"
    services.assign(desk["queued"], to=alice, by=alice)
    assert sidebar_count(as_alice.get(QUEUE), "Mine") == "1"  # reused: at most COUNTS_FOR seconds old
    # A bulk change sends the sidebar along, counted afresh, and the next page shows those counts.
    response = as_alice.post(
        "/tickets/bulk/",
        {"tickets": [desk["bobs"].pk], "owner": alice.pk, "reason": "Bob is away", "next": "view=open"},
        headers={"HX-Request": "true"},
    )
    assert sidebar_count(response, "Mine") == "3"
    assert sidebar_count(as_alice.get(QUEUE), "Mine") == "3"


# Search ---------------------------------------------------------------------------------------


def test_search_from_the_navigation_bar_finds_tickets_of_any_status(as_alice, desk, alice):
    services.reply(desk["solved"], by=alice, body="Here is the duplicate invoice you asked for")
    response = as_alice.get(QUEUE, {"q": "duplicate invoice"})
    assert (listed(response), response.context["title"]) == ([desk["solved"].pk], "Search results")


def test_search_inside_a_view_keeps_to_that_view(as_alice, desk):
    assert listed(as_alice.get(QUEUE, {"q": "invoice", "view": "open"})) == []


def test_search_finds_words_in_messages(as_alice, desk, alice):
    services.add_note(desk["bobs"], by=alice, body="Customer mentions the marmalade order")
    assert listed(as_alice.get(QUEUE, {"q": "marmalade"})) == [desk["bobs"].pk]


def test_searching_for_a_ticket_number_opens_that_ticket(as_alice, desk):
    for text in (f"#{desk['queued'].pk}", str(desk["queued"].pk)):
        response = as_alice.get(QUEUE, {"q": text})
        assert (response.status_code, response["Location"]) == (302, desk["queued"].get_absolute_url())


def test_a_ticket_number_inside_a_view_matches_that_ticket(as_alice, desk):
    assert listed(as_alice.get(QUEUE, {"q": f"#{desk['queued'].pk}", "view": "all"})) == [desk["queued"].pk]


def test_an_invisible_ticket_number_opens_nothing(client, charlie, desk):
    client.force_login(charlie)
    response = client.get(QUEUE, {"q": f"#{desk['mine'].pk}"})
    assert (response.status_code, listed(response)) == (200, [])


def test_an_absurdly_long_ticket_number_is_an_error_not_a_crash(as_alice, desk):
    response = as_alice.get(QUEUE, {"q": "9" * 30, "view": "all"})
    assert "Text: No ticket has that number; search for words instead." in response.content.decode()


# Permissions ----------------------------------------------------------------------------------


def test_charlie_sees_no_billing_ticket_in_any_view_count_or_search(client, charlie, desk):
    client.force_login(charlie)
    seen = set()
    for params in (
        {"view": "mine"},
        {"view": "teams"},
        {"view": "unassigned"},
        {"view": "open"},
        {"view": "all"},
        {"q": "charged"},
        {"q": "refund"},
        {"q": "invoice"},
        {"q": "card"},
    ):
        seen.update(listed(client.get(QUEUE, params)))
    response = client.get(QUEUE)
    counts = [sidebar_count(response, label) for label in ("Mine", "My teams", "Unassigned", "All open")]
    assert (seen, counts) == ({desk["delivery"].pk}, ["0", "1", "1", "1"])


def test_sales_read_the_queue_without_bulk_controls(client, sam, desk):
    client.force_login(sam)
    response = client.get(QUEUE)
    html = response.content.decode()
    assert (listed(response), "bulk-form" in html, "row-check" in html) == (
        [desk["delivery"].pk],
        False,
        False,
    )


# Rows -----------------------------------------------------------------------------------------


def test_a_row_flags_a_run_around_with_its_hand_off_count(
    as_alice, ticket, alice, bob, lena, billing, settings
):
    settings.CAREDESK_RUNAROUND_THRESHOLD = 2
    services.transfer(ticket, to_owner=bob, by=alice, reason="Bob knows refunds")
    services.transfer(ticket, to_owner=lena, by=bob, reason="Needs a lead")
    html = as_alice.get(QUEUE).content.decode()
    assert re.search(r"</i> Run-around · 2</span>", html)


def words(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_a_row_shows_the_ticket_at_a_glance(as_alice, desk):
    queued = desk["queued"]
    html = as_alice.get(QUEUE, {"view": "unassigned"}).content.decode()
    row = re.search(rf'data-href="/tickets/{queued.pk}/">(.*?)</tr>', html, re.DOTALL)[1]
    # The absolute time; relative-time.js shows it as "5 minutes ago" in the browser.
    updated = dateformat.format(timezone.localtime(queued.updated_at), "j M Y, H:i")
    expected = f"#{queued.pk} Card declined card Mrs Miggins Billing Queue New Normal {updated}"
    assert words(row) == words(expected)
    assert (
        f'<a class="fw-semibold link-body-emphasis text-decoration-none" href="/tickets/{queued.pk}/">' in row
    )


def test_status_badges_have_a_colour_per_status(as_alice, desk):
    html = as_alice.get(QUEUE, {"view": "all"}).content.decode()
    assert re.findall(r'<span class="badge (text-bg-[a-z]+)[^"]*">([A-Za-z ]+)</span>', html) == [
        ("text-bg-success", "Solved"),
        ("text-bg-info", "New"),
        ("text-bg-info", "New"),
        ("text-bg-primary", "Open"),
        ("text-bg-primary", "Open"),
    ]


# htmx -----------------------------------------------------------------------------------------


def test_htmx_filtering_answers_with_the_rows_fragment_only(as_alice, desk):
    response = as_alice.get(QUEUE, {"status": "new"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert (listed(response), "<html" in html, response["Vary"]) == (
        [desk["delivery"].pk, desk["queued"].pk],
        False,
        "HX-Request, Cookie, Accept-Language",
    )


def test_htmx_fragment_updates_the_filter_errors_out_of_band(as_alice, desk):
    html = as_alice.get(QUEUE, {"updated_to": "tomorrow"}, headers={"HX-Request": "true"}).content.decode()
    slot = re.search(r'<div id="filter-error-updated_to" hx-swap-oob="true">(.*?)</div></div>', html)[1]
    assert words(slot) == "Updated to: Enter a date as YYYY-MM-DD."
    assert re.search(r'<div id="filter-error-created_from" hx-swap-oob="true"></div>', html)


def test_htmx_history_restore_gets_the_whole_page(as_alice, desk):
    response = as_alice.get(QUEUE, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in response.content.decode()


def test_htmx_fragment_keeps_the_save_view_form_on_the_current_filters(as_alice, desk):
    html = as_alice.get(QUEUE, {"view": "mine", "status": "open"}, headers={"HX-Request": "true"}).content.decode()
    assert (
        '<input type="hidden" name="params" id="save-view-params" value="view=mine&amp;status=open" '
        'hx-swap-oob="true">' in html
    )
