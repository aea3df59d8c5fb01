"""Bytes to text whatever the charset label says: mislabelled, misspelt or made-up labels never crash."""

import codecs
import re

# Labels that mail clients use for a wider charset than the label says (as browsers read them: WHATWG
# Encoding Standard). Decoding by the wider one turns "smart quotes" into quotes instead of controls.
_WIDER_CHARSET = {"iso8859-1": "cp1252", "ascii": "cp1252", "gb2312": "gb18030", "euc_kr": "cp949"}
# Labels real mail carries that Python does not know: MySQL's name for UTF-8, Outlook's Korean, ...
_ALIASES = {
    "utf8mb4": "utf-8", "utf8mb3": "utf-8", "unicode-1-1-utf-8": "utf-8", "x-unicode20utf8": "utf-8",
    "ks_c_5601-1987": "cp949", "iso-8859-8-i": "iso-8859-8", "x-sjis": "shift_jis", "x-euc-jp": "euc_jp",
    "x-mac-roman": "mac_roman", "macintosh": "mac_roman", "x-user-defined": "cp1252",
}
# Single-byte labels: any bytes "decode" by them, so text that is really UTF-8 would turn into "CafÃ©".
# Strict UTF-8 is tried first for them: real Latin-1 prose is almost never valid UTF-8 by accident.
_SINGLE_BYTE = {"ascii", "iso8859-1", "cp1252", "iso8859-15", "cp1250", "iso8859-2"}


def decode(payload: bytes, charset: str) -> str:
    """Bytes as text: by the declared charset if they decode by it (UTF-8 first when the label is a
    single-byte one), else UTF-8, else (mislabelled text) UTF-8 with the few bad bytes replaced when most
    of it is UTF-8, else Windows-1252/Latin-1. Never raises."""
    label = known(charset)
    candidates = [_wider(label), label, "utf-8"]
    if _name(label) in _SINGLE_BYTE and any(byte > 127 for byte in payload):
        candidates.insert(0, "utf-8")
    for candidate in candidates:
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


def known(charset: str) -> str:
    """A label Python can decode by, or "" for an unknown one (then the content decides)."""
    label = re.sub(r"[\s\"']", "", charset or "").lower()
    label = _ALIASES.get(label, label)
    return label if _name(label) else ""


def _name(label: str) -> str:
    try:
        return codecs.lookup(label).name if label else ""
    except (LookupError, ValueError):
        return ""


def _wider(label: str) -> str:
    return _WIDER_CHARSET.get(_name(label), "")
