import re

import pytest
from playwright.sync_api import expect

from caredesk.conversations import services
from caredesk.conversations.models import Ticket

from .conftest import link_path

pytestmark = pytest.mark.django_db(transaction=True)


def test_visitor_sends_a_request_with_a_photo_and_sees_the_reference(page, billing, screenshot, tmp_path):
    photo = tmp_path / "broken-kettle.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 a photo of a kettle")
    page.goto("/help/")
    page.get_by_label("Your name").fill("Arthur Dent")
    page.get_by_label("Email address").fill("arthur@example.com")
    page.get_by_label("Subject").fill("Kettle arrived broken")
    page.get_by_label("How can we help?").fill("The spout came off in the box. Could you send a new one?")
    page.get_by_label("Attachments").set_input_files(str(photo))
    screenshot("webform")
    page.get_by_role("button", name="Send request").click()
    expect(page).to_have_url(re.compile(r"/help/thanks/$"))
    ticket = Ticket.objects.get()
    expect(page.get_by_test_id("reference")).to_have_text(f"#{ticket.pk}")
    assert list(ticket.messages.get().attachments.values_list("filename", flat=True)) == ["broken-kettle.jpg"]
    screenshot("webform-thanks")


def test_visitor_is_shown_what_to_fix_and_nothing_is_sent(page, billing, screenshot):
    page.goto("/help/")
    page.get_by_label("Your name").fill("Arthur Dent")
    page.get_by_label("Email address").fill("arthur@")
    page.get_by_label("How can we help?").fill("The spout came off in the box.")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("Enter a valid email address.")).to_be_visible()
    expect(page.get_by_text("This field is required.")).to_be_visible()
    expect(page.get_by_label("How can we help?")).to_have_value("The spout came off in the box.")
    screenshot("webform-errors")
    assert Ticket.objects.count() == 0


def test_customer_logs_in_by_emailed_link_reads_the_answer_and_replies(
    page, answered, miggins, alice, billing, ticket_factory, mailoutbox, screenshot
):
    waiting = ticket_factory.create(customer=miggins, team=billing, subject="Which day suits you for delivery?")
    services.change_status(waiting, status=Ticket.Status.PENDING_CUSTOMER, by=alice)
    solved = ticket_factory.create(customer=miggins, team=billing, subject="Missing eggs in my order")
    services.change_status(solved, status=Ticket.Status.SOLVED, by=alice)
    services.customer_reply(answered, customer=miggins, body="Thank you! Is it the full amount?", by=miggins.user)

    page.goto("/portal/login/")
    page.get_by_label("Email address").fill("miggins@example.com")
    screenshot("portal-login")
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_text("If we know that address, a link is on its way.")).to_be_visible()
    screenshot("portal-login-sent")

    page.goto(link_path(mailoutbox))
    screenshot("portal-login-confirm")
    page.get_by_role("button", name="See my requests").click()
    expect(page).to_have_url(re.compile(r"/portal/$"))
    expect(page.get_by_role("link", name="Which day suits you for delivery?")).to_be_visible()
    screenshot("portal-list")

    page.get_by_role("link", name="Charged twice for my groceries").click()
    expect(page.get_by_text("I have refunded the second charge; it shows within 3 days.")).to_be_visible()
    expect(page.get_by_text("refund without fuss")).to_have_count(0)
    page.get_by_label("Your reply").fill("Lovely, I can see it in my account now. Thank you, Alice!")
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator(".message-mine").last).to_contain_text("Lovely, I can see it in my account now.")
    expect(page.get_by_label("Your reply")).to_have_value("")
    assert answered.messages.filter(kind="customer").count() == 3
    screenshot("portal-ticket")


def test_used_link_offers_a_new_one(page, miggins, mailoutbox, screenshot):
    page.goto("/portal/login/")
    page.get_by_label("Email address").fill("miggins@example.com")
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_text("If we know that address, a link is on its way.")).to_be_visible()
    path = link_path(mailoutbox)
    page.goto(path)
    page.get_by_role("button", name="See my requests").click()
    expect(page).to_have_url(re.compile(r"/portal/$"))
    page.get_by_role("button", name="Log out").click()
    page.goto(path)
    expect(page.get_by_role("heading", name="This link has expired")).to_be_visible()
    screenshot("portal-link-expired")
    page.get_by_role("link", name="Email me a new link").click()
    expect(page).to_have_url(re.compile(r"/portal/login/$"))


def test_customer_starts_a_new_request_from_the_portal(page, login, miggins, billing, screenshot):
    login(page, miggins.user)
    expect(page).to_have_url(re.compile(r"/portal/$"))
    page.get_by_role("link", name="Send a request").click()
    expect(page.get_by_label("Your name")).to_have_value("Mrs Miggins")
    expect(page.get_by_label("Email address")).to_be_disabled()
    page.get_by_label("Subject").fill("Can I change my delivery address?")
    page.get_by_label("How can we help?").fill("I am moving house next week.")
    screenshot("portal-new-request")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("heading", name="Can I change my delivery address?")).to_be_visible()
    ticket = Ticket.objects.get()
    expect(page.get_by_text(f"Thank you: your request #{ticket.pk} is with us.")).to_be_visible()
    assert (ticket.customer, ticket.channel) == (miggins, "portal")
