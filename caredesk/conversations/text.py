"""Message text: customer HTML is sanitised with nh3; plain text becomes safe HTML paragraphs."""

import html
import re

import nh3

ALLOWED_TAGS = {
    "a", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "hr", "i", "img", "li",
    "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}, "td": {"colspan"}, "th": {"colspan"}}


def sanitise(raw_html: str) -> str:
    """Customer HTML with every script, event handler and dangerous URL removed."""
    return nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "cid"},
        link_rel="noopener noreferrer nofollow",
    )


_URL = re.compile(r"(https?://[^\s<]+)")


def text_to_html(text: str) -> str:
    """Plain text as HTML paragraphs, escaped, with links made clickable."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    out = []
    for paragraph in paragraphs:
        escaped = html.escape(paragraph)
        linked = _URL.sub(r'<a href="\1">\1</a>', escaped)
        out.append("<p>" + linked.replace("\n", "<br>") + "</p>")
    return sanitise("".join(out))


def html_to_text(raw_html: str) -> str:
    """Readable text from HTML, for search and for plain-text mail parts."""
    cleaned = nh3.clean(raw_html, tags={"p", "br", "div", "li"}, attributes={})
    cleaned = re.sub(r"<br\s*/?>|</p>|</div>|</li>", "\n", cleaned)
    cleaned = re.sub(r"<[^>]+>", "", cleaned)
    return re.sub(r"\n{3,}", "\n\n", html.unescape(cleaned)).strip()
