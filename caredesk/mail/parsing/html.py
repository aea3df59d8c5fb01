"""Email HTML: readable text made from it, and the quoted history that mail clients mark in it."""

import re
from html.parser import HTMLParser

import nh3

# Tags whose ends separate paragraphs (a blank line) or lines (one line break) in the text.
_PARAGRAPHS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote", "pre", "hr"}
_LINES = {"div", "tr", "li", "dt", "dd", "address", "center"}
_KEPT_TAGS = _PARAGRAPHS | _LINES | {"br", "td", "th", "a"}

# Where clients start the quoted history in their HTML: Gmail, Apple Mail and Thunderbird's cited
# blockquote, Outlook's reply header, Yahoo's quote. Everything from there on is the quoted part.
_QUOTE_START = re.compile(
    r"<(?:div|blockquote)\b[^>]*(?:"
    r"class=[\"']?[^\"'>]*\b(?:gmail_quote|moz-cite-prefix|yahoo_quoted|OutlookMessageHeader)\b"
    r"|type=[\"']?cite\b"
    r"|id=[\"']?(?:divRplyFwdMsg|appendonsend)\b"
    r")"
    r"|<hr\b[^>]*id=[\"']?stopSpelling",
    re.IGNORECASE,
)


def html_to_text(raw_html: str) -> str:
    """Readable text from HTML: paragraphs separated by a blank line, list items on their own lines with
    "- " (or "1. " in numbered lists), table cells on one line. Scripts and styles are dropped."""
    writer = _TextWriter()
    writer.feed(nh3.clean(raw_html, tags=_KEPT_TAGS, attributes={}))
    writer.close()
    return writer.text()


def split_quote(raw_html: str) -> tuple[str, str]:
    """(new, quoted): the HTML before the first quote marker a mail client writes, and the rest. The
    quoted part is "" when there is no marker."""
    match = _QUOTE_START.search(raw_html)
    if match is None:
        return raw_html, ""
    return raw_html[: match.start()], raw_html[match.start():]


class _TextWriter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._out: list[str] = []
        self._pending = 0  # line breaks owed before the next text
        self._lists: list[list] = []  # per open list: [numbered, next number]
        self._in_pre = 0
        self._cell = False

    def _break(self, count: int) -> None:
        self._pending = max(self._pending, count)

    def handle_starttag(self, tag, attrs):
        if tag in _PARAGRAPHS:
            self._break(2)
        elif tag in _LINES:
            self._break(1)
        if tag == "br":
            self._out.append("\n")
            self._pending = 0
        elif tag in ("ul", "ol"):
            self._lists.append([tag == "ol", 1])
        elif tag == "li":
            numbered, number = self._lists[-1] if self._lists else (False, 1)
            self._write("- " if not numbered else f"{number}. ")
            if self._lists:
                self._lists[-1][1] += 1
        elif tag in ("td", "th"):
            if self._cell:
                self._write("  ")
            self._cell = True
        elif tag == "tr":
            self._cell = False
        elif tag == "pre":
            self._in_pre += 1

    def handle_endtag(self, tag):
        if tag in _PARAGRAPHS:
            self._break(2)
        elif tag in _LINES:
            self._break(1)
        if tag in ("ul", "ol") and self._lists:
            self._lists.pop()
        elif tag == "pre" and self._in_pre:
            self._in_pre -= 1

    def handle_data(self, data):
        if not self._in_pre:
            data = re.sub(r"\s+", " ", data)
            if self._pending or not self._out or self._out[-1].endswith("\n"):
                data = data.lstrip()
        if data:
            self._write(data)

    def _write(self, data: str) -> None:
        if self._pending and self._out:
            self._out.append("\n" * self._pending)
        self._pending = 0
        self._out.append(data)

    def text(self) -> str:
        lines = [line.rstrip() for line in "".join(self._out).split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
