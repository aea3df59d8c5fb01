import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from caredesk.conversations import services
from caredesk.conversations.models import Attachment, Message


def test_visitor_is_asked_to_log_in(client, db):
    response = client.get("/portal/")
    assert (response.status_code, response.url) == (302, "/portal/login/?next=/portal/")


def test_staff_opening_the_portal_go_to_their_queue(client, alice):
    client.force_login(alice)
    response = client.get("/portal/")
    assert (response.status_code, response.url) == (302, "/tickets/")


def test_portal_lists_only_the_customers_own_tickets(client, ticket_factory, miggins, parker, billing):
    ticket_factory.create(customer=miggins, team=billing, subject="Where is my bread?")
    ticket_factory.create(customer=parker, team=billing, subject="Web shooter refund")
    client.force_login(miggins.user)
    html = client.get("/portal/").content.decode()
    assert "Where is my bread?" in html
    assert "Web shooter refund" not in html


def test_portal_row_shows_reference_subject_and_when_it_changed(client, ticket, miggins):
    client.force_login(miggins.user)
    html = client.get("/portal/").content.decode()
    assert f'<span class="reference-small text-body-secondary">#{ticket.pk}</span>' in html
    assert f'href="/portal/tickets/{ticket.pk}/">Charged twice for my groceries</a>' in html
    assert "Updated now" in html


@pytest.mark.parametrize(
    ("status", "words"),
    [
        ("open", "Being handled"),
        ("on_hold", "Being handled"),
        ("pending_customer", "Waiting for you"),
        ("solved", "Solved"),
        ("closed", "Closed"),
    ],
)
def test_statuses_are_told_in_the_customers_words(client, ticket, miggins, alice, status, words):
    services.change_status(ticket, status=status, by=alice)
    client.force_login(miggins.user)
    html = client.get("/portal/").content.decode()
    assert f'status-badge text-bg-' in html and f'">{words}</span>' in html


def test_a_new_ticket_is_being_handled(client, ticket_factory, miggins, billing):
    ticket_factory.create(customer=miggins, team=billing)
    client.force_login(miggins.user)
    assert 'text-bg-primary">Being handled</span>' in client.get("/portal/").content.decode()


def test_ticket_page_shows_the_customers_message_and_the_public_reply(client, answered, miggins):
    client.force_login(miggins.user)
    html = client.get(f"/portal/tickets/{answered.pk}/").content.decode()
    assert "I was charged twice for last week's order." in html
    assert "I have refunded the second charge; it shows within 3 days." in html


def test_notes_never_appear_in_the_portal(client, answered, miggins):
    client.force_login(miggins.user)
    for path in ("/portal/", f"/portal/tickets/{answered.pk}/"):
        assert "refund without fuss" not in client.get(path).content.decode()


def test_portal_never_shows_the_private_team_or_internal_events(client, answered, miggins):
    client.force_login(miggins.user)
    html = client.get(f"/portal/tickets/{answered.pk}/").content.decode()
    assert "Billing" not in html
    assert "Archer" not in html  # the agent is introduced by first name only
    assert "assigned" not in html.lower()


def test_another_customers_ticket_page_is_404(client, ticket, parker):
    client.force_login(parker.user)
    assert client.get(f"/portal/tickets/{ticket.pk}/").status_code == 404


def test_unknown_ticket_page_is_404(client, miggins):
    client.force_login(miggins.user)
    assert client.get("/portal/tickets/999999/").status_code == 404


def test_staff_opening_a_portal_ticket_go_to_their_queue(client, ticket, alice):
    client.force_login(alice)
    assert client.get(f"/portal/tickets/{ticket.pk}/").url == "/tickets/"


def test_customer_downloads_a_file_of_a_public_message(client, ticket, alice, miggins):
    receipt = SimpleUploadedFile("receipt.pdf", b"%PDF receipt")
    services.reply(ticket, by=alice, body="Here is your receipt.", files=[receipt])
    attachment = Attachment.objects.get()
    client.force_login(miggins.user)
    html = client.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert f'href="/portal/attachments/{attachment.pk}/"' in html
    response = client.get(f"/portal/attachments/{attachment.pk}/")
    assert (response.status_code, b"".join(response.streaming_content)) == (200, b"%PDF receipt")
    assert response["Content-Disposition"] == 'attachment; filename="receipt.pdf"'


def test_a_notes_file_is_404_for_the_customer(client, ticket, alice, miggins):
    services.add_note(ticket, by=alice, body="Bank statement", files=[SimpleUploadedFile("statement.pdf", b"secret")])
    client.force_login(miggins.user)
    html = client.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert "statement.pdf" not in html
    assert client.get(f"/portal/attachments/{Attachment.objects.get().pk}/").status_code == 404


def test_another_customers_file_is_404(client, ticket, alice, parker):
    services.reply(ticket, by=alice, body="Receipt", files=[SimpleUploadedFile("receipt.pdf", b"%PDF")])
    client.force_login(parker.user)
    assert client.get(f"/portal/attachments/{Attachment.objects.get().pk}/").status_code == 404


def test_portal_list_queries_do_not_grow_with_tickets(
    client, miggins, billing, ticket_factory, django_assert_num_queries
):
    client.force_login(miggins.user)
    for count in (3, 30):
        ticket_factory.create_batch(count, customer=miggins, team=billing)
        # session, user, the customer's name for the greeting, the page count, the page of tickets
        with django_assert_num_queries(5):
            client.get("/portal/")


def test_ticket_page_queries_do_not_grow_with_messages(client, ticket, alice, miggins, django_assert_num_queries):
    client.force_login(miggins.user)
    for count in (2, 20):
        for number in range(count):
            services.reply(ticket, by=alice, body=f"Update {number}")
        # session, user, the ticket with its customer, promises made to the customer, messages with
        # authors, their attachments
        with django_assert_num_queries(6):
            client.get(f"/portal/tickets/{ticket.pk}/")
    assert Message.objects.filter(ticket=ticket).count() == 23
