"""Attachments go through the desk's attachment check; a refused one never costs the message."""

import pytest

from caredesk.conversations.models import Attachment, Ticket
from caredesk.mail import services
from caredesk.mail.services import Outcome

from .mails import eml

RECEIPT = b"%PDF-1.4 receipt for twelve pies"


def test_an_attachment_is_stored_on_the_message(billing):
    inbound, _ = services.receive(
        eml(attachments=(("receipt.pdf", "application/pdf", RECEIPT),)), source="ingest", team=billing
    )
    attachment = Attachment.objects.get()
    assert (attachment.message, attachment.filename, attachment.content_type, attachment.size) == (
        inbound.desk_message, "receipt.pdf", "application/pdf", len(RECEIPT),
    )
    with attachment.file.open("rb") as file:
        assert file.read() == RECEIPT


@pytest.mark.parametrize("name", ["%", ".."])
def test_an_attachment_named_with_nothing_a_file_can_be_named_by_gets_a_made_up_name(billing, name):
    """Found by test_mangled_mail: a filename cut to "%" made the file storage refuse it, failing the email."""
    inbound, outcome = services.receive(
        eml(attachments=((name, "application/pdf", RECEIPT),)), source="ingest", team=billing
    )
    assert (outcome, Attachment.objects.get().filename) == (Outcome.NEW_TICKET, "attachment.pdf")


def test_a_forbidden_attachment_is_skipped_and_noted_on_the_desk_but_the_message_is_kept(billing):
    inbound, outcome = services.receive(
        eml(text="Run this to fix it.", attachments=(("fix.exe", "application/octet-stream", b"MZ\x90\x00"),
                                                    ("receipt.pdf", "application/pdf", RECEIPT))),
        source="ingest", team=billing,
    )
    assert (outcome, inbound.status, Ticket.objects.get().messages.get().body_text) == (
        Outcome.NEW_TICKET, "processed",
        "Run this to fix it.\n\n[Attachment fix.exe (4\xa0bytes) was not attached: files of this type can run "
        "programs. It is kept in the original email.]",
    )
    assert list(Attachment.objects.values_list("filename", flat=True)) == ["receipt.pdf"]
    assert inbound.error == (
        "Attachment fix.exe skipped: fix.exe was not accepted: files of this type can run programs. "
        "Send it as a ZIP or PDF."
    )


def test_a_too_big_attachment_is_skipped_and_noted_on_the_desk_but_the_message_is_kept(billing, settings):
    settings.CAREDESK_MAX_ATTACHMENT_BYTES = 1000
    inbound, outcome = services.receive(
        eml(text="Photos of the squashed pies.", attachments=(("pies.jpg", "image/jpeg", b"\xff" * 3000),)),
        source="ingest", team=billing,
    )
    assert (outcome, Ticket.objects.get().messages.get().body_text, Attachment.objects.count()) == (
        Outcome.NEW_TICKET,
        "Photos of the squashed pies.\n\n[Attachment pies.jpg (2.9\xa0KB) was not attached: larger than the "
        "1000\xa0bytes limit. It is kept in the original email.]",
        0,
    )
    assert inbound.error == "Attachment pies.jpg skipped: pies.jpg is 2.9\xa0KB; attachments can be at most 1000\xa0bytes."


def _with_inline_picture(cid: str = "pie@mail.example.com") -> bytes:
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = "Mrs Miggins <miggins@example.com>"
    message["Subject"] = "The squashed pie"
    message.set_content("See the picture.")
    message.add_alternative(f'<p>See <img src="cid:{cid}" alt="pie"></p>', subtype="html")
    message.get_payload()[1].add_related(b"\x89PNG pie", maintype="image", subtype="png", cid=f"<{cid}>",
                                         filename="pie.png")
    return message.as_bytes()


def test_an_inline_picture_is_shown_from_the_stored_attachment(billing):
    inbound, _ = services.receive(_with_inline_picture(), source="ingest", team=billing)
    picture = Attachment.objects.get()
    message = inbound.desk_message
    message.refresh_from_db()
    assert (picture.filename, message.body_html) == (
        "pie.png", f'<p>See <img src="{picture.get_absolute_url()}" alt="pie"></p>',
    )


def test_an_inline_picture_that_was_refused_keeps_its_cid_and_a_note(billing, settings):
    settings.CAREDESK_MAX_ATTACHMENT_BYTES = 3
    inbound, _ = services.receive(_with_inline_picture(), source="ingest", team=billing)
    message = inbound.desk_message
    message.refresh_from_db()
    assert message.body_html == (
        '<p>See <img src="cid:pie@mail.example.com" alt="pie"></p><p>[Attachment pie.png (8&nbsp;bytes) was not '
        "attached: larger than the 3&nbsp;bytes limit. It is kept in the original email.]</p>"
    )


def test_inline_pictures_replaces_only_the_ids_it_knows():
    html = '<img src="cid:a@x"><img src=\'cid:b@x\'><a href="cid:a@x">a</a>'
    assert services.inline_pictures(html, {"a@x": "/attachments/1/"}) == (
        '<img src="/attachments/1/"><img src=\'cid:b@x\'><a href="/attachments/1/">a</a>'
    )
