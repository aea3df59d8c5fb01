import dataclasses
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caredesk.conversations import services
from caredesk.conversations.models import Event, Message, Ticket
from caredesk.system import clock


def test_reply_is_public_and_emailed_to_the_customer(ticket, alice, miggins):
    message = services.reply(ticket, by=alice, body="We have refunded the second charge.")
    assert message.kind == Message.Kind.REPLY
    assert ticket.events.filter(kind=Event.Kind.REPLIED, data__message=message.pk).exists()
    sent = [m for m in mail.outbox if m.to == [miggins.email]]
    assert len(sent) == 1 and "refunded the second charge" in sent[0].body


def test_note_is_internal_and_not_emailed(ticket, alice, miggins):
    services.add_note(ticket, by=alice, body="Checked the payment provider.")
    assert not [m for m in mail.outbox if m.to == [miggins.email]]
    assert ticket.events.filter(kind=Event.Kind.NOTE_ADDED).count() == 1


def test_empty_reply_is_refused(ticket, alice):
    with pytest.raises(ValidationError, match="Write a message"):
        services.reply(ticket, by=alice, body="   ")
    assert ticket.messages.count() == 1


def test_customer_reply_to_a_solved_ticket_reopens_it(ticket, alice, miggins):
    services.change_status(ticket, status=Ticket.Status.SOLVED, by=alice)
    services.customer_reply(ticket, customer=miggins, body="It happened again!")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert ticket.events.filter(kind=Event.Kind.REOPENED).count() == 1


def test_customer_reply_to_a_closed_ticket_opens_a_follow_up(ticket, alice, miggins):
    services.change_status(ticket, status=Ticket.Status.CLOSED, by=alice)
    message = services.customer_reply(ticket, customer=miggins, body="One more thing")
    assert message.ticket_id != ticket.pk
    assert message.ticket.events.filter(data__follow_up_of=ticket.pk).exists()


def test_opening_a_ticket_with_its_message_hands_back_the_first_message_of_the_new_ticket(miggins, billing):
    message = services.open_ticket_with_message(customer=miggins, subject="Pies", body="Twelve pies, none came.", team=billing)
    ticket = Ticket.objects.get()
    assert (message.pk, message.ticket.pk, message.body_text) == (ticket.messages.get().pk, ticket.pk, "Twelve pies, none came.")
    assert ticket.events.get(kind=Event.Kind.CREATED).data["message"] == message.pk


def test_reply_task_sends_once_even_if_run_twice(ticket, alice, miggins):
    from caredesk.conversations import tasks

    message = services.reply(ticket, by=alice, body="Done.")
    tasks.send_reply_to_customer.call(message_id=message.pk)
    assert len([m for m in mail.outbox if m.to == [miggins.email]]) == 1


def test_merge_keeps_both_histories_and_points_to_the_survivor(ticket, ticket_factory, miggins, billing, alice):
    duplicate = ticket_factory.create(customer=miggins, team=billing, subject="Double charge", body="Same problem")
    services.merge(duplicate, into=ticket, by=alice)
    duplicate.refresh_from_db()
    assert (duplicate.merged_into, duplicate.status) == (ticket, Ticket.Status.CLOSED)
    from caredesk.conversations import queries

    bodies = [item.message.body_text for item in queries.timeline(ticket) if item.message]
    assert "Same problem" in bodies and any("charged twice" in b for b in bodies)
    assert duplicate.events.filter(kind=Event.Kind.MERGED, data__into=ticket.pk).exists()
    assert ticket.events.filter(kind=Event.Kind.MERGED_IN, data__merged=duplicate.pk).exists()


def test_merge_into_itself_is_refused(ticket, alice):
    with pytest.raises(ValidationError, match="into itself"):
        services.merge(ticket, into=ticket, by=alice)


def test_custom_field_bad_value_is_refused(ticket, alice):
    from caredesk.conversations.models import CustomField

    CustomField.objects.create(key="order", label="Order number", kind=CustomField.Kind.NUMBER)
    with pytest.raises(ValidationError, match="Order number must be a number"):
        services.set_fields(ticket, values={"order": "abc"}, by=alice)
    services.set_fields(ticket, values={"order": "1234"}, by=alice)
    ticket.refresh_from_db()
    assert ticket.fields == {"order": 1234}
    assert ticket.events.get(kind=Event.Kind.FIELDS_CHANGED).data == {"changes": {"order": {"from": None, "to": 1234}}}


def test_tags_are_normalised_and_recorded(ticket, alice):
    services.set_tags(ticket, tags=["Refund", " vip ", "refund"], by=alice)
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["refund", "vip"]
    assert ticket.events.get(kind=Event.Kind.TAGS_CHANGED).data == {"from": [], "to": ["refund", "vip"]}


def test_the_same_tags_again_change_nothing(ticket, alice):
    services.set_tags(ticket, tags=["refund"], by=alice)
    ticket.refresh_from_db()
    before = ticket.updated_at
    with clock.travel_to(before + timedelta(minutes=5)):
        services.set_tags(ticket, tags=["Refund"], by=alice)
    ticket.refresh_from_db()
    # No event, and the ticket does not look updated: the event log and updated_at agree.
    assert (ticket.updated_at, ticket.events.filter(kind=Event.Kind.TAGS_CHANGED).count()) == (before, 1)


def test_bulk_update_is_all_or_nothing(ticket_factory, miggins, billing, alice, charlie):
    tickets = ticket_factory.create_batch(3, customer=miggins, team=billing)
    with pytest.raises(ValidationError, match="Nothing was changed"):
        services.bulk_update(tickets, by=alice, owner=charlie)
    assert not Ticket.objects.filter(owner=charlie).exists()
    services.bulk_update(tickets, by=alice, owner=alice, add_tags=["urgent-refund"])
    assert Ticket.objects.filter(owner=alice, tags__name="urgent-refund").count() == 3


def test_a_reply_cannot_reopen_a_closed_ticket(ticket, alice):
    services.change_status(ticket, status=Ticket.Status.CLOSED, by=alice)
    with pytest.raises(ValidationError, match="A closed ticket stays closed"):
        services.reply(ticket, by=alice, body="Reopening by reply", status=Ticket.Status.OPEN)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.messages.count()) == (Ticket.Status.CLOSED, 1)


def test_a_custom_number_that_is_not_finite_is_refused(ticket, alice):
    from caredesk.conversations.models import CustomField

    CustomField.objects.create(key="order", label="Order number", kind=CustomField.Kind.NUMBER)
    for raw in ("1.e999", "nan", "inf", "1e400"):
        with pytest.raises(ValidationError, match="Order number must be a number"):
            services.set_fields(ticket, values={"order": raw}, by=alice)
    ticket.refresh_from_db()
    assert ticket.fields == {}


def _requests(customer, team, count: int, **values) -> list:
    return [
        services.NewRequest(
            customer=customer, subject=f"Pies, order {number}", body=f"Order {number} never came.", team=team, **values
        )
        for number in range(count)
    ]


@pytest.mark.parametrize("count", [2, 6])
def test_several_tickets_open_together_in_a_query_each_for_tickets_messages_and_events(miggins, billing, count):
    with CaptureQueriesContext(connection) as queries:
        messages = services.open_tickets_with_messages(_requests(miggins, billing, count))
    watched = tuple(f'INSERT INTO "conversations_{table}"' for table in ("ticket", "message", "event"))
    assert [query["sql"].split(" (")[0] for query in queries if query["sql"].startswith(watched)] == list(watched)
    assert [message.body_text for message in messages] == [f"Order {number} never came." for number in range(count)]
    for number, message in enumerate(messages):
        ticket = Ticket.objects.get(pk=message.ticket_id)
        assert (ticket.subject, ticket.status, ticket.customer) == (f"Pies, order {number}", "new", miggins)
        assert list(ticket.messages.all()) == [message]
        assert list(ticket.events.values_list("kind", "data")) == [
            ("created", {"team": billing.pk, "channel": "web", "message": message.pk})
        ]


def test_tickets_opened_together_for_an_agent_are_assigned_and_the_agent_told(miggins, billing, alice):
    messages = services.open_tickets_with_messages(_requests(miggins, billing, 2, owner=alice), by=alice)
    for message in messages:
        ticket = Ticket.objects.get(pk=message.ticket_id)
        assert (ticket.owner, ticket.status) == (alice, "open")
        kinds = [("created", alice.pk), ("assigned", alice.pk)]
        assert list(ticket.events.values_list("kind", "actor")) == kinds
    assert len([sent for sent in mail.outbox if sent.to == [alice.email]]) == 2


@pytest.mark.parametrize("broken", [{"subject": "  "}, {"body": ""}, {"owner": "charlie"}])
def test_one_request_that_breaks_a_rule_opens_none_of_them(miggins, billing, charlie, broken):
    requests = _requests(miggins, billing, 3)
    values = {**broken, "owner": charlie} if "owner" in broken else broken
    requests[1] = dataclasses.replace(requests[1], **values)
    with pytest.raises(ValidationError):
        services.open_tickets_with_messages(requests)
    assert not Ticket.objects.exists() and not Message.objects.exists() and not Event.objects.exists()
