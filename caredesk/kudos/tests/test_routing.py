"""Routing a customer's praise to the people it names, or else to who replied; events, emails, idempotence.

Tests run tasks inline (settings_test: the immediate backend); the queueing tests switch to the database
backend, as production runs, to see the task row written with the message."""

import pytest
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from caredesk.accounts.models import Membership, User
from caredesk.conversations import hooks
from caredesk.conversations import services as desk
from caredesk.conversations.models import Event, Message
from caredesk.kudos import services, tasks
from caredesk.kudos.models import Kudos
from caredesk.mail.models import OutboundEmail

pytestmark = pytest.mark.django_db


def _route(message):
    tasks.route_compliment.call(message_id=message.pk)


DATABASE_TASKS = override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}})


def _queued_messages() -> list[int]:
    rows = DBTaskResult.objects.filter(task_path="caredesk.kudos.tasks.route_compliment")
    return [row.args_kwargs["kwargs"]["message_id"] for row in rows]


def test_a_customer_reply_queues_its_routing_for_after_commit(ticket, miggins):
    with DATABASE_TASKS:
        message = desk.customer_reply(ticket, customer=miggins, body="Alice was brilliant, thank you!")
    assert _queued_messages() == [message.pk]
    assert not Kudos.objects.exists()  # nothing until a worker runs the task


def test_a_new_ticket_queues_its_first_message(ticket_factory, miggins, billing):
    with DATABASE_TASKS:
        ticket = ticket_factory.create(customer=miggins, team=billing, body="Bob was so helpful last week.")
    assert _queued_messages() == [ticket.messages.get().pk]


def test_the_hook_classifies_the_message_that_comes_with_the_event_without_reading_it(
    ticket, miggins, django_assert_num_queries
):
    with DATABASE_TASKS:
        message = desk.customer_reply(ticket, customer=miggins, body="Where is my parcel?")
    event = ticket.events.get(kind=Event.Kind.CUSTOMER_REPLIED)
    event.message = Message(pk=message.pk, kind=Message.Kind.CUSTOMER, body_text="Alice was brilliant, thank you!")
    with DATABASE_TASKS, django_assert_num_queries(1):  # the task row
        services.on_event(event)
    assert _queued_messages() == [message.pk]


def test_the_hook_reads_the_message_of_an_event_that_came_without_it(ticket, miggins):
    with DATABASE_TASKS:
        message = desk.customer_reply(ticket, customer=miggins, body="Alice was brilliant, thank you!")
    DBTaskResult.objects.all().delete()
    event = ticket.events.get(kind=Event.Kind.CUSTOMER_REPLIED)
    assert event.message is None
    with DATABASE_TASKS:
        services.on_event(event)
    assert _queued_messages() == [message.pk]


def test_replayed_history_queues_nothing(ticket, miggins):
    with DATABASE_TASKS, hooks.history():
        desk.customer_reply(ticket, customer=miggins, body="Alice was brilliant, thank you!")
    assert _queued_messages() == []


def test_praise_goes_to_the_named_agent(ticket, alice, bob, miggins):
    desk.reply(ticket, by=alice, body="Refunded today.")
    message = desk.customer_reply(ticket, customer=miggins, body="Bob was so patient on the phone, thank you Bob!")
    _route(message)
    kudos = Kudos.objects.get()
    assert (kudos.person, kudos.match, kudos.ticket, kudos.message, kudos.team) == (
        bob, Kudos.Match.NAMED, ticket, message, ticket.team
    )
    assert kudos.text == "Bob was so patient on the phone, thank you Bob!"
    event = ticket.events.get(kind=Event.Kind.COMPLIMENT_RECEIVED)
    assert event.data == {"kudos": kudos.pk, "person": bob.pk, "message": message.pk, "match": "named"}


def test_a_full_name_picks_one_person(ticket, alice, bob, billing, miggins):
    User.objects.create_user("bob2@example.com", "x", first_name="Bob", last_name="Brown", role=User.Role.AGENT)
    Membership.objects.create(user=User.objects.get(email="bob2@example.com"), team=billing)
    _route(desk.customer_reply(ticket, customer=miggins, body="Huge thanks to Bob Brown, brilliant help."))
    assert [k.person.email for k in Kudos.objects.all()] == ["bob2@example.com"]


def test_a_shared_first_name_goes_to_the_one_who_worked_the_ticket(ticket, alice, bob, billing, miggins):
    other = User.objects.create_user("bob2@example.com", "x", first_name="Bob", last_name="Brown", role=User.Role.AGENT)
    Membership.objects.create(user=other, team=billing)
    desk.reply(ticket, by=bob, body="I've refunded the duplicate charge.")
    _route(desk.customer_reply(ticket, customer=miggins, body="Bob was brilliant, thank you."))
    assert [k.person for k in Kudos.objects.all()] == [bob]


def test_an_ambiguous_name_nobody_resolves_falls_back_to_the_repliers(ticket, alice, bob, billing, miggins):
    other = User.objects.create_user("bob2@example.com", "x", first_name="Bob", last_name="Brown", role=User.Role.AGENT)
    Membership.objects.create(user=other, team=billing)
    desk.reply(ticket, by=alice, body="All sorted.")
    _route(desk.customer_reply(ticket, customer=miggins, body="Bob was brilliant, thank you."))
    assert [(k.person, k.match) for k in Kudos.objects.all()] == [(alice, Kudos.Match.WORKED)]


def test_praise_naming_nobody_goes_to_the_agents_who_replied(ticket, alice, bob, lena, miggins):
    desk.reply(ticket, by=alice, body="Looking into it.")
    desk.reply(ticket, by=bob, body="Refunded today.")
    _route(desk.customer_reply(ticket, customer=miggins, body="Thank you so much, that's perfect!"))
    assert [(k.person, k.match) for k in Kudos.objects.order_by("person__first_name")] == [
        (alice, Kudos.Match.WORKED), (bob, Kudos.Match.WORKED)
    ]


def test_a_name_from_another_team_is_not_matched(ticket, alice, charlie, miggins):
    desk.reply(ticket, by=alice, body="Done.")
    _route(desk.customer_reply(ticket, customer=miggins, body="Charlie was brilliant, thank you!"))
    assert [k.person for k in Kudos.objects.all()] == [alice]


def test_mixed_messages_keep_only_the_praise_on_the_wall(ticket, alice, miggins):
    _route(desk.customer_reply(ticket, customer=miggins, body="Alice was lovely. But the refund is still missing!"))
    assert Kudos.objects.get().text == "Alice was lovely."


def test_complaints_and_questions_make_no_kudos(ticket, alice, miggins):
    desk.reply(ticket, by=alice, body="Done.")
    _route(desk.customer_reply(ticket, customer=miggins, body="Still charged twice. Thanks a lot."))
    _route(desk.customer_reply(ticket, customer=miggins, body="When will the refund arrive? Thanks"))
    assert not Kudos.objects.exists()
    assert not ticket.events.filter(kind=Event.Kind.COMPLIMENT_RECEIVED).exists()


def test_the_person_and_their_team_lead_are_emailed_once(ticket, alice, bob, lena, miggins):
    _route(desk.customer_reply(ticket, customer=miggins, body="Bob was a star, thank you."))
    kudos = Kudos.objects.get()
    tasks.tell_praised.call(kudos_id=kudos.pk)
    tasks.tell_praised.call(kudos_id=kudos.pk)  # a retried task
    emails = OutboundEmail.objects.filter(kind=OutboundEmail.Kind.NOTIFICATION, subject__startswith="A compliment")
    assert sorted(emails.values_list("to", flat=True)) == ["bob@example.com", "lena@example.com"]
    email = emails.get(to="lena@example.com")
    assert email.subject == f"A compliment for Bob Baker [#{ticket.pk}]"
    assert "Bob was a star, thank you." in email.body_text
    assert "/kudos/" in email.body_text


def test_routing_twice_adds_nothing(ticket, alice, bob, lena, miggins):
    message = desk.customer_reply(ticket, customer=miggins, body="Bob was a star, thank you.")
    _route(message)
    _route(message)
    assert Kudos.objects.count() == 1
    assert ticket.events.filter(kind=Event.Kind.COMPLIMENT_RECEIVED).count() == 1
    assert OutboundEmail.objects.filter(subject__startswith="A compliment").count() == 2  # bob and lena, once


def test_backfill_records_past_praise_and_tells_nobody(ticket, alice, miggins):
    desk.reply(ticket, by=alice, body="Done.")
    with hooks.history():
        desk.customer_reply(ticket, customer=miggins, body="Alice was brilliant, thank you.")
    assert services.backfill() == 1
    assert services.backfill() == 0
    assert not OutboundEmail.objects.filter(subject__startswith="A compliment").exists()
    event = ticket.events.get(kind=Event.Kind.COMPLIMENT_RECEIVED)
    assert event.at == Kudos.objects.get().message.created_at  # dated when the praise arrived


def test_an_email_switched_off_is_not_sent(ticket, alice, miggins):
    from caredesk.notifications.models import EmailTemplate

    EmailTemplate.objects.create(kind="compliment", subject="x", body="y", enabled=False)
    _route(desk.customer_reply(ticket, customer=miggins, body="Alice was brilliant, thank you."))
    tasks.tell_praised.call(kudos_id=Kudos.objects.get().pk)
    assert not OutboundEmail.objects.filter(subject__startswith="A compliment").exists()
