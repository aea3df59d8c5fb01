"""Splitting what the sender wrote now from what they quoted and their signature.

Clients mark quoted history in many ways and in the writer's language; the markers below are the common
ones. The split only ever moves text into the folded "quoted" part, it never drops any, and when it would
leave no new text the whole text stays as it was (a forward with no comment, a reply that is all quote).
"""

import re

_WROTE = re.compile(
    r"^\s*(?:On|Am|Le|El|Op|Il|Den|W dniu)\s.{3,300}?"
    # German and Dutch put the name after the verb: "Am ... schrieb Alice <a@b>:".
    r"\b(?:wrote|schrieb|a\s+écrit|escribió|schreef|ha\s+scritto|skrev|napisał)\b(?:\s.{0,200}?)?\s*:\s*$",
    re.IGNORECASE | re.DOTALL,
)
_ORIGINAL_MESSAGE = re.compile(
    r"^\s*-{2,}\s*(?:Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original|"
    r"Oorspronkelijk bericht|Messaggio originale|Forwarded message|Weitergeleitete Nachricht)\s*-{2,}",
    re.IGNORECASE,
)
# Outlook's reply header: "From: ..." followed within a few lines by "Sent: ..." (or Date), in English,
# German, French, Spanish and Dutch.
_HEADER_FROM = re.compile(r"^\s*\*?(?:From|Von|De|Van)\s*:\*?\s", re.IGNORECASE)
_HEADER_SENT = re.compile(
    r"^\s*\*?(?:Sent|Date|Gesendet|Datum|Envoyé|Enviado|Verzonden|Fecha)\s*:\*?\s", re.IGNORECASE
)
_SIGNATURE = re.compile(r"^-- ?$")
_MOBILE = re.compile(
    r"^\s*(?:Sent from my \w+|Sent from (?:Outlook|Mail|Yahoo Mail|Samsung|my mobile)\b|Get Outlook for \w+|"
    r"Von meinem \w+ gesendet|Gesendet von (?:meinem )?\w+|Envoyé de mon \w+|Enviado desde mi \w+|"
    r"Verzonden (?:vanaf|met) (?:mijn )?\w+|Inviato da(?:l mio)? \w+)",
    re.IGNORECASE,
)


def split(text: str) -> tuple[str, str]:
    """(new, quoted) for a plain-text body. quoted is "" when nothing was found or nothing new is left."""
    lines = text.split("\n")
    cut = _first_marker(lines)
    if cut is None:
        return text, ""
    new, quoted = "\n".join(lines[:cut]).strip(), "\n".join(lines[cut:]).strip()
    if not new:
        return text, ""
    return new, quoted


def _first_marker(lines: list[str]) -> int | None:
    for index, line in enumerate(lines):
        if _SIGNATURE.match(line) or _MOBILE.match(line) or _ORIGINAL_MESSAGE.match(line):
            return index
        # Gmail and others wrap a long attribution over two or three lines.
        for span in (1, 2, 3):
            if _WROTE.match(" ".join(lines[index:index + span])):
                return index
        if _HEADER_FROM.match(line) and any(_HEADER_SENT.match(later) for later in lines[index + 1:index + 5]):
            return index
        if line.lstrip().startswith(">") and _only_quote_after(lines[index:]):
            return index
    return None


def _only_quote_after(lines: list[str]) -> bool:
    """A ">" block counts as history only when nothing but quote, blank lines or a signature follows:
    text written between quoted lines (an inline answer) is new text."""
    for line in lines:
        if _SIGNATURE.match(line) or _MOBILE.match(line):
            return True
        if line.strip() and not line.lstrip().startswith(">"):
            return False
    return True
