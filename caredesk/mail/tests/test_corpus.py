"""The corpus (tests/corpus/, written by make_corpus.py plus hand-written broken files) ingested in order:
every email ends as its manifest says, is stored exactly once, and none is lost."""

import hashlib
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from caredesk.accounts.models import Team
from caredesk.mail import parsing
from caredesk.mail.models import InboundEmail

CORPUS = Path(__file__).parent / "corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text())
STATUS = {"new_ticket": "processed", "reply": "processed", "auto_reply": "auto_reply", "bounce": "bounce",
          "failed": "failed"}


@pytest.fixture(scope="module")
def ingested(django_db_setup, django_db_blocker) -> dict[str, InboundEmail]:
    """The corpus ingested by `caredesk ingest`, each stored email by file name. Ingesting takes seconds,
    so the module does it once, inside a transaction rolled back when the module is done (as test_demo.py
    loads the demo); the tests only read it, each in its own nested transaction."""
    with django_db_blocker.unblock(), transaction.atomic():
        Team.objects.create(name="Billing", is_private=True)
        with override_settings(CAREDESK_MAX_ATTACHMENT_BYTES=MANIFEST["attachment_limit"]):
            call_command("ingest", str(CORPUS), stdout=StringIO(), stderr=StringIO())
        stored = {email.sha256: email for email in InboundEmail.objects.select_related("desk_message", "ticket")}
        yield {
            entry["file"]: stored.get(hashlib.sha256((CORPUS / entry["file"]).read_bytes()).hexdigest())
            for entry in MANIFEST["entries"]
        }
        transaction.set_rollback(True)


def test_the_corpus_has_at_least_150_emails_and_the_manifest_names_each_once():
    files = sorted(path.name for path in CORPUS.glob("*.eml"))
    assert len(files) >= 150
    assert sorted(entry["file"] for entry in MANIFEST["entries"]) == files


@pytest.mark.django_db
def test_every_corpus_email_is_stored_once_and_none_is_lost(ingested):
    assert InboundEmail.objects.count() == len(MANIFEST["entries"])
    for name, email in ingested.items():
        assert email is not None, name
        made_a_message = email.status == "processed" and email.desk_message_id is not None
        recorded = email.status in ("auto_reply", "bounce") and email.desk_message_id is None
        failed_with_reason = email.status == "failed" and email.error != ""
        assert made_a_message or recorded or failed_with_reason, (name, email.status, email.error)


@pytest.mark.django_db
def test_every_corpus_email_ends_as_its_manifest_says(ingested):
    problems = [problem for entry in MANIFEST["entries"] for problem in _check(entry, ingested)]
    assert problems == []


def _check(entry: dict, ingested: dict[str, InboundEmail]) -> list[str]:
    name, email = entry["file"], ingested[entry["file"]]
    problems = []

    def expect(what: str, actual, wanted) -> None:
        if actual != wanted:
            problems.append(f"{name}: {what} is {actual!r}, expected {wanted!r}")

    expect("status", email.status, STATUS[entry["expect"]])
    if entry["expect"] in ("new_ticket", "reply"):
        expect("started_ticket", email.started_ticket, entry["expect"] == "new_ticket")
    if "reply_to" in entry:
        expect("ticket", email.ticket_id, ingested[entry["reply_to"]].ticket_id)
    if "ticket_of" in entry:
        expect("linked ticket", email.ticket_id, ingested[entry["ticket_of"]].ticket_id)
    message = email.desk_message
    if "sender" in entry:
        expect("sender", message.customer.email if message else None, entry["sender"])
    if "subject" in entry:
        expect("subject", email.ticket.subject if email.ticket else None, entry["subject"])
    body, quoted = (message.body_text, message.quoted) if message else ("", "")
    for wanted in entry.get("text", []):
        if wanted not in body:
            problems.append(f"{name}: text {body!r} lacks {wanted!r}")
    for unwanted in entry.get("text_excludes", []):
        if unwanted in body:
            problems.append(f"{name}: text {body!r} still has {unwanted!r}")
    for wanted in entry.get("quoted", []):
        if wanted not in quoted:
            problems.append(f"{name}: quoted {quoted!r} lacks {wanted!r}")
    if entry.get("quoted_empty"):
        expect("quoted", quoted, "")
    if "attachments" in entry:
        names = sorted(message.attachments.values_list("filename", flat=True)) if message else []
        expect("attachments", names, sorted(entry["attachments"]))
    if "inline_pictures" in entry:
        urls = [attachment.get_absolute_url() for attachment in message.attachments.all()]
        expect("inline pictures shown", sum(f'src="{url}"' in message.body_html for url in urls),
               entry["inline_pictures"])
        expect("cid: left", "cid:" in message.body_html, False)
    for wanted in entry.get("error", []):
        if wanted not in email.error:
            problems.append(f"{name}: error {email.error!r} lacks {wanted!r}")
    if "bounce" in entry:
        bounce = parsing.bounce_of(bytes(email.raw))
        facts = {"message_id": bounce.message_id, "recipients": bounce.recipients, "status": bounce.status} \
            if bounce else None
        expect("bounce", facts, entry["bounce"])
    return problems
