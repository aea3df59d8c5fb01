"""Headers as they were sent and as they read: ids, sender, decoded text, all safe to store."""

import re
from email import policy
from email.header import decode_header
from email.headerregistry import HeaderRegistry
from email.message import Message
from email.utils import getaddresses
from functools import lru_cache

from ..models import MESSAGE_ID_LENGTH
from .charsets import decode

_ANGLE_ID = re.compile(r"<([^<>]*)>")


# Longer headers are parsed on every read as before: a flood of mail with huge headers must not fill memory.
REUSED_HEADER_LENGTH = 1000


class _ReusedHeaders(HeaderRegistry):
    """The standard library's header objects, each made once per (name, value). policy.default parses a
    header again every time it is read, and reading an email reads Content-Type a dozen times or more (per
    part, for get_body, attachments, bounces): that was most of parse()'s time. The objects are immutable
    strings with their parsed form, so the same one can serve every read and every email."""

    def __call__(self, name: str, value: str):
        if len(value) > REUSED_HEADER_LENGTH:
            return super().__call__(name, value)
        return self._reused(name, value)

    @lru_cache(maxsize=4096)  # noqa: B019 - one instance, for the life of the process
    def _reused(self, name: str, value: str):
        return super().__call__(name, value)


# policy.default, with headers parsed once: what parse() reads emails with.
POLICY = policy.default.clone(header_factory=_ReusedHeaders())


def normalise_id(value: str) -> str:
    """"<Abc@Example.com> " -> "abc@example.com": the first id in angle brackets (or the whole value when
    there are none), without whitespace, lower case. Empty for a missing header."""
    ids = message_ids(value)
    return ids[0] if ids else ""


def message_ids(value: str) -> list[str]:
    """All ids of an In-Reply-To or References header, normalised as Message-IDs are, in header order."""
    value = clean(value or "")
    found = _ANGLE_ID.findall(value) or [value]
    ids = [re.sub(r"\s+", "", item).lower()[:MESSAGE_ID_LENGTH] for item in found]
    return [item for item in ids if item]


def raw_header(message: Message, name: str) -> str:
    """The header as it was sent (unfolded), without the standard library's parsing."""
    value = _as_sent(message, name)
    return clean(re.sub(r"\r?\n[ \t]*", " ", value)) if value is not None else ""


def _as_sent(message: Message, name: str) -> str | None:
    """The first header `name` exactly as it was sent (still folded, not cleaned); None when missing."""
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return str(value)
    return None


# The plain forms most From headers take, read without the standard library's address parser: it costs
# a quarter of a millisecond a header, and mail from many people finds no header it parsed before. Names
# of letters, digits, spaces, apostrophes and hyphens, or any quoted name without quotes, backslashes or
# "=" (no encoded words); a dot-atom address. Anything else (encoded words, comments, groups, several
# addresses, 8-bit text, folding) goes to that parser as before. The two agree: tests/test_parsing_fast.py.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_ADDRESS = rf"{_ATOM}(?:\.{_ATOM})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
_PLAIN_FROM = re.compile(
    rf'[ \t]*(?:(?:"(?P<quoted>[^"\\=\r\n]*)"|(?P<words>[A-Za-z0-9 \t\'-]*?))[ \t]*<(?P<angle>{_ADDRESS})>'
    rf"|(?P<bare>{_ADDRESS}))[ \t]*"
)
# A header that is one line of printable ASCII without encoded words reads as it was sent.
_PLAIN_TEXT = re.compile(r"[\x20-\x7e\t]*")


def header(message: Message, name: str) -> str:
    """The decoded header (RFC 2047 encoded words become text); the raw header if it fails to parse."""
    plain = _plain_raw(message, name)
    return plain if plain is not None else parsed_header(message, name)


def parsed_header(message: Message, name: str) -> str:
    """header() by the standard library's parser alone."""
    try:
        value = message[name]
        text = clean(str(value)) if value is not None else ""
    except Exception:  # noqa: BLE001 - the stdlib's header parser raises IndexError/AttributeError on some junk
        return raw_header(message, name)
    if "\ufffd" in text:  # an encoded word in a charset the stdlib does not know: decode it as bodies are
        return _decoded_words(raw_header(message, name)) or text
    return text


def _decoded_words(value: str) -> str:
    try:
        return clean("".join(
            part.decode(charset or "utf-8", "replace") if isinstance(part, bytes) and not charset
            else decode(part, charset) if isinstance(part, bytes) else part
            for part, charset in decode_header(value)
        ))
    except Exception:  # noqa: BLE001 - malformed encoded words: the stdlib's reading stands
        return ""


def _plain_raw(message: Message, name: str) -> str | None:
    """The header as sent when it is plain (_PLAIN_TEXT); None when it is missing or is not."""
    value = _as_sent(message, name)
    return value if value is not None and "=?" not in value and _PLAIN_TEXT.fullmatch(value) else None


def sender(message: Message) -> tuple[str, str]:
    """(name, address) from From, read by the stdlib's address parser or, when that fails or finds no
    address, from the raw header by the older, more forgiving one. Plain headers (_PLAIN_FROM) are read
    directly, as the stdlib would."""
    plain = _plain_raw(message, "From")
    match = _PLAIN_FROM.fullmatch(plain) if plain is not None else None
    if match is not None:
        name = match["quoted"] if match["quoted"] is not None else match["words"] or ""
        return one_line(name), (match["angle"] or match["bare"]).lower()
    return parsed_sender(message)


def parsed_sender(message: Message) -> tuple[str, str]:
    """sender() by the address parsers alone."""
    for addresses in (_parsed_addresses, _raw_addresses):
        for name, address in addresses(message):
            address = clean(address).strip().lower()
            if "@" in address:
                return one_line(clean(name)), address
    return "", ""


def _parsed_addresses(message: Message) -> list[tuple[str, str]]:
    try:
        value = message["From"]
        return [(address.display_name, address.addr_spec) for address in (value.addresses if value else ())]
    except Exception:  # noqa: BLE001 - see header()
        return []


def _raw_addresses(message: Message) -> list[tuple[str, str]]:
    return getaddresses([raw_header(message, "From")])


def clean(value: str) -> str:
    """Text safe to store: raw 8-bit bytes the parser kept as surrogates (headers sent unencoded) are read
    as UTF-8 or Windows-1252, and NUL characters, which PostgreSQL refuses in text, are dropped."""
    try:
        data = value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that is not an escaped byte
        data = value.encode("utf-8", "replace")
    return decode(data, "utf-8").replace("\x00", "")


def one_line(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()
