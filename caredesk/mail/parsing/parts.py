"""The body parts of an email and its attachments (inline pictures with their Content-ID)."""

import mimetypes
import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, Message

from django.core.exceptions import SuspiciousFileOperation
from django.utils.text import get_valid_filename

from .charsets import decode
from .headers import clean, header, one_line, raw_header


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes
    # The Content-ID without <>, for inline pictures the HTML refers to as "cid:..."; "" for the others.
    content_id: str = ""


def body_parts(message: EmailMessage) -> tuple[Message | None, Message | None]:
    """The text/plain and text/html parts that are the message's body (not attached files)."""
    try:
        return message.get_body(preferencelist=("plain",)), message.get_body(preferencelist=("html",))
    except Exception:  # noqa: BLE001 - a structure get_body cannot walk: every part becomes an attachment
        return None, None


def _leaves(part: Message):
    """Every part that is not a multipart container. An attached email (message/rfc822) is one leaf: it
    is kept whole as an attachment, not mixed into this message's body."""
    if part.get_content_maintype() == "multipart" and part.is_multipart():
        for sub in part.get_payload():
            yield from _leaves(sub)
    else:
        yield part


def other_parts(message: Message, *, skip: tuple) -> tuple[list[str], list[Attachment]]:
    """Inline text parts besides the body (Apple Mail puts text after an inline picture in its own part),
    and the attachments."""
    extra_text, attachments = [], []
    for part in _leaves(message):
        if any(part is chosen for chosen in skip):
            continue
        if part.get_content_maintype() == "multipart":
            # A container the parser could not split (no boundary, or not the declared one): its words
            # are in the raw payload, and would otherwise reach the desk as an unreadable attachment.
            extra_text.append(clean(str(part.get_payload())))
            continue
        filename = _filename(part)
        inline = part.get_content_disposition() != "attachment"
        if part.get_content_type() == "text/plain" and inline and not filename:
            extra_text.append(decoded(part))
            continue
        attachments.append(
            Attachment(
                filename=filename or _name_for(part),
                content_type=clean(part.get_content_type())[:100],
                content=_content(part),
                content_id=_content_id(part),
            )
        )
    return extra_text, attachments


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:  # noqa: BLE001 - a broken RFC 2231 parameter: the part gets a made-up name
        name = ""
    name = one_line(clean(name))
    try:
        get_valid_filename(name) if name else None
    except SuspiciousFileOperation:  # nothing a file can be named by ("%", ".."): the part gets a made-up name
        return ""
    return name


def _content_id(part: Message) -> str:
    value = raw_header(part, "Content-ID").strip()
    return re.sub(r"^<|>$", "", value.strip())[:500]


def _name_for(part: Message) -> str:
    """A name for an unnamed part, with the extension of its type (so an unnamed program is still refused
    by the attachment check, which goes by extension)."""
    content_type = part.get_content_type()
    if content_type == "message/rfc822":
        subject = header(part.get_payload(0), "Subject") if part.is_multipart() else ""
        return f"{one_line(subject)[:100] or 'forwarded message'}.eml".replace("/", "-")
    return "attachment" + (mimetypes.guess_extension(content_type) or ".bin")


def _content(part: Message) -> bytes:
    if part.get_content_maintype() == "message" and part.is_multipart():
        try:
            return b"".join(inner.as_bytes(policy=policy.compat32) for inner in part.get_payload())
        except Exception:  # noqa: BLE001 - keep the part as sent, headers and all, rather than nothing
            return part.as_bytes(policy=policy.compat32)
    return part.get_payload(decode=True) or b""


def decoded(part: Message) -> str:
    """A text part's content as text, whatever its declared charset says."""
    payload = part.get_payload(decode=True) or b""
    try:
        charset = part.get_content_charset() or ""
    except Exception:  # noqa: BLE001
        charset = ""
    return decode(payload, charset)
