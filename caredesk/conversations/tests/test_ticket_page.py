"""The ticket page: what it shows, who may open it, and a fixed number of queries however long it is."""

import re
from html.parser import HTMLParser

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from caredesk.accounts.models import Team
from caredesk.conversations import services
from caredesk.conversations.models import Macro, Ticket
from caredesk.customers.models import Organisation

BLOCKS = set("p div li td th tr br h1 h2 h3 dt dd option header section article".split())


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")
        if tag in BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style") and self._skip > 0
        if tag in BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def page_text(response_or_html) -> str:
    """What a person reads on the page: the text without tags, whitespace collapsed."""
    html = response_or_html if isinstance(response_or_html, str) else response_or_html.content.decode()
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", "".join(parser.parts)).strip()


def section(response, element_id: str) -> str:
    """The HTML of one element of the page, found by id (enough for the page's own fragments)."""
    html = response.content.decode()
    start = html.index(f'id="{element_id}"')
    tag = html.rfind("<", 0, start)
    name = re.match(r"<(\w+)", html[tag:]).group(1)
    depth, position = 0, tag
    for match in re.finditer(rf"<(/?){name}\b", html[tag:]):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            position = tag + match.end()
            break
    return html[tag : html.index(">", position) + 1]


@pytest.fixture
def deliveries_ticket(ticket_factory, parker, deliveries, charlie):
    """Peter Parker's ticket on Deliveries, a public team: every agent and sales can read it."""
    return ticket_factory.create(
        customer=parker, team=deliveries, owner=charlie, subject="Parcel left in the rain"
    )


def test_page_shows_reference_subject_status_and_priority(client, alice, ticket):
    services.change_priority(ticket, priority=Ticket.Priority.HIGH, by=alice)
    client.force_login(alice)
    header = page_text(section(client.get(ticket.get_absolute_url()), "ticket-header"))
    assert f"{ticket.reference} Charged twice for my groceries" in header
    assert "Open High priority Owner: Alice Archer Team: Billing" in header


def test_timeline_shows_messages_and_events_in_the_order_they_happened(client, alice, bob, ticket):
    services.add_note(ticket, by=alice, body="Checked the payment provider: two captures.")
    services.transfer(ticket, to_owner=bob, by=alice, reason="Bob handles refunds")
    services.reply(ticket, by=bob, body="We have refunded the second charge.")
    client.force_login(alice)
    timeline = page_text(section(client.get(ticket.get_absolute_url()), "timeline"))
    order = [
        "Hello, I was charged twice",
        "Checked the payment provider",
        "Alice Archer transferred from Billing/Alice Archer to Billing/Bob Baker: reason 'Bob handles refunds'",
        "We have refunded the second charge.",
    ]
    assert [timeline.index(text) for text in order] == sorted(timeline.index(text) for text in order)


def test_each_message_is_a_card_styled_by_its_kind(client, alice, ticket):
    note = services.add_note(ticket, by=alice, body="Internal: checked the bank.")
    reply = services.reply(ticket, by=alice, body="Refund is on its way.")
    client.force_login(alice)
    response = client.get(ticket.get_absolute_url())
    first = ticket.messages.first()
    assert 'class="message message-customer card' in section(response, f"message-{first.pk}")
    assert 'class="message message-note card' in section(response, f"message-{note.pk}")
    assert 'class="message message-reply card' in section(response, f"message-{reply.pk}")
    assert page_text(section(response, f"message-{note.pk}")).startswith("A Alice Archer Internal note")


def test_transfer_to_another_team_reads_as_a_plain_sentence(client, alice, ticket, deliveries):
    services.transfer(
        ticket, to_team=deliveries, by=alice, reason="It is about a delivery", note="Parcel 123"
    )
    client.force_login(alice)
    timeline = page_text(section(client.get(ticket.get_absolute_url()), "timeline"))
    assert (
        "Alice Archer transferred from Billing/Alice Archer to Deliveries (queue): reason 'It is about a delivery' "
        "Hand-over note: Parcel 123"
    ) in timeline


def test_the_timeline_names_people_who_neither_acted_nor_own_the_ticket(
    client, alice, bob, lena, miggins, billing, ticket_factory
):
    ticket = ticket_factory.create(customer=miggins, team=billing, owner=None, subject="Routed")
    services.assign(ticket, to=alice, by=None, data={"routing": "round_robin"})
    services.transfer(ticket, to_owner=bob, by=lena, reason="Alice is away")
    client.force_login(bob)
    timeline = page_text(section(client.get(ticket.get_absolute_url()), "timeline"))
    assert "Routing assigned the ticket to Alice Archer" in timeline  # Alice: no event's actor, not the owner


def test_status_change_reads_as_a_plain_sentence(client, alice, ticket):
    services.change_status(ticket, status=Ticket.Status.SOLVED, by=alice)
    client.force_login(alice)
    timeline = page_text(section(client.get(ticket.get_absolute_url()), "timeline"))
    assert "Alice Archer changed the status from Open to Solved" in timeline


def test_the_survivor_of_a_merge_says_which_ticket_was_merged_in(
    client, alice, ticket, ticket_factory, miggins, billing
):
    duplicate = ticket_factory.create(
        customer=miggins, team=billing, subject="Charged twice (again)", body="Same problem"
    )
    services.merge(duplicate, into=ticket, by=alice)
    client.force_login(alice)
    response = client.get(ticket.get_absolute_url())
    timeline = page_text(section(response, "timeline"))
    assert f"Alice Archer merged #{duplicate.pk} into this ticket" in timeline
    assert "Same problem" in timeline
    assert "merged this ticket into" not in timeline  # the duplicate's own line is not repeated here


def test_a_merged_ticket_shows_a_banner_linking_to_the_survivor(
    client, alice, ticket, ticket_factory, miggins, billing
):
    duplicate = ticket_factory.create(customer=miggins, team=billing, subject="Charged twice (again)")
    services.merge(duplicate, into=ticket, by=alice)
    client.force_login(alice)
    response = client.get(duplicate.get_absolute_url())
    header = section(response, "ticket-header")
    assert f"This ticket was merged into {ticket.reference}; the conversation continues there." in page_text(
        header
    )
    assert f'<a class="alert-link" href="{ticket.get_absolute_url()}">' in header
    assert 'id="composer-form"' not in response.content.decode()


@override_settings(CAREDESK_RUNAROUND_THRESHOLD=2)
def test_a_runaround_is_flagged_in_red_with_the_number_of_handoffs(client, alice, bob, ticket):
    services.transfer(ticket, to_owner=bob, by=alice, reason="one")
    services.transfer(ticket, to_owner=alice, by=bob, reason="two")
    client.force_login(alice)
    header = section(client.get(ticket.get_absolute_url()), "ticket-header")
    assert 'class="alert alert-danger' in header
    assert "Handed on 2 times." in page_text(header)


def test_no_runaround_notice_below_the_threshold(client, alice, bob, ticket):
    services.transfer(ticket, to_owner=bob, by=alice, reason="one")
    client.force_login(alice)
    assert "Handed on" not in page_text(client.get(ticket.get_absolute_url()))


def test_attachments_link_to_their_download(client, alice, ticket):
    message = services.add_note(
        ticket, by=alice, body="Bank statement", files=[SimpleUploadedFile("statement.pdf", b"%PDF-1.4")]
    )
    attachment = message.attachments.get()
    client.force_login(alice)
    row = section(client.get(ticket.get_absolute_url()), f"message-{message.pk}")
    assert f'href="/tickets/attachments/{attachment.pk}/"' in row
    assert "statement.pdf" in page_text(row)


def test_customer_sidebar_shows_who_they_are_and_their_other_tickets(
    client, alice, ticket, ticket_factory, miggins, billing
):
    miggins.organisation = Organisation.objects.create(name="Miggins Pies")
    miggins.save()
    other = ticket_factory.create(customer=miggins, team=billing, subject="Where is my pie?")
    services.change_status(other, status=Ticket.Status.SOLVED, by=alice)
    client.force_login(alice)
    sidebar = section(client.get(ticket.get_absolute_url()), "customer-sidebar")
    assert page_text(sidebar).startswith(
        f"Customer M Mrs Miggins miggins@example.com Organisation Miggins Pies Their other tickets {other.reference} Where is my pie? Solved"
    )
    assert f'href="/tickets/customers/{miggins.pk}/"' in sidebar


def test_sidebar_leaves_out_tickets_the_viewer_may_not_see(
    client, charlie, ticket, ticket_factory, miggins, deliveries
):
    ticket_factory.create(customer=miggins, team=deliveries, subject="Wet parcel")
    private = ticket_factory.create(customer=miggins, team=ticket.team, subject="Secret billing matter")
    client.force_login(charlie)
    deliveries_ticket = Ticket.objects.get(subject="Wet parcel")
    sidebar = page_text(section(client.get(deliveries_ticket.get_absolute_url()), "customer-sidebar"))
    assert "Charged twice" not in sidebar and private.subject not in sidebar


def test_agent_sees_the_composer_and_edit_controls(client, alice, ticket):
    client.force_login(alice)
    html = client.get(ticket.get_absolute_url()).content.decode()
    assert all(
        marker in html
        for marker in ('id="composer-form"', 'id="prop-status"', 'id="transfer-dialog"', 'id="merge-form"')
    )
    # The transfer form itself comes when its dialog first opens.
    dialog = client.get(f"/tickets/{ticket.pk}/transfer/", headers={"HX-Request": "true"})
    assert 'id="transfer-form"' in dialog.content.decode()


def test_sales_cannot_fetch_the_transfer_dialog(client, sam, deliveries_ticket):
    client.force_login(sam)
    assert client.get(f"/tickets/{deliveries_ticket.pk}/transfer/").status_code == 403


def test_sales_read_the_page_without_composer_or_edit_controls(client, sam, deliveries_ticket):
    client.force_login(sam)
    response = client.get(deliveries_ticket.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Parcel left in the rain" in page_text(section(response, "ticket-header"))
    assert not any(
        marker in html
        for marker in (
            'id="composer',
            'id="prop-status"',
            'id="transfer-dialog"',
            'id="merge-form"',
            f'hx-post="/tickets/{deliveries_ticket.pk}/take',
        )
    )
    assert "Read only" in page_text(section(response, "ticket-properties"))


def test_the_macro_select_lists_canned_replies(client, alice, ticket):
    Macro.objects.create(name="Refund sent", body="Hello {{ customer.first_name }}")
    client.force_login(alice)
    composer = section(client.get(ticket.get_absolute_url()), "composer")
    assert "Insert a canned reply… Refund sent" in page_text(composer)


def test_agent_of_another_team_gets_404_for_a_private_ticket(client, charlie, ticket):
    client.force_login(charlie)
    assert client.get(ticket.get_absolute_url()).status_code == 404


def test_customers_get_403_on_the_agent_ticket_page(client, miggins, ticket):
    client.force_login(miggins.user)
    assert client.get(ticket.get_absolute_url()).status_code == 403


def test_unknown_ticket_is_404(client, alice):
    client.force_login(alice)
    assert client.get("/tickets/999999/").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, ticket):
    response = client.get(ticket.get_absolute_url())
    assert (response.status_code, response.url) == (302, f"/accounts/login/?next=/tickets/{ticket.pk}/")


def _grow(ticket, *, alice, bob, miggins, messages: int) -> None:
    """`messages` more messages, with their events, attachments and hand-offs between two people."""
    for number in range(messages):
        if number % 3 == 0:
            services.customer_reply(ticket, customer=miggins, body=f"Customer says {number}")
        elif number % 3 == 1:
            services.add_note(
                ticket, by=alice, body=f"Note {number}", files=[SimpleUploadedFile(f"n{number}.txt", b"x")]
            )
        else:
            services.transfer(
                ticket, to_owner=bob if number % 2 else alice, by=alice, reason=f"Hand-off {number}"
            )
            services.reply(ticket, by=alice, body=f"Reply {number}")


def _queries_for_page(client, ticket) -> int:
    caches["local"].clear()  # each page counts what it would with nothing cached (the nav link's count)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(ticket.get_absolute_url()).status_code == 200
    return len(captured.captured_queries)


def test_page_queries_do_not_grow_with_messages_and_events(
    client, alice, bob, miggins, billing, ticket_factory
):
    Macro.objects.create(name="Thanks", body="Thank you, {{ customer.first_name }}.")
    short = ticket_factory.create(customer=miggins, team=billing, owner=alice, subject="Short")
    long = ticket_factory.create(customer=miggins, team=billing, owner=alice, subject="Long")
    _grow(short, alice=alice, bob=bob, miggins=miggins, messages=10)
    _grow(long, alice=alice, bob=bob, miggins=miggins, messages=200)
    assert long.messages.count() == 201 and long.events.count() > 250
    client.force_login(alice)
    # session, user, the ticket, alice's teams, custom fields, which messages to show, those messages,
    # their attachments, the delivery of the replies' emails, events, the teams events name other than
    # the ticket's (the short one's hand-offs name another; the people named are actors or the owner),
    # tags, the customer's other
    # tickets and macros (the transfer dialog's choices come when it opens); the Promises block: the
    # ticket's promises (the team's calendar only when there are some, for their time zone; the form comes
    # when opened); the open escalation (banner) and the escalations waiting for alice (nav link, then
    # cached for 30 s). Alice owns the short one after its hand-offs, so it has one more: the hand-over
    # check (bob owns the long one)
    assert (_queries_for_page(client, short), _queries_for_page(client, long)) == (18, 16)


def _message_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<article id="message-(\d+)"', html)]


def test_a_long_conversation_shows_its_first_and_newest_messages_and_folds_the_rest(
    client, alice, bob, miggins, billing, ticket_factory
):
    ticket = ticket_factory.create(customer=miggins, team=billing, owner=alice, subject="Long")
    _grow(ticket, alice=alice, bob=bob, miggins=miggins, messages=60)
    every = list(ticket.messages.order_by("created_at", "pk").values_list("pk", flat=True))
    client.force_login(alice)
    html = client.get(ticket.get_absolute_url()).content.decode()
    assert _message_ids(html) == [every[0], *every[-20:]]
    assert f"Show {len(every) - 21} earlier messages" in page_text(html)
    # Unfolded without JavaScript (a link) and with htmx (the timeline alone).
    assert _message_ids(client.get(ticket.get_absolute_url(), {"timeline": "all"}).content.decode()) == every
    fragment = client.get(ticket.get_absolute_url(), {"timeline": "all"}, headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<section id="timeline"')
    assert _message_ids(fragment.content.decode()) == every


def test_a_short_conversation_is_never_folded(client, alice, ticket):
    services.reply(ticket, by=alice, body="One answer")
    client.force_login(alice)
    html = client.get(ticket.get_absolute_url()).content.decode()
    assert len(_message_ids(html)) == 2 and "earlier message" not in html


def test_charlie_cannot_unfold_a_private_teams_timeline(client, charlie, ticket):
    client.force_login(charlie)
    response = client.get(ticket.get_absolute_url(), {"timeline": "all"}, headers={"HX-Request": "true"})
    assert response.status_code == 404


def test_customer_page_lists_organisation_and_every_visible_ticket(
    client, alice, ticket, ticket_factory, miggins, deliveries
):
    miggins.organisation = Organisation.objects.create(name="Miggins Pies", domain="miggins.example")
    miggins.save()
    wet = ticket_factory.create(customer=miggins, team=deliveries, subject="Wet parcel")
    client.force_login(alice)
    text = page_text(client.get(miggins.get_absolute_url()))
    assert "Mrs Miggins miggins@example.com Organisation Miggins Pies Email domain miggins.example" in text
    assert f"{wet.pk} Wet parcel New Deliveries Queue" in text
    assert f"{ticket.pk} Charged twice for my groceries Open Billing Alice Archer" in text


def test_customer_page_leaves_out_tickets_the_viewer_may_not_see(
    client, charlie, ticket, ticket_factory, miggins, deliveries
):
    ticket_factory.create(customer=miggins, team=deliveries, subject="Wet parcel")
    client.force_login(charlie)
    text = page_text(client.get(miggins.get_absolute_url()))
    assert "Wet parcel" in text
    assert "Charged twice" not in text


def test_customers_get_403_on_the_customer_page(client, miggins):
    client.force_login(miggins.user)
    assert client.get(miggins.get_absolute_url()).status_code == 403


def test_unknown_customer_is_404(client, alice):
    client.force_login(alice)
    assert client.get("/tickets/customers/999999/").status_code == 404


# Attachments ----------------------------------------------------------------------------------


def _attachment_of(message):
    return message.attachments.get().get_absolute_url()


def test_staff_who_see_the_ticket_download_its_attachments(client, bob, ticket, alice):
    url = _attachment_of(
        services.add_note(ticket, by=alice, body="See file", files=[SimpleUploadedFile("a.txt", b"hello")])
    )
    client.force_login(bob)
    response = client.get(url)
    assert (response.status_code, b"".join(response.streaming_content)) == (200, b"hello")
    assert response["Content-Disposition"] == 'attachment; filename="a.txt"'


def test_staff_who_cannot_see_the_ticket_get_404_for_its_attachments(client, charlie, ticket, alice):
    url = _attachment_of(
        services.reply(ticket, by=alice, body="See file", files=[SimpleUploadedFile("a.txt", b"hello")])
    )
    client.force_login(charlie)
    assert client.get(url).status_code == 404


def test_customers_download_attachments_of_public_messages_on_their_ticket(client, miggins, ticket, alice):
    url = _attachment_of(
        services.reply(ticket, by=alice, body="Receipt", files=[SimpleUploadedFile("r.txt", b"receipt")])
    )
    client.force_login(miggins.user)
    assert client.get(url).status_code == 200


def test_customers_never_get_attachments_of_internal_notes(client, miggins, ticket, alice):
    url = _attachment_of(
        services.add_note(ticket, by=alice, body="Internal", files=[SimpleUploadedFile("n.txt", b"secret")])
    )
    client.force_login(miggins.user)
    assert client.get(url).status_code == 404


def test_other_customers_get_404_for_attachments(client, parker, ticket, alice):
    url = _attachment_of(
        services.reply(ticket, by=alice, body="Receipt", files=[SimpleUploadedFile("r.txt", b"receipt")])
    )
    client.force_login(parker.user)
    assert client.get(url).status_code == 404


def test_the_transfer_dialog_offers_every_team_private_ones_too(client, alice, ticket):
    Team.objects.create(name="Legal", is_private=True)
    client.force_login(alice)
    # Transfers may go to any team, so the dialog lists them all, private ones too.
    dialog = client.get(f"/tickets/{ticket.pk}/transfer/", headers={"HX-Request": "true"})
    assert "Legal" in page_text(section(dialog, "transfer-form"))
