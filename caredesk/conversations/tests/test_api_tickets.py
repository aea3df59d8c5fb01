"""The tickets API: the queue, one ticket, every action on it, and who may do what."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client
from django.utils import timezone

from caredesk.conversations import services
from caredesk.conversations.models import CustomField, Event, Message, Ticket
from caredesk.customers.models import Customer
from caredesk.system import clock

URL = "/api/v1/tickets"


def _json(client: Client, method: str, path: str, body: dict | None = None):
    return getattr(client, method)(path, body or {}, content_type="application/json")


def _iso(moment) -> str:
    """A time as the API writes it."""
    return DjangoJSONEncoder().default(moment)


@pytest.fixture
def deliveries_ticket(ticket_factory, parker, deliveries, charlie):
    """Peter Parker's ticket on Deliveries (public), owned by charlie: everyone on staff sees it."""
    return ticket_factory.create(
        customer=parker,
        team=deliveries,
        owner=charlie,
        subject="Parcel left in the rain",
        body="My parcel was left outside in the rain.",
        by=charlie,
    )


# Listing -----------------------------------------------------------------------------------------


def test_alice_lists_the_open_tickets_she_can_see_most_recently_updated_first(
    api_client, alice, ticket, deliveries_ticket
):
    response = api_client(alice).get(URL)
    assert response.status_code == 200
    body = response.json()
    assert [item["id"] for item in body["items"]] == [deliveries_ticket.pk, ticket.pk]
    assert (body["next"], body["previous"]) == (None, None)


def test_a_listed_ticket_shows_what_staff_need(api_client, alice, ticket):
    services.set_tags(ticket, tags=["refund", "Double charge"], by=alice)
    ticket.refresh_from_db()
    item = api_client(alice).get(URL).json()["items"][0]
    assert item == {
        "id": ticket.pk,
        "subject": "Charged twice for my groceries",
        "status": "open",
        "priority": 2,
        "channel": "web",
        "customer": {"id": ticket.customer_id, "name": "Mrs Miggins", "email": "miggins@example.com"},
        "team": {"id": ticket.team_id, "name": "Billing"},
        "owner": {"id": alice.pk, "name": "Alice Archer"},
        "tags": ["double-charge", "refund"],
        "fields": {},
        "handoff_count": 0,
        "is_runaround": False,
        "merged_into_id": None,
        "created_at": _iso(ticket.created_at),
        "updated_at": _iso(ticket.updated_at),
        "solved_at": None,
    }


def test_charlie_does_not_see_billing_tickets_in_the_list(api_client, charlie, ticket, deliveries_ticket):
    items = api_client(charlie).get(URL, {"view": "all"}).json()["items"]
    assert [item["id"] for item in items] == [deliveries_ticket.pk]


@pytest.fixture
def spread(
    ticket_factory, miggins, parker, billing, deliveries, alice, bob, charlie, ticket, deliveries_ticket
):
    """Tickets that differ in one way each, named for the filters that should find them."""
    with clock.travel_to(clock.now() - timedelta(days=10)):
        old = ticket_factory.create(
            customer=parker, team=billing, subject="Old invoice", channel="email", by=bob
        )
    urgent = ticket_factory.create(
        customer=parker,
        team=billing,
        subject="Card declined",
        priority=4,
        channel="phone",
        tags=["payments"],
        body="My card keeps being declined.",
    )
    services.change_status(deliveries_ticket, status="solved", by=charlie)
    return {"ticket": ticket, "deliveries": deliveries_ticket, "old": old, "urgent": urgent}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["urgent", "ticket", "old"]),
        ({"view": "all"}, ["deliveries", "urgent", "ticket", "old"]),
        ({"view": "mine"}, ["ticket"]),
        ({"view": "unassigned"}, ["urgent", "old"]),
        ({"view": "teams"}, ["urgent", "ticket", "old"]),
        ({"view": "all", "status": ["solved"]}, ["deliveries"]),
        ({"view": "all", "status": ["solved", "open"]}, ["deliveries", "ticket"]),
        ({"priority": ["4"]}, ["urgent"]),
        ({"priority": ["4", "2"]}, ["urgent", "ticket", "old"]),
        ({"view": "all", "team": "deliveries"}, ["deliveries"]),
        ({"owner": "me"}, ["ticket"]),
        ({"owner": "none"}, ["urgent", "old"]),
        ({"view": "all", "owner": "charlie"}, ["deliveries"]),
        ({"tag": "payments"}, ["urgent"]),
        ({"channel": "email"}, ["old"]),
        ({"q": "declined"}, ["urgent"]),
        ({"q": "groceries"}, ["ticket"]),
        ({"created_to": "days_ago_5"}, ["old"]),
        ({"created_from": "today"}, ["urgent", "ticket"]),
        ({"updated_from": "today", "updated_to": "today"}, ["urgent", "ticket"]),
        ({"sort": "-priority"}, ["urgent", "old", "ticket"]),
        ({"sort": "created_at"}, ["old", "ticket", "urgent"]),
    ],
)
def test_list_filters_as_the_queue_does(api_client, alice, charlie, deliveries, spread, query, expected):
    today = timezone.localdate()
    values = {
        "deliveries": deliveries.pk,
        "charlie": charlie.pk,
        "today": today.isoformat(),
        "days_ago_5": (today - timedelta(days=5)).isoformat(),
    }
    params = {
        key: values.get(value, value) if isinstance(value, str) else value for key, value in query.items()
    }
    response = api_client(alice).get(URL, params)
    assert response.status_code == 200
    ids = [item["id"] for item in response.json()["items"]]
    assert ids == [spread[name].pk for name in expected]


def test_ticket_number_search_finds_that_ticket(api_client, alice, spread):
    items = api_client(alice).get(URL, {"q": f"#{spread['old'].pk}"}).json()["items"]
    assert [item["id"] for item in items] == [spread["old"].pk]


def test_pages_follow_each_other_without_repeats_and_lead_back(
    api_client, alice, ticket_factory, miggins, billing
):
    tickets = ticket_factory.create_batch(7, customer=miggins, team=billing)
    newest_first = [t.pk for t in reversed(tickets)]
    client = api_client(alice)
    first = client.get(URL, {"limit": 3}).json()
    second = client.get(URL, {"limit": 3, "after": first["next"]}).json()
    third = client.get(URL, {"limit": 3, "after": second["next"]}).json()
    pages = [[item["id"] for item in page["items"]] for page in (first, second, third)]
    assert pages == [newest_first[:3], newest_first[3:6], newest_first[6:]]
    assert (first["previous"], third["next"]) == (None, None)
    back = client.get(URL, {"limit": 3, "before": third["previous"]}).json()
    assert [item["id"] for item in back["items"]] == newest_first[3:6]


def test_pages_follow_each_other_in_any_sort(api_client, alice, ticket_factory, miggins, billing):
    tickets = [ticket_factory.create(customer=miggins, team=billing, priority=p) for p in (1, 4, 2, 4, 3)]
    client = api_client(alice)
    seen, after = [], ""
    for _ in range(3):
        page = client.get(
            URL, {"limit": 2, "sort": "-priority", **({"after": after} if after else {})}
        ).json()
        seen += [item["id"] for item in page["items"]]
        after = page["next"]
    assert seen == [tickets[3].pk, tickets[1].pk, tickets[4].pk, tickets[2].pk, tickets[0].pk]
    assert after is None


def test_a_made_up_cursor_is_refused(api_client, alice, ticket):
    response = api_client(alice).get(URL, {"after": "eyJhIjoxfQ"})
    assert (response.status_code, response.json()) == (
        422,
        {"detail": "That cursor was not made by this API; start from the first page."},
    )


def test_a_cursor_from_another_sort_is_refused(api_client, alice, ticket_factory, miggins, billing):
    ticket_factory.create_batch(3, customer=miggins, team=billing)
    client = api_client(alice)
    cursor = client.get(URL, {"limit": 1}).json()["next"]
    response = client.get(URL, {"limit": 1, "sort": "priority", "after": cursor})
    assert (response.status_code, response.json()) == (
        422,
        {"detail": "That cursor belongs to another sort order; start from the first page."},
    )


def test_an_unknown_filter_value_is_refused_with_a_clear_message(api_client, alice):
    response = api_client(alice).get(URL, {"status": ["lost"]})
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "status.0: Input should be 'new', 'open', 'pending_customer', 'on_hold', 'solved' or 'closed'"
    )


@pytest.mark.parametrize("q", ["#²", "1234567890123456789"])
def test_a_search_that_cannot_be_a_ticket_number_is_refused(api_client, alice, q):
    response = api_client(alice).get(URL, {"q": q})
    assert (response.status_code, response.json()["detail"]) == (
        422,
        "q: Value error, no ticket has that number; search for words instead",
    )


def test_listing_takes_the_same_number_of_queries_for_any_number_of_tickets(
    api_client, alice, ticket_factory, miggins, billing, django_assert_num_queries
):
    client = api_client(alice)
    client.get(URL)  # the first use stamps the token's last_used_at (at most once a minute)
    for count in (3, 30):
        ticket_factory.create_batch(count, customer=miggins, team=billing, tags=["bulk"])
        # token and user, alice's teams, one page of tickets with customer/team/owner, their tags
        with django_assert_num_queries(4):
            assert client.get(URL, {"limit": 50}).status_code == 200


# Customers ---------------------------------------------------------------------------------------


def test_a_customer_lists_only_their_own_tickets_without_internal_fields(
    api_client, miggins, ticket, deliveries_ticket
):
    items = api_client(miggins.user).get(URL).json()["items"]
    assert [item["id"] for item in items] == [ticket.pk]
    assert set(items[0]) == {"id", "subject", "status", "created_at", "updated_at", "solved_at"}


@pytest.mark.parametrize(
    "query",
    [
        {"tag": "vip"},
        {"q": "refund"},
        {"owner": "none"},
        {"view": "mine"},
        {"priority": ["4"]},
        {"sort": "-priority"},
    ],
)
def test_a_customer_may_not_narrow_by_internal_data(api_client, miggins, ticket, query):
    response = api_client(miggins.user).get(URL, query)
    assert (response.status_code, response.json()) == (
        403,
        {"detail": "Customers may narrow their tickets by status, channel and dates only."},
    )


def test_a_customer_reads_their_ticket_without_notes(api_client, miggins, ticket, alice):
    services.add_note(ticket, by=alice, body="Refund already half done.")
    services.reply(ticket, by=alice, body="Sorry, we are on it.")
    body = api_client(miggins.user).get(f"{URL}/{ticket.pk}").json()
    assert set(body) == {"id", "subject", "status", "created_at", "updated_at", "solved_at", "messages"}
    assert [(m["kind"], m["body_text"]) for m in body["messages"]] == [
        ("customer", "Hello, I was charged twice for last week's order. Could you look into it?"),
        ("reply", "Sorry, we are on it."),
    ]


def test_a_customer_cannot_read_another_customers_ticket(api_client, parker, ticket):
    assert api_client(parker.user).get(f"{URL}/{ticket.pk}").status_code == 404


def test_a_customer_replies_to_their_own_ticket_as_themselves(api_client, miggins, ticket):
    response = _json(api_client(miggins.user), "post", f"{URL}/{ticket.pk}/reply", {"body": "Any news?"})
    assert response.status_code == 201
    message = Message.objects.get(pk=response.json()["id"])
    assert (message.ticket_id, message.kind, message.customer, message.author) == (
        ticket.pk,
        "customer",
        miggins,
        None,
    )
    assert ticket.events.filter(kind=Event.Kind.CUSTOMER_REPLIED, actor=miggins.user).count() == 1


def test_a_customers_reply_reopens_their_solved_ticket(api_client, miggins, ticket, alice):
    services.change_status(ticket, status="solved", by=alice)
    _json(api_client(miggins.user), "post", f"{URL}/{ticket.pk}/reply", {"body": "It happened again."})
    ticket.refresh_from_db()
    assert ticket.status == "open"


def test_a_customer_may_not_set_a_status_when_replying(api_client, miggins, ticket):
    response = _json(
        api_client(miggins.user), "post", f"{URL}/{ticket.pk}/reply", {"body": "Done", "status": "solved"}
    )
    assert (response.status_code, response.json()) == (
        403,
        {"detail": "Customers cannot set a ticket's status."},
    )
    assert ticket.messages.count() == 1


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("patch", "", {"status": "solved"}),
        ("post", "/note", {"body": "Note to self"}),
        ("post", "/transfer", {"reason": "Not mine"}),
        ("post", "/assign", {"owner_id": 1}),
        ("get", "/events", None),
    ],
)
def test_a_customer_gets_403_on_staff_endpoints_of_their_own_ticket(
    api_client, miggins, ticket, method, suffix, body
):
    client = api_client(miggins.user)
    response = (
        client.get(f"{URL}/{ticket.pk}{suffix}")
        if body is None
        else _json(client, method, f"{URL}/{ticket.pk}{suffix}", body)
    )
    assert response.status_code == 403
    assert ticket.events.count() == 2


def test_a_customer_may_not_open_tickets_through_the_api(api_client, miggins, billing):
    response = _json(
        api_client(miggins.user),
        "post",
        URL,
        {
            "customer_email": "miggins@example.com",
            "subject": "Hello",
            "body": "Hi",
            "team_id": billing.pk,
        },
    )
    assert response.status_code == 403


# Opening a ticket --------------------------------------------------------------------------------


def test_alice_opens_a_ticket_for_a_new_customer(api_client, alice, billing):
    response = _json(
        api_client(alice),
        "post",
        URL,
        {
            "customer_email": "Jo@Example.com",
            "customer_name": "Jo Bloggs",
            "subject": "Refund please",
            "body": "I would like a refund.",
            "team_id": billing.pk,
            "priority": 3,
            "tags": ["Refund"],
        },
    )
    assert response.status_code == 201
    body = response.json()
    ticket = Ticket.objects.get(pk=body["id"])
    assert (
        ticket.subject,
        ticket.customer.email,
        ticket.customer.name,
        ticket.team,
        ticket.priority,
        ticket.channel,
        ticket.status,
        ticket.owner,
    ) == ("Refund please", "jo@example.com", "Jo Bloggs", billing, 3, "api", "new", None)
    assert (body["tags"], [m["body_text"] for m in body["messages"]]) == (
        ["refund"],
        ["I would like a refund."],
    )
    assert ticket.events.get(kind=Event.Kind.CREATED).actor == alice


def test_opening_a_ticket_for_a_known_customer_uses_them(api_client, alice, billing, miggins):
    response = _json(
        api_client(alice),
        "post",
        URL,
        {
            "customer_email": "MIGGINS@example.com",
            "customer_name": "Someone Else",
            "subject": "Another thing",
            "body": "Hello again",
            "team_id": billing.pk,
        },
    )
    assert response.json()["customer"] == {
        "id": miggins.pk,
        "name": "Mrs Miggins",
        "email": "miggins@example.com",
    }
    assert Customer.objects.count() == 1


def test_opening_a_ticket_with_an_owner_assigns_it(api_client, alice, bob, billing):
    response = _json(
        api_client(alice),
        "post",
        URL,
        {
            "customer_email": "jo@example.com",
            "subject": "Hi",
            "body": "Hi",
            "team_id": billing.pk,
            "owner_id": bob.pk,
        },
    )
    assert (response.json()["owner"], response.json()["status"]) == (
        {"id": bob.pk, "name": "Bob Baker"},
        "open",
    )


def test_a_blank_subject_is_refused_and_leaves_no_customer_behind(api_client, alice, billing):
    response = _json(
        api_client(alice),
        "post",
        URL,
        {
            "customer_email": "jo@example.com",
            "subject": "   ",
            "body": "Hi",
            "team_id": billing.pk,
        },
    )
    assert (response.status_code, response.json()) == (422, {"detail": "A ticket needs a subject."})
    assert not Customer.objects.exists()


def test_a_missing_field_is_named_in_the_error(api_client, alice, billing):
    response = _json(
        api_client(alice), "post", URL, {"customer_email": "jo@example.com", "team_id": billing.pk}
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "subject: Field required; body: Field required"


def test_a_bad_email_address_is_refused(api_client, alice, billing):
    response = _json(
        api_client(alice),
        "post",
        URL,
        {
            "customer_email": "not-an-address",
            "subject": "Hi",
            "body": "Hi",
            "team_id": billing.pk,
        },
    )
    assert (response.status_code, response.json()["detail"]) == (
        422,
        "customer_email: Value error, must be an email address",
    )


def test_charlie_cannot_open_a_ticket_on_billing(api_client, charlie, billing):
    response = _json(
        api_client(charlie),
        "post",
        URL,
        {
            "customer_email": "jo@example.com",
            "subject": "Hi",
            "body": "Hi",
            "team_id": billing.pk,
        },
    )
    assert (response.status_code, response.json()) == (
        422,
        {"detail": f"There is no team {billing.pk} you can see."},
    )
    assert not Ticket.objects.exists()


NOT_ON_BILLING = "Charlie Cole is not an agent of Billing; pick someone on the team or leave it in the queue."


def test_an_owner_from_another_team_is_refused(api_client, alice, charlie, billing):
    response = _json(
        api_client(alice),
        "post",
        URL,
        {
            "customer_email": "jo@example.com",
            "subject": "Hi",
            "body": "Hi",
            "team_id": billing.pk,
            "owner_id": charlie.pk,
        },
    )
    assert (response.status_code, response.json()) == (
        422,
        {"detail": NOT_ON_BILLING},
    )
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("text", ["before\x00after", "lone \ud800 surrogate"])
def test_text_no_database_can_store_is_refused_as_bad_input(api_client, alice, billing, text):
    response = _json(
        api_client(alice),
        "post",
        URL,
        {
            "customer_email": "jo@example.com",
            "subject": "Hi",
            "body": text,
            "team_id": billing.pk,
        },
    )
    assert response.status_code == 422
    assert response.json()["detail"] in (
        "body: Value error, must not contain NUL characters",
        "body: Value error, must be valid Unicode text",
    )
    assert not Ticket.objects.exists()


# Reading a ticket --------------------------------------------------------------------------------


def test_staff_read_a_ticket_with_every_message_including_notes(api_client, bob, alice, ticket):
    note = services.add_note(ticket, by=alice, body="Refund is half done.")
    reply = services.reply(ticket, by=alice, body="Sorry, we are on it.")
    body = api_client(bob).get(f"{URL}/{ticket.pk}").json()
    first = ticket.messages.first()
    assert body["messages"] == [
        {
            "id": first.pk,
            "ticket_id": ticket.pk,
            "kind": "customer",
            "author_id": None,
            "author_name": "Mrs Miggins",
            "body_text": first.body_text,
            "body_html": f"<p>{first.body_text}</p>",
            "quoted": "",
            "created_at": _iso(first.created_at),
            "attachments": [],
        },
        {
            "id": note.pk,
            "ticket_id": ticket.pk,
            "kind": "note",
            "author_id": alice.pk,
            "author_name": "Alice Archer",
            "body_text": "Refund is half done.",
            "body_html": "<p>Refund is half done.</p>",
            "quoted": "",
            "created_at": _iso(note.created_at),
            "attachments": [],
        },
        {
            "id": reply.pk,
            "ticket_id": ticket.pk,
            "kind": "reply",
            "author_id": alice.pk,
            "author_name": "Alice Archer",
            "body_text": "Sorry, we are on it.",
            "body_html": "<p>Sorry, we are on it.</p>",
            "quoted": "",
            "created_at": _iso(reply.created_at),
            "attachments": [],
        },
    ]


def test_each_message_lists_its_own_attachments_in_upload_order(api_client, bob, alice, ticket):
    files = [SimpleUploadedFile(name, body) for name, body in (("b.txt", b"two"), ("a.pdf", b"%PDF-1.4"))]
    note = services.add_note(ticket, by=alice, body="Both papers", files=files)
    services.reply(ticket, by=alice, body="Nothing attached")
    messages = api_client(bob).get(f"{URL}/{ticket.pk}").json()["messages"]
    shown = {
        message["id"]: [(item["id"], item["filename"], item["size"]) for item in message["attachments"]]
        for message in messages
    }
    stored = list(note.attachments.order_by("pk").values_list("pk", flat=True))
    assert shown[note.pk] == [(stored[0], "b.txt", 3), (stored[1], "a.pdf", 8)]
    assert [listed for pk, listed in shown.items() if pk != note.pk] == [[], []]


def test_reading_a_ticket_takes_the_same_number_of_queries_for_any_number_of_messages(
    api_client, bob, alice, ticket, django_assert_num_queries
):
    client = api_client(bob)
    client.get(f"{URL}/{ticket.pk}")  # the first use stamps the token's last_used_at (at most once a minute)
    for count in (2, 20):
        for n in range(count):
            services.reply(ticket, by=alice, body=f"Reply {n}")
            services.add_note(ticket, by=alice, body=f"Note {n}")
        # token and user, the ticket with its people and team, bob's teams, messages, their attachments,
        # events, tags (the people and the team the events name are the actors, the owner and the team)
        with django_assert_num_queries(7):
            assert client.get(f"{URL}/{ticket.pk}").status_code == 200


def test_sam_reads_a_public_teams_ticket(api_client, sam, deliveries_ticket):
    response = api_client(sam).get(f"{URL}/{deliveries_ticket.pk}")
    assert (response.status_code, response.json()["subject"]) == (200, "Parcel left in the rain")


def test_an_unknown_ticket_is_404(api_client, alice):
    response = api_client(alice).get(f"{URL}/999999")
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


def test_a_ticket_id_that_is_not_a_number_is_422(api_client, alice):
    assert api_client(alice).get(f"{URL}/abc").status_code == 422


# Changing a ticket -------------------------------------------------------------------------------


def test_alice_changes_status_priority_tags_and_fields_at_once(api_client, alice, ticket):
    CustomField.objects.create(key="order", label="Order number", kind=CustomField.Kind.NUMBER)
    response = _json(
        api_client(alice),
        "patch",
        f"{URL}/{ticket.pk}",
        {
            "status": "pending_customer",
            "priority": 4,
            "tags": ["refund"],
            "fields": {"order": "1234"},
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["priority"], body["tags"], body["fields"]) == (
        "pending_customer",
        4,
        ["refund"],
        {"order": 1234},
    )
    kinds = list(ticket.events.order_by("id").values_list("kind", flat=True))[2:]
    assert kinds == ["status_changed", "priority_changed", "tags_changed", "fields_changed"]


def test_a_refused_field_undoes_the_whole_change(api_client, alice, ticket):
    CustomField.objects.create(key="order", label="Order number", kind=CustomField.Kind.NUMBER)
    response = _json(
        api_client(alice), "patch", f"{URL}/{ticket.pk}", {"status": "solved", "fields": {"order": "abc"}}
    )
    assert (response.status_code, response.json()) == (422, {"detail": "Order number must be a number."})
    ticket.refresh_from_db()
    assert (ticket.status, ticket.fields, ticket.events.count()) == ("open", {}, 2)


def test_an_unknown_status_is_refused(api_client, alice, ticket):
    response = _json(api_client(alice), "patch", f"{URL}/{ticket.pk}", {"status": "lost"})
    assert response.status_code == 422
    ticket.refresh_from_db()
    assert ticket.status == "open"


# Replies and notes -------------------------------------------------------------------------------


def test_alice_replies_and_the_customer_is_emailed(api_client, alice, ticket):
    mail.outbox.clear()  # alice was told the ticket is hers
    response = _json(api_client(alice), "post", f"{URL}/{ticket.pk}/reply", {"body": "Refunded today."})
    assert response.status_code == 201
    assert (response.json()["kind"], response.json()["author_id"], response.json()["body_html"]) == (
        "reply",
        alice.pk,
        "<p>Refunded today.</p>",
    )
    assert [message.to for message in mail.outbox] == [["miggins@example.com"]]


def test_a_reply_can_leave_the_ticket_waiting_for_the_customer(api_client, alice, ticket):
    _json(
        api_client(alice),
        "post",
        f"{URL}/{ticket.pk}/reply",
        {"body": "Which card?", "status": "pending_customer"},
    )
    ticket.refresh_from_db()
    assert ticket.status == "pending_customer"


def test_an_empty_reply_is_refused(api_client, alice, ticket):
    response = _json(api_client(alice), "post", f"{URL}/{ticket.pk}/reply", {"body": "   "})
    assert (response.status_code, response.json()) == (422, {"detail": "Write a message before sending."})
    assert ticket.messages.count() == 1


def test_alice_adds_a_note_the_customer_is_not_sent(api_client, alice, ticket):
    mail.outbox.clear()  # alice was told the ticket is hers
    response = _json(
        api_client(alice), "post", f"{URL}/{ticket.pk}/note", {"body": "Check the bank statement."}
    )
    assert response.status_code == 201
    assert (response.json()["kind"], mail.outbox) == ("note", [])


# Transfer and assign -----------------------------------------------------------------------------


def test_alice_transfers_a_ticket_to_bob_with_a_reason(api_client, alice, bob, ticket):
    response = _json(
        api_client(alice),
        "post",
        f"{URL}/{ticket.pk}/transfer",
        {
            "owner_id": bob.pk,
            "reason": "Bob handles refunds",
            "note": "Half done",
        },
    )
    assert response.status_code == 200
    assert (response.json()["owner"], response.json()["handoff_count"]) == (
        {"id": bob.pk, "name": "Bob Baker"},
        1,
    )
    event = ticket.events.get(kind=Event.Kind.TRANSFERRED)
    assert (event.actor, event.data["to_owner"], event.data["reason"], event.data["note"]) == (
        alice,
        bob.pk,
        "Bob handles refunds",
        "Half done",
    )


def test_alice_transfers_a_ticket_to_another_teams_queue(api_client, alice, ticket, deliveries):
    response = _json(
        api_client(alice),
        "post",
        f"{URL}/{ticket.pk}/transfer",
        {
            "team_id": deliveries.pk,
            "owner_id": None,
            "reason": "It is about the delivery",
        },
    )
    assert (response.json()["team"], response.json()["owner"]) == (
        {"id": deliveries.pk, "name": "Deliveries"},
        None,
    )


def test_a_transfer_without_a_reason_is_refused_and_changes_nothing(api_client, alice, bob, ticket):
    response = _json(
        api_client(alice), "post", f"{URL}/{ticket.pk}/transfer", {"owner_id": bob.pk, "reason": ""}
    )
    assert response.status_code == 422
    ticket.refresh_from_db()
    assert (ticket.owner, ticket.handoff_count) == (alice, 0)


def test_a_transfer_to_an_unknown_team_is_refused(api_client, alice, ticket):
    response = _json(
        api_client(alice), "post", f"{URL}/{ticket.pk}/transfer", {"team_id": 999999, "reason": "x"}
    )
    assert (response.status_code, response.json()) == (
        422,
        {"detail": "There is no team 999999 you can see."},
    )


def test_bob_takes_a_ticket_from_the_queue(api_client, bob, ticket_factory, miggins, billing):
    queued = ticket_factory.create(customer=miggins, team=billing)
    response = _json(api_client(bob), "post", f"{URL}/{queued.pk}/assign", {"owner_id": bob.pk})
    assert response.status_code == 200
    assert (response.json()["owner"], response.json()["status"], response.json()["handoff_count"]) == (
        {"id": bob.pk, "name": "Bob Baker"},
        "open",
        0,
    )


def test_assigning_an_owned_ticket_needs_a_reason(api_client, lena, bob, ticket):
    response = _json(api_client(lena), "post", f"{URL}/{ticket.pk}/assign", {"owner_id": bob.pk})
    assert (response.status_code, response.json()) == (
        422,
        {"detail": "Say why the ticket is moving; the new owner reads this first."},
    )


def test_assigning_to_an_unknown_user_is_refused(api_client, alice, ticket):
    response = _json(api_client(alice), "post", f"{URL}/{ticket.pk}/assign", {"owner_id": 999999})
    assert (response.status_code, response.json()) == (422, {"detail": "There is no user 999999."})


# Events ------------------------------------------------------------------------------------------


def test_the_history_lists_every_event_with_names(api_client, alice, bob, ticket):
    services.transfer(ticket, to_owner=bob, by=alice, reason="Refunds")
    events = api_client(bob).get(f"{URL}/{ticket.pk}/events").json()
    assert [(e["kind"], e["actor_name"], e["names"]) for e in events] == [
        ("created", "Alice Archer", {"team": "Billing"}),
        ("assigned", "Alice Archer", {"to": "Alice Archer", "team": "Billing"}),
        (
            "transferred",
            "Alice Archer",
            {
                "from_owner": "Alice Archer",
                "to_owner": "Bob Baker",
                "from_team": "Billing",
                "to_team": "Billing",
            },
        ),
    ]
    assert events[2]["data"]["reason"] == "Refunds"


# Who may do what ---------------------------------------------------------------------------------

EVERY_TICKET_ACTION = [
    ("get", "", None),
    ("patch", "", {"status": "solved"}),
    ("post", "/reply", {"body": "Hello"}),
    ("post", "/note", {"body": "Hello"}),
    ("post", "/transfer", {"reason": "Wrong desk", "owner_id": None}),
    ("post", "/assign", {"owner_id": 1}),
    ("get", "/events", None),
]


@pytest.mark.parametrize(("method", "suffix", "body"), EVERY_TICKET_ACTION)
def test_charlie_gets_404_for_a_billing_ticket_and_changes_nothing(
    api_client, charlie, alice, ticket, method, suffix, body
):
    client = api_client(charlie)
    path = f"{URL}/{ticket.pk}{suffix}"
    response = client.get(path) if body is None else _json(client, method, path, body)
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
    ticket.refresh_from_db()
    assert (ticket.status, ticket.owner, ticket.messages.count(), ticket.events.count()) == (
        "open",
        alice,
        1,
        2,
    )


@pytest.mark.parametrize(
    ("method", "suffix", "body"), [action for action in EVERY_TICKET_ACTION if action[0] != "get"]
)
def test_sam_gets_403_on_every_ticket_write_and_nothing_changes(
    api_client, sam, charlie, deliveries_ticket, method, suffix, body
):
    body = {**body, "owner_id": charlie.pk} if "owner_id" in body else body
    response = _json(api_client(sam), method, f"{URL}/{deliveries_ticket.pk}{suffix}", body)
    assert response.status_code == 403
    deliveries_ticket.refresh_from_db()
    assert (
        deliveries_ticket.status,
        deliveries_ticket.owner,
        deliveries_ticket.messages.count(),
        deliveries_ticket.events.count(),
    ) == ("open", charlie, 1, 2)


def test_sam_gets_403_when_opening_a_ticket(api_client, sam, deliveries):
    response = _json(
        api_client(sam),
        "post",
        URL,
        {
            "customer_email": "jo@example.com",
            "subject": "Hi",
            "body": "Hi",
            "team_id": deliveries.pk,
        },
    )
    assert (response.status_code, response.json()) == (
        403,
        {"detail": "You may read tickets but not open them."},
    )
    assert (Ticket.objects.count(), Customer.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer cd_wrong"}, {"Authorization": "Token abc"}]
)
def test_a_request_without_a_valid_token_is_401(ticket, headers):
    response = Client(headers=headers).get(f"{URL}/{ticket.pk}")
    assert (response.status_code, response.json()) == (401, {"detail": "Unauthorized"})


def test_a_deactivated_users_token_stops_working(api_client, alice, ticket):
    client = api_client(alice)
    alice.is_active = False
    alice.save()
    assert client.get(URL).status_code == 401


# Cross-site scripting ----------------------------------------------------------------------------

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(\'xss\')">',
    '<a href="javascript:alert(1)">click me</a>',
    "<a href='jav&#x09;ascript:alert(1)'>tab</a>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<body onload=alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '"><script>alert(document.cookie)</script>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    'see http://example.com/"onmouseover="alert(1) for details',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
]


class _Markup(HTMLParser):
    """The elements and attributes a browser would build from some HTML (text is left out)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, [(name, value or "") for name, value in attrs]))


def _active_content(html: str) -> list[str]:
    parser = _Markup()
    parser.feed(html)
    found = []
    for tag, attrs in parser.tags:
        if tag in (
            "script",
            "iframe",
            "svg",
            "object",
            "embed",
            "math",
            "style",
            "meta",
            "body",
            "input",
            "details",
        ):
            found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in ("style", "srcdoc"):
                found.append(f"{tag} {name}=")
            if name in ("href", "src", "data", "action") and not value.strip().lower().startswith(
                ("http:", "https:", "mailto:", "cid:")
            ):
                found.append(f"{tag} {name}={value}")
        markup = f"<{tag} " + " ".join(f"{name}={value}" for name, value in attrs)
        found += [bad for bad in ("<script", "onerror=", "javascript:") if bad in markup.lower()]
    return found


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_script_in_a_ticket_body_comes_back_as_inert_text(api_client, alice, billing, payload):
    client = api_client(alice)
    created = _json(
        client,
        "post",
        URL,
        {
            "customer_email": "jo@example.com",
            "subject": "Hi",
            "body": f"Hello\n\n{payload}",
            "team_id": billing.pk,
        },
    )
    message = client.get(f"{URL}/{created.json()['id']}").json()["messages"][0]
    assert message["body_text"] == f"Hello\n\n{payload}"
    assert "<script" not in message["body_html"].lower()
    assert _active_content(message["body_html"]) == []
