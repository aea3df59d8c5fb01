"""caredesk smtpd stores the messages delivered at the same moment together (a group commit), over real
sockets: each is still answered 250 only once stored, and one that cannot be stored is answered 451 alone."""

import smtplib
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import OperationalError, connection

from caredesk.conversations.models import Ticket
from caredesk.mail import services, smtpd
from caredesk.mail.models import InboundEmail

from .mails import eml
from .test_smtpd import DeskController, crlf, free_port, send

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def held(billing, monkeypatch):
    """A receiver whose first group is held until the test lets it go: (port, handler, groups, first_in,
    release). `groups` records the size of each group stored."""
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    store_group, groups = smtpd.store_group, []
    first_in, release = threading.Event(), threading.Event()

    def recording(deliveries, **options):
        groups.append(len(deliveries))
        if len(groups) == 1:
            first_in.set()
            release.wait(10)
        return store_group(deliveries, **options)

    monkeypatch.setattr(smtpd, "store_group", recording)
    handler = smtpd.Receiver(default_team=billing)
    controller = DeskController(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, handler, groups, first_in, release
    release.set()
    controller.stop()


def deliver_while_the_first_is_held(held, subjects: list[str]) -> list:
    """Send "First", and while it is being stored, the other subjects over their own connections; let the
    first go once all of them wait. Returns what the client got for each of the others."""
    port, handler, _, first_in, release = held
    with ThreadPoolExecutor(len(subjects) + 1) as pool:
        first = pool.submit(send, port, crlf(eml(subject="First")))
        assert first_in.wait(10)
        others = [
            pool.submit(send, port, crlf(eml(subject=subject, sender=f"c{number} <c{number}@example.com>")))
            for number, subject in enumerate(subjects)
        ]
        wait_until_waiting(handler, len(subjects))
        release.set()
        assert first.result(10) == {}
        return [error_or_result(future) for future in others]


def wait_until_waiting(handler, count: int) -> None:
    """Until `count` messages wait in the receiver for the next group (up to 10 s)."""
    for _ in range(1000):
        if len(handler._waiting) == count:
            return
        threading.Event().wait(0.01)
    assert len(handler._waiting) == count


def error_or_result(future):
    try:
        return future.result(10)
    except smtplib.SMTPDataError as error:
        return error.smtp_code


def test_messages_delivered_while_a_group_is_stored_are_stored_together_and_each_answered_250(held):
    answers = deliver_while_the_first_is_held(held, [f"Order {number}" for number in range(5)])

    assert answers == [{}] * 5
    assert held[2] == [1, 5]  # the first alone, the five that came meanwhile in one transaction
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["First", *(f"Order {n}" for n in range(5))]
    assert set(InboundEmail.objects.values_list("status", flat=True)) == {"processed"}


def test_a_message_that_cannot_be_stored_is_answered_451_alone_and_the_rest_of_its_group_are_stored(
    held, monkeypatch
):
    def group_fails(emails):
        raise OperationalError("the group's transaction failed")

    store = smtpd.store

    def poison_fails(raw, **options):
        if b"Poison" in raw:
            raise OperationalError("this message cannot be stored")
        return store(raw, **options)

    monkeypatch.setattr(services, "store_all", group_fails)
    monkeypatch.setattr(smtpd, "store", poison_fails)
    answers = deliver_while_the_first_is_held(held, ["Kettle", "Poison", "Toaster"])

    assert answers == [{}, 451, {}]
    assert held[2] == [1, 3]
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["First", "Kettle", "Toaster"]


def test_the_same_message_delivered_twice_in_one_group_is_stored_once_and_answered_250_both_times(held):
    port, handler, groups, first_in, release = held
    raw = crlf(eml(subject="Sent twice by a retrying server"))
    with ThreadPoolExecutor(3) as pool:
        first = pool.submit(send, port, crlf(eml(subject="First")))
        assert first_in.wait(10)
        twice = [pool.submit(send, port, raw) for _ in range(2)]
        wait_until_waiting(handler, 2)
        release.set()
        assert [future.result(10) for future in [first, *twice]] == [{}, {}, {}]
    assert groups == [1, 2]
    assert InboundEmail.objects.filter(raw=raw).count() == 1
    assert Ticket.objects.filter(subject="Sent twice by a retrying server").count() == 1
