"""caredesk smtpd over real sockets: a message is answered 250 only once stored, refused at SMTP time when
too big or not for the desk, and answered 451 (kept by the sender) when the database fails."""

import smtplib
import socket

import pytest
from aiosmtpd.controller import Controller
from django.db import OperationalError, connection

from caredesk.conversations.models import Ticket
from caredesk.mail import services, smtpd
from caredesk.mail.models import InboundEmail

from .mails import SUPPORT, eml

# The handler writes from the server's threads, so the data must be committed for it to see.
pytestmark = pytest.mark.django_db(transaction=True)

SENDER = "miggins@example.com"
DELIVERIES = "deliveries@caredesk.example"


class DeskController(Controller):
    """aiosmtpd's test controller around the same protocol object `caredesk smtpd` serves."""

    def factory(self):
        return smtpd.protocol(self.handler, hostname="caredesk.test")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def receiver(billing, monkeypatch):
    """receiver(lmtp=False) starts a receiver for Billing on a free port and returns the port."""
    # The server's threads close their connections after each message, as with CONN_MAX_AGE=0: a kept one
    # would stop PostgreSQL from dropping the test database at the end.
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    controllers = []

    def start(*, lmtp: bool = False) -> int:
        controller = DeskController(
            smtpd.Receiver(default_team=billing, lmtp=lmtp), hostname="127.0.0.1", port=free_port()
        )
        controller.start()
        controllers.append(controller)
        return controller.port

    yield start
    for controller in controllers:
        controller.stop()


def crlf(raw: bytes) -> bytes:
    """The bytes as they travel over SMTP, and so as they are stored."""
    return raw.replace(b"\n", b"\r\n")


def send(port: int, raw: bytes, *, to: tuple[str, ...] = (SUPPORT,)) -> dict:
    with smtplib.SMTP("127.0.0.1", port) as client:
        return client.sendmail(SENDER, list(to), raw)


def test_a_message_sent_over_smtp_is_stored_and_becomes_a_ticket(receiver, billing):
    raw = crlf(eml(subject="Pies by SMTP"))
    assert send(receiver(), raw) == {}
    inbound = InboundEmail.objects.get()
    assert (bytes(inbound.raw), inbound.source, inbound.team, inbound.status) == (raw, "smtp", billing, "processed")
    assert (inbound.ticket.subject, inbound.ticket.team, inbound.ticket.channel) == ("Pies by SMTP", billing, "email")


def test_the_same_message_delivered_twice_is_stored_once(receiver):
    port, raw = receiver(), crlf(eml())
    assert (send(port, raw), send(port, raw)) == ({}, {})
    assert (InboundEmail.objects.count(), Ticket.objects.count()) == (1, 1)


def test_lmtp_answers_the_data_once_for_each_recipient(receiver, settings):
    settings.CAREDESK_EMAIL_ADDRESSES = {SUPPORT: "Billing", DELIVERIES: "Billing"}
    with smtplib.LMTP("127.0.0.1", receiver(lmtp=True)) as client:
        client.ehlo()  # LHLO, as smtplib's LMTP sends it
        client.mail(SENDER)
        client.rcpt(SUPPORT)
        client.rcpt(DELIVERIES)
        answers = [client.data(crlf(eml())), client.getreply()]
        # The connection is still in step: the next command gets its own answer.
        assert client.noop() == (250, b"OK")
    assert answers == [(250, b"2.0.0 Stored for the desk")] * 2
    assert InboundEmail.objects.count() == 1


def test_lmtp_refuses_helo_as_the_protocol_says(receiver):
    with smtplib.SMTP("127.0.0.1", receiver(lmtp=True)) as client:
        assert client.helo()[0] == 500


def test_a_message_over_the_size_limit_is_refused_with_552_and_not_stored(receiver, settings):
    settings.CAREDESK_EMAIL_MAX_MESSAGE_BYTES = 1000
    with smtplib.SMTP("127.0.0.1", receiver()) as client:
        client.ehlo()
        client.mail(SENDER)  # no SIZE= given, as a client that does not say may do: refused after the data
        client.rcpt(SUPPORT)
        answer = client.data(crlf(eml(text="Twelve pies. " * 200)))
    assert (answer, InboundEmail.objects.count()) == ((552, b"Error: Too much mail data"), 0)


def test_lmtp_refuses_an_oversized_message_once_for_each_recipient(receiver, settings):
    settings.CAREDESK_EMAIL_MAX_MESSAGE_BYTES = 1000
    with smtplib.LMTP("127.0.0.1", receiver(lmtp=True)) as client:
        client.ehlo()
        client.mail(SENDER)
        client.rcpt(SUPPORT)
        client.rcpt(DELIVERIES)
        answers = [client.data(crlf(eml(text="Twelve pies. " * 200))), client.getreply()]
        assert client.noop() == (250, b"OK")
    assert (answers, InboundEmail.objects.count()) == ([(552, b"Error: Too much mail data")] * 2, 0)


def test_a_size_announced_over_the_limit_is_refused_before_the_data(receiver, settings):
    settings.CAREDESK_EMAIL_MAX_MESSAGE_BYTES = 1000
    with pytest.raises(smtplib.SMTPSenderRefused) as refused:
        send(receiver(), crlf(eml(text="Twelve pies. " * 200)))  # smtplib announces SIZE= in MAIL FROM
    assert (refused.value.smtp_code, InboundEmail.objects.count()) == (552, 0)


def test_mail_for_an_address_not_the_desks_is_refused_with_550_when_addresses_are_set(receiver, settings):
    settings.CAREDESK_EMAIL_ADDRESSES = {SUPPORT: "Billing"}
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        send(receiver(), crlf(eml()), to=("someone@elsewhere.example",))
    assert refused.value.recipients == {"someone@elsewhere.example": (550, b"5.1.1 No such address at this desk")}
    assert InboundEmail.objects.count() == 0


def test_without_addresses_set_mail_for_any_address_is_taken(receiver):
    assert send(receiver(), crlf(eml()), to=("anything@anywhere.example",)) == {}
    assert InboundEmail.objects.count() == 1


def test_the_team_comes_from_the_first_recipient_that_is_a_desk_address(receiver, settings, deliveries):
    settings.CAREDESK_EMAIL_ADDRESSES = {SUPPORT: "Billing", DELIVERIES: "Deliveries"}
    refused = send(receiver(), crlf(eml()), to=("stranger@elsewhere.example", DELIVERIES, SUPPORT))
    inbound = InboundEmail.objects.get()
    assert (refused["stranger@elsewhere.example"][0], inbound.team, inbound.ticket.team) == (550, deliveries, deliveries)


def test_a_database_failure_answers_451_and_stores_nothing_so_the_sender_retries(receiver, monkeypatch):
    port, raw = receiver(), crlf(eml(subject="Sent while the database was down"))

    def database_down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(services, "store", database_down)
    with pytest.raises(smtplib.SMTPDataError) as refused:
        send(port, raw)
    assert (refused.value.smtp_code, InboundEmail.objects.count()) == (451, 0)

    monkeypatch.undo()  # the database is back and the sender's queue delivers again
    assert send(port, raw) == {}
    assert InboundEmail.objects.get().ticket.subject == "Sent while the database was down"
