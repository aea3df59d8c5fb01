"""Reading an email: sender, subject, thread headers, the new text apart from the quoted history,
sanitised HTML, attachments, and whether a machine sent it (auto-reply, delivery failure).

Real mail is often broken: mislabelled charsets, headers the standard library cannot parse, parts with
no name. `parse` never raises for those; it falls back to the raw header or a guessed charset and keeps
going, because an email that fails here waits for a person instead of reaching the desk.
"""

import email
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesHeaderParser

from caredesk.conversations.text import sanitise

from . import html as html_parts
from . import quotes
from .auto_replies import auto_reply, is_out_of_office
from .bounces import Bounce, bounce_in, bounce_of
from .charsets import decode
from .headers import POLICY, clean, header, message_ids, normalise_id, one_line, raw_header, sender
from .html import html_to_text
from .parts import Attachment, body_parts, decoded, other_parts

__all__ = [
    "Attachment", "Bounce", "Parsed", "bounce_of", "decode", "html_to_text", "is_out_of_office",
    "message_id_of", "message_ids", "normalise_id", "parse",
]


@dataclass
class Parsed:
    from_address: str  # lower case; empty when the email has no usable From
    from_name: str
    subject: str
    message_id: str
    in_reply_to: list[str]
    references: list[str]
    text: str  # the new text: the text/plain body (or text made from an HTML-only body) without quote
    html: str  # the text/html body without quote, sanitised; empty when there is none or it could not be split
    attachments: list[Attachment] = field(default_factory=list)
    auto_reply: str = ""  # what marks it as sent by a machine, e.g. "Auto-Submitted: auto-replied"
    quoted: str = ""  # the quoted history and signature split from the text; "" when there is none
    bounce: Bounce | None = None  # set when the email reports that one of ours could not be delivered


def parse(raw: bytes) -> Parsed:
    """Everything caredesk uses from one email. Raises only on something unforeseen; the caller keeps the
    raw bytes and records the error."""
    message = email.message_from_bytes(raw, policy=POLICY)
    from_name, from_address = sender(message)
    text_part, html_part = body_parts(message)
    extra_text, attachments = other_parts(message, skip=(text_part, html_part))
    text, quoted, html = _body(
        decoded(text_part) if text_part is not None else None,
        decoded(html_part) if html_part is not None else "",
    )
    return Parsed(
        from_address=from_address,
        from_name=from_name,
        subject=one_line(header(message, "Subject")),
        message_id=normalise_id(raw_header(message, "Message-ID")),
        in_reply_to=message_ids(raw_header(message, "In-Reply-To")),
        references=message_ids(raw_header(message, "References")),
        text=clean("\n\n".join(part.strip() for part in [text, *extra_text] if part.strip())),
        html=sanitise(clean(html)).strip() if html.strip() else "",
        attachments=attachments,
        auto_reply=auto_reply(message),
        quoted=clean(quoted),
        bounce=bounce_in(message),
    )


def _body(text: str | None, html: str) -> tuple[str, str, str]:
    """(new text, quoted text, html to show). The HTML is cut where its client marks the quote; when the
    text had a quote but the HTML has no marker, no HTML is kept, so the desk shows the new text alone
    rather than the whole history again above the fold."""
    text = _lines(text) if text is not None else None
    new_html, quoted_html = html_parts.split_quote(html)
    if not html_to_text(new_html).strip():
        new_html, quoted_html = html, ""  # all quote (a forward with no comment): keep it whole
    if text is None:
        text, quoted = quotes.split(html_to_text(new_html))
        quoted = "\n\n".join(part for part in (quoted, html_to_text(quoted_html)) if part)
    else:
        text, quoted = quotes.split(text)
    if quoted and not quoted_html:
        new_html = ""
    return text, quoted, new_html


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def message_id_of(raw: bytes) -> str:
    """The normalised Message-ID of raw bytes, reading the headers only (for storing before parsing)."""
    try:
        # The raw header, as parse() reads it, so both give the same id for the same bytes.
        return normalise_id(raw_header(BytesHeaderParser(policy=policy.compat32).parsebytes(raw), "Message-ID"))
    except Exception:  # noqa: BLE001 - a message whose id cannot be read is stored with none
        return ""
