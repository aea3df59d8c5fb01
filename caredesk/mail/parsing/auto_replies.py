"""Mail sent by a machine in answer to ours: marked by headers (RFC 3834 and older ones) or, as many
out-of-office tools send no header at all, by the subject they write, in the usual languages."""

import re
import unicodedata
from email.message import Message

from .headers import header, raw_header

_AUTO_PRECEDENCE = {"bulk", "junk", "list"}
# "Re:", "AW:", "SV:", "Fwd:", "[#12]"... before the out-of-office phrase.
_PREFIXES = re.compile(r"^(?:\s*(?:re|aw|sv|vs|fw|fwd|wg|tr|rv|antw|odp|ref)\s*(?:\[\d+\])?\s*:|\s*\[[^\]]*\])+",
                       re.IGNORECASE)
_OUT_OF_OFFICE = re.compile(
    r"^(?:out of (?:the )?office|automatic reply|auto[\s-]?reply|auto[\s-]?response|autoreply|"
    r"abwesenheitsnotiz|automatische antwort|abwesend|réponse automatique|absence du bureau|"
    r"respuesta automática|fuera de la oficina|risposta automatica|fuori sede|afwezigheidsmelding|"
    r"automatisch antwoord|autosvar|automatisk svar|poza biurem|odpowiedź automatyczna|"
    r"resposta automática|fora do escritório|automaattinen vastaus)"
    # Then the end, a separator or the original subject: "Out of office hours?" is a customer's question.
    r"\s*(?:$|[:\-–(\[]|(?:re|aw|sv)\s*:)",
    re.IGNORECASE,
)


def auto_reply(message: Message) -> str:
    """What marks this email as sent by a machine, e.g. "Auto-Submitted: auto-replied", or ""."""
    submitted = raw_header(message, "Auto-Submitted")
    if submitted and submitted.split(";")[0].strip().lower() != "no":
        return f"Auto-Submitted: {submitted}"
    for name in ("X-Autoreply", "X-Autorespond"):
        if value := raw_header(message, name):
            return f"{name}: {value}"
    precedence = raw_header(message, "Precedence")
    if precedence.strip().lower() in _AUTO_PRECEDENCE:
        return f"Precedence: {precedence}"
    if message.get_content_type() == "multipart/report":  # a delay notice or read receipt: a server's doing
        return "Content-Type: multipart/report"
    subject = header(message, "Subject")
    if is_out_of_office(subject):
        return f"Subject: {subject}"
    return ""


def is_out_of_office(subject: str) -> bool:
    """True for "Out of Office: ...", "AW: Abwesenheitsnotiz: ...", "Réponse automatique : ..." and kin."""
    subject = unicodedata.normalize("NFC", subject or "")
    return bool(_OUT_OF_OFFICE.match(_PREFIXES.sub("", subject).strip()))
