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


def test_emails_stored_together_take_two_queries_and_each_is_stored_once(db, django_assert_num_queries):
    earlier, _ = services.store(eml(message_id="<earlier@mail.example.com>"), source="imap")
    raws = [eml(message_id=f"<run-{n}@mail.example.com>") for n in range(20)]
    emails = [services.unsaved(raw, source="imap") for raw in raws]
    emails.insert(5, services.unsaved(eml(message_id="<earlier@mail.example.com>"), source="imap"))  # stored before
    emails.append(services.unsaved(raws[3], source="imap"))  # twice in the run
    # The copies stored before, by hash; one INSERT, in a savepoint (undone should another delivery race it).
    with django_assert_num_queries(4):
        kept = services.store_all(emails)
    assert [created for _, created in kept] == [True] * 5 + [False] + [True] * 15 + [False]
    assert (kept[5][0].pk, kept[-1][0].pk) == (earlier.pk, kept[3][0].pk)
    stored = {inbound.message_id: bytes(inbound.raw) for inbound in InboundEmail.objects.all()}
    assert len(stored) == 21 and all(stored[f"run-{n}@mail.example.com"] == raws[n] for n in range(20))


def test_a_copy_stored_by_another_delivery_between_the_read_and_the_insert_is_found_not_doubled(db, monkeypatch):
    raws = [eml(message_id=f"<race-{n}@mail.example.com>") for n in range(3)]
    emails = [services.unsaved(raw, source="imap") for raw in raws]
    read_stored = InboundEmail.objects.defer

    def read_then_another_delivery_stores_one(*args):
        monkeypatch.undo()  # once: the reads after the INSERT are left alone
        found = list(read_stored(*args).filter(sha256__in=[email.sha256 for email in emails]))
        services.store(raws[1], source="smtp")  # after store_all's read, before its INSERT
        return FoundBefore(found)

    monkeypatch.setattr(InboundEmail.objects, "defer", read_then_another_delivery_stores_one)
    kept = services.store_all(emails)
    assert [(inbound.message_id, created) for inbound, created in kept] == [
        ("race-0@mail.example.com", True), ("race-1@mail.example.com", False), ("race-2@mail.example.com", True),
    ]
    assert InboundEmail.objects.count() == 3
    assert InboundEmail.objects.get(message_id="race-1@mail.example.com").source == "smtp"


class FoundBefore(list):
    """What store_all's read found, whatever it filters by next."""

    def filter(self, **_):
        return self
