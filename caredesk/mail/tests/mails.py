"""Real email bytes for the tests, built with the standard library as a mail client would send them."""

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from datetime import datetime, timezone

SUPPORT = "support@caredesk.example"
SENT_AT = datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc)


def eml(
    *,
    sender: str = "Mrs Miggins <miggins@example.com>",
    subject: str = "My pie shop order has not arrived",
    text: str | None = "Hello,\n\nI ordered twelve pies on Monday and nothing came.\n\nMrs Miggins",
    html: str | None = None,
    message_id: str | None = None,
    in_reply_to: str | None = None,
    references: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: tuple[tuple[str, str, bytes], ...] = (),
) -> bytes:
    """One email as bytes. `attachments` are (filename, "type/subtype", content)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = SUPPORT
    message["Subject"] = subject
    message["Date"] = format_datetime(SENT_AT)
    message["Message-ID"] = message_id or make_msgid(domain="mail.example.com")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    for name, value in (headers or {}).items():
        message[name] = value
    if text is not None:
        message.set_content(text)
        if html is not None:
            message.add_alternative(html, subtype="html")
    elif html is not None:
        message.set_content(html, subtype="html")
    for filename, content_type, content in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()
