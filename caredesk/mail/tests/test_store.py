"""services.store: the raw bytes are kept first, once per message."""

import hashlib

from caredesk.mail import services
from caredesk.mail.models import InboundEmail

from .mails import eml


def test_store_keeps_the_bytes_exactly_with_their_hash_and_normalised_message_id(db):
    raw = eml(message_id="<Order-42.Pies@Mail.Example.COM>")
    inbound, created = services.store(raw, source=InboundEmail.Source.INGEST)
    inbound.refresh_from_db()
    assert (created, bytes(inbound.raw), inbound.sha256, inbound.message_id) == (
        True, raw, hashlib.sha256(raw).hexdigest(), "order-42.pies@mail.example.com",
    )
    assert (inbound.status, inbound.source, inbound.attempts, inbound.ticket) == ("stored", "ingest", 0, None)


def test_the_same_email_arriving_twice_is_stored_once(db):
    raw = eml(message_id="<twice@mail.example.com>")
    first, first_created = services.store(raw, source=InboundEmail.Source.INGEST)
    again, again_created = services.store(raw, source=InboundEmail.Source.IMAP)
    assert (first_created, again_created, again.pk) == (True, False, first.pk)
    assert InboundEmail.objects.count() == 1


def test_the_same_message_id_with_other_bytes_is_stored_as_its_own_copy(db):
    services.store(eml(message_id="<copy@mail.example.com>", text="First copy."), source="ingest")
    _, created = services.store(eml(message_id="<copy@mail.example.com>", text="Relayed copy."), source="smtp")
    assert (created, InboundEmail.objects.filter(message_id="copy@mail.example.com").count()) == (True, 2)


def test_identical_bytes_without_a_message_id_are_stored_once(db):
    raw = b"From: miggins@example.com\r\nSubject: No id\r\n\r\nA client that sets no Message-ID.\r\n"
    first, _ = services.store(raw, source="ingest")
    again, created = services.store(raw, source="ingest")
    assert (first.message_id, created, again.pk) == ("", False, first.pk)


def test_bytes_that_are_no_email_at_all_are_still_stored(db):
    raw = b"\xff\xfe\x00 this is not an email \x00\x81"
    inbound, created = services.store(raw, source="smtp")
    inbound.refresh_from_db()
    assert (created, bytes(inbound.raw), inbound.message_id) == (True, raw, "")
