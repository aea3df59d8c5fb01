"""The ticket page's htmx actions: each calls its service and records its event; refused input
answers 422 with the reason and changes nothing; read-only and outside users are turned away."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from caredesk.accounts.models import Team
from caredesk.conversations import services
from caredesk.conversations.models import Attachment, CustomField, Event, Macro, Message, Ticket

from .test_ticket_page import page_text


def _post(client, ticket, name, data=None):
    return client.post(reverse(f"conversations:{name}", args=[ticket.pk]), data or {}, HTTP_HX_REQUEST="true")


def _state(ticket) -> dict:
    """Everything an action could change, read fresh from the database."""
    fresh = Ticket.objects.get(pk=ticket.pk)
    return {
        "ticket": (
            fresh.status,
            fresh.priority,
            fresh.owner_id,
            fresh.team_id,
            fresh.handoff_count,
            fresh.merged_into_id,
        ),
        "fields": fresh.fields,
        "tags": sorted(fresh.tags.values_list("name", flat=True)),
        "messages": Message.objects.count(),
        "attachments": Attachment.objects.count(),
        "events": Event.objects.count(),
        "tickets": sorted(Ticket.objects.values_list("pk", "status", "merged_into")),
    }


@pytest.fixture
def logged_in_alice(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def unowned(ticket_factory, miggins, billing):
    return ticket_factory.create(customer=miggins, team=billing, subject="Nobody's yet")


@pytest.fixture
def legal(db):
    return Team.objects.create(name="Legal", is_private=True)


# Replies and notes ------------------------------------------------------------------------------


def test_reply_is_saved_shown_in_the_timeline_and_the_composer_cleared(logged_in_alice, ticket, alice):
    response = _post(
        logged_in_alice, ticket, "post_message", {"kind": "reply", "body": "We refunded the second charge."}
    )
    message = ticket.messages.get(kind=Message.Kind.REPLY)
    assert (response.status_code, message.author, message.body_text) == (
        200,
        alice,
        "We refunded the second charge.",
    )
    assert ticket.events.filter(kind=Event.Kind.REPLIED, data__message=message.pk).count() == 1
    html = response.content.decode()
    assert (
        '<section id="timeline" class="timeline mb-4" aria-label="Conversation and history" hx-swap-oob="true">'
        in html
    )
    assert f'id="message-{message.pk}"' in html
    assert "></textarea>" in html  # the fresh composer's box is empty


def test_reply_can_set_the_status_in_the_same_go(logged_in_alice, ticket, alice):
    _post(logged_in_alice, ticket, "post_message", {"kind": "reply", "body": "Refunded.", "status": "solved"})
    ticket.refresh_from_db()
    event = ticket.events.get(kind=Event.Kind.STATUS_CHANGED)
    assert (ticket.status, event.actor, event.data) == ("solved", alice, {"from": "open", "to": "solved"})


def test_note_is_internal_and_records_a_note_event(logged_in_alice, ticket, alice):
    response = _post(logged_in_alice, ticket, "post_message", {"kind": "note", "body": "Called the bank."})
    note = ticket.messages.get(kind=Message.Kind.NOTE)
    assert (response.status_code, note.body_text, note.author) == (200, "Called the bank.", alice)
    assert ticket.events.filter(kind=Event.Kind.NOTE_ADDED, data__message=note.pk).count() == 1
    assert not ticket.events.filter(kind=Event.Kind.REPLIED).exists()


def test_a_note_ignores_the_status_select_meant_for_replies(logged_in_alice, ticket):
    _post(logged_in_alice, ticket, "post_message", {"kind": "note", "body": "Checked.", "status": "solved"})
    ticket.refresh_from_db()
    assert ticket.status == "open"


def test_reply_carries_several_attachments(logged_in_alice, ticket):
    files = [SimpleUploadedFile("receipt.pdf", b"%PDF"), SimpleUploadedFile("photo.jpg", b"\xff\xd8")]
    _post(logged_in_alice, ticket, "post_message", {"kind": "reply", "body": "Here you are.", "files": files})
    message = ticket.messages.get(kind=Message.Kind.REPLY)
    assert sorted(message.attachments.values_list("filename", "size")) == [
        ("photo.jpg", 2),
        ("receipt.pdf", 4),
    ]


def test_empty_reply_is_refused_inline_and_saves_nothing(logged_in_alice, ticket):
    before = _state(ticket)
    response = _post(logged_in_alice, ticket, "post_message", {"kind": "reply", "body": "   "})
    assert response.status_code == 422
    assert "Write a message before sending." in page_text(response)
    assert _state(ticket) == before


@override_settings(CAREDESK_MAX_ATTACHMENT_BYTES=10)
def test_oversized_attachment_is_refused_inline_and_saves_nothing(logged_in_alice, ticket):
    before = _state(ticket)
    big = SimpleUploadedFile("scan.pdf", b"x" * 11)
    response = _post(
        logged_in_alice, ticket, "post_message", {"kind": "reply", "body": "See scan", "files": [big]}
    )
    assert response.status_code == 422
    assert "scan.pdf is 11 bytes; attachments can be at most 10 bytes." in page_text(response)
    assert _state(ticket) == before


def test_forbidden_attachment_is_refused_inline_and_saves_nothing(logged_in_alice, ticket):
    before = _state(ticket)
    program = SimpleUploadedFile("invoice.exe", b"MZ")
    response = _post(
        logged_in_alice, ticket, "post_message", {"kind": "note", "body": "See file", "files": [program]}
    )
    assert response.status_code == 422
    assert "invoice.exe was not accepted: files of this type can run programs." in page_text(response)
    assert _state(ticket) == before


def test_refused_reply_keeps_what_was_typed(logged_in_alice, ticket):
    program = SimpleUploadedFile("x.bat", b"@echo")
    response = _post(
        logged_in_alice, ticket, "post_message", {"kind": "note", "body": "Keep me", "files": [program]}
    )
    html = response.content.decode()
    assert ">Keep me</textarea>" in html
    assert 'id="kind-note" value="note" autocomplete="off" checked' in html


# Canned replies ---------------------------------------------------------------------------------


def test_macro_endpoint_answers_the_macro_filled_in_for_this_ticket(logged_in_alice, ticket):
    macro = Macro.objects.create(
        name="Refund",
        body="Dear {{ customer.first_name }}, about {{ ticket.reference }}: {{ agent.first_name }}",
    )
    response = logged_in_alice.get(reverse("conversations:macro_text", args=[ticket.pk]), {"macro": macro.pk})
    assert (response.status_code, response["Content-Type"]) == (200, "text/plain; charset=utf-8")
    assert response.content.decode() == f"Dear Mrs Miggins, about {ticket.reference}: Alice"


def test_a_broken_macro_answers_a_clear_error_not_a_server_error(logged_in_alice, ticket):
    macro = Macro.objects.create(name="Broken", body="Hello {% if %}")
    response = logged_in_alice.get(reverse("conversations:macro_text", args=[ticket.pk]), {"macro": macro.pk})
    assert response.status_code == 422
    assert response.content.decode().startswith("The macro “Broken” cannot be used:")


def test_unknown_macro_is_404(logged_in_alice, ticket):
    response = logged_in_alice.get(reverse("conversations:macro_text", args=[ticket.pk]), {"macro": "999999"})
    assert response.status_code == 404


# Properties -------------------------------------------------------------------------------------


def test_status_change_records_the_old_and_new_status(logged_in_alice, ticket, alice):
    response = _post(logged_in_alice, ticket, "status", {"status": "pending_customer"})
    event = ticket.events.get(kind=Event.Kind.STATUS_CHANGED)
    assert (response.status_code, event.actor, event.data) == (
        200,
        alice,
        {"from": "open", "to": "pending_customer"},
    )
    html = response.content.decode()
    assert '<option value="pending_customer" selected>' in html
    assert '<header id="ticket-header" class="mb-4" hx-swap-oob="true">' in html
    assert "Alice Archer changed the status from Open to Pending customer" in page_text(response)


def test_unknown_status_is_refused_and_changes_nothing(logged_in_alice, ticket):
    before = _state(ticket)
    response = _post(logged_in_alice, ticket, "status", {"status": "lost"})
    assert response.status_code == 422
    assert "Select a valid choice. lost is not one of the available choices." in page_text(response)
    assert _state(ticket) == before


def test_a_closed_ticket_cannot_be_reopened_from_the_page(logged_in_alice, ticket, alice):
    services.change_status(ticket, status="closed", by=alice)
    before = _state(ticket)
    response = _post(logged_in_alice, ticket, "status", {"status": "open"})
    assert response.status_code == 422
    assert "A closed ticket stays closed; the customer's next message opens a follow-up." in page_text(
        response
    )
    assert _state(ticket) == before


def test_priority_change_records_the_old_and_new_priority(logged_in_alice, ticket, alice):
    _post(logged_in_alice, ticket, "priority", {"priority": "4"})
    ticket.refresh_from_db()
    event = ticket.events.get(kind=Event.Kind.PRIORITY_CHANGED)
    assert (ticket.priority, event.actor, event.data) == (4, alice, {"from": 2, "to": 4})


def test_unknown_priority_is_refused_and_changes_nothing(logged_in_alice, ticket):
    before = _state(ticket)
    assert _post(logged_in_alice, ticket, "priority", {"priority": "9"}).status_code == 422
    assert _state(ticket) == before


def test_tags_are_set_from_a_comma_separated_list(logged_in_alice, ticket, alice):
    response = _post(logged_in_alice, ticket, "tags", {"tags": "Refund, vip ,, double charge"})
    event = ticket.events.get(kind=Event.Kind.TAGS_CHANGED)
    assert (event.actor, event.data) == (alice, {"from": [], "to": ["double-charge", "refund", "vip"]})
    assert 'value="double-charge, refund, vip"' in response.content.decode()


def test_emptying_the_tags_removes_them(logged_in_alice, ticket, alice):
    services.set_tags(ticket, tags=["refund"], by=alice)
    _post(logged_in_alice, ticket, "tags", {"tags": ""})
    assert list(ticket.tags.all()) == []


def test_custom_fields_are_saved_and_recorded(logged_in_alice, ticket, alice):
    CustomField.objects.create(key="order", label="Order number", kind=CustomField.Kind.NUMBER)
    CustomField.objects.create(key="gift", label="Gift", kind=CustomField.Kind.CHECKBOX)
    response = _post(logged_in_alice, ticket, "fields", {"order": "1234", "gift": "on"})
    ticket.refresh_from_db()
    event = ticket.events.get(kind=Event.Kind.FIELDS_CHANGED)
    assert (response.status_code, ticket.fields) == (200, {"order": 1234, "gift": True})
    assert event.data == {
        "changes": {"order": {"from": None, "to": 1234}, "gift": {"from": None, "to": True}}
    }
    assert "Alice Archer set Gift to Yes, set Order number to 1234" in page_text(response)


def test_clearing_a_custom_field_reads_as_cleared(logged_in_alice, ticket, alice):
    CustomField.objects.create(key="order", label="Order number", kind=CustomField.Kind.NUMBER)
    services.set_fields(ticket, values={"order": "12"}, by=alice)
    response = _post(logged_in_alice, ticket, "fields", {"order": ""})
    ticket.refresh_from_db()
    assert ticket.fields == {}
    assert "Alice Archer cleared Order number" in page_text(response)


def test_a_bad_custom_field_value_is_refused_and_changes_nothing(logged_in_alice, ticket):
    CustomField.objects.create(key="order", label="Order number", kind=CustomField.Kind.NUMBER)
    before = _state(ticket)
    response = _post(logged_in_alice, ticket, "fields", {"order": "twelve"})
    assert response.status_code == 422
    assert "Order number must be a number." in page_text(response)
    assert 'value="twelve"' in response.content.decode()
    assert _state(ticket) == before


def test_take_it_assigns_an_unowned_ticket_to_the_agent(client, bob, unowned):
    client.force_login(bob)
    response = _post(client, unowned, "take")
    unowned.refresh_from_db()
    event = unowned.events.get(kind=Event.Kind.ASSIGNED)
    assert (unowned.owner, unowned.handoff_count, event.actor, event.data["to"]) == (bob, 0, bob, bob.pk)
    assert "Owner: Bob Baker" in page_text(response)


def test_take_it_on_someone_elses_ticket_is_refused(client, bob, ticket):
    client.force_login(bob)
    before = _state(ticket)
    response = _post(client, ticket, "take")
    assert response.status_code == 422
    assert "Alice Archer owns this ticket; transfer it instead." in page_text(response)
    assert _state(ticket) == before


def test_an_unowned_ticket_is_assigned_without_counting_a_handoff(logged_in_alice, alice, bob, unowned):
    _post(logged_in_alice, unowned, "assign", {"owner": bob.pk})
    unowned.refresh_from_db()
    event = unowned.events.get(kind=Event.Kind.ASSIGNED)
    assert (unowned.owner, unowned.handoff_count, event.actor) == (bob, 0, alice)


def test_assigning_someone_off_the_team_is_refused(logged_in_alice, charlie, unowned):
    before = _state(unowned)
    response = _post(logged_in_alice, unowned, "assign", {"owner": charlie.pk})
    assert response.status_code == 422
    assert _state(unowned) == before


# Transfer ---------------------------------------------------------------------------------------


def test_transfer_hands_the_ticket_on_with_reason_and_note(logged_in_alice, ticket, alice, bob, billing):
    response = _post(
        logged_in_alice,
        ticket,
        "transfer",
        {"team": billing.pk, "owner": bob.pk, "reason": "Bob handles refunds", "note": "Card ends 42"},
    )
    ticket.refresh_from_db()
    event = ticket.events.get(kind=Event.Kind.TRANSFERRED)
    assert (ticket.owner, ticket.handoff_count) == (bob, 1)
    assert (event.actor, event.data) == (
        alice,
        {
            "from_team": billing.pk,
            "from_owner": alice.pk,
            "to_team": billing.pk,
            "to_owner": bob.pk,
            "reason": "Bob handles refunds",
            "note": "Card ends 42",
        },
    )
    assert response["HX-Trigger"] == "dialog-done"
    assert "Owner: Bob Baker" in page_text(response)


def test_transfer_to_another_teams_queue(logged_in_alice, ticket, deliveries):
    _post(
        logged_in_alice,
        ticket,
        "transfer",
        {"team": deliveries.pk, "owner": "", "reason": "About a delivery"},
    )
    ticket.refresh_from_db()
    assert (ticket.team, ticket.owner, ticket.handoff_count) == (deliveries, None, 1)


def test_transfer_without_a_reason_is_refused_and_changes_nothing(logged_in_alice, ticket, bob, billing):
    before = _state(ticket)
    response = _post(
        logged_in_alice, ticket, "transfer", {"team": billing.pk, "owner": bob.pk, "reason": "  "}
    )
    assert response.status_code == 422
    assert "Say why the ticket is moving; the new owner reads this first." in page_text(response)
    assert _state(ticket) == before


def test_transfer_to_where_the_ticket_already_is_is_refused(logged_in_alice, ticket, alice, billing):
    before = _state(ticket)
    response = _post(
        logged_in_alice, ticket, "transfer", {"team": billing.pk, "owner": alice.pk, "reason": "why not"}
    )
    assert response.status_code == 422
    assert "The ticket is already there; choose another team or owner." in page_text(response)
    assert _state(ticket) == before


def test_transfer_to_an_owner_off_the_new_team_is_refused(logged_in_alice, ticket, charlie, billing):
    before = _state(ticket)
    response = _post(
        logged_in_alice, ticket, "transfer", {"team": billing.pk, "owner": charlie.pk, "reason": "x"}
    )
    assert response.status_code == 422
    assert "Select a valid choice." in page_text(response)
    assert _state(ticket) == before


def test_the_dialog_offers_the_agents_of_the_team_picked(logged_in_alice, ticket, charlie, deliveries):
    response = logged_in_alice.get(
        reverse("conversations:transfer", args=[ticket.pk]), {"team": deliveries.pk, "reason": "typed so far"}
    )
    html = response.content.decode()
    assert f'<option value="{charlie.pk}">Charlie Cole</option>' in html
    assert "Bob Baker" not in html
    assert 'value="typed so far"' in html


def test_transfer_to_a_private_team_the_agent_is_not_on_leaves_for_the_queue(logged_in_alice, ticket, legal):
    response = _post(logged_in_alice, ticket, "transfer", {"team": legal.pk, "reason": "Needs a lawyer"})
    ticket.refresh_from_db()
    assert ticket.team == legal
    assert (response.status_code, response["HX-Redirect"]) == (204, "/tickets/")


# Merge ------------------------------------------------------------------------------------------


def test_merge_folds_this_ticket_into_the_other_and_shows_the_banner(
    logged_in_alice, ticket, alice, ticket_factory, miggins, billing
):
    duplicate = ticket_factory.create(customer=miggins, team=billing, subject="Charged twice (again)")
    response = _post(logged_in_alice, duplicate, "merge", {"into": f"#{ticket.pk}"})
    duplicate.refresh_from_db()
    assert (duplicate.merged_into, duplicate.status) == (ticket, "closed")
    assert duplicate.events.get(kind=Event.Kind.MERGED).data == {"into": ticket.pk, "from_status": "new"}
    assert ticket.events.get(kind=Event.Kind.MERGED_IN).actor == alice
    assert f"This ticket was merged into {ticket.reference}" in page_text(response)
    assert response["HX-Trigger"] == "dialog-done"


def test_merge_into_a_ticket_the_agent_cannot_see_is_refused(
    logged_in_alice, ticket, ticket_factory, parker, legal
):
    hidden = ticket_factory.create(customer=parker, team=legal, subject="Confidential")
    before = _state(ticket)
    response = _post(logged_in_alice, ticket, "merge", {"into": str(hidden.pk)})
    assert response.status_code == 422
    assert f"There is no ticket #{hidden.pk} that you can work on." in page_text(response)
    assert _state(ticket) == before


def test_merge_into_an_unknown_ticket_is_refused(logged_in_alice, ticket):
    response = _post(logged_in_alice, ticket, "merge", {"into": "999999"})
    assert response.status_code == 422
    assert "There is no ticket #999999 that you can work on." in page_text(response)


def test_merge_into_itself_is_refused(logged_in_alice, ticket):
    before = _state(ticket)
    response = _post(logged_in_alice, ticket, "merge", {"into": str(ticket.pk)})
    assert response.status_code == 422
    assert "A ticket cannot be merged into itself." in page_text(response)
    assert _state(ticket) == before


def test_merge_needs_a_ticket_number(logged_in_alice, ticket):
    response = _post(logged_in_alice, ticket, "merge", {"into": "the other one"})
    assert response.status_code == 422
    assert "Enter a ticket number, such as 12." in page_text(response)


# Who may act ------------------------------------------------------------------------------------

WRITES = [
    ("post_message", {"kind": "reply", "body": "Hello"}),
    ("status", {"status": "solved"}),
    ("priority", {"priority": "4"}),
    ("tags", {"tags": "vip"}),
    ("fields", {}),
    ("take", {}),
    ("assign", {}),
    ("transfer", {"reason": "because"}),
    ("merge", {"into": "1"}),
]


@pytest.fixture
def deliveries_ticket(ticket_factory, parker, deliveries):
    return ticket_factory.create(customer=parker, team=deliveries, subject="Parcel left in the rain")


@pytest.mark.parametrize(("name", "data"), WRITES, ids=[name for name, _ in WRITES])
def test_sales_get_403_on_every_write_and_nothing_changes(
    client, sam, deliveries_ticket, charlie, deliveries, name, data
):
    client.force_login(sam)
    data = {**data, "team": deliveries.pk, "owner": charlie.pk}
    before = _state(deliveries_ticket)
    assert _post(client, deliveries_ticket, name, data).status_code == 403
    assert _state(deliveries_ticket) == before


@pytest.mark.parametrize(("name", "data"), WRITES, ids=[name for name, _ in WRITES])
def test_agents_of_another_team_get_404_on_every_action(client, charlie, ticket, alice, billing, name, data):
    client.force_login(charlie)
    data = {**data, "team": billing.pk, "owner": alice.pk}
    before = _state(ticket)
    assert _post(client, ticket, name, data).status_code == 404
    assert _state(ticket) == before


@pytest.mark.parametrize(("name", "data"), WRITES, ids=[name for name, _ in WRITES])
def test_customers_get_403_on_every_action(client, miggins, ticket, name, data):
    client.force_login(miggins.user)
    before = _state(ticket)
    assert _post(client, ticket, name, data).status_code == 403
    assert _state(ticket) == before


def test_sales_get_403_for_canned_replies_and_the_transfer_dialog(client, sam, deliveries_ticket):
    macro = Macro.objects.create(name="Hi", body="Hi")
    client.force_login(sam)
    assert (
        client.get(
            reverse("conversations:macro_text", args=[deliveries_ticket.pk]), {"macro": macro.pk}
        ).status_code
        == 403
    )
    assert client.get(reverse("conversations:transfer", args=[deliveries_ticket.pk])).status_code == 403


def test_agents_of_another_team_get_404_for_canned_replies_and_the_transfer_dialog(client, charlie, ticket):
    macro = Macro.objects.create(name="Hi", body="Hi")
    client.force_login(charlie)
    assert (
        client.get(reverse("conversations:macro_text", args=[ticket.pk]), {"macro": macro.pk}).status_code
        == 404
    )
    assert client.get(reverse("conversations:transfer", args=[ticket.pk])).status_code == 404


def test_writes_answer_405_to_get(logged_in_alice, ticket):
    assert logged_in_alice.get(reverse("conversations:status", args=[ticket.pk])).status_code == 405
