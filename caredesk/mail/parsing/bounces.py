"""Delivery failures: which of our emails bounced, for which addresses, and what the server said.

Standard reports (RFC 3464: multipart/report; report-type=delivery-status) are read field by field.
Servers that send plain text instead (Exim, Postfix without DSN, qmail, Exchange) are recognised by their
sender and subject, and their text is scanned for the original Message-ID and the failed addresses.
"""

import email
import re
from dataclasses import dataclass, field
from email import policy
from email.message import Message
from email.parser import HeaderParser

from .charsets import decode
from .headers import clean, message_ids, normalise_id, one_line, raw_header, sender

_DAEMONS = re.compile(r"^(?:mailer-daemon|mail-daemon|postmaster|microsoftexchange[0-9a-f]*|mdaemon)@", re.I)
_BOUNCE_SUBJECT = re.compile(
    r"mail delivery failed|undelivered mail returned to sender|^undeliverable\s*:|^undelivered\s*:|"
    r"failure notice|delivery status notification \((?:failure|delay)\)|returned mail\s*:|"
    r"mail system error|^unzustellbar\s*:|^non remis\s*:|^no se puede entregar\s*:|delivery failure",
    re.IGNORECASE,
)
# Where a plain-text bounce starts quoting the original email: failed addresses are looked for above it.
_COPY_FOLLOWS = re.compile(
    r"^\s*-*\s*(?:This is a copy of the message|Below this line is a copy|Original message headers|"
    r"The original message was received|Original message follows|-+ ?Original message)",
    re.IGNORECASE | re.MULTILINE,
)
_ADDRESS = r"[^\s<>\"'(),;:@]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"
_FAILED_ADDRESS = [
    re.compile(rf"^\s*<({_ADDRESS})>:", re.MULTILINE),  # Postfix, qmail
    re.compile(rf"^\s+({_ADDRESS})\s*$", re.MULTILINE),  # Exim: indented under "The following address(es) failed:"
    re.compile(rf"(?:message|Nachricht|message) (?:to|an|à) <?({_ADDRESS})>? (?:couldn't|could not|konnte)", re.I),
    re.compile(rf"^\s*({_ADDRESS})(?:\s*\({_ADDRESS}\))?\s*$", re.MULTILINE),  # Exchange: "a@b (a@b)"
]
_STATUS = re.compile(r"(?<![\d.])([245]\.\d{1,3}\.\d{1,3})(?![\d.])")
_SMTP_CODE = re.compile(r"(?<![\d.])([45]\d\d)(?=[\s-])")


@dataclass(frozen=True)
class Bounce:
    """One delivery failure. Empty fields are what the report did not say."""

    message_id: str  # the bounced email's Message-ID, normalised
    recipients: list[str] = field(default_factory=list)  # the addresses that failed, lower case
    status: str = ""  # "5.1.1", or an SMTP code like "550" when the report gives no enhanced status
    diagnostic: str = ""  # what the receiving server said, one line
    thread: list[str] = field(default_factory=list)  # the bounced email's In-Reply-To and References


def bounce_of(raw: bytes) -> Bounce | None:
    """The delivery failure that raw bytes report, or None for any other email. Never raises."""
    try:
        return bounce_in(email.message_from_bytes(raw, policy=policy.default))
    except Exception:  # noqa: BLE001 - a report too broken to read is treated as ordinary mail
        return None


def bounce_in(message: Message) -> Bounce | None:
    # Only the report's own parts: a customer forwarding a bounce (as an attached email) is writing to us.
    is_report = message.get_content_type() == "multipart/report" and message.is_multipart()
    parts = message.get_payload() if is_report else []
    status_part = next((part for part in parts if part.get_content_type() == "message/delivery-status"), None)
    if status_part is not None:
        # A standard report says itself whether delivery failed: its subject and text are not guessed at.
        return _delivery_report(message, status_part)
    if _looks_like_bounce(message):
        return _scanned(message)
    return None


def _looks_like_bounce(message: Message) -> bool:
    _, address = sender(message)
    subject = raw_header(message, "Subject")
    null_sender = raw_header(message, "Return-Path").strip() == "<>"
    return bool(_BOUNCE_SUBJECT.search(subject)) and (bool(_DAEMONS.match(address)) or null_sender)


def _delivery_report(message: Message, status_part: Message) -> Bounce | None:
    """RFC 3464: the per-recipient fields of the message/delivery-status part, and the original's
    headers from its message/rfc822 or text/rfc822-headers part. None when no recipient failed (a delay
    notice is not a failure)."""
    recipients, statuses, diagnostics = [], [], []
    for block in _blocks(status_part):
        action = raw_header(block, "Action").strip().lower()
        recipient = raw_header(block, "Final-Recipient") or raw_header(block, "Original-Recipient")
        if not recipient or action not in ("failed", ""):
            continue
        recipients.append(_after_type(recipient).strip("<> ").lower())
        statuses.append(raw_header(block, "Status").strip())
        diagnostics.append(_after_type(raw_header(block, "Diagnostic-Code")))
    if not recipients:
        return None
    original = _original_headers(message)
    text = _bounce_text(message)
    return Bounce(
        message_id=normalise_id(raw_header(original, "Message-ID")) if original is not None else _scanned_id(text),
        recipients=list(dict.fromkeys(address for address in recipients if address)),
        status=next((status for status in statuses if status), ""),
        diagnostic=one_line(next((line for line in diagnostics if line), ""))[:1000],
        thread=_thread(original) if original is not None else [],
    )


def _blocks(status_part: Message) -> list[Message]:
    payload = status_part.get_payload()
    if isinstance(payload, list):
        return payload
    # Some servers send the fields base64-encoded: the parser leaves them as one string.
    text = decode(status_part.get_payload(decode=True) or b"", "utf-8")
    parser = HeaderParser(policy=policy.compat32)
    return [parser.parsestr(block.strip() + "\n") for block in re.split(r"\n\s*\n", text)]


def _after_type(value: str) -> str:
    """ "rfc822; a@b" -> "a@b"; "smtp; 550 ..." -> "550 ..." """
    return value.split(";", 1)[1].strip() if ";" in value else value.strip()


def _original_headers(message: Message) -> Message | None:
    for part in message.walk():
        content_type = part.get_content_type()
        if content_type == "message/rfc822" and part.is_multipart():
            return part.get_payload(0)
        if content_type == "text/rfc822-headers":
            text = decode(part.get_payload(decode=True) or b"", "utf-8")
            return HeaderParser(policy=policy.compat32).parsestr(text)
    return None


def _thread(original: Message) -> list[str]:
    return [*message_ids(raw_header(original, "In-Reply-To")), *message_ids(raw_header(original, "References"))]


def _scanned(message: Message) -> Bounce:
    """A plain-text bounce: the addresses and the server's words from the report's text above the copy of
    the original, the Message-ID from the copy (or an attached original)."""
    text = _bounce_text(message)
    original = _original_headers(message)
    copy_at = _COPY_FOLLOWS.search(text)
    report = text[: copy_at.start()] if copy_at else text
    recipients: list[str] = []
    for pattern in _FAILED_ADDRESS:
        recipients = list(dict.fromkeys(address.lower() for address in pattern.findall(report)))
        if recipients:
            break
    status_match = _STATUS.search(report) or _SMTP_CODE.search(report)
    diagnostic = ""
    if status_match:
        line_start = report.rfind("\n", 0, status_match.start()) + 1
        line_end = report.find("\n", status_match.end())
        diagnostic = one_line(report[line_start: line_end if line_end != -1 else len(report)])[:1000]
    if original is not None:
        message_id, thread = normalise_id(raw_header(original, "Message-ID")), _thread(original)
    else:
        message_id, thread = _scanned_id(text), _scanned_thread(text)
    return Bounce(
        message_id=message_id,
        recipients=recipients,
        status=status_match.group(1) if status_match else "",
        diagnostic=diagnostic,
        thread=thread,
    )


def _bounce_text(message: Message) -> str:
    """The text of every text part of the report, the quoted original included."""
    texts = []
    for part in message.walk():
        if part.get_content_maintype() == "text":
            try:
                charset = part.get_content_charset() or ""
            except Exception:  # noqa: BLE001
                charset = ""
            texts.append(decode(part.get_payload(decode=True) or b"", charset))
    return clean("\n".join(texts)).replace("\r\n", "\n")


def _scanned_id(text: str) -> str:
    match = re.search(r"^\s*Message-ID:\s*(<[^>\s]+>)", text, re.IGNORECASE | re.MULTILINE)
    return normalise_id(match.group(1)) if match else ""


def _scanned_thread(text: str) -> list[str]:
    ids = []
    for name in ("In-Reply-To", "References"):
        match = re.search(rf"^\s*{name}:((?:.*)(?:\n[ \t]+.*)*)", text, re.IGNORECASE | re.MULTILINE)
        if match:
            ids.extend(message_ids(match.group(1)))
    return ids
