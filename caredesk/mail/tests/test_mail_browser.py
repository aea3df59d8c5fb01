"""The email channel's pages in a real browser: an email conversation on the ticket page (the quoted fold,
each reply's delivery state, Resend), the admin pages for email, and what the customer sees in the portal.
Each test leaves screenshots under test-artefacts/screenshots/mail-*.png for a person to look at."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from caredesk.conversations import services as conversations
from caredesk.conversations.models import Ticket
from caredesk.conversations.tasks import send_reply_to_customer
from caredesk.mail import outbox, services
from caredesk.mail.models import InboundEmail, Mailbox, OutboundEmail
from caredesk.system import clock

from .mails import eml

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFUSED = "550 5.1.1 <miggins@example.com>: Recipient address rejected: User unknown in virtual mailbox table"
NOTE = "Card captured twice on 3 March; Bob approves refunds over £30."
TRACEBACK = """Traceback (most recent call last):
  File "/srv/caredesk/.venv/lib/python3.11/site-packages/caredesk/mail/services.py", line 118, in process
    _add_to_desk(inbound, parsed)
  File "/srv/caredesk/.venv/lib/python3.11/site-packages/caredesk/mail/services.py", line 161, in _add_to_desk
    team = inbound.team or email_team()
  File "/srv/caredesk/.venv/lib/python3.11/site-packages/caredesk/mail/queries.py", line 40, in email_team
    raise NoTeam(f'CAREDESK_EMAIL_TEAM names no team: "{name}".') from None"""
QUOTING_ANSWER = """Thank you, that was quick! Will the refund show on the same card?

Mrs Miggins

On Mon, 2 Nov 2026 at 10:02, Caredesk Support <support@caredesk.example> wrote:
> Dear Mrs Miggins,
>
> we have refunded the second charge of £35.20. It shows on your statement
> within three working days.
>
> Alice Archer
"""


# WCAG contrast ratio of an element's text against the background of the card it is on.
CONTRAST = """element => {
    const rgb = text => text.match(/[\\d.]+/g).slice(0, 3).map(Number);
    const luminance = ([r, g, b]) => [r, g, b].map(v => v / 255)
        .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
        .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
    const fore = luminance(rgb(getComputedStyle(element).color));
    const back = luminance(rgb(getComputedStyle(element.closest('.message')).backgroundColor));
    return (Math.max(fore, back) + 0.05) / (Math.min(fore, back) + 0.05);
}"""


def _contrast(locator) -> float:
    return locator.evaluate(CONTRAST)


@pytest.fixture(autouse=True)
def tasks_stay_queued(settings):
    """Tasks are stored, not run: a resent email stays `queued` as with a real worker, and the delivery
    states set below are not overwritten by an immediate send."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": []}}


def _reply(ticket: Ticket, alice, body: str, **state) -> OutboundEmail:
    """alice's public reply, its email put in the delivery state given (test data, as the sender left it)."""
    message = conversations.reply(ticket, by=alice, body=body)
    send_reply_to_customer.call(message_id=message.pk)  # the task a worker runs: it queues the email
    outbound = OutboundEmail.objects.get(desk_message=message)
    OutboundEmail.objects.filter(pk=outbound.pk).update(**state)
    outbound.refresh_from_db()
    return outbound


@pytest.fixture
def emailed(billing, miggins, alice) -> dict:
    """An email conversation: Mrs Miggins writes in, alice answers (sent), notes something internal,
    Mrs Miggins answers by email quoting the answer, and alice's next two replies failed and got lost."""
    first, _ = services.receive(
        eml(
            subject="Charged twice for twelve pies",
            text="Hello,\n\nyou charged my card twice for last week's pies.\n\nMrs Miggins",
        ),
        source="smtp", team=billing,
    )
    ticket = first.ticket
    sent = _reply(
        ticket, alice,
        "Dear Mrs Miggins,\n\nwe have refunded the second charge of £35.20. It shows on your statement"
        " within three working days.",
        status=OutboundEmail.Status.SENT, sent_at=clock.now() - timedelta(hours=1),
    )
    conversations.add_note(ticket, by=alice, body=NOTE)
    answer, _ = services.receive(
        eml(
            subject="Re: Charged twice for twelve pies",
            text=QUOTING_ANSWER,
            in_reply_to=f"<{sent.message_id}>",
        ),
        source="smtp", team=billing,
    )
    assert answer.ticket_id == ticket.pk and answer.desk_message.quoted.startswith("On Mon, 2 Nov 2026")
    failed = _reply(
        ticket, alice, "Yes, the same card you paid with.",
        status=OutboundEmail.Status.FAILED, attempts=1, last_error=REFUSED,
    )
    unknown = _reply(
        ticket, alice, "One more thing: the refund reference is R-1029.",
        status=OutboundEmail.Status.UNKNOWN, attempts=1, last_error=outbox.STALE_ERROR,
    )
    return {"ticket": ticket, "sent": sent, "failed": failed, "unknown": unknown, "answer": answer}


def test_an_email_conversation_on_the_ticket_page(page, login, alice, emailed, screenshot):
    ticket, failed = emailed["ticket"], emailed["failed"]
    login(page, alice)
    page.goto(ticket.get_absolute_url())
    timeline = page.locator("#timeline")

    answer = timeline.locator(f"#message-{emailed['answer'].desk_message_id}")
    expect(answer.locator(".message-body")).to_contain_text("Will the refund show on the same card?")
    expect(answer.locator(".message-body")).not_to_contain_text("wrote:")
    quoted = answer.locator(".message-quoted")
    expect(quoted.locator(".message-quoted-text")).to_be_hidden()
    expect(page.locator(f"#delivery-{emailed['sent'].pk}")).to_contain_text("Email sent")
    expect(page.locator(f"#delivery-{failed.pk}")).to_contain_text(f"Email failed {REFUSED}")
    expect(page.locator(f"#delivery-{emailed['unknown'].pk}")).to_contain_text("Delivery unknown")
    # The small print on a reply's blue card stays readable (WCAG AA, 4.5:1).
    unknown = page.locator(f"#delivery-{emailed['unknown'].pk}")
    sent_at = page.locator(f"#delivery-{emailed['sent'].pk} time")
    for small_print in (unknown.locator(".delivery-error"), sent_at):
        assert _contrast(small_print) >= 4.5
    # The badge and Resend share a line; the server's long answer wraps on its own line beneath them.
    delivery = page.locator(f"#delivery-{failed.pk}")
    badge, button = delivery.locator(".badge").bounding_box(), delivery.get_by_role("button").bounding_box()
    error = delivery.locator(".delivery-error").bounding_box()
    assert abs(badge["y"] + badge["height"] / 2 - (button["y"] + button["height"] / 2)) < 4
    assert error["y"] >= button["y"] + button["height"]
    screenshot("mail-ticket")

    quoted.get_by_text("Show quoted text").click()
    expect(quoted.locator(".message-quoted-text")).to_be_visible()
    expect(quoted.locator("summary")).to_have_text("Hide quoted text", use_inner_text=True)
    expect(quoted.locator(".message-quoted-text")).to_contain_text(
        "Caredesk Support <support@caredesk.example> wrote:"
    )
    answer.scroll_into_view_if_needed()
    screenshot("mail-ticket-quoted-open")

    # Resend swaps the delivery state in place: the page is not reloaded (the marker set here survives).
    page.evaluate("window.notReloaded = true")
    page.locator(f"#delivery-{failed.pk}").get_by_role("button", name="Resend").click()
    expect(page.locator(f"#delivery-{failed.pk}")).to_contain_text("Email queued")
    expect(page.locator(f"#delivery-{failed.pk}").get_by_role("button", name="Resend")).to_have_count(0)
    assert page.evaluate("window.notReloaded") is True
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (OutboundEmail.Status.QUEUED, 0)
    page.locator(f"#delivery-{failed.pk}").scroll_into_view_if_needed()
    screenshot("mail-ticket-resent")


def test_the_customer_sees_the_email_conversation_in_the_portal(page, login, miggins, emailed, screenshot):
    login(page, miggins.user)
    page.goto(f"/portal/tickets/{emailed['ticket'].pk}/")
    thread = page.locator("#conversation")
    expect(thread).to_contain_text("Will the refund show on the same card?")
    expect(thread).to_contain_text("the refund reference is R-1029")
    quoted = thread.locator(".message-quoted")
    expect(quoted).to_have_count(1)
    expect(quoted.locator(".message-quoted-text")).to_be_hidden()
    quoted.get_by_text("Quoted text").click()
    expect(quoted.locator(".message-quoted-text")).to_contain_text("we have refunded the second charge")
    # No internal note, and nothing of how our emails went: that is the desk's business.
    expect(page.locator("body")).not_to_contain_text(NOTE)
    for words in ("Email sent", "Email failed", "Delivery unknown", "Resend", "550"):
        expect(page.locator("body")).not_to_contain_text(words)
    screenshot("mail-portal-ticket")
    # On a phone the quote wraps inside its bubble: nothing of the conversation reaches past the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    widest = page.evaluate(
        "Math.max(...[...document.querySelectorAll('#conversation *')]"
        ".map(e => e.getBoundingClientRect().right))"
    )
    assert widest <= 390
    # ... and the top bar wraps rather than pushing "Log out" off the screen.
    assert page.get_by_role("button", name="Log out").bounding_box()["x"] + 10 < 390
    screenshot("mail-portal-ticket-phone")


# Admin pages --------------------------------------------------------------------------------------


def test_the_mailbox_admin_pages(page, login, ada, billing, screenshot):
    mailbox = Mailbox.objects.create(
        name="Billing inbox", address="billing@caredesk.example", team=billing, host="imap.example.com",
        username="billing@caredesk.example", password="app-password-1234",
        uidvalidity=1700000000, last_uid=42, last_polled_at=clock.now() - timedelta(minutes=3),
        last_error="LOGIN failed: [AUTHENTICATIONFAILED] Invalid credentials (Failure)",
        last_error_at=clock.now() - timedelta(minutes=3),
    )
    login(page, ada)
    page.goto("/admin/mail/mailbox/")
    expect(page.locator("#result_list")).to_contain_text("Billing inbox")
    expect(page.locator("#result_list")).to_contain_text("AUTHENTICATIONFAILED")
    screenshot("mail-admin-mailboxes")

    page.get_by_role("link", name="Billing inbox").click()
    password = page.get_by_label("Password")
    expect(password).to_have_value("")  # write-only: the saved password never comes back to the page
    assert "app-password-1234" not in page.content()
    expect(page.locator(".field-read_up_to .readonly")).to_have_text(
        "Message UID 42 of the folder (UIDVALIDITY 1700000000)."
    )
    screenshot("mail-admin-mailbox-form")
    page.get_by_label("Folder").fill("Support")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    mailbox.refresh_from_db()
    assert (mailbox.folder, mailbox.password) == ("Support", "app-password-1234")


def test_the_inbound_email_admin_pages(page, login, ada, billing, settings, screenshot):
    services.receive(eml(subject="Where is my order?"), source="imap", team=billing)
    settings.CAREDESK_EMAIL_TEAM = "Complaints"
    failed, _ = services.receive(
        eml(sender="Arthur Dent <arthur@example.com>", subject="=?utf-8?q?Kettle_=E2=80=93_broken?="),
        source="smtp",
    )
    assert failed.status == InboundEmail.Status.FAILED
    login(page, ada)
    page.goto("/admin/mail/inboundemail/?status__exact=failed")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Arthur Dent <arthur@example.com>")
    expect(rows).to_contain_text("Kettle – broken")
    expect(rows).to_contain_text('CAREDESK_EMAIL_TEAM names no team: "Complaints".')
    screenshot("mail-admin-inbound")

    # What an admin finds when processing broke: the error's first line, then where it happened.
    InboundEmail.objects.filter(pk=failed.pk).update(error=failed.error + "\n" + TRACEBACK)
    rows.first.locator("th a, td a").first.click()
    error = page.locator(".field-error_in_full")
    expect(error).to_contain_text('NoTeam: CAREDESK_EMAIL_TEAM names no team: "Complaints".')
    expect(error).to_contain_text("raise NoTeam(")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download .eml").click()
    assert download.value.suggested_filename == f"inbound-email-{failed.pk}.eml"
    assert open(download.value.path(), "rb").read() == bytes(InboundEmail.objects.get(pk=failed.pk).raw)
    screenshot("mail-admin-inbound-detail")


def test_the_email_template_editor_and_its_preview(page, login, ada, screenshot):
    login(page, ada)
    page.goto("/admin/notifications/emailtemplate/add/?kind=reply")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    preview = page.locator(".field-preview")
    expect(preview).to_contain_text("Mrs Miggins")
    screenshot("mail-admin-template-preview")
    page.get_by_label("Body").fill("Dear {{ customer.name }},\n\n{{ message.text }}\n\n{{ agent.name }}")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(preview.locator("pre")).to_contain_text("Dear Mrs Miggins,")
    expect(preview).not_to_contain_text("{{")
