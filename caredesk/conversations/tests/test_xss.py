"""Nothing a customer writes runs in an agent's browser: hostile HTML and text, rendered on the ticket page."""

import html
import re
from html.parser import HTMLParser

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile

from caredesk.conversations import services
from caredesk.conversations.models import Message

from .test_ticket_page import section

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><script>alert(document.cookie)</script>',
    "<scr<script>ipt>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="&#97;lert(1)">',
    '<a href="javascript:alert(1)">click me</a>',
    '<a href=" JaVaScRiPt:alert(1)">mixed case</a>',
    '<a href="&#106;avascript:alert(1)">entity encoded</a>',
    '<a href="jav&#x09;ascript:alert(1)">tab encoded</a>',
    '<a href="vbscript:msgbox(1)">vbscript</a>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<div style="background:url(javascript:alert(1))">styled</div>',
    '<p style="width: expression(alert(1))">expression</p>',
    "<style>@import 'javascript:alert(1)';</style>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<math><mi xlink:href="javascript:alert(1)">math</mi></math>',
    '<form action="javascript:alert(1)"><input type="submit"></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "\u003cscript\u003ealert(1)\u003c/script\u003e",
]

DANGEROUS_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "style",
    "base",
    "link",
    "meta",
    "form",
    "input",
    "body",
    "details",
    "frame",
    "frameset",
    "applet",
}
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "data",
    "formaction",
    "xlink:href",
    "srcdoc",
    "background",
    "poster",
}


def _scheme(value: str) -> str:
    """The scheme a browser would see: entities decoded, whitespace and control characters dropped."""
    cleaned = re.sub(r"[\x00-\x20]", "", html.unescape(value)).lower()
    return cleaned.split(":", 1)[0] + ":" if ":" in cleaned else ""


class _ActiveContent(HTMLParser):
    """Every element or attribute in some HTML that a browser would act on."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in DANGEROUS_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if name == "style":
                self.found.append(f"{tag} style=")
            if name in URL_ATTRIBUTES and _scheme(value or "") in ("javascript:", "vbscript:", "data:"):
                self.found.append(f"{tag} {name}={value}")

    handle_startendtag = handle_starttag


def active_content(fragment: str) -> list[str]:
    parser = _ActiveContent()
    parser.feed(fragment)
    return parser.found


def _foreign_scripts(page: str) -> list[str]:
    """Script tags on the page other than our own static files (the page has no inline scripts)."""
    tags = re.findall(r"<script\b[^>]*>", page, flags=re.IGNORECASE)
    return [tag for tag in tags if not re.fullmatch(r'<script src="/static/[\w/.-]+\.js" defer>', tag)]


def _render(client, user, ticket):
    client.force_login(user)
    response = client.get(ticket.get_absolute_url())
    assert response.status_code == 200
    return response


def test_the_checkers_themselves_find_active_content():
    found = active_content('<img src=x onerror=alert(1)><a href=" jav&#x09;ascript:x">a</a><script></script>')
    assert found == ["img onerror=", "a href= jav\tascript:x", "<script>"]
    assert _foreign_scripts(
        '<script src="/static/caredesk/js/ticket.js" defer></script><script>alert(1)</script>'
    ) == ["<script>"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_customer_html_is_rendered_inert(client, alice, ticket, miggins, payload):
    message = services.customer_reply(ticket, customer=miggins, body="see html", body_html=payload)
    response = _render(client, alice, ticket)
    row = section(response, f"message-{message.pk}")
    assert active_content(row) == []
    assert "<script" not in row.lower()
    assert "javascript:" not in row.lower()
    assert "onerror=" not in row.lower()
    assert _foreign_scripts(response.content.decode()) == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_customer_text_is_shown_as_text(client, alice, ticket, miggins, payload):
    message = services.customer_reply(ticket, customer=miggins, body=payload)
    response = _render(client, alice, ticket)
    row = section(response, f"message-{message.pk}")
    assert active_content(row) == []
    assert "<script" not in row.lower()
    assert _foreign_scripts(response.content.decode()) == []


@pytest.mark.parametrize("payload", PAYLOADS[:6])
def test_a_hostile_subject_and_customer_name_are_escaped_everywhere(
    client, alice, ticket_factory, miggins, billing, payload
):
    miggins.name = payload
    miggins.save()
    ticket = ticket_factory.create(
        customer=miggins, team=billing, subject=payload, body_html=payload, body="x"
    )
    response = _render(client, alice, ticket)
    page = response.content.decode()
    assert active_content(section(response, "ticket-header")) == []
    assert active_content(section(response, "customer-sidebar")) == []
    assert active_content(section(response, "timeline")) == []
    assert _foreign_scripts(page) == []
    assert re.search(r"<title>[^<]*</title>", page)


def test_the_customer_page_escapes_a_hostile_name(client, alice, ticket, miggins):
    miggins.name = "<img src=x onerror=alert(1)>"
    miggins.save()
    client.force_login(alice)
    page = client.get(miggins.get_absolute_url()).content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<img src=x" not in page


@pytest.mark.parametrize("payload", PAYLOADS[:6])
def test_the_queue_escapes_a_hostile_subject_customer_name_and_tag(
    client, alice, ticket_factory, miggins, billing, payload
):
    """The queue's rows are written in Python (templatetags/queue_rows.py), not by the template engine:
    every value a customer or agent typed must still reach the page as text."""
    miggins.name = payload
    miggins.save()
    ticket = ticket_factory.create(customer=miggins, team=billing, subject=payload, body="x")
    services.set_tags(ticket, tags=[payload[:50]], by=alice)
    client.force_login(alice)
    page = client.get("/tickets/?view=all").content.decode()
    rows = page[page.index("<tbody>") : page.index("</tbody>")]
    assert f'data-href="/tickets/{ticket.pk}/"' in rows
    # Our own row checkboxes are the only inputs; anything else active came from the payload.
    ours = r'<input type="checkbox" class="form-check-input row-check" name="tickets" value="\d+" form="bulk-form" aria-label="Select #\d+">'
    assert active_content(re.sub(ours, "", rows)) == []
    assert html.escape(payload) in rows  # the subject, shown as the text it is
    assert _foreign_scripts(page) == []


@pytest.mark.parametrize("payload", PAYLOADS[:6])
def test_the_timeline_escapes_a_hostile_author_quote_and_file_name(client, alice, ticket, miggins, payload):
    """The timeline's messages are written in Python (templatetags/message_rows.py), not by the template
    engine: the author's name, an email's quoted history and a file's name must reach the page as text."""
    miggins.name = payload
    miggins.save()
    upload = SimpleUploadedFile(f"{payload[:40]}.txt", b"the invoice", content_type="text/plain")
    message = services.customer_reply(ticket, customer=miggins, body="see below", files=[upload])
    Message.objects.filter(pk=message.pk).update(quoted=payload)
    row = section(_render(client, alice, ticket), f"message-{message.pk}")
    # Our own fold of the quoted text is the only <details>; anything else active came from the payload.
    assert active_content(row.replace('<details class="message-quoted mt-2">', "", 1)) == []
    assert "Show quoted text" in row and "bi-paperclip" in row
    quoted = '<div class="message-quoted-text small border-start border-2 border-secondary-subtle ps-3 mt-2">'
    assert f"{quoted}{html.escape(payload)}</div>" in row
    assert f'<strong class="text-truncate">{html.escape(payload)}</strong>' in row
