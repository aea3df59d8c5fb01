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
