"""The plain From and Subject headers are read without the standard library's header parser (headers.py:
_PLAIN_FROM, _PLAIN_TEXT); whatever they read, that parser reads the same, on the corpus and on made-up
headers that try the edges (quotes, escapes, comments, encoded words, several addresses, odd spacing)."""

import email
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from caredesk.mail.parsing.headers import POLICY, _plain_raw, header, parsed_header, parsed_sender, sender

from .test_mangled_mail import HARNESS

CORPUS = sorted((Path(__file__).parent / "corpus").glob("*.eml"))


def _message(headers: dict[str, str]) -> email.message.Message:
    raw = "".join(f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\nHello\r\n"
    return email.message_from_bytes(raw.encode("utf-8", "surrogateescape"), policy=POLICY)


def test_the_corpus_reads_the_same_both_ways_and_most_of_it_the_fast_way():
    fast = 0
    for path in CORPUS:
        message = email.message_from_bytes(path.read_bytes(), policy=POLICY)
        assert sender(message) == parsed_sender(message), path.name
        assert header(message, "Subject") == parsed_header(message, "Subject"), path.name
        fast += _plain_raw(message, "From") is not None
    assert fast > len(CORPUS) / 2  # the fast way is the common way, or it is not worth having


PLAIN = [
    "Jane Doe <jane.doe@example.com>",
    '"Doe, Jane" <Jane.Doe@Example.COM>',
    "jane@example.com",
    "  <jane@example.com>  ",
    "Jane O'Brien-Smith<jane@example.com>",
    '"" <jane@example.com>',
]
NOT_PLAIN = [
    "=?utf-8?q?J=C3=A9r=C3=B4me?= <jerome@example.com>",
    "jane@example.com (Jane Doe)",
    "J. Doe <jane@example.com>",
    '"Jane \\"JD\\" Doe" <jane@example.com>',
    "Jane <jane@example.com>, John <john@example.com>",
    "Team: jane@example.com;",
    '"Jane=?utf-8?q?x?=" <jane@example.com>',
]


def test_plain_from_headers_are_read_the_fast_way_and_the_rest_by_the_parser():
    for value in PLAIN + NOT_PLAIN:
        message = _message({"From": value, "Subject": "Hello"})
        assert sender(message) == parsed_sender(message), value
    assert sender(_message({"From": PLAIN[1]})) == ("Doe, Jane", "jane.doe@example.com")
    assert sender(_message({"From": NOT_PLAIN[0]})) == ("Jérôme", "jerome@example.com")


EDGES = "aZ09 \t\"\\<>@.,()=?:;'-_!#%+é\x00"


@HARNESS
@given(
    name=st.text(alphabet=EDGES, max_size=12),
    local=st.text(alphabet="aZ09.'-_+=?\"\\ ", min_size=1, max_size=8),
    domain=st.text(alphabet="aZ09.-", min_size=1, max_size=8),
    shape=st.sampled_from(["{name} <{address}>", '"{name}" <{address}>', "{address}", "{name}<{address}>", "{name}"]),
)
def test_made_up_from_headers_read_the_same_both_ways(name, local, domain, shape):
    value = shape.format(name=name, address=f"{local}@{domain}")
    message = _message({"From": value})
    assert sender(message) == parsed_sender(message)


@HARNESS
@given(subject=st.text(alphabet="aZ09 \t=?:;'\"\\-_!é\x7f", max_size=30))
def test_made_up_subjects_read_the_same_both_ways(subject):
    message = _message({"Subject": subject})
    assert header(message, "Subject") == parsed_header(message, "Subject")
