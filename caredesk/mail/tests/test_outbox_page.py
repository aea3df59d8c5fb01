"""Delivery state on the ticket page: each public reply says whether its email is queued, sent (when),
failed (with the mail server's answer) or unknown, with a Resend button for the last two that only
someone who may reply on the ticket can use."""

import re
from datetime import timedelta

from django.urls import reverse

from caredesk.accounts.models import Membership, Team, User

from caredesk.conversations import services as conversations
from caredesk.conversations.models import Event
from caredesk.mail import outbox
from caredesk.mail.models import OutboundEmail
from caredesk.system import clock
from caredesk.system.queue import suppressed

from .smtp_server import NO_SUCH_USER, TRY_LATER, smtp_server  # noqa: F401 - the fixture


def _delivery_block(html: str, outbound: OutboundEmail) -> str:
    match = re.search(rf'<div id="delivery-{outbound.pk}".*?</div>', html, re.S)
    assert match, f"no delivery state for email {outbound.pk}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split())


def _reply(ticket, alice, body: str) -> OutboundEmail:
    return OutboundEmail.objects.get(desk_message=conversations.reply(ticket, by=alice, body=body))


def _resend_url(outbound: OutboundEmail) -> str:
    return reverse("mail:resend", args=[outbound.pk])


def test_each_reply_shows_its_delivery_state_and_failed_ones_a_resend_button(
    client, smtp_server, ticket, alice
):
    sent = _reply(ticket, alice, "Sent one")
    smtp_server.answer = NO_SUCH_USER
    failed = _reply(ticket, alice, "Refused one")
    smtp_server.answer = TRY_LATER
    queued = _reply(ticket, alice, "Delayed one")
    with suppressed():
        unknown = outbox.queue_reply(conversations.reply(ticket, by=alice, body="Lost one"))
    OutboundEmail.objects.filter(pk=unknown.pk).update(status="sending", claimed_at=clock.now() - outbox.LEASE * 2)
    outbox.give_up_stale()
    sent.refresh_from_db()

    client.force_login(alice)
    html = client.get(ticket.get_absolute_url()).content.decode()
    assert _delivery_block(html, sent) == f"Email sent {sent.sent_at.astimezone(clock.now().tzinfo):%-d %b %Y, %H:%M}"
    assert _delivery_block(html, failed) == "Email failed 550 5.1.1 mailbox unknown Resend"
    assert _delivery_block(html, queued).startswith("Email queued Last try: 451 4.3.0")
    assert _delivery_block(html, unknown).startswith("Delivery unknown Sending was cut off (caredesk stopped)")
    assert _delivery_block(html, unknown).endswith("Resend")
    assert html.count('hx-post="/mail/outbox/') == 2
    assert f'hx-post="{_resend_url(failed)}"' in html and f'hx-post="{_resend_url(unknown)}"' in html


def test_alice_resends_a_failed_reply_from_the_page(client, smtp_server, ticket, alice):
    smtp_server.answer = NO_SUCH_USER
    failed = _reply(ticket, alice, "Refused one")
    smtp_server.answer = "250 OK"
    client.force_login(alice)
    response = client.post(_resend_url(failed), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert _delivery_block(response.content.decode(), failed).startswith("Email sent")
    failed.refresh_from_db()
    assert failed.status == "sent"
    [envelope] = [e for e in smtp_server.received if e.rcpt_tos == ["miggins@example.com"]]
    assert envelope.message["Message-ID"] == f"<{failed.message_id}>"
    # On the ticket's record, and in its timeline.
    event = Event.objects.get(ticket=ticket, kind=Event.Kind.EMAIL_RESENT)
    assert (event.actor, event.data) == (alice, {"email": failed.pk, "to": "miggins@example.com", "was": "failed"})
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "<strong>Alice Archer</strong> sent the email to miggins@example.com again (it had failed)" in page


def test_resend_needs_a_post_with_its_csrf_token(smtp_server, ticket, alice):
    from django.test import Client

    smtp_server.answer = NO_SUCH_USER
    failed = _reply(ticket, alice, "Refused one")
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.get(_resend_url(failed)).status_code == 405
    assert client.post(_resend_url(failed)).status_code == 403
    assert OutboundEmail.objects.get(pk=failed.pk).status == "failed"


def test_someone_who_may_not_reply_on_the_ticket_cannot_resend(client, smtp_server, ticket, alice, charlie, sam, miggins):
    dora = User.objects.create_user("dora@example.com", "x", role=User.Role.AGENT)
    Membership.objects.create(user=dora, team=Team.objects.create(name="Refunds", is_private=True))
    smtp_server.answer = NO_SUCH_USER
    failed = _reply(ticket, alice, "Refused one")
    smtp_server.answer = "250 OK"
    refusals = {}
    for user, name in ((dora, "dora"), (charlie, "charlie"), (sam, "sam"), (miggins.user, "miggins")):
        client.force_login(user)
        refusals[name] = client.post(_resend_url(failed), headers={"HX-Request": "true"}).status_code
    client.logout()
    refusals["anonymous"] = client.post(_resend_url(failed)).status_code
    # Billing is private: to dora (another private team), charlie (a public one) and sam (sales) the email
    # is as invisible as its ticket; the customer sees the ticket in the portal but replies only there.
    assert refusals == {"dora": 404, "charlie": 404, "sam": 404, "miggins": 403, "anonymous": 302}
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert [e for e in smtp_server.received if e.rcpt_tos == ["miggins@example.com"]] == []
    assert not Event.objects.filter(kind=Event.Kind.EMAIL_RESENT).exists()


def test_sales_see_a_public_teams_reply_but_cannot_resend_it(client, smtp_server, ticket_factory, miggins, deliveries, charlie, sam):
    ticket = ticket_factory.create(customer=miggins, team=deliveries, owner=charlie, by=charlie)
    smtp_server.answer = NO_SUCH_USER
    failed = _reply(ticket, charlie, "Refused one")
    client.force_login(sam)
    assert client.post(_resend_url(failed), headers={"HX-Request": "true"}).status_code == 403
    assert OutboundEmail.objects.get(pk=failed.pk).status == "failed"


def test_an_email_that_is_not_failed_is_not_resent(client, smtp_server, ticket, alice):
    sent = _reply(ticket, alice, "Sent one")
    client.force_login(alice)
    response = client.post(_resend_url(sent), headers={"HX-Request": "true"})
    assert "can be sent again" in response.content.decode()
    assert len([e for e in smtp_server.received if e.rcpt_tos == ["miggins@example.com"]]) == 1


def test_a_log_in_link_is_wiped_once_sent_and_cannot_be_resent(client, smtp_server, miggins, ada):
    from caredesk.portal import services as portal

    portal.send_login_link("miggins@example.com")
    outbound = OutboundEmail.objects.get(kind=OutboundEmail.Kind.LOGIN_LINK)
    [envelope] = smtp_server.received
    assert "/portal/login/" in envelope.message.get_body(("plain",)).get_content()
    assert (outbound.status, outbound.body_text, outbound.body_html) == ("sent", outbox.LOGIN_LINK_WIPED, "")
    assert envelope.message["Auto-Submitted"] == "auto-generated"
    OutboundEmail.objects.filter(pk=outbound.pk).update(status="failed")
    client.force_login(ada)
    assert client.post(_resend_url(outbound)).status_code == 404  # no ticket, nothing to resend from
    with clock.travel_to(clock.now() + timedelta(hours=1)):
        assert OutboundEmail.objects.get(pk=outbound.pk).can_resend is False
