from django.core.files.uploadedfile import SimpleUploadedFile

from caredesk.accounts.models import LoginLink
from caredesk.conversations.models import Attachment, Message, Ticket
from caredesk.customers.models import Customer
from caredesk.portal import ratelimit

from .conftest import link_path


def request_data(**overrides) -> dict:
    data = {
        "name": "Arthur Dent",
        "email": "arthur@example.com",
        "subject": "Kettle arrived broken",
        "message": "The spout came off in the box.",
        "website": "",
    }
    data.update(overrides)
    return data


def nothing_saved() -> bool:
    return not any(model.objects.exists() for model in (Ticket, Customer, Message, Attachment))


def test_the_form_page_asks_for_name_email_subject_message_and_files(client, billing):
    html = client.get("/help/").content.decode()
    for name in ("name", "email", "subject", "message", "attachments"):
        assert f'name="{name}"' in html
    assert 'type="file" name="attachments"' in html and "multiple" in html


def test_web_form_opens_a_web_ticket_for_a_new_customer_in_the_first_team(client, billing, deliveries):
    client.post("/help/", request_data())
    ticket = Ticket.objects.get()
    assert (ticket.subject, ticket.channel, ticket.team, ticket.status) == (
        "Kettle arrived broken", "web", billing, "new",
    )
    assert (ticket.customer.email, ticket.customer.name) == ("arthur@example.com", "Arthur Dent")


def test_web_form_message_is_the_customers_own(client, billing):
    client.post("/help/", request_data())
    message = Message.objects.get()
    assert (message.kind, message.customer.email, message.author, message.body_text) == (
        Message.Kind.CUSTOMER, "arthur@example.com", None, "The spout came off in the box.",
    )


def test_web_form_for_a_known_address_adds_to_that_customer(client, billing, miggins):
    client.post("/help/", request_data(email="Miggins@Example.com", name="Someone Else"))
    assert Ticket.objects.get().customer == miggins
    assert Customer.objects.count() == 1


def test_web_form_goes_to_the_team_the_settings_name(client, billing, deliveries, settings):
    settings.CAREDESK_WEBFORM_TEAM = "Deliveries"
    client.post("/help/", request_data())
    assert Ticket.objects.get().team == deliveries


def test_thank_you_page_shows_the_reference_and_that_a_link_was_emailed(client, billing):
    response = client.post("/help/", request_data(), follow=True)
    html = response.content.decode()
    assert response.redirect_chain == [("/help/thanks/", 302)]
    assert f'data-testid="reference">#{Ticket.objects.get().pk}</p>' in html
    assert "We have emailed you a link to follow your request" in html


def test_web_form_emails_a_link_that_opens_the_new_ticket(client, billing, mailoutbox):
    client.post("/help/", request_data())
    ticket = Ticket.objects.get()
    (email,) = mailoutbox
    assert email.to == ["arthur@example.com"]
    assert email.subject == f"[#{ticket.pk}] We have your request: Kettle arrived broken"
    response = client.post(link_path(mailoutbox))
    assert response.url == f"/portal/tickets/{ticket.pk}/"
    assert client.get(response.url).status_code == 200


def test_thank_you_page_without_a_request_goes_back_to_the_form(client, billing):
    response = client.get("/help/thanks/")
    assert (response.status_code, response.url) == (302, "/help/")


def test_web_form_with_no_team_at_all_says_so_and_saves_nothing(client, db):
    response = client.post("/help/", request_data())
    assert response.status_code == 503
    assert "We cannot take requests here just yet" in response.content.decode()
    assert nothing_saved()


def test_filled_honeypot_gets_the_same_thank_you_but_nothing_is_saved_or_sent(client, billing, mailoutbox):
    response = client.post("/help/", request_data(website="https://spam.example"), follow=True)
    assert response.redirect_chain == [("/help/thanks/", 302)]
    assert 'data-testid="reference">#1</p>' in response.content.decode()
    assert nothing_saved()
    assert (mailoutbox, LoginLink.objects.count()) == ([], 0)


def test_honeypot_is_hidden_from_people_and_their_tools(client, billing):
    html = client.get("/help/").content.decode()
    assert '<div class="visually-hidden" aria-hidden="true">' in html
    assert 'name="website" tabindex="-1" autocomplete="off"' in html


def test_sixth_request_in_an_hour_from_one_address_is_refused_with_429(client, billing, settings):
    assert settings.CAREDESK_WEBFORM_RATE_PER_HOUR == 5
    for number in range(5):
        assert client.post("/help/", request_data(subject=f"Question {number}")).status_code == 302
    response = client.post("/help/", request_data(subject="One too many"))
    assert response.status_code == 429
    assert "We have had a lot of messages from this address in the last hour" in response.content.decode()
    assert Ticket.objects.count() == 5
    assert not Ticket.objects.filter(subject="One too many").exists()


def test_sixth_request_in_an_hour_from_one_ip_is_refused_whatever_the_address(client, billing):
    for number in range(5):
        client.post("/help/", request_data(email=f"person{number}@example.com"))
    response = client.post("/help/", request_data(email="person5@example.com"))
    assert response.status_code == 429
    assert not Customer.objects.filter(email="person5@example.com").exists()


def test_the_limit_starts_afresh_in_the_next_hour(client, billing, monkeypatch):
    monkeypatch.setattr(ratelimit.time, "time", lambda: 7200.0)
    for number in range(5):
        client.post("/help/", request_data(subject=f"Question {number}"))
    monkeypatch.setattr(ratelimit.time, "time", lambda: 10800.0)
    assert client.post("/help/", request_data(subject="Next hour")).status_code == 302
    assert Ticket.objects.filter(subject="Next hour").exists()


def test_behind_the_proxy_the_limit_counts_the_address_the_proxy_saw(client, billing):
    def send(email: str, forwarded_for: str):
        return client.post("/help/", request_data(email=email), headers={"X-Forwarded-For": forwarded_for})

    for number in range(5):
        send(f"p{number}@example.com", "1.1.1.1, 203.0.113.9")
    other_client = send("p5@example.com", "203.0.113.10")
    # The client claims another address on the left; the proxy's entry on the right gives it away.
    same_client = send("p6@example.com", "9.9.9.9, 203.0.113.9")
    assert (other_client.status_code, same_client.status_code) == (302, 429)


def test_form_errors_show_inline_and_save_nothing(client, billing):
    response = client.post("/help/", request_data(email="not-an-address", subject=""))
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email": ["Enter a valid email address."],
        "subject": ["This field is required."],
    }
    assert 'class="form-control is-invalid"' in response.content.decode()
    assert nothing_saved()


def test_form_errors_do_not_use_up_the_hourly_limit(client, billing):
    for _ in range(6):
        client.post("/help/", request_data(subject=""))
    assert client.post("/help/", request_data()).status_code == 302


def test_attachments_are_kept_with_the_first_message(client, billing):
    files = [SimpleUploadedFile("receipt.pdf", b"%PDF-1.4 receipt"), SimpleUploadedFile("photo.jpg", b"jpeg bytes")]
    client.post("/help/", {**request_data(), "attachments": files})
    message = Message.objects.get()
    assert sorted(message.attachments.values_list("filename", "size")) == [("photo.jpg", 10), ("receipt.pdf", 16)]


def test_oversized_attachment_is_refused_with_the_reason_and_nothing_saved(client, billing, settings):
    settings.CAREDESK_MAX_ATTACHMENT_BYTES = 10
    big = SimpleUploadedFile("statement.pdf", b"x" * 11)
    response = client.post("/help/", {**request_data(), "attachments": [big]})
    assert response.status_code == 200
    assert response.context["form"].errors["attachments"] == [
        "statement.pdf is 11\xa0bytes; attachments can be at most 10\xa0bytes."
    ]
    assert "statement.pdf is 11" in response.content.decode()
    assert nothing_saved()


def test_program_attachment_is_refused_with_the_reason_and_nothing_saved(client, billing):
    response = client.post("/help/", {**request_data(), "attachments": [SimpleUploadedFile("setup.exe", b"MZ")]})
    assert response.context["form"].errors["attachments"] == [
        "setup.exe was not accepted: files of this type can run programs. Send it as a ZIP or PDF."
    ]
    assert nothing_saved()


def test_refused_attachments_do_not_use_up_the_hourly_limit(client, billing):
    for _ in range(6):
        client.post("/help/", {**request_data(), "attachments": [SimpleUploadedFile("setup.exe", b"MZ")]})
    assert client.post("/help/", request_data()).status_code == 302


def test_logged_in_customer_is_sent_to_the_portal_version_of_the_form(client, miggins):
    client.force_login(miggins.user)
    response = client.get("/help/")
    assert (response.status_code, response.url) == (302, "/portal/new/")


def test_portal_form_shows_the_customers_name_and_address_without_asking(client, billing, miggins):
    client.force_login(miggins.user)
    html = client.get("/portal/new/").content.decode()
    assert 'value="Mrs Miggins" maxlength="200" class="form-control" autocomplete="name" required disabled' in html
    assert 'value="miggins@example.com" maxlength="320" class="form-control" autocomplete="email" required disabled' in html
    assert 'name="website"' not in html


def test_portal_form_opens_a_portal_ticket_as_the_customer_whatever_address_is_posted(client, billing, miggins):
    client.force_login(miggins.user)
    response = client.post("/portal/new/", request_data(email="parker@example.com", name="Peter Parker"))
    ticket = Ticket.objects.get()
    assert (ticket.customer, ticket.channel, ticket.team) == (miggins, "portal", billing)
    assert response.url == f"/portal/tickets/{ticket.pk}/"
    assert ticket.events.get().actor == miggins.user
