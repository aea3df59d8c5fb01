"""Corpus emails mangled the ways transport and spam mangle them: whatever arrives, `services.receive`
never raises, the bytes are stored, and the email ends processed, recorded (auto-reply or bounce) or
failed with its error."""

import os
import hashlib
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caredesk.mail import services
from caredesk.mail.models import InboundEmail

CORPUS = sorted(path.read_bytes() for path in (Path(__file__).parent / "corpus").glob("*.eml"))
FINAL = {"processed", "auto_reply", "bounce", "failed"}
CHARSETS = ["utf-8", "us-ascii", "iso-8859-1", "utf8mb4", "x-unknown", "", "utf-7", "utf-16", "shift_jis",
            "koi8-r", "\x00", "charset", "ks_c_5601-1987", "gb18030"]
def examples(default: int) -> int:
    """CI lowers the number of examples (CAREDESK_HYPOTHESIS_EXAMPLES) to keep the whole run short; a
    developer's run tries the full number."""
    return min(default, int(os.environ.get("CAREDESK_HYPOTHESIS_EXAMPLES", default)))


HARNESS = settings(max_examples=examples(60), deadline=None, database=None, suppress_health_check=list(HealthCheck))

corpus_email = st.sampled_from(CORPUS)


def _lines(raw: bytes) -> tuple[list[bytes], int]:
    """The email's lines and the index of the blank line that ends its headers (or len when none)."""
    lines = raw.split(b"\n")
    end = next((index for index, line in enumerate(lines) if not line.strip(b"\r")), len(lines))
    return lines, end


@st.composite
def truncated(draw):
    raw = draw(corpus_email)
    return raw[: draw(st.integers(0, len(raw)))]


@st.composite
def flipped(draw):
    raw = bytearray(draw(corpus_email))
    for index in draw(st.lists(st.integers(0, len(raw) - 1), min_size=1, max_size=20)):
        raw[index] = draw(st.integers(0, 255))
    return bytes(raw)


@st.composite
def headers_dropped_or_doubled(draw):
    lines, end = _lines(draw(corpus_email))
    for _ in range(draw(st.integers(1, 4))):
        if end == 0:
            break
        index = draw(st.integers(0, end - 1))
        if draw(st.booleans()):
            del lines[index]
            end -= 1
        else:
            lines.insert(index, lines[index])
            end += 1
    return b"\n".join(lines)


@st.composite
def recharset(draw):
    raw = draw(corpus_email)
    charset = draw(st.sampled_from(CHARSETS) | st.text(max_size=12)).encode("utf-8", "surrogateescape")
    return re.sub(rb'charset="?[^";\s]*"?', b'charset="' + charset.replace(b"\\", b"") + b'"', raw)


@st.composite
def broken_boundaries(draw):
    raw = draw(corpus_email)
    match = re.search(rb'boundary="?([^";\r\n]+)"?', raw)
    if match is None:
        return raw + b"\n--stray-boundary\nContent-Type: text/plain\n\nstray"
    boundary = match.group(1)
    junk = draw(st.binary(max_size=10))
    how = draw(st.sampled_from(["declared", "one", "end"]))
    if how == "declared":  # the header names another boundary than the parts use
        return raw[: match.start(1)] + junk + raw[match.end(1):]
    if how == "one":  # one separator damaged
        return raw.replace(b"--" + boundary, b"--" + junk, 1)
    return raw.replace(b"--" + boundary + b"--", b"")  # never closed


random_binary = st.binary(max_size=3000)


@pytest.mark.parametrize(
    "mangled",
    [truncated(), flipped(), headers_dropped_or_doubled(), recharset(), broken_boundaries(), random_binary],
    ids=["truncated", "flipped bytes", "headers dropped or doubled", "random charsets", "broken boundaries",
         "random binary"],
)
def test_a_mangled_email_is_stored_and_ends_in_a_final_state_without_raising(billing, mangled):
    @HARNESS
    @given(raw=mangled)
    def receive_it(raw: bytes) -> None:
        inbound, _ = services.receive(raw, source="ingest", team=billing)
        stored = InboundEmail.objects.get(pk=inbound.pk)
        assert (bytes(stored.raw), stored.sha256) == (raw, hashlib.sha256(raw).hexdigest())
        assert stored.status in FINAL
        if stored.status == "processed":
            assert stored.desk_message_id is not None
        if stored.status == "failed":
            # Refused for a reason of its own (no sender to answer), never a crash in the parser.
            assert stored.error.startswith("The email has no sender address"), stored.error

    receive_it()
