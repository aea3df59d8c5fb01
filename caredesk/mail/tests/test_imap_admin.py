"""The mailbox admin page: admins only, a write-only password, and the check and poll actions against a
real dovecot (imap_server.py)."""

import pytest
from django.urls import reverse

from caredesk.conversations.models import Ticket
from caredesk.mail.models import Mailbox

from .imap_server import PASSWORD, USER, dovecot  # noqa: F401 - dovecot is a fixture
from .mails import eml

CHANGELIST = reverse("admin:mail_mailbox_changelist")
ADD = reverse("admin:mail_mailbox_add")


@pytest.fixture
def folder(dovecot) -> str:  # noqa: F811
    dovecot.create_folder("AdminTests")
    yield "AdminTests"
    dovecot.delete_folder("AdminTests")


@pytest.fixture
def mailbox(dovecot, folder, billing, settings) -> Mailbox:  # noqa: F811
    settings.CAREDESK_IMAP_CA_FILE = dovecot.ca_file
    return Mailbox.objects.create(
        name="Billing inbox", address="billing@caredesk.example", team=billing, host=dovecot.host,
        port=dovecot.ssl_port, username=USER, password=PASSWORD, folder=folder,
    )


def form(mailbox: Mailbox, **changes) -> dict:
    data = {
        "name": mailbox.name, "address": mailbox.address, "team": mailbox.team_id, "host": mailbox.host,
        "port": mailbox.port, "security": mailbox.security, "username": mailbox.username, "password": "",
        "folder": mailbox.folder, "enabled": "on", "batch_size": 50, "poll_every_seconds": 60,
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_agents_cannot_reach_the_mailbox_pages(client, alice, mailbox):
    client.force_login(alice)
    for url in (CHANGELIST, ADD, reverse("admin:mail_mailbox_change", args=[mailbox.pk])):
        response = client.get(url)
        assert (response.status_code, response.url.split("?")[0]) == (302, reverse("admin:login"))


def test_the_admin_lists_mailboxes_without_their_passwords(client, ada, mailbox):
    mailbox.last_error = "imap.example.com refused the log-in"
    mailbox.save()
    client.force_login(ada)
    listing = client.get(CHANGELIST).content.decode()
    assert "Billing inbox" in listing and "billing@caredesk.example" in listing and "refused the log-in" in listing
    page = client.get(reverse("admin:mail_mailbox_change", args=[mailbox.pk])).content.decode()
    assert 'name="password"' in page and PASSWORD not in listing + page


def test_saving_with_the_password_left_empty_keeps_it(client, ada, mailbox):
    client.force_login(ada)
    url = reverse("admin:mail_mailbox_change", args=[mailbox.pk])
    response = client.post(url, form(mailbox, folder="Archive", password=""))
    assert response.status_code == 302
    mailbox.refresh_from_db()
    assert (mailbox.folder, mailbox.password) == ("Archive", PASSWORD)
    client.post(url, form(mailbox, password="a-new-app-password"))
    mailbox.refresh_from_db()
    assert mailbox.password == "a-new-app-password"


def test_a_new_mailbox_needs_a_password(client, ada, billing):
    client.force_login(ada)
    data = form(Mailbox(name="New", address="new@caredesk.example", team=billing, host="imap.example.com",
                        username="new@caredesk.example"))
    response = client.post(ADD, data)
    assert "Give the mailbox&#x27;s password" in response.content.decode()
    assert client.post(ADD, {**data, "password": "app-password"}).status_code == 302
    assert Mailbox.objects.get(name="New").import_old_mail is False


def test_no_security_is_refused_for_a_server_on_another_machine(client, ada, billing):
    client.force_login(ada)
    data = form(Mailbox(name="Plain", address="plain@caredesk.example", team=billing, host="imap.example.com",
                        port=143, security="none", username="plain"), password="secret")
    response = client.post(ADD, data)
    assert response.status_code == 200
    assert "no security is allowed only for a server on this machine" in response.content.decode()
    assert not Mailbox.objects.exists()


def test_check_connection_reports_the_message_count_or_the_error(client, ada, mailbox, dovecot, folder):  # noqa: F811
    dovecot.append(folder, eml(subject="One"), eml(subject="Two"))
    broken = Mailbox.objects.create(
        name="Broken", address="x@caredesk.example", team=mailbox.team, host=dovecot.host,
        port=dovecot.ssl_port, username=USER, password="wrong", folder=folder,
    )
    client.force_login(ada)
    response = client.post(
        CHANGELIST, {"action": "check_connection", "_selected_action": [mailbox.pk, broken.pk]}, follow=True
    )
    shown = [str(message) for message in response.context["messages"]]
    assert shown == [
        f"Billing inbox: connected; 2 messages in {folder}.",
        f"Broken: 127.0.0.1:{dovecot.ssl_port} refused the log-in for {USER}: [AUTHENTICATIONFAILED] Authentication failed.",
    ]
    assert Ticket.objects.count() == 0  # checking takes no mail


def test_poll_now_polls_the_mailbox(client, ada, mailbox, dovecot, folder):  # noqa: F811
    mailbox.import_old_mail = True
    mailbox.save()
    dovecot.append(folder, eml(subject="Waiting in the mailbox"))
    client.force_login(ada)
    response = client.post(CHANGELIST, {"action": "poll_now", "_selected_action": [mailbox.pk]}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["A poll of 1 mailbox is queued."]
    # The tests run tasks inline: the poll has happened.
    assert list(Ticket.objects.values_list("subject", flat=True)) == ["Waiting in the mailbox"]
