"""Reading an email: sender, subject, thread headers, text, sanitised HTML and attachments.

Real mail is often broken: mislabelled charsets, headers the standard library cannot parse, parts with
no name. `parse` never raises for those; it falls back to the raw header or a guessed charset and keeps
going, because an email that fails here waits for a person instead of reaching the desk.
"""

import codecs
import email
import mimetypes
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser
from email.utils import getaddresses

from caredesk.conversations.text import html_to_text, sanitise

from .models import MESSAGE_ID_LENGTH

# Labels that mail clients use for a wider charset than the label says (as browsers read them: WHATWG
# Encoding Standard). Decoding by the wider one turns "smart quotes" into quotes instead of controls.
_WIDER_CHARSET = {"iso8859-1": "cp1252", "gb2312": "gb18030", "euc_kr": "cp949"}

_ANGLE_ID = re.compile(r"<([^<>]*)>")
_AUTO_PRECEDENCE = {"bulk", "junk", "list"}


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


@dataclass
class Parsed:
    from_address: str  # lower case; empty when the email has no usable From
    from_name: str
    subject: str
    message_id: str
    in_reply_to: list[str]
    references: list[str]
    text: str  # the text/plain body, or readable text made from an HTML-only body
    html: str  # the text/html body, sanitised; empty when there is none
    attachments: list[Attachment] = field(default_factory=list)
    auto_reply: str = ""  # the header that marks it as sent by a machine, e.g. "Auto-Submitted: auto-replied"


def parse(raw: bytes) -> Parsed:
    """Everything caredesk uses from one email. Raises only on something unforeseen; the caller keeps the
    raw bytes and records the error."""
    message = email.message_from_bytes(raw, policy=policy.default)
    from_name, from_address = _sender(message)
    text_part, html_part = _body_parts(message)
    html = _decoded(html_part) if html_part is not None else ""
    text = _decoded(text_part) if text_part is not None else html_to_text(html)
    extra_text, attachments = _other_parts(message, skip=(text_part, html_part))
    return Parsed(
        from_address=from_address,
        from_name=from_name,
        subject=_one_line(_header(message, "Subject")),
        message_id=normalise_id(_raw_header(message, "Message-ID")),
        in_reply_to=message_ids(_raw_header(message, "In-Reply-To")),
        references=message_ids(_raw_header(message, "References")),
        text=_clean("\n\n".join(part.strip() for part in [text, *extra_text] if part.strip())),
        html=sanitise(_clean(html)).strip() if html.strip() else "",
        attachments=attachments,
        auto_reply=_auto_reply(message),
    )


def message_id_of(raw: bytes) -> str:
    """The normalised Message-ID of raw bytes, reading the headers only (for storing before parsing)."""
    try:
        # The raw header, as parse() reads it, so both give the same id for the same bytes.
        return normalise_id(_raw_header(BytesHeaderParser(policy=policy.compat32).parsebytes(raw), "Message-ID"))
    except Exception:  # noqa: BLE001 - a message whose id cannot be read is stored with none
        return ""


def normalise_id(value: str) -> str:
    """"<Abc@Example.com> " -> "abc@example.com": the first id in angle brackets (or the whole value when
    there are none), without whitespace, lower case. Empty for a missing header."""
    ids = message_ids(value)
    return ids[0] if ids else ""


def message_ids(value: str) -> list[str]:
    """All ids of an In-Reply-To or References header, normalised as Message-IDs are, in header order."""
    value = _clean(value or "")
    found = _ANGLE_ID.findall(value) or [value]
    ids = [re.sub(r"\s+", "", item).lower()[:MESSAGE_ID_LENGTH] for item in found]
    return [item for item in ids if item]


# Headers ------------------------------------------------------------------------------------------


def _raw_header(message: Message, name: str) -> str:
    """The header as it was sent (unfolded), without the standard library's parsing."""
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return _clean(re.sub(r"\r?\n[ \t]*", " ", str(value)))
    return ""


def _header(message: Message, name: str) -> str:
    """The decoded header (RFC 2047 encoded words become text); the raw header if it fails to parse."""
    try:
        value = message[name]
    except Exception:  # noqa: BLE001 - the stdlib's header parser raises IndexError/AttributeError on some junk
        return _raw_header(message, name)
    return _clean(str(value)) if value is not None else ""


def _sender(message: Message) -> tuple[str, str]:
    """(name, address) from From, read by the stdlib's address parser or, when that fails or finds no
    address, from the raw header by the older, more forgiving one."""
    for addresses in (_parsed_addresses, _raw_addresses):
        for name, address in addresses(message):
            address = _clean(address).strip().lower()
            if "@" in address:
                return _one_line(_clean(name)), address
    return "", ""


def _parsed_addresses(message: Message) -> list[tuple[str, str]]:
    try:
        header = message["From"]
        return [(address.display_name, address.addr_spec) for address in (header.addresses if header else ())]
    except Exception:  # noqa: BLE001 - see _header
        return []


def _raw_addresses(message: Message) -> list[tuple[str, str]]:
    return getaddresses([_raw_header(message, "From")])


def _auto_reply(message: Message) -> str:
    """The header saying a machine sent this (RFC 3834 and the common older ones), or ""."""
    submitted = _raw_header(message, "Auto-Submitted")
    if submitted and submitted.split(";")[0].strip().lower() != "no":
        return f"Auto-Submitted: {submitted}"
    for name in ("X-Autoreply", "X-Autorespond"):
        if value := _raw_header(message, name):
            return f"{name}: {value}"
    precedence = _raw_header(message, "Precedence")
    if precedence.strip().lower() in _AUTO_PRECEDENCE:
        return f"Precedence: {precedence}"
    return ""


# Body and attachments -----------------------------------------------------------------------------


def _body_parts(message: EmailMessage) -> tuple[Message | None, Message | None]:
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


def _other_parts(message: Message, *, skip: tuple) -> tuple[list[str], list[Attachment]]:
    """Inline text parts besides the body (Apple Mail puts text after an inline picture in its own part),
    and the attachments."""
    extra_text, attachments = [], []
    for part in _leaves(message):
        if any(part is chosen for chosen in skip):
            continue
        filename = _filename(part)
        inline = part.get_content_disposition() != "attachment"
        if part.get_content_type() == "text/plain" and inline and not filename:
            extra_text.append(_decoded(part))
            continue
        attachments.append(
            Attachment(
                filename=filename or _name_for(part),
                content_type=_clean(part.get_content_type())[:100],
                content=_content(part),
            )
        )
    return extra_text, attachments


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:  # noqa: BLE001 - a broken RFC 2231 parameter: the part gets a made-up name
        name = ""
    return _one_line(_clean(name))


def _name_for(part: Message) -> str:
    """A name for an unnamed part, with the extension of its type (so an unnamed program is still refused
    by the attachment check, which goes by extension)."""
    content_type = part.get_content_type()
    if content_type == "message/rfc822":
        subject = _header(part.get_payload(0), "Subject") if part.is_multipart() else ""
        return f"{_one_line(subject)[:100] or 'forwarded message'}.eml".replace("/", "-")
    return "attachment" + (mimetypes.guess_extension(content_type) or ".bin")


def _content(part: Message) -> bytes:
    if part.get_content_maintype() == "message" and part.is_multipart():
        try:
            return b"".join(inner.as_bytes(policy=policy.compat32) for inner in part.get_payload())
        except Exception:  # noqa: BLE001 - keep the part as sent, headers and all, rather than nothing
            return part.as_bytes(policy=policy.compat32)
    return part.get_payload(decode=True) or b""


def _decoded(part: Message) -> str:
    """A text part's content as text, whatever its declared charset says."""
    payload = part.get_payload(decode=True) or b""
    try:
        charset = part.get_content_charset() or ""
    except Exception:  # noqa: BLE001
        charset = ""
    return decode(payload, charset)


def decode(payload: bytes, charset: str) -> str:
    """Bytes as text: by the declared charset if they decode by it, else UTF-8, else (mislabelled text)
    UTF-8 with the few bad bytes replaced when most of it is UTF-8, else Windows-1252/Latin-1."""
    for candidate in (_wider(charset), charset, "utf-8"):
        if not candidate:
            continue
        try:
            return payload.decode(candidate)
        except (LookupError, UnicodeError, ValueError, TypeError):
            continue
    replaced = payload.decode("utf-8", errors="replace")
    if any(ord(char) > 127 and char != "\ufffd" for char in replaced):
        return replaced  # real UTF-8 sequences with a stray byte: a single-byte charset would garble them all
    try:
        return payload.decode("cp1252")
    except UnicodeDecodeError:
        return payload.decode("latin-1")  # decodes any bytes


def _wider(charset: str) -> str:
    try:
        return _WIDER_CHARSET.get(codecs.lookup(charset).name, "") if charset else ""
    except LookupError:
        return ""


def _clean(value: str) -> str:
    """Text safe to store: bytes the parser could not decode (kept as surrogates) become U+FFFD, and NUL
    characters, which PostgreSQL refuses in text, are dropped."""
    try:
        data = value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that is not an escaped byte
        data = value.encode("utf-8", "replace")
    return data.decode("utf-8", "replace").replace("\x00", "")


def _one_line(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()

