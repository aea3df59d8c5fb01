"""A batch (services.process_batch) opens its plain new requests together and processes the rest one by one;
whatever it does, the desk must end exactly as if each email had been processed alone (services.process).
Checked on the whole corpus, in batches of several sizes."""

import json
import re
from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings

from caredesk.conversations.models import Attachment, Event, Ticket
from caredesk.mail import services
from caredesk.mail.models import InboundEmail, OutboundEmail

CORPUS = Path(__file__).parent / "corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text())
ATTACHMENT_URL = re.compile(r"/attachments?/\d+")
TICKET_TOKEN = re.compile(r"\[#(\d+)\]")


def _desk() -> list[tuple]:
    """What processing made of each stored email (in the order stored), in terms that do not depend on ids:
    a ticket is named by the order in which the emails first reached it. (A batch numbers its tickets in
    another order: those it opens together come first.)"""
    names: dict[int, int] = {}
    rows = []
    emails = InboundEmail.objects.select_related("desk_message__customer").order_by("pk")
    for inbound in emails:
        ticket = names.setdefault(inbound.ticket_id, len(names)) if inbound.ticket_id else None
        message = inbound.desk_message
        made = message and (
            message.kind,
            message.body_text,
            ATTACHMENT_URL.sub("/attachment/N", message.body_html),
            message.quoted,
            message.customer.email,
            sorted(Attachment.objects.filter(message=message).values_list("filename", "size", "content_type")),
        )
        rows.append((inbound.sha256, inbound.status, inbound.error, inbound.started_ticket, inbound.attempts, ticket, made))
    for pk, name in sorted(names.items(), key=lambda item: item[1]):
        ticket = Ticket.objects.select_related("customer", "team").get(pk=pk)
        events = [(event.kind, sorted(event.data)) for event in Event.objects.filter(ticket=ticket)]
        answers = sorted(
            (kind, to, TICKET_TOKEN.sub(lambda token: f"[ticket {names.get(int(token[1]), token[1])}]", subject))
            for kind, to, subject in OutboundEmail.objects.filter(ticket=ticket).values_list("kind", "to", "subject")
        )
        rows.append((name, ticket.subject, ticket.status, ticket.customer.email, ticket.team.name, events, answers))
    return rows


def _processed(process) -> list[tuple]:
    """The desk after `process` ran on the stored corpus; then undone."""
    with transaction.atomic():
        process()
        desk = _desk()
        transaction.set_rollback(True)
    return desk


@pytest.mark.django_db
@pytest.mark.parametrize("size", [7, 50])
def test_the_corpus_processed_in_batches_ends_as_processed_one_email_at_a_time(billing, size):
    with override_settings(CAREDESK_MAX_ATTACHMENT_BYTES=MANIFEST["attachment_limit"]):
        for entry in MANIFEST["entries"]:
            services.store((CORPUS / entry["file"]).read_bytes(), source="smtp", team=billing)
        alone = _processed(lambda: [services.process(inbound) for inbound in InboundEmail.objects.order_by("pk")])

        def in_batches():
            done = services.process_batch(limit=size)
            while done:  # until a batch finds nothing left
                done = services.process_batch(limit=size)

        batched = _processed(in_batches)
    assert len(alone) > len(MANIFEST["entries"])  # the emails, then the tickets they made
    assert batched == alone


@pytest.mark.django_db
def test_replies_to_solved_pending_open_and_closed_tickets_end_as_one_by_one(billing, alice, monkeypatch):
    """Replies to tickets of several statuses, one of them twice: the first replies are added together
    (services._reply_together), the rest one by one after them; the desk ends the same either way."""
    from caredesk.conversations import services as conversations

    from .mails import eml

    statuses = {"solved": "solved", "pending": "pending_customer", "open": "open", "closed": "closed"}
    for name, status in statuses.items():
        first = eml(message_id=f"<{name}@mail.example.com>", subject=f"The {name} one", sender=f"{name}@example.com")
        ticket = services.receive(first, source="smtp", team=billing)[0].ticket
        if name == "open":
            conversations.assign(ticket, to=alice, by=alice)  # its owner is told of the reply
        Ticket.objects.filter(pk=ticket.pk).update(status=status)
    for number, name in enumerate(["solved", "pending", "open", "open", "closed", "pending"]):
        reply = eml(in_reply_to=f"<{name}@mail.example.com>", subject=f"Re: The {name} one",
                    sender=f"{name}@example.com", text=f"Reply {number} about the {name} one.")
        services.store(reply, source="smtp", team=billing)
    waiting = InboundEmail.objects.filter(status="stored").order_by("pk")
    alone = _processed(lambda: [services.process(inbound) for inbound in waiting])
    together = []
    customer_replies = conversations.customer_replies
    monkeypatch.setattr(conversations, "customer_replies", lambda replies: together.append(len(replies)) or customer_replies(replies))
    batched = _processed(lambda: services.process_batch(limit=10))
    assert together == [3]  # solved, pending, open; the second to the open one stops the run
    assert batched == alone
    reopened = [row for row in alone if row[0] == 0][0]
    assert reopened[2] == "open" and ("reopened", ["from", "message"]) in reopened[5]
