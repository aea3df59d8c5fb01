"""What a customer types is shown as text in the portal, never run: through the web form (subject and
message) and through a portal reply."""

import re
from html.parser import HTMLParser

import pytest

from caredesk.conversations.models import Ticket

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><script>alert(document.cookie)</script>',
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<a href="javascript:alert(1)">click me</a>',
    '<a href="jav&#x09;ascript:alert(1)">tab</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    "<body onload=alert(1)>",
    '<div style="background:url(javascript:alert(1))">styled</div>',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<object data="javascript:alert(1)"></object>',
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<a href="https://shop.example/" onclick="alert(1)">shop</a>',
    'https://shop.example/"onmouseover="alert(1)',
    "javascript:alert(1)",
    "<style>@import 'javascript:alert(1)';</style>",
    "{{ request.user.password }}{% debug %}",
]


class ActiveContent(HTMLParser):
    """Collects every tag and attribute that would run script in a browser."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            squeezed = re.sub(r"\s", "", (value or "")).lower()
            if name.startswith("on") or "javascript:" in squeezed:
                self.found.append((tag, name, value))
        if tag == "script" and not dict(attrs).get("src", "").startswith("/static/"):
            self.found.append((tag, "inline", ""))
        if tag in ("iframe", "object", "embed", "svg", "math", "style", "base"):
            self.found.append((tag, "", ""))


def active_content(html: str) -> list:
    parser = ActiveContent()
    parser.feed(html)
    return parser.found


def thread_of(html: str) -> str:
    return html[html.index('<section id="conversation"'):html.index("</section>")]


def test_the_checker_finds_what_it_looks_for():
    assert active_content('<img src=x onerror="alert(1)"><a href="java\tscript:x">') == [
        ("img", "onerror", "alert(1)"), ("a", "href", "java\tscript:x"),
    ]
    assert active_content("<script>alert(1)</script>") == [("script", "inline", "")]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_sent_through_the_web_form_is_inert_in_the_portal(client, billing, miggins, payload):
    data = {"name": payload[:200], "email": "miggins@example.com", "subject": payload, "message": payload}
    client.post("/help/", data)
    ticket = Ticket.objects.get()
    client.force_login(miggins.user)
    for path in ("/portal/", f"/portal/tickets/{ticket.pk}/"):
        html = client.get(path).content.decode()
        assert active_content(html) == []
    assert "<script" not in thread_of(html).lower()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_sent_as_a_portal_reply_is_inert(client, ticket, miggins, payload):
    client.force_login(miggins.user)
    client.post(f"/portal/tickets/{ticket.pk}/reply/", {"message": payload})
    assert ticket.messages.last().body_text == payload.strip()
    html = client.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert active_content(html) == []
    assert "<script" not in thread_of(html).lower()
