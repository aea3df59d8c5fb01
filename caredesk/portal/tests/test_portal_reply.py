from django.core.files.uploadedfile import SimpleUploadedFile

from caredesk.conversations import services
from caredesk.conversations.models import Event, Message, Ticket


def reply(client, ticket, body="Thank you, the refund arrived.", *, attachments=(), headers=None):
    data = {"message": body, "attachments": list(attachments)}
    return client.post(f"/portal/tickets/{ticket.pk}/reply/", data, headers=headers or {})


def test_reply_adds_a_customer_message_from_the_customer(client, ticket, miggins):
    client.force_login(miggins.user)
    response = reply(client, ticket)
    message = ticket.messages.last()
    assert (message.kind, message.customer, message.author, message.body_text) == (
        Message.Kind.CUSTOMER, miggins, None, "Thank you, the refund arrived.",
    )
    assert ticket.events.get(kind=Event.Kind.CUSTOMER_REPLIED).actor == miggins.user
    assert response.url == f"/portal/tickets/{ticket.pk}/"


def test_reply_to_a_solved_ticket_reopens_it(client, ticket, alice, miggins):
    services.change_status(ticket, status=Ticket.Status.SOLVED, by=alice)
    client.force_login(miggins.user)
    reply(client, ticket, "Sorry, it was charged a third time.")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.events.filter(kind=Event.Kind.REOPENED).count()) == ("open", 1)


def test_reply_to_a_closed_ticket_starts_a_follow_up_and_goes_there(client, ticket, alice, miggins):
    services.change_status(ticket, status=Ticket.Status.CLOSED, by=alice)
    client.force_login(miggins.user)
    response = reply(client, ticket, "It happened again.")
    follow_up = Ticket.objects.exclude(pk=ticket.pk).get()
    assert (follow_up.customer, follow_up.messages.get().body_text) == (miggins, "It happened again.")
    assert response.url == f"/portal/tickets/{follow_up.pk}/"
    assert f"Your message was added to request #{follow_up.pk}." in client.get(response.url).content.decode()


def test_htmx_reply_answers_with_the_updated_conversation(client, ticket, miggins):
    client.force_login(miggins.user)
    response = reply(client, ticket, "Answered through htmx.", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert (response.status_code, html.startswith('<section id="conversation"')) == (200, True)
    assert "Answered through htmx." in html
    empty_box = '<textarea name="message" cols="40" rows="5" maxlength="20000" class="form-control" id="id_message">\n</textarea>'
    assert empty_box in html


def test_empty_reply_is_refused_inline_and_saves_nothing(client, ticket, miggins):
    client.force_login(miggins.user)
    response = reply(client, ticket, "   ")
    assert response.context["form"].errors == {"message": ["Write a message before sending."]}
    assert ticket.messages.count() == 1


def test_reply_with_a_program_is_refused_with_the_reason_and_saves_nothing(client, ticket, miggins):
    client.force_login(miggins.user)
    response = reply(client, ticket, "See attached", attachments=[SimpleUploadedFile("fix.bat", b"@echo off")])
    assert response.context["form"].errors["attachments"] == [
        "fix.bat was not accepted: files of this type can run programs. Send it as a ZIP or PDF."
    ]
    assert ticket.messages.count() == 1


def test_reply_may_carry_only_a_file(client, ticket, miggins):
    client.force_login(miggins.user)
    reply(client, ticket, "", attachments=[SimpleUploadedFile("photo.jpg", b"jpeg")])
    assert list(ticket.messages.last().attachments.values_list("filename", flat=True)) == ["photo.jpg"]


def test_another_customer_replying_gets_404_and_changes_nothing(client, ticket, parker):
    client.force_login(parker.user)
    assert reply(client, ticket, "Let me in").status_code == 404
    assert ticket.messages.count() == 1


def test_reply_page_needs_post(client, ticket, miggins):
    client.force_login(miggins.user)
    assert client.get(f"/portal/tickets/{ticket.pk}/reply/").status_code == 405
