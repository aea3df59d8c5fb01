import re

import pytest

from caredesk.conversations.models import Event, SavedView, Ticket

BULK = "/tickets/bulk/"
HTMX = {"HX-Request": "true"}


def listed(response) -> list[int]:
    return [
        int(pk)
        for pk in re.findall(
            r'<tr class="queue-row[^"]*" data-href="/tickets/(\d+)/"', response.content.decode()
        )
    ]


def state(*tickets) -> list[tuple]:
    """What a bulk action may change, for comparing before and after."""
    fresh = Ticket.objects.filter(pk__in=[t.pk for t in tickets]).order_by("pk").prefetch_related("tags")
    return [(t.owner_id, t.status, sorted(tag.name for tag in t.tags.all()), t.updated_at) for t in fresh]


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def queued(ticket_factory, miggins, parker, billing):
    """Two Billing tickets waiting in the queue."""
    return [
        ticket_factory.create(customer=miggins, team=billing, subject="Voucher rejected"),
        ticket_factory.create(customer=parker, team=billing, subject="Card declined", tags=["card"]),
    ]


def test_assigning_gives_queued_tickets_to_the_agent(as_alice, queued, alice, bob):
    as_alice.post(BULK, {"tickets": [t.pk for t in queued], "owner": bob.pk, "next": "view=open"})
    assigned = Event.objects.filter(kind=Event.Kind.ASSIGNED, ticket__in=queued).order_by("ticket_id")
    assert [(e.ticket_id, e.actor, e.data["to"]) for e in assigned] == [
        (queued[0].pk, alice, bob.pk),
        (queued[1].pk, alice, bob.pk),
    ]
    assert [owner for owner, *_ in state(*queued)] == [bob.pk, bob.pk]


def test_reassigning_an_owned_ticket_without_a_reason_changes_nothing(as_alice, queued, ticket, bob):
    before = state(ticket, *queued)
    response = as_alice.post(
        BULK, {"tickets": [ticket.pk, *[t.pk for t in queued]], "owner": bob.pk}, headers=HTMX
    )
    assert (
        f"#{ticket.pk}: Say why the ticket is moving; the new owner reads this first. Nothing was changed."
        in response.content.decode()
    )
    assert state(ticket, *queued) == before


def test_reassigning_with_a_reason_records_a_hand_off(as_alice, ticket, alice, bob):
    as_alice.post(BULK, {"tickets": [ticket.pk], "owner": bob.pk, "reason": "Covering for Alice"})
    event = ticket.events.get(kind=Event.Kind.TRANSFERRED)
    assert (event.actor, event.data["to_owner"], event.data["reason"]) == (
        alice,
        bob.pk,
        "Covering for Alice",
    )


def test_setting_a_status_changes_every_selected_ticket(as_alice, queued):
    as_alice.post(BULK, {"tickets": [t.pk for t in queued], "status": "pending_customer"})
    assert [status for _, status, *_ in state(*queued)] == ["pending_customer", "pending_customer"]


def test_adding_tags_keeps_the_tags_a_ticket_had(as_alice, queued):
    as_alice.post(BULK, {"tickets": [t.pk for t in queued], "tags": "Refund, VIP ,"})
    assert [tags for _, _, tags, _ in state(*queued)] == [["refund", "vip"], ["card", "refund", "vip"]]


def test_success_says_how_many_tickets_changed(as_alice, queued, ticket):
    response = as_alice.post(
        BULK, {"tickets": [ticket.pk, *[t.pk for t in queued]], "status": "open"}, headers=HTMX
    )
    # alice's ticket was open already: only the two queued ones changed
    assert '<span role="status">2 tickets changed.</span>' in response.content.decode()


def test_nothing_to_change_says_so(as_alice, ticket):
    response = as_alice.post(BULK, {"tickets": [ticket.pk], "status": "open"}, headers=HTMX)
    assert "Nothing changed: the selected tickets already had these values." in response.content.decode()


def test_the_answer_is_the_refreshed_rows_of_the_page_the_selection_came_from(as_alice, queued, ticket, bob):
    response = as_alice.post(
        BULK,
        {"tickets": [queued[0].pk], "owner": bob.pk, "next": "view=unassigned&sort=created_at"},
        headers=HTMX,
    )
    assert "<html" not in response.content.decode()
    assert listed(response) == [queued[1].pk]


def test_the_answer_refreshes_the_sidebar_counts_out_of_band(as_alice, queued, bob):
    response = as_alice.post(
        BULK, {"tickets": [queued[0].pk], "owner": bob.pk, "next": "view=open"}, headers=HTMX
    )
    html = response.content.decode()
    assert '<div id="queue-sidebar" hx-swap-oob="true">' in html
    assert re.search(r"</i>Unassigned</span>\s*<span[^>]*>1</span>", html)


def test_without_javascript_the_page_is_reloaded_with_a_message(as_alice, queued):
    response = as_alice.post(
        BULK, {"tickets": [queued[0].pk], "status": "on_hold", "next": "view=open&status=new"}, follow=True
    )
    assert response.redirect_chain == [("/tickets/?view=open&status=new", 302)]
    assert "1 ticket changed." in response.content.decode()


def test_an_error_keeps_the_selection_ticked(as_alice, queued, ticket, bob):
    response = as_alice.post(
        BULK, {"tickets": [ticket.pk], "owner": bob.pk, "next": "view=open"}, headers=HTMX
    )
    ticked = re.findall(r'value="(\d+)" form="bulk-form"[^>]* checked>', response.content.decode())
    assert ticked == [str(ticket.pk)]


def test_a_selection_is_needed(as_alice, queued):
    response = as_alice.post(BULK, {"status": "open"}, headers=HTMX)
    assert "Select at least one ticket." in response.content.decode()


def test_a_change_is_needed(as_alice, queued):
    before = state(*queued)
    response = as_alice.post(BULK, {"tickets": [queued[0].pk]}, headers=HTMX)
    assert "Choose a change: an owner, a status or tags to add." in response.content.decode()
    assert state(*queued) == before


def test_the_new_owner_must_be_on_the_tickets_team(as_alice, queued, charlie):
    response = as_alice.post(BULK, {"tickets": [queued[0].pk], "owner": charlie.pk}, headers=HTMX)
    assert (
        "Charlie Cole is not an agent of Billing; pick someone on the team or leave it in the queue."
        in response.content.decode()
    )
    assert state(queued[0])[0][0] is None


def test_an_owner_the_agent_cannot_see_is_not_a_choice(
    client, charlie, ticket_factory, parker, deliveries, alice
):
    parcel = ticket_factory.create(customer=parker, team=deliveries)
    client.force_login(charlie)
    response = client.post(BULK, {"tickets": [parcel.pk], "owner": alice.pk}, headers=HTMX)
    assert "Assign to: Select a valid choice." in response.content.decode()


def test_a_ticket_the_agent_cannot_see_is_404_and_nothing_changes(
    client, charlie, ticket, ticket_factory, parker, deliveries
):
    parcel = ticket_factory.create(customer=parker, team=deliveries)
    before = state(ticket, parcel)
    client.force_login(charlie)
    response = client.post(BULK, {"tickets": [parcel.pk, ticket.pk], "status": "on_hold"})
    assert (response.status_code, state(ticket, parcel)) == (404, before)


def test_sales_get_403_and_nothing_changes(client, sam, ticket_factory, parker, deliveries):
    parcel = ticket_factory.create(customer=parker, team=deliveries)
    before = state(parcel)
    client.force_login(sam)
    response = client.post(BULK, {"tickets": [parcel.pk], "status": "solved"})
    assert (response.status_code, state(parcel)) == (403, before)


def test_customers_get_403(client, miggins, ticket):
    client.force_login(miggins.user)
    assert client.post(BULK, {"tickets": [ticket.pk], "status": "solved"}).status_code == 403


def test_bulk_only_accepts_posts(as_alice):
    assert as_alice.get(BULK).status_code == 405


def test_a_page_the_agent_may_not_see_is_404_before_anything_changes(as_alice, queued, bob):
    private = SavedView.objects.create(owner=bob, name="Bob's", filters={})
    before = state(*queued)
    response = as_alice.post(
        BULK, {"tickets": [queued[0].pk], "status": "on_hold", "next": f"saved={private.pk}"}
    )
    assert (response.status_code, state(*queued)) == (404, before)
